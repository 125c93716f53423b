;; Live data past the store's GC heap limit: the allocation that would pass it traps, reported as
;; the GC heap being out of memory (a list kept in a global grows until then).
;; limits: max-gc-heap=4M
;; expect-trap: GC heap out of memory
(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (global $list (mut (ref null $node)) (ref.null $node))
  (func (export "_start")
    (loop $grow
      (global.set $list (struct.new $node (i32.const 1) (global.get $list)))
      (br $grow))))
