;; The last in-bounds word (address 65532) is accessible, and memory.grow makes the next page so.
;; expect-exit: 0
(module
  (memory 1 2)
  (func (export "_start")
    (i32.store (i32.const 65532) (i32.const 42))
    (if (i32.ne (i32.load (i32.const 65532)) (i32.const 42)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 1)) (then unreachable))
    (i64.store (i32.const 131064) (i64.const -1))
    (if (i64.ne (i64.load (i32.const 131064)) (i64.const -1)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))))
