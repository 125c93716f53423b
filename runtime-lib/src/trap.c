/*
 * trap.c — the host->Wasm boundary: w2n_call, traps and their unwinding, stack limits, the
 * SIGSEGV/SIGBUS handler (with its per-thread sigaltstack) and trap backtraces.
 *
 * Unwinding is sigsetjmp/siglongjmp: each entry into Wasm (w2n_call, an instance's init) pushes an
 * activation with a jump buffer on a thread-local list; a trap (w2n_trap, w2n_trap_host, a claimed
 * fault, proc_exit) records what happened in the innermost activation and jumps back to it. Generated
 * code holds no resources that need releasing, so skipping its frames is safe.
 *
 * Signal handler contract (the embedder can rely on it):
 *   - installed once, by w2n_runtime_init, for SIGSEGV and SIGBUS, unless W2N_NO_SIGNAL_HANDLERS is
 *     set in the environment (to anything but "" or "0");
 *   - runs on the thread's sigaltstack (every thread that enters Wasm gets one if it has none);
 *   - claims a fault only on a thread that is inside w2n_call, and only when the faulting address is
 *     in a linear-memory reservation (-> out of bounds memory access), or the faulting PC is in
 *     registered generated code, or the address is in the thread's stack guard area
 *     (-> call stack exhausted);
 *   - otherwise chains to the handler installed before it (or restores the default action and
 *     returns, so that the fault repeats and kills the process as it would have);
 *   - async-signal-safe: no allocation, no locks, no stdio; thread-local state is initial-exec TLS.
 *
 * The interrupt handler (asynchronous interruption, interrupt.c): installed with them for
 * w2n__kick_signal() (SIGRTMIN+4 on Linux, SIGURG on macOS) with SA_RESTART, unless another handler
 * already had that signal (then nothing is installed and interruption relies on entry checks alone);
 * the fault handler runs with it blocked. It unwinds as a trap "interrupt" only when the thread's
 * current activation belongs to a store with a pending interrupt and the interrupted PC is in
 * registered generated code; otherwise it returns and does nothing else.
 */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __APPLE__
#include <sys/ucontext.h> /* <ucontext.h> is the deprecated getcontext() API, refused without _XOPEN_SOURCE */
#else
#include <ucontext.h>
#endif
#include <unistd.h>

#define STACK_RESERVE_FOR_HOST (256u << 10) /* left below the Wasm stack limit for host code */
/* w2n_call on a thread the runtime did not create: Wasm may use at most this much of its stack. */
#define MAX_WASM_STACK W2N_DEFAULT_MAX_WASM_STACK
#define WASM_STACK_GUARD (64u << 10) /* guard below the stacks of w2n_run_on_stack threads */
#define WASM_STACK_SLACK (64u << 10) /* the thread's TLS and entry frames, above the Wasm part */
#define ALTSTACK_SIZE (64u << 10)
#define STACK_GUARD_SPAN (2u << 20) /* below the stack's low end: its guard area */

/* BEGIN GENERATED from compiler/src/trap.rs (traps!): do not edit by hand */
const char *w2n_trap_message(uint32_t code) {
  switch (code) {
  case W2N_TRAP_NONE: return "no trap";
  case W2N_TRAP_UNREACHABLE: return "unreachable";
  case W2N_TRAP_INT_DIV_BY_ZERO: return "integer divide by zero";
  case W2N_TRAP_INT_OVERFLOW: return "integer overflow";
  case W2N_TRAP_BAD_CONVERSION: return "invalid conversion to integer";
  case W2N_TRAP_MEMORY_OOB: return "out of bounds memory access";
  case W2N_TRAP_TABLE_OOB: return "out of bounds table access";
  case W2N_TRAP_UNDEFINED_ELEMENT: return "undefined element";
  case W2N_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
  case W2N_TRAP_INDIRECT_CALL_TYPE: return "indirect call type mismatch";
  case W2N_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
  case W2N_TRAP_NULL_REFERENCE: return "null reference";
  case W2N_TRAP_HOST: return "host trap";
  case W2N_TRAP_NULL_FUNC_REF: return "null function reference";
  case W2N_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
  case W2N_TRAP_NULL_EXN_REF: return "null exception reference";
  case W2N_TRAP_UNALIGNED_ATOMIC: return "unaligned atomic";
  case W2N_TRAP_EXPECTED_SHARED: return "expected shared memory";
  case W2N_TRAP_INTERRUPT: return "interrupt";
  case W2N_TRAP_OUT_OF_FUEL: return "all fuel consumed by WebAssembly";
  case W2N_TRAP_MEMORY_GROW_FAILED: return "memory.grow failed";
  case W2N_TRAP_TABLE_GROW_FAILED: return "table.grow failed";
  case W2N_TRAP_NULL_STRUCT_REF: return "null structure reference";
  case W2N_TRAP_NULL_ARRAY_REF: return "null array reference";
  case W2N_TRAP_NULL_I31_REF: return "null i31 reference";
  case W2N_TRAP_ARRAY_OOB: return "out of bounds array access";
  case W2N_TRAP_CAST_FAILURE: return "cast failure";
  case W2N_TRAP_GC_OOM: return "GC heap out of memory";
  case W2N_TRAP_ALLOC_TOO_LARGE: return "allocation size too large";
  default: return "unknown trap";
  }
}
/* END GENERATED */

