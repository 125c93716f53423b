;; levels: 0 1 2 s
;; Not at -O3: LLVM's own pipeline there (the SLP vectoriser after `loop-versioning`) loads
;; the second copy's element together with the first's, before the first copy's store, so a trap
;; in the second copy leaves the first copy's store undone: guard mode's documented limit (README,
;; "Not supported yet": a vector access off the end of memory traps before its in-bounds stores).
;; At -O0 to -O2 and -Os the rerolled loop (`codegen/reroll/`) keeps Wasm's order: the loop of one copy
;; stores the first element, then traps at the second.
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
  ;; p[k] += q[k] for i32s, four per iteration, counting k down to 0 by 16 bytes.
  (func (export "add4_down") (param $p i32) (param $q i32) (param $n i32)
    (local $k i32) (local $pp i32) (local $pq i32)
    (local.set $k (local.get $n))
    (loop $top
      (local.set $pp (i32.add (local.get $p) (local.get $k)))
      (local.set $pq (i32.add (local.get $q) (local.get $k)))
      (i32.store offset=0 (local.get $pp) (i32.add (i32.load offset=0 (local.get $pp)) (i32.load offset=0 (local.get $pq))))
      (i32.store offset=4 (local.get $pp) (i32.add (i32.load offset=4 (local.get $pp)) (i32.load offset=4 (local.get $pq))))
      (i32.store offset=8 (local.get $pp) (i32.add (i32.load offset=8 (local.get $pp)) (i32.load offset=8 (local.get $pq))))
      (i32.store offset=12 (local.get $pp) (i32.add (i32.load offset=12 (local.get $pp)) (i32.load offset=12 (local.get $pq))))
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


(invoke "iota" (i32.const 65496) (i32.const 5) (f64.const 1))
(invoke "iota" (i32.const 2048) (i32.const 6) (f64.const 0))
(assert_trap (invoke "axpy2" (i32.const 65496) (i32.const 2048) (i32.const 0) (i32.const 48) (f64.const 2))
  "out of bounds memory access")
(assert_return (invoke "f64" (i32.const 65496)) (f64.const 1))
(assert_return (invoke "f64" (i32.const 65512)) (f64.const 7))
(assert_return (invoke "f64" (i32.const 65528)) (f64.const 13))
