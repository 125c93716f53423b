;; GC instructions on abstract reference types validate but are not translated.
;; expect-error: unsupported: instruction `RefEq` (GC proposal) in function 0
(module
  (func (param eqref eqref) (result i32)
    (ref.eq (local.get 0) (local.get 1))))
