;; table.set past the end of the table.
;; expect-trap: out of bounds table access
(module
  (table $t 2 funcref)
  (func (export "_start")
    (table.set $t (i32.const 2) (ref.null func))))
