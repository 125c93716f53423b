;; The module of tests/embed/limits.c: one memory and one table, both growable from the host.
(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))
