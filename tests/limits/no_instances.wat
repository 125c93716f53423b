;; max-instances=0 refuses even the first instance (more instances: compiler/tests/build_api.rs,
;; tests/embed/).
;; limits: max-instances=0
;; expect-error: instantiation would exceed the store's max-instances limit of 0
(module
  (func (export "_start")))
