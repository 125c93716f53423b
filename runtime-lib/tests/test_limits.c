/* Store limits (w2n_store_set_limits): memory bytes and table elements at creation and on grow (for
 * 64 KiB and 1-byte pages), instances, memories and tables per store, trap-on-grow-failure, and a
 * limit lowered below what a memory holds. */
#include "harness.h"

static const char *const sigs[] = {"i:i"};
static const w2n_array_call_fn acs[] = {t_ac_i_i};

/* The memory (or table) the next grow acts on. */
static uint32_t which;

GEN static int32_t g_grow(w2n_instance *ctx, int32_t delta) {
  return (int32_t)w2n_memory_grow(ctx, which, (uint64_t)(uint32_t)delta);
}
GEN static int32_t g_table_grow(w2n_instance *ctx, int32_t delta) {
  return (int32_t)w2n_table_grow(ctx, 0, NULL, (uint64_t)(uint32_t)delta);
}

static const uint32_t func_types[] = {0, 0};
static void *const func_code[] = {(void *)g_grow, (void *)g_table_grow};
static const char *const func_names[] = {"grow", "table_grow"};
static const uint8_t referenced[] = {1, 1};
/* Memory 0: 1 page of 64 KiB, no maximum; memory 1: 10 pages of 1 byte, no maximum. */
static const w2n_limits_desc mems[] = {{0, 0, 1, UINT64_MAX}, {W2N_MEM_PAGE1, 0, 10, UINT64_MAX}};
static const w2n_limits_desc tabs[] = {{W2N_FUNCREF, 0, 4, UINT64_MAX}};
static const w2n_export_desc exports[] = {{"grow", W2N_EXTERN_FUNC, 0, sizeof "grow" - 1},
                                          {"table_grow", W2N_EXTERN_FUNC, 1, sizeof "table_grow" - 1}};

static w2n_module m;
static w2n_error err;

static w2n_instance *make(w2n_store *s) {
  memset(&err, 0, sizeof err);
  return w2n_instantiate(s, &m, NULL, NULL, &err);
}

static int32_t grow(w2n_store *s, w2n_instance *inst, const char *fn, uint32_t mem, int32_t delta) {
  which = mem;
  int32_t r = -100;
  memset(&err, 0, sizeof err);
  if (t_call_i_i(s, t_export_func(inst, fn), delta, &r, &err) != 0) return -200;
  return r;
}

int main(void) {
  m.abi_version = W2N_ABI_VERSION;
  m.num_types = 1;
  m.type_sigs = sigs;
  m.type_array_calls = acs;
  m.num_exports = sizeof exports / sizeof exports[0];
  m.exports = exports;
  m.num_funcs = 2;
  m.func_types = func_types;
  m.func_code = func_code;
  m.func_names = func_names;
  m.func_referenced = referenced;
  m.num_memories = 2;
  m.memories = mems;
  m.num_tables = 1;
  m.tables = tabs;
  m.code_start = __start_w2n_gen;
  m.code_end = __stop_w2n_gen;
  t_layout(&m, 0);

  CHECK(w2n_store_set_limits(NULL, NULL) == -1, "w2n_store_set_limits(NULL) fails");
  w2n_store *s = w2n_store_new();
  w2n_store_limits l = W2N_STORE_LIMITS_NONE;
  l.max_memory_size = 3 * 65536;
  l.max_table_elements = 6;
  l.max_instances = 2;
  CHECK(w2n_store_set_limits(s, &l) == 0, "set limits");

  w2n_instance *a = make(s);
  CHECK(a != NULL, "first instance (%s)", a ? "ok" : err.message);
  if (!a) return t_done();
  CHECK(grow(s, a, "grow", 0, 2) == 1, "memory.grow to the limit succeeds");
  CHECK(grow(s, a, "grow", 0, 1) == -1, "memory.grow past max-memory-size returns -1");
  CHECK(grow(s, a, "grow", 0, 0) == 3, "the memory kept its size");
  CHECK(grow(s, a, "grow", 1, 196598) == 10, "a 1-byte-page memory grows to the limit in bytes");
  CHECK(grow(s, a, "grow", 1, 1) == -1, "and no further");
  CHECK(grow(s, a, "table_grow", 0, 2) == 4, "table.grow to the limit succeeds");
  CHECK(grow(s, a, "table_grow", 0, 1) == -1, "table.grow past max-table-elements returns -1");

  w2n_instance *b = make(s);
  CHECK(b != NULL, "second instance");
  w2n_instance *c = make(s);
  CHECK(c == NULL && strstr(err.message, "max-instances limit of 2"), "third instance: %s", err.message);
  w2n_instance_free(b);
  b = make(s);
  CHECK(b != NULL, "freeing one makes room");
  w2n_instance_free(b);

  l.max_memories = 3;
  l.max_tables = 2;
  w2n_store_set_limits(s, &l);
  b = make(s);
  CHECK(b == NULL && strstr(err.message, "max-memories limit of 3 (it holds 2, the module defines 2)"), "memories: %s",
        err.message);
  l.max_memories = W2N_NO_LIMIT;
  l.max_tables = 1;
  w2n_store_set_limits(s, &l);
  b = make(s);
  CHECK(b == NULL && strstr(err.message, "max-tables limit of 1 (it holds 1, the module defines 1)"), "tables: %s",
        err.message);

  l.flags = W2N_LIMITS_TRAP_ON_GROW_FAILURE;
  w2n_store_set_limits(s, &l);
  CHECK(grow(s, a, "grow", 0, 1) == -200 && err.trap == W2N_TRAP_MEMORY_GROW_FAILED &&
            strcmp(err.message, "memory.grow failed") == 0,
        "trap-on-grow-failure: memory.grow traps (%s)", err.message);
  CHECK(grow(s, a, "table_grow", 0, 1) == -200 && err.trap == W2N_TRAP_TABLE_GROW_FAILED, "table.grow traps (%s)",
        err.message);
  CHECK(grow(s, a, "grow", 0, 0) == 3, "growing by 0 never fails");

  l.max_memory_size = 65536;
  l.flags = 0;
  w2n_store_set_limits(s, &l);
  CHECK(grow(s, a, "grow", 0, 0) == 3, "a limit lowered below the size: growing by 0 still gives the size");
  CHECK(grow(s, a, "grow", 0, 1) == -1, "growing more fails");
  w2n_instance_free(a);
  w2n_store_free(s);

  s = w2n_store_new();
  l = (w2n_store_limits)W2N_STORE_LIMITS_NONE;
  l.max_memory_size = 32768;
  w2n_store_set_limits(s, &l);
  a = make(s);
  CHECK(a == NULL && strstr(err.message, "memory of 65536 bytes (its minimum) exceeds the store's max-memory-size "
                                          "limit of 32768 bytes"),
        "initial memory over the limit: %s", err.message);
  l = (w2n_store_limits)W2N_STORE_LIMITS_NONE;
  l.max_table_elements = 3;
  w2n_store_set_limits(s, &l);
  a = make(s);
  CHECK(a == NULL && strstr(err.message, "table of 4 elements (its minimum) exceeds the store's max-table-elements "
                                          "limit of 3"),
        "initial table over the limit: %s", err.message);
  l.max_table_elements = 4;
  w2n_store_set_limits(s, &l);
  a = make(s);
  CHECK(a != NULL, "failed instantiations left nothing counted");
  w2n_instance_free(a);
  w2n_store_free(s);
  return t_done();
}
