;; Found by the fuzzer: an atomic access both misaligned and out of bounds trapped as out of bounds
;; with explicit bounds checks and as unaligned with guard pages. Alignment comes first (the
;; reference interpreter, wasmtime).
(module
  (memory 1 1 shared)
  (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "load_offset") (param i32) (result i64) (i64.atomic.load offset=65533 (local.get 0)))
  (func (export "rmw") (param i32) (result i32) (i32.atomic.rmw.add (local.get 0) (i32.const 1)))
  (func (export "store16") (param i32) (i32.atomic.store16 (local.get 0) (i32.const 1))))
(assert_trap (invoke "load" (i32.const 65535)) "unaligned atomic")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load_offset" (i32.const 0)) "unaligned atomic")
(assert_trap (invoke "load_offset" (i32.const 3)) "out of bounds memory access")
(assert_trap (invoke "rmw" (i32.const -1)) "unaligned atomic")
(assert_trap (invoke "store16" (i32.const 65537)) "unaligned atomic")
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0))
