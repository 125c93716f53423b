;; A load whose value is dropped must still trap (LLVM deletes unused loads).
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (drop (i32.load (i32.const 70000)))))
