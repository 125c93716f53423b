;; A br_on_cast that branches ends the piece it is in: the 20 drops after it, never run, are never
;; charged (they were, 20,000 fuel more, before br_on_cast ended pieces). The fuel is the exact
;; cost: fuel_br_on_cast_one_short.wat has one less.
;; run: -W fuel=10002
;; expect-exit: 0
(module
  (type $s (struct))
  (func (export "_start") (local $i i32) (local $r anyref)
    (local.set $r (struct.new $s))
    (loop $l
      (block $hit (result anyref)
        (br_on_cast $hit anyref (ref $s) (local.get $r))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop (i32.const 7))
        (drop)
        (ref.null any))
      (drop)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))))
