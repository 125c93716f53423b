/*
 * internal.h — private declarations shared by the runtime's C files. Not installed, not ABI.
 *
 * Naming: public entry points are `w2n_*` (w2n_runtime.h); private cross-file helpers are `w2n__*`
 * (double underscore) so that they never collide with the public prefix's future names. Everything
 * that can be `static` is.
 */
#ifndef W2N_INTERNAL_H
#define W2N_INTERNAL_H

#include "w2n_runtime.h"

#include <stdint.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>

_Static_assert(sizeof(void *) == 8, "the wasm2native runtime supports 64-bit hosts only");
_Static_assert(sizeof(w2n_context_header) == W2N_CONTEXT_HEADER_SIZE, "context header size");
_Static_assert(sizeof(w2n_value) == 16, "w2n_value is one 16-byte slot");

#define W2N_WASM_PAGE 65536ull
/* The page size of a memory with flags `f` (custom-page-sizes proposal). */
#define W2N_PAGE_SIZE(f) (((f) & W2N_MEM_PAGE1) ? 1ull : W2N_WASM_PAGE)
/* Pages a 32-bit memory may declare as its maximum (4 GiB; it holds at most W2N_MEM32_MAX_PAGES). */
#define W2N_MEM32_DECLARABLE_PAGES 65536ull
/* The most pages a memory with flags `flags` and maximum `max_pages` may hold: a 32-bit memory of
 * 64 KiB pages stops at W2N_MEM32_MAX_PAGES whatever it declares (generated code relies on it). */
static inline uint64_t w2n__holdable_pages(uint32_t flags, uint64_t max_pages) {
  int capped = !(flags & (W2N_MEM_64 | W2N_MEM_PAGE1));
  return capped && max_pages > W2N_MEM32_MAX_PAGES ? W2N_MEM32_MAX_PAGES : max_pages;
}
/* Address space reserved for every 32-bit memory: any u32 address + u32 offset (+ access size) lands
 * inside it, so out-of-bounds accesses hit PROT_NONE pages and fault. */
#define W2N_MEM32_RESERVATION ((8ull << 30) + W2N_WASM_PAGE)
/* Cap on the reservation of a memory64 (explicitly bounds-checked by generated code). */
#define W2N_MEM64_RESERVATION_CAP (16ull << 30)
/* Implementation limit on table elements when the module declares no maximum. */
#define W2N_TABLE_IMPL_MAX 10000000ull
/* Frames kept per trap (matches w2n_error.frames). */
#define W2N_MAX_FRAMES 32

/* The runtime-private `limit_flags` of w2n_memory / w2n_table (generated code never reads them):
 * set when the module declared no maximum, so that import matching can tell "no maximum" from a
 * declared maximum equal to the implementation limit. Memories and tables not made by this runtime
 * have 0 there and are treated as having the maximum they report. */
#define W2N__NO_DECLARED_MAX 1u

/* ---- Stores ---- */

struct w2n_wasi; /* wasi.c */

/* The store: the public head (ABI) followed by runtime-private state. */
typedef struct w2n_store_impl {
  w2n_store pub; /* must stay first: a w2n_store * is a w2n_store_impl * */
  struct w2n_wasi *wasi;
  int exited;    /* proc_exit was called */
  int exit_code; /* its argument */
  struct w2n_deadline *deadline; /* the deadline timer, NULL until the first w2n_store_set_deadline */
  w2n_store_limits limits; /* w2n_store_set_limits; W2N_STORE_LIMITS_NONE at first */
  /* What the store's live instances hold, counted against `limits` (instance.c). */
  uint64_t num_instances, num_memories, num_tables;
  /* The store's live instances (an instance whose init trapped stays listed): roots of its GC
   * heap, linked through their w2n_instance_priv. */
  w2n_instance *instances;
  struct w2n_gc_heap *gc; /* the GC heap (gc.c), NULL until the first allocation */
} w2n_store_impl;

static inline w2n_store_impl *w2n__store_impl(w2n_store *s) { return (w2n_store_impl *)s; }

/* Stops and frees the store's deadline timer, if it has one (interrupt.c). */
void w2n__deadline_free(w2n_store_impl *s);
/* Traps "interrupt" when one is pending for ctx's store (interrupt.c). Runtime code that Wasm calls
 * polls it where a guest could otherwise keep running out of reach of the interrupt signal, which
 * stops only generated code: bulk memory operations between chunks of W2N_BULK_CHUNK bytes, every
 * WASI function on entry (before any effect). */
#define W2N_BULK_CHUNK (1ull << 20)
void w2n__poll_interrupt(w2n_instance *ctx);

/* ---- Instances ---- */

/* Something the runtime allocated on behalf of an instance and frees with it (host function
 * records of WASI imports). */
