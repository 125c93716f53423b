;; A small function returning an out-of-bounds load, called for effect only: inlined, its load
;; would be as dead as the dropped result, yet the access must trap.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func $get (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "_start")
    (drop (call $get (i32.const 70000)))))
