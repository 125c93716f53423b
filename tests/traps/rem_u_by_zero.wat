;; i32.rem_u by zero.
;; expect-trap: integer divide by zero
(module
  (global $zero (mut i32) (i32.const 0))
  (func (export "_start")
    (drop (i32.rem_u (i32.const 7) (global.get $zero)))))
