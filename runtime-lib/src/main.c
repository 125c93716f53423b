/*
 * main.c — the program entry of executables made by wasm2native (linked into executables only, never
 * into the in-process library).
 *
 * The compiler emits `w2n_exe_module` (the module descriptor) and `w2n_exe_config` (the directories and
 * environment granted at compile time). main() runs the module's `_start` (or `_initialize`) with the
 * process's argv, unchanged and complete (argv[0] included), and reports the outcome the way wasmtime
 * does on Unix:
 *   - link error, or a bad run-time grant: "error: <message>" on stderr, exit status 1;
 *   - trap: "wasm trap: <message>" and one "    at <function>" line per frame, exit status 134;
 *   - proc_exit(n): exit status n;
 *   - otherwise 0.
 *
 * WASI grants. The guest gets the compile-time grants, plus, unless the executable was compiled with
 * --no-runtime-grants, the ones named by these variables of the process's environment (read with
 * secure_getenv, so never in a set-user-ID or set-group-ID program):
 *   WASM2NATIVE_DIRS=HOST[::GUEST][:HOST[::GUEST]...]     directories, read-write
 *   WASM2NATIVE_DIRS_RO=HOST[::GUEST][:HOST[::GUEST]...]  directories, read-only
 *   WASM2NATIVE_ENV=NAME[,NAME...]                        variables passed with this process's values
 * Preopened fds are the compiled-in directories, then WASM2NATIVE_DIRS, then WASM2NATIVE_DIRS_RO, in
 * order. A name in WASM2NATIVE_ENV replaces a compiled-in variable of the same name; names that are
 * not set are left out. Nothing else of the process's environment reaches the guest.
 *
 * Stack. The guest runs on a thread whose stack the runtime allocates (w2n_run_on_stack), so its
 * recursion depth does not depend on `ulimit -s`: Wasm gets W2N_DEFAULT_MAX_WASM_STACK (64 MiB), or
 * the size compiled in with --max-wasm-stack, or the one this variable names (it wins):
 *   WASM2NATIVE_MAX_WASM_STACK=N[K|M|G]   bytes Wasm may use (K, M, G: KiB, MiB, GiB), 1 to 1 TiB
 * A bad value is "error: ..." and exit status 1.
 *
 * Bounds. `compile -W timeout=D` interrupts the guest D after it starts (trap "interrupt"), `-W fuel=N`
 * gives it N fuel (trap "all fuel consumed by WebAssembly"); both are baked in, and these variables
 * replace them unless the executable was compiled with --no-runtime-grants:
 *   WASM2NATIVE_TIMEOUT=D   a duration: a number and ns, us, ms, s (the default), m or h
 *   WASM2NATIVE_FUEL=N      a whole number
 * A variable asking for checks the executable was not compiled with (--interruptible or -W timeout;
 * --fuel or -W fuel) is an error: the bound would not hold.
 *
 * Limits. The store gets the limits compiled in with `compile -W max-memory-size=...`; unless the
 * executable was compiled with --no-runtime-grants, this variable overrides them key by key, in the
 * words of `-W` (read with secure_getenv):
 *   WASM2NATIVE_LIMITS=KEY=VALUE[,KEY=VALUE...]
 *     max-memory-size=N[K|M|G|T]  bytes per linear memory      max-table-elements=N   per table
 *     max-instances=N  max-memories=N  max-tables=N            trap-on-grow-failure[=y|n]
 * A bad entry is "error: ..." and exit status 1.
 */
#include "internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __APPLE__
#include <unistd.h> /* issetugid */
#endif

extern const w2n_module *const w2n_exe_module;

#ifdef __APPLE__
/* Darwin has no secure_getenv: issetugid() is its "set-user-ID or set-group-ID program" test. */
static const char *os_secure_getenv(const char *name) { return issetugid() ? NULL : getenv(name); }
#else
#define os_secure_getenv secure_getenv
#endif

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
    w2n__print_trap(err->message, err->frames, err->num_frames);
    return 134;
  }
  fprintf(stderr, "error: %s\n", err->message);
  return 1;
}

/* ---- Grants: compile-time, then run-time ---- */

