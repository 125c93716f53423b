;; A loop without calls: stopped by the interrupt signal while it runs (no poll is compiled in).
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (func (export "_start")
    (loop $l (br $l))))
