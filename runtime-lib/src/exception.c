/* Wasm exception handling: per-activation handler stacks and throwing.
 *
 * A `try_table` in generated code owns a w2n_handler in its frame: it pushes the handler on
 * `w2n_handler_top` (inline), sets its landing point (`w2n_setjmp` below on x86-64, libc's
 * `_setjmp` elsewhere), and pops it when control leaves the block normally or by a branch. A throw
 * pops the innermost handler and jumps to its landing point with the exception; the generated
 * dispatch code then matches the catch clauses and rethrows when none matches. Handlers never
 * cross an activation (a host->Wasm entry, which starts with no handler and restores the outer
 * activation's top when it ends, trap.c): an exception with no handler left ends the activation
 * as W2N_TRAP_UNCAUGHT_EXCEPTION, and a trap discards the activation's handlers with it. */
#include "internal.h"

#include <setjmp.h>

_Static_assert(sizeof(jmp_buf) <= sizeof(((w2n_handler *)0)->jmp), "w2n_handler.jmp too small for jmp_buf");

_Thread_local w2n_handler *w2n_handler_top;

#if defined(__x86_64__)
/* The landing point of a handler on x86-64: what a throw needs to resume in the handler's frame,
 * and no more. libc's `_setjmp` also mangles the saved pointers and records that no signal mask
 * was saved, in a second call: at every try region of a C++ program that showed (1.7 % of yosys's
 * samples). Saved: the callee-saved registers, the stack pointer after our return, the return
 * address; MXCSR and the x87 control word are not (as with libc's). */
__attribute__((naked)) int32_t w2n_setjmp(uint64_t *jmp __attribute__((unused))) {
  __asm__("movq %rbx, 0(%rdi)\n\t"
          "movq %rbp, 8(%rdi)\n\t"
          "movq %r12, 16(%rdi)\n\t"
          "movq %r13, 24(%rdi)\n\t"
          "movq %r14, 32(%rdi)\n\t"
          "movq %r15, 40(%rdi)\n\t"
          "leaq 8(%rsp), %rdx\n\t"
          "movq %rdx, 48(%rdi)\n\t"
          "movq (%rsp), %rdx\n\t"
          "movq %rdx, 56(%rdi)\n\t"
          "xorl %eax, %eax\n\t"
          "ret");
}

/* Resumes at `w2n_setjmp`'s return with 1. */
__attribute__((naked, noreturn)) static void land(uint64_t *jmp __attribute__((unused))) {
  __asm__("movq 0(%rdi), %rbx\n\t"
          "movq 8(%rdi), %rbp\n\t"
          "movq 16(%rdi), %r12\n\t"
          "movq 24(%rdi), %r13\n\t"
          "movq 32(%rdi), %r14\n\t"
          "movq 40(%rdi), %r15\n\t"
          "movq 48(%rdi), %rsp\n\t"
          "movl $1, %eax\n\t"
          "jmpq *56(%rdi)");
}
#else
/* Elsewhere generated code calls libc's `_setjmp`. */
static _Noreturn void land(uint64_t *jmp) { longjmp(*(jmp_buf *)(void *)jmp, 1); }
#endif

/* An exception is a GC object of ctx's store (an exnref is a reference like any other): its rtt,
 * padding to keep the payload's v128 values 16-byte aligned, then the w2n_exception. */
w2n_exception *w2n_exception_new(w2n_instance *ctx, w2n_tag *tag, uint32_t num_values) {
  uint64_t bytes = 16 + sizeof(w2n_exception) + (uint64_t)num_values * sizeof(w2n_value);
  w2n_exception *e = (w2n_exception *)((char *)w2n__gc_alloc(ctx, &w2n__gc_exception_rtt, bytes) + 16);
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
  land(h->jmp);
}
