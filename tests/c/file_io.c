// Files in the granted directory, by relative paths: write, read back, fseek/ftell, append,
// binary data, read-modify-write, a subdirectory, rename, remove, a sorted listing of ".", and a
// missing file. The native build runs with the test's fresh directory as its working directory;
// the Wasm build gets the same directory granted as "." (`--dir TMP::.`).
// dir: yes
// expect-exit: 0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    printf("opendir(%s) failed\n", path);
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_str);
  printf("listing %s (%d):", path, n);
  for (int i = 0; i < n; i++) {
    struct stat st;
    char full[256];
    snprintf(full, sizeof full, "%s/%s", path, names[i]);
    if (stat(full, &st) != 0) printf(" %s(stat failed)", names[i]);
    else if (S_ISDIR(st.st_mode)) printf(" %s/", names[i]);
    else printf(" %s[%lld]", names[i], (long long)st.st_size);
    free(names[i]);
  }
  printf("\n");
}

int main(void) {
  FILE *f = fopen("data.txt", "w");
  if (!f) {
    printf("fopen(data.txt, w) failed: errno=%d\n", errno);
    return 1;
  }
  for (int i = 0; i < 100; i++) fprintf(f, "line %d: %d\n", i, i * i);
  if (fclose(f) != 0) printf("fclose failed\n");

  f = fopen("data.txt", "r");
  if (!f) {
    printf("fopen(data.txt, r) failed\n");
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  printf("size=%ld\n", size);
  rewind(f);
  char line[128];
  int lines = 0;
  long sum = 0;
  while (fgets(line, sizeof line, f)) {
    if (lines < 3 || lines == 99) printf("read: %s", line);
    int a, b;
    if (sscanf(line, "line %d: %d", &a, &b) == 2) sum += b;
    lines++;
  }
  printf("lines=%d sum=%ld eof=%d\n", lines, sum, feof(f) != 0);
  fseek(f, 10, SEEK_SET);
  char chunk[21] = {0};
  size_t got = fread(chunk, 1, 20, f);
  printf("at 10: %zu [%s] tell=%ld\n", got, chunk, ftell(f));
  for (char *p = chunk; *p; p++) if (*p == '\n') *p = '|';
  printf("chunk: [%s]\n", chunk);
  fseek(f, -6, SEEK_END);
  memset(chunk, 0, sizeof chunk);
  got = fread(chunk, 1, 20, f);
  printf("tail: %zu [%.5s] tell=%ld\n", got, chunk, ftell(f));
  fseek(f, 5, SEEK_CUR);
  printf("past end: tell=%ld getc=%d\n", ftell(f), fgetc(f));
  fclose(f);

  f = fopen("data.txt", "a");
  fputs("appended line\n", f);
  fclose(f);
  struct stat st;
  if (stat("data.txt", &st) == 0) printf("after append: %lld bytes, regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode) != 0);

  unsigned char bytes[256];
  for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)i;
  f = fopen("bin.dat", "wb");
  printf("fwrite=%zu\n", fwrite(bytes, 1, sizeof bytes, f));
  fclose(f);
  f = fopen("bin.dat", "r+b");
  fseek(f, 200, SEEK_SET);
  fputc(0xEE, f);
  fseek(f, 0, SEEK_SET);
  unsigned char back[300];
  size_t nb = fread(back, 1, sizeof back, f);
  int diffs = 0;
  for (size_t i = 0; i < nb; i++) diffs += back[i] != (unsigned char)i;
  printf("binary: read=%zu diffs=%d byte200=%02x\n", nb, diffs, back[200]);
  fseek(f, 128, SEEK_SET);
  printf("byte128=%d\n", fgetc(f));
  fclose(f);

  if (mkdir("sub", 0755) != 0) printf("mkdir failed: errno=%d\n", errno);
  f = fopen("sub/inner.txt", "w");
  if (f) {
    fprintf(f, "inside a subdirectory\n");
    fclose(f);
  } else {
    printf("fopen(sub/inner.txt) failed\n");
  }
  f = fopen("sub/inner.txt", "r");
  if (f && fgets(line, sizeof line, f)) printf("inner: %s", line);
  if (f) fclose(f);
  printf("rename=%d\n", rename("bin.dat", "sub/moved.dat"));
  f = fopen("scratch.tmp", "w");
  if (f) fclose(f);
  printf("remove=%d\n", remove("scratch.tmp"));

  errno = 0;
  f = fopen("does-not-exist.txt", "r");
  printf("missing: null=%d enoent=%d\n", f == NULL, errno == ENOENT);
  list(".");
  list("sub");
  return 0;
}
