;; call_indirect through a table entry that was never initialised.
;; expect-trap: uninitialized element
(module
  (type $v_i (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f (type $v_i) (i32.const 1))
  (func (export "_start")
    (drop (call_indirect (type $v_i) (i32.const 1)))))
