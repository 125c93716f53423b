;; An instance defining more memories than max-memories allows is refused.
;; limits: max-memories=1
;; expect-error: instantiation would exceed the store's max-memories limit of 1 (it holds 0, the module defines 2)
(module
  (memory 1)
  (memory 1)
  (func (export "_start")))