typedef struct grants {
  w2n_wasi_dir *dirs;
  int num_dirs;
  const char **env;
  int envc;
  int no_runtime_grants;
} grants;

static void *grow(void *array, int count, size_t elem) {
  void *p = realloc(array, (size_t)(count + 1) * elem);
  if (!p) {
    fprintf(stderr, "error: out of memory\n");
    exit(1);
  }
  return p;
}

static char *copy(const char *s, size_t n) {
  char *c = strndup(s, n);
  if (!c) {
    fprintf(stderr, "error: out of memory\n");
    exit(1);
  }
  return c;
}

static void add_dir(grants *g, const char *host, const char *guest, int read_only) {
  g->dirs = grow(g->dirs, g->num_dirs, sizeof *g->dirs);
  g->dirs[g->num_dirs].host_path = host;
  g->dirs[g->num_dirs].guest_path = guest;
  g->dirs[g->num_dirs].read_only = read_only;
  g->num_dirs++;
}

/* Sets (or replaces) the guest variable `entry` ("NAME=VAL"). */
static void set_env(grants *g, const char *entry) {
  size_t name = (size_t)(strchr(entry, '=') - entry);
  int out = 0;
  for (int i = 0; i < g->envc; i++) {
    if (!(strncmp(g->env[i], entry, name) == 0 && g->env[i][name] == '=')) g->env[out++] = g->env[i];
  }
  g->envc = out;
  g->env = grow(g->env, g->envc, sizeof *g->env);
  g->env[g->envc++] = entry;
}

static void compile_time_grants(grants *g) {
  const struct w2n_exe_config *baked = exe_config();
  for (int i = 0; i < baked->num_dirs; i++) add_dir(g, baked->dirs[i].host_path, baked->dirs[i].guest_path, baked->dirs[i].read_only);
  for (int i = 0; i < baked->envc; i++)
    if (strchr(baked->env[i], '=')) set_env(g, baked->env[i]);
  g->no_runtime_grants = (baked->flags & W2N_EXE_NO_RUNTIME_GRANTS) != 0;
}

/* Parses `var`'s value: HOST[::GUEST] entries separated by single ':' characters. Returns 0, or -1
 * after printing what is wrong. */
static int runtime_dirs(grants *g, const char *var, int read_only) {
  const char *v = os_secure_getenv(var);
  if (!v) return 0;
  const char *p = v;
  while (*p) {
    const char *q = p, *map = NULL;
    for (; *q; q++) {
      if (q[0] != ':') continue;
      if (q[1] != ':') break; /* end of the entry */
      if (map) {
        fprintf(stderr, "error: %s: `::` twice in one entry (paths in %s cannot contain ':')\n", var, var);
        return -1;
      }
      map = q++;
    }
    const char *host_end = map ? map : q;
    if (host_end == p) {
      if (q == p) { /* empty entry (a leading or trailing separator): nothing */
        p = *q ? q + 1 : q;
        continue;
      }
      fprintf(stderr, "error: %s: an entry has no host directory (expected HOST[::GUEST])\n", var);
      return -1;
    }
    char *host = copy(p, (size_t)(host_end - p));
    char *guest = map ? copy(map + 2, (size_t)(q - map - 2)) : host;
    if (!*guest) {
      fprintf(stderr, "error: %s: %s:: has no guest path\n", var, host);
      return -1;
    }
    struct stat st;
    if (stat(host, &st) != 0 || !S_ISDIR(st.st_mode)) {
      fprintf(stderr, "error: %s: %s is not a directory\n", var, host);
      return -1;
    }
    add_dir(g, host, guest, read_only);
    p = *q ? q + 1 : q;
  }
  return 0;
}

/* WASM2NATIVE_ENV: names separated by ','. Returns 0, or -1 after printing what is wrong. */
static int runtime_env(grants *g) {
  const char *v = os_secure_getenv("WASM2NATIVE_ENV");
  if (!v) return 0;
  for (const char *p = v; *p;) {
    size_t n = strcspn(p, ",");
    if (n > 0) {
      char *name = copy(p, n);
      if (strchr(name, '=')) {
        fprintf(stderr, "error: WASM2NATIVE_ENV: `%s`: list variable names only (NAME,NAME); set the variables "
                        "themselves in the environment\n", name);
        return -1;
      }
      const char *value = getenv(name);
      if (value) {
        char *entry = malloc(n + strlen(value) + 2);
        if (!entry) {
          fprintf(stderr, "error: out of memory\n");
          exit(1);
        }
        sprintf(entry, "%s=%s", name, value);
        set_env(g, entry);
      }
      free(name);
    }
    p += n;
    if (*p == ',') p++;
  }
  return 0;
}

