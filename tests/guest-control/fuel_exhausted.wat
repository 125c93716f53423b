;; An endless loop with a budget: 5 fuel per iteration (`loop` is free, `br` costs 1).
;; run: -W fuel=100000
;; expect-trap: all fuel consumed by WebAssembly
(module
  (func (export "_start") (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
