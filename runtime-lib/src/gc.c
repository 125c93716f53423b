/*
 * gc.c — the heap of the GC proposal: structs, arrays, exceptions, and the boxes that carry
 * references between the extern and any hierarchies. One heap per store, made at its first
 * allocation, freed with the store. Non-moving mark-sweep; every root is scanned conservatively.
 *
 * Layout. Objects of at most SMALL_MAX bytes live in chunks of CHUNK bytes aligned to CHUNK, one
 * size class per chunk (32 classes, 16 bytes to 8 KiB); a chunk's bitmap says which slots hold
 * objects, and allocation takes the first free bit from a cursor. Larger objects are calloc'd one
 * by one and listed in an array (sorted by address at each collection) and a set of their starts.
 *
 * Lookup of an arbitrary word (w2n__gc_find): outside [lo, hi) of everything the heap ever held,
 * no; else the word with its low bits cleared is looked up in the set of the heap's chunks, and a
 * chunk's slot index and bitmap answer in O(1); otherwise binary search among the large objects.
 * Only memory the heap owns is read. A word anywhere inside an object counts (optimised code may
 * keep `obj + 16 + i * 8` only); an array's object has one byte more than its elements, so that a
 * pointer just past its last element still points into it.
 *
 * Roots: the running thread's stack, from the collector's frame (callee-saved registers spilled)
 * up to the store's outermost activation; every live instance's context block, the elements of
 * its tables and its imported global cells; the references the host holds (w2n_gc_hold). Being
 * conservative, a stale word left in a live frame can keep garbage until something overwrites it.
 * No collection runs while some activation of the store is on another thread's stack.
 *
 * When: a collection runs before an allocation once the bytes allocated since the last one pass
 * max(MIN_TRIGGER, twice the bytes it found live), and when an allocation would pass the store's
 * max_gc_heap. That limit bounds heap_bytes, the memory the heap holds (chunks, used or kept for
 * reuse, and large objects): fragmentation cannot make the heap outgrow it.
 *
 * An allocation that cannot fit traps W2N_TRAP_GC_OOM, and nothing here traps while the heap is
 * half-updated: failures are decided before an object is taken, and collections run to their end
 * (a mark stack that cannot grow falls back to rescanning marked objects: marking never fails).
 */
#include "internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif

#define CHUNK_SHIFT 18
#define CHUNK ((uintptr_t)1 << CHUNK_SHIFT) /* 256 KiB */
#define SMALL_MAX 8192u
#define NUM_CLASSES 32
#define BITMAP_WORDS (CHUNK / 16 / 64) /* enough bits for the smallest class */
#define MIN_TRIGGER (4ull << 20)
/* Larger objects trap "allocation size too large" (an array of more than 4 GiB of elements). */
#define MAX_OBJECT (1ull << 32)

typedef struct chunk {
  struct chunk *next;   /* in its class's list, or in the pool of empty chunks */
  uint32_t slot_size;
  uint32_t nslots;      /* 0 while pooled: no slot holds an object */
  uint32_t nwords;      /* bitmap words in use */
  uint32_t used;        /* slots holding objects */
  uint32_t cursor;      /* allocation starts at this bitmap word (no free slot before it) */
  uint32_t _pad;
  uint64_t tail;        /* bits of the last word past nslots: kept set in `alloc` */
  uint64_t alloc[BITMAP_WORDS];
  uint64_t mark[BITMAP_WORDS]; /* all zero outside collections */
} chunk;

#define FIRST_SLOT ((sizeof(chunk) + 15) & ~(uintptr_t)15)

static const uint32_t class_bytes[NUM_CLASSES] = {
    16,   32,   48,   64,   80,   96,   112,  128,  160,  192,  224,  256,  320,  384,  448,  512,
    640,  768,  896,  1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192};

/* The class of `bytes` (a multiple of 16, at most SMALL_MAX): steps of 16 up to 128, then four
 * classes per power of two. */
static uint32_t size_class(uint64_t bytes) {
  if (bytes <= 128) return (uint32_t)(bytes >> 4) - 1;
  uint64_t s = bytes - 1;
  uint32_t b = 63u - (uint32_t)__builtin_clzll(s);
  return 8 + (b - 7) * 4 + (uint32_t)((s >> (b - 2)) & 3);
}

