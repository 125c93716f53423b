;; Locals seen by a catch. A throw jumps back to the try's setjmp: a local written inside the
;; try body must read its latest value there, and one written only before the try the value it had
;; when the try was entered, however LLVM placed it. (Keeping the locals never written in a try body
;; in registers failed here: LLVM folded a loop counter's increment into its stack slot inside the
;; body, and the landing read the next iteration's value. Each landing now reloads the locals from
;; their shadows, translate/shadow_locals.rs.) Many live values force callee-saved registers and
;; spill slots.
(module
  (tag $e (param i32))
  (tag $f)
  (global $g (mut i32) (i32.const 0))

  (func $throw_if (param i32) (if (local.get 0) (then (throw $e (local.get 0)))))
  (func $throw_f_at (param i32 i32) (if (i32.eq (local.get 0) (local.get 1)) (then (throw $f))))
  (func $opaque (param i32) (result i32) (global.set $g (local.get 0)) (local.get 0))

  ;; Written in the body before the throwing call: the catch sees the new values (set and tee).
  (func (export "written_in_body") (param $p i32) (result i32)
    (local $x i32) (local $y i64)
    (local.set $x (i32.const 1))
    (local.set $y (i64.const 10))
    (block $h (result i32)
      (try_table (catch $e $h)
        (local.set $x (i32.add (local.get $x) (i32.const 100)))
        (drop (local.tee $y (i64.add (local.get $y) (i64.const 1000))))
        (local.set $p (i32.mul (local.get $p) (i32.const 3)))
        (call $throw_if (local.get $p)))
      (i32.const 0))
    (i32.add (i32.add (local.get $x) (i32.wrap_i64 (local.get $y))) (local.get $p)) (i32.add))

  ;; Only written before the try: many values live across it, read after the catch.
  (func (export "unmodified") (param $p i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
    (local $g i32) (local $h i32) (local $i f64) (local $j f64) (local $k i64) (local $l i64)
    (local.set $a (call $opaque (i32.add (local.get $p) (i32.const 1))))
    (local.set $b (call $opaque (i32.add (local.get $p) (i32.const 2))))
    (local.set $c (call $opaque (i32.add (local.get $p) (i32.const 3))))
    (local.set $d (call $opaque (i32.add (local.get $p) (i32.const 4))))
    (local.set $e (call $opaque (i32.add (local.get $p) (i32.const 5))))
    (local.set $f (call $opaque (i32.add (local.get $p) (i32.const 6))))
    (local.set $g (call $opaque (i32.add (local.get $p) (i32.const 7))))
    (local.set $h (call $opaque (i32.add (local.get $p) (i32.const 8))))
    (local.set $i (f64.convert_i32_s (call $opaque (i32.const 9))))
    (local.set $j (f64.convert_i32_s (call $opaque (i32.const 10))))
    (local.set $k (i64.extend_i32_s (call $opaque (i32.const 11))))
    (local.set $l (i64.extend_i32_s (call $opaque (i32.const 12))))
    (block $h (result i32)
      (try_table (catch $e $h)
        ;; Plenty of work in registers between the setjmp and the throw.
        (drop (call $opaque (i32.mul (call $opaque (i32.const 7)) (call $opaque (i32.const 9)))))
        (call $throw_if (local.get $p)))
      (i32.const 0))
    (drop)
    (i32.add (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d)))
             (i32.add (i32.add (local.get $e) (local.get $f)) (i32.add (local.get $g) (local.get $h))))
    (i32.trunc_f64_s (f64.add (local.get $i) (local.get $j)))
    (i32.add)
    (i32.wrap_i64 (i64.add (local.get $k) (local.get $l)))
    (i32.add))

  ;; A try in a loop: the counter is written outside the try body, once per iteration; the throw at
  ;; iteration `$at` sees that iteration's value.
  (func (export "counter_outside_try") (param $at i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (block $h
          (try_table (catch $f $h)
            (call $throw_f_at (local.get $i) (local.get $at))
            (br $next)))
        (local.set $sum (i32.add (local.get $sum) (i32.mul (local.get $i) (i32.const 1000))))
        (br $done)))
    (i32.add (local.get $sum) (local.get $i)))

  ;; A loop inside the body: the counter is written there, and the catch sees its last value.
  (func (export "counter_inside_try") (param $at i32) (result i32)
    (local $i i32) (local $acc i64)
    (block $h
      (try_table (catch $f $h)
        (loop $next
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
          (call $throw_f_at (local.get $i) (local.get $at))
          (br_if $next (i32.lt_u (local.get $i) (i32.const 1000))))))
    (i32.add (i32.mul (local.get $i) (i32.const 100000)) (i32.wrap_i64 (local.get $acc))))

  ;; Nested: written in the inner body, caught by the outer try_table (the inner one does not
  ;; catch $e).
  (func (export "nested") (param $p i32) (result i32)
    (local $x i32) (local $y i32)
    (local.set $y (i32.const 7))
    (block $outer (result i32)
      (try_table (catch $e $outer)
        (block $inner
          (try_table (catch $f $inner)
            (local.set $x (i32.const 40))
            (call $throw_if (local.get $p))
            (local.set $x (i32.const 50))))
        (local.set $x (i32.add (local.get $x) (i32.const 1))))
      (i32.const 0))
    (i32.add (local.get $x)) (i32.add (local.get $y)))

  ;; Sibling try_tables share a handler slot (one per nesting depth): each catches its own throw,
  ;; in a loop, with a nested one in the middle and a throw that skips an inner try.
  (func (export "siblings") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $next
      (block $a (result i32)
        (try_table (catch $e $a) (call $throw_if (i32.add (local.get $i) (i32.const 1))))
        (i32.const 0))
      (local.set $acc (i32.add (local.get $acc)))
      (block $b (result i32)
        (try_table (catch $e $b)
          (block $c
            (try_table (catch $f $c) (call $throw_if (i32.const 100))))
          (call $throw_if (i32.const 1000)))
        (i32.const 0))
      (local.set $acc (i32.add (local.get $acc)))
      (block $d
        (try_table (catch $f $d) (call $throw_f_at (local.get $i) (local.get $i))))
      (local.set $acc (i32.add (local.get $acc) (i32.const 10000)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))

  ;; The legacy try: written in the body, read in the catch and after it.
  (func (export "legacy") (param $p i32) (result i32)
    (local $x i32) (local $y i32)
    (local.set $y (i32.const 3))
    (try
      (do
        (local.set $x (i32.const 20))
        (call $throw_if (local.get $p))
        (local.set $x (i32.const 30)))
      (catch $e
        (local.set $x (i32.add (local.get $x) (i32.const 1000)))
        (drop)))
    (i32.add (local.get $x) (local.get $y)))
  ;; Lazy shadows (translate/shadow_locals.rs): written in a loop with no try, outside every try,
  ;; the locals reach their shadows as the next try is entered, and the catch sees those values.
  (func (export "lazy_then_try") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block $h (result i32)
      (try_table (catch $e $h) (call $throw_if (local.get $n)))
      (i32.const 0))
    (drop)
    (i32.add (i32.mul (local.get $i) (i32.const 1000)) (local.get $acc)))

  ;; ... and written again in the body before the throw: the catch sees the body's value.
  (func (export "lazy_then_written_in_body") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block $h (result i32)
      (try_table (catch $e $h)
        (local.set $i (i32.mul (local.get $i) (i32.const 7)))
        (call $throw_if (local.get $n))
        (local.set $i (i32.const -1)))
      (i32.const 0))
    (drop)
    (local.get $i))

  ;; Two tries with a try-free loop between them: the second try's catch sees the loop's values.
  (func (export "lazy_between_tries") (param $n i32) (result i32)
    (local $i i32) (local $x i64)
    (block $h (result i32)
      (try_table (catch $e $h) (local.set $x (i64.const 100)) (call $throw_if (i32.const 0)))
      (i32.const 0))
    (drop)
    (loop $l
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block $h (result i32)
      (try_table (catch $e $h) (call $throw_if (local.get $n)))
      (i32.const 0))
    (drop)
    (i32.add (i32.wrap_i64 (local.get $x)) (i32.mul (local.get $i) (i32.const 1000))))

  ;; A catch that branches back to the loop around its try: each landing goes on with the values
  ;; the body wrote, of every type.
  (func (export "catch_to_loop") (param $n i32) (result i32)
    (local $i i32) (local $f f64) (local $v v128) (local $k i64)
    (loop $again
      (try_table (catch $f $again)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $f (f64.add (local.get $f) (f64.const 0.5)))
        (local.set $v (i32x4.add (local.get $v) (v128.const i32x4 1 2 3 4)))
        (local.set $k (i64.add (local.get $k) (i64.const 0x100000000)))
        (call $throw_f_at (i32.lt_u (local.get $i) (local.get $n)) (i32.const 1))))
    (i32.add
      (i32.add (i32.mul (local.get $i) (i32.const 1000)) (i32.trunc_f64_s (local.get $f)))
      (i32.add (i32x4.extract_lane 3 (local.get $v)) (i32.wrap_i64 (i64.shr_u (local.get $k) (i64.const 32))))))

  ;; Legacy `delegate`: written in the inner body, caught by the outer try's catch.
  (func (export "delegated") (param $p i32) (result i32)
    (local $x i32)
    (try $outer (result i32)
      (do
        (try
          (do
            (local.set $x (i32.const 5))
            (call $throw_if (local.get $p))
            (local.set $x (i32.const 6)))
          (delegate $outer))
        (local.get $x))
      (catch $e (drop) (i32.add (local.get $x) (i32.const 100)))))

  ;; Four tries whose landings all reach a read of every local: reloading them at each landing
  ;; would cost more than the accesses, so the function keeps its locals in memory instead
  ;; (translate/shadow_locals.rs); the values are the same.
  (func (export "many_landings") (param $at i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
    (block $h0 (try_table (catch $f $h0) (local.set $a (i32.const 1)) (call $throw_f_at (local.get $at) (i32.const 0)) (local.set $b (i32.const 2))))
    (block $h1 (try_table (catch $f $h1) (local.set $c (i32.const 4)) (call $throw_f_at (local.get $at) (i32.const 1)) (local.set $d (i32.const 8))))
    (block $h2 (try_table (catch $f $h2) (local.set $e (i32.const 16)) (call $throw_f_at (local.get $at) (i32.const 2)) (local.set $f (i32.const 32))))
    (block $h3 (try_table (catch $f $h3) (local.set $a (i32.add (local.get $a) (i32.const 64))) (call $throw_f_at (local.get $at) (i32.const 3)) (local.set $b (i32.add (local.get $b) (i32.const 128)))))
    (i32.add (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d)))
             (i32.add (local.get $e) (local.get $f))))

  ;; Legacy `rethrow` after the catch arm wrote a local: the outer catch sees the write.
  (func (export "rethrown") (param $p i32) (result i32)
    (local $x i32)
    (try (result i32)
      (do
        (try
          (do (local.set $x (i32.const 1)) (call $throw_if (local.get $p)))
          (catch $e (drop) (local.set $x (i32.const 2)) (rethrow 0)))
        (local.get $x))
      (catch $e (drop) (i32.add (local.get $x) (i32.const 10)))))
)

