;; One memory.fill of 1 GiB, far longer than the timeout: the runtime polls between 1 MiB chunks
;; (without that, the fill would finish and the program exit 0).
;; run: -W timeout=20ms
;; expect-trap: interrupt
(module
  (memory 16384)
  (func (export "_start")
    (memory.fill (i32.const 0) (i32.const 7) (i32.const 0x40000000))))
