/*
 * registry.c — the process-wide lists the signal handler consults: linear-memory reservations and
 * generated-code ranges, plus the (code address -> Wasm function) index used to name frames.
 *
 * Concurrency contract: writers (memory creation and destruction, module registration and
 * unregistration) serialise on a mutex and publish each slot with release stores; readers (the
 * SIGSEGV handler, any thread) use acquire loads only, take no lock and allocate nothing, so
 * `w2n__in_reservation` and `w2n__in_code` are async-signal-safe. A reader racing with a writer may
 * miss the entry being changed, never crash.
 */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Memory reservations ---- */

#define MAX_RESERVATIONS 16384 /* 16384 x 8 GiB = the whole 47-bit user address space */

static struct {
  _Atomic uintptr_t base;
  _Atomic uint64_t len; /* 0 = free slot */
} reservations[MAX_RESERVATIONS];
static _Atomic uint32_t reservations_used; /* high-water mark of used slots */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

int w2n__register_reservation(void *base, uint64_t len) {
  int ok = -1;
  pthread_mutex_lock(&registry_lock);
  uint32_t used = atomic_load_explicit(&reservations_used, memory_order_relaxed);
  for (uint32_t i = 0; i < MAX_RESERVATIONS; i++) {
    if (atomic_load_explicit(&reservations[i].len, memory_order_relaxed) != 0) continue;
    atomic_store_explicit(&reservations[i].base, (uintptr_t)base, memory_order_relaxed);
    atomic_store_explicit(&reservations[i].len, len, memory_order_release);
    if (i >= used) atomic_store_explicit(&reservations_used, i + 1, memory_order_release);
    ok = 0;
    break;
  }
  pthread_mutex_unlock(&registry_lock);
  return ok;
}

void w2n__unregister_reservation(void *base) {
  pthread_mutex_lock(&registry_lock);
  uint32_t used = atomic_load_explicit(&reservations_used, memory_order_relaxed);
  for (uint32_t i = 0; i < used; i++) {
    if (atomic_load_explicit(&reservations[i].len, memory_order_relaxed) != 0 &&
        atomic_load_explicit(&reservations[i].base, memory_order_relaxed) == (uintptr_t)base) {
      atomic_store_explicit(&reservations[i].len, 0, memory_order_release);
      break;
    }
  }
  pthread_mutex_unlock(&registry_lock);
}

int w2n__in_reservation(uintptr_t addr) {
  uint32_t used = atomic_load_explicit(&reservations_used, memory_order_acquire);
  for (uint32_t i = 0; i < used; i++) {
    uint64_t len = atomic_load_explicit(&reservations[i].len, memory_order_acquire);
    if (len == 0) continue;
    uintptr_t base = atomic_load_explicit(&reservations[i].base, memory_order_relaxed);
    if (addr >= base && addr - base < len) return 1;
  }
  return 0;
}

/* ---- Generated code ----
 *
 * One slot per registered module (w2n_module_register, or implicitly w2n_instantiate). What the
 * signal handler reads, `w2n__in_code`, is only the slot array itself: static storage that is never
 * freed, each slot's range guarded by a sequence counter (a seqlock: odd while a writer changes the
 * slot), so a lock-free reader sees a range whole or skips it, never half of an old range and half of
 * a new one. Everything that belongs to a module (its descriptor, which lives in the module's shared
 * library; the address index and the synthetic names, which this file allocates) is only read by
 * `w2n__symbolize`, and only under registry_lock. Unregistration takes the same lock, frees the index
 * and the names, and clears the slot, so:
 *   - the handler never touches memory that unregistration frees or dlclose unmaps (no grace period
 *     or epoch is needed: there is nothing to reclaim from under it);
 *   - a reader racing with unregistration may still see the range (none of the module's code runs
 *     then, unless the host broke w2n_module_unregister's contract), never once it has returned;
 *   - the symbolizer reads a descriptor only while it is registered, and the host unregisters before
 *     it unloads (the contract in w2n_runtime.h), so it never reads an unloaded library.
 * Copying the names out of the library at registration would buy nothing: they would be freed at the
 * same moment. The names w2n__symbolize returns (w2n_error.frames) are the module's own `func_names`
 * or synthetic "wasm-function[i]" strings kept in the slot: both valid until unregistration.
 * A host that unloads without unregistering leaves a stale slot; a later module overlapping it
 * drops it (register_code), but one loaded at exactly the same place would inherit its index. */

