/*
 * registry.c — the process-wide lists the signal handler consults: linear-memory reservations and
 * generated-code ranges, plus the (code address -> Wasm function) index used to name frames.
 *
 * Concurrency contract: writers (instantiation, instance free) serialise on a mutex and publish each
 * slot with release stores; readers (the SIGSEGV handler, any thread) use acquire loads only, take no
 * lock and allocate nothing, so `w2n__in_reservation` and `w2n__in_code` are async-signal-safe.
 * A reader racing with a writer may miss the entry being changed, never crash.
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

/* ---- Generated code ---- */

#define MAX_CODE_RANGES 4096

typedef struct code_index_entry {
  uintptr_t addr;
  uint32_t func; /* function index in the module */
} code_index_entry;

/* Everything but start/end is only touched under registry_lock. */
static struct {
  _Atomic uintptr_t start;
  _Atomic uintptr_t end; /* 0 = free slot */
  const w2n_module *module;
  code_index_entry *index; /* sorted by addr */
  uint32_t index_len;
  char **synthetic_names; /* "wasm-function[i]", made on demand */
} code_ranges[MAX_CODE_RANGES];
static _Atomic uint32_t code_ranges_used;

static int cmp_index(const void *a, const void *b) {
  const code_index_entry *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr ? 1 : 0;
}

void w2n__register_code(const w2n_module *module) {
  uintptr_t start = (uintptr_t)module->code_start, end = (uintptr_t)module->code_end;
  if (start == 0 || end <= start) return;
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
      pthread_mutex_unlock(&registry_lock);
      return; /* already registered */
    }
    if (start < e && s < end) {
      /* Overlaps a range registered earlier: that code was unloaded (dlclose) and this module now
       * lives there. Retire the stale entry (its names are leaked: w2n_error.frames may point at them). */
      atomic_store_explicit(&code_ranges[i].end, 0, memory_order_release);
      free(code_ranges[i].index);
      code_ranges[i].index = NULL;
      code_ranges[i].module = NULL;
      if (free_slot < 0) free_slot = (int)i;
    }
  }
  if (free_slot < 0) {
    if (used >= MAX_CODE_RANGES) {
      pthread_mutex_unlock(&registry_lock);
      return; /* full: faults in this code are not claimed and its frames are unnamed */
    }
    free_slot = (int)used;
  }
  uint32_t n = module->num_funcs - module->num_imported_funcs;
  code_index_entry *index = n ? calloc(n, sizeof *index) : NULL;
  uint32_t len = 0;
  if (index) {
    for (uint32_t i = module->num_imported_funcs; i < module->num_funcs; i++) {
      void *code = module->func_code ? module->func_code[i] : NULL;
      if (code) index[len++] = (code_index_entry){(uintptr_t)code, i};
    }
    qsort(index, len, sizeof *index, cmp_index);
  }
  code_ranges[free_slot].module = module;
  code_ranges[free_slot].index = index;
  code_ranges[free_slot].index_len = len;
  code_ranges[free_slot].synthetic_names = NULL;
  atomic_store_explicit(&code_ranges[free_slot].start, start, memory_order_relaxed);
  atomic_store_explicit(&code_ranges[free_slot].end, end, memory_order_release);
  if ((uint32_t)free_slot >= used)
    atomic_store_explicit(&code_ranges_used, (uint32_t)free_slot + 1, memory_order_release);
  pthread_mutex_unlock(&registry_lock);
}

int w2n__in_code(uintptr_t pc) {
  uint32_t used = atomic_load_explicit(&code_ranges_used, memory_order_acquire);
  for (uint32_t i = 0; i < used; i++) {
    uintptr_t end = atomic_load_explicit(&code_ranges[i].end, memory_order_acquire);
    if (end == 0) continue;
    uintptr_t start = atomic_load_explicit(&code_ranges[i].start, memory_order_relaxed);
    if (pc >= start && pc < end) return 1;
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
    const w2n_module *m = code_ranges[i].module;
    uint32_t f = index[lo - 1].func;
    if (m->func_names && m->func_names[f]) {
      name = m->func_names[f];
      break;
    }
    if (!code_ranges[i].synthetic_names) code_ranges[i].synthetic_names = calloc(m->num_funcs, sizeof(char *));
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
