;; local.get of an index past the function's locals.
;; expect-error: unknown local
(module
  (func (param i32) (result i32) (local.get 3)))
