/* w2n_agent: runs compiled modules for another architecture on behalf of `wasm2native wast
 * --target T`. The host compiles each module to a shared library for T and drives this program (run
 * under qemu-user) over a line protocol on stdin/stdout; the runtime is linked in and exported to the
 * libraries it dlopens. One store; instances live until exit.
 *
 *   load PATH PREFIX            -> ok MOD          | err MESSAGE
 *   inst MOD                    -> ok INST         | link MESSAGE | trap MESSAGE
 *   reg NAMEHEX INST            -> ok
 *   call INST NAMEHEX N V...    -> ok V...         | trap MESSAGE | err MESSAGE
 *   get INST NAMEHEX            -> ok V            | err MESSAGE
 *   kind REF                    -> ok KIND HOST       (w2n_ref_kind of an anyref, hex)
 *   host INST P                 -> ok REF             (host pointer P as an anyref, hex)
 *
 * Names are `x` followed by hex (they may hold any bytes, or none). V is one 16-byte w2n_value slot as two hex u64 words
 * (low, high); `call` passes N slots (room for params and results) and answers with all N. */
#include "w2n_runtime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 4096

static const w2n_module *modules[MAX_ITEMS];
static w2n_instance *instances[MAX_ITEMS];
static unsigned num_modules, num_instances;
static struct { char *name; w2n_instance *inst; } registry[MAX_ITEMS];
static unsigned num_registered;
static w2n_store *store;

static char *unhex(const char *hex, size_t *len) {
  if (*hex == 'x') hex++;
  size_t n = strlen(hex) / 2;
  char *out = malloc(n + 1);
  for (size_t i = 0; i < n; i++) {
    unsigned b;
    sscanf(hex + 2 * i, "%2x", &b);
    out[i] = (char)b;
  }
  out[n] = 0;
  *len = n;
  return out;
}

static int resolve(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)user;
  (void)importer;
  for (unsigned i = num_registered; i-- > 0;)
    if (strcmp(registry[i].name, imp->module) == 0) return w2n_instance_export(registry[i].inst, imp->name, out);
  return 1;
}

static void one_line(const char *s) {
  /* Messages stay on one line. */
  for (; *s; s++) putchar(*s == '\n' ? ' ' : *s);
  putchar('\n');
}

static void reply_error(const char *kind, const char *message) {
  printf("%s ", kind);
  one_line(message);
}

static void put_value(const w2n_value *v) {
  unsigned long long w[2];
  memcpy(w, v, sizeof w);
  printf(" %llx %llx", w[0], w[1]);
}

static void command(char *line) {
  char *argv[3 + 2 * 64 + 2];
  int argc = 0;
  for (char *tok = strtok(line, " \n"); tok && argc < (int)(sizeof argv / sizeof argv[0]); tok = strtok(NULL, " \n"))
    argv[argc++] = tok;
  if (argc == 0) return;
  w2n_error err;
  if (strcmp(argv[0], "load") == 0 && argc == 3) {
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) return reply_error("err", dlerror());
    char symbol[256];
    snprintf(symbol, sizeof symbol, "%s_module", argv[2]);
    const w2n_module *m = dlsym(lib, symbol);
    if (!m || num_modules == MAX_ITEMS) return reply_error("err", "no module descriptor");
    modules[num_modules] = m;
    printf("ok %u\n", num_modules++);
  } else if (strcmp(argv[0], "inst") == 0 && argc == 2) {
    unsigned id = (unsigned)strtoul(argv[1], NULL, 10);
    if (id >= num_modules || num_instances == MAX_ITEMS) return reply_error("err", "bad module id");
    w2n_instance *inst = w2n_instantiate(store, modules[id], resolve, NULL, &err);
    if (!inst) return reply_error(err.trap ? "trap" : "link", err.message);
    instances[num_instances] = inst;
    printf("ok %u\n", num_instances++);
  } else if (strcmp(argv[0], "reg") == 0 && argc == 3) {
    unsigned id = (unsigned)strtoul(argv[2], NULL, 10);
    size_t len;
    if (id >= num_instances || num_registered == MAX_ITEMS) return reply_error("err", "bad instance id");
    registry[num_registered].name = unhex(argv[1], &len);
    registry[num_registered++].inst = instances[id];
    printf("ok\n");
  } else if (strcmp(argv[0], "call") == 0 && argc >= 4) {
    unsigned id = (unsigned)strtoul(argv[1], NULL, 10);
    int n = atoi(argv[3]);
    if (id >= num_instances || n < 0 || n > 64 || argc != 4 + 2 * n) return reply_error("err", "bad call");
    size_t len;
    char *name = unhex(argv[2], &len);
    w2n_extern ext;
    int found = w2n_instance_export_n(instances[id], name, len, &ext) == 0 && ext.kind == W2N_EXTERN_FUNC;
    free(name);
    if (!found) return reply_error("err", "no such function export");
    w2n_value slots[64];
    memset(slots, 0, sizeof slots);
    for (int i = 0; i < n; i++) {
      unsigned long long w[2] = {strtoull(argv[4 + 2 * i], NULL, 16), strtoull(argv[5 + 2 * i], NULL, 16)};
      memcpy(&slots[i], w, sizeof w);
    }
    if (w2n_call(store, ext.of.func, slots, &err) != 0) return reply_error("trap", err.message);
    printf("ok");
    for (int i = 0; i < n; i++) put_value(&slots[i]);
    printf("\n");
  } else if (strcmp(argv[0], "get") == 0 && argc == 3) {
    unsigned id = (unsigned)strtoul(argv[1], NULL, 10);
    size_t len;
    if (id >= num_instances) return reply_error("err", "bad instance id");
    char *name = unhex(argv[2], &len);
    w2n_extern ext;
    int found = w2n_instance_export_n(instances[id], name, len, &ext) == 0 && ext.kind == W2N_EXTERN_GLOBAL;
    free(name);
    if (!found) return reply_error("err", "no such global export");
    printf("ok");
    put_value(ext.of.global.cell);
    printf("\n");
  } else if (strcmp(argv[0], "kind") == 0 && argc == 2) {
    /* kind REF: what an anyref result is (w2n_ref_kind) and the host pointer of a boxed one. */
    void *host = NULL;
    uint32_t kind = w2n_ref_kind((void *)(uintptr_t)strtoull(argv[1], NULL, 16), &host);
    printf("ok %u %llx\n", kind, (unsigned long long)(uintptr_t)host);
  } else if (strcmp(argv[0], "host") == 0 && argc == 3) {
    /* host INSTANCE P: the host reference P as an anyref (any.convert_extern). */
    unsigned id = (unsigned)strtoul(argv[1], NULL, 10);
    if (id >= num_instances) return reply_error("err", "bad instance id");
    void *r = w2n_gc_extern_to_any(instances[id], (void *)(uintptr_t)strtoull(argv[2], NULL, 16));
    w2n_gc_hold(store, r); /* only the next call's argument slots know it */
    printf("ok %llx\n", (unsigned long long)(uintptr_t)r);
  } else {
    reply_error("err", "unknown command");
  }
}

int main(void) {
  w2n_runtime_init();
  store = w2n_store_new();
  static char line[1 << 16];
  while (fgets(line, sizeof line, stdin)) {
    command(line);
    fflush(stdout);
  }
  return 0;
}
