;; A loop without calls: stopped at its header (compiled --interruptible, as `run -W timeout` does).
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (func (export "_start")
    (loop $l (br $l))))
