;; An out-of-bounds load whose value only decides an empty `if`: once the optimiser removes the
;; branch the value is unused, but the access must still trap.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65536))
  (func (export "_start")
    (if (i32.eq (i32.load (global.get $addr)) (i32.const 12345)) (then nop))))
