;; A v128.load whose value is dropped must still trap: v128 loads feed the vector load sink.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (drop (v128.load (i32.const 70000)))))
