/*
 * table.c — tables: creation, table.grow and the bulk table operations (table.fill, table.copy,
 * table.init).
 *
 * The store's limits (w2n_store_limits) bound a table's minimum at creation and table.grow; a failed
 * grow returns -1, or traps W2N_TRAP_TABLE_GROW_FAILED when the store asks for it.
 *
 * `elems` is a malloc'd array that table.grow may move (realloc): generated code must reload
 * `elems` after anything that can grow a table (any call). Bulk operations check bounds before
 * writing anything and trap with W2N_TRAP_TABLE_OOB, exactly as the spec says.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int w2n__table_create(w2n_table *tab, const w2n_limits_desc *desc, const w2n_store_limits *limits,
                      w2n_error *err) {
  int no_max = desc->max == UINT64_MAX;
  uint64_t max = no_max ? W2N_TABLE_IMPL_MAX : desc->max;
  if (desc->min > max || desc->min > W2N_TABLE_IMPL_MAX) {
    w2n__error_set(err, W2N_TRAP_NONE, "table of %llu elements exceeds the implementation limit",
                   (unsigned long long)desc->min);
    return -1;
  }
  if (desc->min > limits->max_table_elements) {
    w2n__error_set(err, W2N_TRAP_NONE,
                   "table of %llu elements (its minimum) exceeds the store's max-table-elements limit of %llu",
                   (unsigned long long)desc->min, (unsigned long long)limits->max_table_elements);
    return -1;
  }
  uint64_t cap = desc->min ? desc->min : 1;
  void **elems = calloc(cap, sizeof(void *));
  if (!elems) {
    w2n__error_set(err, W2N_TRAP_NONE, "out of memory creating a table of %llu elements",
                   (unsigned long long)desc->min);
    return -1;
  }
  tab->elems = elems;
  tab->size = desc->min;
  tab->max = max;
  tab->capacity = cap;
  tab->elem_type = desc->type;
  tab->elem_valtype = desc->valtype;
  tab->limit_flags = no_max ? W2N__NO_DECLARED_MAX : 0;
  return 0;
}

void w2n__table_destroy(w2n_table *tab) {
  free(tab->elems);
  tab->elems = NULL;
  tab->size = tab->capacity = 0;
}

/* A failed table.grow: -1, or the trap the store's limits ask for. */
static int64_t grow_failed(w2n_instance *ctx) {
  if (w2n__store_impl(w2n__hdr(ctx)->store)->limits.flags & W2N_LIMITS_TRAP_ON_GROW_FAILURE)
    w2n_trap(ctx, W2N_TRAP_TABLE_GROW_FAILED);
  return -1;
}

int64_t w2n_table_grow(w2n_instance *ctx, uint32_t index, void *init, uint64_t delta) {
  w2n_table *tab = w2n__tables(ctx)[index];
  uint64_t old = tab->size;
  if (delta == 0) return (int64_t)old; /* even past a limit lowered since */
  uint64_t max = tab->max < W2N_TABLE_IMPL_MAX ? tab->max : W2N_TABLE_IMPL_MAX;
  uint64_t store_limit = w2n__store_impl(w2n__hdr(ctx)->store)->limits.max_table_elements;
  if (store_limit < max) max = store_limit;
  if (delta > max || old > max - delta) return grow_failed(ctx);
  uint64_t size = old + delta;
  if (size > tab->capacity) {
    uint64_t cap = tab->capacity * 2;
    if (cap < size) cap = size;
    if (cap > max) cap = max;
    void **elems = realloc(tab->elems, cap * sizeof(void *));
    if (!elems) return grow_failed(ctx);
    tab->elems = elems;
    tab->capacity = cap;
  }
  for (uint64_t i = old; i < size; i++) tab->elems[i] = init;
  tab->size = size;
  return (int64_t)old;
}

static inline int in_bounds(uint64_t start, uint64_t len, uint64_t limit) {
  return start <= limit && len <= limit - start;
}

void w2n_table_fill(w2n_instance *ctx, uint32_t index, uint64_t dst, void *value, uint64_t len) {
  w2n_table *tab = w2n__tables(ctx)[index];
  if (!in_bounds(dst, len, tab->size)) w2n_trap(ctx, W2N_TRAP_TABLE_OOB);
  for (uint64_t i = 0; i < len; i++) tab->elems[dst + i] = value;
}

void w2n_table_copy(w2n_instance *ctx, uint32_t dst_index, uint32_t src_index, uint64_t dst, uint64_t src,
                    uint64_t len) {
  w2n_table *dtab = w2n__tables(ctx)[dst_index];
  w2n_table *stab = w2n__tables(ctx)[src_index];
  if (!in_bounds(dst, len, dtab->size) || !in_bounds(src, len, stab->size)) w2n_trap(ctx, W2N_TRAP_TABLE_OOB);
  if (len) memmove(dtab->elems + dst, stab->elems + src, len * sizeof(void *));
}

void w2n_table_init(w2n_instance *ctx, uint32_t index, uint32_t seg, uint32_t items_offset, uint64_t dst,
                    uint64_t src, uint64_t len) {
  w2n_table *tab = w2n__tables(ctx)[index];
  uint64_t seg_len = w2n__elem_lens(ctx)[seg];
  if (!in_bounds(src, len, seg_len) || !in_bounds(dst, len, tab->size)) w2n_trap(ctx, W2N_TRAP_TABLE_OOB);
  /* items_offset: byte offset of the segment's first item within the elem_items region. */
  void *const *items = (void *const *)((char *)ctx + w2n__mod(ctx)->layout.elem_items + items_offset);
  if (len) memcpy(tab->elems + dst, items + src, len * sizeof(void *));
}
