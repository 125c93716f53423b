;; i64.rem_s by a constant zero.
;; expect-trap: integer divide by zero
(module
  (func (export "_start")
    (drop (i64.rem_s (i64.const 7) (i64.const 0)))))
