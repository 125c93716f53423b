/* An "executable" as the compiler would make it: w2n_exe_module + w2n_exe_config + generated code,
 * linked with main.c. What _start does depends on W2N_EXE_MODE (read by the test's C code, never
 * visible to the guest): see check_exe.sh for the expected outputs. */
#include "harness.h"

enum { F_FD_WRITE, F_PROC_EXIT, F_ARGS_SIZES, F_ARGS_GET, F_ENV_SIZES, F_ENV_GET, F_EXTRA, NUM_IMPORTS };

static int mode_is(const char *m) {
  const char *v = getenv("W2N_EXE_MODE");
  return v && strcmp(v, m) == 0;
}

typedef int32_t (*fn_ii)(w2n_instance *, int32_t, int32_t);
typedef int32_t (*fn_iiii)(w2n_instance *, int32_t, int32_t, int32_t, int32_t);

#define CALL(ctx, i, type, ...) ((type)T_FUNC(ctx, i)->code)(T_FUNC(ctx, i)->ctx, __VA_ARGS__)

static void print(w2n_instance *ctx, const char *text) {
  uint8_t *mem = T_MEM(ctx, 0)->base;
  size_t n = strlen(text);
  memcpy(mem + 1024, text, n);
  uint32_t iov[2] = {1024, (uint32_t)n};
  memcpy(mem + 16, iov, 8);
  CALL(ctx, F_FD_WRITE, fn_iiii, 1, 16, 1, 32);
}

/* Prints the strings of args_get / environ_get, one per line. */
static void print_strings(w2n_instance *ctx, int sizes, int get) {
  uint8_t *mem = T_MEM(ctx, 0)->base;
  CALL(ctx, sizes, fn_ii, 64, 68);
  uint32_t count;
  memcpy(&count, mem + 64, 4);
  CALL(ctx, get, fn_ii, 2048, 4096);
  for (uint32_t i = 0; i < count; i++) {
    uint32_t p;
    memcpy(&p, mem + 2048 + 4 * i, 4);
    char line[600];
    snprintf(line, sizeof line, "%s\n", (const char *)mem + p);
    print(ctx, line);
  }
}

GEN static void g_inner(w2n_instance *ctx) { w2n_trap(ctx, W2N_TRAP_UNREACHABLE); }
GEN static void g_outer(w2n_instance *ctx) {
  g_inner(ctx);
  print(ctx, "not reached\n");
}
GEN static void g_start(w2n_instance *ctx) {
  if (mode_is("trap")) {
    print(ctx, "before the trap\n");
    g_outer(ctx);
  } else if (mode_is("exit")) {
    print(ctx, "exiting with 3\n");
    CALL(ctx, F_PROC_EXIT, void (*)(w2n_instance *, int32_t), 3);
    print(ctx, "not reached\n");
  } else if (mode_is("args")) {
    print_strings(ctx, F_ARGS_SIZES, F_ARGS_GET);
  } else if (mode_is("env")) {
    print_strings(ctx, F_ENV_SIZES, F_ENV_GET);
  } else {
    print(ctx, "hello from wasm\n");
  }
}

static void init(w2n_instance *ctx) {
  if (mode_is("inittrap")) w2n_trap(ctx, W2N_TRAP_INT_OVERFLOW);
}

static const char *const sigs[] = {"iiii:i", "i:", "ii:i", ":"};
static void ac_start(void *code, w2n_instance *ctx, w2n_value *a) {
  (void)a;
  ((void (*)(w2n_instance *))code)(ctx);
}
static const w2n_array_call_fn acs[] = {NULL, NULL, NULL, ac_start};
#define WASI "wasi_snapshot_preview1"
static w2n_import_desc imports[NUM_IMPORTS] = {
    {WASI, "fd_write", W2N_EXTERN_FUNC, F_FD_WRITE, 0, 0, 0, 0},
    {WASI, "proc_exit", W2N_EXTERN_FUNC, F_PROC_EXIT, 1, 0, 0, 0},
    {WASI, "args_sizes_get", W2N_EXTERN_FUNC, F_ARGS_SIZES, 2, 0, 0, 0},
    {WASI, "args_get", W2N_EXTERN_FUNC, F_ARGS_GET, 2, 0, 0, 0},
    {WASI, "environ_sizes_get", W2N_EXTERN_FUNC, F_ENV_SIZES, 2, 0, 0, 0},
    {WASI, "environ_get", W2N_EXTERN_FUNC, F_ENV_GET, 2, 0, 0, 0},
    {WASI, "random_get", W2N_EXTERN_FUNC, F_EXTRA, 2, 0, 0, 0},
};
__attribute__((constructor)) static void pick_imports(void) {
  if (mode_is("link")) imports[F_EXTRA].name = "no_such_function";
}
static const uint32_t func_types[] = {0, 1, 2, 2, 2, 2, 2, 3, 3, 3};
static void *const func_code[] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, (void *)g_start, (void *)g_outer,
                                  (void *)g_inner};
static const char *const func_names[] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, "_start", "outer", "inner"};
static const uint8_t referenced[10] = {0};
static const w2n_limits_desc mems[] = {{0, 0, 1, UINT64_MAX}};
static const w2n_export_desc exports[] = {{"memory", W2N_EXTERN_MEMORY, 0, sizeof "memory" - 1}, {"_start", W2N_EXTERN_FUNC, 7, sizeof "_start" - 1}};

static w2n_module module = {
    .abi_version = W2N_ABI_VERSION,
    .num_types = 4,
    .type_sigs = sigs,
    .type_array_calls = acs,
    .num_imports = NUM_IMPORTS,
    .num_exports = 2,
    .imports = imports,
    .exports = exports,
    .num_funcs = 10,
    .num_imported_funcs = NUM_IMPORTS,
    .func_types = func_types,
    .func_code = func_code,
    .func_names = func_names,
    .func_referenced = referenced,
    .num_memories = 1,
    .memories = mems,
    .init = init,
    .name = "exe_prog",
    .code_start = __start_w2n_gen,
    .code_end = __stop_w2n_gen,
};
__attribute__((constructor)) static void layout(void) { t_layout(&module, 0); }

const w2n_module *const w2n_exe_module = &module;
static const char *const env[] = {"GREETING=hi", "EMPTY="};
/* The symbol is `w2n_exe_config`, like the header's typedef: named through an asm label in C. */
const struct w2n_exe_config exe_config __asm__("w2n_exe_config") = {0, NULL, 2, env, 0, 0, W2N_STORE_LIMITS_NONE};
