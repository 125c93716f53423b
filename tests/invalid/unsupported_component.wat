;; A component (the component model) is valid input to some engines, but not compiled here.
;; expect-error: unsupported: the component model (a component or nested module was given)
(component
  (core module (func (export "f"))))
