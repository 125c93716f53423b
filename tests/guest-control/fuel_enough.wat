;; 1000 iterations of 8 instructions (nop is free), then 3 (drop too): 8,003 fuel is exactly enough.
;; run: -W fuel=8003
;; expect-exit: 0
(module
  (func (export "_start") (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (nop)
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000)))
      (drop (i32.const 0))
      (br_if $l (i32.const 0)))
    (nop)))
