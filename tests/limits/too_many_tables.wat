;; An instance defining more tables than max-tables allows is refused.
;; limits: max-tables=1
;; expect-error: instantiation would exceed the store's max-tables limit of 1 (it holds 0, the module defines 2)
(module
  (table 1 funcref)
  (table 1 externref)
  (func (export "_start")))
