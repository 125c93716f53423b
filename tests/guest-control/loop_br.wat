;; A loop without calls: stopped at its header (compiled --interruptible, as `run -W timeout` does).
;; run: -W timeout=1s
;; expect-trap: interrupt
(module
  (func (export "_start")
    (loop $l (br $l))))
