;; i32.trunc_f32_s of 3e9: out of range.
;; expect-trap: integer overflow
(module
  (global $big (mut f32) (f32.const 3e9))
  (func (export "_start")
    (drop (i32.trunc_f32_s (global.get $big)))))
