;; Found by the fuzzer: at -O0 in guard mode, a load whose value folds away during instruction
;; selection (only lanes known to be zero reach the bitmask) was dropped, and the out-of-bounds
;; access did not trap.
(module
  (memory 1)
  (func (export "bitmask_of_known_lanes") (result i32)
    (i8x16.bitmask
      (i16x8.extend_high_i8x16_s
        (i32x4.trunc_sat_f64x2_u_zero
          (i8x16.splat (i32.load16_u (i32.const 65535)))))))
  (func (export "low_byte_of_wide_load") (result i32)
    (i32.and (i32.extend8_s (i32.wrap_i64 (i64.load (i32.const 65530)))) (i32.const 0)))
  (func (export "in_bounds") (result i32)
    (i8x16.bitmask
      (i16x8.extend_high_i8x16_s
        (i32x4.trunc_sat_f64x2_u_zero
          (i8x16.splat (i32.load16_u (i32.const 65534))))))))
(assert_trap (invoke "bitmask_of_known_lanes") "out of bounds memory access")
(assert_trap (invoke "low_byte_of_wide_load") "out of bounds memory access")
(assert_return (invoke "in_bounds") (i32.const 0))
