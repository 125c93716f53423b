/* Linear memory (guard-page faults, grow) and the bulk memory and table operations' bounds rules. */
#include "harness.h"

static const char *const sigs[] = {"i:i"};
static const w2n_array_call_fn acs[] = {t_ac_i_i};
static const uint8_t seg0[] = "hello world"; /* 11 bytes, passive */
static const uint8_t seg1[] = "dropped";

/* Parameters of the next bulk operation (set by the test, read by the "generated" op function). */
static uint64_t P[6];

GEN static int32_t g_load(w2n_instance *ctx, int32_t addr) {
  volatile uint8_t *base = T_MEM(ctx, 0)->base;
  return base[(uint32_t)addr];
}
GEN static int32_t g_store(w2n_instance *ctx, int32_t addr) {
  volatile uint8_t *base = T_MEM(ctx, 0)->base;
  base[(uint32_t)addr] = 0x77;
  return 0;
}
GEN static int32_t g_load_far(w2n_instance *ctx, int32_t addr) {
  /* u32 address + the largest u32 offset: still inside the 8 GiB reservation */
  volatile uint8_t *base = T_MEM(ctx, 0)->base;
  return base[(uint64_t)(uint32_t)addr + 0xffffffffull];
}
GEN static int32_t g_grow(w2n_instance *ctx, int32_t which) {
  return (int32_t)w2n_memory_grow(ctx, (uint32_t)which, P[0]);
}
GEN static int32_t g_op(w2n_instance *ctx, int32_t op) {
  switch (op) {
  case 1: w2n_memory_fill(ctx, 0, P[0], (uint32_t)P[1], P[2]); break;
  case 2: w2n_memory_copy(ctx, 0, 0, P[0], P[1], P[2]); break;
  case 3: w2n_memory_init(ctx, 0, (uint32_t)P[3], P[3] ? seg1 : seg0, P[0], P[1], P[2]); break;
  case 4: w2n_memory_copy(ctx, 0, 1, P[0], P[1], P[2]); break;
  case 5: w2n_table_fill(ctx, (uint32_t)P[3], P[0], (void *)(uintptr_t)P[1], P[2]); break;
  case 6: w2n_table_copy(ctx, (uint32_t)P[3], (uint32_t)P[4], P[0], P[1], P[2]); break;
  case 7: w2n_table_init(ctx, 0, (uint32_t)P[3], (uint32_t)P[4], P[0], P[1], P[2]); break;
  case 8: return (int32_t)w2n_table_grow(ctx, (uint32_t)P[3], (void *)(uintptr_t)P[1], P[0]);
  }
  return 0;
}

static void m_init(w2n_instance *ctx) {
  uint64_t *data_lens = T_SLOT(ctx, data_lens, uint64_t);
  data_lens[0] = 11;
  data_lens[1] = 0; /* dropped */
  uint64_t *elem_lens = T_SLOT(ctx, elem_lens, uint64_t);
  elem_lens[0] = 3;
  elem_lens[1] = 2;
  void **items = T_SLOT(ctx, elem_items, void *);
  items[0] = T_FUNC(ctx, 0);
  items[1] = T_FUNC(ctx, 1);
  items[2] = NULL;
  items[3] = T_FUNC(ctx, 2);
  items[4] = T_FUNC(ctx, 3);
}

static const uint32_t func_types[] = {0, 0, 0, 0, 0};
static void *const func_code[] = {(void *)g_load, (void *)g_store, (void *)g_load_far, (void *)g_grow, (void *)g_op};
static const char *const func_names[] = {"load", "store", "load_far", "grow", "op"};
static const uint8_t referenced[] = {1, 1, 1, 1, 1};
static const w2n_limits_desc mems[] = {{0, 0, 1, 4}, {0, 0, 1, UINT64_MAX}};
static const w2n_limits_desc tabs[] = {{W2N_FUNCREF, 0, 4, 8}, {W2N_FUNCREF, 0, 2, UINT64_MAX}};
static const w2n_export_desc exports[] = {{"load", W2N_EXTERN_FUNC, 0, sizeof "load" - 1},     {"store", W2N_EXTERN_FUNC, 1, sizeof "store" - 1},
                                          {"load_far", W2N_EXTERN_FUNC, 2, sizeof "load_far" - 1}, {"grow", W2N_EXTERN_FUNC, 3, sizeof "grow" - 1},
                                          {"op", W2N_EXTERN_FUNC, 4, sizeof "op" - 1},       {"mem", W2N_EXTERN_MEMORY, 0, sizeof "mem" - 1},
                                          {"mem1", W2N_EXTERN_MEMORY, 1, sizeof "mem1" - 1},   {"tab", W2N_EXTERN_TABLE, 0, sizeof "tab" - 1},
                                          {"tab1", W2N_EXTERN_TABLE, 1, sizeof "tab1" - 1}};

