;; Deep but bounded recursion (depth 10,000, small frames) returns normally with the right value.
;; expect-exit: 0
(module
  (func $depth (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func (export "_start")
    (if (i32.ne (call $depth (i32.const 10000)) (i32.const 10000)) (then unreachable))
    ;; and the stack is usable again after returning: do it twice
    (if (i32.ne (call $depth (i32.const 10000)) (i32.const 10000)) (then unreachable))))
