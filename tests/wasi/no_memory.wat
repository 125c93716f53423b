;; A module without a linear memory: every WASI call that takes a pointer fails with EFAULT (21),
;; never touching memory that does not exist; calls without pointers work; proc_exit ends the
;; program with its code. A failing check exits with its number (1-14); success exits with 42.
;; functions: proc_exit
;; expect-exit: 42
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
  (import "wasi_snapshot_preview1" "fd_sync" (func $fd_sync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))

  ;; exits with `check` unless got == want
  (func $expect (param $got i32) (param $want i32) (param $check i32)
    (if (i32.ne (local.get $got) (local.get $want)) (then (call $proc_exit (local.get $check)))))

  (func (export "_start")
    (call $expect (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 21) (i32.const 1))
    (call $expect (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)) (i32.const 21) (i32.const 2))
    (call $expect (call $args_sizes_get (i32.const 0) (i32.const 4)) (i32.const 21) (i32.const 3))
    (call $expect (call $environ_get (i32.const 0) (i32.const 0)) (i32.const 21) (i32.const 4))
    (call $expect (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 0)) (i32.const 21) (i32.const 5))
    (call $expect (call $random_get (i32.const 0) (i32.const 0)) (i32.const 21) (i32.const 6))
    (call $expect (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                                   (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 0))
                  (i32.const 21) (i32.const 7))
    (call $expect (call $fd_prestat_get (i32.const 3) (i32.const 0)) (i32.const 21) (i32.const 8))
    (call $expect (call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)) (i32.const 21) (i32.const 9))
    (call $expect (call $fd_readdir (i32.const 3) (i32.const 0) (i32.const 0) (i64.const 0) (i32.const 0))
                  (i32.const 21) (i32.const 10))
    ;; no pointers: these work (or fail for their own reasons)
    (call $expect (call $fd_close (i32.const 1234)) (i32.const 8) (i32.const 11))
    (call $expect (call $sched_yield) (i32.const 0) (i32.const 12))
    (call $expect (call $fd_sync (i32.const 3)) (i32.const 0) (i32.const 13))
    (call $expect (call $fd_close (i32.const 3)) (i32.const 0) (i32.const 14))
    (call $proc_exit (i32.const 42))
    ;; not reached
    (call $proc_exit (i32.const 99))))
