/* Instantiation: imports and exports between instances, link errors, globals, init traps, signatures. */
#include "harness.h"

static const char *const sigs[] = {"i:i", ":"};
static const w2n_array_call_fn acs[] = {t_ac_i_i, t_ac_v_v};
static const uint8_t hello[] = "hello";

/* ---- Exporter: func 0 double, memory 0 [1,2], table 0 funcref [2,10], globals g_mut (i32 mut), g_const (I) */

GEN static int32_t e_double(w2n_instance *ctx, int32_t x) {
  (void)ctx;
  return x * 2;
}

static void e_init(w2n_instance *ctx) {
  T_GLOBAL(ctx, 0)->i32 = 42;
  T_GLOBAL(ctx, 1)->i64 = 7;
  uint64_t *data_lens = T_SLOT(ctx, data_lens, uint64_t);
  data_lens[0] = 5;
  w2n_memory_init(ctx, 0, 0, hello, 0, 0, 5);
  data_lens[0] = 0; /* active segment: dropped */
  T_TABLE(ctx, 0)->elems[0] = T_FUNC(ctx, 0);
}

static const uint32_t e_func_types[] = {0};
static void *const e_func_code[] = {(void *)e_double};
static const char *const e_func_names[] = {"double"};
static const uint8_t e_referenced[] = {1};
static const w2n_limits_desc e_mems[] = {{0, 0, 1, 2}};
static const w2n_limits_desc e_tabs[] = {{W2N_FUNCREF, 0, 2, 10}};
static const w2n_global_desc e_globals[] = {{W2N_I32, 1}, {W2N_I64, 0}};
static const w2n_export_desc e_exports[] = {{"double", W2N_EXTERN_FUNC, 0, sizeof "double" - 1},
                                            {"mem", W2N_EXTERN_MEMORY, 0, sizeof "mem" - 1},
                                            {"tab", W2N_EXTERN_TABLE, 0, sizeof "tab" - 1},
                                            {"g_mut", W2N_EXTERN_GLOBAL, 0, sizeof "g_mut" - 1},
                                            {"g_const", W2N_EXTERN_GLOBAL, 1, sizeof "g_const" - 1}};

static w2n_module exporter(void) {
  w2n_module m;
  memset(&m, 0, sizeof m);
  m.abi_version = W2N_ABI_VERSION;
  m.num_types = 2;
  m.type_sigs = sigs;
  m.type_array_calls = acs;
  m.num_exports = 5;
  m.exports = e_exports;
  m.num_funcs = 1;
  m.func_types = e_func_types;
  m.func_code = e_func_code;
  m.func_names = e_func_names;
  m.func_referenced = e_referenced;
  m.num_memories = 1;
  m.memories = e_mems;
  m.num_tables = 1;
  m.tables = e_tabs;
  m.num_globals = 2;
  m.globals = e_globals;
  m.num_data = 1;
  m.init = e_init;
  m.name = "exporter";
  m.code_start = __start_w2n_gen;
  m.code_end = __stop_w2n_gen;
  t_layout(&m, 0);
  return m;
}

/* ---- Importer: imports env.{double, mem, tab, g_mut, g_const}; defines call_double, read_mem ---- */

GEN static int32_t i_call_double(w2n_instance *ctx, int32_t x) {
  w2n_func *f = T_FUNC(ctx, 0);
  return ((int32_t(*)(w2n_instance *, int32_t))f->code)(f->ctx, x);
}

GEN static int32_t i_read_mem(w2n_instance *ctx, int32_t x) {
  return T_MEM(ctx, 0)->base[x] + T_GLOBAL(ctx, 0)->i32 * 1000;
}

static const uint32_t i_func_types[] = {0, 0, 0};
static void *const i_func_code[] = {NULL, (void *)i_call_double, (void *)i_read_mem};
static const uint8_t i_referenced[] = {0, 0, 0};
static const w2n_global_desc i_globals[] = {{W2N_I32, 1}, {W2N_I64, 0}};
static const w2n_export_desc i_exports[] = {{"call_double", W2N_EXTERN_FUNC, 1, sizeof "call_double" - 1},
                                            {"read_mem", W2N_EXTERN_FUNC, 2, sizeof "read_mem" - 1},
                                            {"double_again", W2N_EXTERN_FUNC, 0, sizeof "double_again" - 1}};

