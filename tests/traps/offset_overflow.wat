;; offset + address overflows 32 bits: 0xffffffff + 1 = 2^32 is out of bounds, never address 0.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $one (mut i32) (i32.const 1))
  (func (export "_start")
    (drop (i32.load offset=0xffffffff (global.get $one)))))
