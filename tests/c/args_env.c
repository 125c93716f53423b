// Command-line arguments and environment variables. The test passes the same arguments and the same
// variables to the native build (with an otherwise empty environment) and to the Wasm build (which
// must see exactly the granted variables and nothing of the host's environment).
// args: one two three --flag=x -n 42 ünï
// env: W2N_ALPHA=hello W2N_BETA=with=equals W2N_EMPTY= W2N_NUMBER=12345
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  printf("argv[0] present: %d\n", argv[0] != NULL && argv[0][0] != 0);
  for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] (%zu)\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is null: %d\n", argv[argc] == NULL);

  const char *names[] = {"W2N_ALPHA", "W2N_BETA", "W2N_EMPTY", "W2N_NUMBER", "W2N_UNSET", "HOME", "PATH"};
  for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *v = getenv(names[i]);
    printf("getenv(%s)=%s%s%s\n", names[i], v ? "[" : "", v ? v : "(null)", v ? "]" : "");
  }
  printf("number+1=%ld\n", strtol(getenv("W2N_NUMBER") ? getenv("W2N_NUMBER") : "0", NULL, 10) + 1);

  int n = 0;
  while (environ && environ[n]) n++;
  char **copy = malloc(sizeof(char *) * (size_t)(n + 1));
  for (int i = 0; i < n; i++) copy[i] = environ[i];
  qsort(copy, (size_t)n, sizeof copy[0], cmp_str);
  printf("environ has %d entries\n", n);
  for (int i = 0; i < n; i++) printf("  %s\n", copy[i]);
  free(copy);
  return 0;
}
