;; A function declared to return i32 returns an i64.
;; expect-error: type mismatch
(module
  (func (result i32) (i64.const 1)))
