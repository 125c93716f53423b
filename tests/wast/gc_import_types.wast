;; Imports of globals and tables whose types are concrete struct and array types match by canonical
;; type, not by kind: a struct of other fields is unlinkable (before, both were coded "a struct", so
;; the import linked, and reading the global's fields read another type's layout). Immutable
;; globals accept declared subtypes; mutable globals and tables need the exact type.
(module $a
  (type $p (struct (field i32)))
  (type $q (struct (field f64) (field f64)))
  (type $base (sub (struct (field i32))))
  (type $derived (sub $base (struct (field i32) (field i64))))
  (type $bytes (array (mut i8)))
  (global (export "p") (ref null $p) (ref.null $p))
  (global (export "q") (ref null $q) (struct.new $q (f64.const 1) (f64.const 2)))
  (global (export "derived") (ref $derived) (struct.new $derived (i32.const 7) (i64.const 8)))
  (global (export "mut_derived") (mut (ref null $derived)) (ref.null $derived))
  (global (export "bytes") (ref null $bytes) (array.new_default $bytes (i32.const 3)))
  (table (export "tq") 1 (ref null $q)))
(register "a" $a)

(assert_unlinkable
  (module (type $p (struct (field i32))) (import "a" "q" (global (ref null $p))))
  "incompatible import type")
(assert_unlinkable
  (module (type $p (struct (field i32))) (import "a" "tq" (table 1 (ref null $p))))
  "incompatible import type")
(assert_unlinkable
  (module (type $other (array (mut i16))) (import "a" "bytes" (global (ref null $other))))
  "incompatible import type")
(assert_unlinkable
  (module (import "a" "q" (global arrayref)))
  "incompatible import type")
(assert_unlinkable
  (module
    (type $base (sub (struct (field i32))))
    (import "a" "mut_derived" (global (mut (ref null $base)))))
  "incompatible import type")

(module
  (type $q (struct (field f64) (field f64)))
  (type $base (sub (struct (field i32))))
  (type $bytes (array (mut i8)))
  (import "a" "q" (global $q (ref null $q)))
  (import "a" "tq" (table 1 (ref null $q)))
  (import "a" "derived" (global $d (ref $base)))
  (import "a" "bytes" (global $b (ref null $bytes)))
  (import "a" "q" (global $s structref))
  (import "a" "bytes" (global $e eqref))
  (func (export "sum") (result f64)
    (f64.add (struct.get $q 0 (global.get $q)) (struct.get $q 1 (global.get $q))))
  (func (export "base_field") (result i32) (struct.get $base 0 (global.get $d)))
  (func (export "len") (result i32) (array.len (global.get $b))))
(assert_return (invoke "sum") (f64.const 3))
(assert_return (invoke "base_field") (i32.const 7))
(assert_return (invoke "len") (i32.const 3))
