;; After memory.grow to two pages, an access just past the second page still traps.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 131072) (i32.const 1))))
