;; call_indirect through every entry with the right signature works (and computes the right values).
;; expect-exit: 0
(module
  (type $ii_i (func (param i32 i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $add $sub $mul)
  (func $add (type $ii_i) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $ii_i) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $ii_i) (i32.mul (local.get 0) (local.get 1)))
  (func (export "_start")
    (if (i32.ne (call_indirect (type $ii_i) (i32.const 7) (i32.const 5) (i32.const 0)) (i32.const 12)) (then unreachable))
    (if (i32.ne (call_indirect (type $ii_i) (i32.const 7) (i32.const 5) (i32.const 1)) (i32.const 2)) (then unreachable))
    (if (i32.ne (call_indirect (type $ii_i) (i32.const 7) (i32.const 5) (i32.const 2)) (i32.const 35)) (then unreachable))))
