;; i64.store at an address far past the end.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 0x7fff0000))
  (func (export "_start")
    (i64.store (global.get $addr) (i64.const 1))))
