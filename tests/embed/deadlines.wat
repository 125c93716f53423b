;; Guests that do not stop by themselves, for tests/embed/deadlines.c (built interruptible, with fuel).
(module
  (import "env" "should_spin" (func $should_spin (result i32)))
  (global $counter (export "counter") (mut i32) (i32.const 0))
  ;; A loop without calls.
  (func (export "spin") (loop $l (br $l)))
  ;; Two functions tail-calling each other forever.
  (func $ping (param $n i64) (result i64)
    (return_call $pong (i64.add (local.get $n) (i64.const 1))))
  (func $pong (param $n i64) (result i64)
    (return_call $ping (i64.add (local.get $n) (i64.const 1))))
  (func (export "ping_pong") (drop (call $ping (i64.const 0))))
  ;; Runaway recursion: 2^40 calls, never deeper than 40.
  (func $tree (param $n i32)
    (if (local.get $n)
      (then
        (call $tree (i32.sub (local.get $n) (i32.const 1)))
        (call $tree (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "recurse") (call $tree (i32.const 40)))
  ;; The start function loops forever (without calls) when the host says so.
  (func $init (if (call $should_spin) (then (loop $l (br $l)))))
  (start $init)
  ;; 10 fuel per iteration (`loop` free; 4 + 2 + 4 with br_if), 1 after it: 10n + 1.
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (global.set $counter (local.get $i))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))
