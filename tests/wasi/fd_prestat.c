// fd_prestat_get, fd_prestat_dir_name: the preopened directories are fds 3 ("rw") and 4 ("ro"),
// nothing else is a preopen (EBADF), a short name buffer is ENAMETOOLONG, bad pointers EFAULT.
// functions: fd_prestat_get fd_prestat_dir_name
#include "check.h"

int main(void) {
  __wasi_prestat_t ps;
  char name[16];
  memset(&ps, 0xff, sizeof ps);
  EXPECT(w_fd_prestat_get(RW, P(&ps)), 0);
  CHECK(ps.tag == __WASI_PREOPENTYPE_DIR && ps.u.dir.pr_name_len == 2, "fd 3: a directory named with 2 bytes");
  memset(name, 0, sizeof name);
  EXPECT(w_fd_prestat_dir_name(RW, P(name), sizeof name), 0);
  CHECK(strcmp(name, "rw") == 0, "fd 3 is \"rw\" (not NUL-terminated: the rest of the buffer is untouched)");
  EXPECT(w_fd_prestat_dir_name(RO, P(name), 2), 0);
  CHECK(memcmp(name, "ro", 2) == 0, "fd 4 is \"ro\"");
  EXPECT(w_fd_prestat_get(5, P(&ps)), __WASI_ERRNO_BADF);     /* the end of the preopens */
  EXPECT(w_fd_prestat_get(0, P(&ps)), __WASI_ERRNO_BADF);     /* stdio is not a preopen */
  EXPECT(w_fd_prestat_get(2, P(&ps)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_prestat_get(-1, P(&ps)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_prestat_get(NOFD, P(&ps)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_prestat_get(RW, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_prestat_get(RW, straddle()), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_prestat_dir_name(RW, P(name), 1), __WASI_ERRNO_NAMETOOLONG);
  EXPECT(w_fd_prestat_dir_name(RW, P(name), 0), __WASI_ERRNO_NAMETOOLONG);
  EXPECT(w_fd_prestat_dir_name(RW, OOB, 16), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_prestat_dir_name(RW, straddle(), 2), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_prestat_dir_name(1, P(name), 16), __WASI_ERRNO_BADF);
  EXPECT(w_fd_prestat_dir_name(NOFD, P(name), 16), __WASI_ERRNO_BADF);
  /* a file opened beneath a preopen is not one */
  I f;
  EXPECT(open_at(RO, "data.txt", 0, __WASI_RIGHTS_FD_READ, 0, &f), 0);
  EXPECT(w_fd_prestat_get(f, P(&ps)), __WASI_ERRNO_BADF);
  /* a closed preopen is gone; wasi-libc found both at startup (fopen works through its table) */
  EXPECT(w_fd_close(f), 0);
  FILE *data = fopen("ro/data.txt", "r");
  CHECK(data != NULL, "wasi-libc resolves ro/data.txt through the preopen table");
  if (data) fclose(data);
  return done();
}
