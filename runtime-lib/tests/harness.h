/*
 * harness.h — helpers for the runtime's C tests, which exercise the runtime without the compiler:
 * hand-written "generated" functions (GEN: placed in the w2n_gen section, whose bounds are the
 * module's code range), hand-written array-call trampolines and module descriptors with a layout
 * computed here (the runtime never computes layouts; the tests play the compiler's part).
 *
 * Output is TAP-like: "ok N - name" / "not ok N - name"; the program exits non-zero if any check failed.
 */
#ifndef W2N_TEST_HARNESS_H
#define W2N_TEST_HARNESS_H

#include "w2n_runtime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static int t_num, t_failed;

#define CHECK(cond, ...)                                                                                           \
  do {                                                                                                             \
    int ok_ = (cond) ? 1 : 0;                                                                                      \
    printf("%sok %d - ", ok_ ? "" : "not ", ++t_num);                                                              \
    printf(__VA_ARGS__);                                                                                           \
    printf("\n");                                                                                                  \
    if (!ok_) {                                                                                                    \
      t_failed++;                                                                                                  \
      printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);                                              \
    }                                                                                                              \
    fflush(stdout);                                                                                                \
  } while (0)

static inline int t_done(void) {
  printf("1..%d\n", t_num);
  if (t_failed) printf("# %d of %d checks failed\n", t_failed, t_num);
  return t_failed ? 1 : 0;
}

/* "Generated" code: kept in one section so that [__start_w2n_gen, __stop_w2n_gen) is the code range. */
#define GEN __attribute__((section("w2n_gen"), noinline, used))
extern char __start_w2n_gen[], __stop_w2n_gen[];

/* Computes a context layout for m (whose counts are set), with `elem_items` item slots. */
static inline void t_layout(w2n_module *m, uint32_t elem_items) {
  uint32_t off = W2N_CONTEXT_HEADER_SIZE;
#define T_REGION(field, bytes, align)                                                                              \
  off = (off + (align)-1) & ~(uint32_t)((align)-1);                                                                \
  m->layout.field = off;                                                                                           \
  off += (uint32_t)(bytes)
  T_REGION(memories, 8 * m->num_memories, 8);
  T_REGION(tables, 8 * m->num_tables, 8);
  T_REGION(globals, 8 * m->num_globals, 8);
  T_REGION(funcs, 8 * m->num_funcs, 8);
  T_REGION(type_ids, 4 * m->num_types, 8);
  T_REGION(data_lens, 8 * m->num_data, 8);
  T_REGION(elem_lens, 8 * m->num_elems, 8);
  T_REGION(elem_items, 8 * elem_items, 8);
  T_REGION(def_funcs, sizeof(w2n_func) * (m->num_funcs - m->num_imported_funcs), 8);
  T_REGION(def_memories, sizeof(w2n_memory) * (m->num_memories - m->num_imported_memories), 8);
  T_REGION(def_tables, sizeof(w2n_table) * (m->num_tables - m->num_imported_tables), 8);
  T_REGION(def_globals, sizeof(w2n_value) * (m->num_globals - m->num_imported_globals), 16);
  T_REGION(rtts, 8 * m->num_types, 8);
#undef T_REGION
  m->layout.size = (off + 15) & ~15u;
}

/* Context accessors, as generated code would compute them. */
#define T_SLOT(ctx, field, type) ((type *)((char *)(ctx) + ((const w2n_context_header *)(ctx))->module->layout.field))
#define T_MEM(ctx, i) (T_SLOT(ctx, memories, w2n_memory *)[i])
#define T_TABLE(ctx, i) (T_SLOT(ctx, tables, w2n_table *)[i])
#define T_GLOBAL(ctx, i) (T_SLOT(ctx, globals, w2n_value *)[i])
#define T_FUNC(ctx, i) (T_SLOT(ctx, funcs, w2n_func *)[i])
#define T_STORE(ctx) (((const w2n_context_header *)(ctx))->store)

/* Array-call trampolines for the signatures the tests use. */
static inline void t_ac_v_v(void *code, w2n_instance *ctx, w2n_value *a) {
  (void)a;
  ((void (*)(w2n_instance *))code)(ctx);
}
static inline void t_ac_v_i(void *code, w2n_instance *ctx, w2n_value *a) {
  a[0].i32 = ((int32_t(*)(w2n_instance *))code)(ctx);
}
static inline void t_ac_i_i(void *code, w2n_instance *ctx, w2n_value *a) {
  a[0].i32 = ((int32_t(*)(w2n_instance *, int32_t))code)(ctx, a[0].i32);
}
static inline void t_ac_i_v(void *code, w2n_instance *ctx, w2n_value *a) {
  ((void (*)(w2n_instance *, int32_t))code)(ctx, a[0].i32);
}

/* Looks up an exported function or dies. */
static inline w2n_func *t_export_func(w2n_instance *inst, const char *name) {
  w2n_extern e;
  if (w2n_instance_export(inst, name, &e) != 0 || e.kind != W2N_EXTERN_FUNC) {
    printf("Bail out! no exported function %s\n", name);
    exit(2);
  }
  return e.of.func;
}

/* Calls an "i:i" function. Returns 0 or -1 (err filled). */
static inline int t_call_i_i(w2n_store *s, w2n_func *f, int32_t arg, int32_t *result, w2n_error *err) {
  w2n_value v[1];
  memset(v, 0, sizeof v);
  v[0].i32 = arg;
  int r = w2n_call(s, f, v, err);
  if (r == 0 && result) *result = v[0].i32;
  return r;
}

/* Runs fn in a child process with stderr silenced (an expected crash stays quiet); returns its
 * wait status. */
static inline int t_in_child(void (*fn)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);
    fn();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

#endif
