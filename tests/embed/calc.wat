;; The module of tests/embed/calc.c: exports of each kind and one host import.
(module
  (import "env" "scale" (func $scale (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello")
  (global (export "counter") (mut i32) (i32.const 7))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "divmod") (param i64 i64) (result i64 i64)
    (i64.div_u (local.get 0) (local.get 1))
    (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "twice") (param i32) (result i32) (call $scale (local.get 0))))
