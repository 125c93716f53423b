;; Counted loops (`translate/counted_loops.rs`, `versioning.rs`): a loop whose latch is
;; `br_if 0 (x != bound)` right after its only step of `x` runs a fast copy, which compares signed,
;; when the distance to the bound is a non-zero multiple of the step and `x` is before the bound as
;; a signed number; the exact copy otherwise. Both must give Wasm's results: counters that wrap,
;; cross 2^31, miss the bound, and loops that trap part-way.
(module
  (memory 1)
  ;; row[j] -= l * piv[j] for the byte offsets j = start, start + 16, ... up to end, two doubles
  ;; per iteration (LU's update loop as clang writes it for wasm32: `j += 16; j != end`).
  (func (export "update") (param $row i32) (param $piv i32) (param $start i32) (param $end i32) (param $l f64)
    (local $j i32) (local $r i32) (local $p i32)
    (local.set $j (local.get $start))
    (loop $top
      (f64.store (local.tee $r (i32.add (local.get $row) (local.get $j)))
        (f64.sub (f64.load (local.get $r))
          (f64.mul (local.get $l) (f64.load (local.tee $p (i32.add (local.get $piv) (local.get $j)))))))
      (f64.store offset=8 (local.get $r)
        (f64.sub (f64.load offset=8 (local.get $r)) (f64.mul (local.get $l) (f64.load offset=8 (local.get $p)))))
      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $end)))))
  ;; How many times the body of `x += step; x != bound` runs from `x` (the bound pushed first, as
  ;; clang does for counters that count down towards a negative bound).
  (func (export "trips_up") (param $x i32) (param $bound i32) (result i32) (local $n i32)
    (loop $top
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $top (i32.ne (local.get $bound) (local.tee $x (i32.add (local.get $x) (i32.const 16))))))
    (local.get $n))
  (func (export "trips_down") (param $x i32) (param $bound i32) (result i32) (local $n i32)
    (loop $top
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $top (i32.ne (local.tee $x (i32.add (local.get $x) (i32.const -3))) (local.get $bound))))
    (local.get $n))
  ;; sum of the i32s at 4k for k = n, n - 2, ..., 2: a count down to zero, stepped by `i32.sub`.
  (func (export "down_to_zero") (param $k i32) (result i32) (local $s i32)
    (loop $top
      (local.set $s (i32.add (local.get $s) (i32.load (i32.shl (local.get $k) (i32.const 2)))))
      (br_if $top (local.tee $k (i32.sub (local.get $k) (i32.const 2)))))
    (local.get $s))
  ;; An early exit leaves the count: the body runs until the i32 at x is 0 or x reaches the bound.
  (func (export "find_zero") (param $x i32) (param $bound i32) (result i32)
    (block $found
      (loop $top
        (br_if $found (i32.eqz (i32.load (local.get $x))))
        (br_if $top (i32.ne (local.tee $x (i32.add (local.get $x) (i32.const 8))) (local.get $bound)))))
    (local.get $x))
  (func (export "fill") (param $p i32) (param $n i32) (param $v f64)
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $n)))
      (f64.store (local.get $p) (local.get $v))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $top))))
  (func (export "fill32") (param $p i32) (param $n i32) (param $v i32)
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $n)))
      (i32.store (local.get $p) (local.get $v))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $top))))
  (func (export "f64") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))

(invoke "fill" (i32.const 0x1000) (i32.const 64) (f64.const 10))
(invoke "fill" (i32.const 0x2000) (i32.const 64) (f64.const 2))
;; j = 32, 48, ..., 496: doubles 4 to 63 of the row.
(invoke "update" (i32.const 0x1000) (i32.const 0x2000) (i32.const 32) (i32.const 512) (f64.const 1.5))
(assert_return (invoke "f64" (i32.const 0x1018)) (f64.const 10))
(assert_return (invoke "f64" (i32.const 0x1020)) (f64.const 7))
(assert_return (invoke "f64" (i32.const 0x11f8)) (f64.const 7))
(assert_return (invoke "f64" (i32.const 0x1200)) (f64.const 0))
;; One iteration.
(invoke "update" (i32.const 0x1000) (i32.const 0x2000) (i32.const 0) (i32.const 16) (f64.const 1))
(assert_return (invoke "f64" (i32.const 0x1000)) (f64.const 8))
(assert_return (invoke "f64" (i32.const 0x1008)) (f64.const 8))
(assert_return (invoke "f64" (i32.const 0x1010)) (f64.const 10))
;; A loop whose end is past the end of memory traps part-way, after the in-bounds stores.
(invoke "fill" (i32.const 0xff00) (i32.const 32) (f64.const 4))
(assert_trap (invoke "update" (i32.const 0xff00) (i32.const 0x2000) (i32.const 0) (i32.const 0x200)
  (f64.const 1)) "out of bounds memory access")
(assert_return (invoke "f64" (i32.const 0xff00)) (f64.const 2))
(assert_return (invoke "f64" (i32.const 0xfff8)) (f64.const 2))

(assert_return (invoke "trips_up" (i32.const 0) (i32.const 3200)) (i32.const 200))
(assert_return (invoke "trips_up" (i32.const -64) (i32.const 0)) (i32.const 4))
;; Crossing 2^31 (not ordered as signed numbers) and wrapping through 2^32: the exact copy.
(assert_return (invoke "trips_up" (i32.const 0x7ffffff0) (i32.const 0x80000010)) (i32.const 2))
(assert_return (invoke "trips_up" (i32.const -16) (i32.const 16)) (i32.const 2))
(assert_return (invoke "trips_up" (i32.const 0x7fffffe0) (i32.const 0x7ffffff0)) (i32.const 1))
(assert_return (invoke "trips_down" (i32.const 0) (i32.const -300)) (i32.const 100))
(assert_return (invoke "trips_down" (i32.const 3) (i32.const 0)) (i32.const 1))
(assert_return (invoke "trips_down" (i32.const -0x7fffffff) (i32.const 0x7ffffffe)) (i32.const 1))

(invoke "store" (i32.const 8) (i32.const 1))
(invoke "store" (i32.const 16) (i32.const 10))
(invoke "store" (i32.const 24) (i32.const 100))
(assert_return (invoke "down_to_zero" (i32.const 6)) (i32.const 111))
(assert_return (invoke "down_to_zero" (i32.const 2)) (i32.const 1))
;; An odd start never reaches 0: the exact copy goes below it and traps at address 2^32 - 4.
(assert_trap (invoke "down_to_zero" (i32.const 5)) "out of bounds memory access")

(invoke "fill32" (i32.const 0x2f00) (i32.const 0x80) (i32.const 1))
(invoke "store" (i32.const 0x3000) (i32.const 0))
(assert_return (invoke "find_zero" (i32.const 0x2f00) (i32.const 0x3100)) (i32.const 0x3000))
(assert_return (invoke "find_zero" (i32.const 0x2f00) (i32.const 0x2f80)) (i32.const 0x2f80))

;; The distance is no multiple of 16: the exact copy walks past the bound, updating all the way,
;; until the pivot row runs off the end of memory.
(assert_trap (invoke "update" (i32.const 0x1000) (i32.const 0x2000) (i32.const 8) (i32.const 0x100)
  (f64.const 1)) "out of bounds memory access")
(assert_return (invoke "f64" (i32.const 0x1008)) (f64.const 6))
(assert_return (invoke "f64" (i32.const 0x1010)) (f64.const 8))
(assert_return (invoke "f64" (i32.const 0x11f8)) (f64.const 5))
