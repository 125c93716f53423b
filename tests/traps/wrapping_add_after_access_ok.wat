;; After an access at p, only p + c with a small c is `add nuw` (address_facts.rs): here
;; 0x10004 + 0xffff0000 wraps to 4, an ordinary in-bounds address, and so does p - 0x10000.
;; expect-exit: 0
(module
  (memory 2)
  (func $check (param $p i32)
    (i32.store (i32.const 4) (i32.const 7))
    (i32.store (local.get $p) (i32.const 9))
    (if (i32.ne (i32.load (i32.add (local.get $p) (i32.const 0xffff0000))) (i32.const 7)) (then unreachable))
    (if (i32.ne (i32.load (i32.sub (local.get $p) (i32.const 0x10000))) (i32.const 7)) (then unreachable))
    (if (i32.ne (i32.load (i32.add (local.get $p) (i32.const 4))) (i32.const 0)) (then unreachable)))
  (func (export "_start") (call $check (i32.const 0x10004))))
