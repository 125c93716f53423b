;; Conversions just inside the range do not trap: -0.9 -> 0 unsigned, -2147483648.9 -> INT_MIN,
;; 4294967295.9 -> UINT_MAX, and the saturating forms never trap.
;; expect-exit: 0
(module
  (global $a (mut f64) (f64.const -0.9))
  (global $b (mut f64) (f64.const -2147483648.9))
  (global $c (mut f64) (f64.const 4294967295.9))
  (global $nan (mut f32) (f32.const nan))
  (func (export "_start")
    (if (i64.ne (i64.trunc_f64_u (global.get $a)) (i64.const 0)) (then unreachable))
    (if (i32.ne (i32.trunc_f64_s (global.get $b)) (i32.const 0x80000000)) (then unreachable))
    (if (i32.ne (i32.trunc_f64_u (global.get $c)) (i32.const -1)) (then unreachable))
    (if (i32.ne (i32.trunc_sat_f32_s (global.get $nan)) (i32.const 0)) (then unreachable))
    (if (i64.ne (i64.trunc_sat_f64_u (global.get $b)) (i64.const 0)) (then unreachable))))
