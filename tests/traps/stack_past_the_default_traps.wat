;; A recursion 3,000,000 calls deep (over 90 MiB of stack) is past the default Wasm stack (64 MiB),
;; whatever `ulimit -s` says (see stack_max_wasm_stack_bigger_ok.wat for a stack that fits it).
;; ulimit-s: unlimited
;; expect-trap: call stack exhausted
(module
  (memory 1)
  ;; Returns n after n nested calls. n stays live across the call and the store after it keeps
  ;; LLVM from turning the recursion into a loop: at least 32 bytes of native stack per level.
  (func $depth (param $n i32) (result i32)
    (local $r i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (local.set $r (i32.add (call $depth (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))
        (i32.store (i32.and (i32.shl (local.get $n) (i32.const 2)) (i32.const 0xfffc)) (local.get $n))
        (local.get $r))))
  (func (export "_start")
    (if (i32.ne (call $depth (i32.const 3000000)) (i32.const 3000000)) (then unreachable))))
