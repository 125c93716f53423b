;; memory.grow within max-memory-size succeeds; past it, it returns -1 and the memory keeps its size.
;; limits: max-memory-size=128K
;; expect-exit: 0
(module
  (memory 1)
  (func (export "_start")
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 1)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 0)) (i32.const 2)) (then unreachable))
    (if (i32.ne (memory.size) (i32.const 2)) (then unreachable))))
