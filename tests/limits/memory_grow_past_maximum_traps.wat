;; trap-on-grow-failure covers every failed memory.grow, the declared maximum's too (as wasmtime).
;; limits: trap-on-grow-failure
;; expect-trap: memory.grow failed
(module
  (memory 1 2)
  (func (export "_start")
    (drop (memory.grow (i32.const 5)))))
