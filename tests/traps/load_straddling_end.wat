;; An i32.load whose last byte is past the end (address 65533 in a one-page memory) traps even
;; though its first byte is in bounds.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65533))
  (func (export "_start")
    (global.set $addr (i32.load (global.get $addr)))))
