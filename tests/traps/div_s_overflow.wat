;; i32.div_s INT_MIN / -1: the quotient does not fit.
;; expect-trap: integer overflow
(module
  (global $min (mut i32) (i32.const 0x80000000))
  (global $m1 (mut i32) (i32.const -1))
  (func (export "_start")
    (drop (i32.div_s (global.get $min) (global.get $m1)))))
