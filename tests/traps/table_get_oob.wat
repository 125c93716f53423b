;; table.get past the end of the table, its value dropped.
;; expect-trap: out of bounds table access
(module
  (table $t 2 funcref)
  (global $i (mut i32) (i32.const 10))
  (func (export "_start")
    (drop (table.get $t (global.get $i)))))
