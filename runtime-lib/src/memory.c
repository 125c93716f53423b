/*
 * memory.c — linear memories: address-space reservations, memory.grow, and the bulk memory
 * operations (memory.fill, memory.copy, memory.init).
 *
 * A 32-bit memory reserves W2N_MEM32_RESERVATION bytes of PROT_NONE address space (any u32 address
 * plus u32 offset lands inside it) and makes the first `size` bytes read-write; growing only changes
 * protections, so `base` never moves. A memory64 reserves its maximum, capped at
 * W2N_MEM64_RESERVATION_CAP, and relies on the explicit bounds checks of generated code.
 *
 * The store's limits (w2n_store_limits) bound a memory's minimum at creation and memory.grow; a
 * failed grow returns -1, or traps W2N_TRAP_MEMORY_GROW_FAILED when the store asks for it.
 *
 * Bulk operations check bounds before writing anything, with overflow-free arithmetic, and trap
 * (w2n_trap) when out of bounds: exactly the spec's semantics.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

/* Bytes made read-write for a memory of `size` bytes: whole OS pages (custom page sizes may end a
 * memory inside one; the compiler checks such memories' bounds explicitly). */
static uint64_t os_round(uint64_t size) {
#if defined(__APPLE__) && defined(__aarch64__)
  uint64_t os_page = 16384; /* Apple silicon's pages: mprotect() needs addresses aligned to them */
#else
  uint64_t os_page = 4096;
#endif
  return (size + os_page - 1) & ~(os_page - 1);
}

int w2n__memory_create(w2n_memory *mem, const w2n_limits_desc *desc, const w2n_store_limits *limits,
                       w2n_error *err) {
  int is64 = (desc->type & W2N_MEM_64) != 0;
  int no_max = desc->max == UINT64_MAX;
  uint64_t page = W2N_PAGE_SIZE(desc->type);
  uint64_t max_pages, reserve;
  if (is64) {
    uint64_t declared = no_max ? (1ull << 48) : desc->max;
    uint64_t cap = W2N_MEM64_RESERVATION_CAP / page;
    max_pages = declared < cap ? declared : cap;
    reserve = os_round(max_pages * page);
    if (reserve == 0) reserve = W2N_WASM_PAGE;
  } else {
    uint64_t limit = page == 1 ? (1ull << 32) : W2N_MEM32_DECLARABLE_PAGES;
    max_pages = no_max || desc->max > limit ? limit : desc->max;
    reserve = W2N_MEM32_RESERVATION;
  }
  uint64_t holdable = w2n__holdable_pages(desc->type, max_pages);
  if (desc->min > holdable) {
    w2n__error_set(err, W2N_TRAP_NONE, "memory of %llu pages exceeds the implementation limit of %llu pages",
                   (unsigned long long)desc->min, (unsigned long long)holdable);
    return -1;
  }
  if (desc->min > limits->max_memory_size / page) {
    w2n__error_set(err, W2N_TRAP_NONE,
                   "memory of %llu bytes (its minimum) exceeds the store's max-memory-size limit of %llu bytes",
                   (unsigned long long)(desc->min * page), (unsigned long long)limits->max_memory_size);
    return -1;
  }
  void *base = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    w2n__error_set(err, W2N_TRAP_NONE, "cannot reserve %llu bytes for a linear memory: %s",
                   (unsigned long long)reserve, strerror(errno));
    return -1;
  }
  uint64_t size = desc->min * page;
  if (size && mprotect(base, os_round(size), PROT_READ | PROT_WRITE) != 0) {
    int e = errno;
    munmap(base, reserve);
    w2n__error_set(err, W2N_TRAP_NONE, "cannot allocate %llu bytes of linear memory: %s", (unsigned long long)size,
                   strerror(e));
    return -1;
  }
  if (w2n__register_reservation(base, reserve) != 0) {
    munmap(base, reserve);
    w2n__error_set(err, W2N_TRAP_NONE, "too many linear memories");
    return -1;
  }
  mem->base = base;
  mem->size = size;
  mem->max_pages = max_pages;
  mem->reserved = reserve;
  mem->flags = desc->type;
  mem->limit_flags = no_max ? W2N__NO_DECLARED_MAX : 0;
  return 0;
}

void w2n__memory_destroy(w2n_memory *mem) {
  if (!mem->base) return;
  w2n__unregister_reservation(mem->base);
  munmap(mem->base, mem->reserved);
  mem->base = NULL;
  mem->size = 0;
}

