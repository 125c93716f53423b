;; call of a function index that does not exist.
;; expect-error: unknown function
(module
  (func (call 7)))
