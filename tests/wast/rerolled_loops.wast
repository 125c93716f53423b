;; Rerolling (`codegen/reroll/`): the fast copy of a counted loop whose body is copies of one
;; iteration (clang's wasm32 loops, unrolled by 2 or 4 where native code has vectors) becomes the
;; loop of one copy. It must store the same bytes in the same order and trap at the same access:
;; arrays that overlap, a copy that runs off the end of memory, counters that count down.
(module
  (memory 1)
  ;; c[j] += a * b[j], two doubles per iteration: `j += 16; j != end` over byte offsets.
  (func (export "axpy2") (param $c i32) (param $b i32) (param $start i32) (param $end i32) (param $a f64)
    (local $j i32) (local $pc i32) (local $pb i32)
    (local.set $j (local.get $start))
    (loop $top
      (local.set $pc (i32.add (local.get $c) (local.get $j)))
      (local.set $pb (i32.add (local.get $b) (local.get $j)))
      (f64.store (local.get $pc)
        (f64.add (f64.load (local.get $pc)) (f64.mul (local.get $a) (f64.load (local.get $pb)))))
      (f64.store offset=8 (local.get $pc)
        (f64.add (f64.load offset=8 (local.get $pc)) (f64.mul (local.get $a) (f64.load offset=8 (local.get $pb)))))
      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $end)))))
  ;; axpy2 that returns the address of the last iteration's first element, read after the loop:
  ;; the rerolled loop's last iteration is the last copy, so the value is recomputed.
  (func (export "axpy2_last") (param $c i32) (param $b i32) (param $start i32) (param $end i32) (param $a f64)
    (result i32)
    (local $j i32) (local $pc i32) (local $pb i32)
    (local.set $j (local.get $start))
    (loop $top
      (local.set $pc (i32.add (local.get $c) (local.get $j)))
      (local.set $pb (i32.add (local.get $b) (local.get $j)))
      (f64.store (local.get $pc)
        (f64.add (f64.load (local.get $pc)) (f64.mul (local.get $a) (f64.load (local.get $pb)))))
      (f64.store offset=8 (local.get $pc)
        (f64.add (f64.load offset=8 (local.get $pc)) (f64.mul (local.get $a) (f64.load offset=8 (local.get $pb)))))
      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $end))))
    (i32.add (local.get $pc) (local.get $j)))
  ;; p[j] += q[j] for i32s, four per iteration: `j += 16; j != end`.
  (func (export "add4") (param $p i32) (param $q i32) (param $start i32) (param $end i32)
    (local $j i32) (local $pp i32) (local $pq i32)
    (local.set $j (local.get $start))
    (loop $top
      (local.set $pp (i32.add (local.get $p) (local.get $j)))
      (local.set $pq (i32.add (local.get $q) (local.get $j)))
      (i32.store offset=0 (local.get $pp) (i32.add (i32.load offset=0 (local.get $pp)) (i32.load offset=0 (local.get $pq))))
      (i32.store offset=4 (local.get $pp) (i32.add (i32.load offset=4 (local.get $pp)) (i32.load offset=4 (local.get $pq))))
      (i32.store offset=8 (local.get $pp) (i32.add (i32.load offset=8 (local.get $pp)) (i32.load offset=8 (local.get $pq))))
      (i32.store offset=12 (local.get $pp) (i32.add (i32.load offset=12 (local.get $pp)) (i32.load offset=12 (local.get $pq))))
      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $end)))))
  ;; p[k] += q[k] for i32s, four per iteration, counting k down to 0 by 16 bytes, each copy one
  ;; element below the one before (as clang unrolls `for (i = n; i > 0; i--)`). Not rerolled yet:
  ;; its addresses are 32-bit sums counting down, which LLVM cannot widen.
  (func (export "add4_down") (param $p i32) (param $q i32) (param $n i32)
    (local $k i32) (local $pp i32) (local $pq i32)
    (local.set $k (local.get $n))
    (loop $top
      (local.set $pp (i32.add (local.get $p) (local.get $k)))
      (local.set $pq (i32.add (local.get $q) (local.get $k)))
      (i32.store offset=12 (local.get $pp) (i32.add (i32.load offset=12 (local.get $pp)) (i32.load offset=12 (local.get $pq))))
      (i32.store offset=8 (local.get $pp) (i32.add (i32.load offset=8 (local.get $pp)) (i32.load offset=8 (local.get $pq))))
      (i32.store offset=4 (local.get $pp) (i32.add (i32.load offset=4 (local.get $pp)) (i32.load offset=4 (local.get $pq))))
      (i32.store offset=0 (local.get $pp) (i32.add (i32.load offset=0 (local.get $pp)) (i32.load offset=0 (local.get $pq))))
      (br_if $top (local.tee $k (i32.sub (local.get $k) (i32.const 16))))))
  ;; The same with the copies the other way round: one iteration of the smaller loop would run
  ;; them in reverse order, so the loop stays as written. Here p[k+1] += p[k] in that order, so
  ;; order shows in the result.
  (func (export "carry4_down") (param $p i32) (param $n i32)
    (local $k i32) (local $pp i32)
    (local.set $k (local.get $n))
    (loop $top
      (local.set $pp (i32.add (local.get $p) (local.get $k)))
      (i32.store offset=4 (local.get $pp) (i32.add (i32.load offset=4 (local.get $pp)) (i32.load offset=0 (local.get $pp))))
      (i32.store offset=8 (local.get $pp) (i32.add (i32.load offset=8 (local.get $pp)) (i32.load offset=4 (local.get $pp))))
      (i32.store offset=12 (local.get $pp) (i32.add (i32.load offset=12 (local.get $pp)) (i32.load offset=8 (local.get $pp))))
      (i32.store offset=16 (local.get $pp) (i32.add (i32.load offset=16 (local.get $pp)) (i32.load offset=12 (local.get $pp))))
      (br_if $top (local.tee $k (i32.sub (local.get $k) (i32.const 16))))))
  ;; Both copies' loads come before both stores: not copies that follow each other, so the loop
  ;; stays as written (p[j] and p[j+1] swapped pairwise).
  (func (export "swap_pairs") (param $p i32) (param $start i32) (param $end i32)
    (local $j i32) (local $x f64) (local $y f64)
    (local.set $j (local.get $start))
    (loop $top
      (local.set $x (f64.load (i32.add (local.get $p) (local.get $j))))
      (local.set $y (f64.load offset=8 (i32.add (local.get $p) (local.get $j))))
      (f64.store (i32.add (local.get $p) (local.get $j)) (local.get $y))
      (f64.store offset=8 (i32.add (local.get $p) (local.get $j)) (local.get $x))
      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $end)))))
  ;; p[i] = v + i for doubles, i = 0 .. n-1 (one per iteration: nothing to reroll).
  (func (export "iota") (param $p i32) (param $n i32) (param $v f64)
    (local $i i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f64.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))
        (f64.add (local.get $v) (f64.convert_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top))))
  (func (export "f64") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "i32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "set32") (param i32 i32) (i32.store (local.get 0) (local.get 1))))

;; c = 1, 2, 3, ...; b = 0, 1, 2, ...: c[i] becomes 1 + 3i for the 40 elements, not beyond.
(invoke "iota" (i32.const 1024) (i32.const 48) (f64.const 0))
(invoke "iota" (i32.const 4096) (i32.const 48) (f64.const 1))
(invoke "axpy2" (i32.const 4096) (i32.const 1024) (i32.const 0) (i32.const 320) (f64.const 2))
(assert_return (invoke "f64" (i32.const 4096)) (f64.const 1))
(assert_return (invoke "f64" (i32.const 4104)) (f64.const 4))
(assert_return (invoke "f64" (i32.const 4256)) (f64.const 61))
(assert_return (invoke "f64" (i32.const 4408)) (f64.const 118))
(assert_return (invoke "f64" (i32.const 4416)) (f64.const 41))

;; Again through axpy2_last (c[i] becomes 1 + 5i), which also returns c + (end - 16) + end.
(assert_return (invoke "axpy2_last" (i32.const 4096) (i32.const 1024) (i32.const 0) (i32.const 320) (f64.const 2))
  (i32.const 4720))
(assert_return (invoke "f64" (i32.const 4096)) (f64.const 1))
(assert_return (invoke "f64" (i32.const 4104)) (f64.const 6))
(assert_return (invoke "f64" (i32.const 4408)) (f64.const 196))

;; Overlap: c is b moved on by one double, so each element adds the one before it, already
;; updated, in order: 1, 2, 3, ... become the triangular numbers (k + 1)(k + 2) / 2.
(invoke "iota" (i32.const 8192) (i32.const 64) (f64.const 1))
(invoke "axpy2" (i32.const 8200) (i32.const 8192) (i32.const 0) (i32.const 480) (f64.const 1))
(assert_return (invoke "f64" (i32.const 8200)) (f64.const 3))
(assert_return (invoke "f64" (i32.const 8208)) (f64.const 6))
(assert_return (invoke "f64" (i32.const 8672)) (f64.const 1891))
(assert_return (invoke "f64" (i32.const 8680)) (f64.const 62))

;; Off the end of memory in the last iteration's first copy: earlier iterations' stores are done
;; (the second copy running off the end: `rerolled_loop_traps.wast`).
(invoke "iota" (i32.const 2048) (i32.const 8) (f64.const 0))
(invoke "iota" (i32.const 65488) (i32.const 6) (f64.const 1))
(assert_trap (invoke "axpy2" (i32.const 65488) (i32.const 2048) (i32.const 0) (i32.const 64) (f64.const 2))
  "out of bounds memory access")
(assert_return (invoke "f64" (i32.const 65488)) (f64.const 1))
(assert_return (invoke "f64" (i32.const 65520)) (f64.const 13))
(assert_return (invoke "f64" (i32.const 65528)) (f64.const 16))

;; Counting down by four i32s: p[0..15] += q[0..15] (k = 64, 48, 32, 16 covers bytes 16..79).
(invoke "set32" (i32.const 12304) (i32.const 5))
(invoke "set32" (i32.const 12316) (i32.const 6))
(invoke "set32" (i32.const 12364) (i32.const 7))
(invoke "set32" (i32.const 16400) (i32.const 100))
(invoke "set32" (i32.const 16412) (i32.const 200))
(invoke "set32" (i32.const 16460) (i32.const 300))
(invoke "set32" (i32.const 16464) (i32.const 400))
(invoke "add4_down" (i32.const 12288) (i32.const 16384) (i32.const 64))
(assert_return (invoke "i32" (i32.const 12304)) (i32.const 105))
(assert_return (invoke "i32" (i32.const 12316)) (i32.const 206))
(assert_return (invoke "i32" (i32.const 12364)) (i32.const 307))
(assert_return (invoke "i32" (i32.const 12368)) (i32.const 0))

;; add4 over the same arrays: bytes 0..63 of p gain q's (zero past 80).
(invoke "add4" (i32.const 12288) (i32.const 16384) (i32.const 0) (i32.const 64))
(assert_return (invoke "i32" (i32.const 12304)) (i32.const 205))
(assert_return (invoke "i32" (i32.const 12316)) (i32.const 406))
(assert_return (invoke "i32" (i32.const 12364)) (i32.const 307))

;; carry4_down over all-ones: within an iteration each element adds the (updated) one before;
;; iterations go downwards, so p[k+4] = 1 + p[k+3] ... from p[k] as the previous iteration left it.
(invoke "set32" (i32.const 24576) (i32.const 1))
(invoke "set32" (i32.const 24580) (i32.const 1))
(invoke "set32" (i32.const 24584) (i32.const 1))
(invoke "set32" (i32.const 24588) (i32.const 1))
(invoke "set32" (i32.const 24592) (i32.const 1))
(invoke "set32" (i32.const 24596) (i32.const 1))
(invoke "set32" (i32.const 24600) (i32.const 1))
(invoke "set32" (i32.const 24604) (i32.const 1))
(invoke "set32" (i32.const 24608) (i32.const 1))
(invoke "carry4_down" (i32.const 24576) (i32.const 16))
(assert_return (invoke "i32" (i32.const 24596)) (i32.const 2))
(assert_return (invoke "i32" (i32.const 24600)) (i32.const 3))
(assert_return (invoke "i32" (i32.const 24604)) (i32.const 4))
(assert_return (invoke "i32" (i32.const 24608)) (i32.const 5))
(assert_return (invoke "i32" (i32.const 24592)) (i32.const 1))

(invoke "iota" (i32.const 20480) (i32.const 8) (f64.const 0))
(invoke "swap_pairs" (i32.const 20480) (i32.const 0) (i32.const 64))
(assert_return (invoke "f64" (i32.const 20480)) (f64.const 1))
(assert_return (invoke "f64" (i32.const 20488)) (f64.const 0))
(assert_return (invoke "f64" (i32.const 20536)) (f64.const 6))
