;; Found by the fuzzer: reinterpreting a lane of a v128 constant gives a float constant expression,
;; not a plain float constant; asking it for its value (to spot identity operands, see
;; exact_float.rs) crashed the compiler with a segmentation fault.
(module
  (func (export "lane_bits") (result i64)
    (i64.reinterpret_f64
      (f64.reinterpret_i64 (i64x2.extract_lane 1 (v128.const i32x4 1 2 0 0x3ff00000)))))
  (func (export "lane_times_x") (param f64) (result f64)
    (f64.mul (local.get 0)
      (f64.reinterpret_i64 (i64x2.extract_lane 1 (v128.const i32x4 1 2 0 0x3ff00000)))))
  (func (export "f32_lane") (param f32) (result f32)
    (f32.add (local.get 0) (f32.reinterpret_i32 (i32x4.extract_lane 3 (v128.const f32x4 1 2 3 -0))))))
(assert_return (invoke "lane_bits") (i64.const 0x3ff0000000000000))
(assert_return (invoke "lane_times_x" (f64.const 2.5)) (f64.const 2.5))
(assert_return (invoke "lane_times_x" (f64.const nan:0x4000000000000)) (f64.const nan:arithmetic))
(assert_return (invoke "f32_lane" (f32.const 1.5)) (f32.const 1.5))
(assert_return (invoke "f32_lane" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
