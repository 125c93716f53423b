;; table.grow within max-table-elements succeeds; past it, it returns -1.
;; limits: max-table-elements=10
;; expect-exit: 0
(module
  (table 4 funcref)
  (func (export "_start")
    (if (i32.ne (table.grow (ref.null func) (i32.const 6)) (i32.const 4)) (then unreachable))
    (if (i32.ne (table.grow (ref.null func) (i32.const 1)) (i32.const -1)) (then unreachable))
    (if (i32.ne (table.size) (i32.const 10)) (then unreachable))))