/* ---- The Wasm stack ---- */

/* Parses N[K|M|G] (binary multiples) into 1 ..= W2N_MAX_WASM_STACK_LIMIT. Returns 0, or -1. */
static int parse_stack_size(const char *s, uint64_t *out) {
  uint64_t v = 0;
  const char *p = s;
  if (*p < '0' || *p > '9') return -1;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > W2N_MAX_WASM_STACK_LIMIT) return -1;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  unsigned shift = 0;
  switch (*p) {
  case 'k': case 'K': shift = 10; p++; break;
  case 'm': case 'M': shift = 20; p++; break;
  case 'g': case 'G': shift = 30; p++; break;
  default: break;
  }
  if (*p != 0 || v == 0 || v > (W2N_MAX_WASM_STACK_LIMIT >> shift)) return -1;
  *out = v << shift;
  return 0;
}

/* The size Wasm gets: WASM2NATIVE_MAX_WASM_STACK, else the compiled-in one, else the default. */
static int wasm_stack_size(uint64_t *size) {
  *size = exe_config()->max_wasm_stack ? exe_config()->max_wasm_stack : W2N_DEFAULT_MAX_WASM_STACK;
  const char *v = getenv("WASM2NATIVE_MAX_WASM_STACK");
  if (!v) return 0;
  if (parse_stack_size(v, size) != 0) {
    fprintf(stderr, "error: WASM2NATIVE_MAX_WASM_STACK=%s: expected a size in bytes from 1 to 1T, "
                    "optionally with a K, M or G suffix (e.g. 65536, 16M)\n", v);
    return -1;
  }
  return 0;
}

/* ---- Limits: compile-time, then WASM2NATIVE_LIMITS ---- */

/* Parses a whole number with an optional binary suffix (K, M, G, T when `sizes`) and '_' separators.
 * Returns 0, or -1 (not a number, or past UINT64_MAX). */
static int parse_limit(const char *s, size_t n, int sizes, uint64_t *out) {
  uint64_t v = 0;
  size_t i = 0, digits = 0;
  for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++) {
    if (s[i] == '_') continue;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
    digits++;
  }
  unsigned shift = 0;
  if (sizes && i + 1 == n) {
    switch (s[i]) {
    case 'k': case 'K': shift = 10; i++; break;
    case 'm': case 'M': shift = 20; i++; break;
    case 'g': case 'G': shift = 30; i++; break;
    case 't': case 'T': shift = 40; i++; break;
    default: break;
    }
  }
  if (i != n || digits == 0 || v > (UINT64_MAX >> shift)) return -1;
  *out = v << shift;
  return 0;
}

static int word_is(const char *s, size_t n, const char *word) { return n == strlen(word) && strncmp(s, word, n) == 0; }

