;; memory.fill that runs past the end.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (memory.fill (i32.const 65530) (i32.const 0) (i32.const 10))))
