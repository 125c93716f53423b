/* Signal handlers a host can live with: faults that are not Wasm's go to the handler installed before
 * the runtime's (or to the default action), inside and outside Wasm; W2N_NO_SIGNAL_HANDLERS opts out. */
#include "harness.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile uint8_t *target; /* the page the host function touches */

static int32_t host_touch(w2n_instance *ctx, int32_t v) {
  (void)ctx;
  target[0] = (uint8_t)v;
  return target[0];
}

GEN static int32_t g_call_host(w2n_instance *ctx, int32_t x) {
  w2n_func *f = T_FUNC(ctx, 0);
  return ((int32_t(*)(w2n_instance *, int32_t))f->code)(f->ctx, x) + 1;
}
GEN static int32_t g_load(w2n_instance *ctx, int32_t addr) {
  volatile uint8_t *base = T_MEM(ctx, 0)->base;
  return base[(uint32_t)addr];
}

static const char *const sigs[] = {"i:i"};
static const w2n_array_call_fn acs[] = {t_ac_i_i};
static const w2n_import_desc imports[] = {{"env", "touch", W2N_EXTERN_FUNC, 0, 0, 0, 0, 0}};
static const uint32_t func_types[] = {0, 0, 0};
static void *const func_code[] = {NULL, (void *)g_call_host, (void *)g_load};
static const uint8_t referenced[] = {0, 0, 0};
static const w2n_limits_desc mems[] = {{0, 0, 1, UINT64_MAX}};
static const w2n_export_desc exports[] = {{"call_host", W2N_EXTERN_FUNC, 1, sizeof "call_host" - 1}, {"load", W2N_EXTERN_FUNC, 2, sizeof "load" - 1}};

static int resolve(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)user;
  (void)importer;
  (void)imp;
  static w2n_func host;
  host.code = (void *)host_touch;
  host.type_id = w2n_intern_signature("i:i");
  host.func_index = UINT32_MAX;
  host.array_call = t_ac_i_i;
  out->kind = W2N_EXTERN_FUNC;
  out->of.func = &host;
  return 0;
}

static w2n_instance *make_instance(w2n_store *s) {
  static w2n_module m;
  memset(&m, 0, sizeof m);
  m.abi_version = W2N_ABI_VERSION;
  m.num_types = 1;
  m.type_sigs = sigs;
  m.type_array_calls = acs;
  m.num_imports = 1;
  m.imports = imports;
  m.num_exports = 2;
  m.exports = exports;
  m.num_funcs = 3;
  m.num_imported_funcs = 1;
  m.func_types = func_types;
  m.func_code = func_code;
  m.func_referenced = referenced;
  m.num_memories = 1;
  m.memories = mems;
  m.code_start = __start_w2n_gen;
  m.code_end = __stop_w2n_gen;
  t_layout(&m, 0);
  w2n_error err;
  w2n_instance *inst = w2n_instantiate(s, &m, resolve, NULL, &err);
  if (!inst) {
    printf("Bail out! %s\n", err.message);
    exit(2);
  }
  return inst;
}

static uint8_t *protected_page(void) {
  void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}


static void child_opt_out(void) {
  setenv("W2N_NO_SIGNAL_HANDLERS", "1", 1);
  w2n_store *s = w2n_store_new();
  struct sigaction sa;
  sigaction(SIGSEGV, NULL, &sa);
  _exit(s && !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL ? 0 : 1);
}
static void child_fault_outside(void) {
  w2n_store_new();
  *(volatile int *)protected_page() = 1;
}
static void child_fault_in_host(void) {
  w2n_store *s = w2n_store_new();
  w2n_instance *inst = make_instance(s);
  target = protected_page();
  w2n_error err;
  int32_t r;
  t_call_i_i(s, t_export_func(inst, "call_host"), 1, &r, &err);
  _exit(3); /* not reached: the fault must not become a trap */
}
static void child_ignored(void) {
  signal(SIGSEGV, SIG_IGN);
  w2n_store_new();
  *(volatile int *)protected_page() = 1;
}

/* ---- the host's own handlers ---- */

static volatile int own_segv_count;
static uint8_t *own_pages[2];
static void own_segv(int sig, siginfo_t *info, void *uc) {
  (void)sig;
  (void)uc;
  for (int i = 0; i < 2; i++) {
    if ((uint8_t *)info->si_addr == own_pages[i]) {
      mprotect(own_pages[i], 4096, PROT_READ | PROT_WRITE);
      own_segv_count++;
      return;
    }
  }
  _exit(99);
}
static volatile int own_bus_count;
static sigjmp_buf own_bus_jmp;
static void own_bus(int sig) {
  (void)sig;
  own_bus_count++;
  siglongjmp(own_bus_jmp, 1);
}

int main(void) {
  int st;
  st = t_in_child(child_opt_out);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "W2N_NO_SIGNAL_HANDLERS=1: no handler installed");
  st = t_in_child(child_fault_outside);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "previous action SIG_DFL: a foreign fault still kills with SIGSEGV");
  st = t_in_child(child_fault_in_host);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
        "a host function's fault on a non-Wasm address inside w2n_call is not claimed (status %d)", st);
  st = t_in_child(child_ignored);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "previous action SIG_IGN: the fault kills with SIGSEGV");

  /* The host installs its handlers first, then the runtime. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = own_segv;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = own_bus;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, NULL);

  w2n_store *s = w2n_store_new();
  struct sigaction now;
  sigaction(SIGSEGV, NULL, &now);
  CHECK((now.sa_flags & SA_SIGINFO) && now.sa_sigaction != own_segv && (now.sa_flags & SA_ONSTACK),
        "runtime handler installed on top (SA_SIGINFO | SA_ONSTACK)");
  w2n_runtime_init();
  sigaction(SIGSEGV, NULL, &sa);
  CHECK(sa.sa_sigaction == now.sa_sigaction, "w2n_runtime_init is idempotent");

  own_pages[0] = protected_page();
  own_pages[1] = protected_page();
  *(volatile uint8_t *)own_pages[0] = 5;
  CHECK(own_segv_count == 1 && own_pages[0][0] == 5, "fault on the host's own page outside Wasm: host handler ran");

  w2n_instance *inst = make_instance(s);
  w2n_error err;
  int32_t r = 0;
  target = own_pages[1];
  CHECK(t_call_i_i(s, t_export_func(inst, "call_host"), 9, &r, &err) == 0 && r == 10 && own_segv_count == 2,
        "fault on the host's page from a host function inside w2n_call: chained, call completes");
  CHECK(t_call_i_i(s, t_export_func(inst, "load"), 1 << 20, &r, &err) == -1 && err.trap == W2N_TRAP_MEMORY_OOB &&
            own_segv_count == 2,
        "a Wasm out-of-bounds access is still a trap and does not reach the host handler");

  /* SIGBUS: read past the end of a file mapping; the host's plain sa_handler gets it. */
  char path[] = "/tmp/w2n-sigbus-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) {
    unlink(path);
    if (ftruncate(fd, 100) != 0) return 1;
    volatile uint8_t *map = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    if (sigsetjmp(own_bus_jmp, 1) == 0) (void)map[4096];
    CHECK(own_bus_count == 1, "SIGBUS outside Wasm goes to the host's sa_handler");
    close(fd);
  }

  w2n_instance_free(inst);
  w2n_store_free(s);
  return t_done();
}
