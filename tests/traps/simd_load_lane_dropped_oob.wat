;; A v128.load32_lane out of bounds whose result is dropped still traps (the lane load is a
;; scalar load, kept alive by the load sink like any other).
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (drop (v128.load32_lane 2 (i32.const 65534) (v128.const i32x4 0 0 0 0)))))
