;; A trap two calls deep: the message, then "    at <name>" lines naming the Wasm functions.
;; expect-trap: integer divide by zero
;; expect-frame: divide_it
;; expect-frame: caller_of_divide
(module
  (global $zero (mut i32) (i32.const 0))
  (func $divide_it (param i32) (result i32)
    (i32.div_u (local.get 0) (global.get $zero)))
  (func $caller_of_divide (result i32)
    (i32.add (call $divide_it (i32.const 10)) (i32.const 1)))
  (func (export "_start")
    (drop (call $caller_of_divide))))