/* ---- Per-thread state (initial-exec TLS: the signal handler must never trigger lazy TLS setup) ---- */

typedef struct w2n_thread {
  w2n_activation *current; /* innermost activation, NULL outside Wasm */
  uintptr_t stack_low, stack_high;
  size_t max_wasm_stack; /* set by w2n_run_on_stack; 0: MAX_WASM_STACK */
  int initialized;
} w2n_thread;

static _Thread_local w2n_thread tls __attribute__((tls_model("initial-exec")));

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_key_t altstack_key;
static int altstack_key_ok;
static int handlers_installed;
static struct sigaction prev_segv, prev_bus;
int w2n__async_interrupts;
static sigset_t kick_set; /* {w2n__kick_signal()} */

/* Before leaving a handler by siglongjmp (activations save no signal mask): the kick signal, blocked
 * while a handler runs, must not stay blocked. Async-signal-safe. */
static void unblock_kick(void) {
  if (w2n__async_interrupts) pthread_sigmask(SIG_UNBLOCK, &kick_set, NULL);
}

/* ---- Frame-pointer walking (generated code keeps frame pointers) ---- */

#if defined(__x86_64__) || defined(__aarch64__)
/* fp -> [saved fp][return address] */
#define FRAME_PREV(fp) (((const uintptr_t *)(fp))[0])
#define FRAME_RA(fp) (((const uintptr_t *)(fp))[1])
#define FRAME_BELOW 0u
#elif defined(__riscv) && __riscv_xlen == 64
/* fp is the CFA: [fp-16] saved fp, [fp-8] return address */
#define FRAME_PREV(fp) (((const uintptr_t *)(fp))[-2])
#define FRAME_RA(fp) (((const uintptr_t *)(fp))[-1])
#define FRAME_BELOW 16u
#else
#error "wasm2native runtime: unsupported architecture (x86-64 and aarch64 Linux or macOS, riscv64 Linux)"
#endif

/* The interrupted PC, frame pointer and stack pointer of a signal's context. */
static inline void context_regs(const ucontext_t *uc, uintptr_t *pc, uintptr_t *fp, uintptr_t *sp) {
#if defined(__APPLE__) && defined(__x86_64__)
  *pc = (uintptr_t)uc->uc_mcontext->__ss.__rip;
  *fp = (uintptr_t)uc->uc_mcontext->__ss.__rbp;
  *sp = (uintptr_t)uc->uc_mcontext->__ss.__rsp;
#elif defined(__APPLE__) && defined(__aarch64__)
  /* The SDK's accessors: plain fields on arm64, pointer-authenticated ones on arm64e. */
  *pc = (uintptr_t)__darwin_arm_thread_state64_get_pc(uc->uc_mcontext->__ss);
  *fp = (uintptr_t)__darwin_arm_thread_state64_get_fp(uc->uc_mcontext->__ss);
  *sp = (uintptr_t)__darwin_arm_thread_state64_get_sp(uc->uc_mcontext->__ss);
#elif defined(__x86_64__)
  *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  *fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
  *sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
  *pc = (uintptr_t)uc->uc_mcontext.pc;
  *fp = (uintptr_t)uc->uc_mcontext.regs[29];
  *sp = (uintptr_t)uc->uc_mcontext.sp;
#else
  *pc = (uintptr_t)uc->uc_mcontext.__gregs[REG_PC];
  *fp = (uintptr_t)uc->uc_mcontext.__gregs[REG_S0];
  *sp = (uintptr_t)uc->uc_mcontext.__gregs[REG_SP];
#endif
}

