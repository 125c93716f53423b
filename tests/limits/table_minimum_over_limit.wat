;; A table whose minimum passes max-table-elements fails instantiation, naming the limit.
;; limits: max-table-elements=10
;; expect-error: table of 11 elements (its minimum) exceeds the store's max-table-elements limit of 10
(module
  (table 11 funcref)
  (func (export "_start")))
