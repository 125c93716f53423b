/* GC arrays' operations that read segments: array.new_data, array.new_elem, array.init_data,
 * array.init_elem. (Element access, fill and copy are generated inline.) Arrays are laid out as
 * w2n_runtime.h says above `w2n_rtt`: the length at offset 8, elements from offset 16. Bounds are
 * checked before anything is allocated or written, in the spec's order. */
#include "internal.h"

#include <string.h>

#define ARRAY_LEN 8
#define ARRAY_ELEMS 16

static uint32_t array_len(const void *array) { return *(const uint32_t *)((const char *)array + ARRAY_LEN); }
static char *array_elems(void *array) { return (char *)array + ARRAY_ELEMS; }

static int in_bounds(uint64_t start, uint64_t len, uint64_t size) { return start <= size && len <= size - start; }

/* The elements of a segment item array: element segments hold pointers, one per item. */
static void *const *elem_items(w2n_instance *ctx, uint32_t items_offset) {
  return (void *const *)((char *)ctx + w2n__mod(ctx)->layout.elem_items + items_offset);
}

void *w2n_array_new_data(w2n_instance *ctx, const w2n_rtt *rtt, uint32_t seg, const uint8_t *data, uint32_t src,
                         uint32_t len) {
  uint64_t bytes = (uint64_t)len * rtt->size;
  if (!in_bounds(src, bytes, w2n__data_lens(ctx)[seg])) w2n_trap(ctx, W2N_TRAP_MEMORY_OOB);
  void *array = w2n_gc_alloc_array(ctx, rtt, len);
  if (bytes) memcpy(array_elems(array), data + src, bytes);
  return array;
}

void *w2n_array_new_elem(w2n_instance *ctx, const w2n_rtt *rtt, uint32_t seg, uint32_t items_offset, uint32_t src,
                         uint32_t len) {
  if (!in_bounds(src, len, w2n__elem_lens(ctx)[seg])) w2n_trap(ctx, W2N_TRAP_TABLE_OOB);
  void *array = w2n_gc_alloc_array(ctx, rtt, len);
  if (len) memcpy(array_elems(array), elem_items(ctx, items_offset) + src, (size_t)len * sizeof(void *));
  return array;
}

void w2n_array_init_data(w2n_instance *ctx, void *array, uint32_t seg, const uint8_t *data, uint32_t dst,
                         uint32_t src, uint32_t len) {
  const w2n_rtt *rtt = *(const w2n_rtt **)array;
  if (!in_bounds(dst, len, array_len(array))) w2n_trap(ctx, W2N_TRAP_ARRAY_OOB);
  uint64_t bytes = (uint64_t)len * rtt->size;
  if (!in_bounds(src, bytes, w2n__data_lens(ctx)[seg])) w2n_trap(ctx, W2N_TRAP_MEMORY_OOB);
  if (bytes) memcpy(array_elems(array) + (uint64_t)dst * rtt->size, data + src, bytes);
}

void w2n_array_init_elem(w2n_instance *ctx, void *array, uint32_t seg, uint32_t items_offset, uint32_t dst,
                         uint32_t src, uint32_t len) {
  if (!in_bounds(dst, len, array_len(array))) w2n_trap(ctx, W2N_TRAP_ARRAY_OOB);
  if (!in_bounds(src, len, w2n__elem_lens(ctx)[seg])) w2n_trap(ctx, W2N_TRAP_TABLE_OOB);
  if (len) memcpy(array_elems(array) + (uint64_t)dst * sizeof(void *), elem_items(ctx, items_offset) + src,
                  (size_t)len * sizeof(void *));
}
