;; i64.trunc_f64_u of -1.5: truncates to -1, below the unsigned range.
;; expect-trap: integer overflow
(module
  (global $x (mut f64) (f64.const -1.5))
  (func (export "_start")
    (drop (i64.trunc_f64_u (global.get $x)))))
