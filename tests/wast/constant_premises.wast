;; A versioned loop whose premise is made of constants (the counter and its bound set right before
;; the loop, possibly a few straight blocks earlier) gets one copy (`translate/analyses/
;; versioning.rs`, `constant_stored_last`): the fast one when the premise holds, the exact one when
;; it does not. Each must compute what the loop does, and trap where it does.
(module
  (memory 1)
  (func $id (param i32) (result i32) (local.get 0))

  ;; Counts -40 up to 0 by 4: ten trips, premise true.
  (func (export "ten_trips") (result i32)
    (local $i i32) (local $s i32)
    (local.set $i (i32.const -40))
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $id (i32.load (i32.add (local.get $i) (i32.const 140))))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))
    (local.get $s))

  ;; Counts 6 down by 4: never reaches 0, premise false. The exact copy goes on until its load
  ;; runs below address 0, that is, off the end of memory.
  (func (export "never_zero") (result i32)
    (local $i i32) (local $s i32)
    (local.set $i (i32.const 6))
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $id (i32.load offset=0 (i32.add (local.get $i) (i32.const 100))))))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 4)))))
    (local.get $s))

  ;; The counter is set two blocks before the loop, behind a branch that is not taken.
  (func (export "set_earlier") (param $skip i32) (result i32)
    (local $i i32) (local $s i32)
    (local.set $i (i32.const -8))
    (block $out
      (br_if $out (local.get $skip))
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $id (i32.load (i32.add (local.get $i) (i32.const 108))))))
        (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4))))))
    (local.get $s))

  ;; Set to a constant, then changed by a value the translator cannot know: no copy is chosen
  ;; from the stale constant.
  (func (export "set_then_changed") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (local.set $i (i32.const -8))
    (local.set $i (local.get $n))
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $id (i32.load (i32.add (local.get $i) (i32.const 108))))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))
    (local.get $s))

  ;; The counter is set before an outer loop, and the inner loop leaves it at 0: on the outer
  ;; loop's second trip the constant is stale (the back edge did not exist yet when the inner
  ;; loop was translated). From 0, counting up by 4 never meets 0 again: the exact copy runs until
  ;; its load runs off the end of memory.
  (func (export "stale_after_outer_back_edge") (param $outer i32) (result i32)
    (local $i i32) (local $s i32)
    (local.set $i (i32.const -8))
    (loop $o
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $id (i32.load (i32.add (local.get $i) (i32.const 108))))))
        (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))
      (br_if $o (local.tee $outer (i32.sub (local.get $outer) (i32.const 1)))))
    (local.get $s))

  (data (i32.const 100) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00\05\00\00\00\06\00\00\00\07\00\00\00\08\00\00\00\09\00\00\00\0a\00\00\00"))

(assert_return (invoke "ten_trips") (i32.const 55))
(assert_trap (invoke "never_zero") "out of bounds memory access")
(assert_return (invoke "set_earlier" (i32.const 0)) (i32.const 3))
(assert_return (invoke "set_earlier" (i32.const 1)) (i32.const 0))
(assert_return (invoke "set_then_changed" (i32.const -12)) (i32.const 3))
;; -6 never reaches 0 by 4: the exact copy, until the load at 108 + i runs off the end of memory.
(assert_trap (invoke "set_then_changed" (i32.const -6)) "out of bounds memory access")
(assert_return (invoke "stale_after_outer_back_edge" (i32.const 1)) (i32.const 3))
(assert_trap (invoke "stale_after_outer_back_edge" (i32.const 2)) "out of bounds memory access")