typedef struct w2n_owned {
  struct w2n_owned *next;
  /* payload follows, 16-byte aligned */
} w2n_owned;

/* runtime_data of each instance's header. */
typedef struct w2n_instance_priv {
  w2n_owned *owned;
  w2n_instance *prev, *next; /* in the store's `instances` */
  int listed;
  const char **global_codes; /* each global's value-type code, resolved (w2n__resolve_code) */
} w2n_instance_priv;

static inline w2n_context_header *w2n__hdr(const w2n_instance *ctx) { return (w2n_context_header *)ctx; }
static inline const w2n_module *w2n__mod(const w2n_instance *ctx) { return w2n__hdr(ctx)->module; }
static inline void *w2n__region(const w2n_instance *ctx, uint32_t off) { return (char *)ctx + off; }
static inline w2n_memory **w2n__memories(const w2n_instance *ctx) {
  return (w2n_memory **)w2n__region(ctx, w2n__mod(ctx)->layout.memories);
}
static inline w2n_table **w2n__tables(const w2n_instance *ctx) {
  return (w2n_table **)w2n__region(ctx, w2n__mod(ctx)->layout.tables);
}
static inline w2n_value **w2n__globals(const w2n_instance *ctx) {
  return (w2n_value **)w2n__region(ctx, w2n__mod(ctx)->layout.globals);
}
static inline w2n_func **w2n__funcs(const w2n_instance *ctx) {
  return (w2n_func **)w2n__region(ctx, w2n__mod(ctx)->layout.funcs);
}
static inline w2n_tag **w2n__tags(const w2n_instance *ctx) {
  return (w2n_tag **)w2n__region(ctx, w2n__mod(ctx)->layout.tags);
}
static inline uint32_t *w2n__type_ids(const w2n_instance *ctx) {
  return (uint32_t *)w2n__region(ctx, w2n__mod(ctx)->layout.type_ids);
}
static inline const w2n_rtt **w2n__rtts(const w2n_instance *ctx) {
  return (const w2n_rtt **)w2n__region(ctx, w2n__mod(ctx)->layout.rtts);
}
static inline uint64_t *w2n__data_lens(const w2n_instance *ctx) {
  return (uint64_t *)w2n__region(ctx, w2n__mod(ctx)->layout.data_lens);
}
static inline uint64_t *w2n__elem_lens(const w2n_instance *ctx) {
  return (uint64_t *)w2n__region(ctx, w2n__mod(ctx)->layout.elem_lens);
}

/* Allocates `size` zeroed bytes owned by `inst` (freed by w2n_instance_free). NULL on failure. */
void *w2n__instance_alloc(w2n_instance *inst, size_t size);

/* ---- Errors ---- */

