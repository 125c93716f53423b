;; `unreachable` reached through a call.
;; expect-trap: unreachable
(module
  (func $boom (unreachable))
  (func (export "_start") (call $boom)))