/* An open-addressing map from non-zero words (linear probing, Fibonacci hashing). */
typedef struct ptrmap {
  uintptr_t *keys; /* 0: empty */
  uint64_t *vals;
  size_t cap;      /* a power of two, or 0 */
  size_t count;
  unsigned shift;  /* 64 - log2(cap) */
} ptrmap;

typedef struct large_obj {
  uintptr_t start;
  uint64_t bytes;
  uint64_t marked;
} large_obj;

struct w2n_gc_heap {
  w2n_store *store;
  chunk *head[NUM_CLASSES], *tail[NUM_CLASSES], *cur[NUM_CLASSES];
  chunk *pool;             /* empty chunks kept for reuse (still in `chunks`) */
  uint64_t pool_bytes;
  ptrmap chunks;           /* base of every chunk the heap holds */
  uintptr_t last_chunk;    /* the base `chunks` last answered yes for (neighbouring words mostly
                              share a chunk: marking a tree asks about one chunk many times) */
  large_obj *large;
  size_t num_large, cap_large;
  int large_sorted;
  ptrmap large_starts;
  ptrmap holds;            /* reference -> hold count */
  uintptr_t lo, hi;        /* every chunk and large object lies in [lo, hi) */
  void **stack;            /* the mark stack */
  size_t stack_len, stack_cap;
  int overflow;            /* a push failed: some marked objects are unscanned */
  uint64_t heap_bytes;     /* chunks (used or pooled) and large objects */
  uint64_t live_bytes;     /* object bytes the last collection kept */
  uint64_t since;          /* object bytes allocated since */
  uint64_t threshold;
  uint64_t collections;
};

typedef struct w2n_gc_heap heap;

/* The runtime-private objects' types. */
static const w2n_rtt host_box_rtt, i31_box_rtt;
static const w2n_rtt *const exception_display[] = {&w2n__gc_exception_rtt};
static const w2n_rtt *const host_box_display[] = {&host_box_rtt};
static const w2n_rtt *const i31_box_display[] = {&i31_box_rtt};
const w2n_rtt w2n__gc_exception_rtt = {W2N_RTT_EXCEPTION, 0, exception_display, UINT32_MAX, 0, 0, 0, NULL};
static const w2n_rtt host_box_rtt = {W2N_RTT_HOST_BOX, 0, host_box_display, UINT32_MAX, 16, 0, 0, NULL};
static const w2n_rtt i31_box_rtt = {W2N_RTT_I31_BOX, 0, i31_box_display, UINT32_MAX, 16, 0, 0, NULL};

/* ---- ptrmap ---- */

static size_t pm_home(const ptrmap *m, uintptr_t k) { return (size_t)(((uint64_t)k * 0x9E3779B97F4A7C15ull) >> m->shift); }

static uint64_t *pm_get(const ptrmap *m, uintptr_t k) {
  if (!m->cap) return NULL;
  for (size_t i = pm_home(m, k);; i = (i + 1) & (m->cap - 1)) {
    if (m->keys[i] == k) return &m->vals[i];
    if (m->keys[i] == 0) return NULL;
  }
}

static void pm_insert_new(ptrmap *m, uintptr_t k, uint64_t v) {
  size_t i = pm_home(m, k);
  while (m->keys[i]) i = (i + 1) & (m->cap - 1);
  m->keys[i] = k;
  m->vals[i] = v;
  m->count++;
}

static int pm_grow(ptrmap *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  ptrmap n = {calloc(cap, sizeof(uintptr_t)), calloc(cap, sizeof(uint64_t)), cap, 0,
              64u - (unsigned)__builtin_ctzll(cap)};
  if (!n.keys || !n.vals) {
    free(n.keys);
    free(n.vals);
    return -1;
  }
  for (size_t i = 0; i < m->cap; i++)
    if (m->keys[i]) pm_insert_new(&n, m->keys[i], m->vals[i]);
  free(m->keys);
  free(m->vals);
  *m = n;
  return 0;
}

