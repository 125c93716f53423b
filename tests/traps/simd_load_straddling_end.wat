;; A v128.load of bytes 65521..65536 in a one-page memory: the first 15 bytes are in bounds, the
;; last is not, so it traps (the access size is 16, not the lane size).
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65521))
  (func (export "_start")
    (drop (i32x4.extract_lane 0 (v128.load (global.get $addr))))))
