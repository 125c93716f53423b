;; Unbalanced parentheses: not even text.
;; expect-error: error
(module
  (func (result i32) (i32.const 1)
