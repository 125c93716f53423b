;; Versioned loops (`translate/versioning.rs`): a loop whose addresses are an address sum plus a
;; constant runs a fast copy when its sums start at most 2^32 - 32 KiB, the exact one otherwise.
;; Both give Wasm's results: wrapping sums, traps, and a fast copy whose premise does not hold
;; (a step with no access before it) must agree with the exact translation.
(module
  (memory 1)
  (data (i32.const 0x3000) "\07\00\00\00")
  ;; dst[j+1], dst[j+2] = src[j] + src[j+1] + src[j+2], src[j+1] + src[j+2] + src[j+3] (i32s,
  ;; addresses b + j + 4 and b + j + 8 as clang writes a 1-D stencil), n steps of j by 8 from start.
  (func (export "stencil") (param $dst i32) (param $src i32) (param $start i32) (param $n i32)
    (local $j i32) (local $d i32) (local $s i32) (local $k i32)
    (local.set $j (local.get $start))
    (loop $top
      (i32.store (i32.add (local.tee $d (i32.add (local.get $dst) (local.get $j))) (i32.const 4))
        (i32.add (i32.load (local.tee $s (i32.add (local.get $src) (local.get $j))))
          (i32.add (i32.load (i32.add (local.get $s) (i32.const 4))) (i32.load (i32.add (local.get $s) (i32.const 8))))))
      (i32.store (i32.add (local.get $d) (i32.const 8))
        (i32.add (i32.load (i32.add (local.get $s) (i32.const 4)))
          (i32.add (i32.load (i32.add (local.get $s) (i32.const 8))) (i32.load (i32.add (local.get $s) (i32.const 12))))))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br_if $top (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n)))))
  ;; The sum of the i32 at b + j + 4 for the odd steps i >= 3 of n, j stepping by 0x4000 every
  ;; step: the step has no access before it on the even steps, so the fast copy cannot rely on it.
  (func (export "sparse") (param $b i32) (param $n i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    (loop $top
      (if (i32.and (i32.ge_u (local.get $i) (i32.const 3)) (i32.and (local.get $i) (i32.const 1)))
        (then (local.set $s (i32.add (local.get $s)
          (i32.load (i32.add (i32.add (local.get $b) (local.get $j)) (i32.const 4)))))))
      (local.set $j (i32.add (local.get $j) (i32.const 0x4000)))
      (br_if $top (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))
  ;; Stores i at 0x8000 + 4 * i for i < n.
  (func (export "iota") (param $n i32) (local $i i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.add (i32.const 0x8000) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top))))
  (func (export "i32") (param i32) (result i32) (i32.load (local.get 0))))

;; b + j + 4 with b = 2^32 - 0x9004 wraps to 0x3000 at step 3 (j = 0xc000): the sum starts below
;; the limit, so the fast copy runs, and must wrap like the exact one.
(assert_return (invoke "sparse" (i32.const -0x9004) (i32.const 4)) (i32.const 7))

(invoke "iota" (i32.const 512))
(invoke "stencil" (i32.const 0xb000) (i32.const 0x8000) (i32.const 0) (i32.const 100))
(assert_return (invoke "i32" (i32.const 0xb000)) (i32.const 0))
(assert_return (invoke "i32" (i32.const 0xb004)) (i32.const 3))
(assert_return (invoke "i32" (i32.const 0xb008)) (i32.const 6))
(assert_return (invoke "i32" (i32.const 0xb320)) (i32.const 600))
(assert_return (invoke "i32" (i32.const 0xb324)) (i32.const 0))

;; A sum above 2^32 - 32 KiB takes the exact copy: b + j + 4 wraps to 0, 4, 8, ...
(invoke "stencil" (i32.const -4) (i32.const 0x8000) (i32.const 0) (i32.const 2))
(assert_return (invoke "i32" (i32.const 0)) (i32.const 3))
(assert_return (invoke "i32" (i32.const 4)) (i32.const 6))
(assert_return (invoke "i32" (i32.const 12)) (i32.const 12))
;; Sums that wrapped before the loop (dst + start = 0x10, src + start = 0x8000): the fast copy.
(invoke "stencil" (i32.const -0x10000) (i32.const -0x8010) (i32.const 0x10010) (i32.const 2))
(assert_return (invoke "i32" (i32.const 0x14)) (i32.const 3))
(assert_return (invoke "i32" (i32.const 0x20)) (i32.const 12))

