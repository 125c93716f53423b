;; Loops whose addresses are sums of two locals (`translate/address_sums.rs`): the shapes clang
;; emits for a[i] — base plus index, base plus scaled index, a 2-D row pointer plus a column, an
;; array of 12-byte structs — give the same results, wrap around 2^32 the same way, and trap at the
;; same access when they run off the end of memory, at every level and in both bounds modes.
(module
  (memory 1)
  ;; c[j] += a * b[j] for n steps of j = start, start + 16, ..., two doubles per step with a
  ;; separate step counter, as clang writes it for wasm32.
  (func (export "axpy") (param $c i32) (param $b i32) (param $start i32) (param $n i32) (param $a f64)
    (local $j i32) (local $cj i32) (local $k i32)
    (local.set $j (local.get $start))
    (loop $top
      (f64.store (local.tee $cj (i32.add (local.get $c) (local.get $j)))
        (f64.add (f64.mul (local.get $a) (f64.load (i32.add (local.get $b) (local.get $j))))
                 (f64.load (local.get $cj))))
      (f64.store offset=8 (local.get $cj)
        (f64.add (f64.mul (local.get $a) (f64.load offset=8 (i32.add (local.get $b) (local.get $j))))
                 (f64.load offset=8 (local.get $cj))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $top (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n)))))
  ;; x[i] = y[i] * 3 + i for i < n (i32 elements, index scaled by a shift).
  (func (export "scale") (param $x i32) (param $y i32) (param $n i32) (local $i i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))
        (i32.add (i32.mul (i32.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))))
                          (i32.const 3))
                 (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top))))
  ;; rows x 64 floats at m (row width 256 bytes): m[r][c] += r + c, through a row pointer.
  (func (export "rows") (param $m i32) (param $rows i32) (local $r i32) (local $row i32) (local $c i32)
    (block $done (loop $outer
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $m) (i32.shl (local.get $r) (i32.const 8))))
      (local.set $c (i32.const 0))
      (loop $inner
        (f32.store (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))
          (f32.add (f32.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2))))
                   (f32.convert_i32_u (i32.add (local.get $r) (local.get $c)))))
        (br_if $inner (i32.ne (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 64))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $outer))))
  ;; The sum of all three i32 fields of n 12-byte structs at p (index scaled by a multiply).
  (func (export "structs") (param $p i32) (param $n i32) (result i32) (local $i i32) (local $s i32) (local $e i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $e (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 12))))
      (local.set $s (i32.add (local.get $s)
        (i32.add (i32.load (local.get $e)) (i32.add (i32.load offset=4 (local.get $e)) (i32.load offset=8 (local.get $e))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $s))
  ;; Stores i (as f64) at p + 8 * i for i < n, and as i32 at q + 4 * i.
  (func (export "iota") (param $p i32) (param $q i32) (param $n i32) (local $i i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f64.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))) (f64.convert_i32_u (local.get $i)))
      (i32.store (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top))))
  ;; The sum of x[i] for i = n-1 down to 0 (the index steps by -1: i32.sub).
  (func (export "down") (param $x i32) (param $n i32) (result i32) (local $i i32) (local $s i32)
    (local.set $i (local.get $n))
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $i)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (br $top)))
    (local.get $s))
  ;; The sum of n i32s at p + k, p + k + 4, ...: the base steps, the index k stays, and a
  ;; branch sets k in one arm only (the sum follows either way).
  (func (export "based") (param $p i32) (param $k i32) (param $n i32) (param $bump i32) (result i32) (local $s i32)
    (if (local.get $bump) (then (local.set $k (i32.add (local.get $k) (i32.const 4)))) (else (nop)))
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.add (local.get $p) (local.get $k)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $top)))
    (local.get $s))
  (func (export "f64") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "f32") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "i32") (param i32) (result i32) (i32.load (local.get 0))))

;; b = 0, 1, 2, ... (f64) at 0x1000; c at 0x4000 stays 0 until axpy.
(invoke "iota" (i32.const 0x1000) (i32.const 0x8000) (i32.const 512))
(invoke "axpy" (i32.const 0x4000) (i32.const 0x1000) (i32.const 0) (i32.const 256) (f64.const 2))
(assert_return (invoke "f64" (i32.const 0x4000)) (f64.const 0))
(assert_return (invoke "f64" (i32.const 0x4008)) (f64.const 2))
(assert_return (invoke "f64" (i32.const 0x4ff8)) (f64.const 1022))
(assert_return (invoke "f64" (i32.const 0x5000)) (f64.const 0))

