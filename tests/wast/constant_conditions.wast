;; Branches on constants are decided while translating (`translate/control.rs`, `known_condition`):
;; the arm or continuation they never reach is skipped like code after `br`. What each construct
;; passes on must stay the same, a dead access must not trap and a live one must.
(module
  (memory 1)
  (global $zero i32 (i32.const 0))
  (global $one i32 (i32.const 1))

  ;; br_if never taken: the block's code runs and its value is the fall-through one.
  (func (export "br_if_never") (param $p i32) (result i32)
    (block $b (result i32)
      (br_if $b (i32.const 10) (global.get $zero))
      (drop)
      (i32.load (local.get $p))))

  ;; br_if always taken: the value branches out, the rest (an out-of-bounds load) never runs.
  (func (export "br_if_always") (result i32)
    (block $b (result i32)
      (br_if $b (i32.const 20) (global.get $one))
      (drop)
      (i32.load (i32.const 70000))))

  ;; The same out of a loop, and to a loop with its parameter (one trip, then out).
  (func (export "br_if_loop") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))
      (br_if $l (i32.const 0)))
    (local.get $i))

  ;; if with a constant condition: only the live arm runs, values flow through both shapes.
  (func (export "if_true_else") (result i32)
    (if (result i32) (i32.const 3)
      (then (i32.const 30))
      (else (i32.load (i32.const 70000)))))
  (func (export "if_false_else") (param $p i32) (result i32)
    (if (result i32) (i32.const 0)
      (then (i32.load (i32.const 70000)))
      (else (i32.load (local.get $p)))))
  (func (export "if_false_no_else") (param $x i32) (result i32)
    (local.get $x)
    (if (param i32) (result i32) (i32.const 0)
      (then (drop) (i32.load (i32.const 70000))))
    (i32.const 1)
    (i32.add))
  (func (export "if_true_no_else") (param $x i32) (result i32)
    (local.get $x)
    (if (param i32) (result i32) (global.get $one)
      (then (i32.mul (i32.const 2))))
    (i32.const 1)
    (i32.add))

  ;; A live arm's out-of-bounds access still traps.
  (func (export "live_arm_traps") (result i32)
    (if (result i32) (i32.const 1)
      (then (i32.load (i32.const 70000)))
      (else (i32.const 0))))
  (func (export "live_fall_through_traps") (result i32)
    (block $b (result i32)
      (br_if $b (i32.const 20) (i32.const 0))
      (drop)
      (i32.load (i32.const 70000))))

  ;; br_table on a constant: in range, and past the end (the default).
  (func (export "br_table_in_range") (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (br_table $a $b $a (i32.const 5) (i32.const 1)))
      (i32.add (i32.const 100)))
    (i32.add (i32.const 1000)))
  (func (export "br_table_default") (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (br_table $b $b $a (i32.const 5) (i32.const 7)))
      (i32.add (i32.const 100)))
    (i32.add (i32.const 1000)))

  ;; Nested constructs inside a dead arm are skipped whole, and the code after them is live.
  (func (export "nested_in_dead_arm") (param $p i32) (result i32)
    (local $s i32)
    (if (i32.const 0)
      (then
        (block $x
          (loop $y
            (if (i32.load (i32.const 70000)) (then (br $y)) (else (br $x)))))
        (local.set $s (i32.const 5))))
    (i32.add (local.get $s) (i32.load (local.get $p))))

  (data (i32.const 0) "\07\00\00\00"))

(assert_return (invoke "br_if_never" (i32.const 0)) (i32.const 7))
(assert_trap (invoke "br_if_never" (i32.const 65533)) "out of bounds memory access")
(assert_return (invoke "br_if_always") (i32.const 20))
(assert_return (invoke "br_if_loop" (i32.const 4)) (i32.const 4))
(assert_return (invoke "br_if_loop" (i32.const 0)) (i32.const 1))
(assert_return (invoke "if_true_else") (i32.const 30))
(assert_return (invoke "if_false_else" (i32.const 0)) (i32.const 7))
(assert_trap (invoke "if_false_else" (i32.const 65534)) "out of bounds memory access")
(assert_return (invoke "if_false_no_else" (i32.const 4)) (i32.const 5))
(assert_return (invoke "if_true_no_else" (i32.const 4)) (i32.const 9))
(assert_trap (invoke "live_arm_traps") "out of bounds memory access")
(assert_trap (invoke "live_fall_through_traps") "out of bounds memory access")
(assert_return (invoke "br_table_in_range") (i32.const 1105))
(assert_return (invoke "br_table_default") (i32.const 1005))
(assert_return (invoke "nested_in_dead_arm" (i32.const 0)) (i32.const 7))