/* Applies WASM2NATIVE_LIMITS over `l`. Returns 0, or -1 after printing what is wrong. */
static int runtime_limits(w2n_store_limits *l) {
  const char *v = os_secure_getenv("WASM2NATIVE_LIMITS");
  if (!v) return 0;
  static const struct { const char *key; size_t field; int sizes; } keys[] = {
    {"max-memory-size", offsetof(w2n_store_limits, max_memory_size), 1},
    {"max-table-elements", offsetof(w2n_store_limits, max_table_elements), 0},
    {"max-instances", offsetof(w2n_store_limits, max_instances), 0},
    {"max-memories", offsetof(w2n_store_limits, max_memories), 0},
    {"max-tables", offsetof(w2n_store_limits, max_tables), 0},
    {"max-gc-heap", offsetof(w2n_store_limits, max_gc_heap), 1},
  };
  for (const char *p = v; *p;) {
    size_t n = strcspn(p, ",");
    const char *eq = memchr(p, '=', n);
    size_t key_len = eq ? (size_t)(eq - p) : n;
    const char *value = eq ? eq + 1 : NULL;
    size_t value_len = eq ? n - key_len - 1 : 0;
    int known = 0;
    if (n == 0) goto next;
    if (word_is(p, key_len, "trap-on-grow-failure")) {
      known = 1;
      int on;
      if (!value || word_is(value, value_len, "y") || word_is(value, value_len, "yes") ||
          word_is(value, value_len, "true"))
        on = 1;
      else if (word_is(value, value_len, "n") || word_is(value, value_len, "no") || word_is(value, value_len, "false"))
        on = 0;
      else {
        fprintf(stderr, "error: WASM2NATIVE_LIMITS: trap-on-grow-failure=%.*s: expected y or n\n", (int)value_len, value);
        return -1;
      }
      l->flags = on ? (l->flags | W2N_LIMITS_TRAP_ON_GROW_FAILURE) : (l->flags & ~W2N_LIMITS_TRAP_ON_GROW_FAILURE);
    }
    for (size_t k = 0; k < sizeof keys / sizeof keys[0] && !known; k++) {
      if (!word_is(p, key_len, keys[k].key)) continue;
      known = 1;
      uint64_t limit;
      if (!value || parse_limit(value, value_len, keys[k].sizes, &limit) != 0) {
        fprintf(stderr, "error: WASM2NATIVE_LIMITS: %.*s: expected %s=%s\n", (int)n, p, keys[k].key,
                keys[k].sizes ? "BYTES (a number, optionally with a K, M, G or T suffix)" : "N (a whole number)");
        return -1;
      }
      *(uint64_t *)((char *)l + keys[k].field) = limit;
    }
    if (!known) {
      fprintf(stderr, "error: WASM2NATIVE_LIMITS: unknown key `%.*s` (known: max-memory-size, max-table-elements, "
                      "max-instances, max-memories, max-tables, trap-on-grow-failure)\n", (int)key_len, p);
      return -1;
    }
  next:
    p += n;
    if (*p == ',') p++;
  }
  return 0;
}

/* ---- Bounds: timeout and fuel ---- */

typedef struct bounds {
  uint64_t timeout_ns; /* 0: none */
  uint64_t fuel;       /* UINT64_MAX: no budget */
} bounds;

/* Parses a duration as `run -W timeout=` does (cli/wasm_options.rs). Returns 0, or -1. */
static int parse_duration_ns(const char *s, uint64_t *out) {
  if ((*s < '0' || *s > '9') && *s != '.') return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno != 0) return -1;
  double scale;
  if (*end == 0 || strcmp(end, "s") == 0) scale = 1e9;
  else if (strcmp(end, "ms") == 0) scale = 1e6;
  else if (strcmp(end, "us") == 0) scale = 1e3;
  else if (strcmp(end, "ns") == 0) scale = 1;
  else if (strcmp(end, "m") == 0) scale = 60e9;
  else if (strcmp(end, "h") == 0) scale = 3600e9;
  else return -1;
  double ns = v * scale;
  if (!(ns >= 0) || ns >= 1.8e19) return -1;
  *out = (uint64_t)ns;
  if (*out == 0 && v > 0) *out = 1;
  return 0;
}

/* The bounds: the variables' (unless --no-runtime-grants), else the compiled-in ones. */
static int guest_bounds(const grants *g, bounds *b) {
  const struct w2n_exe_config *c = exe_config();
  b->timeout_ns = c->timeout_ns;
  b->fuel = (c->flags & W2N_EXE_FUEL_BUDGET) ? c->fuel : UINT64_MAX;
  if (g->no_runtime_grants) return 0;
  const char *v = os_secure_getenv("WASM2NATIVE_TIMEOUT");
  if (v) {
    if (parse_duration_ns(v, &b->timeout_ns) != 0) {
      fprintf(stderr, "error: WASM2NATIVE_TIMEOUT=%s: expected a duration such as 2s or 500ms\n", v);
      return -1;
    }
    if (!(c->flags & W2N_EXE_INTERRUPTIBLE)) {
      fprintf(stderr, "error: WASM2NATIVE_TIMEOUT: this executable was compiled without --interruptible\n");
      return -1;
    }
  }
  v = os_secure_getenv("WASM2NATIVE_FUEL");
  if (v) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*v < '0' || *v > '9' || *end != 0 || errno != 0) {
      fprintf(stderr, "error: WASM2NATIVE_FUEL=%s: expected a whole number\n", v);
      return -1;
    }
    if (!(c->flags & W2N_EXE_FUEL)) {
      fprintf(stderr, "error: WASM2NATIVE_FUEL: this executable was compiled without --fuel\n");
      return -1;
    }
    b->fuel = n;
  }
  return 0;
}

