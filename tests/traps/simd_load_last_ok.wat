;; The last 16 bytes of a one-page memory load fine (and the lane read back is what was stored).
;; expect-exit: 7
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (global $addr (mut i32) (i32.const 65520))
  (func (export "_start")
    (i32.store offset=12 (global.get $addr) (i32.const 7))
    (call $exit (i32x4.extract_lane 3 (v128.load (global.get $addr))))))
