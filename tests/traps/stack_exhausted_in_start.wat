;; Exhausting the stack inside the start function (during instantiation, before `_start`) is a
;; trap like any other, not a crash.
;; expect-trap: call stack exhausted
(module
  (func $f (param i64) (result i64) (i64.add (call $f (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func $init (drop (call $f (i64.const 0))))
  (start $init)
  (func (export "_start") unreachable))
