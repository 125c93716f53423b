;; Arithmetic on a signalling NaN gives an arithmetic (quiet) NaN at every optimisation level and
;; on every target, also where LLVM sees an identity operand (x - 0.0, x * 1.0, x / 1.0,
;; x + -0.0, -0.0 - x, -1.0 * x, x / -1.0) that it would fold away (`translate/exact_float.rs`).
;; Each case returns the result's bits ANDed with the quiet-NaN pattern: an arithmetic NaN gives
;; exactly that pattern, a NaN passed through unquieted does not.

(module
  ;; The identity constant reaches the operation through a parameter: after inlining, the
  ;; constant argument is propagated into the callee.
  (func $sub (param $x f32) (param $y f32) (result f32) (f32.sub (local.get $x) (local.get $y)))
  (func $add (param $x f32) (param $y f32) (result f32) (f32.add (local.get $x) (local.get $y)))
  (func $mul (param $x f32) (param $y f32) (result f32) (f32.mul (local.get $x) (local.get $y)))
  (func $div (param $x f32) (param $y f32) (result f32) (f32.div (local.get $x) (local.get $y)))
  (func $subr (param $x f32) (param $y f32) (result f32) (f32.sub (local.get $y) (local.get $x)))
  (func $mul64 (param $x f64) (param $y f64) (result f64) (f64.mul (local.get $x) (local.get $y)))
  (func $sub64 (param $x f64) (param $y f64) (result f64) (f64.sub (local.get $x) (local.get $y)))
  (func $demote (param $x f64) (result f32) (f32.demote_f64 (local.get $x)))

  (func (export "inlined_sub_zero") (param $x i32) (result i32)
    (i32.and (i32.reinterpret_f32 (call $sub (f32.reinterpret_i32 (local.get $x)) (f32.const 0)))
             (i32.const 0x7fc00000)))
  (func (export "inlined_add_neg_zero") (param $x i32) (result i32)
    (i32.and (i32.reinterpret_f32 (call $add (f32.reinterpret_i32 (local.get $x)) (f32.const -0)))
             (i32.const 0x7fc00000)))
  (func (export "inlined_mul_one") (param $x i32) (result i32)
    (i32.and (i32.reinterpret_f32 (call $mul (f32.reinterpret_i32 (local.get $x)) (f32.const 1)))
             (i32.const 0x7fc00000)))
  (func (export "inlined_div_one") (param $x i32) (result i32)
    (i32.and (i32.reinterpret_f32 (call $div (f32.reinterpret_i32 (local.get $x)) (f32.const 1)))
             (i32.const 0x7fc00000)))
  (func (export "inlined_mul_neg_one") (param $x i32) (result i32)
    (i32.and (i32.reinterpret_f32 (call $mul (f32.reinterpret_i32 (local.get $x)) (f32.const -1)))
             (i32.const 0x7fc00000)))
  (func (export "inlined_neg_zero_sub") (param $x i32) (result i32)
    (i32.and (i32.reinterpret_f32 (call $subr (f32.reinterpret_i32 (local.get $x)) (f32.const -0)))
             (i32.const 0x7fc00000)))
  (func (export "inlined_f64_mul_one") (param $x i64) (result i64)
    (i64.and (i64.reinterpret_f64 (call $mul64 (f64.reinterpret_i64 (local.get $x)) (f64.const 1)))
             (i64.const 0x7ff8000000000000)))
  (func (export "inlined_f64_sub_zero") (param $x i64) (result i64)
    (i64.and (i64.reinterpret_f64 (call $sub64 (f64.reinterpret_i64 (local.get $x)) (f64.const 0)))
             (i64.const 0x7ff8000000000000)))
  (func (export "inlined_promote_demote") (param $x i32) (result i32)
    (i32.and (i32.reinterpret_f32 (call $demote (f64.promote_f32 (f32.reinterpret_i32 (local.get $x)))))
             (i32.const 0x7fc00000)))

  ;; Through a local set once and read in a loop (constant after mem2reg, even at -O0).
  (func (export "local_mul_one") (param $x i32) (result i32)
    (local $one f32) (local $acc f32) (local $i i32)
    (local.set $one (f32.const 1))
    (local.set $acc (f32.reinterpret_i32 (local.get $x)))
    (loop $l
      (local.set $acc (f32.mul (local.get $acc) (local.get $one)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
    (i32.and (i32.reinterpret_f32 (local.get $acc)) (i32.const 0x7fc00000)))
)

(assert_return (invoke "inlined_sub_zero" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))
(assert_return (invoke "inlined_sub_zero" (i32.const 0xff800001)) (i32.const 0x7fc00000))
(assert_return (invoke "inlined_add_neg_zero" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))
(assert_return (invoke "inlined_mul_one" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))
(assert_return (invoke "inlined_div_one" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))
(assert_return (invoke "inlined_mul_neg_one" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))
(assert_return (invoke "inlined_neg_zero_sub" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))
(assert_return (invoke "inlined_f64_mul_one" (i64.const 0x7ff4000000000000)) (i64.const 0x7ff8000000000000))
(assert_return (invoke "inlined_f64_sub_zero" (i64.const 0x7ff0000000000001)) (i64.const 0x7ff8000000000000))
(assert_return (invoke "inlined_promote_demote" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))
(assert_return (invoke "local_mul_one" (i32.const 0x7fa00000)) (i32.const 0x7fc00000))

;; Ordinary values are unchanged by the identities.
(assert_return (invoke "inlined_sub_zero" (i32.const 0x3fc00000)) (i32.const 0x3fc00000))
(assert_return (invoke "inlined_mul_neg_one" (i32.const 0x3f800000)) (i32.const 0x3f800000))
(assert_return (invoke "local_mul_one" (i32.const 0x40400000)) (i32.const 0x40400000))
