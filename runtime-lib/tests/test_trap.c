/* Traps: unwinding to w2n_call with backtraces, host traps, re-entrancy, stack exhaustion (prologue check
 * and guard-page backstop), traps on other threads, w2n_run_on_stack, and a trap with no activation. */
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static w2n_store *s;
static w2n_instance *inst;
static w2n_module m;

/* ---- "generated" functions ---- */

GEN static int32_t g_leaf(w2n_instance *ctx, int32_t x) {
  if (x < 0) w2n_trap(ctx, W2N_TRAP_UNREACHABLE);
  return x * 2;
}
GEN static int32_t g_mid(w2n_instance *ctx, int32_t x) { return g_leaf(ctx, x) + 1; }
GEN static int32_t g_outer(w2n_instance *ctx, int32_t x) { return g_mid(ctx, x) + 1; }
GEN static int32_t g_call_host(w2n_instance *ctx, int32_t x) {
  w2n_func *f = T_FUNC(ctx, 0);
  return ((int32_t(*)(w2n_instance *, int32_t))f->code)(f->ctx, x) + 1000;
}
/* The prologue check generated code performs, then non-tail recursion. */
GEN static int32_t g_rec(w2n_instance *ctx, int32_t n) {
  if ((uintptr_t)__builtin_frame_address(0) < T_STORE(ctx)->stack_limit) w2n_trap(ctx, W2N_TRAP_STACK_EXHAUSTED);
  volatile char pad[128];
  pad[0] = (char)n;
  if (n == INT32_MAX) return 0;
  return g_rec(ctx, n + 1) + pad[0];
}
/* No check: only the guard page stops it. */
GEN static int32_t g_rec_nocheck(w2n_instance *ctx, int32_t n) {
  volatile char pad[1024];
  pad[0] = (char)n;
  if (n == INT32_MAX) return 0;
  return g_rec_nocheck(ctx, n + 1) + pad[0];
}
GEN static int32_t g_unnamed(w2n_instance *ctx, int32_t x) {
  if (x == 0) w2n_trap(ctx, W2N_TRAP_INT_DIV_BY_ZERO);
  return 1;
}
GEN static int32_t g_check_limit(w2n_instance *ctx, int32_t x) {
  (void)x;
  uintptr_t limit = T_STORE(ctx)->stack_limit;
  return limit != 0 && (uintptr_t)__builtin_frame_address(0) > limit && T_STORE(ctx)->activation != NULL;
}
/* KiB of stack left to Wasm below this frame. */
GEN static int32_t g_room(w2n_instance *ctx, int32_t x) {
  (void)x;
  return (int32_t)(((uintptr_t)__builtin_frame_address(0) - T_STORE(ctx)->stack_limit) >> 10);
}
GEN static int32_t g_load(w2n_instance *ctx, int32_t addr) {
  volatile uint8_t *base = T_MEM(ctx, 0)->base;
  return base[(uint32_t)addr];
}

/* ---- the host function (import 0) ---- */

static w2n_error inner_err;
static int inner_rc;
static uintptr_t limit_seen_by_host;

static int32_t host_fn(w2n_instance *ctx, int32_t x) {
  (void)ctx;
  if (x == -2) w2n_trap_host("host says no");
  if (x == -3) { /* nested call must keep the outer limit */
    limit_seen_by_host = s->stack_limit;
    int32_t r = 0;
    inner_rc = t_call_i_i(s, t_export_func(inst, "check_limit"), 0, &r, &inner_err);
    return inner_rc == 0 && r == 1 && s->stack_limit == limit_seen_by_host ? 7 : -7;
  }
  int32_t r = 0;
  inner_rc = t_call_i_i(s, t_export_func(inst, "leaf"), x, &r, &inner_err);
  return inner_rc == 0 ? r : -100;
}

static const char *const sigs[] = {"i:i"};
static const w2n_array_call_fn acs[] = {t_ac_i_i};
static const w2n_import_desc imports[] = {{"env", "host", W2N_EXTERN_FUNC, 0, 0, 0, 0, 0}};
static const uint32_t func_types[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static void *const func_code[] = {NULL,         (void *)g_leaf,          (void *)g_mid,        (void *)g_outer,
                                  (void *)g_call_host, (void *)g_rec, (void *)g_rec_nocheck, (void *)g_unnamed,
                                  (void *)g_check_limit, (void *)g_load, (void *)g_room};
static const char *const func_names[] = {"host", "leaf", "mid", "outer", "call_host", "rec", "rec_nocheck", NULL,
                                         "check_limit", "load", "room"};
static const uint8_t referenced[] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const w2n_limits_desc mems[] = {{0, 0, 1, UINT64_MAX}};
static const w2n_export_desc exports[] = {
    {"leaf", W2N_EXTERN_FUNC, 1, sizeof "leaf" - 1},        {"outer", W2N_EXTERN_FUNC, 3, sizeof "outer" - 1},   {"call_host", W2N_EXTERN_FUNC, 4, sizeof "call_host" - 1},
    {"rec", W2N_EXTERN_FUNC, 5, sizeof "rec" - 1},         {"rec_nocheck", W2N_EXTERN_FUNC, 6, sizeof "rec_nocheck" - 1}, {"unnamed", W2N_EXTERN_FUNC, 7, sizeof "unnamed" - 1},
    {"check_limit", W2N_EXTERN_FUNC, 8, sizeof "check_limit" - 1}, {"load", W2N_EXTERN_FUNC, 9, sizeof "load" - 1},
    {"room", W2N_EXTERN_FUNC, 10, sizeof "room" - 1}};

static int resolve(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)user;
  (void)importer;
  static w2n_func host;
  if (strcmp(imp->name, "host") != 0) return -1;
  host.code = (void *)host_fn;
  host.ctx = NULL;
  host.type_id = w2n_intern_signature("i:i");
  host.func_index = UINT32_MAX;
  host.array_call = t_ac_i_i;
  out->kind = W2N_EXTERN_FUNC;
  out->of.func = &host;
  return 0;
}

