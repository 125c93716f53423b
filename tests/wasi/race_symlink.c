// A directory replaced by a symlink during path resolution: while this program keeps opening
// "a/c/passwd" and "a/d/secret.txt" beneath rw, the harness keeps replacing rw/a/c by a symlink to
// /etc and rw/a/d by a symlink to ../../out (both lead out), and putting the directories back. The
// runtime must only ever open the files inside or fail; a symlink that leads out is EPERM.
// race: swap rw/a/c /etc
// race: swap rw/a/d ../../out
#include "check.h"

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  w_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, P(&t));
  return t;
}

int main(void) {
  check_preopens();
  /* built as t/..., then renamed to a: the harness swaps a/c and a/d as soon as they exist */
  EXPECT(w_path_create_directory(RW, S("t")), 0);
  EXPECT(w_path_create_directory(RW, S("t/c")), 0);
  EXPECT(w_path_create_directory(RW, S("t/d")), 0);
  I c = make_file(RW, "t/c/passwd", "inside\n"), d = make_file(RW, "t/d/secret.txt", "inside\n");
  CHECK(c >= 0 && d >= 0, "made t/c/passwd and t/d/secret.txt");
  w_fd_close(c);
  w_fd_close(d);
  EXPECT(w_path_rename(RW, S("t"), RW, S("a")), 0);
  static const char *const paths[] = {"a/c/passwd", "a/d/secret.txt"};
  long inside = 0, refused = 0, eperm = 0, escaped = 0, unexpected = 0;
  __wasi_timestamp_t start = now();
  for (long i = 0; now() - start < 5000000000ull && (inside < 300 || eperm < 300); i++) {
    I fd;
    I e = open_at(RW, paths[i & 1], 0, __WASI_RIGHTS_FD_READ, 0, &fd);
    if (e == 0) {
      char buf[16];
      read_text(fd, buf, sizeof buf);
      w_fd_close(fd);
      if (strcmp(buf, "inside\n") == 0) inside++;
      else escaped++;
    } else if (e == __WASI_ERRNO_PERM) {
      eperm++; /* the symlink was there */
    } else if (e == __WASI_ERRNO_NOENT || e == __WASI_ERRNO_NOTDIR || e == __WASI_ERRNO_AGAIN) {
      refused++; /* between the swaps, or the entry changed type under the lookup */
    } else {
      unexpected++;
      printf("# unexpected errno %s\n", errno_name(e));
    }
  }
  printf("# %ld opened inside, %ld EPERM, %ld other refusals\n", inside, eperm, refused);
  CHECK(escaped == 0, "never opened anything outside rw");
  CHECK(unexpected == 0, "failures were all EPERM, ENOENT, ENOTDIR or EAGAIN");
  CHECK(inside > 0 && eperm > 0, "the race happened (some lookups met the directories, some the symlinks)");
  return done();
}
