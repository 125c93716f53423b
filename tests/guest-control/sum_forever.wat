;; A vectorisable loop (summing an array, again and again, no call anywhere): nothing in it reads the
;; store, the interrupt signal stops it (guest_control.rs `vectorised_loop_stops_near_the_deadline`).
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (memory 1)
  (global $sink (mut i32) (i32.const 0))
  (func (export "_start") (local $i i32) (local $s i32)
    (loop $again
      (local.set $i (i32.const 0))
      (loop $l
        (local.set $s (i32.add (local.get $s) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 16384))))
      (global.set $sink (local.get $s))
      (br $again))))
