;; i32.div_s by a zero that the compiler cannot see.
;; expect-trap: integer divide by zero
(module
  (global $zero (mut i32) (i32.const 0))
  (func (export "_start")
    (drop (i32.div_s (i32.const 7) (global.get $zero)))))