#define MAX_CODE_RANGES 4096

typedef struct code_index_entry {
  uintptr_t addr;
  uint32_t func; /* function index in the module */
} code_index_entry;

/* seq/start/end are read lock-free; everything else is only touched under registry_lock. */
static struct {
  _Atomic uint64_t seq;  /* even: stable; odd: a writer is changing start/end */
  _Atomic uintptr_t start;
  _Atomic uintptr_t end; /* 0 = free slot */
  const w2n_module *module;
  uint32_t refs;           /* w2n_module_register calls not yet undone (0: implicit only) */
  uint32_t num_funcs;      /* the module's, copied: a stale slot's descriptor may be unmapped */
  code_index_entry *index; /* sorted by addr */
  uint32_t index_len;
  char **synthetic_names; /* "wasm-function[i]", made on demand, num_funcs entries */
} code_ranges[MAX_CODE_RANGES];
static _Atomic uint32_t code_ranges_used; /* high-water mark of used slots */

static int cmp_index(const void *a, const void *b) {
  const code_index_entry *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr ? 1 : 0;
}

/* Publishes [start, end) in slot i (end == 0 frees it). Under registry_lock. */
static void slot_publish(uint32_t i, uintptr_t start, uintptr_t end) {
  uint64_t seq = atomic_load_explicit(&code_ranges[i].seq, memory_order_relaxed);
  atomic_store_explicit(&code_ranges[i].seq, seq + 1, memory_order_relaxed);
  atomic_thread_fence(memory_order_release);
  atomic_store_explicit(&code_ranges[i].start, start, memory_order_relaxed);
  atomic_store_explicit(&code_ranges[i].end, end, memory_order_relaxed);
  atomic_store_explicit(&code_ranges[i].seq, seq + 2, memory_order_release);
}

/* Clears slot i and frees what it owns. Under registry_lock. */
static void slot_clear(uint32_t i) {
  slot_publish(i, 0, 0);
  free(code_ranges[i].index);
  if (code_ranges[i].synthetic_names) {
    for (uint32_t f = 0; f < code_ranges[i].num_funcs; f++) free(code_ranges[i].synthetic_names[f]);
    free(code_ranges[i].synthetic_names);
  }
  code_ranges[i].index = NULL;
  code_ranges[i].index_len = 0;
  code_ranges[i].synthetic_names = NULL;
  code_ranges[i].module = NULL;
  code_ranges[i].refs = 0;
  code_ranges[i].num_funcs = 0;
}

/* Registers module: with one more reference when `counted` (w2n_module_register), else only if it is
 * not registered yet, with none (w2n_instantiate's implicit registration, for hosts that never
 * unload). 0, or -1 when the table is full or out of memory. */
static int register_code(const w2n_module *module, int counted) {
  uintptr_t start = (uintptr_t)module->code_start, end = (uintptr_t)module->code_end;
  if (start == 0 || end <= start) return 0; /* no code to claim (a module without functions) */
  pthread_mutex_lock(&registry_lock);
  uint32_t used = atomic_load_explicit(&code_ranges_used, memory_order_relaxed);
  int free_slot = -1;
  for (uint32_t i = 0; i < used; i++) {
    uintptr_t s = atomic_load_explicit(&code_ranges[i].start, memory_order_relaxed);
    uintptr_t e = atomic_load_explicit(&code_ranges[i].end, memory_order_relaxed);
    if (e == 0) {
      if (free_slot < 0) free_slot = (int)i;
      continue;
    }
    if (code_ranges[i].module == module && s == start && e == end) {
      if (counted) code_ranges[i].refs++;
      pthread_mutex_unlock(&registry_lock);
      return 0;
    }
    if (start < e && s < end) {
      /* Overlaps another module's range: that library was unloaded without w2n_module_unregister
       * (a host bug) and this module now lives there. Drop the stale entry. */
      slot_clear(i);
      if (free_slot < 0) free_slot = (int)i;
    }
  }
  if (free_slot < 0) {
    if (used >= MAX_CODE_RANGES) {
      pthread_mutex_unlock(&registry_lock);
      return -1;
    }
    free_slot = (int)used;
  }
  uint32_t n = module->num_funcs - module->num_imported_funcs;
  code_index_entry *index = n ? calloc(n, sizeof *index) : NULL;
  if (n && !index) {
    pthread_mutex_unlock(&registry_lock);
    return -1;
  }
  uint32_t len = 0;
  for (uint32_t i = module->num_imported_funcs; index && i < module->num_funcs; i++) {
    void *code = module->func_code ? module->func_code[i] : NULL;
    if (code) index[len++] = (code_index_entry){(uintptr_t)code, i};
  }
  if (len) qsort(index, len, sizeof *index, cmp_index);
  code_ranges[free_slot].module = module;
  code_ranges[free_slot].refs = counted ? 1 : 0;
  code_ranges[free_slot].num_funcs = module->num_funcs;
  code_ranges[free_slot].index = index;
  code_ranges[free_slot].index_len = len;
  code_ranges[free_slot].synthetic_names = NULL;
  slot_publish((uint32_t)free_slot, start, end);
  if ((uint32_t)free_slot >= used)
    atomic_store_explicit(&code_ranges_used, (uint32_t)free_slot + 1, memory_order_release);
  pthread_mutex_unlock(&registry_lock);
  return 0;
}