/* A failed memory.grow: -1, or the trap the store's limits ask for. */
static int64_t grow_failed(w2n_instance *ctx) {
  if (w2n__store_impl(w2n__hdr(ctx)->store)->limits.flags & W2N_LIMITS_TRAP_ON_GROW_FAILURE)
    w2n_trap(ctx, W2N_TRAP_MEMORY_GROW_FAILED);
  return -1;
}

int64_t w2n_memory_grow(w2n_instance *ctx, uint32_t index, uint64_t delta_pages) {
  w2n_memory *mem = w2n__memories(ctx)[index];
  uint64_t page = W2N_PAGE_SIZE(mem->flags);
  uint64_t old = mem->size / page;
  if (delta_pages == 0) return (int64_t)old; /* even past a limit lowered since */
  uint64_t limit = w2n__holdable_pages(mem->flags, mem->max_pages);
  uint64_t store_limit = w2n__store_impl(w2n__hdr(ctx)->store)->limits.max_memory_size / page;
  if (store_limit < limit) limit = store_limit;
  if (delta_pages > limit || old > limit - delta_pages) return grow_failed(ctx);
  uint64_t grow = delta_pages * page;
  if (grow > mem->reserved - mem->size) return grow_failed(ctx);
  uint64_t from = os_round(mem->size), to = os_round(mem->size + grow);
  if (to > from && mprotect(mem->base + from, to - from, PROT_READ | PROT_WRITE) != 0) return grow_failed(ctx);
  mem->size += grow;
  return (int64_t)old;
}

/* 1 when [start, start+len) lies within [0, limit). */
static inline int in_bounds(uint64_t start, uint64_t len, uint64_t limit) {
  return start <= limit && len <= limit - start;
}

void w2n_memory_fill(w2n_instance *ctx, uint32_t index, uint64_t dst, uint32_t value, uint64_t len) {
  w2n_memory *mem = w2n__memories(ctx)[index];
  if (!in_bounds(dst, len, mem->size)) w2n_trap(ctx, W2N_TRAP_MEMORY_OOB);
  uint8_t *p = mem->base + dst;
  for (; len > W2N_BULK_CHUNK; len -= W2N_BULK_CHUNK, p += W2N_BULK_CHUNK) { /* interruptible in chunks */
    w2n__poll_interrupt(ctx);
    memset(p, (int)(uint8_t)value, W2N_BULK_CHUNK);
  }
  if (len) memset(p, (int)(uint8_t)value, len);
}

void w2n_memory_copy(w2n_instance *ctx, uint32_t dst_index, uint32_t src_index, uint64_t dst, uint64_t src,
                     uint64_t len) {
  w2n_memory *dmem = w2n__memories(ctx)[dst_index];
  w2n_memory *smem = w2n__memories(ctx)[src_index];
  if (!in_bounds(dst, len, dmem->size) || !in_bounds(src, len, smem->size)) w2n_trap(ctx, W2N_TRAP_MEMORY_OOB);
  uint8_t *d = dmem->base + dst;
  const uint8_t *from = smem->base + src;
  /* In chunks (interruptible), front to back or, when the destination overlaps the source's end,
   * back to front: each chunk reads bytes no earlier chunk wrote. */
  if (d <= from) {
    for (; len > W2N_BULK_CHUNK; len -= W2N_BULK_CHUNK, d += W2N_BULK_CHUNK, from += W2N_BULK_CHUNK) {
      w2n__poll_interrupt(ctx);
      memmove(d, from, W2N_BULK_CHUNK);
    }
    if (len) memmove(d, from, len);
  } else {
    for (; len > W2N_BULK_CHUNK; len -= W2N_BULK_CHUNK) {
      w2n__poll_interrupt(ctx);
      memmove(d + len - W2N_BULK_CHUNK, from + len - W2N_BULK_CHUNK, W2N_BULK_CHUNK);
    }
    if (len) memmove(d, from, len);
  }
}

void w2n_memory_init(w2n_instance *ctx, uint32_t index, uint32_t seg, const uint8_t *data, uint64_t dst,
                     uint64_t src, uint64_t len) {
  w2n_memory *mem = w2n__memories(ctx)[index];
  uint64_t seg_len = w2n__data_lens(ctx)[seg];
  if (!in_bounds(src, len, seg_len) || !in_bounds(dst, len, mem->size)) w2n_trap(ctx, W2N_TRAP_MEMORY_OOB);
  for (; len > W2N_BULK_CHUNK; len -= W2N_BULK_CHUNK, dst += W2N_BULK_CHUNK, src += W2N_BULK_CHUNK) {
    w2n__poll_interrupt(ctx); /* interruptible in chunks */
    memcpy(mem->base + dst, data + src, W2N_BULK_CHUNK);
  }
  if (len) memcpy(mem->base + dst, data + src, len);
}
