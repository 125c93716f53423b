// A directory renamed during path resolution: while this program keeps opening
// "a/b/c/d/e/f/g/h/../../../../../../../../secret.txt" beneath rw (which is rw/secret.txt), the
// harness keeps moving rw/a/b to out/x/b and back. A resolver that checked the path's text and then
// followed the real ".." entries would, when the move falls in the middle of the lookup, climb from
// out/x/b to out/secret.txt ("outside"). The runtime must only ever open rw/secret.txt or fail.
// race: rename rw/a/b out/x/b
#include "check.h"

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  w_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, P(&t));
  return t;
}

int main(void) {
  check_preopens();
  /* built as t/..., then renamed to a: the harness moves a/b as soon as it exists */
  static const char *const tree[] = {"t", "t/b", "t/b/c", "t/b/c/d", "t/b/c/d/e", "t/b/c/d/e/f", "t/b/c/d/e/f/g", "t/b/c/d/e/f/g/h"};
  for (int i = 0; i < 8; i++) EXPECT(w_path_create_directory(RW, S(tree[i])), 0);
  EXPECT(w_path_rename(RW, S("t"), RW, S("a")), 0);
  I f = make_file(RW, "secret.txt", "inside\n");
  w_fd_close(f);
  long inside = 0, refused = 0, escaped = 0, unexpected = 0;
  __wasi_timestamp_t start = now();
  while (now() - start < 5000000000ull && (inside < 300 || refused < 300)) {
    I fd;
    I e = open_at(RW, "a/b/c/d/e/f/g/h/../../../../../../../../secret.txt", 0, __WASI_RIGHTS_FD_READ, 0, &fd);
    if (e == 0) {
      char buf[16];
      read_text(fd, buf, sizeof buf);
      w_fd_close(fd);
      if (strcmp(buf, "inside\n") == 0) inside++;
      else escaped++;
    } else if (e == __WASI_ERRNO_NOENT || e == __WASI_ERRNO_AGAIN) {
      refused++; /* a/b was away (ENOENT), or kept moving during the lookup (EAGAIN from openat2) */
    } else {
      unexpected++;
      printf("# unexpected errno %s\n", errno_name(e));
    }
  }
  printf("# %ld opened inside, %ld refused\n", inside, refused);
  CHECK(escaped == 0, "never opened anything outside rw");
  CHECK(unexpected == 0, "failures were all ENOENT or EAGAIN");
  CHECK(inside > 0 && refused > 0, "the race happened (some lookups found a/b, some did not)");
  return done();
}