/* Sets k -> v. 0, or -1 when out of memory. */
static int pm_put(ptrmap *m, uintptr_t k, uint64_t v) {
  uint64_t *slot = pm_get(m, k);
  if (slot) {
    *slot = v;
    return 0;
  }
  if ((m->count + 1) * 2 > m->cap && pm_grow(m) != 0) return -1;
  pm_insert_new(m, k, v);
  return 0;
}

/* Removes k (backward-shift deletion: no tombstones, never allocates). */
static void pm_del(ptrmap *m, uintptr_t k) {
  uint64_t *slot = pm_get(m, k);
  if (!slot) return;
  size_t mask = m->cap - 1, hole = (size_t)(slot - m->vals);
  for (size_t j = (hole + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
    size_t home = pm_home(m, m->keys[j]);
    /* The entry at j may fill the hole unless its home lies in (hole, j], cyclically. */
    int stays = hole < j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (stays) continue;
    m->keys[hole] = m->keys[j];
    m->vals[hole] = m->vals[j];
    hole = j;
  }
  m->keys[hole] = 0;
  m->count--;
}

static void pm_free(ptrmap *m) {
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof *m);
}

/* ---- Chunks ---- */

static void *slot_at(chunk *c, uint32_t idx) { return (char *)c + FIRST_SLOT + (uintptr_t)idx * c->slot_size; }

static void cover(heap *h, uintptr_t start, uint64_t bytes) {
  if (start < h->lo) h->lo = start;
  if (start + bytes > h->hi) h->hi = start + bytes;
}

/* CHUNK bytes aligned to CHUNK: twice that mapped, the ends trimmed. */
static chunk *chunk_map(void) {
  size_t len = 2 * CHUNK;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  uintptr_t start = (uintptr_t)p, base = (start + CHUNK - 1) & ~(CHUNK - 1);
  if (base > start) munmap(p, base - start);
  if (start + len > base + CHUNK) munmap((void *)(base + CHUNK), start + len - base - CHUNK);
  return (chunk *)base;
}

static void chunk_unmap(heap *h, chunk *c) {
  pm_del(&h->chunks, (uintptr_t)c);
  if (h->last_chunk == (uintptr_t)c) h->last_chunk = 0;
  munmap(c, CHUNK);
  h->heap_bytes -= CHUNK;
}

static void chunk_format(chunk *c, uint32_t cls) {
  c->slot_size = class_bytes[cls];
  c->nslots = (uint32_t)((CHUNK - FIRST_SLOT) / c->slot_size);
  c->nwords = (c->nslots + 63) / 64;
  c->used = 0;
  c->cursor = 0;
  c->tail = c->nslots % 64 ? ~0ull << (c->nslots % 64) : 0;
  memset(c->alloc, 0, c->nwords * sizeof(uint64_t));
  memset(c->mark, 0, sizeof c->mark);
  c->alloc[c->nwords - 1] = c->tail;
}

/* A chunk for class `cls`, from the pool or mapped while heap_bytes stays within `limit`; appended
 * to the class's list. NULL on failure. */
static chunk *chunk_new(heap *h, uint32_t cls, uint64_t limit) {
  chunk *c = h->pool;
  if (c) {
    h->pool = c->next;
    h->pool_bytes -= CHUNK;
  } else {
    if (CHUNK > limit || h->heap_bytes > limit - CHUNK) return NULL;
    c = chunk_map();
    if (!c) return NULL;
    if (pm_put(&h->chunks, (uintptr_t)c, 0) != 0) {
      munmap(c, CHUNK);
      return NULL;
    }
    h->heap_bytes += CHUNK;
    cover(h, (uintptr_t)c, CHUNK);
  }
  chunk_format(c, cls);
  c->next = NULL;
  if (h->tail[cls]) h->tail[cls]->next = c;
  else h->head[cls] = c;
  h->tail[cls] = c;
  h->cur[cls] = c;
  return c;
}

