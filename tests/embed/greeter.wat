;; The module of tests/embed/greeter.rs: WASI imports (bound to the runtime's WASI) and a host import.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "host" "twice" (func $twice (param i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello via WASI\n")
  ;; Writes the greeting to stdout; returns the errno.
  (func (export "hello") (result i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 15))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "written") (result i32) (i32.load (i32.const 8)))
  (func (export "quit") (param i32) (call $proc_exit (local.get 0)))
  (func (export "twice_plus1") (param i64) (result i64)
    (i64.add (call $twice (local.get 0)) (i64.const 1))))
