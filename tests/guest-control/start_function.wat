;; The start function runs during instantiation; it is interrupted all the same.
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (func $init (loop $l (br $l)))
  (start $init)
  (func (export "_start")))
