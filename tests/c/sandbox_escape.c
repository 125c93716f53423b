// The capability sandbox: with only a fresh directory granted as ".", nothing outside it can be
// opened, created, listed or renamed into, whether by "..", an absolute path or a symlink that
// points out; paths that leave and re-enter the directory still work. Wasm only (natively these
// escapes succeed): the expected output is sandbox_escape.stdout. The harness also checks that
// nothing appeared next to the granted directory.
// native: no
// dir: yes
// expect-exit: 0
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *path, const char *mode) {
  FILE *f = fopen(path, mode);
  printf("fopen(%s, %s): %s\n", path, mode, f ? "OPENED" : "refused");
  if (f) fclose(f);
}

int main(void) {
  FILE *f = fopen("inside.txt", "w");
  if (!f) {
    printf("cannot create inside.txt\n");
    return 1;
  }
  fputs("inside\n", f);
  fclose(f);
  mkdir("sub", 0755);
  try_open("inside.txt", "r");
  try_open("sub/../inside.txt", "r");
  try_open("./sub/./../inside.txt", "r");
  try_open("../outside.txt", "w");
  try_open("sub/../../outside.txt", "w");
  try_open("../wasm-work/inside.txt", "r");
  try_open("/etc/passwd", "r");
  try_open("/../outside.txt", "w"); /* wasi-libc maps "/x" into the "." preopen: this is "../outside.txt" */
  int s = symlink("..", "up");
  try_open("up/outside.txt", "w");
  try_open("up/wasm-work/inside.txt", "r");
  if (s == 0) unlink("up");
  int t = symlink("/etc/passwd", "passwd-link");
  try_open("passwd-link", "r");
  if (t == 0) unlink("passwd-link");
  DIR *d = opendir("..");
  printf("opendir(..): %s\n", d ? "OPENED" : "refused");
  if (d) closedir(d);
  printf("mkdir(../escaped): %s\n", mkdir("../escaped", 0755) == 0 ? "CREATED" : "refused");
  printf("rename(inside.txt, ../moved.txt): %s\n", rename("inside.txt", "../moved.txt") == 0 ? "MOVED" : "refused");
  struct stat st;
  printf("stat(..): %s\n", stat("..", &st) == 0 ? "ALLOWED" : "refused");
  printf("stat(inside.txt): %s\n", stat("inside.txt", &st) == 0 ? "ok" : "missing");
  return 0;
}