/* Fills *err (if non-NULL) with trap NONE, no frames and a formatted message. */
void w2n__error_set(w2n_error *err, uint32_t trap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- Memories and tables (memory.c, table.c) ---- */

/* Creates a memory in *mem (reserving its address space and registering it with the signal handler).
 * Returns 0, or -1 with a message in *err (also when its minimum passes `limits->max_memory_size`). */
int w2n__memory_create(w2n_memory *mem, const w2n_limits_desc *desc, const w2n_store_limits *limits,
                       w2n_error *err);
void w2n__memory_destroy(w2n_memory *mem);
/* The same for tables (`limits->max_table_elements`). */
int w2n__table_create(w2n_table *tab, const w2n_limits_desc *desc, const w2n_store_limits *limits,
                      w2n_error *err);
void w2n__table_destroy(w2n_table *tab);

/* ---- Registries read by the signal handler (registry.c). Lookups are lock-free and
 * async-signal-safe; registration takes a mutex and is never done from a handler. ---- */

int w2n__register_reservation(void *base, uint64_t len);
void w2n__unregister_reservation(void *base);
/* 1 if addr lies in a registered linear-memory reservation. Async-signal-safe. */
int w2n__in_reservation(uintptr_t addr);

/* w2n_instantiate's implicit registration of module's generated code range and address -> function
 * index: does nothing if it is registered already, takes no reference (see w2n_module_register).
 * 0, or -1 when the registry is full or out of memory. */
int w2n__register_code(const w2n_module *module);
/* 1 if pc lies in registered generated code. Async-signal-safe. */
int w2n__in_code(uintptr_t pc);
/* Name of the Wasm function containing pc, or NULL; valid until its module is unregistered. Not
 * async-signal-safe (takes the registry lock, may allocate). */
const char *w2n__symbolize(uintptr_t pc);

/* ---- Traps and activations (trap.c) ---- */

enum w2n__unwind_kind { W2N__UNWIND_TRAP = 1, W2N__UNWIND_EXIT = 2 };

/* One host->Wasm entry (a w2n_call or an instantiation's init), on the host's stack. */
typedef struct w2n_activation {
  sigjmp_buf jmp;
  struct w2n_activation *prev; /* previous activation of this thread */
  w2n_store *store;
  void *prev_store_activation;
  uintptr_t saved_stack_limit;
  /* Filled by whoever unwinds, read after the jump. */
  uint32_t kind;               /* w2n__unwind_kind */
  uint32_t trap;               /* W2N_TRAP_* */
  uint32_t num_pcs;
  uintptr_t pcs[W2N_MAX_FRAMES]; /* innermost first; return addresses already minus 1 */
  char message[256];           /* host trap message */
  w2n_handler *outer_handler;  /* `w2n_handler_top` of the activation this one interrupted */
  /* The first activation of its store on this thread is listed as running (interrupt.c): the
   * kicker signals `thread` while the store has an interrupt pending. */
  int listed;
  pthread_t thread;
  struct w2n_activation *run_prev, *run_next;
} w2n_activation;

/* ---- Asynchronous interruption (interrupt.c, trap.c) ---- */

/* The signal the runtime sends a thread running Wasm of a store with a pending interrupt. */
int w2n__kick_signal(void);
/* 1 once w2n_runtime_init installed the handler for it (trap.c). */
extern int w2n__async_interrupts;
/* Lists / unlists `a` (with a->store, a->thread set) as running; starts the kicker at first use. */
void w2n__running_add(w2n_activation *a);
void w2n__running_remove(w2n_activation *a);

/* Prints a trap the way users see it, on stderr: "wasm trap: <message>", then one "    at <function>" line
 * per frame, innermost first (compiler/src/trap.rs `report` prints the same lines for `run`). */
void w2n__print_trap(const char *message, const char *const *frames, uint32_t num_frames);

/* Ends the innermost activation with `code` (no message), recording the Wasm frames from our
 * caller's frame up (trap.c). */
_Noreturn void w2n__unwind_trap(uint32_t code);

/* Runs fn(arg) as Wasm: pushes an activation, sets the stack limit, catches traps and proc_exit.
 * Returns 0, or -1 with *err filled. */
int w2n__protected_call(w2n_store *store, void (*fn)(void *), void *arg, w2n_error *err);

/* Unwinds the current activation because the guest called proc_exit(code). */
_Noreturn void w2n__exit_unwind(int code);

/* The calling thread's innermost activation (any store), or NULL. */
w2n_activation *w2n__thread_activation(void);

/* ---- The GC heap (gc.c) ---- */

/* A zeroed object of `bytes` in the heap of ctx's store, its first word `rtt`; collects first when
 * due; traps W2N_TRAP_GC_OOM past the store's max_gc_heap, past 4 GiB or when memory runs out. */
void *w2n__gc_alloc(w2n_instance *ctx, const w2n_rtt *rtt, uint64_t bytes);
/* The start of the live object of the store's heap that `word` points into (interior pointers
 * included), or NULL. Safe for any value: reads only memory the heap owns. */
void *w2n__gc_find(w2n_store *store, uintptr_t word);
/* The type of exceptions' objects (the w2n_exception 16 bytes after the object's start). */
extern const w2n_rtt w2n__gc_exception_rtt;
/* Frees the store's heap and every object in it (w2n_store_free). */
void w2n__gc_free(w2n_store_impl *s);

/* ---- WASI (wasi.c) ---- */

void w2n__wasi_free(struct w2n_wasi *wasi);
/* Test hook: when non-zero, path resolution never uses openat2 (exercises the fallback walk). */
extern int w2n__wasi_no_openat2;

/* ---- Runtime types (types.c) ---- */

/* Fills the instance's type ids and rtts from its module's type definitions. 0, or -1 (out of
 * memory). */
int w2n__resolve_types(w2n_instance *ctx);
/* The rtt of canonical type id `id`, or NULL (host signatures have none). Lock-free. */
const w2n_rtt *w2n__rtt_of_id(uint32_t id);
/* A canonical value-type code of ctx's module with its concrete struct and array types (`tN;`)
 * resolved to their canonical ids (`#ID;`): `code` itself when it has none, else a copy the
 * instance owns. NULL: out of memory. */
const char *w2n__resolve_code(w2n_instance *ctx, const char *code);
/* 1 when the type of canonical id `id` is `expected` or one of its declared subtypes. */
int w2n__type_id_matches(uint32_t id, const w2n_rtt *expected);

/* 1 when the value type with canonical code `sub` matches `super` (instance.c). */
int w2n__valtype_subtype(const char *sub, const char *super);

#endif /* W2N_INTERNAL_H */
