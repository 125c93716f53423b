// A non-zero return from main: the status is 7 and buffered output still reaches stdout.
// expect-exit: 7
#include <stdio.h>

int main(void) {
  for (int i = 0; i < 3; i++) printf("line %d\n", i);
  fputs("no newline at the end", stdout);
  return 7;
}
