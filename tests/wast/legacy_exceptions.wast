;; The legacy exception instructions (try, catch, catch_all, rethrow, delegate) share the runtime's
;; handler stack with try_table: each must leave exactly the handlers it should, whichever kind
;; encloses which (translate/legacy_exception.rs).
(module
  (tag $e (param i32))
  (tag $f)
  (tag $multi (param i32 i64 f64))

  (func $throw_e (param i32) (throw $e (local.get 0)))
  (func $throw_f (throw $f))

  ;; A try inside a try_table: an exception the try does not catch reaches the try_table.
  (func (export "try_in_try_table") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (try
          (do (if (local.get 0) (then (call $throw_e (i32.const 3))) (else (throw $f))))
          (catch $f)))
      (i32.const 100)))

  ;; A try_table inside a try's body and inside its catch arm.
  (func (export "try_table_in_try") (param i32) (result i32)
    (try (result i32)
      (do
        (block $h
          (try_table (catch $f $h)
            (if (local.get 0) (then (throw $e (i32.const 20))) (else (call $throw_f)))))
        (i32.const 1))
      (catch $e (i32.const 1) (i32.add))))
  (func (export "try_table_in_catch") (result i32)
    (local $x i32)
    (try (result i32)
      (do (throw $e (i32.const 5)))
      (catch $e
        (local.set $x)
        (block $h (result i32)
          (try_table (result i32) (catch $e $h)
            (throw $e (i32.add (local.get $x) (i32.const 100))))))))

  ;; delegate to the function's label goes to the caller, past the enclosing try.
  (func $delegate_out (param i32)
    (try
      (do
        (try
          (do (if (local.get 0) (then (call $throw_e (i32.const 7)))))
          (delegate 1)))
      (catch_all unreachable)))
  (func (export "delegate_to_caller") (param i32) (result i32)
    (local $n i32)
    (try (result i32)
      (do (call $delegate_out (local.get 0)) (i32.const 0))
      (catch $e
        ;; The handler stack is intact: more exceptions still find the right handlers.
        (local.set $n)
        (block $h
          (try_table (catch $f $h) (call $throw_f)))
        (try (result i32)
          (do (call $throw_e (i32.const 30)) (i32.const 0))
          (catch $e (local.get $n) (i32.add))))))
  (func (export "delegate_to_caller_uncaught") (call $delegate_out (i32.const 1)))

  ;; delegate skips a try_table between the try and its target.
  (func (export "delegate_across_try_table") (result i32)
    (try $t (result i32)
      (do
        (block $b
          (try_table (catch_all $b)
            (try (do (throw $e (i32.const 1))) (delegate $t))))
        (i32.const 0))
      (catch $e (i32.add (i32.const 40)))))

  ;; delegate to a try_table's label: thrown inside it, so the try_table catches.
  (func (export "delegate_to_try_table") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (try (do (throw $e (i32.const 50))) (delegate 0)))
      (i32.const 0)))

  ;; delegate to a block (not a try): the next handler outside the block.
  (func (export "delegate_to_block") (result i32)
    (try (result i32)
      (do
        (block $b
          (try (do (try (do (call $throw_f)) (delegate $b))) (catch_all unreachable)))
        (i32.const 0))
      (catch $f (i32.const 60))))

  ;; rethrow after nested catches rethrows the exception of the catch it names.
  (func (export "rethrow_nested") (param i32) (result i32)
    (try (result i32)
      (do
        (try
          (do (throw $e (i32.const 7)))
          (catch $e
            (drop)
            (try
              (do (throw $f))
              (catch $f
                (try
                  (do (throw $e (i32.const 99)))
                  (catch_all
                    (if (local.get 0) (then (rethrow 3)) (else (rethrow 1)))))))))
        (i32.const 0))
      (catch $e (i32.add (i32.const 100)))))

  ;; Exceptions from callees, with a payload.
  (func $callee (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 77))))
    (i32.add (local.get 0) (i32.const 1)))
  (func (export "from_callee") (param i32) (result i32)
    (try (result i32)
      (do (call $callee (local.get 0)))
      (catch $e (i32.const 1000) (i32.add))))

  ;; An exnref caught by a try_table and thrown again with throw_ref is caught by a legacy catch;
  ;; an exception a legacy catch rethrows is caught by a try_table's catch_ref.
  (func (export "catch_throw_ref") (result i32)
    (try (result i32)
      (do
        (throw_ref
          (block $h (result exnref)
            (try_table (catch_all_ref $h) (throw $e (i32.const 8)))
            (unreachable)))
        (i32.const 0))
      (catch $e (i32.add (i32.const 10)))))
  (func (export "rethrow_to_catch_ref") (result i32)
    (local $x exnref)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h)
        (try (do (throw $e (i32.const 9))) (catch $e (drop) (rethrow 0))))
      (unreachable))
    (local.set $x)
    ;; The exnref is the same exception: throwing it again carries the same payload.
    (drop)
    (try (result i32)
      (do (throw_ref (local.get $x)))
      (catch $e (i32.add (i32.const 20)))))

  ;; A try in dead code, with catch, catch_all and delegate.
  (func (export "dead_try") (result i32)
    (block $out
      (br 0)
      (try (do (throw $f)) (catch_all))
      (try (do (nop)) (catch $e (drop)) (catch_all))
      (try (do) (delegate 0)))
    (try (result i32)
      (do (br 0 (i32.const 3)) (try (do) (catch_all)) (i32.const 4))
      (catch_all (i32.const 5))))
  (func (export "dead_catch_arm") (result i32)
    (try (result i32)
      (do (throw $f))
      (catch $f (return (i32.const 6)) (try (do) (catch_all)) (i32.const 7))))

  ;; A try in a loop, left by branches out of its catch arm: every iteration's handler is popped.
  (func (export "loop_catch_branch") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (try
          (do (call $throw_e (local.get $i)))
          (catch $e
            (drop)
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (br $next)))))
    ;; Had a handler stayed pushed, this throw would land in a dead frame.
    (try (result i32)
      (do (throw $e (local.get $i)) (i32.const 0))
      (catch $e)))

  ;; Several payload values.
  (func (export "multi") (result i32 i64 f64)
    (try (result i32 i64 f64)
      (do (throw $multi (i32.const 1) (i64.const 2) (f64.const 3.5)))
      (catch $multi)))
  (func (export "multi_rethrown") (result f64)
    (local $i i32) (local $l i64) (local $d f64)
    (try (result f64)
      (do
        (try (do (throw $multi (i32.const 4) (i64.const 5) (f64.const 6.5)))
          (catch_all (rethrow 0)))
        (f64.const 0))
      (catch $multi
        (local.set $d) (local.set $l) (local.set $i)
        (f64.add (local.get $d)
          (f64.add (f64.convert_i64_s (local.get $l)) (f64.convert_i32_u (local.get $i)))))))

  ;; A try with parameters: the catch arms start from the stack below them.
  (func (export "try_params") (param i32) (result i32)
    (i32.const 1000)
    (local.get 0)
    (try (param i32) (result i32)
      (do (if (then (throw $e (i32.const 2)))) (i32.const 1))
      (catch $e (i32.const 10) (i32.add)))
    (i32.add))

  ;; In a catch arm: a delegate past a try_table to the try whose arm it is goes outside that try;
  ;; a rethrow inside a try_table is caught by it.
  (func (export "delegate_in_catch_arm") (result i32)
    (try (result i32)
      (do
        (try
          (do (throw $f))
          (catch $f
            (block $b
              (try_table (catch_all $b)
                (try (do (throw $e (i32.const 3))) (delegate 2))))))
        (i32.const 0))
      (catch $e (i32.add (i32.const 70)))))
  (func (export "rethrow_into_try_table") (result i32)
    (try (result i32)
      (do (throw $f))
      (catch $f
        (block $b
          (try_table (catch $f $b) (rethrow 2)))
        (i32.const 80))))

  ;; Branches from a try body back to an enclosing loop pop the handler each time.
  (func (export "loop_branch_from_body") (param $n i32) (result i32)
    (local $i i32)
    (loop $next
      (try
        (do
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
        (catch_all unreachable)))
    (try (result i32)
      (do (throw $e (local.get $i)) (i32.const 0))
      (catch $e)))

  ;; No clause matches: the exception leaves the function.
  (func (export "uncaught") (result i32)
    (try (result i32) (do (throw $f)) (catch $e)))
  (func (export "rethrow_uncaught")
    (try (do (throw $e (i32.const 1))) (catch_all (rethrow 0))))

  ;; The flat syntax.
  (func (export "flat") (result i32)
    try $t (result i32)
      try (result i32)
        i32.const 4
        call $throw_e
        i32.const 0
      delegate $t
    catch $e
    catch_all
      i32.const 0
    end))

