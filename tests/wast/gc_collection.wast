;; Collections on every target and level: lists reachable only through a global, a table, an
;; exnref's payload, a struct field and an array of references survive while ten times the
;; collector's first trigger (4 MiB) is allocated in garbage, cycles included, between building
;; them and summing them. Also: a reference kept across the churn only in a local (so only in a
;; register or a stack slot of optimised code), and array elements reached through an interior
;; pointer (a loop that LLVM may strength-reduce to `element + 8`).
(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $nodes (array (mut (ref null $node))))
  (type $box (struct (field $held (mut (ref null $node)))))
  (type $cycle (struct (field $other (mut (ref null $cycle)))))
  (type $longs (array (mut i64)))
  (tag $carry (param (ref null $node)))
  (global $in_global (mut (ref null $node)) (ref.null $node))
  (global $in_exception (mut exnref) (ref.null exn))
  (global $in_array (mut (ref null $nodes)) (ref.null $nodes))
  (global $in_field (mut (ref null $box)) (ref.null $box))
  (table $in_table 1 (ref null $node))

  (func $list (param $n i32) (result (ref null $node))
    (local $head (ref null $node)) (local $i i32)
    (block $done
      (loop $build
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $head (struct.new $node (local.get $i) (local.get $head)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $build)))
    (local.get $head))

  (func $sum (param $l (ref null $node)) (result i32)
    (local $s i32)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $walk)))
    (local.get $s))

  ;; About 40 MiB of garbage: two-struct cycles, short lists, i64 arrays.
  (func $churn
    (local $n i32) (local $a (ref null $cycle)) (local $b (ref null $cycle))
    (local.set $n (i32.const 100000))
    (loop $more
      (local.set $a (struct.new $cycle (ref.null $cycle)))
      (local.set $b (struct.new $cycle (local.get $a)))
      (struct.set $cycle $other (local.get $a) (local.get $b))
      (drop (call $list (i32.const 8)))
      (drop (array.new_default $longs (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $more (local.get $n))))

  (func (export "build")
    (local $i i32)
    (global.set $in_global (call $list (i32.const 5000)))
    (table.set $in_table (i32.const 0) (call $list (i32.const 4000)))
    (block $caught (result (ref null $node) exnref)
      (try_table (catch_ref $carry $caught) (throw $carry (call $list (i32.const 3000))))
      (unreachable))
    (global.set $in_exception)
    (drop)
    (global.set $in_field (struct.new $box (call $list (i32.const 2000))))
    (global.set $in_array (array.new $nodes (ref.null $node) (i32.const 32)))
    (loop $fill
      (array.set $nodes (global.get $in_array) (local.get $i) (call $list (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 32)))))

  (func (export "churn") (call $churn))

  (func (export "sum_global") (result i32) (call $sum (global.get $in_global)))
  (func (export "sum_table") (result i32) (call $sum (table.get $in_table (i32.const 0))))
  (func (export "sum_exception") (result i32)
    (call $sum
      (block $caught (result (ref null $node))
        (try_table (catch $carry $caught) (throw_ref (global.get $in_exception)))
        (unreachable))))
  (func (export "sum_field") (result i32) (call $sum (struct.get $box $held (global.get $in_field))))
  (func (export "sum_array") (result i32)
    (local $i i32) (local $s i32)
    (loop $each
      (local.set $s (i32.add (local.get $s)
        (call $sum (array.get $nodes (global.get $in_array) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $i) (i32.const 32))))
    (local.get $s))

  ;; A list held only by a local across the churn.
  (func (export "local_across_churn") (result i32)
    (local $l (ref null $node))
    (local.set $l (call $list (i32.const 1000)))
    (call $churn)
    (call $sum (local.get $l)))

  ;; An i64 array filled and summed in loops, with the churn between: the sum reads each element
  ;; once, after the collections.
  (func (export "array_across_churn") (result i64)
    (local $a (ref null $longs)) (local $i i32) (local $s i64)
    (local.set $a (array.new_default $longs (i32.const 1000)))
    (loop $fill
      (array.set $longs (local.get $a) (local.get $i) (i64.extend_i32_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 1000))))
    (call $churn)
    (local.set $i (i32.const 0))
    (loop $add
      (local.set $s (i64.add (local.get $s) (array.get $longs (local.get $a) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $add (i32.lt_u (local.get $i) (i32.const 1000))))
    (local.get $s))
)

(invoke "build")
(invoke "churn")
(invoke "churn")
;; n(n-1)/2 for each list; the array holds lists of 0..31 elements: sum of i(i-1)/2 = 4960.
(assert_return (invoke "sum_global") (i32.const 12497500))
(assert_return (invoke "sum_table") (i32.const 7998000))
(assert_return (invoke "sum_exception") (i32.const 4498500))
(assert_return (invoke "sum_field") (i32.const 1999000))
(assert_return (invoke "sum_array") (i32.const 4960))
(assert_return (invoke "local_across_churn") (i32.const 499500))
(assert_return (invoke "array_across_churn") (i64.const 499500))

;; Types are canonical across instances: a struct made by one module passes another's cast to its
;; own definition of the same type, and a subtype's function passes call_indirect to the supertype.
(module $maker
  (type $point (struct (field i32) (field i32)))
  (type $f (sub (func (result i32))))
  (type $g (sub $f (func (result i32))))
  (func $seven (type $g) (i32.const 7))
  (table (export "fs") 1 funcref)
  (elem (i32.const 0) $seven)
  (func (export "make") (result anyref) (struct.new $point (i32.const 3) (i32.const 4))))
(register "maker" $maker)
(module
  (type $point (struct (field i32) (field i32)))
  (type $f (sub (func (result i32))))
  (import "maker" "make" (func $make (result anyref)))
  (import "maker" "fs" (table 1 funcref))
  (func (export "sum") (result i32)
    (local $p (ref $point))
    (local.set $p (ref.cast (ref $point) (call $make)))
    (i32.add (struct.get $point 0 (local.get $p)) (struct.get $point 1 (local.get $p))))
  (func (export "call_sub") (result i32) (call_indirect (type $f) (i32.const 0)))
  (func (export "not_array") (result i32) (ref.test (ref array) (call $make))))
(assert_return (invoke "sum") (i32.const 7))
(assert_return (invoke "call_sub") (i32.const 7))
(assert_return (invoke "not_array") (i32.const 0))

;; extern.convert_any and any.convert_extern undo each other, for objects, i31s and host references.
(module
  (type $s (struct (field i32)))
  (func (export "object_round_trip") (result i32)
    (local $o (ref $s))
    (local.set $o (struct.new $s (i32.const 5)))
    (ref.eq (local.get $o)
      (ref.cast (ref eq) (any.convert_extern (extern.convert_any (local.get $o))))))
  (func (export "i31_round_trip") (param i32) (result i32)
    (i31.get_s (ref.cast (ref i31) (any.convert_extern (extern.convert_any (ref.i31 (local.get 0)))))))
  (func (export "host_round_trip") (param externref) (result externref)
    (extern.convert_any (any.convert_extern (local.get 0))))
  (func (export "host_is_not_eq") (param externref) (result i32)
    (ref.test (ref eq) (any.convert_extern (local.get 0)))))
(assert_return (invoke "object_round_trip") (i32.const 1))
(assert_return (invoke "i31_round_trip" (i32.const -12345)) (i32.const -12345))
(assert_return (invoke "host_round_trip" (ref.extern 42)) (ref.extern 42))
(assert_return (invoke "host_is_not_eq" (ref.extern 42)) (i32.const 0))
