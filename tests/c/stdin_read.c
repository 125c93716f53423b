// Reading standard input to its end: byte, line and word counts, then the lines back in reverse order.
// stdin: first line\nsecond line, with more words\n\n   indented line\t with a tab\nlast line without newline
// expect-exit: 0
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  static char buf[1 << 16];
  size_t len = 0, n;
  while ((n = fread(buf + len, 1, sizeof buf - 1 - len, stdin)) > 0) len += n;
  buf[len] = 0;
  printf("eof=%d error=%d\n", feof(stdin) != 0, ferror(stdin) != 0);
  int lines = 0, words = 0, in_word = 0;
  for (size_t i = 0; i < len; i++) {
    if (buf[i] == '\n') lines++;
    if (isspace((unsigned char)buf[i])) in_word = 0;
    else if (!in_word) in_word = 1, words++;
  }
  printf("bytes=%zu newlines=%d words=%d\n", len, lines, words);
  char *starts[64];
  int count = 0;
  char *p = buf;
  while (*p && count < 64) {
    starts[count++] = p;
    char *nl = strchr(p, '\n');
    if (!nl) break;
    *nl = 0;
    p = nl + 1;
  }
  for (int i = count - 1; i >= 0; i--) printf("%d: [%s]\n", i, starts[i]);
  printf("getchar after eof=%d\n", getchar());
  return 0;
}