(assert_return (invoke "written_in_body" (i32.const 0)) (i32.const 1111))
(assert_return (invoke "written_in_body" (i32.const 2)) (i32.const 1123))
(assert_return (invoke "unmodified" (i32.const 0)) (i32.const 78))
(assert_return (invoke "unmodified" (i32.const 5)) (i32.const 118))
(assert_return (invoke "counter_outside_try" (i32.const 1)) (i32.const 1001))
(assert_return (invoke "counter_outside_try" (i32.const 17)) (i32.const 17017))
(assert_return (invoke "counter_inside_try" (i32.const 5)) (i32.const 500015))
(assert_return (invoke "counter_inside_try" (i32.const 2000)) (i32.const 100500500))
(assert_return (invoke "nested" (i32.const 0)) (i32.const 58))
(assert_return (invoke "nested" (i32.const 9)) (i32.const 56))
(assert_return (invoke "legacy" (i32.const 0)) (i32.const 33))
(assert_return (invoke "legacy" (i32.const 4)) (i32.const 1023))
(assert_return (invoke "siblings" (i32.const 1)) (i32.const 10101))
(assert_return (invoke "siblings" (i32.const 3)) (i32.const 30306))
(assert_return (invoke "lazy_then_try" (i32.const 5)) (i32.const 5010))
(assert_return (invoke "lazy_then_try" (i32.const 0)) (i32.const 1000))
(assert_return (invoke "lazy_then_written_in_body" (i32.const 6)) (i32.const 42))
(assert_return (invoke "lazy_then_written_in_body" (i32.const 0)) (i32.const -1))
(assert_return (invoke "lazy_between_tries" (i32.const 4)) (i32.const 4106))
(assert_return (invoke "catch_to_loop" (i32.const 3)) (i32.const 3016))
(assert_return (invoke "catch_to_loop" (i32.const 1)) (i32.const 1005))
(assert_return (invoke "delegated" (i32.const 0)) (i32.const 6))
(assert_return (invoke "delegated" (i32.const 3)) (i32.const 105))
(assert_return (invoke "rethrown" (i32.const 0)) (i32.const 1))
(assert_return (invoke "rethrown" (i32.const 3)) (i32.const 12))
(assert_return (invoke "many_landings" (i32.const 0)) (i32.const 253))
(assert_return (invoke "many_landings" (i32.const 1)) (i32.const 247))
(assert_return (invoke "many_landings" (i32.const 3)) (i32.const 127))
(assert_return (invoke "many_landings" (i32.const 9)) (i32.const 255))
