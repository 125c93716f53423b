;; Linked lists on the Wasm GC heap (issue 18). Each of ROUNDS rounds builds a list of N cells
;; (an i64 payload from a 64-bit LCG, and a mutable next reference) by prepending, sums it,
;; reverses it in place, hashes it in order, maps it to a new list (payload * 3 + round, order
;; kept, appended at a tail), merge-sorts that copy by relinking (top-down, no allocation), checks
;; it is sorted and hashes it; then both lists are dropped. A list of every round's sorted hash is
;; kept alive throughout. The printed checksum must be the constant below (from `models/linked_list.py`, a model of
;; the same steps outside Wasm), or the module traps.
(module
  (type $cell (struct (field $val i64) (field $next (mut (ref null $cell)))))

  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "linked_list ")

  (global $n i32 (i32.const 200000))
  (global $rounds i32 (i32.const 20))
  (global $expected i64 (i64.const -4497007251662701580))
  (global $seed (mut i64) (i64.const 0x2545F4914F6CDD1D))

  (func $print (param $v i64)
    (local $p i32) (local $end i32)
    (local.set $p (i32.const 127))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (local.set $p (i32.sub (local.get $p) (i32.const 12)))
    (memory.copy (local.get $p) (i32.const 16) (i32.const 12))
    (local.set $end (i32.const 128))
    (loop $write
      (i32.store (i32.const 0) (local.get $p))
      (i32.store (i32.const 4) (i32.sub (local.get $end) (local.get $p)))
      (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then unreachable))
      (local.set $p (i32.add (local.get $p) (i32.load (i32.const 8))))
      (br_if $write (i32.lt_u (local.get $p) (local.get $end)))))

  ;; The next 31-bit pseudo-random payload.
  (func $random (result i64)
    (global.set $seed
      (i64.add (i64.mul (global.get $seed) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
    (i64.shr_u (global.get $seed) (i64.const 33)))

  (func $build (param $n i32) (result (ref null $cell))
    (local $head (ref null $cell))
    (loop $more
      (local.set $head (struct.new $cell (call $random) (local.get $head)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $more (local.get $n)))
    (local.get $head))

  (func $sum (param $l (ref null $cell)) (result i64)
    (local $s i64)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i64.add (local.get $s) (struct.get $cell $val (local.get $l))))
        (local.set $l (struct.get $cell $next (local.get $l)))
        (br $walk)))
    (local.get $s))

  (func $hash (param $l (ref null $cell)) (result i64)
    (local $h i64)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31)) (struct.get $cell $val (local.get $l))))
        (local.set $l (struct.get $cell $next (local.get $l)))
        (br $walk)))
    (local.get $h))

  (func $reverse (param $l (ref null $cell)) (result (ref null $cell))
    (local $prev (ref null $cell)) (local $next (ref null $cell))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $next (struct.get $cell $next (local.get $l)))
        (struct.set $cell $next (local.get $l) (local.get $prev))
        (local.set $prev (local.get $l))
        (local.set $l (local.get $next))
        (br $walk)))
    (local.get $prev))

  ;; A new list, payload * 3 + k, in the same order (a non-empty input).
  (func $map (param $l (ref null $cell)) (param $k i64) (result (ref $cell))
    (local $head (ref $cell)) (local $tail (ref $cell)) (local $c (ref $cell))
    (local.set $head
      (struct.new $cell
        (i64.add (i64.mul (struct.get $cell $val (local.get $l)) (i64.const 3)) (local.get $k))
        (ref.null $cell)))
    (local.set $tail (local.get $head))
    (local.set $l (struct.get $cell $next (local.get $l)))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $c
          (struct.new $cell
            (i64.add (i64.mul (struct.get $cell $val (local.get $l)) (i64.const 3)) (local.get $k))
            (ref.null $cell)))
        (struct.set $cell $next (local.get $tail) (local.get $c))
        (local.set $tail (local.get $c))
        (local.set $l (struct.get $cell $next (local.get $l)))
        (br $walk)))
    (local.get $head))

  (func $merge (param $a (ref null $cell)) (param $b (ref null $cell)) (result (ref null $cell))
    (local $head (ref null $cell)) (local $tail (ref null $cell))
    (if (ref.is_null (local.get $a)) (then (return (local.get $b))))
    (if (ref.is_null (local.get $b)) (then (return (local.get $a))))
    (if (i64.le_s (struct.get $cell $val (local.get $a)) (struct.get $cell $val (local.get $b)))
      (then (local.set $head (local.get $a)) (local.set $a (struct.get $cell $next (local.get $a))))
      (else (local.set $head (local.get $b)) (local.set $b (struct.get $cell $next (local.get $b)))))
    (local.set $tail (local.get $head))
    (block $done
      (loop $step
        (br_if $done (ref.is_null (local.get $a)))
        (br_if $done (ref.is_null (local.get $b)))
        (if (i64.le_s (struct.get $cell $val (local.get $a)) (struct.get $cell $val (local.get $b)))
          (then
            (struct.set $cell $next (local.get $tail) (local.get $a))
            (local.set $tail (local.get $a))
            (local.set $a (struct.get $cell $next (local.get $a))))
          (else
            (struct.set $cell $next (local.get $tail) (local.get $b))
            (local.set $tail (local.get $b))
            (local.set $b (struct.get $cell $next (local.get $b)))))
        (br $step)))
    (struct.set $cell $next (local.get $tail)
      (if (result (ref null $cell)) (ref.is_null (local.get $a)) (then (local.get $b)) (else (local.get $a))))
    (local.get $head))

  ;; Sorts the list of n cells starting at l.
  (func $sort (param $l (ref null $cell)) (param $n i32) (result (ref null $cell))
    (local $half i32) (local $p (ref null $cell)) (local $second (ref null $cell)) (local $i i32)
    (if (i32.le_u (local.get $n) (i32.const 1)) (then (return (local.get $l))))
    (local.set $half (i32.shr_u (local.get $n) (i32.const 1)))
    (local.set $p (local.get $l))
    (local.set $i (i32.const 1))
    (block $found
      (loop $walk
        (br_if $found (i32.ge_u (local.get $i) (local.get $half)))
        (local.set $p (struct.get $cell $next (local.get $p)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $walk)))
    (local.set $second (struct.get $cell $next (local.get $p)))
    (struct.set $cell $next (local.get $p) (ref.null $cell))
    (call $merge
      (call $sort (local.get $l) (local.get $half))
      (call $sort (local.get $second) (i32.sub (local.get $n) (local.get $half)))))

  ;; Traps unless the list is in ascending order and has n cells.
  (func $check_sorted (param $l (ref null $cell)) (param $n i32)
    (local $next (ref null $cell))
    (loop $walk
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (local.set $next (struct.get $cell $next (local.get $l)))
      (if (i32.eqz (ref.is_null (local.get $next)))
        (then
          (if (i64.gt_s (struct.get $cell $val (local.get $l)) (struct.get $cell $val (local.get $next)))
            (then unreachable))
          (local.set $l (local.get $next))
          (br $walk))))
    (if (local.get $n) (then unreachable)))

  (func $mix (param $acc i64) (param $v i64) (result i64)
    (i64.xor (i64.mul (local.get $acc) (i64.const 1000003)) (local.get $v)))

  (func (export "_start")
    (local $r i32) (local $l (ref null $cell)) (local $m (ref null $cell)) (local $acc i64)
    (local $kept (ref null $cell)) (local $h i64)
    (loop $round
      (local.set $l (call $build (global.get $n)))
      (local.set $acc (call $mix (local.get $acc) (call $sum (local.get $l))))
      (local.set $l (call $reverse (local.get $l)))
      (local.set $acc (call $mix (local.get $acc) (call $hash (local.get $l))))
      (local.set $m (call $map (local.get $l) (i64.extend_i32_u (local.get $r))))
      (local.set $m (call $sort (local.get $m) (global.get $n)))
      (call $check_sorted (local.get $m) (global.get $n))
      (local.set $h (call $hash (local.get $m)))
      (local.set $acc (call $mix (local.get $acc) (local.get $h)))
      (local.set $kept (struct.new $cell (local.get $h) (local.get $kept)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (global.get $rounds))))
    (local.set $acc (call $mix (local.get $acc) (call $sum (local.get $kept))))
    (call $print (local.get $acc))
    (if (i64.ne (local.get $acc) (global.get $expected)) (then unreachable)))
)
