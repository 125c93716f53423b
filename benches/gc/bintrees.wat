;; binary-trees on the Wasm GC heap (issue 18): for each depth d = 4, 6, ..., MAX, build and check
;; 2^(MAX - d + 4) short-lived trees of depth d, while a long-lived tree of depth MAX and (first) a
;; stretch tree of depth MAX + 1 stay or have been allocated. A tree node is a struct of two
;; references; a leaf has two nulls. Every check is compared with the node count it must give
;; (2^(d+1) - 1 per tree), and the printed total with the constant below (from
;; `models/bintrees.py`): a wrong count traps.
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))

  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "bintrees ")

  (global $max_depth i32 (i32.const 17))
  ;; The sum of every check: the stretch tree, each depth's iterations, the long-lived tree.
  (global $expected i64 (i64.const 29971806))

  ;; Writes "bintrees <v>\n" to stdout: the digits backwards from 127, the label copied before them.
  (func $print (param $v i64)
    (local $p i32) (local $end i32)
    (local.set $p (i32.const 127))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (local.set $p (i32.sub (local.get $p) (i32.const 9)))
    (memory.copy (local.get $p) (i32.const 16) (i32.const 9))
    ;; one iovec at 0, written until all of it is out (a WASI write may be short)
    (local.set $end (i32.const 128))
    (loop $write
      (i32.store (i32.const 0) (local.get $p))
      (i32.store (i32.const 4) (i32.sub (local.get $end) (local.get $p)))
      (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then unreachable))
      (local.set $p (i32.add (local.get $p) (i32.load (i32.const 8))))
      (br_if $write (i32.lt_u (local.get $p) (local.get $end)))))

  (func $make (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else
        (local.set $d (i32.sub (local.get $d) (i32.const 1)))
        (struct.new $node (call $make (local.get $d)) (call $make (local.get $d))))))

  (func $check (param $t (ref $node)) (result i32)
    (local $l (ref null $node))
    (local.set $l (struct.get $node $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $l))
      (then (i32.const 1))
      (else
        (i32.add
          (i32.add (i32.const 1) (call $check (ref.as_non_null (local.get $l))))
          (call $check (ref.as_non_null (struct.get $node $right (local.get $t))))))))

  ;; The node count of a full tree of depth d.
  (func $nodes (param $d i32) (result i32)
    (i32.sub (i32.shl (i32.const 2) (local.get $d)) (i32.const 1)))

  (func $expect (param $got i32) (param $want i32)
    (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))

  (func (export "_start")
    (local $long (ref null $node)) (local $d i32) (local $iters i32) (local $i i32)
    (local $check i32) (local $c i32) (local $total i64)
    ;; stretch tree
    (local.set $c (call $check (call $make (i32.add (global.get $max_depth) (i32.const 1)))))
    (call $expect (local.get $c) (call $nodes (i32.add (global.get $max_depth) (i32.const 1))))
    (local.set $total (i64.extend_i32_u (local.get $c)))
    (local.set $long (call $make (global.get $max_depth)))
    (local.set $d (i32.const 4))
    (block $depths_done
      (loop $depths
        (br_if $depths_done (i32.gt_s (local.get $d) (global.get $max_depth)))
        (local.set $iters (i32.shl (i32.const 1) (i32.add (i32.sub (global.get $max_depth) (local.get $d)) (i32.const 4))))
        (local.set $check (i32.const 0))
        (local.set $i (i32.const 0))
        (loop $trees
          (local.set $check (i32.add (local.get $check) (call $check (call $make (local.get $d)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $trees (i32.lt_u (local.get $i) (local.get $iters))))
        (call $expect (local.get $check) (i32.mul (local.get $iters) (call $nodes (local.get $d))))
        (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (local.get $check))))
        (local.set $d (i32.add (local.get $d) (i32.const 2)))
        (br $depths)))
    (local.set $c (call $check (ref.as_non_null (local.get $long))))
    (call $expect (local.get $c) (call $nodes (global.get $max_depth)))
    (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (local.get $c))))
    (call $print (local.get $total))
    (if (i64.ne (local.get $total) (global.get $expected)) (then unreachable)))
)
