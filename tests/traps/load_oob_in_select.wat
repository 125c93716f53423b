;; Both operands of a select are evaluated: the out-of-bounds one traps even when the other is
;; selected (LLVM would otherwise turn two loads into one load of the selected address).
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $sink (mut i32) (i32.const 0))
  (global $bad (mut i32) (i32.const 65536))
  (func (export "_start")
    (global.set $sink
      (select (i32.load (i32.const 16)) (i32.load (global.get $bad)) (i32.const 1)))))
