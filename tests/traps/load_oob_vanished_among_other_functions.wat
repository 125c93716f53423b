;; Guard mode re-optimises only the functions where a load vanished and links their new bodies back
;; among the others of their unit (`codegen/kept_loads.rs`). Here the out-of-bounds address is
;; computed by functions that keep their first bodies and are called from both sides of the
;; re-optimised one: if the merge lost or mixed up a body, the load is in bounds or the program
;; does not link, and no trap comes.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (data (i32.const 0) "\70\11\01\00")   ;; 70000
  (global $sink (mut i32) (i32.const 1))
  (func $base (result i32) (i32.load (i32.const 0)))
  (func $offset (param $x i32) (result i32) (i32.add (local.get $x) (i32.load8_u (i32.const 4))))
  (func $vanishing (param $p i32)
    (global.set $sink (i32.mul (i32.load (call $offset (local.get $p))) (i32.const 0))))
  (func $also_vanishing (param $p i32)
    (global.set $sink (i32.and (i32.load16_u (local.get $p)) (i32.const 0))))
  (func (export "_start")
    (call $also_vanishing (i32.const 8))
    (call $vanishing (call $base))))