static w2n_import_desc i_imports[5];

static void reset_imports(void) {
  w2n_import_desc imports[5] = {
      {"env", "double", W2N_EXTERN_FUNC, 0, 0, 0, 0, 0},
      {"env", "mem", W2N_EXTERN_MEMORY, 0, 0, 0, 1, UINT64_MAX},
      {"env", "tab", W2N_EXTERN_TABLE, 0, W2N_FUNCREF, 0, 1, 10},
      {"env", "g_mut", W2N_EXTERN_GLOBAL, 0, W2N_I32, 1, 0, 0},
      {"env", "g_const", W2N_EXTERN_GLOBAL, 1, W2N_I64, 0, 0, 0},
  };
  memcpy(i_imports, imports, sizeof imports);
}

static w2n_module importer(void) {
  w2n_module m;
  memset(&m, 0, sizeof m);
  m.abi_version = W2N_ABI_VERSION;
  m.num_types = 2;
  m.type_sigs = sigs;
  m.type_array_calls = acs;
  m.num_imports = 5;
  m.imports = i_imports;
  m.num_exports = 3;
  m.exports = i_exports;
  m.num_funcs = 3;
  m.num_imported_funcs = 1;
  m.func_types = i_func_types;
  m.func_code = i_func_code;
  m.func_referenced = i_referenced;
  m.num_memories = 1;
  m.num_imported_memories = 1;
  m.num_tables = 1;
  m.num_imported_tables = 1;
  m.num_globals = 2;
  m.num_imported_globals = 2;
  m.globals = i_globals;
  m.name = "importer";
  m.code_start = __start_w2n_gen;
  m.code_end = __stop_w2n_gen;
  t_layout(&m, 0);
  return m;
}

static int resolve_from(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)importer;
  if (strcmp(imp->module, "env") != 0) return -1;
  return w2n_instance_export((w2n_instance *)user, imp->name, out);
}

/* ---- A module whose init writes to an imported memory and then traps ---- */

static void t_init_trap(w2n_instance *ctx) {
  T_MEM(ctx, 0)->base[100] = 0x5a;
  w2n_trap(ctx, W2N_TRAP_UNREACHABLE);
}
static const w2n_import_desc t_imports[] = {{"env", "mem", W2N_EXTERN_MEMORY, 0, 0, 0, 1, UINT64_MAX}};

static w2n_module trapping_init(void) {
  w2n_module m;
  memset(&m, 0, sizeof m);
  m.abi_version = W2N_ABI_VERSION;
  m.num_imports = 1;
  m.imports = t_imports;
  m.num_memories = 1;
  m.num_imported_memories = 1;
  m.init = t_init_trap;
  t_layout(&m, 0);
  return m;
}

static void expect_link_error(w2n_store *s, w2n_instance *e, const char *expect, const char *what) {
  w2n_module im = importer();
  w2n_error err;
  memset(&err, 0, sizeof err);
  w2n_instance *i = w2n_instantiate(s, &im, resolve_from, e, &err);
  CHECK(i == NULL && strcmp(err.message, expect) == 0 && err.trap == W2N_TRAP_NONE, "%s -> \"%s\" (got \"%s\")",
        what, expect, err.message);
  if (i) w2n_instance_free(i);
  reset_imports();
}

