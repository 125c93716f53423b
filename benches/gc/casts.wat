;; Cast-heavy work on the Wasm GC heap (issue 18). Expressions are trees of structs in one subtype
;; hierarchy (one rec group, so that the look-alike operator types stay distinct):
;;   $expr -- $lit (i64) | $var (index) | $unary -- $neg | $not
;;                                      | $binary -- $add | $mul | $sub | $xor
;; Each of ROUNDS rounds generates a random tree (a 64-bit LCG), simplifies it into a new tree
;; (constant folding, double negations), counts both (br_on_cast_fail), and evaluates EVALS times
;; over a changing environment: the original with a br_on_cast dispatch, the simplified one with
;; ref.test/ref.cast; the two must agree. Then an anyref array of i31 values, boxed $lit structs and
;; nulls is summed and rewritten PASSES times (br_on_cast to i31 and to $lit; ref.i31 wraps to 31
;; bits). The printed checksum must be the constant below (from `models/casts.c`, a model of
;; the same steps outside Wasm), or the module traps.
(module
  (rec
    (type $expr (sub (struct)))
    (type $lit (sub final $expr (struct (field $v i64))))
    (type $var (sub final $expr (struct (field $i i32))))
    (type $unary (sub $expr (struct (field $a (ref $expr)))))
    (type $neg (sub final $unary (struct (field $a (ref $expr)))))
    (type $not (sub final $unary (struct (field $a (ref $expr)))))
    (type $binary (sub $expr (struct (field $a (ref $expr)) (field $b (ref $expr)))))
    (type $add (sub final $binary (struct (field $a (ref $expr)) (field $b (ref $expr)))))
    (type $mul (sub final $binary (struct (field $a (ref $expr)) (field $b (ref $expr)))))
    (type $sub (sub final $binary (struct (field $a (ref $expr)) (field $b (ref $expr)))))
    (type $xor (sub final $binary (struct (field $a (ref $expr)) (field $b (ref $expr))))))
  (type $i64s (array (mut i64)))
  (type $anys (array (mut anyref)))

  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "casts ")

  (global $rounds i32 (i32.const 200))
  (global $depth i32 (i32.const 20))
  (global $evals i32 (i32.const 20))
  (global $slots i32 (i32.const 10000))
  (global $passes i32 (i32.const 500))
  (global $expected i64 (i64.const -4327753469155759874))
  (global $seed (mut i64) (i64.const 0x6A09E667F3BCC909))
  (global $env (ref $i64s) (array.new_default $i64s (i32.const 16)))

  (func $print (param $v i64)
    (local $p i32) (local $end i32)
    (local.set $p (i32.const 127))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (local.set $p (i32.sub (local.get $p) (i32.const 6)))
    (memory.copy (local.get $p) (i32.const 16) (i32.const 6))
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

  ;; A random tree of depth at most d: a leaf one time in 16 (or at depth 0), else an operator
  ;; (four binary, two unary), left operand generated first.
  (func $gen (param $d i32) (result (ref $expr))
    (local $r i32) (local $a (ref $expr))
    (local.set $r (call $random))
    (if (i32.or (i32.eqz (local.get $d)) (i32.eqz (i32.and (local.get $r) (i32.const 15))))
      (then
        (if (i32.and (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 1))
          (then (return (struct.new $lit (i64.extend_i32_u (i32.rem_u (i32.shr_u (local.get $r) (i32.const 5)) (i32.const 1000)))))))
        (return (struct.new $var (i32.and (i32.shr_u (local.get $r) (i32.const 5)) (i32.const 15))))))
    (local.set $d (i32.sub (local.get $d) (i32.const 1)))
    (local.set $a (call $gen (local.get $d)))
    (block $neg (block $not (block $add (block $mul (block $sub (block $xor
      (br_table $add $mul $sub $xor $neg $not
        (i32.rem_u (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 6))))
      (return (struct.new $xor (local.get $a) (call $gen (local.get $d)))))
      (return (struct.new $sub (local.get $a) (call $gen (local.get $d)))))
      (return (struct.new $mul (local.get $a) (call $gen (local.get $d)))))
      (return (struct.new $add (local.get $a) (call $gen (local.get $d)))))
      (return (struct.new $not (local.get $a))))
    (struct.new $neg (local.get $a)))

  ;; Evaluation by br_on_cast: the abstract classes first, then the operator.
  (func $eval (param $e (ref $expr)) (result i64)
    (local $u (ref $unary)) (local $b (ref $binary)) (local $x i64) (local $y i64)
    (block $is_lit (result (ref $lit))
      (block $is_var (result (ref $var))
        (block $is_bin (result (ref $binary))
          (block $is_un (result (ref $unary))
            (local.get $e)
            (br_on_cast $is_bin (ref $expr) (ref $binary))
            (br_on_cast $is_lit (ref $expr) (ref $lit))
            (br_on_cast $is_var (ref $expr) (ref $var))
            (br_on_cast $is_un (ref $expr) (ref $unary))
            (unreachable))
          (local.set $u)
          (local.set $x (call $eval (struct.get $unary $a (local.get $u))))
          (block $is_neg (result (ref $neg))
            (block $is_not (result (ref $not))
              (local.get $u)
              (br_on_cast $is_neg (ref $unary) (ref $neg))
              (br_on_cast $is_not (ref $unary) (ref $not))
              (unreachable))
            (drop)
            (return (i64.xor (local.get $x) (i64.const -1))))
          (drop)
          (return (i64.sub (i64.const 0) (local.get $x))))
        (local.set $b)
        (local.set $x (call $eval (struct.get $binary $a (local.get $b))))
        (local.set $y (call $eval (struct.get $binary $b (local.get $b))))
        (block $is_add (result (ref $add))
          (block $is_mul (result (ref $mul))
            (block $is_sub (result (ref $sub))
              (block $is_xor (result (ref $xor))
                (local.get $b)
                (br_on_cast $is_add (ref $binary) (ref $add))
                (br_on_cast $is_mul (ref $binary) (ref $mul))
                (br_on_cast $is_sub (ref $binary) (ref $sub))
                (br_on_cast $is_xor (ref $binary) (ref $xor))
                (unreachable))
              (drop)
              (return (i64.xor (local.get $x) (local.get $y))))
            (drop)
            (return (i64.sub (local.get $x) (local.get $y))))
          (drop)
          (return (i64.mul (local.get $x) (local.get $y))))
        (drop)
        (return (i64.add (local.get $x) (local.get $y))))
      (local.set $x (i64.extend_i32_u (struct.get $var $i)))
      (return (array.get $i64s (global.get $env) (i32.wrap_i64 (local.get $x)))))
    (struct.get $lit $v))

  ;; Evaluation by ref.test and ref.cast, the concrete types tested first.
  (func $eval2 (param $e (ref $expr)) (result i64)
    (if (ref.test (ref $add) (local.get $e))
      (then (return (i64.add
        (call $eval2 (struct.get $add $a (ref.cast (ref $add) (local.get $e))))
        (call $eval2 (struct.get $add $b (ref.cast (ref $add) (local.get $e))))))))
    (if (ref.test (ref $lit) (local.get $e))
      (then (return (struct.get $lit $v (ref.cast (ref $lit) (local.get $e))))))
    (if (ref.test (ref $var) (local.get $e))
      (then (return (array.get $i64s (global.get $env) (struct.get $var $i (ref.cast (ref $var) (local.get $e)))))))
    (if (ref.test (ref $mul) (local.get $e))
      (then (return (i64.mul
        (call $eval2 (struct.get $mul $a (ref.cast (ref $mul) (local.get $e))))
        (call $eval2 (struct.get $mul $b (ref.cast (ref $mul) (local.get $e))))))))
    (if (ref.test (ref $sub) (local.get $e))
      (then (return (i64.sub
        (call $eval2 (struct.get $sub $a (ref.cast (ref $sub) (local.get $e))))
        (call $eval2 (struct.get $sub $b (ref.cast (ref $sub) (local.get $e))))))))
    (if (ref.test (ref $xor) (local.get $e))
      (then (return (i64.xor
        (call $eval2 (struct.get $binary $a (ref.cast (ref $binary) (local.get $e))))
        (call $eval2 (struct.get $binary $b (ref.cast (ref $binary) (local.get $e))))))))
    (if (ref.test (ref $neg) (local.get $e))
      (then (return (i64.sub (i64.const 0)
        (call $eval2 (struct.get $unary $a (ref.cast (ref $unary) (local.get $e))))))))
    (i64.xor (i64.const -1) (call $eval2 (struct.get $not $a (ref.cast (ref $not) (local.get $e))))))

  ;; A new tree of the same value: operators over literals folded, -(-x) and ~(~x) taken apart,
  ;; 0 + x is x; leaves are shared with the input.
  (func $simplify (param $e (ref $expr)) (result (ref $expr))
    (local $a (ref $expr)) (local $b (ref $expr)) (local $x i64) (local $y i64)
    (if (ref.test (ref $unary) (local.get $e))
      (then
        (local.set $a (call $simplify (struct.get $unary $a (ref.cast (ref $unary) (local.get $e)))))
        (if (ref.test (ref $lit) (local.get $a))
          (then
            (local.set $x (struct.get $lit $v (ref.cast (ref $lit) (local.get $a))))
            (if (ref.test (ref $neg) (local.get $e))
              (then (return (struct.new $lit (i64.sub (i64.const 0) (local.get $x))))))
            (return (struct.new $lit (i64.xor (local.get $x) (i64.const -1))))))
        (if (ref.test (ref $neg) (local.get $e))
          (then
            (if (ref.test (ref $neg) (local.get $a))
              (then (return (struct.get $neg $a (ref.cast (ref $neg) (local.get $a))))))
            (return (struct.new $neg (local.get $a)))))
        (if (ref.test (ref $not) (local.get $a))
          (then (return (struct.get $not $a (ref.cast (ref $not) (local.get $a))))))
        (return (struct.new $not (local.get $a)))))
    (if (i32.eqz (ref.test (ref $binary) (local.get $e))) (then (return (local.get $e))))
    (local.set $a (call $simplify (struct.get $binary $a (ref.cast (ref $binary) (local.get $e)))))
    (local.set $b (call $simplify (struct.get $binary $b (ref.cast (ref $binary) (local.get $e)))))
    (if (i32.and (ref.test (ref $lit) (local.get $a)) (ref.test (ref $lit) (local.get $b)))
      (then
        (local.set $x (struct.get $lit $v (ref.cast (ref $lit) (local.get $a))))
        (local.set $y (struct.get $lit $v (ref.cast (ref $lit) (local.get $b))))
        (if (ref.test (ref $add) (local.get $e)) (then (return (struct.new $lit (i64.add (local.get $x) (local.get $y))))))
        (if (ref.test (ref $mul) (local.get $e)) (then (return (struct.new $lit (i64.mul (local.get $x) (local.get $y))))))
        (if (ref.test (ref $sub) (local.get $e)) (then (return (struct.new $lit (i64.sub (local.get $x) (local.get $y))))))
        (return (struct.new $lit (i64.xor (local.get $x) (local.get $y))))))
    (if (ref.test (ref $add) (local.get $e))
      (then
        (if (ref.test (ref $lit) (local.get $a))
          (then
            (if (i64.eqz (struct.get $lit $v (ref.cast (ref $lit) (local.get $a))))
              (then (return (local.get $b))))))
        (return (struct.new $add (local.get $a) (local.get $b)))))
    (if (ref.test (ref $mul) (local.get $e)) (then (return (struct.new $mul (local.get $a) (local.get $b)))))
    (if (ref.test (ref $sub) (local.get $e)) (then (return (struct.new $sub (local.get $a) (local.get $b)))))
    (struct.new $xor (local.get $a) (local.get $b)))

  ;; The node count, by br_on_cast_fail.
  (func $size (param $e (ref $expr)) (result i32)
    (local $b (ref $binary))
    (block $not_binary (result (ref $expr))
      (br_on_cast_fail $not_binary (ref $expr) (ref $binary) (local.get $e))
      (local.set $b)
      (return (i32.add (i32.const 1)
        (i32.add (call $size (struct.get $binary $a (local.get $b))) (call $size (struct.get $binary $b (local.get $b)))))))
    (local.set $e)
    (block $not_unary (result (ref $expr))
      (br_on_cast_fail $not_unary (ref $expr) (ref $unary) (local.get $e))
      (struct.get $unary $a)
      (return (i32.add (call $size) (i32.const 1))))
    (drop)
    (i32.const 1))

  (func $expressions (param $acc i64) (result i64)
    (local $round i32) (local $k i32) (local $i i32) (local $tree (ref $expr)) (local $simple (ref $expr))
    (local $v i64)
    (loop $rounds
      (local.set $i (i32.const 0))
      (loop $env
        (array.set $i64s (global.get $env) (local.get $i)
          (i64.sub (i64.extend_i32_u (call $random)) (i64.const 0x40000000)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $env (i32.lt_u (local.get $i) (i32.const 16))))
      (local.set $tree (call $gen (global.get $depth)))
      (local.set $simple (call $simplify (local.get $tree)))
      (local.set $acc (call $mix (local.get $acc) (i64.extend_i32_u (call $size (local.get $tree)))))
      (local.set $acc (call $mix (local.get $acc) (i64.extend_i32_u (call $size (local.get $simple)))))
      (local.set $k (i32.const 0))
      (loop $evals
        (local.set $i (i32.and (local.get $k) (i32.const 15)))
        (array.set $i64s (global.get $env) (local.get $i)
          (i64.add (array.get $i64s (global.get $env) (local.get $i))
            (i64.mul (i64.extend_i32_u (local.get $k)) (i64.const 0x9E3779B9))))
        (local.set $v (call $eval (local.get $tree)))
        (if (i64.ne (local.get $v) (call $eval2 (local.get $simple))) (then unreachable))
        (local.set $acc (call $mix (local.get $acc) (local.get $v)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $evals (i32.lt_u (local.get $k) (global.get $evals))))
      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $round) (global.get $rounds))))
    (local.get $acc))

  ;; One slot in five a boxed $lit, one a null, the rest i31 values.
  (func $slots (param $n i32) (result (ref $anys))
    (local $a (ref $anys)) (local $i i32) (local $r i32)
    (local.set $a (array.new $anys (ref.null any) (local.get $n)))
    (loop $fill
      (local.set $r (call $random))
      (block $set
        (if (i32.eqz (i32.rem_u (local.get $r) (i32.const 5)))
          (then
            (array.set $anys (local.get $a) (local.get $i)
              (struct.new $lit (i64.mul (i64.extend_i32_u (local.get $r)) (i64.const 1000003))))
            (br $set)))
        (br_if $set (i32.eq (i32.rem_u (local.get $r) (i32.const 5)) (i32.const 1)))
        (array.set $anys (local.get $a) (local.get $i) (ref.i31 (i32.shr_u (local.get $r) (i32.const 3)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $a))

  ;; Each pass sums every slot (i31 values sign-extended, boxed values, nulls counting the pass
  ;; number) and rewrites it: an i31 v becomes v * 3 + pass (wrapped to 31 bits), a box every
  ;; eighth pass a new box of v xor pass.
  (func $i31s (param $acc i64) (result i64)
    (local $a (ref $anys)) (local $pass i32) (local $i i32) (local $sum i64) (local $v i32) (local $w i64)
    (local.set $a (call $slots (global.get $slots)))
    (loop $passes
      (local.set $i (i32.const 0))
      (local.set $sum (i64.const 0))
      (loop $each
        (block $next
          (block $is_lit (result (ref $lit))
            (block $is_i31 (result (ref i31))
              (array.get $anys (local.get $a) (local.get $i))
              (br_on_cast $is_i31 anyref (ref i31))
              (br_on_cast $is_lit anyref (ref $lit))
              (if (i32.eqz (ref.is_null)) (then unreachable))
              (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $pass))))
              (br $next))
            (local.set $v (i31.get_s))
            (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_s (local.get $v))))
            (array.set $anys (local.get $a) (local.get $i)
              (ref.i31 (i32.add (i32.mul (local.get $v) (i32.const 3)) (local.get $pass))))
            (br $next))
          (local.set $w (struct.get $lit $v))
          (local.set $sum (i64.add (local.get $sum) (local.get $w)))
          (if (i32.eqz (i32.and (local.get $pass) (i32.const 7)))
            (then
              (array.set $anys (local.get $a) (local.get $i)
                (struct.new $lit (i64.xor (local.get $w) (i64.extend_i32_u (local.get $pass))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $each (i32.lt_u (local.get $i) (array.len (local.get $a)))))
      (local.set $acc (call $mix (local.get $acc) (local.get $sum)))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passes (i32.lt_u (local.get $pass) (global.get $passes))))
    (local.get $acc))

  (func (export "_start")
    (local $acc i64)
    (local.set $acc (call $expressions (i64.const 0)))
    (local.set $acc (call $i31s (local.get $acc)))
    (call $print (local.get $acc))
    (if (i64.ne (local.get $acc) (global.get $expected)) (then unreachable)))
)
