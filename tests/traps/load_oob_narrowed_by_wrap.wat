;; An i64 load whose last four bytes lie past the end of memory, of which only the low half is
;; used: narrowed to an i32 load it would not trap.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $sink (mut i32) (i32.const 0))
  (func (export "_start")
    (global.set $sink (i32.wrap_i64 (i64.load (i32.const 65532))))))
