/* check.h — shared by the C cases of tests/wasi (see tests/README.md).
 *
 * The cases call the wasi_snapshot_preview1 imports directly (`w_<name>`), with every pointer passed as
 * an int32_t so that a case can hand the runtime any address, and check the errno each call returns
 * with EXPECT(call, ERRNO). Every check prints one TAP-like line; the case exits 1 when one failed.
 *
 * The harness grants every case the same two directories: fd 3 = "rw" (read-write, a fresh empty
 * directory but for the symlinks of rw/planted/), fd 4 = "ro" (read-only: data.txt, sub/inner.txt,
 * link-to-data -> data.txt). See compiler/tests/wasi.rs for the exact layout.
 */
#ifndef W2N_TESTS_WASI_CHECK_H
#define W2N_TESTS_WASI_CHECK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef int32_t I;
typedef int64_t L;
IMPORT(args_get) I w_args_get(I argv, I buf);
IMPORT(args_sizes_get) I w_args_sizes_get(I argc, I size);
IMPORT(environ_get) I w_environ_get(I env, I buf);
IMPORT(environ_sizes_get) I w_environ_sizes_get(I count, I size);
IMPORT(clock_res_get) I w_clock_res_get(I id, I res);
IMPORT(clock_time_get) I w_clock_time_get(I id, L precision, I time);
IMPORT(fd_advise) I w_fd_advise(I fd, L offset, L len, I advice);
IMPORT(fd_allocate) I w_fd_allocate(I fd, L offset, L len);
IMPORT(fd_close) I w_fd_close(I fd);
IMPORT(fd_datasync) I w_fd_datasync(I fd);
IMPORT(fd_fdstat_get) I w_fd_fdstat_get(I fd, I buf);
IMPORT(fd_fdstat_set_flags) I w_fd_fdstat_set_flags(I fd, I flags);
IMPORT(fd_fdstat_set_rights) I w_fd_fdstat_set_rights(I fd, L base, L inheriting);
IMPORT(fd_filestat_get) I w_fd_filestat_get(I fd, I buf);
IMPORT(fd_filestat_set_size) I w_fd_filestat_set_size(I fd, L size);
IMPORT(fd_filestat_set_times) I w_fd_filestat_set_times(I fd, L atim, L mtim, I flags);
IMPORT(fd_pread) I w_fd_pread(I fd, I iovs, I iovs_len, L offset, I nread);
IMPORT(fd_prestat_get) I w_fd_prestat_get(I fd, I buf);
IMPORT(fd_prestat_dir_name) I w_fd_prestat_dir_name(I fd, I path, I path_len);
IMPORT(fd_pwrite) I w_fd_pwrite(I fd, I iovs, I iovs_len, L offset, I nwritten);
IMPORT(fd_read) I w_fd_read(I fd, I iovs, I iovs_len, I nread);
IMPORT(fd_readdir) I w_fd_readdir(I fd, I buf, I buf_len, L cookie, I bufused);
IMPORT(fd_renumber) I w_fd_renumber(I fd, I to);
IMPORT(fd_seek) I w_fd_seek(I fd, L offset, I whence, I newoffset);
IMPORT(fd_sync) I w_fd_sync(I fd);
IMPORT(fd_tell) I w_fd_tell(I fd, I offset);
IMPORT(fd_write) I w_fd_write(I fd, I iovs, I iovs_len, I nwritten);
IMPORT(path_create_directory) I w_path_create_directory(I fd, I path, I path_len);
IMPORT(path_filestat_get) I w_path_filestat_get(I fd, I flags, I path, I path_len, I buf);
IMPORT(path_filestat_set_times) I w_path_filestat_set_times(I fd, I flags, I path, I path_len, L atim, L mtim, I fst);
IMPORT(path_link) I w_path_link(I old_fd, I old_flags, I old_path, I old_len, I new_fd, I new_path, I new_len);
IMPORT(path_open) I w_path_open(I fd, I dirflags, I path, I path_len, I oflags, L base, L inheriting, I fdflags, I opened);
IMPORT(path_readlink) I w_path_readlink(I fd, I path, I path_len, I buf, I buf_len, I bufused);
IMPORT(path_remove_directory) I w_path_remove_directory(I fd, I path, I path_len);
IMPORT(path_rename) I w_path_rename(I fd, I old_path, I old_len, I new_fd, I new_path, I new_len);
IMPORT(path_symlink) I w_path_symlink(I old_path, I old_len, I fd, I new_path, I new_len);
IMPORT(path_unlink_file) I w_path_unlink_file(I fd, I path, I path_len);
IMPORT(poll_oneoff) I w_poll_oneoff(I in, I out, I nsubscriptions, I nevents);
IMPORT(proc_exit) _Noreturn void w_proc_exit(I code);
IMPORT(proc_raise) I w_proc_raise(I sig);
IMPORT(sched_yield) I w_sched_yield(void);
IMPORT(random_get) I w_random_get(I buf, I len);
IMPORT(sock_accept) I w_sock_accept(I fd, I flags, I result);
IMPORT(sock_recv) I w_sock_recv(I fd, I iovs, I iovs_len, I ri_flags, I ro_len, I ro_flags);
IMPORT(sock_send) I w_sock_send(I fd, I iovs, I iovs_len, I si_flags, I so_len);
IMPORT(sock_shutdown) I w_sock_shutdown(I fd, I how);

