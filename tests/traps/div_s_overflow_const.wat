;; i32.div_s INT_MIN / -1 with constant operands: constant folding must not hide the trap.
;; expect-trap: integer overflow
(module
  (func (export "_start")
    (drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))))
