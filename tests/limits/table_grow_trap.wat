;; With trap-on-grow-failure, table.grow past max-table-elements traps.
;; limits: max-table-elements=10,trap-on-grow-failure
;; expect-trap: table.grow failed
(module
  (table 4 externref)
  (func (export "_start")
    (drop (table.grow (ref.null extern) (i32.const 7)))))