/* Collects return addresses (minus one, so that they name the calling instruction) of generated-code
 * frames, following saved frame pointers from `fp`. Reads only stack memory between `floor` and the
 * thread's stack top, so a corrupt chain stops the walk instead of faulting. `skip` host frames may
 * precede the first Wasm frame (a host function that trapped). Async-signal-safe. */
static uint32_t walk_frames(uintptr_t fp, uintptr_t floor, uintptr_t *out, uint32_t max, int skip) {
  uint32_t n = 0;
  uintptr_t high = tls.stack_high;
  while (n < max) {
    if ((fp & 7) != 0 || fp < floor + FRAME_BELOW || fp > high - 16) break;
    uintptr_t ra = FRAME_RA(fp), next = FRAME_PREV(fp);
    if (ra != 0 && w2n__in_code(ra - 1)) out[n++] = ra - 1;
    else if (n != 0 || skip-- <= 0) break;
    if (next <= fp) break;
    fp = next;
  }
  return n;
}

/* ---- Threads: stack bounds and the alternate signal stack ---- */

static void altstack_free(void *mem) {
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, NULL);
  munmap(mem, ALTSTACK_SIZE + (size_t)sysconf(_SC_PAGESIZE));
}

/* The calling thread's stack [low, high), left unset when unknown. */
static void os_thread_stack(uintptr_t *low, uintptr_t *high) {
#ifdef __APPLE__
  /* Darwin: pthread_get_stackaddr_np is the stack's high end (the stack grows down from it). */
  uintptr_t top = (uintptr_t)pthread_get_stackaddr_np(pthread_self());
  size_t size = pthread_get_stacksize_np(pthread_self());
  if (top != 0 && size != 0 && size < top) {
    *low = top - size;
    *high = top;
  }
#else
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *addr;
    size_t size;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
      *low = (uintptr_t)addr;
      *high = (uintptr_t)addr + size;
    }
    pthread_attr_destroy(&attr);
  }
#endif
}

static void thread_setup(void) {
  if (tls.initialized) return;
  os_thread_stack(&tls.stack_low, &tls.stack_high);
  if (tls.stack_high == 0) {
    /* Unknown: assume 1 MiB below the current frame and a little above it. */
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    tls.stack_low = sp - (1u << 20);
    tls.stack_high = sp + (64u << 10);
  }
  if (handlers_installed) {
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE)) {
      size_t page = (size_t)sysconf(_SC_PAGESIZE);
      size_t size = ALTSTACK_SIZE;
      uint8_t *mem = mmap(NULL, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (mem != MAP_FAILED) {
        mprotect(mem, page, PROT_NONE); /* guard below the alternate stack */
        stack_t ss;
        memset(&ss, 0, sizeof ss);
        ss.ss_sp = mem + page;
        ss.ss_size = size;
        if (sigaltstack(&ss, NULL) == 0) {
          if (altstack_key_ok) pthread_setspecific(altstack_key, mem);
        } else {
          munmap(mem, size + page);
        }
      }
    }
  }
  tls.initialized = 1;
}

/* The stack limit for an outermost entry into Wasm from here: Wasm may use `max` bytes below this
 * frame (the w2n_run_on_stack size, else MAX_WASM_STACK), and never the lowest STACK_RESERVE_FOR_HOST
 * bytes of the thread's stack, which host functions and the runtime need. */
static uintptr_t stack_limit_here(void) {
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  size_t max = tls.max_wasm_stack ? tls.max_wasm_stack : MAX_WASM_STACK;
  uintptr_t limit = tls.stack_low + STACK_RESERVE_FOR_HOST;
  if (sp > max && sp - max > limit) limit = sp - max;
  return limit;
}

/* ---- A stack of its own: w2n_run_on_stack ---- */

typedef struct stack_run {
  void (*fn)(void *);
  void *arg;
  size_t max_wasm_stack;
} stack_run;

static void *stack_thread(void *p) {
  stack_run *r = p;
  tls.max_wasm_stack = r->max_wasm_stack; /* before thread_setup: fresh thread, nothing entered yet */
  r->fn(r->arg);
  return NULL;
}