/* ---- The guest, on its own stack ---- */

typedef struct guest_run {
  int argc;
  char **argv;
  grants *g;
  bounds bounds;
  const w2n_store_limits *limits;
  int status;
} guest_run;

static void run_guest(void *p) {
  guest_run *r = p;
  grants *g = r->g;
  w2n_store *store = w2n_store_new();
  if (!store) {
    fprintf(stderr, "error: out of memory\n");
    r->status = 1;
    return;
  }
  w2n_store_set_limits(store, r->limits);
  w2n_wasi_config config;
  config.argc = r->argc;
  config.argv = (const char *const *)r->argv;
  config.envc = g->envc;
  config.env = g->env;
  config.num_dirs = g->num_dirs;
  config.dirs = g->dirs;
  config.inherit_stdio = 1;
  w2n_error err;
  if (w2n_wasi_configure(store, &config, &err) != 0) {
    fprintf(stderr, "error: %s\n", err.message);
    r->status = 1;
    return;
  }
  if (r->bounds.fuel != UINT64_MAX) w2n_store_set_fuel(store, r->bounds.fuel);
  if (r->bounds.timeout_ns != 0) {
    int rc = w2n_store_set_deadline(store, r->bounds.timeout_ns);
    if (rc != 0) {
      fprintf(stderr, "error: cannot start the timeout's timer: %s\n", strerror(rc));
      r->status = 1;
      return;
    }
  }
  w2n_instance *inst = w2n_instantiate(store, w2n_exe_module, w2n_wasi_resolve, NULL, &err);
  if (!inst) {
    r->status = report_failure(store, &err);
    return;
  }
  w2n_extern entry;
  if (w2n_instance_export(inst, "_start", &entry) == 0 || w2n_instance_export(inst, "_initialize", &entry) == 0) {
    if (entry.kind == W2N_EXTERN_FUNC) {
      w2n_value args[1];
      args[0].i64 = 0;
      if (w2n_call(store, entry.of.func, args, &err) != 0) {
        r->status = report_failure(store, &err);
        return;
      }
    }
  }
  int code;
  r->status = w2n_wasi_exit_code(store, &code) ? code : 0;
}

int main(int argc, char **argv) {
  grants g;
  memset(&g, 0, sizeof g);
  compile_time_grants(&g);
  if (!g.no_runtime_grants) {
    if (runtime_dirs(&g, "WASM2NATIVE_DIRS", 0) != 0 || runtime_dirs(&g, "WASM2NATIVE_DIRS_RO", 1) != 0 ||
        runtime_env(&g) != 0)
      return 1;
  }

  w2n_store_limits limits = exe_config()->limits;
  if (!g.no_runtime_grants && runtime_limits(&limits) != 0) return 1;

  uint64_t stack;
  if (wasm_stack_size(&stack) != 0) return 1;
  bounds b;
  if (guest_bounds(&g, &b) != 0) return 1;

  w2n_runtime_init();
  /* Without a deadline nothing can interrupt an executable's guest (it has no other interrupter):
   * no kicker thread and no running list then (interrupt.c). */
  if (b.timeout_ns == 0) w2n__async_interrupts = 0;
  guest_run r = {argc, argv, &g, b, &limits, 0};
  int rc = w2n_run_on_stack((size_t)stack, run_guest, &r);
  if (rc != 0) {
    fprintf(stderr, "error: cannot create the Wasm stack (%llu bytes; WASM2NATIVE_MAX_WASM_STACK sets it): %s\n",
            (unsigned long long)stack, strerror(rc));
    return 1;
  }
  return r.status;
}
