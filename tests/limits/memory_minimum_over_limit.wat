;; A memory whose minimum passes max-memory-size fails instantiation, naming the limit.
;; limits: max-memory-size=128K
;; expect-error: memory of 196608 bytes (its minimum) exceeds the store's max-memory-size limit of 131072 bytes
(module
  (memory 3)
  (func (export "_start")))