/* The first free slot at or after the chunk's cursor, or NULL when the chunk is full. */
static void *chunk_take(chunk *c) {
  if (c->used == c->nslots) return NULL;
  for (uint32_t w = c->cursor; w < c->nwords; w++) {
    uint64_t free_bits = ~c->alloc[w];
    if (!free_bits) continue;
    uint32_t bit = (uint32_t)__builtin_ctzll(free_bits);
    c->alloc[w] |= 1ull << bit;
    c->cursor = w;
    c->used++;
    return slot_at(c, w * 64 + bit);
  }
  c->cursor = c->nwords;
  return NULL;
}

/* A slot of class `cls` from the chunks it has, moving the class's cursor past full ones. */
static void *class_take(heap *h, uint32_t cls) {
  for (chunk *c = h->cur[cls]; c; c = c->next) {
    h->cur[cls] = c;
    void *p = chunk_take(c);
    if (p) return p;
  }
  return NULL;
}

/* Unmaps every pooled chunk. 1 if there was any. */
static int release_pool(heap *h) {
  int any = h->pool != NULL;
  while (h->pool) {
    chunk *c = h->pool;
    h->pool = c->next;
    chunk_unmap(h, c);
  }
  h->pool_bytes = 0;
  return any;
}

/* ---- Large objects ---- */

static int large_cmp(const void *a, const void *b) {
  uintptr_t x = ((const large_obj *)a)->start, y = ((const large_obj *)b)->start;
  return x < y ? -1 : x > y;
}

static void large_sort(heap *h) {
  if (!h->large_sorted && h->num_large > 1) qsort(h->large, h->num_large, sizeof *h->large, large_cmp);
  h->large_sorted = 1;
}

/* A zeroed large object of `bytes` while heap_bytes stays within `limit`, or NULL. */
static void *large_take(heap *h, uint64_t bytes, uint64_t limit) {
  if (bytes > limit || h->heap_bytes > limit - bytes) return NULL;
  if (h->num_large == h->cap_large) {
    size_t cap = h->cap_large ? h->cap_large * 2 : 64;
    large_obj *grown = realloc(h->large, cap * sizeof *grown);
    if (!grown) return NULL;
    h->large = grown;
    h->cap_large = cap;
  }
  void *p = calloc(1, (size_t)bytes); /* large: calloc gets zero pages lazily */
  if (p && ((uintptr_t)p & 15)) {
    free(p);
    p = NULL;
    if (posix_memalign(&p, 16, (size_t)bytes) != 0) p = NULL;
    if (p) memset(p, 0, (size_t)bytes);
  }
  if (!p) return NULL;
  if (pm_put(&h->large_starts, (uintptr_t)p, 0) != 0) {
    free(p);
    return NULL;
  }
  h->large[h->num_large++] = (large_obj){(uintptr_t)p, bytes, 0};
  h->large_sorted = 0;
  h->heap_bytes += bytes;
  cover(h, (uintptr_t)p, bytes);
  return p;
}

/* ---- Lookup ---- */

typedef struct found {
  uintptr_t start;
  chunk *c;       /* the object's chunk and slot, or */
  uint32_t idx;
  large_obj *l;   /* its large object record */
} found;

/* The object of a chunk that p points into; 0 when p is in no chunk or no object of its chunk. */
static int find_small(heap *h, uintptr_t p, found *f, int *in_chunk) {
  uintptr_t base = p & ~(CHUNK - 1);
  *in_chunk = base == h->last_chunk || pm_get(&h->chunks, base) != NULL;
  if (!*in_chunk) return 0;
  h->last_chunk = base;
  chunk *c = (chunk *)base;
  if (c->nslots == 0 || p - base < FIRST_SLOT) return 0;
  uint64_t idx = (p - base - FIRST_SLOT) / c->slot_size;
  if (idx >= c->nslots || !((c->alloc[idx / 64] >> (idx % 64)) & 1)) return 0;
  *f = (found){(uintptr_t)slot_at(c, (uint32_t)idx), c, (uint32_t)idx, NULL};
  return 1;
}

/* The large object p points into: binary search for the last one starting at or below p. */
static int find_large(heap *h, uintptr_t p, found *f) {
  if (h->num_large == 0) return 0;
  large_sort(h);
  size_t lo = 0, hi = h->num_large;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (h->large[mid].start <= p) lo = mid;
    else hi = mid;
  }
  large_obj *l = &h->large[lo];
  if (p < l->start || p - l->start >= l->bytes) return 0;
  *f = (found){l->start, NULL, 0, l};
  return 1;
}

