;; Array-heavy work on the Wasm GC heap (issue 18), in four parts, each folded into one checksum:
;; - a sieve of Eratosthenes over an i8 array (array.new_default, array.fill, array.set, array.get_u),
;;   SIEVE_REPS times on a fresh array;
;; - matrix products on f64 arrays of rows (an array of non-null references to f64 arrays): B's rows
;;   are array.copy'd out of one long row, transposed by array.get/array.set, and each of MAT_ITERS
;;   products C = A * B becomes the next A (C mod 64); entries are small integers, so every sum is exact;
;; - a bottom-up merge sort of an i32 array (two buffers, the tail of each run array.copy'd), twice;
;; - a binary insertion sort of an i32 array that shifts with overlapping array.copy.
;; Each sorted array is checked in order. The printed checksum must be the constant below (from `models/arrays.c`, a model of
;; the same steps outside Wasm), or the
;; module traps.
(module
  (type $bytes (array (mut i8)))
  (type $ints (array (mut i32)))
  (type $f64s (array (mut f64)))
  (type $rows (array (mut (ref $f64s))))

  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "arrays ")

  (global $sieve_n i32 (i32.const 4000000))
  (global $sieve_reps i32 (i32.const 16))
  (global $mat_n i32 (i32.const 200))
  (global $mat_iters i32 (i32.const 16))
  (global $sort_n i32 (i32.const 1000000))
  (global $insert_n i32 (i32.const 20000))
  (global $expected i64 (i64.const 310852638037180314))
  (global $seed (mut i64) (i64.const 0x9E3779B97F4A7C15))

  (func $print (param $v i64)
    (local $p i32) (local $end i32)
    (local.set $p (i32.const 127))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (local.set $p (i32.sub (local.get $p) (i32.const 7)))
    (memory.copy (local.get $p) (i32.const 16) (i32.const 7))
    (local.set $end (i32.const 128))
    (loop $write
      (i32.store (i32.const 0) (local.get $p))
      (i32.store (i32.const 4) (i32.sub (local.get $end) (local.get $p)))
      (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then unreachable))
      (local.set $p (i32.add (local.get $p) (i32.load (i32.const 8))))
      (br_if $write (i32.lt_u (local.get $p) (local.get $end)))))

  (func $random (result i32)
    (global.set $seed
      (i64.add (i64.mul (global.get $seed) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
    (i32.wrap_i64 (i64.shr_u (global.get $seed) (i64.const 33))))

  (func $mix (param $acc i64) (param $v i64) (result i64)
    (i64.xor (i64.mul (local.get $acc) (i64.const 1000003)) (local.get $v)))

  ;; ---- sieve: the number of primes below the array's length

  (func $sieve (param $a (ref $bytes)) (result i32)
    (local $n i32) (local $i i32) (local $j i32) (local $count i32)
    (local.set $n (array.len (local.get $a)))
    (array.fill $bytes (local.get $a) (i32.const 0) (i32.const 1) (local.get $n))
    (array.set $bytes (local.get $a) (i32.const 0) (i32.const 0))
    (array.set $bytes (local.get $a) (i32.const 1) (i32.const 0))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (array.get_u $bytes (local.get $a) (local.get $i))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $struck
              (loop $strike
                (br_if $struck (i32.ge_u (local.get $j) (local.get $n)))
                (array.set $bytes (local.get $a) (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $strike)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.set $i (i32.const 0))
    (loop $count
      (local.set $count (i32.add (local.get $count) (array.get_u $bytes (local.get $a) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $count (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $count))

  ;; ---- matrices: n x n, an array of row arrays

  (func $matrix (param $n i32) (result (ref $rows))
    (local $m (ref $rows)) (local $i i32)
    (local.set $m (array.new $rows (array.new_default $f64s (local.get $n)) (local.get $n)))
    (local.set $i (i32.const 1))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (array.set $rows (local.get $m) (local.get $i) (array.new_default $f64s (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (local.get $m))

  ;; Returns the sum of the entries of C = A * B (bt: B transposed); C's entries become C mod 64.
  (func $multiply (param $a (ref $rows)) (param $bt (ref $rows)) (param $c (ref $rows)) (result f64)
    (local $n i32) (local $i i32) (local $j i32) (local $k i32)
    (local $ar (ref $f64s)) (local $br (ref $f64s)) (local $cr (ref $f64s)) (local $s f64) (local $total f64)
    (local.set $n (array.len (local.get $a)))
    (loop $rows_i
      (local.set $ar (array.get $rows (local.get $a) (local.get $i)))
      (local.set $cr (array.get $rows (local.get $c) (local.get $i)))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $br (array.get $rows (local.get $bt) (local.get $j)))
        (local.set $s (f64.const 0))
        (local.set $k (i32.const 0))
        (loop $dot
          (local.set $s
            (f64.add (local.get $s)
              (f64.mul (array.get $f64s (local.get $ar) (local.get $k)) (array.get $f64s (local.get $br) (local.get $k)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $dot (i32.lt_u (local.get $k) (local.get $n))))
        (local.set $total (f64.add (local.get $total) (local.get $s)))
        (array.set $f64s (local.get $cr) (local.get $j)
          (f64.sub (local.get $s) (f64.mul (f64.const 64) (f64.floor (f64.div (local.get $s) (f64.const 64))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows_i (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $total))

  (func $matrices (param $acc i64) (result i64)
    (local $n i32) (local $a (ref $rows)) (local $b (ref $rows)) (local $bt (ref $rows)) (local $c (ref $rows))
    (local $base (ref $f64s)) (local $i i32) (local $j i32) (local $it i32) (local $row (ref $f64s))
    (local.set $n (global.get $mat_n))
    (local.set $a (call $matrix (local.get $n)))
    (loop $ai
      (local.set $row (array.get $rows (local.get $a) (local.get $i)))
      (local.set $j (i32.const 0))
      (loop $aj
        (array.set $f64s (local.get $row) (local.get $j)
          (f64.convert_i32_u
            (i32.rem_u (i32.add (i32.mul (local.get $i) (i32.const 31)) (i32.mul (local.get $j) (i32.const 17)))
              (i32.const 64))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $aj (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $ai (i32.lt_u (local.get $i) (local.get $n))))
    ;; base[k] = (7k^2 + 3) mod 8; B's row i = base[(13 i) mod n ..][..n]
    (local.set $base (array.new_default $f64s (i32.shl (local.get $n) (i32.const 1))))
    (local.set $i (i32.const 0))
    (loop $bk
      (array.set $f64s (local.get $base) (local.get $i)
        (f64.convert_i32_u
          (i32.and (i32.add (i32.mul (i32.mul (local.get $i) (local.get $i)) (i32.const 7)) (i32.const 3)) (i32.const 7))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bk (i32.lt_u (local.get $i) (array.len (local.get $base)))))
    (local.set $b (call $matrix (local.get $n)))
    (local.set $i (i32.const 0))
    (loop $bi
      (array.copy $f64s $f64s (array.get $rows (local.get $b) (local.get $i)) (i32.const 0)
        (local.get $base) (i32.rem_u (i32.mul (local.get $i) (i32.const 13)) (local.get $n)) (local.get $n))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bi (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $bt (call $matrix (local.get $n)))
    (local.set $i (i32.const 0))
    (loop $ti
      (local.set $row (array.get $rows (local.get $b) (local.get $i)))
      (local.set $j (i32.const 0))
      (loop $tj
        (array.set $f64s (array.get $rows (local.get $bt) (local.get $j)) (local.get $i)
          (array.get $f64s (local.get $row) (local.get $j)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $tj (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $ti (i32.lt_u (local.get $i) (local.get $n))))
    (loop $iter
      (local.set $c (call $matrix (local.get $n)))
      (local.set $acc
        (call $mix (local.get $acc)
          (i64.trunc_f64_s (call $multiply (local.get $a) (local.get $bt) (local.get $c)))))
      (local.set $a (local.get $c))
      (local.set $it (i32.add (local.get $it) (i32.const 1)))
      (br_if $iter (i32.lt_u (local.get $it) (global.get $mat_iters))))
    (local.get $acc))

  ;; ---- sorting

  (func $random_ints (param $n i32) (result (ref $ints))
    (local $a (ref $ints)) (local $i i32)
    (local.set $a (array.new_default $ints (local.get $n)))
    (loop $fill
      (array.set $ints (local.get $a) (local.get $i) (call $random))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $a))

  ;; Traps unless a is in ascending order; returns its hash.
  (func $sorted_hash (param $a (ref $ints)) (result i64)
    (local $i i32) (local $h i64) (local $prev i32) (local $v i32)
    (local.set $prev (i32.const -2147483648))
    (loop $walk
      (local.set $v (array.get $ints (local.get $a) (local.get $i)))
      (if (i32.lt_s (local.get $v) (local.get $prev)) (then unreachable))
      (local.set $prev (local.get $v))
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31)) (i64.extend_i32_u (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $walk (i32.lt_u (local.get $i) (array.len (local.get $a)))))
    (local.get $h))

  ;; Merges src[lo, mid) and src[mid, hi) into dst[lo, hi).
  (func $merge (param $src (ref $ints)) (param $dst (ref $ints)) (param $lo i32) (param $mid i32) (param $hi i32)
    (local $i i32) (local $j i32) (local $k i32) (local $x i32) (local $y i32)
    (local.set $i (local.get $lo))
    (local.set $j (local.get $mid))
    (local.set $k (local.get $lo))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $mid)))
        (br_if $done (i32.ge_u (local.get $j) (local.get $hi)))
        (local.set $x (array.get $ints (local.get $src) (local.get $i)))
        (local.set $y (array.get $ints (local.get $src) (local.get $j)))
        (if (i32.le_s (local.get $x) (local.get $y))
          (then
            (array.set $ints (local.get $dst) (local.get $k) (local.get $x))
            (local.set $i (i32.add (local.get $i) (i32.const 1))))
          (else
            (array.set $ints (local.get $dst) (local.get $k) (local.get $y))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $step)))
    (array.copy $ints $ints (local.get $dst) (local.get $k) (local.get $src) (local.get $i)
      (i32.sub (local.get $mid) (local.get $i)))
    (array.copy $ints $ints (local.get $dst) (i32.add (local.get $k) (i32.sub (local.get $mid) (local.get $i)))
      (local.get $src) (local.get $j) (i32.sub (local.get $hi) (local.get $j))))

  (func $merge_sort (param $a (ref $ints)) (result (ref $ints))
    (local $n i32) (local $tmp (ref $ints)) (local $swap (ref $ints)) (local $w i32) (local $lo i32)
    (local $mid i32) (local $hi i32)
    (local.set $n (array.len (local.get $a)))
    (local.set $tmp (array.new_default $ints (local.get $n)))
    (local.set $w (i32.const 1))
    (block $sorted
      (loop $pass
        (br_if $sorted (i32.ge_u (local.get $w) (local.get $n)))
        (local.set $lo (i32.const 0))
        (block $pass_done
          (loop $runs
            (br_if $pass_done (i32.ge_u (local.get $lo) (local.get $n)))
            (local.set $mid (i32.add (local.get $lo) (local.get $w)))
            (if (i32.gt_u (local.get $mid) (local.get $n)) (then (local.set $mid (local.get $n))))
            (local.set $hi (i32.add (local.get $mid) (local.get $w)))
            (if (i32.gt_u (local.get $hi) (local.get $n)) (then (local.set $hi (local.get $n))))
            (call $merge (local.get $a) (local.get $tmp) (local.get $lo) (local.get $mid) (local.get $hi))
            (local.set $lo (local.get $hi))
            (br $runs)))
        (local.set $swap (local.get $a))
        (local.set $a (local.get $tmp))
        (local.set $tmp (local.get $swap))
        (local.set $w (i32.shl (local.get $w) (i32.const 1)))
        (br $pass)))
    (local.get $a))

  ;; Sorts in place: each element goes after the sorted prefix's last element not above it, the
  ;; tail of the prefix moving up by one with an overlapping array.copy.
  (func $insertion_sort (param $a (ref $ints))
    (local $i i32) (local $x i32) (local $lo i32) (local $hi i32) (local $mid i32)
    (local.set $i (i32.const 1))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
        (local.set $x (array.get $ints (local.get $a) (local.get $i)))
        (local.set $lo (i32.const 0))
        (local.set $hi (local.get $i))
        (block $found
          (loop $search
            (br_if $found (i32.ge_u (local.get $lo) (local.get $hi)))
            (local.set $mid (i32.shr_u (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
            (if (i32.le_s (array.get $ints (local.get $a) (local.get $mid)) (local.get $x))
              (then (local.set $lo (i32.add (local.get $mid) (i32.const 1))))
              (else (local.set $hi (local.get $mid))))
            (br $search)))
        (array.copy $ints $ints (local.get $a) (i32.add (local.get $lo) (i32.const 1))
          (local.get $a) (local.get $lo) (i32.sub (local.get $i) (local.get $lo)))
        (array.set $ints (local.get $a) (local.get $lo) (local.get $x))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each))))

  (func (export "_start")
    (local $acc i64) (local $r i32) (local $weights (ref $ints)) (local $a (ref $ints))
    (local.set $weights (array.new_fixed $ints 3 (i32.const 1) (i32.const 3) (i32.const 7)))
    (loop $sieves
      (local.set $acc
        (call $mix (local.get $acc)
          (i64.extend_i32_u
            (i32.add (local.get $r)
              (call $sieve (array.new_default $bytes (i32.sub (global.get $sieve_n) (local.get $r))))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $sieves (i32.lt_u (local.get $r) (global.get $sieve_reps))))
    (local.set $acc (call $matrices (local.get $acc)))
    (local.set $r (i32.const 0))
    (loop $sorts
      (local.set $a (call $merge_sort (call $random_ints
        (i32.mul (global.get $sort_n) (array.get $ints (local.get $weights) (local.get $r))))))
      (local.set $acc (call $mix (local.get $acc) (call $sorted_hash (local.get $a))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $sorts (i32.lt_u (local.get $r) (i32.const 2))))
    (local.set $a (call $random_ints (global.get $insert_n)))
    (call $insertion_sort (local.get $a))
    (local.set $acc (call $mix (local.get $acc) (call $sorted_hash (local.get $a))))
    (local.set $acc (call $mix (local.get $acc) (i64.extend_i32_u (array.len (local.get $weights)))))
    (call $print (local.get $acc))
    (if (i64.ne (local.get $acc) (global.get $expected)) (then unreachable)))
)
