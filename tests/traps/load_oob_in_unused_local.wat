;; An out-of-bounds i64 load stored into a local that is never read again.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start") (local i64)
    (local.set 0 (i64.load offset=8 (i32.const 65530)))))