static int find(heap *h, uintptr_t p, found *f) {
  int in_chunk;
  if (p < h->lo || p >= h->hi) return 0;
  return find_small(h, p, f, &in_chunk) || (!in_chunk && find_large(h, p, f));
}

/* 1 if p is the start of an object of the heap (any.convert_extern's test): O(1), never sorts. */
static int is_object_start(heap *h, uintptr_t p) {
  found f;
  int in_chunk;
  if ((p & 15) || p < h->lo || p >= h->hi) return 0;
  if (find_small(h, p, &f, &in_chunk)) return f.start == p;
  return !in_chunk && pm_get(&h->large_starts, p) != NULL;
}

void *w2n__gc_find(w2n_store *store, uintptr_t word) {
  heap *h = w2n__store_impl(store)->gc;
  found f;
  return h && find(h, word, &f) ? (void *)f.start : NULL;
}

/* ---- Marking ---- */

static void push(heap *h, uintptr_t obj) {
  if (h->stack_len == h->stack_cap) {
    size_t cap = h->stack_cap ? h->stack_cap * 2 : 4096;
    void **grown = realloc(h->stack, cap * sizeof *grown);
    if (!grown) {
      h->overflow = 1; /* marked, scanned by the rescan */
      return;
    }
    h->stack = grown;
    h->stack_cap = cap;
  }
  h->stack[h->stack_len++] = (void *)obj;
}

/* Marks the object `word` points into, if any and not yet marked, and queues it for scanning. */
static void mark_word(heap *h, uintptr_t word) {
  found f;
  if (!find(h, word, &f)) return;
  if (f.c) {
    uint64_t bit = 1ull << (f.idx % 64), *w = &f.c->mark[f.idx / 64];
    if (*w & bit) return;
    *w |= bit;
  } else {
    if (f.l->marked) return;
    f.l->marked = 1;
  }
  push(h, f.start);
}

static void mark_words(heap *h, const void *from, size_t n) {
  const uintptr_t *w = from;
  for (size_t i = 0; i < n; i++) mark_word(h, w[i]);
}

/* The stack may hold ASan redzones between live slots: read it uninstrumented. */
__attribute__((no_sanitize_address)) static void mark_stack_range(heap *h, uintptr_t lo, uintptr_t hi) {
  for (uintptr_t p = (lo + 7) & ~(uintptr_t)7; p + 8 <= hi; p += 8) mark_word(h, *(const uintptr_t *)p);
}

/* Marks what the object at `obj` refers to. */
static void scan_object(heap *h, const char *obj) {
  const w2n_rtt *rtt = *(const w2n_rtt *const *)obj;
  switch (rtt->kind) {
  case W2N_RTT_STRUCT:
    for (uint32_t i = 0; i < rtt->num_refs; i++) {
      uint32_t off = rtt->ref_offsets[i];
      if (off >= 8 && (uint64_t)off + 8 <= rtt->size) mark_word(h, *(const uintptr_t *)(obj + off));
    }
    break;
  case W2N_RTT_ARRAY:
    if (rtt->num_refs) mark_words(h, obj + 16, (size_t)*(const uint32_t *)(obj + 8) * rtt->size / 8);
    break;
  case W2N_RTT_EXCEPTION: {
    const w2n_exception *e = (const w2n_exception *)(obj + 16);
    mark_words(h, e->values, (size_t)e->num_values * (sizeof(w2n_value) / 8));
    break;
  }
  default: /* host and i31 boxes: no reference to follow */
    break;
  }
}

static void drain(heap *h) {
  while (h->stack_len) scan_object(h, h->stack[--h->stack_len]);
}

/* After a failed push: scans every marked object again until no push fails. */
static void rescan_marked(heap *h) {
  while (h->overflow) {
    h->overflow = 0;
    for (uint32_t cls = 0; cls < NUM_CLASSES; cls++)
      for (chunk *c = h->head[cls]; c; c = c->next)
        for (uint32_t w = 0; w < c->nwords; w++)
          for (uint64_t bits = c->mark[w]; bits; bits &= bits - 1) {
            scan_object(h, slot_at(c, w * 64 + (uint32_t)__builtin_ctzll(bits)));
            drain(h);
          }
    for (size_t i = 0; i < h->num_large; i++)
      if (h->large[i].marked) {
        scan_object(h, (const char *)h->large[i].start);
        drain(h);
      }
  }
}

