;; An exception a legacy catch_all rethrows and delegate sends past every handler of the function
;; leaves the program (the folded legacy syntax, as in `.wat` input).
;; expect-trap: uncaught exception
(module
  (tag $e (param i32))
  (func $inner
    (try
      (do (try (do (throw $e (i32.const 1))) (delegate 1)))
      (catch_all unreachable)))
  (func (export "_start")
    (try
      (do (call $inner))
      (catch_all (rethrow 0)))))
