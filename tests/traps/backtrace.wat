;; A trap several calls deep: the message, then "    at <name>" lines naming the Wasm functions.
;; Both functions recurse (not in tail position), so no optimiser can inline them away.
;; expect-trap: integer divide by zero
;; expect-frame: divide_it
;; expect-frame: caller_of_divide
(module
  (global $zero (mut i32) (i32.const 0))
  (func $divide_it (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.mul (call $divide_it (i32.sub (local.get 0) (i32.const 1))) (i32.const 3)))
      (else (i32.div_u (i32.const 10) (global.get $zero)))))
  (func $caller_of_divide (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.mul (call $caller_of_divide (i32.sub (local.get 0) (i32.const 1))) (i32.const 5)))
      (else (call $divide_it (i32.const 3)))))
  (func (export "_start")
    (drop (call $caller_of_divide (i32.const 2)))))