;; Off the end: the sum starts at the limit itself (fast copy), or runs into the end.
(assert_trap (invoke "stencil" (i32.const -0x8000) (i32.const 0x8000) (i32.const 0) (i32.const 2))
  "out of bounds memory access")
(assert_trap (invoke "stencil" (i32.const 0xff00) (i32.const 0x8000) (i32.const 0) (i32.const 100))
  "out of bounds memory access")
(assert_return (invoke "i32" (i32.const 0xff04)) (i32.const 3))
(assert_trap (invoke "stencil" (i32.const 0x2000) (i32.const 0xff00) (i32.const 0) (i32.const 100))
  "out of bounds memory access")

;; Versioned loops in every control shape: loop parameters and results, exits to outer blocks
;; with values, a return from inside, a br_table, and a loop that never falls out.
(module
  (memory 1)
  (data (i32.const 0x100) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00\05\00\00\00\06\00\00\00\07\00\00\00\08\00\00\00")
  ;; The sum of b[j+1] over n steps, carried as the loop's parameter and result.
  (func (export "carried") (param $b i32) (param $n i32) (result i32) (local $j i32) (local $k i32)
    (i32.const 0)
    (loop $top (param i32) (result i32)
      (i32.add (i32.load (i32.add (i32.add (local.get $b) (local.get $j)) (i32.const 4))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $top (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n)))))
  ;; The index (in bytes) of the first b[j+1] equal to x, leaving through a block with a value,
  ;; or -1 after n steps.
  (func (export "find") (param $b i32) (param $n i32) (param $x i32) (result i32) (local $j i32) (local $k i32)
    (block $found (result i32)
      (loop $top
        (drop (br_if $found (local.get $j)
          (i32.eq (i32.load (i32.add (i32.add (local.get $b) (local.get $j)) (i32.const 4))) (local.get $x))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br_if $top (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
      (i32.const -1)))
  ;; The same, returning from inside the loop, which never falls out.
  (func (export "find_return") (param $b i32) (param $x i32) (result i32) (local $j i32)
    (loop $top
      (if (i32.eq (i32.load (i32.add (i32.add (local.get $b) (local.get $j)) (i32.const 4))) (local.get $x))
        (then (return (local.get $j))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $top))
    (unreachable))
  ;; Classifies b[j+1] for n steps with a br_table: counts 1s and 2s in two locals, stops at a 3.
  (func (export "classify") (param $b i32) (param $n i32) (result i32) (local $j i32) (local $k i32) (local $ones i32) (local $twos i32)
    (block $stop
      (loop $top
        (block $other
          (block $two
            (block $one
              (br_table $other $one $two $stop $other
                (i32.load (i32.add (i32.add (local.get $b) (local.get $j)) (i32.const 4)))))
            (local.set $ones (i32.add (local.get $ones) (i32.const 1)))
            (br $other))
          (local.set $twos (i32.add (local.get $twos) (i32.const 1))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br_if $top (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n)))))
    (i32.add (i32.mul (local.get $ones) (i32.const 100)) (local.get $twos))))

(assert_return (invoke "carried" (i32.const 0xfc) (i32.const 8)) (i32.const 36))
(assert_return (invoke "carried" (i32.const 0x100) (i32.const 3)) (i32.const 9))
(assert_trap (invoke "carried" (i32.const 0xffe0) (i32.const 100)) "out of bounds memory access")
(assert_return (invoke "find" (i32.const 0xfc) (i32.const 8) (i32.const 5)) (i32.const 16))
(assert_return (invoke "find" (i32.const 0xfc) (i32.const 8) (i32.const 9)) (i32.const -1))
(assert_return (invoke "find" (i32.const -4) (i32.const 8) (i32.const 0)) (i32.const 0))
(assert_return (invoke "find_return" (i32.const 0xfc) (i32.const 7)) (i32.const 24))
(assert_trap (invoke "find_return" (i32.const -0x8000) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "find_return" (i32.const 0x200) (i32.const 99)) "out of bounds memory access")
(assert_return (invoke "classify" (i32.const 0xfc) (i32.const 8)) (i32.const 101))
(assert_return (invoke "classify" (i32.const 0x100) (i32.const 1)) (i32.const 1))
(assert_return (invoke "classify" (i32.const 0x104) (i32.const 2)) (i32.const 0))
