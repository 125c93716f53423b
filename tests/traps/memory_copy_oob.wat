;; memory.copy whose source runs past the end.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (memory.copy (i32.const 0) (i32.const 65500) (i32.const 100))))
