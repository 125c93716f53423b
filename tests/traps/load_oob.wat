;; i32.load past the end of a one-page memory, its value stored to a global.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65536))
  (global $sink (mut i32) (i32.const 0))
  (func (export "_start")
    (global.set $sink (i32.load (global.get $addr)))))
