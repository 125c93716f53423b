;; i32.rem_s INT_MIN % -1 is 0 and does NOT trap (unlike div_s); likewise for i64.
;; expect-exit: 0
(module
  (global $min (mut i32) (i32.const 0x80000000))
  (global $min64 (mut i64) (i64.const 0x8000000000000000))
  (global $m1 (mut i32) (i32.const -1))
  (func (export "_start")
    (if (i32.ne (i32.rem_s (global.get $min) (global.get $m1)) (i32.const 0)) (then unreachable))
    (if (i64.ne (i64.rem_s (global.get $min64) (i64.extend_i32_s (global.get $m1))) (i64.const 0)) (then unreachable))))
