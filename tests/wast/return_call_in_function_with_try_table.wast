;; Found by the fuzzer: a return_call in a function that also holds a try_table (and so calls
;; _setjmp) was emitted as `musttail`, which LLVM cannot lower there: "LLVM ERROR: failed to
;; perform tail call elimination on a call site marked musttail" aborted the compiler.
(module
  (tag $e (param i32))
  (func $callee (param i32) (result i32 i64 f32 i32 i64)
    (local.get 0) (i64.const 2) (f32.const 3) (i32.const 4) (i64.const 5))
  (func $with_try (export "with_try") (param i32) (result i32 i64 f32 i32 i64)
    (block $caught (result i32)
      (try_table (catch $e $caught)
        (if (local.get 0) (then (throw $e (i32.const 9)))))
      (return_call $callee (i32.const 1)))
    (return_call $callee))
  (func (export "inside_try") (param i32) (result i32)
    (try_table (result i32) (catch $e 0)
      (return_call $leaf (local.get 0))))
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 100))))
(assert_return (invoke "with_try" (i32.const 0))
  (i32.const 1) (i64.const 2) (f32.const 3) (i32.const 4) (i64.const 5))
(assert_return (invoke "with_try" (i32.const 1))
  (i32.const 9) (i64.const 2) (f32.const 3) (i32.const 4) (i64.const 5))
(assert_return (invoke "inside_try" (i32.const 1)) (i32.const 101))