/* ---- addresses ---- */

#define P(x) ((I)(uintptr_t)(x))
#define RW 3 /* the preopened directories */
#define RO 4
#define NOFD 1234   /* never open */
#define OOB ((I)0xfffffff0) /* far past the end of linear memory */
/* An address whose first byte is the last one of linear memory: any access of 2+ bytes straddles the end. */
static inline I straddle(void) { return (I)(__builtin_wasm_memory_size(0) * 65536 - 1); }
/* Path arguments: pointer and length of a C string. */
#define S(str) P(str), (I)strlen(str)

/* ---- checks ---- */

static const char *const errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY", "BADF", "BADMSG",
    "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT",
    "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR",
    "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE",
    "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS",
    "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO", "OVERFLOW",
    "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE"};

static inline const char *errno_name(I e) {
  static char buf[32];
  if (e >= 0 && e < (I)(sizeof errno_names / sizeof errno_names[0])) return errno_names[e];
  snprintf(buf, sizeof buf, "errno %d", (int)e);
  return buf;
}

static int checks_run, checks_failed;

static inline void check_(int ok, int line, const char *what, const char *detail) {
  checks_run++;
  if (!ok) checks_failed++;
  printf("%s %d - line %d: %s%s%s\n", ok ? "ok" : "not ok", checks_run, line, what, detail[0] ? " " : "", detail);
}

/* EXPECT(call, ERRNO): the call returns that WASI errno (0 = success). */
#define EXPECT(call, want) expect_((call), (want), __LINE__, #call)
static inline I expect_(I got, I want, int line, const char *what) {
  char detail[96];
  if (got == want) snprintf(detail, sizeof detail, "-> %s", errno_name(want));
  else snprintf(detail, sizeof detail, "-> %s, expected %s", errno_name(got), errno_name(want));
  check_(got == want, line, what, detail);
  return got;
}

/* CHECK(condition, "what"): any other fact. */
#define CHECK(cond, what) check_((cond) ? 1 : 0, __LINE__, what, "")

/* Prints the summary and returns the exit status: 0 when every check passed. */
static inline int done(void) {
  printf("# %d checks, %d failed\n", checks_run, checks_failed);
  fflush(stdout);
  return checks_failed || checks_run == 0 ? 1 : 0;
}

/* ---- helpers ---- */

#define R_ALL ((__wasi_rights_t)((1ull << 30) - 1))
/* Every right a directory can be opened with: asking for one that writes is EISDIR. */
#define R_DIR (R_ALL & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))
#define R_RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
              __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)

/* path_open returning the errno, the new fd in *fd (-1 on failure). */
static inline I open_at(I dir, const char *path, I oflags, __wasi_rights_t rights, I fdflags, I *fd) {
  static I out;
  out = -1;
  I e = w_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S(path), oflags, (L)rights, (L)rights, fdflags, P(&out));
  *fd = e == 0 ? out : -1;
  return e;
}

/* Creates (or truncates) `path` beneath `dir` with `text` in it; returns the fd open for
 * reading and writing, or -1. */
static inline I make_file(I dir, const char *path, const char *text) {
  I fd;
  if (open_at(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_ALL, 0, &fd) != 0) return -1;
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  __wasi_size_t n;
  if (w_fd_write(fd, P(&iov), 1, P(&n)) != 0 || n != strlen(text)) return -1;
  return fd;
}

/* Reads up to cap-1 bytes at the fd's position into buf (NUL-terminated); returns the errno. */
static inline I read_text(I fd, char *buf, size_t cap) {
  __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
  __wasi_size_t n = 0;
  I e = w_fd_read(fd, P(&iov), 1, P(&n));
  buf[e == 0 ? n : 0] = 0;
  return e;
}

/* The preopens are fd 3 = "rw" and fd 4 = "ro", whichever way the case runs. */
static inline void check_preopens(void) {
  __wasi_prestat_t ps;
  char name[8];
  int ok = w_fd_prestat_get(RW, P(&ps)) == 0 && ps.u.dir.pr_name_len == 2 &&
           w_fd_prestat_dir_name(RW, P(name), 2) == 0 && memcmp(name, "rw", 2) == 0 &&
           w_fd_prestat_get(RO, P(&ps)) == 0 && ps.u.dir.pr_name_len == 2 &&
           w_fd_prestat_dir_name(RO, P(name), 2) == 0 && memcmp(name, "ro", 2) == 0;
  if (!ok) {
    printf("Bail out! fd 3 is not the preopen \"rw\" or fd 4 not \"ro\"\n");
    exit(2);
  }
}

#endif
