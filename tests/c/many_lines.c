// A lot of output: 20000 lines (about 600 KB) through stdio, then one unbuffered write to stderr
// that the test ignores. Checks that large and partial writes all reach stdout in order.
// expect-exit: 0
#include <stdio.h>

int main(void) {
  unsigned h = 1;
  for (int i = 0; i < 20000; i++) {
    h = h * 2654435761u + (unsigned)i;
    printf("%05d %08x %s\n", i, h, (i % 1000 == 0) ? "---------- a longer marker line ----------" : "x");
  }
  static char big[70000]; /* static: the wasm32 C stack is only 64 KiB */
  for (int i = 0; i < (int)sizeof big - 1; i++) big[i] = (char)('a' + i % 26);
  big[sizeof big - 1] = 0;
  fwrite(big, 1, sizeof big - 1, stdout);
  fputc('\n', stdout);
  fprintf(stderr, "this goes to stderr\n");
  return 0;
}
