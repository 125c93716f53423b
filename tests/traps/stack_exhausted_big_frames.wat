;; Unbounded mutual recursion through direct calls, with many live values per frame.
;; expect-trap: call stack exhausted
(module
  (func $a (param f64 f64 f64 f64) (result f64)
    (local f64 f64 f64 f64)
    (local.set 4 (f64.mul (local.get 0) (local.get 1)))
    (local.set 5 (f64.add (local.get 2) (local.get 3)))
    (local.set 6 (f64.sub (local.get 4) (local.get 5)))
    (local.set 7 (f64.div (local.get 6) (f64.const 3)))
    (f64.add
      (f64.add (call $b (local.get 4) (local.get 5) (local.get 6) (local.get 7)) (local.get 4))
      (f64.add (f64.mul (local.get 5) (local.get 6)) (local.get 7))))
  (func $b (param f64 f64 f64 f64) (result f64)
    (f64.sub (call $a (local.get 3) (local.get 2) (local.get 1) (local.get 0)) (local.get 0)))
  (func (export "_start")
    (drop (call $a (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4)))))
