;; The plugin: a Wasm module in WebAssembly text, compiled by build.rs into libplugin.a + bindings.
(module
  ;; Host functions, supplied from Rust through the generated trait `PluginEnv`.
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "check" (func $check (param i32) (result i32)))

  (memory (export "memory") 1)
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (global (export "version") i32 (i32.const 3))

  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  ;; Traps on division by zero: the host sees an Err and keeps going.
  (func (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))

  ;; Two results: a tuple in Rust.
  (func (export "divmod") (param i64 i64) (result i64 i64)
    (i64.div_u (local.get 0) (local.get 1))
    (i64.rem_u (local.get 0) (local.get 1)))

  (func (export "mean") (param f64 f64) (result f64)
    (f64.div (f64.add (local.get 0) (local.get 1)) (f64.const 2)))

  ;; Per-instance state.
  (func (export "count") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (global.get $calls))

  ;; Where the host may put a string.
  (func (export "buffer") (result i32) (i32.const 1024))

  ;; Upper-cases the ASCII letters of [ptr, ptr+len) in place, logs the result through the host,
  ;; and returns how many letters changed.
  (func (export "shout") (param $ptr i32) (param $len i32) (result i32)
    (local $i i32) (local $c i32) (local $changed i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then
            (i32.store8 (i32.add (local.get $ptr) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))
            (local.set $changed (i32.add (local.get $changed) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $log (local.get $ptr) (local.get $len))
    (local.get $changed))

  ;; Asks the host to check a value: the host refuses negative ones with an error (a trap here).
  (func (export "checked") (param i32) (result i32)
    (i32.add (call $check (local.get 0)) (i32.const 1)))

  ;; Touches memory far out of bounds.
  (func (export "peek") (param i32) (result i32)
    (i32.load (local.get 0)))

  ;; Grows memory by that many 64 KiB pages: the old size, or -1.
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
