// A C host that runs untrusted modules under store limits (w2n_store_set_limits): instances per
// store, memories and tables per store, memory bytes and table elements per memory and table, and
// trap-on-grow-failure; `P_new_limited` of the generated header does the same for one instance.
// module: limits.wat
// stdout: instance 1: ok
// stdout: instance 2: ok
// stdout: instance 3: instantiation would exceed the store's max-instances limit of 2
// stdout: after freeing one: ok
// stdout: grow(1) = 1, grow(1) = -1
// stdout: grow_table(3) = 1, grow_table(1) = -1
// stdout: max-memories 1: instantiation would exceed the store's max-memories limit of 1 (it holds 1, the module defines 1)
// stdout: trap on grow: memory.grow failed (code 20)
// stdout: table trap: table.grow failed (code 21)
// stdout: small store: memory of 65536 bytes (its minimum) exceeds the store's max-memory-size limit of 32768 bytes
#include "limits.h"

#include <stdio.h>

static const char *try_new(w2n_store *store, w2n_instance **out, w2n_error *err) {
  *out = w2n_instantiate(store, &w2n_limits_module, NULL, NULL, err);
  return *out ? "ok" : err->message;
}

static int32_t call_i32(w2n_store *store, w2n_instance *inst, const char *name, int32_t arg, w2n_error *err) {
  w2n_extern e;
  if (w2n_instance_export(inst, name, &e) != 0) return -100;
  w2n_value v[1];
  v[0].i32 = arg;
  if (w2n_call(store, e.of.func, v, err) != 0) return -200;
  return v[0].i32;
}

int main(void) {
  w2n_error err;
  w2n_store_limits limits = W2N_STORE_LIMITS_NONE;
  limits.max_instances = 2;
  limits.max_memory_size = 2 * 65536;
  limits.max_table_elements = 4;
  w2n_store *store = w2n_store_new();
  if (!store || w2n_store_set_limits(store, &limits) != 0) return 1;
  w2n_instance *a, *b, *c;
  printf("instance 1: %s\n", try_new(store, &a, &err));
  printf("instance 2: %s\n", try_new(store, &b, &err));
  printf("instance 3: %s\n", try_new(store, &c, &err));
  w2n_instance_free(b);
  printf("after freeing one: %s\n", try_new(store, &b, &err));
  int32_t g1 = call_i32(store, a, "grow", 1, &err);
  int32_t g2 = call_i32(store, a, "grow", 1, &err);
  printf("grow(1) = %d, grow(1) = %d\n", g1, g2);
  g1 = call_i32(store, a, "grow_table", 3, &err);
  g2 = call_i32(store, a, "grow_table", 1, &err);
  printf("grow_table(3) = %d, grow_table(1) = %d\n", g1, g2);
  w2n_instance_free(a);
  w2n_instance_free(b);

  limits.max_memories = 1;
  limits.flags = W2N_LIMITS_TRAP_ON_GROW_FAILURE;
  w2n_store_set_limits(store, &limits);
  if (!try_new(store, &a, &err) || !a) return 1;
  printf("max-memories 1: %s\n", try_new(store, &b, &err));
  if (call_i32(store, a, "grow", 1, &err) != 1) return 1;
  if (call_i32(store, a, "grow", 1, &err) != -200) return 1;
  printf("trap on grow: %s (code %u)\n", err.message, err.trap);
  if (call_i32(store, a, "grow_table", 4, &err) != -200) return 1;
  printf("table trap: %s (code %u)\n", err.message, err.trap);
  w2n_instance_free(a);
  w2n_store_free(store);

  w2n_store_limits small = W2N_STORE_LIMITS_NONE;
  small.max_memory_size = 32768;
  w2n_limits_instance *p = w2n_limits_new_limited(&small, NULL, NULL, &err);
  printf("small store: %s\n", p ? "ok" : err.message);
  w2n_limits_free(p);
  return 0;
}
