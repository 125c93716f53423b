;; A trap in the module's start function (during instantiation) is reported like any other.
;; expect-trap: integer divide by zero
(module
  (global $zero (mut i32) (i32.const 0))
  (func $init (drop (i32.div_u (i32.const 1) (global.get $zero))))
  (start $init)
  (func (export "_start")))
