;; i32.load past the end of a one-page memory.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65536))
  (func (export "_start")
    (if (i32.eq (i32.load (global.get $addr)) (i32.const 12345)) (then nop))))
