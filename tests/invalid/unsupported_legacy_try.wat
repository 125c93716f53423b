;; The legacy exception instructions validate but are not translated.
;; expect-error: unsupported: instruction `Try` (legacy exception handling) in function 0
(module
  (tag $t)
  (func (result i32)
    try (result i32)
      i32.const 1
    catch $t
      i32.const 2
    end))
