/* Wasm exception handling: per-activation handler stacks and throwing.
 *
 * A `try_table` in generated code owns a w2n_handler in its frame: it pushes the handler on
 * `w2n_handler_top` (inline), calls libc's `_setjmp` on it, and pops it when control leaves the
 * block normally or by a branch. A throw pops the innermost handler and longjmps to it with the
 * exception; the generated dispatch code then matches the catch clauses and rethrows when none
 * matches. Handlers never cross an activation (a host->Wasm entry, which starts with no handler and
 * restores the outer activation's top when it ends, trap.c): an exception with no handler left
 * ends the activation as W2N_TRAP_UNCAUGHT_EXCEPTION, and a trap discards the activation's
 * handlers with it. */
#include "internal.h"

#include <setjmp.h>
#include <stdlib.h>

_Static_assert(sizeof(jmp_buf) <= sizeof(((w2n_handler *)0)->jmp), "w2n_handler.jmp too small for jmp_buf");

_Thread_local w2n_handler *w2n_handler_top;

w2n_exception *w2n_exception_new(w2n_instance *ctx, w2n_tag *tag, uint32_t num_values) {
  (void)ctx;
  w2n_exception *e = calloc(1, sizeof *e + (size_t)num_values * sizeof(w2n_value));
  if (!e) w2n_trap_host("out of memory allocating an exception");
  e->tag = tag;
  e->num_values = num_values;
  return e;
}

_Noreturn void w2n_throw(w2n_instance *ctx, w2n_exception *exn) {
  (void)ctx;
  w2n_handler *h = w2n_handler_top;
  if (!h) w2n__unwind_trap(W2N_TRAP_UNCAUGHT_EXCEPTION);
  w2n_handler_top = h->prev;
  h->exn = exn;
  longjmp(*(jmp_buf *)(void *)h->jmp, 1);
}
