;; memory.copy and memory.fill move small in-bounds ranges inline (translate/memory.rs,
;; `small_bulk_in_bounds`): the bounds come from the memory's size at that moment (after a grow
;; too), a range ending exactly at the end is in bounds, one byte more traps with nothing written,
;; and 64-bit lengths near 2^64 do not wrap into bounds.
(module
  (memory 1)
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "sum") (param $at i32) (param $n i32) (result i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $at))))
      (local.set $at (i32.add (local.get $at) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $s)))

(invoke "fill" (i32.const 65530) (i32.const 7) (i32.const 6))
(assert_return (invoke "sum" (i32.const 65530) (i32.const 6)) (i32.const 42))
(assert_trap (invoke "fill" (i32.const 65530) (i32.const 9) (i32.const 7)) "out of bounds memory access")
(assert_return (invoke "sum" (i32.const 65530) (i32.const 6)) (i32.const 42))
(assert_trap (invoke "copy" (i32.const 65531) (i32.const 0) (i32.const 6)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 65531) (i32.const 6)) "out of bounds memory access")
(assert_return (invoke "sum" (i32.const 0) (i32.const 6)) (i32.const 0))
(invoke "fill" (i32.const 65536) (i32.const 1) (i32.const 0))
(assert_trap (invoke "fill" (i32.const 65537) (i32.const 1) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "fill" (i32.const 0) (i32.const 1) (i32.const -1)) "out of bounds memory access")
;; Overlapping copies, either direction.
(invoke "fill" (i32.const 100) (i32.const 1) (i32.const 1))
(invoke "fill" (i32.const 101) (i32.const 2) (i32.const 1))
(invoke "fill" (i32.const 102) (i32.const 3) (i32.const 1))
(invoke "copy" (i32.const 101) (i32.const 100) (i32.const 3))
(assert_return (invoke "load8" (i32.const 103)) (i32.const 3))
(assert_return (invoke "load8" (i32.const 101)) (i32.const 1))
(invoke "copy" (i32.const 100) (i32.const 101) (i32.const 3))
(assert_return (invoke "load8" (i32.const 100)) (i32.const 1))
(assert_return (invoke "load8" (i32.const 102)) (i32.const 3))
;; After a grow the new pages are in bounds for both.
(assert_trap (invoke "fill" (i32.const 70000) (i32.const 5) (i32.const 10)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(invoke "fill" (i32.const 70000) (i32.const 5) (i32.const 10))
(invoke "copy" (i32.const 131070) (i32.const 70000) (i32.const 2))
(assert_return (invoke "sum" (i32.const 131068) (i32.const 4)) (i32.const 10))
(assert_trap (invoke "copy" (i32.const 131070) (i32.const 70000) (i32.const 3)) "out of bounds memory access")

(module
  (memory i64 1)
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0))))

(invoke "fill" (i64.const 65535) (i32.const 9) (i64.const 1))
(assert_return (invoke "load8" (i64.const 65535)) (i32.const 9))
(assert_trap (invoke "fill" (i64.const 16) (i32.const 1) (i64.const -8)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const -8) (i32.const 1) (i64.const 16)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const -1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 8) (i64.const 0) (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load8" (i64.const 16)) (i32.const 0))
