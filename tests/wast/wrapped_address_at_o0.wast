;; An address computed by a 32-bit shift that wraps: `(k << 2)` is `k * 4` modulo 2^32. At -O0 on
;; aarch64, LLVM 19's GlobalISel folded `zext(shl k, 2)` into the access as `[base, wk, uxtw #2]`,
;; which drops the wrap: `f(0x40000000)` read base + 4 GiB instead of address 0, and `f(-1)` base +
;; 16 GiB - 4, past the guard region (reported as `call stack exhausted`). -O0 now selects with
;; FastISel there (`codegen/mod.rs`, `target_machine`).
(module
  (memory 1)
  (func (export "load_shl2") (param $k i32) (result i32) (i32.load (i32.shl (local.get $k) (i32.const 2))))
  (func (export "load_shl3") (param $k i32) (result i64) (i64.load (i32.shl (local.get $k) (i32.const 3))))
  (func (export "load_mul4") (param $k i32) (result i32) (i32.load (i32.mul (local.get $k) (i32.const 4))))
  (func (export "store_shl2") (param $k i32) (param $v i32)
    (i32.store (i32.shl (local.get $k) (i32.const 2)) (local.get $v)))
  (func (export "load") (param $a i32) (result i32) (i32.load (local.get $a))))

(invoke "store_shl2" (i32.const 0) (i32.const 42))
(invoke "store_shl2" (i32.const 1) (i32.const 7))
(assert_return (invoke "load_shl2" (i32.const 0x40000000)) (i32.const 42))
(assert_return (invoke "load_shl2" (i32.const 0x40000001)) (i32.const 7))
(assert_return (invoke "load_shl2" (i32.const 0xc0000001)) (i32.const 7))
(assert_return (invoke "load_shl3" (i32.const 0x20000000)) (i64.const 0x000000070000002a))
(assert_return (invoke "load_mul4" (i32.const 0x40000001)) (i32.const 7))
(invoke "store_shl2" (i32.const 0x80000002) (i32.const 9))
(assert_return (invoke "load" (i32.const 8)) (i32.const 9))
(assert_trap (invoke "load_shl2" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "load_shl3" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "store_shl2" (i32.const 0x3fffffff) (i32.const 1)) "out of bounds memory access")
