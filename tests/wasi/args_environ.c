// args_get, args_sizes_get, environ_get, environ_sizes_get: the argv and the environment the guest
// was granted (nothing of the host's), and EFAULT for every pointer outside linear memory.
// functions: args_get args_sizes_get environ_get environ_sizes_get
// args: one "two" ünïcode --dir /etc --env=X
// env: GREETING=hello EMPTY=
#include "check.h"

static void check_strings(const char *what, I (*sizes)(I, I), I (*get)(I, I), const char *const *want, int n) {
  __wasi_size_t count = 99, bytes = 99;
  EXPECT(sizes(P(&count), P(&bytes)), 0);
  size_t total = 0;
  for (int i = 0; i < n; i++) total += strlen(want[i]) + 1;
  char msg[64];
  snprintf(msg, sizeof msg, "%s: count %d, %zu bytes", what, n, total);
  CHECK(count == (__wasi_size_t)n && bytes == total, msg);
  I *ptrs = calloc(count + 1, sizeof *ptrs);
  char *buf = malloc(bytes + 1);
  EXPECT(get(P(ptrs), P(buf)), 0);
  int same = 1;
  for (int i = 0; i < n; i++) same &= strcmp((char *)(uintptr_t)ptrs[i], want[i]) == 0;
  snprintf(msg, sizeof msg, "%s: the strings, NUL-terminated, pointers into buf", what);
  CHECK(same && (uintptr_t)ptrs[0] == (uintptr_t)buf, msg);
  /* bad pointers: EFAULT, never a crash, and nothing written */
  EXPECT(sizes(OOB, P(&bytes)), __WASI_ERRNO_FAULT);
  EXPECT(sizes(P(&count), OOB), __WASI_ERRNO_FAULT);
  EXPECT(sizes(straddle(), P(&bytes)), __WASI_ERRNO_FAULT);
  EXPECT(get(OOB, P(buf)), __WASI_ERRNO_FAULT);
  EXPECT(get(P(ptrs), OOB), __WASI_ERRNO_FAULT);
  EXPECT(get(P(ptrs), straddle()), __WASI_ERRNO_FAULT);
  EXPECT(get(straddle(), P(buf)), __WASI_ERRNO_FAULT);
  free(ptrs);
  free(buf);
}

int main(int argc, char **argv) {
  /* argv[0] is the program's name as it was started (the executable's path, or the module's file
   * name under `wasm2native run`) */
  const char *want_args[] = {argv[0], "one", "\"two\"", "ünïcode", "--dir", "/etc", "--env=X"};
  CHECK(argc == 7, "argc is 7 (argv[0] and six arguments, unchanged, flags of wasm2native's included)");
  check_strings("args", w_args_sizes_get, w_args_get, want_args, 7);
  const char *want_env[] = {"EMPTY=", "GREETING=hello"};
  check_strings("environ", w_environ_sizes_get, w_environ_get, want_env, 2);
  CHECK(getenv("HOME") == NULL && getenv("PATH") == NULL, "nothing of the host's environment");
  return done();
}
