;; Found by the fuzzer: a try_table after an unconditional branch was not counted as a nested
;; construct, so its `end` closed the enclosing block (panic: "frame", "else of an if", or
;; "value stack underflow").
(module
  (tag $e (param i32))
  (func (export "after_return") (result i32)
    (block $done
      (return (i32.const 7))
      (try_table (catch_all $done)
        (throw $e (i32.const 1))))
    (i32.const 0))
  (func (export "in_dead_if_arm") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then
        (br 1 (i32.const 11))
        (try_table (result i32) (catch $e 0) (i32.const 2)))
      (else (i32.const 12))))
  (func (export "nested_dead") (result i32)
    (block $out
      (unreachable)
      (try_table (catch_all $out)
        (try_table (catch_all 0)
          (if (i32.const 1) (then (nop)) (else (nop))))))
    (i32.const 4))
  (func (export "live_after_dead") (result i32)
    (block $b (result i32)
      (try_table (result i32) (catch $e $b)
        (br 0 (i32.const 5))
        (try_table (catch $e 0)))
      (i32.const 1)
      (i32.add))))
(assert_return (invoke "after_return") (i32.const 7))
(assert_return (invoke "in_dead_if_arm" (i32.const 1)) (i32.const 11))
(assert_return (invoke "in_dead_if_arm" (i32.const 0)) (i32.const 12))
(assert_trap (invoke "nested_dead") "unreachable")
(assert_return (invoke "live_after_dead") (i32.const 6))
