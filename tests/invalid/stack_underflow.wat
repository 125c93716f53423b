;; i32.add with a single operand on the stack.
;; expect-error: type mismatch
(module
  (func (result i32) (i32.add (i32.const 1))))
