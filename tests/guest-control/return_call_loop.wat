;; Two functions tail-calling each other forever (musttail jumps: no loop, no stack growth).
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (func $ping (param $n i64) (result i64)
    (return_call $pong (i64.add (local.get $n) (i64.const 1))))
  (func $pong (param $n i64) (result i64)
    (return_call $ping (i64.add (local.get $n) (i64.const 1))))
  (func (export "_start")
    (drop (call $ping (i64.const 0)))))
