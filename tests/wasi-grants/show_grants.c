/* The guest of compiler/tests/wasi_grants.rs: prints what it was granted, one item a line:
 * "arg A" for each argument (argv[0] first), "dir FD NAME rw|ro" for each preopened directory
 * (read-only when files beneath it cannot be opened for writing), "env NAME=VAL" for the environment. */
#include <stdio.h>
#include <wasi/api.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("arg %s\n", argv[i]);
  for (__wasi_fd_t fd = 3;; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) break;
    char name[512] = {0};
    if (ps.u.dir.pr_name_len >= sizeof name || __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len) != 0)
      return 2;
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) != 0) return 3;
    printf("dir %u %s %s\n", (unsigned)fd, name, st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE ? "rw" : "ro");
  }
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  return 0;
}