int main(void) {
  w2n_store *s = w2n_store_new();
  CHECK(s != NULL, "store");
  w2n_error err;

  /* signatures */
  uint32_t a = w2n_intern_signature("iI:f"), b = w2n_intern_signature("iI:f"), c = w2n_intern_signature("iI:F");
  CHECK(a == b && a != c, "interning: equal strings give equal ids, different ones differ");
  uint32_t np, nr;
  w2n_signature_arity("iI:f", &np, &nr);
  CHECK(np == 2 && nr == 1, "arity of iI:f");
  w2n_signature_arity(":", &np, &nr);
  CHECK(np == 0 && nr == 0, "arity of :");
  w2n_signature_arity("ct12;c[i:Ct3;]:Ct0;I", &np, &nr);
  CHECK(np == 2 && nr == 2, "arity with concrete struct references (ctN;) inside and outside c[...]");
  CHECK(strcmp(w2n_trap_message(W2N_TRAP_INT_DIV_BY_ZERO), "integer divide by zero") == 0 &&
            strcmp(w2n_trap_message(W2N_TRAP_MEMORY_OOB), "out of bounds memory access") == 0 &&
            strcmp(w2n_trap_message(W2N_TRAP_STACK_EXHAUSTED), "call stack exhausted") == 0 &&
            strcmp(w2n_trap_message(W2N_TRAP_INDIRECT_CALL_TYPE), "indirect call type mismatch") == 0 &&
            strcmp(w2n_trap_message(999), "unknown trap") == 0,
        "trap messages");

  /* exporter */
  w2n_module em = exporter();
  w2n_instance *e = w2n_instantiate(s, &em, NULL, NULL, &err);
  CHECK(e != NULL, "instantiate exporter (%s)", e ? "ok" : err.message);
  if (!e) return t_done();
  CHECK(w2n_instance_module(e) == &em && w2n_instance_store(e) == s, "instance module and store");
  w2n_extern x;
  CHECK(w2n_instance_export(e, "g_mut", &x) == 0 && x.kind == W2N_EXTERN_GLOBAL && x.of.global.cell->i32 == 42 &&
            x.of.global.type == W2N_I32 && x.of.global.mutable_ == 1,
        "export global g_mut = 42 (init ran)");
  CHECK(w2n_instance_export(e, "mem", &x) == 0 && x.kind == W2N_EXTERN_MEMORY && memcmp(x.of.memory->base, "hello", 5) == 0 &&
            x.of.memory->size == 65536 && x.of.memory->max_pages == 2,
        "export memory with the data segment written by init");
  CHECK(w2n_instance_export(e, "tab", &x) == 0 && x.kind == W2N_EXTERN_TABLE && x.of.table->size == 2 &&
            x.of.table->elems[0] == t_export_func(e, "double"),
        "export table holding the function record");
  CHECK(w2n_instance_export(e, "nope", &x) == -1, "unknown export -> -1");
  int32_t r = 0;
  CHECK(t_call_i_i(s, t_export_func(e, "double"), 21, &r, &err) == 0 && r == 42, "call export double(21) = 42");
  w2n_func *d = t_export_func(e, "double");
  CHECK(d->ctx == e && d->func_index == 0 && d->type_id == w2n_intern_signature("i:i") && d->array_call == t_ac_i_i,
        "function record fields");

  /* importer */
  reset_imports();
  w2n_module im = importer();
  w2n_instance *i = w2n_instantiate(s, &im, resolve_from, e, &err);
  CHECK(i != NULL, "instantiate importer (%s)", i ? "ok" : err.message);
  if (!i) return t_done();
  CHECK(t_call_i_i(s, t_export_func(i, "call_double"), 5, &r, &err) == 0 && r == 10, "call through an imported function");
  CHECK(t_call_i_i(s, t_export_func(i, "read_mem"), 1, &r, &err) == 0 && r == 'e' + 42000,
        "imported memory and global are shared");
  CHECK(t_export_func(i, "double_again") == d, "re-exported import is the exporter's record");
  CHECK(t_export_func(i, "call_double")->func_index == 1, "unreferenced defined function still exportable");
  w2n_instance_free(i);

  /* link errors */
  expect_link_error(s, NULL, "unknown import: env.double", "no resolver result");
  i_imports[0].type = 1;
  expect_link_error(s, e, "incompatible import type: env.double", "function type mismatch");
  i_imports[0].kind = W2N_EXTERN_GLOBAL;
  expect_link_error(s, e, "incompatible import type: env.double", "kind mismatch");
  i_imports[3].mutable_ = 0;
  expect_link_error(s, e, "incompatible import type: env.g_mut", "global mutability mismatch");
  i_imports[4].type = W2N_F64;
  expect_link_error(s, e, "incompatible import type: env.g_const", "global type mismatch");
  i_imports[1].min = 2;
  expect_link_error(s, e, "incompatible import type: env.mem", "memory min above the actual size");
  i_imports[1].max = 1;
  expect_link_error(s, e, "incompatible import type: env.mem", "memory max below the actual max");
  i_imports[1].max = 3;
  {
    w2n_module m2 = importer();
    w2n_instance *ok = w2n_instantiate(s, &m2, resolve_from, e, &err);
    CHECK(ok != NULL, "memory max above the actual max is fine");
    w2n_instance_free(ok);
  }
  {
    /* A memory holding 65536 pages (4 GiB), as a host could make one by hand, does not bind:
     * generated code relies on W2N_MEM32_MAX_PAGES. */
    w2n_extern x;
    w2n_instance_export(e, "mem", &x);
    uint64_t size = x.of.memory->size;
    x.of.memory->size = 65536ull * 65536;
    expect_link_error(s, e, "incompatible import type: env.mem", "a memory past W2N_MEM32_MAX_PAGES");
    x.of.memory->size = size;
  }
  i_imports[2].type = W2N_EXTERNREF;
  expect_link_error(s, e, "incompatible import type: env.tab", "table element type mismatch");
  i_imports[2].min = 3;
  expect_link_error(s, e, "incompatible import type: env.tab", "table min above the actual size");
  i_imports[2].max = 9;
  expect_link_error(s, e, "incompatible import type: env.tab", "table max below the actual max");

  /* An exporter without maxima: an import that declares a maximum does not match. */
  {
    static const w2n_limits_desc mems[] = {{0, 0, 1, UINT64_MAX}};
    static const w2n_limits_desc tabs[] = {{W2N_FUNCREF, 0, 2, UINT64_MAX}};
    w2n_module m3 = exporter();
    m3.memories = mems;
    m3.tables = tabs;
    w2n_instance *e3 = w2n_instantiate(s, &m3, NULL, NULL, &err);
    CHECK(e3 != NULL, "exporter without maxima");
    i_imports[1].max = 65536;
    expect_link_error(s, e3, "incompatible import type: env.mem", "import with max, export without");
    i_imports[2].max = 10000000;
    expect_link_error(s, e3, "incompatible import type: env.tab", "table import with max, export without");
    i_imports[2].max = UINT64_MAX;
    w2n_module m4 = importer();
    w2n_instance *ok = w2n_instantiate(s, &m4, resolve_from, e3, &err);
    CHECK(ok != NULL, "imports without maxima match");
    w2n_instance_free(ok);
    w2n_instance_free(e3);
  }

  /* A trap in init: NULL, the trap reported, effects on the imported memory kept. */
  {
    w2n_module tm = trapping_init();
    w2n_instance *t = w2n_instantiate(s, &tm, resolve_from, e, &err);
    w2n_extern mem;
    w2n_instance_export(e, "mem", &mem);
    CHECK(t == NULL && err.trap == W2N_TRAP_UNREACHABLE && strcmp(err.message, "unreachable") == 0,
          "trap in init -> NULL with the trap (\"%s\")", err.message);
    CHECK(mem.of.memory->base[100] == 0x5a, "init's write to the imported memory remains");
    CHECK(s->activation == NULL && s->stack_limit == 0, "store state restored after the init trap");
  }

  /* ABI version */
  {
    w2n_module bad = exporter();
    bad.abi_version = 999;
    CHECK(w2n_instantiate(s, &bad, NULL, NULL, &err) == NULL && strstr(err.message, "ABI") != NULL,
          "ABI version mismatch refused");
  }
  /* memory above the limit */
  {
    static const w2n_limits_desc mems[] = {{0, 0, 65537, UINT64_MAX}};
    w2n_module big = exporter();
    big.memories = mems;
    CHECK(w2n_instantiate(s, &big, NULL, NULL, &err) == NULL, "memory of 65537 pages refused (%s)", err.message);
  }

  w2n_instance_free(e);
  w2n_store_free(s);
  return t_done();
}
