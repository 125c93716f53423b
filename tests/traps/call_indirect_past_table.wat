;; call_indirect with an index past the end of the table.
;; expect-trap: undefined element
(module
  (type $v_i (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $f $f)
  (global $index (mut i32) (i32.const 5))
  (func $f (type $v_i) (i32.const 1))
  (func (export "_start")
    (drop (call_indirect (type $v_i) (global.get $index)))))
