// exit(3) from a nested call: buffered output is flushed and atexit handlers run (in reverse order).
// expect-exit: 3
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit: registered first, runs last\n"); }
static void second(void) { printf("atexit: registered second, runs first\n"); }

static void leave(int depth) {
  if (depth == 0) {
    printf("leaving with 3\n");
    exit(3);
  }
  leave(depth - 1);
  printf("never printed\n");
}

int main(void) {
  atexit(first);
  atexit(second);
  printf("buffered, not flushed explicitly\n");
  leave(5);
  return 0;
}