/* Tables whose elements can only be function references are skipped ("a", "A", "a/64", ...). */
static int funcref_only(const w2n_table *t) {
  const char *v = t->elem_valtype;
  return v && (v[0] == 'a' || v[0] == 'A' || v[0] == 'z' || v[0] == 'Z') && (v[1] == 0 || v[1] == '/');
}

static void mark_instance(heap *h, const w2n_instance *ctx) {
  const w2n_module *m = w2n__mod(ctx);
  mark_words(h, ctx, m->layout.size / 8); /* defined globals, segment items, ... */
  w2n_table *const *tables = w2n__tables(ctx);
  for (uint32_t i = 0; i < m->num_tables; i++) {
    const w2n_table *t = tables[i];
    if (t && t->elems && !funcref_only(t)) mark_words(h, t->elems, (size_t)t->size);
  }
  w2n_value *const *cells = w2n__globals(ctx);
  for (uint32_t i = 0; i < m->num_imported_globals; i++)
    if (cells[i]) mark_words(h, cells[i], sizeof(w2n_value) / 8);
}

/* Marks from every root; `stack_top` is 0 when no Wasm of the store runs (no stack to scan). */
__attribute__((noinline)) static void mark_from_roots(heap *h, uintptr_t stack_top) {
  /* Our caller spilled the callee-saved registers in its frame, above ours. */
  if (stack_top) mark_stack_range(h, (uintptr_t)__builtin_frame_address(0), stack_top);
  for (w2n_instance *i = w2n__store_impl(h->store)->instances; i; i = ((w2n_instance_priv *)w2n__hdr(i)->runtime_data)->next)
    mark_instance(h, i);
  for (size_t i = 0; i < h->holds.cap; i++)
    if (h->holds.keys[i]) mark_word(h, h->holds.keys[i]);
  drain(h);
  rescan_marked(h);
}

/* Spills every callee-saved register into this frame (a reference may live only in one), then
 * marks. */
__attribute__((noinline)) static void spill_and_mark(heap *h, uintptr_t stack_top) {
  jmp_buf regs;
  __builtin_unwind_init();
  /* setjmp fills only part of it: the rest would hold stale words of earlier deeper calls. */
  memset(&regs, 0, sizeof regs);
  setjmp(regs);
  mark_from_roots(h, stack_top);
  __asm__ volatile("" : : "r"(&regs) : "memory"); /* keeps `regs` alive across the marking */
}

/* The top of the stack to scan: just above the store's outermost activation. 0 (and *top = 0)
 * when the store has activations that are not all on this thread's stack (a store handed between
 * threads inside a call): then nothing can be collected safely. */
static int stack_top_of(w2n_store *store, uintptr_t *top) {
  w2n_activation *a = store->activation, *outer = NULL;
  *top = 0;
  /* The store's activations, innermost first, must be exactly those of this thread for it. */
  for (w2n_activation *t = w2n__thread_activation(); t; t = t->prev) {
    if (t->store != store) continue;
    if (t != a) return 0;
    outer = a;
    a = a->prev_store_activation;
  }
  if (a) return 0;
  if (outer) *top = (uintptr_t)outer + sizeof *outer;
  return 1;
}

/* ---- Sweeping ---- */

