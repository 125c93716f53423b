;; br to a label depth deeper than the enclosing blocks.
;; expect-error: unknown label
(module
  (func (block (br 5))))
