;; A loop bumping a pointer by 8 after each access (its adds are `add nuw`, and LLVM may vectorise
;; it) still traps when it walks past the end of memory.
;; expect-trap: out of bounds memory access
(module
  (memory 1)
  (func (export "_start") (local $p i32) (local $q i32)
    (local.set $q (i32.const 32768))
    (loop $top
      (f64.store (local.get $p)
        (f64.add (f64.load (local.get $p)) (f64.load (local.get $q))))
      (f64.store offset=8 (local.get $p)
        (f64.add (f64.load offset=8 (local.get $p)) (f64.load offset=8 (local.get $q))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br $top))))
