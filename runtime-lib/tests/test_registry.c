/* The code registry across loading and unloading: a module's code is claimed by the fault handler
 * (w2n__in_code) and named in backtraces (w2n__symbolize) exactly while it is registered; after
 * w2n_module_unregister no address of it is claimed and symbolizing never reads its descriptor or
 * names again (they are made inaccessible here, as dlclose would unmap them); registrations are
 * counted; slots are reused far past the registry's capacity; readers racing with unregistration
 * never touch freed or unmapped memory; a fault at an address where unregistered code used to be is
 * not taken for a Wasm trap. */
#include "harness.h"
#include "internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- fake modules: a code range in `code_area` (never executed), descriptor and names on a page of
 * their own that "unloading" makes PROT_NONE ---- */

#define FUNCS 4
#define CODE_SPAN 256 /* bytes of code per fake module */
#define AREA_MODULES 64

typedef struct fake {
  w2n_module m;
  void *func_code[FUNCS];
  const char *func_names[FUNCS];
  char names[FUNCS][24];
} fake;

static uint8_t *code_area; /* AREA_MODULES * CODE_SPAN bytes */
static size_t page;

/* A module whose code is slot `slot` of the code area; function 1 has no name. */
static fake *fake_new(uint32_t slot, uint32_t tag) {
  fake *f = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (f == MAP_FAILED) {
    printf("Bail out! mmap\n");
    exit(2);
  }
  uint8_t *code = code_area + (size_t)slot * CODE_SPAN;
  for (uint32_t i = 0; i < FUNCS; i++) {
    f->func_code[i] = code + i * (CODE_SPAN / FUNCS);
    snprintf(f->names[i], sizeof f->names[i], "m%u_f%u", tag, i);
    f->func_names[i] = i == 1 ? NULL : f->names[i];
  }
  f->m.abi_version = W2N_ABI_VERSION;
  f->m.num_funcs = FUNCS;
  f->m.func_code = f->func_code;
  f->m.func_names = f->func_names;
  f->m.code_start = code;
  f->m.code_end = code + CODE_SPAN;
  return f;
}

/* What dlclose does to the library's data: any later read of it faults (and kills the test). */
static void fake_unmap(fake *f) { mprotect(f, page, PROT_NONE); }

/* Number of addresses of f's code range the fault handler claims. */
static int claimed(const uint8_t *start) {
  int n = 0;
  for (uint32_t i = 0; i < CODE_SPAN; i++) n += w2n__in_code((uintptr_t)start + i);
  return n;
}

static int named(const uint8_t *start) {
  int n = 0;
  for (uint32_t i = 0; i < CODE_SPAN; i++) n += w2n__symbolize((uintptr_t)start + i) != NULL;
  return n;
}

/* ---- readers racing with registration and unregistration ---- */

static _Atomic int stop;
static fake *live; /* registered for the whole race: never missed */
static _Atomic long live_missed, reads;

static void *reader(void *arg) {
  int symbolize = arg != NULL;
  unsigned x = 12345;
  while (!atomic_load(&stop)) {
    x = x * 1103515245u + 12345u;
    uintptr_t pc = (uintptr_t)code_area + (x >> 8) % (AREA_MODULES * CODE_SPAN);
    if (symbolize) {
      /* The name itself is not read: it is valid only until its module is unregistered. */
      (void)w2n__symbolize(pc);
    } else {
      (void)w2n__in_code(pc);
    }
    if (!w2n__in_code((uintptr_t)live->m.code_start + (x & (CODE_SPAN - 1)))) atomic_fetch_add(&live_missed, 1);
    atomic_fetch_add(&reads, 1);
  }
  return NULL;
}

/* ---- real code: a fault in it is a trap while registered, a host crash once unregistered ---- */

GEN static int32_t g_wild(w2n_instance *ctx, int32_t x) {
  (void)ctx;
  /* Not in any reservation, not near a stack: claimed only because the PC is in Wasm code. */
  volatile int32_t *p = (volatile int32_t *)(uintptr_t)(64 + (uint32_t)x);
  return *p;
}
GEN static int32_t g_trap(w2n_instance *ctx, int32_t x) {
  if (x == 0) w2n_trap(ctx, W2N_TRAP_UNREACHABLE);
  return x;
}

