;; No loop at all: 2^40 calls, never deeper than 40. Stopped at a function entry (the stack limit).
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (func $tree (param $n i32)
    (if (local.get $n)
      (then
        (call $tree (i32.sub (local.get $n) (i32.const 1)))
        (call $tree (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "_start")
    (call $tree (i32.const 40))))
