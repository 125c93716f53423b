// POSIX file-system calls on the granted directory: mkdir, open/creat flags, write, lseek, pread and
// pwrite, fstat/stat/lstat, ftruncate, symlink/readlink, link, rename of files and directories,
// utimensat with explicit times, a recursive sorted listing, unlink/rmdir, and the errno of each
// usual mistake. Native and Wasm must print the same and leave the same files behind.
// dir: yes
// expect-exit: 0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case 0: return "ok";
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case EINVAL: return "EINVAL";
  case ELOOP: return "ELOOP";
  case EBADF: return "EBADF";
  case ESPIPE: return "ESPIPE";
  default: return "other";
  }
}
#define TRY(call) printf("%-44s %s\n", #call, errname((call) < 0 ? errno : 0))

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Prints the tree under `path`, sorted, with types and sizes. */
static void tree(const char *path, int depth) {
  DIR *d = opendir(path);
  if (!d) {
    printf("%*sopendir(%s): %s\n", depth * 2, "", path, errname(errno));
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  for (int i = 0; i < n; i++) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", path, names[i]);
    struct stat st;
    lstat(p, &st);
    if (S_ISLNK(st.st_mode)) {
      char t[256] = {0};
      readlink(p, t, sizeof t - 1);
      printf("%*s%s -> %s\n", depth * 2, "", names[i], t);
    } else if (S_ISDIR(st.st_mode)) {
      printf("%*s%s/\n", depth * 2, "", names[i]);
      tree(p, depth + 1);
    } else {
      printf("%*s%s (%lld bytes, %lu links)\n", depth * 2, "", names[i], (long long)st.st_size, (unsigned long)st.st_nlink);
    }
    free(names[i]);
  }
}

int main(void) {
  TRY(mkdir("data", 0755));
  TRY(mkdir("data/sub", 0755));
  int fd = open("data/f.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  printf("write: %zd\n", write(fd, "0123456789abcdef", 16));
  printf("lseek(4, SET) = %lld\n", (long long)lseek(fd, 4, SEEK_SET));
  char buf[32] = {0};
  printf("read 4: %zd %.4s\n", read(fd, buf, 4), buf);
  printf("lseek(0, CUR) = %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek(-2, END) = %lld\n", (long long)lseek(fd, -2, SEEK_END));
  memset(buf, 0, sizeof buf);
  printf("pread(6 @ 10): %zd %s\n", pread(fd, buf, 6, 10), buf);
  printf("pwrite(XY @ 0): %zd\n", pwrite(fd, "XY", 2, 0));
  printf("position after pread/pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("pwrite past the end (@ 20): %zd\n", pwrite(fd, "Z", 1, 20));
  struct stat st;
  fstat(fd, &st);
  printf("fstat: size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  printf("ftruncate(8): %d\n", ftruncate(fd, 8));
  fstat(fd, &st);
  printf("size after ftruncate: %lld\n", (long long)st.st_size);
  lseek(fd, 0, SEEK_SET);
  memset(buf, 0, sizeof buf);
  printf("contents: %zd %s\n", read(fd, buf, sizeof buf - 1), buf);
  TRY(lseek(fd, -100, SEEK_SET));
  TRY(lseek(fd, 0, 42));
  close(fd);
  TRY(read(fd, buf, 1));

  /* symlinks and hard links */
  TRY(symlink("f.txt", "data/link"));
  TRY(symlink("sub", "data/link-dir"));
  TRY(symlink("nowhere", "data/dangling"));
  memset(buf, 0, sizeof buf);
  printf("readlink(data/link) = %zd %s\n", readlink("data/link", buf, sizeof buf), buf);
  stat("data/link", &st);
  printf("stat follows: regular %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  lstat("data/link", &st);
  printf("lstat does not: symlink %d\n", S_ISLNK(st.st_mode));
  TRY(stat("data/dangling", &st));
  TRY(open("data/link", O_RDONLY | O_NOFOLLOW));
  TRY(link("data/f.txt", "data/sub/hard.txt"));
  stat("data/f.txt", &st);
  printf("links to f.txt: %lu\n", (unsigned long)st.st_nlink);
  fd = open("data/link-dir/through.txt", O_CREAT | O_WRONLY, 0644);
  printf("created through link-dir: %d\n", fd >= 0);
  close(fd);

  /* explicit times */
  struct timespec times[2] = {{1000000000, 5}, {1234567890, 123456789}};
  TRY(utimensat(AT_FDCWD, "data/f.txt", times, 0));
  stat("data/f.txt", &st);
  printf("mtime %lld.%09ld atime %lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_atim.tv_sec);

  /* renames */
  TRY(rename("data/f.txt", "data/g.txt"));
  TRY(rename("data/sub", "data/moved"));
  TRY(mkdir("data/empty", 0755));
  TRY(rename("data/empty", "data/moved"));
  TRY(rename("data/g.txt", "data/moved"));
  TRY(rename("data/moved", "data/g.txt"));
  TRY(rename("data/missing", "data/x"));
  printf("tree:\n");
  tree("data", 1);

  /* the usual mistakes */
  TRY(mkdir("data", 0755));
  TRY(mkdir("data/missing/x", 0755));
  TRY(open("data/missing", O_RDONLY));
  TRY(open("data/g.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  TRY(open("data/g.txt/x", O_RDONLY));
  TRY(open("data/moved", O_WRONLY));
  TRY(open("data/g.txt", O_RDONLY | O_DIRECTORY));
  TRY(rmdir("data/moved"));
  TRY(rmdir("data/g.txt"));
  TRY(unlink("data/moved"));
  TRY(unlink("data/missing"));
  TRY(readlink("data/g.txt", buf, sizeof buf));
  TRY(opendir("data/g.txt") ? 0 : -1);

  /* removal */
  TRY(unlink("data/link"));
  TRY(unlink("data/dangling"));
  TRY(unlink("data/moved/hard.txt"));
  TRY(unlink("data/moved/through.txt"));
  TRY(unlink("data/link-dir"));
  TRY(rmdir("data/moved"));
  TRY(rmdir("data/empty"));
  printf("at the end:\n");
  tree("data", 1);
  return 0;
}