static const char *const sigs[] = {"i:i"};
static const w2n_array_call_fn acs[] = {t_ac_i_i};
static const uint32_t func_types[] = {0, 0};
static void *const real_code[] = {(void *)g_wild, (void *)g_trap};
static const char *const real_names[] = {"wild", "trap"};
static const w2n_export_desc exports[] = {{"wild", W2N_EXTERN_FUNC, 0, 4}, {"trap", W2N_EXTERN_FUNC, 1, 4}};
static w2n_module real;
static w2n_func wild_rec; /* a record of g_wild that outlives the instance */

static void child_call_wild(void) {
  w2n_store *s = w2n_store_new();
  w2n_error err;
  int32_t r;
  if (t_call_i_i(s, &wild_rec, 0, &r, &err) == -1) _exit(3); /* claimed: taken for a Wasm trap */
  _exit(0);
}


int main(void) {
  w2n_runtime_init();
  page = (size_t)sysconf(_SC_PAGESIZE);
  code_area = mmap(NULL, AREA_MODULES * CODE_SPAN, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code_area == MAP_FAILED) return 2;

  /* Register, name, unregister, unmap. */
  fake *a = fake_new(0, 1);
  const uint8_t *a_code = a->m.code_start;
  CHECK(claimed(a_code) == 0, "unregistered code is not claimed");
  CHECK(w2n_module_register(&a->m) == 0, "w2n_module_register");
  CHECK(claimed(a_code) == CODE_SPAN && !w2n__in_code((uintptr_t)a_code + CODE_SPAN) &&
            !w2n__in_code((uintptr_t)a_code - 1),
        "registered: exactly [code_start, code_end) is claimed");
  const char *n0 = w2n__symbolize((uintptr_t)a->func_code[0] + 3), *n1 = w2n__symbolize((uintptr_t)a->func_code[1]);
  CHECK(n0 && strcmp(n0, "m1_f0") == 0 && n1 && strcmp(n1, "wasm-function[1]") == 0,
        "registered: frames are named (%s, %s)", n0 ? n0 : "NULL", n1 ? n1 : "NULL");
  w2n_module_unregister(&a->m);
  fake_unmap(a);
  CHECK(claimed(a_code) == 0, "after w2n_module_unregister no address of the module's code is claimed");
  CHECK(named(a_code) == 0, "after w2n_module_unregister symbolizing finds nothing (and reads nothing unmapped)");

  /* Counted registrations (a library opened twice); the implicit one of w2n_instantiate. */
  fake *b = fake_new(1, 2);
  const uint8_t *b_code = b->m.code_start;
  w2n_module_register(&b->m);
  w2n_module_register(&b->m);
  w2n__register_code(&b->m); /* instantiation: already registered, takes no reference */
  w2n_module_unregister(&b->m);
  CHECK(claimed(b_code) == CODE_SPAN && named(b_code) == CODE_SPAN, "registered twice, unregistered once: still there");
  w2n_module_unregister(&b->m);
  fake_unmap(b);
  CHECK(claimed(b_code) == 0 && named(b_code) == 0, "registered twice, unregistered twice: gone");
  fake *c = fake_new(2, 3);
  const uint8_t *c_code = c->m.code_start;
  w2n__register_code(&c->m);
  CHECK(claimed(c_code) == CODE_SPAN, "w2n_instantiate's implicit registration claims the code");
  w2n_module_unregister(&c->m);
  fake_unmap(c);
  CHECK(claimed(c_code) == 0, "w2n_module_unregister undoes the implicit registration");

  /* Load and unload far more modules than the registry holds at once (4096), each at an address no
   * later module overlaps: nothing may stay behind. Readers run concurrently all along. */
  live = fake_new(AREA_MODULES - 1, 9999);
  w2n_module_register(&live->m);
  pthread_t readers[2];
  pthread_create(&readers[0], NULL, reader, NULL);
  pthread_create(&readers[1], NULL, reader, (void *)1);
  int failures = 0, leftovers = 0;
  for (uint32_t i = 0; i < 10000; i++) {
    uint32_t slot = 3 + i % (AREA_MODULES - 4);
    fake *f = fake_new(slot, 100 + i);
    if (w2n_module_register(&f->m) != 0) failures++;
    const char *n = w2n__symbolize((uintptr_t)f->func_code[2]);
    char want[24];
    snprintf(want, sizeof want, "m%u_f2", 100 + i);
    if (!n || strcmp(n, want) != 0) failures++;
    if (i % 2) (void)w2n__symbolize((uintptr_t)f->func_code[1]); /* a synthetic name to free */
    uintptr_t first = (uintptr_t)f->m.code_start, last = first + CODE_SPAN - 1;
    w2n_module_unregister(&f->m);
    fake_unmap(f);
    if (w2n__in_code(first) || w2n__in_code(last)) leftovers++;
    munmap(f, page);
  }
  atomic_store(&stop, 1);
  pthread_join(readers[0], NULL);
  pthread_join(readers[1], NULL);
  CHECK(failures == 0, "10000 modules registered and named one after another (%d failures)", failures);
  CHECK(leftovers == 0, "none of them is claimed after its unregistration (%d still claimed)", leftovers);
  int anywhere = 0;
  for (uint32_t s = 0; s < AREA_MODULES - 1; s++) anywhere += claimed(code_area + (size_t)s * CODE_SPAN);
  CHECK(anywhere == 0, "no address of any unloaded module is claimed (%d)", anywhere);
  CHECK(atomic_load(&live_missed) == 0 && atomic_load(&reads) > 0,
        "concurrent readers: a module registered all along is never missed (%ld reads)",
        atomic_load(&reads));
  const char *ln = w2n__symbolize((uintptr_t)live->func_code[3]);
  CHECK(ln && strcmp(ln, "m9999_f3") == 0, "the module registered all along is still named (%s)", ln ? ln : "NULL");
  w2n_module_unregister(&live->m);

  /* Real code: instantiate (implicit registration), trap with a backtrace, free, unregister. */
  real.abi_version = W2N_ABI_VERSION;
  real.num_types = 1;
  real.type_sigs = sigs;
  real.type_array_calls = acs;
  real.num_exports = 2;
  real.exports = exports;
  real.num_funcs = 2;
  real.func_types = func_types;
  real.func_code = real_code;
  real.func_names = real_names;
  real.code_start = __start_w2n_gen;
  real.code_end = __stop_w2n_gen;
  t_layout(&real, 0);
  w2n_store *s = w2n_store_new();
  w2n_error err;
  w2n_instance *inst = w2n_instantiate(s, &real, NULL, NULL, &err);
  CHECK(inst != NULL, "instantiate");
  if (!inst) return t_done();
  int32_t r;
  CHECK(t_call_i_i(s, t_export_func(inst, "trap"), 0, &r, &err) == -1 && err.num_frames == 1 &&
            strcmp(err.frames[0], "trap") == 0,
        "a trap in registered code is named");
  CHECK(t_call_i_i(s, t_export_func(inst, "wild"), 0, &r, &err) == -1,
        "a fault in registered code is a trap (%s)", err.message);
  wild_rec = *t_export_func(inst, "wild");
  wild_rec.ctx = NULL;
  w2n_instance_free(inst);
  w2n_module_unregister(&real);
  CHECK(!w2n__in_code((uintptr_t)g_wild) && !w2n__in_code((uintptr_t)g_trap) && w2n__symbolize((uintptr_t)g_trap) == NULL,
        "unregistered: the module's functions are neither claimed nor named");
  int st = t_in_child(child_call_wild);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
        "a fault where unregistered code lies is not taken for a Wasm trap: it kills with SIGSEGV (status %d)", st);
  w2n_store_free(s);
  return t_done();
}
