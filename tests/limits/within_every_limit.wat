;; Limits that the module stays within change nothing.
;; limits: max-memory-size=64K,max-table-elements=1,max-instances=1,max-memories=1,max-tables=1,trap-on-grow-failure
;; expect-exit: 0
(module
  (memory 1 1)
  (table 1 funcref)
  (func (export "_start")
    (if (i32.ne (memory.grow (i32.const 0)) (i32.const 1)) (then unreachable))
    (i32.store (i32.const 65532) (i32.const 7))))
