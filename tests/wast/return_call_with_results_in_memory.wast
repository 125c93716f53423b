;; Found by the fuzzer: a return_call whose signature the target cannot pass in registers (x86-64:
;; more than 3 integer or 4 float/vector results; RISC-V: more than 2 results of a class, more than
;; 8 integer arguments, any v128) was emitted as `musttail`, and LLVM aborted: "failed to perform
;; tail call elimination on a call site marked musttail". Such tail calls are plain calls.
(module
  (func $four_ints (export "four_ints") (param i32) (result i64 i64 i32 i64)
    (if (result i64 i64 i32 i64) (local.get 0)
      (then (return_call $four_ints (i32.sub (local.get 0) (i32.const 1))))
      (else (i64.const 1) (i64.const 2) (i32.const 3) (i64.const 4))))
  (func $five_floats (export "five_floats") (param i32) (result f64 f64 f64 f32 f64)
    (if (result f64 f64 f64 f32 f64) (local.get 0)
      (then (return_call $five_floats (i32.sub (local.get 0) (i32.const 1))))
      (else (f64.const 1) (f64.const 2) (f64.const 3) (f32.const 4) (f64.const 5))))
  (func $v128s (export "v128s") (param i32 v128) (result v128)
    (if (result v128) (local.get 0)
      (then (return_call $v128s (i32.sub (local.get 0) (i32.const 1)) (i32x4.add (local.get 1) (v128.const i32x4 1 1 1 1))))
      (else (local.get 1))))
  (func $nine_ints (export "nine_ints") (param i32 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (if (result i64) (local.get 0)
      (then (return_call $nine_ints (i32.sub (local.get 0) (i32.const 1))
        (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 1)))
      (else (local.get 1)))))
(assert_return (invoke "four_ints" (i32.const 1000)) (i64.const 1) (i64.const 2) (i32.const 3) (i64.const 4))
(assert_return (invoke "five_floats" (i32.const 1000)) (f64.const 1) (f64.const 2) (f64.const 3) (f32.const 4) (f64.const 5))
(assert_return (invoke "v128s" (i32.const 1000) (v128.const i32x4 0 1 2 3)) (v128.const i32x4 1000 1001 1002 1003))
(assert_return (invoke "nine_ints" (i32.const 3)
  (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8))
  (i64.const 4))
