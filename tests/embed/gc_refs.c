// A C host holding a GC reference across calls (w2n_gc_hold), collections on request and in
// allocation, a store's GC heap limit (w2n_store_limits.max_gc_heap), and the store after the
// limit's trap.
// module: gc_refs.wat
// stdout: sum of the held list after 200,000 garbage lists: 499500
// stdout: collections ran: yes
// stdout: hoarding past 16 MiB: GC heap out of memory (code 27)
// stdout: after the trap, the store still runs: 499500
// stdout: released and collected: less than 1 MiB live: yes
#include "gc_refs.h"

#include <stdio.h>

int main(void) {
  w2n_error err;
  w2n_store_limits limits = W2N_STORE_LIMITS_NONE;
  limits.max_gc_heap = 16u << 20;
  w2n_gc_refs_instance *p = w2n_gc_refs_new_limited(&limits, NULL, NULL, &err);
  if (!p) return 1;
  void *list;
  int32_t sum;
  if (w2n_gc_refs_call_list(p, 1000, &list, &err) != 0) return 1;
  /* Between calls only this host knows the list: it must hold it. */
  w2n_gc_hold(p->store, list);
  if (w2n_gc_refs_call_churn(p, 200000, &err) != 0) return 1;
  w2n_gc_collect(p->store);
  if (w2n_gc_refs_call_sum(p, list, &sum, &err) != 0) return 1;
  printf("sum of the held list after 200,000 garbage lists: %d\n", sum);
  uint64_t live, heap, collections;
  w2n_gc_stats(p->store, &live, &heap, &collections);
  printf("collections ran: %s\n", collections > 1 ? "yes" : "no");
  if (w2n_gc_refs_call_hoard(p, 10000000, &err) == 0) return 1;
  printf("hoarding past 16 MiB: %s (code %u)\n", err.message, err.trap);
  if (w2n_gc_refs_call_drop_hoard(p, &err) != 0 || w2n_gc_refs_call_churn(p, 1000, &err) != 0) return 1;
  if (w2n_gc_refs_call_sum(p, list, &sum, &err) != 0) return 1;
  printf("after the trap, the store still runs: %d\n", sum);
  w2n_gc_release(p->store, list);
  w2n_gc_collect(p->store);
  w2n_gc_stats(p->store, &live, &heap, &collections);
  printf("released and collected: less than 1 MiB live: %s\n", live < (1u << 20) ? "yes" : "no");
  w2n_gc_refs_free(p);
  return 0;
}