static void sweep_chunks(heap *h, uint64_t *live) {
  for (uint32_t cls = 0; cls < NUM_CLASSES; cls++) {
    chunk *prev = NULL, *next;
    for (chunk *c = h->head[cls]; c; c = next) {
      next = c->next;
      uint32_t used = 0;
      for (uint32_t w = 0; w < c->nwords; w++) {
        uint64_t kept = c->alloc[w] & c->mark[w];
        used += (uint32_t)__builtin_popcountll(kept);
        c->alloc[w] = kept;
        c->mark[w] = 0;
      }
      c->alloc[c->nwords - 1] |= c->tail;
      c->used = used;
      c->cursor = 0;
      if (used) {
        *live += (uint64_t)used * c->slot_size;
        prev = c;
        continue;
      }
      /* Empty: into the pool (reused by any class). */
      if (prev) prev->next = next;
      else h->head[cls] = next;
      c->nslots = 0;
      c->next = h->pool;
      h->pool = c;
      h->pool_bytes += CHUNK;
    }
    h->tail[cls] = prev;
    h->cur[cls] = h->head[cls];
  }
}

static void sweep_large(heap *h, uint64_t *live) {
  size_t kept = 0;
  for (size_t i = 0; i < h->num_large; i++) {
    large_obj l = h->large[i];
    if (l.marked) {
      l.marked = 0;
      h->large[kept++] = l;
      *live += l.bytes;
      continue;
    }
    pm_del(&h->large_starts, l.start);
    free((void *)l.start);
    h->heap_bytes -= l.bytes;
  }
  h->num_large = kept; /* still sorted */
}

static void sweep(heap *h) {
  uint64_t live = 0;
  sweep_chunks(h, &live);
  sweep_large(h, &live);
  h->live_bytes = live;
  h->since = 0;
  /* The next collection after twice the live bytes: marking costs at most half a byte per byte
   * allocated, and the heap holds about three times its live data. */
  h->threshold = 2 * live > MIN_TRIGGER ? 2 * live : MIN_TRIGGER;
  /* Keep as many empty chunks as the next cycle may fill; unmap the rest. */
  while (h->pool && h->pool_bytes > h->threshold) {
    chunk *c = h->pool;
    h->pool = c->next;
    h->pool_bytes -= CHUNK;
    chunk_unmap(h, c);
  }
}

/* A full collection. 0 when it could not run (see stack_top_of). */
static int collect(heap *h) {
  uintptr_t top;
  if (!stack_top_of(h->store, &top)) return 0;
  large_sort(h);
  spill_and_mark(h, top);
  sweep(h);
  h->collections++;
  return 1;
}

/* ---- Allocation ---- */

static heap *heap_of(w2n_store *store) {
  w2n_store_impl *s = w2n__store_impl(store);
  if (!s->gc) {
    heap *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->store = store;
    h->lo = UINTPTR_MAX;
    h->threshold = MIN_TRIGGER;
    s->gc = h;
  }
  return s->gc;
}

/* An object of `bytes` (a multiple of 16), or NULL; *charged: the bytes it counts for. */
static void *take(heap *h, uint64_t bytes, uint64_t limit, uint64_t *charged) {
  if (bytes > SMALL_MAX) {
    *charged = bytes;
    return large_take(h, bytes, limit);
  }
  uint32_t cls = size_class(bytes);
  *charged = class_bytes[cls];
  void *p = class_take(h, cls);
  if (!p) {
    chunk *c = chunk_new(h, cls, limit);
    p = c ? chunk_take(c) : NULL;
  }
  if (p) memset(p, 0, (size_t)bytes);
  return p;
}

void *w2n__gc_alloc(w2n_instance *ctx, const w2n_rtt *rtt, uint64_t bytes) {
  w2n_store *store = w2n__hdr(ctx)->store;
  heap *h = heap_of(store);
  if (bytes > MAX_OBJECT) w2n_trap(ctx, W2N_TRAP_ALLOC_TOO_LARGE);
  /* Past the limit or out of memory: "GC heap out of memory". */
  if (!h) w2n_trap(ctx, W2N_TRAP_GC_OOM);
  bytes = (bytes + 15) & ~(uint64_t)15;
  uint64_t limit = w2n__store_impl(store)->limits.max_gc_heap, charged;
  int collected = h->since >= h->threshold && collect(h);
  void *p = take(h, bytes, limit, &charged);
  if (!p && !collected && collect(h)) p = take(h, bytes, limit, &charged);
  if (!p && release_pool(h)) p = take(h, bytes, limit, &charged); /* room for a large object */
  if (!p) w2n_trap(ctx, W2N_TRAP_GC_OOM);
  h->since += charged;
  *(const w2n_rtt **)p = rtt;
  return p;
}