int w2n_run_on_stack(size_t max_wasm_stack, void (*fn)(void *), void *arg) {
  if (max_wasm_stack == 0) max_wasm_stack = W2N_DEFAULT_MAX_WASM_STACK;
  if (max_wasm_stack > W2N_MAX_WASM_STACK_LIMIT) return EINVAL;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  /* The Wasm part, the host's reserve below it, the thread's TLS and entry frames above it. The
   * thread library maps it with a guard area below (the fault handler's "call stack exhausted"). */
  size_t size = max_wasm_stack + STACK_RESERVE_FOR_HOST + WASM_STACK_SLACK;
  size = (size + page - 1) / page * page;
  pthread_attr_t attr;
  int rc = pthread_attr_init(&attr);
  if (rc != 0) return rc;
  rc = pthread_attr_setstacksize(&attr, size);
  if (rc == 0) rc = pthread_attr_setguardsize(&attr, WASM_STACK_GUARD);
  stack_run r = {fn, arg, max_wasm_stack};
  pthread_t thread;
  if (rc == 0) rc = pthread_create(&thread, &attr, stack_thread, &r);
  pthread_attr_destroy(&attr);
  if (rc != 0) return rc;
  return pthread_join(thread, NULL);
}

/* ---- Interrupts (interrupt.c) ---- */

/* After writing the store's stack limit: while an interrupt is pending, the limit must stay
 * UINTPTR_MAX, so that every function entry fails its check (interrupt.c). */
static void keep_interrupt(w2n_store *store) {
  if (__atomic_load_n(&store->interrupt, __ATOMIC_SEQ_CST))
    __atomic_store_n(&store->stack_limit, UINTPTR_MAX, __ATOMIC_SEQ_CST);
}

/* A failed stack check while an interrupt is pending is the interrupt. */
static uint32_t interrupt_or(const w2n_store *store, uint32_t code) {
  if (code == W2N_TRAP_STACK_EXHAUSTED && __atomic_load_n(&store->interrupt, __ATOMIC_SEQ_CST))
    return W2N_TRAP_INTERRUPT;
  return code;
}

/* ---- The signal handler ---- */

static void chain(int sig, siginfo_t *info, void *ucontext) {
  struct sigaction *prev = sig == SIGBUS ? &prev_bus : &prev_segv;
  if (prev->sa_flags & SA_SIGINFO) {
    if (prev->sa_sigaction) {
      sigset_t old;
      pthread_sigmask(SIG_BLOCK, &prev->sa_mask, &old);
      prev->sa_sigaction(sig, info, ucontext);
      pthread_sigmask(SIG_SETMASK, &old, NULL);
      return;
    }
  } else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &prev->sa_mask, &old);
    prev->sa_handler(sig);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return;
  }
  /* Default (or ignored, which cannot apply to a synchronous fault): restore the default action and
   * return; the faulting instruction runs again and the fault takes its normal course. */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
}

static void fault_handler(int sig, siginfo_t *info, void *ucontext) {
  int saved_errno = errno;
  w2n_activation *a = tls.current;
  if (a != NULL) {
    uintptr_t pc, fp, sp;
    context_regs(ucontext, &pc, &fp, &sp);
    uintptr_t addr = (uintptr_t)info->si_addr;
    int pc_in_code = w2n__in_code(pc);
    uint32_t code = W2N_TRAP_NONE;
    if (w2n__in_reservation(addr)) {
      code = W2N_TRAP_MEMORY_OOB;
    } else if (pc_in_code ||
               (tls.stack_low != 0 && addr < tls.stack_low + 65536 && addr + STACK_GUARD_SPAN >= tls.stack_low)) {
      code = W2N_TRAP_STACK_EXHAUSTED;
    }
    if (code != W2N_TRAP_NONE) {
      uint32_t n = 0;
      if (pc_in_code) a->pcs[n++] = pc;
      n += walk_frames(fp, sp, a->pcs + n, W2N_MAX_FRAMES - n, 0);
      a->num_pcs = n;
      a->trap = interrupt_or(a->store, code);
      a->kind = W2N__UNWIND_TRAP;
      unblock_kick();
      siglongjmp(a->jmp, 1);
    }
  }
  errno = saved_errno;
  chain(sig, info, ucontext);
  errno = saved_errno;
}

/* The kick signal (interrupt.c): unwinds as the trap "interrupt" when the thread runs generated code
 * of a store with a pending interrupt. A signal that arrives outside Wasm (no activation: before the
 * first or after the last), in the runtime (w2n_throw, memory.grow, bulk memory, this file's handlers
 * with it blocked), in libc, a host function or a WASI call, or while the current activation belongs
 * to another store, does nothing: the next entry check or the next signal stops the guest. */
