;; A load within an access that already ran cannot trap (memory never shrinks), so guard mode lets
;; LLVM merge or delete it (`address_facts.rs`, `covers`). Each function here re-reads what an
;; earlier access covered, or something just outside it: the traps must stay where Wasm puts them.
(module
  (memory 1)
  (memory $big 2)
  ;; store at p + 12, read it back, and read a word that only partly overlaps it
  (func (export "reload") (param $p i32) (result i32)
    (i32.store offset=12 (local.get $p) (i32.const 5))
    (i32.add (i32.load offset=12 (local.get $p)) (i32.load16_u offset=14 (local.get $p))))
  ;; the second load reaches 1 byte past the first access: it may still trap
  (func (export "past") (param $p i32)
    (drop (i64.load (local.get $p)))
    (drop (i32.load offset=5 (local.get $p))))
  ;; an access to the larger memory covers nothing in the smaller one
  (func (export "other_memory") (param $p i32)
    (drop (i64.load $big (local.get $p)))
    (drop (i64.load (local.get $p))))
  ;; the local changes between the two accesses
  (func (export "moved") (param $p i32)
    (drop (i32.load (local.get $p)))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (drop (i32.load (local.get $p))))
  ;; only one arm of the if accessed p: after it, nothing is covered
  (func (export "one_arm") (param $p i32) (param $c i32)
    (if (local.get $c) (then (drop (i32.load (local.get $p)))))
    (drop (i32.load (local.get $p))))
  ;; a loop re-reading p + 4 every iteration while p walks down: nothing carries over the back edge
  (func (export "walk") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (loop $top
      (local.set $s (i32.add (local.get $s) (i32.load offset=4 (local.get $p))))
      (drop (i32.load offset=4 (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 65536)))
      (br_if $top (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))

(assert_return (invoke "reload" (i32.const 0)) (i32.const 5))
(assert_return (invoke "reload" (i32.const 65520)) (i32.const 5))
(assert_trap (invoke "reload" (i32.const 65521)) "out of bounds memory access")
(assert_return (invoke "past" (i32.const 65527)))
(assert_trap (invoke "past" (i32.const 65528)) "out of bounds memory access")
(assert_return (invoke "other_memory" (i32.const 65528)))
(assert_trap (invoke "other_memory" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "moved" (i32.const 65528)) "out of bounds memory access")
(assert_return (invoke "moved" (i32.const 65524)))
(assert_trap (invoke "one_arm" (i32.const 65536) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "one_arm" (i32.const 65536) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "walk" (i32.const 0) (i32.const 1)) (i32.const 0))
(assert_trap (invoke "walk" (i32.const 0) (i32.const 2)) "out of bounds memory access")
