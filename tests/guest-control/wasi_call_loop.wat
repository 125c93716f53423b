;; A loop that spends most of its time in WASI calls (sched_yield, clock_time_get): a signal landing
;; in the runtime or the kernel does nothing, one landing in the loop's own code stops it.
;; run: -W timeout=200ms
;; expect-trap: interrupt
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $l
      (drop (call $yield))
      (drop (call $clock (i32.const 1) (i64.const 1) (i32.const 0)))
      (br $l))))
