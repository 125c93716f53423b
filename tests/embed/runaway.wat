;; A guest that does not stop by itself, for tests/embed/runaway.rs (built interruptible, with fuel).
(module
  (memory 1)
  (func (export "spin") (loop $l (br $l)))
  (func $tree (param $n i32)
    (if (local.get $n)
      (then
        (call $tree (i32.sub (local.get $n) (i32.const 1)))
        (call $tree (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "recurse") (call $tree (i32.const 40)))
  ;; 11 fuel per iteration, 1 after the loop
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.store (i32.const 0) (local.get $i))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "reached") (result i32) (i32.load (i32.const 0))))
