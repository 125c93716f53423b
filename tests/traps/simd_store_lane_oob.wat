;; v128.store64_lane writes 8 bytes: at offset=65530 from 0 its last bytes are past the end.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start")
    (v128.store64_lane offset=65530 1 (i32.const 0) (v128.const i64x2 1 2))))