int w2n_module_register(const w2n_module *module) { return module ? register_code(module, 1) : -1; }

int w2n__register_code(const w2n_module *module) { return register_code(module, 0); }

void w2n_module_unregister(const w2n_module *module) {
  if (!module) return;
  pthread_mutex_lock(&registry_lock);
  uint32_t used = atomic_load_explicit(&code_ranges_used, memory_order_relaxed);
  for (uint32_t i = 0; i < used; i++) {
    if (atomic_load_explicit(&code_ranges[i].end, memory_order_relaxed) == 0 || code_ranges[i].module != module)
      continue;
    if (code_ranges[i].refs > 0) code_ranges[i].refs--;
    if (code_ranges[i].refs == 0) slot_clear(i);
    break;
  }
  pthread_mutex_unlock(&registry_lock);
}

int w2n__in_code(uintptr_t pc) {
  uint32_t used = atomic_load_explicit(&code_ranges_used, memory_order_acquire);
  for (uint32_t i = 0; i < used; i++) {
    uint64_t seq = atomic_load_explicit(&code_ranges[i].seq, memory_order_acquire);
    if (seq & 1) continue; /* being changed: the entry is missed, as if not yet (or no longer) there */
    uintptr_t start = atomic_load_explicit(&code_ranges[i].start, memory_order_relaxed);
    uintptr_t end = atomic_load_explicit(&code_ranges[i].end, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&code_ranges[i].seq, memory_order_relaxed) != seq) continue;
    if (end != 0 && pc >= start && pc < end) return 1;
  }
  return 0;
}

const char *w2n__symbolize(uintptr_t pc) {
  const char *name = NULL;
  pthread_mutex_lock(&registry_lock);
  uint32_t used = atomic_load_explicit(&code_ranges_used, memory_order_relaxed);
  for (uint32_t i = 0; i < used; i++) {
    uintptr_t end = atomic_load_explicit(&code_ranges[i].end, memory_order_relaxed);
    uintptr_t start = atomic_load_explicit(&code_ranges[i].start, memory_order_relaxed);
    if (end == 0 || pc < start || pc >= end) continue;
    /* The function with the greatest start address <= pc. */
    const code_index_entry *index = code_ranges[i].index;
    uint32_t lo = 0, hi = code_ranges[i].index_len;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (index[mid].addr <= pc) lo = mid + 1;
      else hi = mid;
    }
    if (lo == 0) break;
    const w2n_module *m = code_ranges[i].module; /* registered, so its library is loaded */
    uint32_t f = index[lo - 1].func;
    if (m->func_names && m->func_names[f]) {
      name = m->func_names[f];
      break;
    }
    if (!code_ranges[i].synthetic_names) code_ranges[i].synthetic_names = calloc(code_ranges[i].num_funcs, sizeof(char *));
    if (!code_ranges[i].synthetic_names) break;
    char **slot = &code_ranges[i].synthetic_names[f];
    if (!*slot) {
      char buf[40];
      snprintf(buf, sizeof buf, "wasm-function[%u]", f);
      *slot = strdup(buf);
    }
    name = *slot;
    break;
  }
  pthread_mutex_unlock(&registry_lock);
  return name;
}
