// scanf from standard input: integers and floats until the input ends.
// stdin: 3 1 4 1 5 9 2 6\n-5 35 8979 -3238 46264\n2.5 0.125 -1e3 end
// expect-exit: 0
#include <stdio.h>

int main(void) {
  long long sum = 0;
  int count = 0, x, min = 1 << 30, max = -(1 << 30);
  while (scanf("%d", &x) == 1) {
    sum += x;
    count++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  printf("ints: count=%d sum=%lld min=%d max=%d\n", count, sum, min, max);
  double d, dsum = 0;
  while (scanf("%lf", &d) == 1) dsum += d;
  char word[16] = "";
  int words = scanf("%15s", word);
  printf("doubles sum=%.3f word=%d [%s]\n", dsum, words, word);
  printf("then eof: %d\n", scanf("%d", &x));
  return 0;
}
