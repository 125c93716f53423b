;; The module of tests/embed/gc_refs.c: GC references through the C API and a store's GC heap
;; limit.
(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (global $hoard (mut (ref null $node)) (ref.null $node))
  ;; The list n-1, ..., 1, 0.
  (func $list (export "list") (param $n i32) (result (ref null $node))
    (local $head (ref null $node)) (local $i i32)
    (block $done
      (loop $build
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $head (struct.new $node (local.get $i) (local.get $head)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $build)))
    (local.get $head))
  (func (export "sum") (param $l (ref null $node)) (result i32)
    (local $s i32)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $walk)))
    (local.get $s))
  ;; Garbage: n lists of 16 nodes.
  (func (export "churn") (param $n i32)
    (loop $more
      (drop (call $list (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $more (local.get $n))))
  ;; Keeps n more nodes alive in a global.
  (func (export "hoard") (param $n i32)
    (loop $more
      (global.set $hoard (struct.new $node (i32.const 1) (global.get $hoard)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $more (local.get $n))))
  (func (export "drop_hoard") (global.set $hoard (ref.null $node))))
