;; A function tail-calling itself, which LLVM may turn into a loop: the interrupt signal stops it.
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (func $spin (param $n i32) (result i32)
    (return_call $spin (i32.add (local.get $n) (i32.const 1))))
  (func (export "_start")
    (drop (call $spin (i32.const 0)))))
