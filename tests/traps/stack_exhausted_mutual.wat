;; Unbounded mutual recursion through call_indirect, with big frames.
;; expect-trap: call stack exhausted
(module
  (type $t (func (param i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $a $b)
  (func $a (type $t)
    (local i64 i64 i64 i64)
    (local.set 1 (i64.mul (local.get 0) (i64.const 3)))
    (i64.add (call_indirect (type $t) (local.get 1) (i32.const 1)) (local.get 1)))
  (func $b (type $t)
    (i64.sub (call_indirect (type $t) (i64.add (local.get 0) (i64.const 1)) (i32.const 0)) (i64.const 1)))
  (func (export "_start")
    (drop (call $a (i64.const 1)))))
