// A C embedder of a module compiled with --emit staticlib, using the header of --emit header.
// module: calc.wat
// stdout: add(40, 2) = 42
// stdout: divmod(17, 5) = 3 2
// stdout: div_s(1, 0) trapped: integer divide by zero (code 2)
// stdout: div_s(9, 3) = 3
// stdout: twice(21) = 42
// stdout: memory: 65536 bytes, starts with hello
// stdout: counter = 7
// stdout: two instances: 7 and 8
#include "calc.h"

#include <stdio.h>
#include <string.h>

/* The host import env.scale: ctx is whatever our w2n_func record says (here, the factor). */
static int32_t scale(w2n_instance *ctx, int32_t x) { return x * *(int32_t *)ctx; }

static int32_t factor = 2;
static w2n_func scale_func;

static int resolve(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)user;
  (void)importer;
  if (strcmp(imp->module, "env") != 0 || strcmp(imp->name, "scale") != 0) return -1;
  out->kind = W2N_EXTERN_FUNC;
  out->of.func = &scale_func;
  return 0;
}

int main(void) {
  scale_func.code = (void *)scale;
  scale_func.ctx = (w2n_instance *)&factor;
  scale_func.type_id = w2n_intern_signature(W2N_CALC_IMPORT_env_scale_SIG);
  scale_func.func_index = UINT32_MAX;

  w2n_error err;
  w2n_calc_instance *a = w2n_calc_new(resolve, NULL, &err);
  w2n_calc_instance *b = w2n_calc_new(resolve, NULL, &err);
  if (!a || !b) {
    printf("instantiation failed: %s\n", err.message);
    return 1;
  }
  int32_t r;
  if (w2n_calc_call_add(a, 40, 2, &r, &err) != 0) return 1;
  printf("add(40, 2) = %d\n", r);
  int64_t q, m;
  if (w2n_calc_call_divmod(a, 17, 5, &q, &m, &err) != 0) return 1;
  printf("divmod(17, 5) = %lld %lld\n", (long long)q, (long long)m);
  if (w2n_calc_call_div_s(a, 1, 0, &r, &err) == 0) return 1;
  printf("div_s(1, 0) trapped: %s (code %u)\n", err.message, err.trap);
  if (w2n_calc_call_div_s(a, 9, 3, &r, &err) != 0) return 1;
  printf("div_s(9, 3) = %d\n", r);
  if (w2n_calc_call_twice(a, 21, &r, &err) != 0) return 1;
  printf("twice(21) = %d\n", r);
  uint64_t size;
  uint8_t *mem = w2n_calc_memory_memory(a, &size);
  printf("memory: %llu bytes, starts with %.5s\n", (unsigned long long)size, (const char *)mem);
  printf("counter = %d\n", w2n_calc_global_counter(a)->i32);
  w2n_calc_global_counter(b)->i32 += 1;
  printf("two instances: %d and %d\n", w2n_calc_global_counter(a)->i32, w2n_calc_global_counter(b)->i32);
  w2n_calc_free(a);
  w2n_calc_free(b);
  return 0;
}