static void interrupt_handler(int sig, siginfo_t *info, void *ucontext) {
  (void)sig;
  (void)info;
  int saved_errno = errno;
  w2n_activation *a = tls.current;
  if (a != NULL && __atomic_load_n(&a->store->interrupt, __ATOMIC_SEQ_CST)) {
    uintptr_t pc, fp, sp;
    context_regs(ucontext, &pc, &fp, &sp);
    if (w2n__in_code(pc)) {
      uint32_t n = 0;
      a->pcs[n++] = pc;
      n += walk_frames(fp, sp, a->pcs + n, W2N_MAX_FRAMES - n, 0);
      a->num_pcs = n;
      a->trap = W2N_TRAP_INTERRUPT;
      a->kind = W2N__UNWIND_TRAP;
      unblock_kick();
      siglongjmp(a->jmp, 1);
    }
  }
  errno = saved_errno;
}

static void install_interrupt_handler(void) {
  int sig = w2n__kick_signal();
  struct sigaction prev;
  if (sigaction(sig, NULL, &prev) != 0) return;
  /* An embedder's handler keeps the signal: no asynchronous interruption then. */
  if ((prev.sa_flags & SA_SIGINFO) ? prev.sa_sigaction != NULL : (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN))
    return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = interrupt_handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  if (sigaction(sig, &sa, NULL) != 0) return;
  w2n__async_interrupts = 1;
}

static void runtime_init_once(void) {
  altstack_key_ok = pthread_key_create(&altstack_key, altstack_free) == 0;
  const char *off = getenv("W2N_NO_SIGNAL_HANDLERS");
  if (off && off[0] && strcmp(off, "0") != 0) return;
  sigemptyset(&kick_set);
  sigaddset(&kick_set, w2n__kick_signal());
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, w2n__kick_signal()); /* no interrupt while a fault is handled */
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  /* Read the previous actions first so that the handler never sees them half-written. */
  if (sigaction(SIGSEGV, NULL, &prev_segv) != 0 || sigaction(SIGBUS, NULL, &prev_bus) != 0) return;
  if (sigaction(SIGSEGV, &sa, NULL) != 0) return;
  if (sigaction(SIGBUS, &sa, NULL) != 0) {
    sigaction(SIGSEGV, &prev_segv, NULL);
    return;
  }
  handlers_installed = 1;
  install_interrupt_handler();
}

int w2n_runtime_init(void) {
  pthread_once(&init_once, runtime_init_once);
  return 0;
}

/* ---- Activations ---- */

w2n_activation *w2n__thread_activation(void) { return tls.current; }

static void enter(w2n_activation *a, w2n_store *store) {
  thread_setup();
  a->prev = tls.current;
  a->store = store;
  a->prev_store_activation = store->activation;
  a->saved_stack_limit = store->stack_limit;
  a->kind = 0;
  a->trap = W2N_TRAP_NONE;
  a->num_pcs = 0;
  a->message[0] = 0;
  a->outer_handler = w2n_handler_top;
  w2n_handler_top = NULL;
  a->listed = 0;
  if (store->activation == NULL) {
    __atomic_store_n(&store->stack_limit, stack_limit_here(), __ATOMIC_SEQ_CST);
    if (w2n__async_interrupts) {
      a->thread = pthread_self();
      w2n__running_add(a);
    }
  }
  keep_interrupt(store);
  __atomic_store_n(&store->activation, (void *)a, __ATOMIC_SEQ_CST);
  tls.current = a; /* last: the handler must only ever see a complete activation */
}

static void leave(w2n_activation *a) {
  w2n_handler_top = a->outer_handler;
  tls.current = a->prev;
  if (a->listed) w2n__running_remove(a);
  __atomic_store_n(&a->store->activation, a->prev_store_activation, __ATOMIC_SEQ_CST);
  __atomic_store_n(&a->store->stack_limit, a->saved_stack_limit, __ATOMIC_SEQ_CST);
  keep_interrupt(a->store);
}

