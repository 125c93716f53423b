;; memory.init whose destination runs past the end.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (data $d "hello")
  (func (export "_start")
    (memory.init $d (i32.const 65534) (i32.const 0) (i32.const 5))))
