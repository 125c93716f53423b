;; memory.init from a dropped segment with a non-zero length.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (data $d "hello")
  (func (export "_start")
    (data.drop $d)
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))))