static void report(const w2n_activation *a, w2n_error *err) {
  if (!err) return;
  memset(err, 0, sizeof *err);
  if (a->kind == W2N__UNWIND_EXIT) {
    err->trap = W2N_TRAP_NONE;
    snprintf(err->message, sizeof err->message, "exit");
    return;
  }
  err->trap = a->trap;
  if (a->trap == W2N_TRAP_HOST && a->message[0])
    snprintf(err->message, sizeof err->message, "%s", a->message);
  else
    snprintf(err->message, sizeof err->message, "%s", w2n_trap_message(a->trap));
  for (uint32_t i = 0; i < a->num_pcs && err->num_frames < W2N_MAX_FRAMES; i++) {
    const char *name = w2n__symbolize(a->pcs[i]);
    if (name) err->frames[err->num_frames++] = name;
  }
}

int w2n__protected_call(w2n_store *store, void (*fn)(void *), void *arg, w2n_error *err) {
  w2n_activation act;
  enter(&act, store);
  if (sigsetjmp(act.jmp, 0) == 0) {
    fn(arg);
    leave(&act);
    return 0;
  }
  leave(&act);
  /* The outermost activation stopped: a pending interrupt has done its work. */
  if (act.kind == W2N__UNWIND_TRAP && act.prev_store_activation == NULL)
    __atomic_store_n(&store->interrupt, 0, __ATOMIC_SEQ_CST);
  report(&act, err);
  return -1;
}

typedef struct call_closure {
  const w2n_func *func;
  w2n_value *args_results;
} call_closure;

static void call_thunk(void *p) {
  call_closure *c = p;
  c->func->array_call(c->func->code, c->func->ctx, c->args_results);
}

int w2n_call(w2n_store *store, const w2n_func *func, w2n_value *args_results, w2n_error *err) {
  if (!store || !func || !func->code) {
    w2n__error_set(err, W2N_TRAP_NONE, "w2n_call: null store or function");
    return -1;
  }
  if (!func->array_call) {
    w2n__error_set(err, W2N_TRAP_NONE, "w2n_call: function has no array-call trampoline");
    return -1;
  }
  call_closure c = {func, args_results};
  return w2n__protected_call(store, call_thunk, &c, err);
}

/* ---- Raising traps ---- */

void w2n__print_trap(const char *message, const char *const *frames, uint32_t num_frames) {
  fprintf(stderr, "wasm trap: %s\n", message);
  for (uint32_t i = 0; i < num_frames; i++) fprintf(stderr, "    at %s\n", frames[i]);
}

static _Noreturn void no_activation(uint32_t code, const char *message) {
  w2n__print_trap(message ? message : w2n_trap_message(code), NULL, 0);
  abort();
}

__attribute__((noinline)) _Noreturn void w2n__unwind_trap(uint32_t code) {
  w2n_activation *a = tls.current;
  if (!a) no_activation(code, NULL);
  uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
  a->num_pcs = walk_frames(fp, fp - FRAME_BELOW, a->pcs, W2N_MAX_FRAMES, 0);
  a->trap = code;
  a->kind = W2N__UNWIND_TRAP;
  siglongjmp(a->jmp, 1);
}

/* noinline: keeps the caller's frame (the generated function) one frame-record up from ours. */
__attribute__((noinline)) _Noreturn void w2n_trap(w2n_instance *ctx, uint32_t code) {
  (void)ctx;
  w2n_activation *a = tls.current;
  if (!a) no_activation(code, NULL);
  uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
  a->num_pcs = walk_frames(fp, fp - FRAME_BELOW, a->pcs, W2N_MAX_FRAMES, 0);
  a->trap = interrupt_or(a->store, code);
  a->kind = W2N__UNWIND_TRAP;
  siglongjmp(a->jmp, 1);
}

__attribute__((noinline)) _Noreturn void w2n_trap_host(const char *message) {
  w2n_activation *a = tls.current;
  if (!a) no_activation(W2N_TRAP_HOST, message);
  uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
  /* Host frames (the host function, maybe helpers) lie between us and the Wasm caller. */
  a->num_pcs = walk_frames(fp, fp - FRAME_BELOW, a->pcs, W2N_MAX_FRAMES, 4);
  snprintf(a->message, sizeof a->message, "%s", message ? message : w2n_trap_message(W2N_TRAP_HOST));
  a->trap = W2N_TRAP_HOST;
  a->kind = W2N__UNWIND_TRAP;
  siglongjmp(a->jmp, 1);
}

_Noreturn void w2n__exit_unwind(int code) {
  w2n_activation *a = tls.current;
  if (!a) exit(code);
  a->num_pcs = 0;
  a->trap = W2N_TRAP_NONE;
  a->kind = W2N__UNWIND_EXIT;
  siglongjmp(a->jmp, 1);
}
