/*
 * main.c — the program entry of executables made by wasm2native (linked into executables only, never
 * into the in-process library).
 *
 * The compiler emits `w2n_exe_module` (the module descriptor) and `w2n_exe_config` (the directories and
 * environment granted at compile time). main() runs the module's `_start` (or `_initialize`) with the
 * process's argv, and reports the outcome the way wasmtime does on Unix:
 *   - link error: "error: <message>" on stderr, exit status 1;
 *   - trap: "wasm trap: <message>" and one "    at <function>" line per frame, exit status 134;
 *   - proc_exit(n): exit status n;
 *   - otherwise 0.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

extern const w2n_module *const w2n_exe_module;

/* The compiler's `w2n_exe_config` object. In C its name collides with the header's typedef of the same
 * name, so it is declared at block scope (which hides the typedef) with the struct tag. */
static const struct w2n_exe_config *exe_config(void) {
  extern const struct w2n_exe_config w2n_exe_config;
  return &w2n_exe_config;
}

static int report_failure(w2n_store *store, const w2n_error *err) {
  int code;
  if (w2n_wasi_exit_code(store, &code)) return code;
  if (err->trap != W2N_TRAP_NONE) {
    fprintf(stderr, "wasm trap: %s\n", err->message);
    for (uint32_t i = 0; i < err->num_frames; i++) fprintf(stderr, "    at %s\n", err->frames[i]);
    return 134;
  }
  fprintf(stderr, "error: %s\n", err->message);
  return 1;
}

int main(int argc, char **argv) {
  w2n_runtime_init();
  w2n_store *store = w2n_store_new();
  if (!store) {
    fprintf(stderr, "error: out of memory\n");
    return 1;
  }
  w2n_wasi_config config;
  config.argc = argc;
  config.argv = (const char *const *)argv;
  const struct w2n_exe_config *granted = exe_config();
  config.envc = granted->envc;
  config.env = granted->env;
  config.num_dirs = granted->num_dirs;
  config.dirs = granted->dirs;
  config.inherit_stdio = 1;
  w2n_error err;
  if (w2n_wasi_configure(store, &config, &err) != 0) {
    fprintf(stderr, "error: %s\n", err.message);
    return 1;
  }
  w2n_instance *inst = w2n_instantiate(store, w2n_exe_module, w2n_wasi_resolve, NULL, &err);
  if (!inst) return report_failure(store, &err);

  w2n_extern entry;
  if (w2n_instance_export(inst, "_start", &entry) == 0 || w2n_instance_export(inst, "_initialize", &entry) == 0) {
    if (entry.kind == W2N_EXTERN_FUNC) {
      w2n_value args[1];
      args[0].i64 = 0;
      if (w2n_call(store, entry.of.func, args, &err) != 0) return report_failure(store, &err);
    }
  }
  int code;
  if (w2n_wasi_exit_code(store, &code)) return code;
  return 0;
}