/* ---- threads ---- */

typedef struct thread_result {
  int oob_rc, oob_trap, rec_rc, rec_trap, guard_rc, guard_trap;
  int32_t room_kib; /* KiB of stack Wasm had below its first frame */
} thread_result;

static void *thread_main(void *p) {
  thread_result *res = p;
  w2n_store *ts = w2n_store_new();
  w2n_error err;
  int32_t r;
  w2n_instance *ti = w2n_instantiate(ts, &m, resolve, NULL, &err);
  if (!ti) return NULL;
  if (t_call_i_i(ts, t_export_func(ti, "room"), 0, &r, &err) == 0) res->room_kib = r;
  res->oob_rc = t_call_i_i(ts, t_export_func(ti, "load"), 70000, &r, &err);
  res->oob_trap = (int)err.trap;
  res->rec_rc = t_call_i_i(ts, t_export_func(ti, "rec"), 0, &r, &err);
  res->rec_trap = (int)err.trap;
  res->guard_rc = t_call_i_i(ts, t_export_func(ti, "rec_nocheck"), 0, &r, &err);
  res->guard_trap = (int)err.trap;
  w2n_instance_free(ti);
  w2n_store_free(ts);
  return NULL;
}

static void thread_main_v(void *p) { thread_main(p); }

int main(void) {
  s = w2n_store_new();
  m.abi_version = W2N_ABI_VERSION;
  m.num_types = 1;
  m.type_sigs = sigs;
  m.type_array_calls = acs;
  m.num_imports = 1;
  m.imports = imports;
  m.num_exports = sizeof exports / sizeof exports[0];
  m.exports = exports;
  m.num_funcs = 11;
  m.num_imported_funcs = 1;
  m.func_types = func_types;
  m.func_code = func_code;
  m.func_names = func_names;
  m.func_referenced = referenced;
  m.num_memories = 1;
  m.memories = mems;
  m.code_start = __start_w2n_gen;
  m.code_end = __stop_w2n_gen;
  t_layout(&m, 0);
  w2n_error err;
  inst = w2n_instantiate(s, &m, resolve, NULL, &err);
  CHECK(inst != NULL, "instantiate (%s)", inst ? "ok" : err.message);
  if (!inst) return t_done();
  int32_t r = 0;

  /* traps and backtraces */
  CHECK(t_call_i_i(s, t_export_func(inst, "outer"), 4, &r, &err) == 0 && r == 10, "outer(4) = 10");
  CHECK(t_call_i_i(s, t_export_func(inst, "outer"), -1, &r, &err) == -1 && err.trap == W2N_TRAP_UNREACHABLE &&
            strcmp(err.message, "unreachable") == 0,
        "w2n_trap unwinds to w2n_call");
  CHECK(err.num_frames == 3 && strcmp(err.frames[0], "leaf") == 0 && strcmp(err.frames[1], "mid") == 0 &&
            strcmp(err.frames[2], "outer") == 0,
        "backtrace leaf, mid, outer (got %u frames: %s %s %s)", err.num_frames, err.num_frames > 0 ? err.frames[0] : "",
        err.num_frames > 1 ? err.frames[1] : "", err.num_frames > 2 ? err.frames[2] : "");
  CHECK(t_call_i_i(s, t_export_func(inst, "unnamed"), 0, &r, &err) == -1 && err.trap == W2N_TRAP_INT_DIV_BY_ZERO &&
            strcmp(err.message, "integer divide by zero") == 0 && err.num_frames == 1 &&
            strcmp(err.frames[0], "wasm-function[7]") == 0,
        "function without a name is wasm-function[7]");
  CHECK(s->activation == NULL && s->stack_limit == 0, "store state restored after traps");

  /* re-entrancy: host -> wasm -> host -> wasm */
  CHECK(t_call_i_i(s, t_export_func(inst, "call_host"), 5, &r, &err) == 0 && r == 1010 && inner_rc == 0,
        "host -> wasm -> host -> wasm returns through every level");
  CHECK(t_call_i_i(s, t_export_func(inst, "call_host"), -1, &r, &err) == 0 && r == 900 && inner_rc == -1 &&
            inner_err.trap == W2N_TRAP_UNREACHABLE && inner_err.num_frames == 1,
        "a trap in the inner call stops at the inner w2n_call; the outer call continues");
  CHECK(t_call_i_i(s, t_export_func(inst, "call_host"), -2, &r, &err) == -1 && err.trap == W2N_TRAP_HOST &&
            strcmp(err.message, "host says no") == 0,
        "w2n_trap_host carries its message (\"%s\")", err.message);
  CHECK(err.num_frames >= 1 && strcmp(err.frames[0], "call_host") == 0, "host trap backtrace starts at the Wasm caller");
  CHECK(t_call_i_i(s, t_export_func(inst, "call_host"), -3, &r, &err) == 0 && r == 1007 && limit_seen_by_host != 0,
        "a nested call keeps the outer stack limit");

  /* stack exhaustion */
  CHECK(t_call_i_i(s, t_export_func(inst, "rec"), 0, &r, &err) == -1 && err.trap == W2N_TRAP_STACK_EXHAUSTED &&
            strcmp(err.message, "call stack exhausted") == 0,
        "prologue check against stack_limit -> call stack exhausted");
  CHECK(err.num_frames == 32 && strcmp(err.frames[0], "rec") == 0 && strcmp(err.frames[31], "rec") == 0,
        "deep backtrace truncated to 32 frames");
  CHECK(t_call_i_i(s, t_export_func(inst, "outer"), 1, &r, &err) == 0 && r == 4, "calls work after exhaustion");
  CHECK(t_call_i_i(s, t_export_func(inst, "rec_nocheck"), 0, &r, &err) == -1 && err.trap == W2N_TRAP_STACK_EXHAUSTED,
        "guard-page backstop: overflow without a check -> call stack exhausted (%s)", err.message);
  CHECK(t_call_i_i(s, t_export_func(inst, "outer"), 1, &r, &err) == 0 && r == 4, "calls work after the guard fault");
  CHECK(t_call_i_i(s, t_export_func(inst, "rec_nocheck"), 0, &r, &err) == -1 && err.trap == W2N_TRAP_STACK_EXHAUSTED,
        "guard-page backstop again (the alternate stack is reusable)");

  /* another thread, with a small stack */
  {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1u << 20);
    pthread_t th;
    thread_result res;
    memset(&res, 0, sizeof res);
    int ok = pthread_create(&th, &attr, thread_main, &res) == 0 && pthread_join(th, NULL) == 0;
    CHECK(ok && res.oob_rc == -1 && res.oob_trap == W2N_TRAP_MEMORY_OOB, "out-of-bounds fault on a second thread");
    CHECK(ok && res.rec_rc == -1 && res.rec_trap == W2N_TRAP_STACK_EXHAUSTED, "stack exhaustion on a 1 MiB thread");
    CHECK(ok && res.guard_rc == -1 && res.guard_trap == W2N_TRAP_STACK_EXHAUSTED,
          "guard-page backstop on a 1 MiB thread");
    pthread_attr_destroy(&attr);
  }

  /* w2n_run_on_stack: Wasm gets the size asked for, whatever the caller's stack; exhaustion and the
   * guard backstop work there as on any thread */
  {
    static const size_t sizes[] = {1u << 20, 32u << 20};
    for (size_t i = 0; i < 2; i++) {
      thread_result res;
      memset(&res, 0, sizeof res);
      int rc = w2n_run_on_stack(sizes[i], thread_main_v, &res);
      int32_t want = (int32_t)(sizes[i] >> 10);
      CHECK(rc == 0 && res.room_kib > want - 16 && res.room_kib <= want,
            "w2n_run_on_stack(%zu MiB): Wasm gets %d KiB of stack (want %d less the entry frames)", sizes[i] >> 20,
            res.room_kib, want);
      CHECK(rc == 0 && res.oob_rc == -1 && res.oob_trap == W2N_TRAP_MEMORY_OOB &&
                res.rec_rc == -1 && res.rec_trap == W2N_TRAP_STACK_EXHAUSTED && res.guard_rc == -1 &&
                res.guard_trap == W2N_TRAP_STACK_EXHAUSTED,
            "w2n_run_on_stack(%zu MiB): out-of-bounds fault, exhaustion and the guard backstop trap", sizes[i] >> 20);
    }
    CHECK(w2n_run_on_stack(W2N_MAX_WASM_STACK_LIMIT + 1, thread_main_v, NULL) == EINVAL,
          "w2n_run_on_stack past W2N_MAX_WASM_STACK_LIMIT is EINVAL");
  }

  /* a trap with no activation: message and abort() */
  {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], 2);
      w2n_trap(inst, W2N_TRAP_INT_DIV_BY_ZERO);
    }
    close(fds[1]);
    char buf[512];
    ssize_t n = 0, k;
    while (n < (ssize_t)sizeof buf - 1 && (k = read(fds[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0) n += k;
    buf[n > 0 ? n : 0] = 0;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(buf, "wasm trap: integer divide by zero\n"),
          "trap outside any w2n_call prints the trap and aborts");
  }

  w2n_instance_free(inst);
  w2n_store_free(s);
  return t_done();
}