(assert_return (invoke "try_in_try_table" (i32.const 1)) (i32.const 3))
(assert_return (invoke "try_in_try_table" (i32.const 0)) (i32.const 100))
(assert_return (invoke "try_table_in_try" (i32.const 1)) (i32.const 21))
(assert_return (invoke "try_table_in_try" (i32.const 0)) (i32.const 1))
(assert_return (invoke "try_table_in_catch") (i32.const 105))
(assert_return (invoke "delegate_to_caller" (i32.const 1)) (i32.const 37))
(assert_return (invoke "delegate_to_caller" (i32.const 0)) (i32.const 0))
(assert_exception (invoke "delegate_to_caller_uncaught"))
(assert_return (invoke "delegate_across_try_table") (i32.const 41))
(assert_return (invoke "delegate_to_try_table") (i32.const 50))
(assert_return (invoke "delegate_to_block") (i32.const 60))
(assert_return (invoke "rethrow_nested" (i32.const 1)) (i32.const 107))
(assert_return (invoke "rethrow_nested" (i32.const 0)) (i32.const 199))
(assert_return (invoke "from_callee" (i32.const 0)) (i32.const 1077))
(assert_return (invoke "from_callee" (i32.const 5)) (i32.const 6))
(assert_return (invoke "catch_throw_ref") (i32.const 18))
(assert_return (invoke "rethrow_to_catch_ref") (i32.const 29))
(assert_return (invoke "dead_try") (i32.const 3))
(assert_return (invoke "dead_catch_arm") (i32.const 6))
(assert_return (invoke "loop_catch_branch" (i32.const 1000)) (i32.const 1000))
(assert_return (invoke "multi") (i32.const 1) (i64.const 2) (f64.const 3.5))
(assert_return (invoke "multi_rethrown") (f64.const 15.5))
(assert_return (invoke "try_params" (i32.const 0)) (i32.const 1001))
(assert_return (invoke "try_params" (i32.const 1)) (i32.const 1012))
(assert_return (invoke "delegate_in_catch_arm") (i32.const 73))
(assert_return (invoke "rethrow_into_try_table") (i32.const 80))
(assert_return (invoke "loop_branch_from_body" (i32.const 500)) (i32.const 500))
(assert_exception (invoke "uncaught"))
(assert_exception (invoke "rethrow_uncaught"))
(assert_return (invoke "flat") (i32.const 4))
