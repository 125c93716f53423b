;; An out-of-bounds load whose value is multiplied by zero: the product is known without the load,
;; but the access must still trap.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $sink (mut i32) (i32.const 1))
  (func (export "_start")
    (global.set $sink (i32.mul (i32.load (i32.const 70000)) (i32.const 0)))))
