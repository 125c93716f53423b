;; i64.div_s INT64_MIN / -1.
;; expect-trap: integer overflow
(module
  (global $min (mut i64) (i64.const 0x8000000000000000))
  (func (export "_start")
    (drop (i64.div_s (global.get $min) (i64.const -1)))))