void *w2n_gc_alloc_struct(w2n_instance *ctx, const w2n_rtt *rtt) {
  return w2n__gc_alloc(ctx, rtt, rtt->size < 8 ? 8 : rtt->size);
}

void *w2n_gc_alloc_array(w2n_instance *ctx, const w2n_rtt *rtt, uint32_t length) {
  /* One byte past the elements: see "Lookup" at the top. */
  char *a = w2n__gc_alloc(ctx, rtt, 16 + (uint64_t)length * rtt->size + 1);
  *(uint32_t *)(a + 8) = length;
  return a;
}

/* ---- Between the extern and any hierarchies ---- */

void *w2n_gc_extern_to_any(w2n_instance *ctx, void *ref) {
  if (!ref) return NULL;
  heap *h = w2n__store_impl(w2n__hdr(ctx)->store)->gc;
  if (h && is_object_start(h, (uintptr_t)ref)) {
    const w2n_rtt *rtt = *(const w2n_rtt *const *)ref;
    return rtt->kind == W2N_RTT_I31_BOX ? (void *)((const uintptr_t *)ref)[1] : ref;
  }
  void **box = w2n__gc_alloc(ctx, &host_box_rtt, 16);
  box[1] = ref;
  return box;
}

void *w2n_gc_any_to_extern(w2n_instance *ctx, void *ref) {
  if (!ref) return NULL;
  if ((uintptr_t)ref & 1) {
    void **box = w2n__gc_alloc(ctx, &i31_box_rtt, 16);
    box[1] = ref;
    return box;
  }
  const w2n_rtt *rtt = *(const w2n_rtt *const *)ref;
  return rtt->kind == W2N_RTT_HOST_BOX ? ((void *const *)ref)[1] : ref;
}

/* ---- For the host ---- */

void w2n_gc_hold(w2n_store *store, void *ref) {
  heap *h = w2n__store_impl(store)->gc;
  found f;
  /* Only objects need holding; anything else (NULL, i31, host pointers) is ignored by both. */
  if (!h || !find(h, (uintptr_t)ref, &f)) return;
  uint64_t *count = pm_get(&h->holds, (uintptr_t)ref);
  if (count) {
    ++*count;
  } else if (pm_put(&h->holds, (uintptr_t)ref, 1) != 0) {
    /* Going on would let the collector free what the host uses. */
    fprintf(stderr, "wasm2native: out of memory holding a GC reference\n");
    abort();
  }
}

void w2n_gc_release(w2n_store *store, void *ref) {
  heap *h = w2n__store_impl(store)->gc;
  uint64_t *count = h && ref ? pm_get(&h->holds, (uintptr_t)ref) : NULL;
  if (count && --*count == 0) pm_del(&h->holds, (uintptr_t)ref);
}

void w2n_gc_collect(w2n_store *store) {
  heap *h = store ? w2n__store_impl(store)->gc : NULL;
  if (h) collect(h);
}

void w2n_gc_stats(w2n_store *store, uint64_t *live_bytes, uint64_t *heap_bytes, uint64_t *collections) {
  heap *h = store ? w2n__store_impl(store)->gc : NULL;
  if (live_bytes) *live_bytes = h ? h->live_bytes + h->since : 0;
  if (heap_bytes) *heap_bytes = h ? h->heap_bytes : 0;
  if (collections) *collections = h ? h->collections : 0;
}

void w2n__gc_free(w2n_store_impl *s) {
  heap *h = s->gc;
  if (!h) return;
  for (uint32_t cls = 0; cls < NUM_CLASSES; cls++)
    for (chunk *c = h->head[cls], *next; c; c = next) {
      next = c->next;
      munmap(c, CHUNK);
    }
  for (chunk *c = h->pool, *next; c; c = next) {
    next = c->next;
    munmap(c, CHUNK);
  }
  for (size_t i = 0; i < h->num_large; i++) free((void *)h->large[i].start);
  free(h->large);
  pm_free(&h->chunks);
  pm_free(&h->large_starts);
  pm_free(&h->holds);
  free(h->stack);
  free(h);
  s->gc = NULL;
}
