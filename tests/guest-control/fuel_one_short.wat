;; fuel_enough.wat's program with one fuel less: the last piece cannot be paid.
;; run: -W fuel=8002
;; expect-trap: all fuel consumed by WebAssembly
(module
  (func (export "_start") (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (nop)
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000)))
      (drop (i32.const 0))
      (br_if $l (i32.const 0)))
    (nop)))
