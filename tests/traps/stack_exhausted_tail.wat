;; Unbounded recursion in tail position with no other effect: the optimiser must not turn it into
;; an endless loop (the test would time out) nor delete it.
;; expect-trap: call stack exhausted
(module
  (func $f (call $f))
  (func (export "_start") (call $f)))
