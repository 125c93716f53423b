;; A 64-bit memory obeys max-memory-size the same way.
;; limits: max-memory-size=192K
;; expect-exit: 0
(module
  (memory i64 1)
  (func (export "_start")
    (if (i64.ne (memory.grow (i64.const 3)) (i64.const -1)) (then unreachable))
    (if (i64.ne (memory.grow (i64.const 2)) (i64.const 1)) (then unreachable))
    (if (i64.ne (memory.grow (i64.const 1)) (i64.const -1)) (then unreachable))))
