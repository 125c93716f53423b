;; Structures reachable only through a global, a table, an exception payload kept as an exnref and
;; an array of references survive many collections (the churn allocates 40 times the limit), while
;; cyclic garbage made alongside them is collected; each list is summed afterwards.
;; limits: max-gc-heap=24M
;; expect-exit: 0
(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $nodes (array (mut (ref null $node))))
  (type $cycle (struct (field $other (mut (ref null $cycle)))))
  (tag $carry (param (ref null $node)))
  (global $in_global (mut (ref null $node)) (ref.null $node))
  (global $in_exception (mut exnref) (ref.null exn))
  (global $in_array (mut (ref null $nodes)) (ref.null $nodes))
  (table $in_table 1 (ref null $node))

  ;; The list n-1, ..., 1, 0: its sum is n(n-1)/2.
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

  (func $churn (param $n i32)
    (local $a (ref null $cycle)) (local $b (ref null $cycle))
    (loop $more
      (local.set $a (struct.new $cycle (ref.null $cycle)))
      (local.set $b (struct.new $cycle (local.get $a)))
      (struct.set $cycle $other (local.get $a) (local.get $b))
      (drop (call $list (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $more (local.get $n))))

  (func $check (param $l (ref null $node)) (param $n i32)
    (if (i32.ne (call $sum (local.get $l))
                (i32.div_u (i32.mul (local.get $n) (i32.sub (local.get $n) (i32.const 1))) (i32.const 2)))
      (then unreachable)))

  (func (export "_start")
    (local $i i32)
    (global.set $in_global (call $list (i32.const 50000)))
    (table.set $in_table (i32.const 0) (call $list (i32.const 40000)))
    (block $caught (result (ref null $node) exnref)
      (try_table (catch_ref $carry $caught)
        (throw $carry (call $list (i32.const 30000))))
      (unreachable))
    (global.set $in_exception)
    (drop)
    (global.set $in_array (array.new $nodes (ref.null $node) (i32.const 64)))
    (loop $fill
      (array.set $nodes (global.get $in_array) (local.get $i) (call $list (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 64))))
    (call $churn (i32.const 400000))
    (call $check (global.get $in_global) (i32.const 50000))
    (call $check (table.get $in_table (i32.const 0)) (i32.const 40000))
    (call $check
      (block $caught (result (ref null $node))
        (try_table (catch $carry $caught) (throw_ref (global.get $in_exception)))
        (unreachable))
      (i32.const 30000))
    (local.set $i (i32.const 0))
    (loop $each
      (call $check (array.get $nodes (global.get $in_array) (local.get $i)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $i) (i32.const 64)))))
)
