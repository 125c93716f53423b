;; v128.load8x8_s reads 8 bytes: at 65529 its last byte is past the end of a one-page memory.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65529))
  (func (export "_start")
    (drop (v128.load8x8_s (global.get $addr)))))
