;; call_indirect with the wrong signature.
;; expect-trap: indirect call type mismatch
(module
  (type $v_i (func (result i32)))
  (type $v_v (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f (type $v_i) (i32.const 1))
  (func (export "_start")
    (call_indirect (type $v_v) (i32.const 0))))
