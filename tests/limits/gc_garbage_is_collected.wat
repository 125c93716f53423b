;; A loop that allocates 20 times the GC heap limit in short-lived structs, two-struct cycles and
;; byte arrays, keeping one struct alive across iterations, runs to the end: unreachable objects,
;; cycles included, are collected.
;; limits: max-gc-heap=8M
;; expect-exit: 0
(module
  (type $pair (struct (field $other (mut (ref null $pair))) (field $n i64)))
  (type $bytes (array (mut i8)))
  (func (export "_start")
    (local $i i32) (local $p (ref null $pair)) (local $q (ref null $pair)) (local $kept (ref null $pair))
    (local.set $kept (struct.new $pair (ref.null $pair) (i64.const 7)))
    (loop $churn
      (local.set $p (struct.new $pair (ref.null $pair) (i64.extend_i32_u (local.get $i))))
      (local.set $q (struct.new $pair (local.get $p) (i64.const 2)))
      (struct.set $pair $other (local.get $p) (local.get $q))
      (drop (array.new_default $bytes (i32.const 100)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $churn (i32.lt_u (local.get $i) (i32.const 1000000))))
    ;; The struct kept in a local through every collection still holds its value.
    (if (i64.ne (struct.get $pair $n (local.get $kept)) (i64.const 7)) (then unreachable))))