;; A base near 2^32: c + j wraps to 0x100 and up, exactly as i32.add does.
(invoke "axpy" (i32.const -0x100) (i32.const 0x1000) (i32.const 0x200) (i32.const 32) (f64.const 1))
(assert_return (invoke "f64" (i32.const 0x100)) (f64.const 64))
(assert_return (invoke "f64" (i32.const 0x2f8)) (f64.const 127))
(assert_return (invoke "f64" (i32.const 0x300)) (f64.const 0))

;; Off the end of memory: the step that reaches 0x10000 traps; the steps before it all ran.
(assert_trap (invoke "axpy" (i32.const 0xff00) (i32.const 0x1000) (i32.const 0) (i32.const 32) (f64.const 1))
  "out of bounds memory access")
(assert_return (invoke "f64" (i32.const 0xff00)) (f64.const 0))
(assert_return (invoke "f64" (i32.const 0xff08)) (f64.const 1))
(assert_return (invoke "f64" (i32.const 0xfff8)) (f64.const 31))
;; The other operand runs off the end first, while the stored-to one is far from it.
(assert_trap (invoke "axpy" (i32.const 0x2000) (i32.const 0xff00) (i32.const 0) (i32.const 32) (f64.const 1))
  "out of bounds memory access")

(invoke "scale" (i32.const 0xa000) (i32.const 0x8000) (i32.const 512))
(assert_return (invoke "i32" (i32.const 0xa000)) (i32.const 0))
(assert_return (invoke "i32" (i32.const 0xa004)) (i32.const 4))
(assert_return (invoke "i32" (i32.const 0xa7fc)) (i32.const 2044))
(assert_return (invoke "i32" (i32.const 0xa800)) (i32.const 0))
(assert_trap (invoke "scale" (i32.const 0xff00) (i32.const 0x8000) (i32.const 100)) "out of bounds memory access")
(assert_return (invoke "i32" (i32.const 0xfffc)) (i32.const 252))
;; A base just below 2^32 traps at its first access.
(assert_trap (invoke "scale" (i32.const -0x400) (i32.const 0x8000) (i32.const 0x200)) "out of bounds memory access")

(invoke "rows" (i32.const 0xc000) (i32.const 16))
(assert_return (invoke "f32" (i32.const 0xc000)) (f32.const 0))
(assert_return (invoke "f32" (i32.const 0xc104)) (f32.const 2))
(assert_return (invoke "f32" (i32.const 0xcffc)) (f32.const 78))
(assert_return (invoke "f32" (i32.const 0xd000)) (f32.const 0))
(assert_trap (invoke "rows" (i32.const 0xfe00) (i32.const 3)) "out of bounds memory access")
(assert_return (invoke "f32" (i32.const 0xfefc)) (f32.const 63))
(assert_return (invoke "f32" (i32.const 0xfffc)) (f32.const 64))

;; Structs {i, i+1, i+2} as the i32 iota seen 12 bytes at a time: 170 structs of the first 510.
(assert_return (invoke "structs" (i32.const 0x8000) (i32.const 170)) (i32.const 129795))
(assert_trap (invoke "structs" (i32.const 0xfff0) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "structs" (i32.const -12) (i32.const 2)) "out of bounds memory access")
;; i32 iota at 0x8000: the sum of 0..99 is 4950, backwards or forwards, wrapped or not.
(assert_return (invoke "down" (i32.const 0x8000) (i32.const 100)) (i32.const 4950))
(assert_trap (invoke "down" (i32.const 0xfff0) (i32.const 8)) "out of bounds memory access")
(assert_return (invoke "based" (i32.const 0x8000) (i32.const 0) (i32.const 100) (i32.const 0)) (i32.const 4950))
(assert_return (invoke "based" (i32.const 0x7ffc) (i32.const 0) (i32.const 100) (i32.const 1)) (i32.const 4950))
(assert_return (invoke "based" (i32.const -0x100) (i32.const 0x8100) (i32.const 100) (i32.const 0)) (i32.const 4950))
(assert_trap (invoke "based" (i32.const 0xff00) (i32.const 0) (i32.const 100) (i32.const 0)) "out of bounds memory access")
