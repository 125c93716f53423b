;; An i32 load straddling the end of memory of which only the low byte is used, then stored as a
;; byte: narrowed to a one-byte load it would not trap.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (i32.store8 (i32.const 0) (i32.and (i32.load (i32.const 65534)) (i32.const 255)))))
