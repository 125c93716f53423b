;; local.get of a name that no local has (rejected by the text parser).
;; expect-error: $nope
(module
  (func (param $x i32) (result i32) (local.get $nope)))
