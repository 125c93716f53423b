// The string and memory functions: memcpy, memmove (overlapping both ways), memset, memcmp,
// strlen, strcmp/strncmp (signs only: the magnitude is unspecified), strcpy/strcat/strchr/strrchr/
// strstr, strtol/strtoul/atoi, strdup, sprintf.
// expect-exit: 0
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sign(int x) { return (x > 0) - (x < 0); }

static void show(const char *label, const unsigned char *p, size_t n) {
  printf("%s:", label);
  for (size_t i = 0; i < n; i++) printf(" %02x", p[i]);
  printf("\n");
}

int main(void) {
  unsigned char buf[64];
  for (int i = 0; i < 64; i++) buf[i] = (unsigned char)i;
  memmove(buf + 4, buf, 16); /* forward overlap */
  show("memmove fwd", buf, 24);
  for (int i = 0; i < 64; i++) buf[i] = (unsigned char)i;
  memmove(buf, buf + 5, 16); /* backward overlap */
  show("memmove back", buf, 24);
  memset(buf, 0xAB, 10);
  memset(buf + 10, 0, 3);
  show("memset", buf, 16);
  unsigned char dst[40];
  memset(dst, '.', sizeof dst);
  memcpy(dst + 3, "hello, world", 12);
  printf("memcpy: %.40s\n", (char *)dst);
  /* memcpy of many sizes and alignments */
  static unsigned char src[300], out[300];
  unsigned h = 0;
  for (int i = 0; i < 300; i++) src[i] = (unsigned char)(i * 13 + 7);
  for (int off = 0; off < 8; off++)
    for (int len = 0; len < 260; len += 3) {
      memset(out, 0, sizeof out);
      memcpy(out + off, src + (7 - off), (size_t)len);
      for (int i = 0; i < 300; i++) h = h * 31 + out[i];
    }
  printf("memcpy sweep hash=%08x\n", h);
  printf("memcmp: %d %d %d\n", sign(memcmp("abc", "abd", 3)), sign(memcmp("abc", "abc", 3)),
         sign(memcmp("\xff", "\x01", 1)));

  const char *words[] = {"", "a", "hello", "a longer string with spaces", "tab\there", "ünïcödé"};
  for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++) printf("strlen(%s)=%zu\n", words[i], strlen(words[i]));
  char longstr[5000];
  memset(longstr, 'z', sizeof longstr - 1);
  longstr[sizeof longstr - 1] = 0;
  printf("strlen(long)=%zu\n", strlen(longstr));
  printf("strcmp: %d %d %d %d %d\n", sign(strcmp("apple", "banana")), sign(strcmp("pear", "peach")),
         sign(strcmp("same", "same")), sign(strcmp("short", "shorter")), sign(strcmp("\x80", "a")));
  printf("strncmp: %d %d\n", sign(strncmp("abcdef", "abcxyz", 3)), sign(strncmp("abcdef", "abcxyz", 4)));

  char s[100];
  strcpy(s, "Hello");
  strcat(s, ", ");
  strcat(s, "Wasm");
  strncat(s, "!!!!!", 2);
  printf("built: %s (%zu)\n", s, strlen(s));
  printf("strchr: %td strrchr: %td strstr: %td missing: %d\n", strchr(s, 'l') - s, strrchr(s, 'l') - s,
         strstr(s, "Wasm") - s, strstr(s, "wasm") == NULL);
  char *dup = strdup(s);
  for (char *p = dup; *p; p++) *p = (char)toupper((unsigned char)*p);
  printf("upper: %s\n", dup);
  free(dup);

  char *end;
  long l = strtol("  -12345xyz", &end, 10);
  printf("strtol: %ld rest=%s\n", l, end);
  printf("strtol hex: %ld oct: %ld\n", strtol("0x7fff", NULL, 16), strtol("0755", NULL, 8));
  printf("strtoul: %lu atoi: %d %d\n", strtoul("4000000000", NULL, 10) / 2, atoi("42abc"), atoi("-17"));
  printf("strtoll: %lld\n", strtoll("-9223372036854775807", NULL, 10));
  printf("strtod: %.17g %g\n", strtod("3.14159265358979323846", NULL), strtod("1e-310", NULL));

  char fmt[64];
  int n = sprintf(fmt, "%s|%05d|%.3f", "pi", 42, 3.14159);
  printf("sprintf: %s (%d)\n", fmt, n);
  return 0;
}
