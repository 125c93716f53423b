;; Guest pointers are checked against the memory's current size: a buffer ending exactly at the end
;; of memory is fine, one byte further is EFAULT (21), and after memory.grow the same pointers are
;; valid. Also: a 2^32-wrapping pointer + length, and proc_exit with a code above 255 (the process
;; status keeps its low 8 bits, as on POSIX). A failing check exits with its number (1-9).
;; functions: fd_write random_get proc_exit
;; expect-exit: 44
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory 1)
  (func $expect (param $got i32) (param $want i32) (param $check i32)
    (if (i32.ne (local.get $got) (local.get $want)) (then (call $proc_exit (local.get $check)))))
  (func (export "_start")
    ;; iovec at 65520 = {buf 65535, len 1}: the last byte of memory; nwritten at 65532
    (i32.store (i32.const 65520) (i32.const 65535))
    (i32.store (i32.const 65524) (i32.const 1))
    (i32.store8 (i32.const 65535) (i32.const 10)) ;; "\n"
    (call $expect (call $fd_write (i32.const 1) (i32.const 65520) (i32.const 1) (i32.const 65532)) (i32.const 0) (i32.const 1))
    (call $expect (i32.load (i32.const 65532)) (i32.const 1) (i32.const 2))
    ;; len 2 from the last byte: EFAULT
    (i32.store (i32.const 65524) (i32.const 2))
    (call $expect (call $fd_write (i32.const 1) (i32.const 65520) (i32.const 1) (i32.const 65532)) (i32.const 21) (i32.const 3))
    ;; nwritten straddling the end
    (i32.store (i32.const 65524) (i32.const 1))
    (call $expect (call $fd_write (i32.const 1) (i32.const 65520) (i32.const 1) (i32.const 65533)) (i32.const 21) (i32.const 4))
    ;; pointer + length wrapping around 2^32
    (call $expect (call $random_get (i32.const -1) (i32.const 2)) (i32.const 21) (i32.const 5))
    (call $expect (call $random_get (i32.const 65535) (i32.const -1)) (i32.const 21) (i32.const 6))
    ;; grow: what was past the end is now inside
    (call $expect (call $random_get (i32.const 65536) (i32.const 16)) (i32.const 21) (i32.const 7))
    (drop (memory.grow (i32.const 1)))
    (call $expect (call $random_get (i32.const 65536) (i32.const 16)) (i32.const 0) (i32.const 8))
    (call $expect (call $random_get (i32.const 131070) (i32.const 2)) (i32.const 0) (i32.const 9))
    (call $proc_exit (i32.const 300))))
