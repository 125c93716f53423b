// A C host stopping guests it does not trust (module compiled --interruptible --fuel): a deadline
// (w2n_store_set_deadline) stops a loop without calls, a tail-call loop, runaway recursion and a
// start function that loops, each within 100 ms of the deadline (clock_gettime), with trap
// `interrupt`; the same instance (for the start function: a new instance in the same store) then
// answers correctly. Then fuel: a budget runs out (`all fuel consumed by WebAssembly`) at the
// iteration and with the fuel left that the cost rules predict; refilled, the next call completes.
// Lateness past each deadline goes to stderr.
// module: deadlines.wat
// build: interruptible fuel
// stdout: spin: interrupt (code 18), count(10) after it: 10
// stdout: ping_pong: interrupt (code 18), count(10) after it: 10
// stdout: recurse: interrupt (code 18), count(10) after it: 10
// stdout: start function: interrupt (code 18)
// stdout: instantiated again in the same store: count(10) = 10
// stdout: count(1000000) with 1005 fuel: all fuel consumed by WebAssembly (code 19), reached 100, fuel left 5
// stdout: count(7) with 71 fuel: 7, fuel left 0
// stdout: unlimited again (W2N_FUEL_UNLIMITED): count(1000) = 1000, charged 10001
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include "deadlines.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEADLINE_NS 50000000ull /* 50 ms */
#define SLACK_NS 100000000ull   /* the deadline must stop the guest within 100 ms */

static int32_t spin_in_start;
static w2n_func should_spin_func;

static int32_t should_spin(w2n_instance *ctx) {
  (void)ctx;
  return spin_in_start;
}

static int resolve(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)user;
  (void)importer;
  if (strcmp(imp->module, "env") != 0 || strcmp(imp->name, "should_spin") != 0) return -1;
  out->kind = W2N_EXTERN_FUNC;
  out->of.func = &should_spin_func;
  return 0;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Fails (exit 1) unless `elapsed` is at least the deadline and at most SLACK_NS past it. */
static int check_late(const char *what, uint64_t elapsed) {
  long long late = (long long)elapsed - (long long)DEADLINE_NS;
  fprintf(stderr, "%s: stopped %.3f ms after the deadline\n", what, late / 1e6);
  if (late < 0 || (uint64_t)late > SLACK_NS) {
    printf("%s: stopped %.3f ms after a %llu ms deadline (allowed: 0 to %llu ms)\n", what, late / 1e6,
           DEADLINE_NS / 1000000, SLACK_NS / 1000000);
    return 1;
  }
  return 0;
}

static int call(w2n_store *store, w2n_instance *inst, const char *name, w2n_value *v, w2n_error *err) {
  w2n_extern e;
  if (w2n_instance_export(inst, name, &e) != 0 || e.kind != W2N_EXTERN_FUNC) {
    printf("no export %s\n", name);
    return -2;
  }
  return w2n_call(store, e.of.func, v, err);
}

static int32_t count(w2n_store *store, w2n_instance *inst, int32_t n, w2n_error *err) {
  w2n_value v[1];
  v[0].i32 = n;
  if (call(store, inst, "count", v, err) != 0) return -1;
  return v[0].i32;
}

static int32_t counter(w2n_instance *inst) {
  w2n_extern e;
  if (w2n_instance_export(inst, "counter", &e) != 0) return -1;
  return e.of.global.cell->i32;
}

int main(void) {
  should_spin_func.code = (void *)should_spin;
  should_spin_func.ctx = NULL;
  should_spin_func.type_id = w2n_intern_signature(W2N_DEADLINES_IMPORT_env_should_spin_SIG);
  should_spin_func.func_index = UINT32_MAX;

  w2n_error err;
  w2n_store *store = w2n_store_new();
  if (!store) return 1;
  w2n_instance *inst = w2n_instantiate(store, &w2n_deadlines_module, resolve, NULL, &err);
  if (!inst) {
    printf("instantiation failed: %s\n", err.message);
    return 1;
  }

  const char *runaways[] = {"spin", "ping_pong", "recurse"};
  for (int i = 0; i < 3; i++) {
    w2n_value v[1] = {{0}};
    uint64_t start = now_ns();
    if (w2n_store_set_deadline(store, DEADLINE_NS) != 0) return 1;
    int rc = call(store, inst, runaways[i], v, &err);
    uint64_t elapsed = now_ns() - start;
    if (rc != -1 || err.trap != W2N_TRAP_INTERRUPT) {
      printf("%s: returned %d, trap %u\n", runaways[i], rc, err.trap);
      return 1;
    }
    if (check_late(runaways[i], elapsed)) return 1;
    printf("%s: %s (code %u), ", runaways[i], err.message, err.trap);
    printf("count(10) after it: %d\n", count(store, inst, 10, &err));
  }
  w2n_instance_free(inst);

  spin_in_start = 1;
  uint64_t start = now_ns();
  if (w2n_store_set_deadline(store, DEADLINE_NS) != 0) return 1;
  inst = w2n_instantiate(store, &w2n_deadlines_module, resolve, NULL, &err);
  uint64_t elapsed = now_ns() - start;
  if (inst || err.trap != W2N_TRAP_INTERRUPT) {
    printf("start function: instance %p, trap %u (%s)\n", (void *)inst, err.trap, err.message);
    return 1;
  }
  if (check_late("start function", elapsed)) return 1;
  printf("start function: %s (code %u)\n", err.message, err.trap);
  spin_in_start = 0;
  inst = w2n_instantiate(store, &w2n_deadlines_module, resolve, NULL, &err);
  if (!inst) {
    printf("instantiating again failed: %s\n", err.message);
    return 1;
  }
  printf("instantiated again in the same store: count(10) = %d\n", count(store, inst, 10, &err));

  w2n_store_set_fuel(store, 1005);
  if (count(store, inst, 1000000, &err) != -1 || err.trap != W2N_TRAP_OUT_OF_FUEL) {
    printf("count(1000000) with 1005 fuel: trap %u\n", err.trap);
    return 1;
  }
  printf("count(1000000) with 1005 fuel: %s (code %u), reached %d, fuel left %llu\n", err.message, err.trap,
         counter(inst), (unsigned long long)w2n_store_get_fuel(store));
  w2n_store_set_fuel(store, 71);
  int32_t r = count(store, inst, 7, &err);
  printf("count(7) with 71 fuel: %d, fuel left %llu\n", r, (unsigned long long)w2n_store_get_fuel(store));
  w2n_store_set_fuel(store, UINT64_MAX);
  uint64_t before = w2n_store_get_fuel(store);
  r = count(store, inst, 1000, &err);
  printf("unlimited again (%s): count(1000) = %d, charged %llu\n",
         before == W2N_FUEL_UNLIMITED ? "W2N_FUEL_UNLIMITED" : "not W2N_FUEL_UNLIMITED", r,
         (unsigned long long)(before - w2n_store_get_fuel(store)));
  w2n_instance_free(inst);
  w2n_store_free(store);
  return 0;
}
