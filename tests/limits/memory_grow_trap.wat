;; With trap-on-grow-failure, memory.grow past max-memory-size traps instead of returning -1.
;; limits: max-memory-size=128K,trap-on-grow-failure
;; expect-trap: memory.grow failed
(module
  (memory 1)
  (func (export "_start")
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 1)) (then unreachable))
    (drop (memory.grow (i32.const 1)))))