static w2n_store *s;
static w2n_instance *inst;
static w2n_error err;

static int call(const char *name, int32_t arg, int32_t *result) {
  memset(&err, 0, sizeof err);
  return t_call_i_i(s, t_export_func(inst, name), arg, result, &err);
}
static int op(int code, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e) {
  P[0] = a, P[1] = b, P[2] = c, P[3] = d, P[4] = e;
  return call("op", code, NULL);
}
#define TRAPS(expr, code) ((expr) == -1 && err.trap == (code))

int main(void) {
  s = w2n_store_new();
  w2n_module m;
  memset(&m, 0, sizeof m);
  m.abi_version = W2N_ABI_VERSION;
  m.num_types = 1;
  m.type_sigs = sigs;
  m.type_array_calls = acs;
  m.num_exports = sizeof exports / sizeof exports[0];
  m.exports = exports;
  m.num_funcs = 5;
  m.func_types = func_types;
  m.func_code = func_code;
  m.func_names = func_names;
  m.func_referenced = referenced;
  m.num_memories = 2;
  m.memories = mems;
  m.num_tables = 2;
  m.tables = tabs;
  m.num_data = 2;
  m.num_elems = 2;
  m.init = m_init;
  m.code_start = __start_w2n_gen;
  m.code_end = __stop_w2n_gen;
  t_layout(&m, 5);
  inst = w2n_instantiate(s, &m, NULL, NULL, &err);
  CHECK(inst != NULL, "instantiate (%s)", inst ? "ok" : err.message);
  if (!inst) return t_done();
  w2n_extern x;
  w2n_instance_export(inst, "mem", &x);
  w2n_memory *mem = x.of.memory;
  w2n_instance_export(inst, "mem1", &x);
  w2n_memory *mem1 = x.of.memory;
  w2n_instance_export(inst, "tab", &x);
  w2n_table *tab = x.of.table;
  w2n_instance_export(inst, "tab1", &x);
  w2n_table *tab1 = x.of.table;
  int32_t r = -5;

  /* ---- guard pages ---- */
  CHECK(mem->size == 65536 && mem->max_pages == 4 && mem->reserved >= (8ull << 30), "memory 0: 1 page, max 4, 8 GiB reserved");
  CHECK(mem1->max_pages == 65536, "memory 1 without max: max 65536 pages");
  CHECK(call("load", 65535, &r) == 0 && r == 0, "load at the last byte");
  CHECK(TRAPS(call("load", 65536, &r), W2N_TRAP_MEMORY_OOB) && strcmp(err.message, "out of bounds memory access") == 0,
        "load one past the end faults into a trap (%s)", err.message);
  CHECK(err.num_frames >= 1 && strcmp(err.frames[0], "load") == 0, "the trap's innermost frame is load (%u frames)",
        err.num_frames);
  CHECK(call("store", 10, &r) == 0 && call("load", 10, &r) == 0 && r == 0x77, "memory still usable after the trap");
  CHECK(TRAPS(call("load_far", -1, &r), W2N_TRAP_MEMORY_OOB), "u32 max address + u32 max offset traps");
  CHECK(TRAPS(call("store", -1, &r), W2N_TRAP_MEMORY_OOB), "store at 4 GiB - 1 traps");
  CHECK(s->activation == NULL && s->stack_limit == 0, "store state restored after fault traps");

  /* ---- grow ---- */
  P[0] = 1;
  CHECK(call("grow", 0, &r) == 0 && r == 1 && mem->size == 2 * 65536, "grow 1 -> old size 1");
  CHECK(call("load", 65536 + 5, &r) == 0 && r == 0, "new page readable (zero)");
  CHECK(call("store", 2 * 65536 - 1, &r) == 0, "new page writable");
  CHECK(TRAPS(call("load", 2 * 65536, &r), W2N_TRAP_MEMORY_OOB), "beyond the grown size still traps");
  P[0] = 3;
  CHECK(call("grow", 0, &r) == 0 && r == -1 && mem->size == 2 * 65536, "grow beyond max -> -1, size unchanged");
  P[0] = 2;
  CHECK(call("grow", 0, &r) == 0 && r == 2 && mem->size == 4 * 65536, "grow to exactly max");
  P[0] = 0;
  CHECK(call("grow", 0, &r) == 0 && r == 4, "grow 0 -> current size");
  P[0] = 1;
  CHECK(call("grow", 0, &r) == 0 && r == -1, "grow past max -> -1");
  P[0] = 65536;
  CHECK(call("grow", 1, &r) == 0 && r == -1, "memory 1: grow 65536 pages on top of 1 -> -1");
  P[0] = 65535;
  CHECK(call("grow", 1, &r) == 0 && r == -1 && mem1->size == 65536,
        "memory 1: growing to 65536 pages (4 GiB) -> -1, past W2N_MEM32_MAX_PAGES");
  P[0] = UINT64_MAX;
  CHECK(call("grow", 1, &r) == 0 && r == -1, "grow by 2^64-1 pages -> -1 (no overflow)");
  P[0] = 3;
  CHECK(call("grow", 1, &r) == 0 && r == 1 && mem1->size == 4 * 65536, "memory 1: grow 3");

  uint64_t size = mem->size;
  /* ---- memory.fill ---- */
  CHECK(op(1, size - 10, 0x11, 10, 0, 0) == 0 && mem->base[size - 1] == 0x11 && mem->base[size - 10] == 0x11,
        "fill the last 10 bytes");
  CHECK(TRAPS(op(1, size - 10, 0x22, 11, 0, 0), W2N_TRAP_MEMORY_OOB) && mem->base[size - 10] == 0x11,
        "fill one byte too far traps before writing");
  CHECK(op(1, size, 0x22, 0, 0, 0) == 0, "fill of length 0 at the end is fine");
  CHECK(TRAPS(op(1, size + 1, 0x22, 0, 0, 0), W2N_TRAP_MEMORY_OOB), "fill of length 0 past the end traps");
  CHECK(TRAPS(op(1, UINT64_MAX, 0x22, 2, 0, 0), W2N_TRAP_MEMORY_OOB), "fill with dst+len overflowing traps");
  CHECK(TRAPS(op(1, 1, 0x22, UINT64_MAX, 0, 0), W2N_TRAP_MEMORY_OOB) && mem->base[1] == 0, "fill with huge len traps");

  /* ---- memory.copy ---- */
  memcpy(mem->base + 100, "abcdef", 6);
  CHECK(op(2, 102, 100, 4, 0, 0) == 0 && memcmp(mem->base + 100, "ababcd", 6) == 0, "copy forward overlapping (memmove)");
  memcpy(mem->base + 100, "abcdef", 6);
  CHECK(op(2, 100, 102, 4, 0, 0) == 0 && memcmp(mem->base + 100, "cdefef", 6) == 0, "copy backward overlapping");
  CHECK(TRAPS(op(2, 0, size - 3, 4, 0, 0), W2N_TRAP_MEMORY_OOB) && mem->base[0] == 0, "copy with source out of bounds traps");
  CHECK(TRAPS(op(2, size - 3, 0, 4, 0, 0), W2N_TRAP_MEMORY_OOB) && mem->base[size - 3] == 0x11,
        "copy with destination out of bounds traps before writing");
  CHECK(op(2, size, size, 0, 0, 0) == 0, "copy of length 0 at the end is fine");
  CHECK(TRAPS(op(2, size + 1, 0, 0, 0, 0), W2N_TRAP_MEMORY_OOB), "copy of length 0 past the end traps");
  memcpy(mem1->base + 7, "xyz", 3);
  CHECK(op(4, 300, 7, 3, 0, 0) == 0 && memcmp(mem->base + 300, "xyz", 3) == 0, "copy between memories");

  /* ---- memory.init ---- */
  CHECK(op(3, 200, 6, 5, 0, 0) == 0 && memcmp(mem->base + 200, "world", 5) == 0, "init from a passive segment");
  CHECK(TRAPS(op(3, 400, 7, 5, 0, 0), W2N_TRAP_MEMORY_OOB) && mem->base[400] == 0, "init reading past the segment traps");
  CHECK(op(3, 400, 11, 0, 0, 0) == 0, "init of length 0 at the segment's end is fine");
  CHECK(TRAPS(op(3, 400, 12, 0, 0, 0), W2N_TRAP_MEMORY_OOB), "init of length 0 past the segment's end traps");
  CHECK(TRAPS(op(3, size - 2, 0, 5, 0, 0), W2N_TRAP_MEMORY_OOB), "init writing past the memory traps");
  CHECK(op(3, size, 0, 0, 0, 0) == 0, "init of length 0 at the memory's end is fine");
  CHECK(op(3, 0, 0, 0, 1, 0) == 0, "init of length 0 from a dropped segment is fine");
  CHECK(TRAPS(op(3, 0, 0, 1, 1, 0), W2N_TRAP_MEMORY_OOB), "init from a dropped segment traps");

  /* ---- tables ---- */
  w2n_func *f[4];
  for (int i = 0; i < 4; i++) f[i] = (w2n_func *)t_export_func(inst, func_names[i]);
  CHECK(tab->size == 4 && tab->max == 8 && tab->elems[0] == NULL && tab1->max == 10000000, "tables created empty");
  CHECK(op(8, 2, (uintptr_t)f[2], 0, 0, 0) == 0 && tab->size == 6 && tab->elems[4] == f[2] && tab->elems[5] == f[2],
        "table.grow 2 with an init value");
  P[0] = 2, P[1] = (uintptr_t)f[2], P[3] = 0;
  CHECK(call("op", 8, &r) == 0 && r == 6 && tab->size == 8 && tab->elems[7] == f[2], "grow 2 more -> old size 6");
  P[0] = 1;
  CHECK(call("op", 8, &r) == 0 && r == -1 && tab->size == 8, "grow past the declared max -> -1");
  P[0] = 10000000, P[3] = 1;
  CHECK(call("op", 8, &r) == 0 && r == -1 && tab1->size == 2, "grow past the implementation max -> -1");
  P[0] = 1000, P[1] = (uintptr_t)f[1];
  CHECK(call("op", 8, &r) == 0 && r == 2 && tab1->size == 1002 && tab1->elems[1001] == f[1] && tab1->capacity >= 1002,
        "grow a table without max (elems reallocated)");
  P[0] = 0;
  CHECK(call("op", 8, &r) == 0 && r == 1002, "grow 0 -> current size");

  CHECK(op(5, 1, (uintptr_t)f[3], 3, 0, 0) == 0 && tab->elems[1] == f[3] && tab->elems[3] == f[3] && tab->elems[4] == f[2],
        "table.fill");
  CHECK(TRAPS(op(5, 6, (uintptr_t)f[0], 3, 0, 0), W2N_TRAP_TABLE_OOB) && tab->elems[6] == f[2] &&
            strcmp(err.message, "out of bounds table access") == 0,
        "table.fill out of bounds traps before writing");
  CHECK(op(5, 8, 0, 0, 0, 0) == 0, "table.fill of length 0 at the end is fine");
  CHECK(TRAPS(op(5, 9, 0, 0, 0, 0), W2N_TRAP_TABLE_OOB), "table.fill of length 0 past the end traps");

  tab->elems[0] = f[0], tab->elems[1] = f[1], tab->elems[2] = f[2];
  CHECK(op(6, 1, 0, 3, 0, 0) == 0 && tab->elems[1] == f[0] && tab->elems[2] == f[1] && tab->elems[3] == f[2],
        "table.copy overlapping");
  CHECK(op(6, 0, 1000, 2, 0, 1) == 0 && tab->elems[0] == f[1] && tab->elems[1] == f[1], "table.copy between tables");
  CHECK(TRAPS(op(6, 0, 1001, 2, 0, 1), W2N_TRAP_TABLE_OOB), "table.copy source out of bounds traps");
  CHECK(TRAPS(op(6, 7, 0, 2, 0, 0), W2N_TRAP_TABLE_OOB) && tab->elems[7] == f[2], "table.copy destination out of bounds traps");

  CHECK(op(7, 4, 1, 2, 0, 0) == 0 && tab->elems[4] == f[1] && tab->elems[5] == NULL, "table.init from segment 0");
  CHECK(op(7, 6, 0, 2, 1, 24) == 0 && tab->elems[6] == f[2] && tab->elems[7] == f[3],
        "table.init from segment 1 (items at byte offset 24)");
  CHECK(TRAPS(op(7, 0, 2, 2, 0, 0), W2N_TRAP_TABLE_OOB) && tab->elems[0] == f[1], "table.init past the segment traps");
  CHECK(TRAPS(op(7, 7, 0, 2, 0, 0), W2N_TRAP_TABLE_OOB), "table.init past the table traps");
  CHECK(op(7, 8, 3, 0, 0, 0) == 0, "table.init of length 0 at both ends is fine");
  CHECK(TRAPS(op(7, 8, 4, 0, 0, 0), W2N_TRAP_TABLE_OOB), "table.init of length 0 past the segment traps");

  w2n_instance_free(inst);

  /* ---- the 32-bit limit: 65536 pages may be declared as a maximum, never held ---- */
  static const w2n_limits_desc mems_4g[] = {{0, 0, 65536, 65536}, {0, 0, 1, UINT64_MAX}};
  m.memories = mems_4g;
  memset(&err, 0, sizeof err);
  inst = w2n_instantiate(s, &m, NULL, NULL, &err);
  CHECK(inst == NULL && strstr(err.message, "exceeds the implementation limit of 65535 pages") != NULL,
        "a memory of 65536 pages (4 GiB) is refused (%s)", err.message);
  if (inst) w2n_instance_free(inst);
  w2n_store_free(s);
  return t_done();
}
