/*
 * wasi.c — WASI preview1 (wasi_snapshot_preview1): configuration, the import resolver, the fd table,
 * and every function that does not resolve paths (those are in wasi_fs.c).
 *
 * Capability model: fds 0-2 are stdio (the process's when inherit_stdio, else /dev/null); the
 * configured directories are preopened as fds 3, 4, ... with all rights, minus the modifying ones
 * when read-only. An fd opened beneath a directory gets the rights it asked for intersected with the
 * directory's inheriting rights. A missing right gives ENOTCAPABLE.
 *
 * Nothing here is async-signal-safe; host functions run on the Wasm thread like any callee.
 */
#include "wasi_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_IOVS 1024 /* IOV_MAX on Linux (and macOS); longer vectors are a short read/write */

/* ---- Host differences: Linux, and macOS (Darwin) ---- */

#ifdef __APPLE__
#define ST_ATIM st_atimespec /* struct stat's timestamps */
#define ST_MTIM st_mtimespec
#define ST_CTIM st_ctimespec
#else
#define ST_ATIM st_atim
#define ST_MTIM st_mtim
#define ST_CTIM st_ctim
#endif

/* Fills buf with up to len random bytes: the count, or -1 with errno. */
static ssize_t os_getrandom(void *buf, size_t len) {
#ifdef __APPLE__
  size_t n = len < 256 ? len : 256; /* getentropy's limit per call */
  return getentropy(buf, n) == 0 ? (ssize_t)n : -1;
#else
  return getrandom(buf, len, 0);
#endif
}

/* fsync and fdatasync: 0, or -1 with errno. Darwin's fsync() leaves the data in the drive's cache
 * and there is no fdatasync: F_FULLFSYNC flushes it (as Linux's fsync and fdatasync do); where it
 * is refused (file systems without it, pipes, ttys), fsync() decides. */
#ifdef __APPLE__
static int os_fsync(int fd) { return fcntl(fd, F_FULLFSYNC) == 0 ? 0 : fsync(fd); }
static int os_fdatasync(int fd) { return os_fsync(fd); }
#else
static int os_fsync(int fd) { return fsync(fd); }
static int os_fdatasync(int fd) { return fdatasync(fd); }
#endif

/* posix_fadvise with a WASI `advice` (0-5, checked by the caller): 0 or an errno value. */
static int os_fadvise(int fd, off_t offset, off_t len, int advice) {
#ifdef __APPLE__
  /* Darwin has no posix_fadvise; advice is only a hint, so taking none is correct. */
  (void)fd;
  (void)offset;
  (void)len;
  (void)advice;
  return 0;
#else
  static const int advices[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  return posix_fadvise(fd, offset, len, advices[advice]);
#endif
}

/* posix_fallocate: 0 or an errno value. */
static int os_fallocate(int fd, off_t offset, off_t len) {
#ifdef __APPLE__
  /* Darwin has none: grow the file to offset + len when it is shorter (never shrink), after asking
   * for the new blocks (F_PREALLOCATE) so that a full disk is ENOSPC now rather than at a later
   * write. Errors in Linux's order: EINVAL, EBADF (not open for writing), ESPIPE, EISDIR, ENODEV,
   * EFBIG. */
  if (offset < 0 || len <= 0) return EINVAL;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return errno;
  if ((fl & O_ACCMODE) == O_RDONLY) return EBADF;
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  if (S_ISFIFO(st.st_mode)) return ESPIPE;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (!S_ISREG(st.st_mode)) return ENODEV;
  if (offset > INT64_MAX - len) return EFBIG;
  off_t end = offset + len;
  if (end <= st.st_size) return 0;
  fstore_t store = {F_ALLOCATEALL, F_PEOFPOSMODE, 0, end - st.st_size, 0};
  if (fcntl(fd, F_PREALLOCATE, &store) != 0 && errno == ENOSPC) return ENOSPC; /* else best effort */
  return ftruncate(fd, end) == 0 ? 0 : errno;
#else
  return posix_fallocate(fd, offset, len);
#endif
}

/* ppoll without a signal mask: the count, or -1 with errno. */
static int os_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout) {
#ifdef __APPLE__
  /* Darwin has no ppoll: poll() in milliseconds, rounded up so as never to return before the
   * timeout, in slices of at most INT_MAX ms. */
  if (!timeout) return poll(fds, n, -1);
  uint64_t ms = (uint64_t)timeout->tv_sec * 1000u + ((uint64_t)timeout->tv_nsec + 999999u) / 1000000u;
  for (;;) {
    int r = poll(fds, n, ms > INT_MAX ? INT_MAX : (int)ms);
    if (r != 0 || ms <= INT_MAX) return r;
    ms -= INT_MAX;
  }
#else
  return ppoll(fds, n, timeout, NULL);
#endif
}

/* accept4 with close-on-exec, and O_NONBLOCK when `nonblock`: the socket, or -1 with errno. */
static int os_accept(int fd, int nonblock) {
#ifdef __APPLE__
  /* Darwin has no accept4: accept, then set the flags (not atomically: a concurrent fork+exec may
   * inherit the socket). There the new socket inherits the listener's O_NONBLOCK, so it is set or
   * cleared as asked. */
  int s = accept(fd, NULL, NULL);
  if (s < 0) return -1;
  int fl = fcntl(s, F_GETFL);
  if (fl < 0 || fcntl(s, F_SETFD, FD_CLOEXEC) != 0 ||
      fcntl(s, F_SETFL, nonblock ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) != 0) {
    int e = errno;
    close(s);
    errno = e;
    return -1;
  }
  return s;
#else
  return accept4(fd, NULL, NULL, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
#endif
}

/* ---- errno and types ---- */

int w2n__wasi_errno(int e) {
  switch (e) {
  case 0: return WASI_ESUCCESS;
  case E2BIG: return WASI_E2BIG;
  case EACCES: return WASI_EACCES;
  case EADDRINUSE: return WASI_EADDRINUSE;
  case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
  case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
  case EAGAIN: return WASI_EAGAIN;
  case EALREADY: return WASI_EALREADY;
  case EBADF: return WASI_EBADF;
  case EBADMSG: return WASI_EBADMSG;
  case EBUSY: return WASI_EBUSY;
  case ECANCELED: return WASI_ECANCELED;
  case ECHILD: return WASI_ECHILD;
  case ECONNABORTED: return WASI_ECONNABORTED;
  case ECONNREFUSED: return WASI_ECONNREFUSED;
  case ECONNRESET: return WASI_ECONNRESET;
  case EDEADLK: return WASI_EDEADLK;
  case EDESTADDRREQ: return WASI_EDESTADDRREQ;
  case EDOM: return WASI_EDOM;
  case EDQUOT: return WASI_EDQUOT;
  case EEXIST: return WASI_EEXIST;
  case EFAULT: return WASI_EFAULT;
  case EFBIG: return WASI_EFBIG;
  case EHOSTUNREACH: return WASI_EHOSTUNREACH;
  case EIDRM: return WASI_EIDRM;
  case EILSEQ: return WASI_EILSEQ;
  case EINPROGRESS: return WASI_EINPROGRESS;
  case EINTR: return WASI_EINTR;
  case EINVAL: return WASI_EINVAL;
  case EIO: return WASI_EIO;
  case EISCONN: return WASI_EISCONN;
  case EISDIR: return WASI_EISDIR;
  case ELOOP: return WASI_ELOOP;
  case EMFILE: return WASI_EMFILE;
  case EMLINK: return WASI_EMLINK;
  case EMSGSIZE: return WASI_EMSGSIZE;
  case EMULTIHOP: return WASI_EMULTIHOP;
  case ENAMETOOLONG: return WASI_ENAMETOOLONG;
  case ENETDOWN: return WASI_ENETDOWN;
  case ENETRESET: return WASI_ENETRESET;
  case ENETUNREACH: return WASI_ENETUNREACH;
  case ENFILE: return WASI_ENFILE;
  case ENOBUFS: return WASI_ENOBUFS;
  case ENODEV: return WASI_ENODEV;
  case ENOENT: return WASI_ENOENT;
  case ENOEXEC: return WASI_ENOEXEC;
  case ENOLCK: return WASI_ENOLCK;
  case ENOLINK: return WASI_ENOLINK;
  case ENOMEM: return WASI_ENOMEM;
  case ENOMSG: return WASI_ENOMSG;
  case ENOPROTOOPT: return WASI_ENOPROTOOPT;
  case ENOSPC: return WASI_ENOSPC;
  case ENOSYS: return WASI_ENOSYS;
  case ENOTCONN: return WASI_ENOTCONN;
  case ENOTDIR: return WASI_ENOTDIR;
  case ENOTEMPTY: return WASI_ENOTEMPTY;
  case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
  case ENOTSOCK: return WASI_ENOTSOCK;
  case ENOTSUP: return WASI_ENOTSUP;
  case ENOTTY: return WASI_ENOTTY;
  case ENXIO: return WASI_ENXIO;
  case EOVERFLOW: return WASI_EOVERFLOW;
  case EOWNERDEAD: return WASI_EOWNERDEAD;
  case EPERM: return WASI_EPERM;
  case EPIPE: return WASI_EPIPE;
  case EPROTO: return WASI_EPROTO;
  case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
  case EPROTOTYPE: return WASI_EPROTOTYPE;
  case ERANGE: return WASI_ERANGE;
  case EROFS: return WASI_EROFS;
  case ESPIPE: return WASI_ESPIPE;
  case ESRCH: return WASI_ESRCH;
  case ESTALE: return WASI_ESTALE;
  case ETIMEDOUT: return WASI_ETIMEDOUT;
  case ETXTBSY: return WASI_ETXTBSY;
  case EXDEV: return WASI_EXDEV;
  default: return WASI_EIO;
  }
}

uint8_t w2n__wasi_filetype(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
  case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
  case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  default: return WASI_FILETYPE_UNKNOWN;
  }
}

static uint64_t ts_ns(struct timespec ts) { return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec; }

void w2n__wasi_put_filestat(uint8_t *dst, const struct stat *st) {
  memset(dst, 0, WASI_FILESTAT_SIZE);
  w2n__st64(dst + 0, (uint64_t)st->st_dev);
  w2n__st64(dst + 8, (uint64_t)st->st_ino);
  dst[16] = w2n__wasi_filetype(st->st_mode);
  w2n__st64(dst + 24, (uint64_t)st->st_nlink);
  w2n__st64(dst + 32, (uint64_t)st->st_size);
  w2n__st64(dst + 40, ts_ns(st->ST_ATIM));
  w2n__st64(dst + 48, ts_ns(st->ST_MTIM));
  w2n__st64(dst + 56, ts_ns(st->ST_CTIM));
}

int w2n__wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec ts[2]) {
  if (flags & ~(WASI_FST_ATIM | WASI_FST_ATIM_NOW | WASI_FST_MTIM | WASI_FST_MTIM_NOW)) return WASI_EINVAL;
  if ((flags & WASI_FST_ATIM) && (flags & WASI_FST_ATIM_NOW)) return WASI_EINVAL;
  if ((flags & WASI_FST_MTIM) && (flags & WASI_FST_MTIM_NOW)) return WASI_EINVAL;
  ts[0].tv_sec = ts[1].tv_sec = 0;
  ts[0].tv_nsec = flags & WASI_FST_ATIM_NOW ? UTIME_NOW : UTIME_OMIT;
  ts[1].tv_nsec = flags & WASI_FST_MTIM_NOW ? UTIME_NOW : UTIME_OMIT;
  if (flags & WASI_FST_ATIM) {
    ts[0].tv_sec = (time_t)(atim / 1000000000ull);
    ts[0].tv_nsec = (long)(atim % 1000000000ull);
  }
  if (flags & WASI_FST_MTIM) {
    ts[1].tv_sec = (time_t)(mtim / 1000000000ull);
    ts[1].tv_nsec = (long)(mtim % 1000000000ull);
  }
  return 0;
}

/* ---- State and fd table ---- */

#define R_FILE R_FILE_BASE
#define R_SOCKET                                                                                                   \
  (R_FD_READ | R_FD_WRITE | R_FD_FDSTAT_SET_FLAGS | R_FD_FILESTAT_GET | R_POLL_FD_READWRITE | R_SOCK_SHUTDOWN |     \
   R_SOCK_ACCEPT)

/* Rights and type of a host descriptor that is not a preopen (stdio, accepted sockets). */
static void classify(int host, uint8_t *type, uint64_t *rights) {
  struct stat st;
  *type = WASI_FILETYPE_UNKNOWN;
  *rights = R_FILE;
  if (fstat(host, &st) != 0) return;
  *type = w2n__wasi_filetype(st.st_mode);
  if (S_ISSOCK(st.st_mode)) {
    int so_type = 0;
    socklen_t len = sizeof so_type;
    if (getsockopt(host, SOL_SOCKET, SO_TYPE, &so_type, &len) == 0 && so_type == SOCK_DGRAM)
      *type = WASI_FILETYPE_SOCKET_DGRAM;
    *rights = R_SOCKET;
  } else if (isatty(host)) {
    /* wasi-libc's isatty(): a character device without the seek and tell rights */
    *rights = R_FILE & ~(R_FD_SEEK | R_FD_TELL);
  }
}

int32_t w2n__wasi_fd_install(struct w2n_wasi *w, int host, uint8_t type, uint64_t base, uint64_t inheriting) {
  uint32_t i = 0;
  while (i < w->nfds && w->fds[i].used) i++;
  if (i == w->nfds) {
    uint32_t n = w->nfds ? w->nfds * 2 : 16;
    wasi_fd *fds = realloc(w->fds, n * sizeof *fds);
    if (!fds) return -1;
    memset(fds + w->nfds, 0, (n - w->nfds) * sizeof *fds);
    w->fds = fds;
    w->nfds = n;
  }
  wasi_fd *f = &w->fds[i];
  memset(f, 0, sizeof *f);
  f->used = 1;
  f->host = host;
  f->owned = 1;
  f->type = type;
  f->base = base;
  f->inheriting = inheriting;
  return (int32_t)i;
}

void w2n__wasi_fd_release(wasi_fd *f) {
  if (!f->used) return;
  if (f->dir) closedir(f->dir);
  if (f->owned) close(f->host);
  free(f->preopen);
  memset(f, 0, sizeof *f);
}

int w2n__wasi_get_fd(struct w2n_wasi *w, int32_t fd, uint64_t rights, wasi_fd **out) {
  if (fd < 0 || (uint32_t)fd >= w->nfds || !w->fds[fd].used) return WASI_EBADF;
  wasi_fd *f = &w->fds[fd];
  if ((f->base & rights) != rights) return WASI_ENOTCAPABLE;
  *out = f;
  return 0;
}

void w2n__wasi_free(struct w2n_wasi *w) {
  if (!w) return;
  for (uint32_t i = 0; i < w->nfds; i++) w2n__wasi_fd_release(&w->fds[i]);
  free(w->fds);
  for (int i = 0; i < w->argc; i++) free(w->argv[i]);
  free(w->argv);
  for (int i = 0; i < w->envc; i++) free(w->env[i]);
  free(w->env);
  free(w);
}

static int copy_strings(int n, const char *const *src, char ***dst, uint64_t *bytes) {
  *dst = calloc(n > 0 ? (size_t)n : 1, sizeof(char *));
  if (!*dst) return -1;
  *bytes = 0;
  for (int i = 0; i < n; i++) {
    (*dst)[i] = strdup(src && src[i] ? src[i] : "");
    if (!(*dst)[i]) return -1;
    *bytes += strlen((*dst)[i]) + 1;
  }
  return 0;
}

static struct w2n_wasi *wasi_create(const w2n_wasi_config *config, w2n_error *err) {
  static const w2n_wasi_config defaults = {0, NULL, 0, NULL, 0, NULL, 1};
  if (!config) config = &defaults;
  struct w2n_wasi *w = calloc(1, sizeof *w);
  if (!w) goto oom;
  w->argc = config->argc > 0 ? config->argc : 0;
  w->envc = config->envc > 0 ? config->envc : 0;
  if (copy_strings(w->argc, config->argv, &w->argv, &w->argv_bytes) != 0) goto oom;
  if (copy_strings(w->envc, config->env, &w->env, &w->env_bytes) != 0) goto oom;
  for (int i = 0; i < 3; i++) {
    int host = i;
    if (!config->inherit_stdio) {
      host = open("/dev/null", O_RDWR | O_CLOEXEC);
      if (host < 0) {
        w2n__error_set(err, W2N_TRAP_NONE, "cannot open /dev/null: %s", strerror(errno));
        w2n__wasi_free(w);
        return NULL;
      }
    }
    uint8_t type;
    uint64_t rights;
    classify(host, &type, &rights);
    int32_t fd = w2n__wasi_fd_install(w, host, type, rights, 0);
    if (fd < 0) goto oom;
    w->fds[fd].owned = !config->inherit_stdio;
  }
  for (int i = 0; i < config->num_dirs; i++) {
    const w2n_wasi_dir *d = &config->dirs[i];
    int host = open(d->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host < 0) {
      w2n__error_set(err, W2N_TRAP_NONE, "cannot open directory %s: %s", d->host_path, strerror(errno));
      w2n__wasi_free(w);
      return NULL;
    }
    uint64_t keep = d->read_only ? ~R_MODIFYING : ~0ull;
    int32_t fd = w2n__wasi_fd_install(w, host, WASI_FILETYPE_DIRECTORY, R_DIR_BASE & keep, R_DIR_INHERITING & keep);
    if (fd < 0) {
      close(host);
      goto oom;
    }
    w->fds[fd].preopen = strdup(d->guest_path ? d->guest_path : d->host_path);
    if (!w->fds[fd].preopen) goto oom;
  }
  return w;
oom:
  w2n__wasi_free(w);
  w2n__error_set(err, W2N_TRAP_NONE, "out of memory configuring WASI");
  return NULL;
}

int w2n_wasi_configure(w2n_store *store, const w2n_wasi_config *config, w2n_error *err) {
  if (!store) {
    w2n__error_set(err, W2N_TRAP_NONE, "w2n_wasi_configure: null store");
    return -1;
  }
  struct w2n_wasi *w = wasi_create(config, err);
  if (!w) return -1;
  w2n_store_impl *s = w2n__store_impl(store);
  w2n__wasi_free(s->wasi);
  s->wasi = w;
  return 0;
}

struct w2n_wasi *w2n__wasi_state(w2n_instance *ctx) {
  w2n_store_impl *s = w2n__store_impl(w2n__hdr(ctx)->store);
  if (!s->wasi) s->wasi = wasi_create(NULL, NULL);
  return s->wasi;
}

int w2n_wasi_exit_code(w2n_store *store, int *code) {
  w2n_store_impl *s = w2n__store_impl(store);
  if (!s->exited) return 0;
  if (code) *code = s->exit_code;
  return 1;
}

/* Common prologue: the state, or ENOMEM. */
#define WASI_STATE(w)                                                                                              \
  struct w2n_wasi *w = w2n__wasi_state(ctx);                                                                       \
  if (!w) return WASI_ENOMEM

/* ---- args, environ ---- */

static int32_t sizes_get(w2n_instance *ctx, int count, uint64_t bytes, int32_t count_ptr, int32_t size_ptr) {
  uint8_t *c = w2n__guest(ctx, (uint32_t)count_ptr, 4), *s = w2n__guest(ctx, (uint32_t)size_ptr, 4);
  if (!c || !s) return WASI_EFAULT;
  if (bytes > UINT32_MAX) return WASI_EOVERFLOW;
  w2n__st32(c, (uint32_t)count);
  w2n__st32(s, (uint32_t)bytes);
  return 0;
}

static int32_t strings_get(w2n_instance *ctx, int count, char **strings, uint64_t bytes, int32_t ptrs,
                           int32_t buf) {
  uint8_t *p = w2n__guest(ctx, (uint32_t)ptrs, (uint64_t)count * 4);
  uint8_t *b = w2n__guest(ctx, (uint32_t)buf, bytes);
  if (!p || !b) return WASI_EFAULT;
  uint32_t off = 0;
  for (int i = 0; i < count; i++) {
    size_t len = strlen(strings[i]) + 1;
    w2n__st32(p + 4 * (size_t)i, (uint32_t)buf + off);
    memcpy(b + off, strings[i], len);
    off += (uint32_t)len;
  }
  return 0;
}

static int32_t wasi_args_sizes_get(w2n_instance *ctx, int32_t argc, int32_t size) {
  WASI_STATE(w);
  return sizes_get(ctx, w->argc, w->argv_bytes, argc, size);
}
static int32_t wasi_args_get(w2n_instance *ctx, int32_t argv, int32_t buf) {
  WASI_STATE(w);
  return strings_get(ctx, w->argc, w->argv, w->argv_bytes, argv, buf);
}
static int32_t wasi_environ_sizes_get(w2n_instance *ctx, int32_t count, int32_t size) {
  WASI_STATE(w);
  return sizes_get(ctx, w->envc, w->env_bytes, count, size);
}
static int32_t wasi_environ_get(w2n_instance *ctx, int32_t env, int32_t buf) {
  WASI_STATE(w);
  return strings_get(ctx, w->envc, w->env, w->env_bytes, env, buf);
}

/* ---- clocks, random, scheduling, process ---- */

static int clock_of(int32_t id, clockid_t *out) {
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return 0;
  case 1: *out = CLOCK_MONOTONIC; return 0;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 0;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 0;
  default: return WASI_EINVAL;
  }
}

static int32_t wasi_clock_res_get(w2n_instance *ctx, int32_t id, int32_t res) {
  clockid_t c;
  struct timespec ts;
  if (clock_of(id, &c)) return WASI_EINVAL;
  uint8_t *p = w2n__guest(ctx, (uint32_t)res, 8);
  if (!p) return WASI_EFAULT;
  if (clock_getres(c, &ts) != 0) return w2n__wasi_errno(errno);
  w2n__st64(p, ts_ns(ts));
  return 0;
}

static int32_t wasi_clock_time_get(w2n_instance *ctx, int32_t id, int64_t precision, int32_t time) {
  (void)precision;
  clockid_t c;
  struct timespec ts;
  if (clock_of(id, &c)) return WASI_EINVAL;
  uint8_t *p = w2n__guest(ctx, (uint32_t)time, 8);
  if (!p) return WASI_EFAULT;
  if (clock_gettime(c, &ts) != 0) return w2n__wasi_errno(errno);
  w2n__st64(p, ts_ns(ts));
  return 0;
}

static int32_t wasi_random_get(w2n_instance *ctx, int32_t buf, int32_t len) {
  uint8_t *p = w2n__guest(ctx, (uint32_t)buf, (uint32_t)len);
  if (!p) return WASI_EFAULT;
  size_t done = 0, n = (uint32_t)len;
  while (done < n) {
    ssize_t r = os_getrandom(p + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return w2n__wasi_errno(errno);
    }
    done += (size_t)r;
  }
  return 0;
}

static int32_t wasi_sched_yield(w2n_instance *ctx) {
  (void)ctx;
  sched_yield();
  return 0;
}

static void wasi_proc_exit(w2n_instance *ctx, int32_t code) {
  w2n_store_impl *s = w2n__store_impl(w2n__hdr(ctx)->store);
  s->exited = 1;
  s->exit_code = code;
  w2n__exit_unwind(code);
}

static int32_t wasi_proc_raise(w2n_instance *ctx, int32_t sig) {
  (void)ctx;
  (void)sig;
  return WASI_ENOTSUP;
}

/* ---- fd operations ---- */

/* Reads `n` guest iovecs at `iovs` into host iovecs (at most MAX_IOVS). Returns the count or -EFAULT. */
static int gather(w2n_instance *ctx, int32_t iovs, int32_t n, struct iovec *out) {
  uint32_t count = (uint32_t)n;
  uint8_t *v = w2n__guest(ctx, (uint32_t)iovs, (uint64_t)count * WASI_IOVEC_SIZE);
  if (!v) return -WASI_EFAULT;
  if (count > MAX_IOVS) count = MAX_IOVS;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t buf = w2n__ld32(v + i * WASI_IOVEC_SIZE), len = w2n__ld32(v + i * WASI_IOVEC_SIZE + 4);
    uint8_t *p = w2n__guest(ctx, buf, len);
    if (!p) return -WASI_EFAULT;
    out[i].iov_base = p;
    out[i].iov_len = len;
  }
  return (int)count;
}

enum io_kind { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

static int32_t do_io(w2n_instance *ctx, enum io_kind kind, int32_t fd, int32_t iovs, int32_t iovs_len,
                     int64_t offset, int32_t result) {
  WASI_STATE(w);
  static const uint64_t rights[] = {R_FD_READ, R_FD_WRITE, R_FD_READ | R_FD_SEEK, R_FD_WRITE | R_FD_SEEK};
  int reading = kind == IO_READ || kind == IO_PREAD;
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, 0, &f);
  if (e) return e;
  /* As POSIX: reading a directory is EISDIR, writing one EBADF (it is never open for writing). */
  if (f->type == WASI_FILETYPE_DIRECTORY) return reading ? WASI_EISDIR : WASI_EBADF;
  e = w2n__wasi_get_fd(w, fd, rights[kind], &f);
  if (e) {
    /* Without the read (write) right, reading (writing) fails as read(2) on an fd not open for
     * reading: EBADF, which is what programs expect (and what wasmtime returns). Without the seek
     * right, pread/pwrite are ENOTCAPABLE, or ESPIPE on a tty as natively. */
    uint64_t rw = rights[kind] & (R_FD_READ | R_FD_WRITE);
    if ((f->base & rw) != rw) return WASI_EBADF;
    return f->type == WASI_FILETYPE_CHARACTER_DEVICE ? WASI_ESPIPE : e;
  }
  uint8_t *res = w2n__guest(ctx, (uint32_t)result, 4);
  if (!res) return WASI_EFAULT;
  if ((kind == IO_PREAD || kind == IO_PWRITE) && offset < 0) return WASI_EINVAL;
  struct iovec iov[MAX_IOVS];
  int n = gather(ctx, iovs, iovs_len, iov);
  if (n < 0) return -n;
  ssize_t r;
  do {
    switch (kind) {
    case IO_READ: r = readv(f->host, iov, n); break;
    case IO_WRITE: r = writev(f->host, iov, n); break;
    case IO_PREAD: r = preadv(f->host, iov, n, (off_t)offset); break;
    default: r = pwritev(f->host, iov, n, (off_t)offset); break;
    }
  } while (r < 0 && errno == EINTR);
  if (r < 0) return w2n__wasi_errno(errno);
  w2n__st32(res, (uint32_t)r);
  return 0;
}

static int32_t wasi_fd_read(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t nread) {
  return do_io(ctx, IO_READ, fd, iovs, n, 0, nread);
}
static int32_t wasi_fd_write(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t nwritten) {
  return do_io(ctx, IO_WRITE, fd, iovs, n, 0, nwritten);
}
static int32_t wasi_fd_pread(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t nread) {
  return do_io(ctx, IO_PREAD, fd, iovs, n, off, nread);
}
static int32_t wasi_fd_pwrite(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int64_t off,
                              int32_t nwritten) {
  return do_io(ctx, IO_PWRITE, fd, iovs, n, off, nwritten);
}

static int32_t wasi_fd_seek(w2n_instance *ctx, int32_t fd, int64_t offset, int32_t whence, int32_t newoffset) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, 0, &f);
  if (e) return e;
  int how;
  switch (whence) {
  case 0: how = SEEK_SET; break;
  case 1: how = SEEK_CUR; break;
  case 2: how = SEEK_END; break;
  default: return WASI_EINVAL;
  }
  e = w2n__wasi_get_fd(w, fd, offset == 0 && how == SEEK_CUR ? R_FD_TELL : R_FD_SEEK, &f);
  /* ttys have no seek/tell rights (that is how wasi-libc's isatty() recognises them): lseek on one
   * is ESPIPE, as natively. */
  if (e == WASI_ENOTCAPABLE && f->type == WASI_FILETYPE_CHARACTER_DEVICE) return WASI_ESPIPE;
  if (e) return e;
  uint8_t *p = w2n__guest(ctx, (uint32_t)newoffset, 8);
  if (!p) return WASI_EFAULT;
  off_t r = lseek(f->host, (off_t)offset, how);
  if (r < 0) return w2n__wasi_errno(errno);
  w2n__st64(p, (uint64_t)r);
  return 0;
}

static int32_t wasi_fd_tell(w2n_instance *ctx, int32_t fd, int32_t offset) {
  return wasi_fd_seek(ctx, fd, 0, 1, offset);
}

static int32_t wasi_fd_close(w2n_instance *ctx, int32_t fd) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, 0, &f);
  if (e) return e;
  w2n__wasi_fd_release(f);
  return 0;
}

/* Looks up fd for fd_sync / fd_datasync (`right`), which a directory needs no right for: wasmtime
 * gives directories neither right, yet syncs them (a program makes a rename durable that way). */
static int sync_fd(struct w2n_wasi *w, int32_t fd, uint64_t right, wasi_fd **out) {
  int e = w2n__wasi_get_fd(w, fd, 0, out);
  if (e || (*out)->type == WASI_FILETYPE_DIRECTORY) return e;
  return w2n__wasi_get_fd(w, fd, right, out);
}

static int32_t wasi_fd_sync(w2n_instance *ctx, int32_t fd) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = sync_fd(w, fd, R_FD_SYNC, &f);
  if (e) return e;
  return os_fsync(f->host) == 0 ? 0 : w2n__wasi_errno(errno);
}

static int32_t wasi_fd_datasync(w2n_instance *ctx, int32_t fd) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = sync_fd(w, fd, R_FD_DATASYNC, &f);
  if (e) return e;
  return os_fdatasync(f->host) == 0 ? 0 : w2n__wasi_errno(errno);
}

/* The WASI sync fdflag of host status flags `fl`: SYNC or DSYNC (O_SYNC includes O_DSYNC, and on
 * Linux O_RSYNC is O_SYNC, so RSYNC is reported as SYNC). */
static uint32_t sync_flags(int fl) {
  if ((fl & O_SYNC) == O_SYNC) return WASI_FDFLAG_SYNC;
  return fl & O_DSYNC ? WASI_FDFLAG_DSYNC : 0;
}

/* The same for requested fdflags. */
static uint32_t requested_sync(uint32_t fl) {
  if (fl & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC)) return WASI_FDFLAG_SYNC;
  return fl & WASI_FDFLAG_DSYNC;
}

static int32_t wasi_fd_fdstat_get(w2n_instance *ctx, int32_t fd, int32_t buf) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, 0, &f);
  if (e) return e;
  uint8_t *p = w2n__guest(ctx, (uint32_t)buf, WASI_FDSTAT_SIZE);
  if (!p) return WASI_EFAULT;
  int fl = fcntl(f->host, F_GETFL);
  if (fl < 0) return w2n__wasi_errno(errno);
  uint16_t flags = (uint16_t)sync_flags(fl);
  if (fl & O_APPEND) flags |= WASI_FDFLAG_APPEND;
  if (fl & O_NONBLOCK) flags |= WASI_FDFLAG_NONBLOCK;
  memset(p, 0, WASI_FDSTAT_SIZE);
  p[0] = f->type;
  w2n__st16(p + 2, flags);
  w2n__st64(p + 8, f->base);
  w2n__st64(p + 16, f->inheriting);
  return 0;
}

static int32_t wasi_fd_fdstat_set_flags(w2n_instance *ctx, int32_t fd, int32_t flags) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_FDSTAT_SET_FLAGS, &f);
  if (e) return e;
  uint32_t fl = (uint32_t)flags;
  if (fl & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_DSYNC | WASI_FDFLAG_NONBLOCK | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
    return WASI_EINVAL;
  int cur = fcntl(f->host, F_GETFL);
  if (cur < 0) return w2n__wasi_errno(errno);
  /* The sync flags are fixed at open (Linux ignores them in F_SETFL): asking for other ones than
   * the fd has is ENOTSUP, asking for the same ones (F_GETFL | O_NONBLOCK) is fine. */
  if (requested_sync(fl) != sync_flags(cur)) return WASI_ENOTSUP;
  cur &= ~(O_APPEND | O_NONBLOCK);
  if (fl & WASI_FDFLAG_APPEND) cur |= O_APPEND;
  if (fl & WASI_FDFLAG_NONBLOCK) cur |= O_NONBLOCK;
  return fcntl(f->host, F_SETFL, cur) == 0 ? 0 : w2n__wasi_errno(errno);
}

static int32_t wasi_fd_fdstat_set_rights(w2n_instance *ctx, int32_t fd, int64_t base, int64_t inheriting) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, 0, &f);
  if (e) return e;
  uint64_t b = (uint64_t)base, i = (uint64_t)inheriting;
  if ((b & ~f->base) || (i & ~f->inheriting)) return WASI_ENOTCAPABLE; /* rights can only shrink */
  f->base = b;
  f->inheriting = i;
  return 0;
}

static int32_t wasi_fd_filestat_get(w2n_instance *ctx, int32_t fd, int32_t buf) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_FILESTAT_GET, &f);
  if (e) return e;
  uint8_t *p = w2n__guest(ctx, (uint32_t)buf, WASI_FILESTAT_SIZE);
  if (!p) return WASI_EFAULT;
  struct stat st;
  if (fstat(f->host, &st) != 0) return w2n__wasi_errno(errno);
  w2n__wasi_put_filestat(p, &st);
  if (f->type == WASI_FILETYPE_SOCKET_DGRAM) p[16] = f->type;
  return 0;
}

static int32_t wasi_fd_filestat_set_size(w2n_instance *ctx, int32_t fd, int64_t size) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_FILESTAT_SET_SIZE, &f);
  if (e) return e;
  if (size < 0) return WASI_EINVAL;
  return ftruncate(f->host, (off_t)size) == 0 ? 0 : w2n__wasi_errno(errno);
}

static int32_t wasi_fd_filestat_set_times(w2n_instance *ctx, int32_t fd, int64_t atim, int64_t mtim,
                                          int32_t flags) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_FILESTAT_SET_TIMES, &f);
  if (e) return e;
  struct timespec ts[2];
  e = w2n__wasi_times((uint64_t)atim, (uint64_t)mtim, (uint32_t)flags, ts);
  if (e) return e;
  return futimens(f->host, ts) == 0 ? 0 : w2n__wasi_errno(errno);
}

static int32_t wasi_fd_advise(w2n_instance *ctx, int32_t fd, int64_t offset, int64_t len, int32_t advice) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_ADVISE, &f);
  if (e) return e;
  if (advice < 0 || advice > 5 || offset < 0 || len < 0) return WASI_EINVAL;
  int r = os_fadvise(f->host, (off_t)offset, (off_t)len, advice);
  if (r == ESPIPE && f->type != WASI_FILETYPE_REGULAR_FILE) return 0; /* advice is only advice */
  return r == 0 ? 0 : w2n__wasi_errno(r);
}

static int32_t wasi_fd_allocate(w2n_instance *ctx, int32_t fd, int64_t offset, int64_t len) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_ALLOCATE, &f);
  if (e) return e;
  if (offset < 0 || len <= 0) return WASI_EINVAL;
  int r = os_fallocate(f->host, (off_t)offset, (off_t)len);
  return r == 0 ? 0 : w2n__wasi_errno(r);
}

static int32_t wasi_fd_prestat_get(w2n_instance *ctx, int32_t fd, int32_t buf) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, 0, &f);
  if (e) return e;
  if (!f->preopen) return WASI_EBADF;
  uint8_t *p = w2n__guest(ctx, (uint32_t)buf, 8);
  if (!p) return WASI_EFAULT;
  memset(p, 0, 8);
  p[0] = 0; /* preopentype dir */
  w2n__st32(p + 4, (uint32_t)strlen(f->preopen));
  return 0;
}

static int32_t wasi_fd_prestat_dir_name(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, 0, &f);
  if (e) return e;
  if (!f->preopen) return WASI_EBADF;
  size_t len = strlen(f->preopen);
  if ((uint32_t)path_len < len) return WASI_ENAMETOOLONG;
  uint8_t *p = w2n__guest(ctx, (uint32_t)path, len);
  if (!p) return WASI_EFAULT;
  memcpy(p, f->preopen, len);
  return 0;
}

static int32_t wasi_fd_renumber(w2n_instance *ctx, int32_t from, int32_t to) {
  WASI_STATE(w);
  wasi_fd *f, *t;
  int e = w2n__wasi_get_fd(w, from, 0, &f);
  if (e) return e;
  e = w2n__wasi_get_fd(w, to, 0, &t);
  if (e) return e;
  if (f == t) return 0;
  w2n__wasi_fd_release(t);
  *t = *f;
  memset(f, 0, sizeof *f);
  return 0;
}

/* ---- poll_oneoff ---- */

static int32_t wasi_poll_oneoff(w2n_instance *ctx, int32_t in, int32_t out, int32_t nsubs, int32_t nevents) {
  WASI_STATE(w);
  uint32_t n = (uint32_t)nsubs;
  if (n == 0) return WASI_EINVAL;
  const uint8_t *gsubs = w2n__guest(ctx, (uint32_t)in, (uint64_t)n * WASI_SUBSCRIPTION_SIZE);
  uint8_t *evs = w2n__guest(ctx, (uint32_t)out, (uint64_t)n * WASI_EVENT_SIZE);
  uint8_t *nev = w2n__guest(ctx, (uint32_t)nevents, 4);
  if (!gsubs || !evs || !nev) return WASI_EFAULT;

  /* The subscriptions are copied first: the guest may pass overlapping `in` and `out` buffers. */
  uint8_t *subs = malloc((size_t)n * WASI_SUBSCRIPTION_SIZE);
  struct pollfd *pfds = calloc(n, sizeof *pfds);
  uint32_t *pfd_sub = calloc(n, sizeof *pfd_sub);
  int64_t *clock_wait = calloc(n, sizeof *clock_wait); /* ns to wait per clock subscription, -1 if not a clock */
  uint32_t npfds = 0, ne = 0;
  int64_t timeout = -1; /* ns; -1 = none */
  uint32_t first_clock = UINT32_MAX; /* the clock subscription that expires first */
  int32_t result = 0;
  if (!subs || !pfds || !pfd_sub || !clock_wait) {
    result = WASI_ENOMEM;
    goto done;
  }
  memcpy(subs, gsubs, (size_t)n * WASI_SUBSCRIPTION_SIZE);

#define EVENT(sub, err, type)                                                                                      \
  do {                                                                                                             \
    uint8_t *e_ = evs + (size_t)ne++ * WASI_EVENT_SIZE;                                                            \
    memset(e_, 0, WASI_EVENT_SIZE);                                                                                \
    w2n__st64(e_, w2n__ld64(subs + (size_t)(sub) * WASI_SUBSCRIPTION_SIZE));                                     \
    w2n__st16(e_ + 8, (uint16_t)(err));                                                                            \
    e_[10] = (uint8_t)(type);                                                                                      \
  } while (0)

  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *s = subs + (size_t)i * WASI_SUBSCRIPTION_SIZE;
    uint8_t tag = s[8];
    clock_wait[i] = -1;
    if (tag == 0) { /* clock: id @16, timeout @24, precision @32, flags @40 */
      clockid_t c;
      uint64_t t = w2n__ld64(s + 24);
      uint16_t flags = w2n__ld16(s + 40);
      if (clock_of((int32_t)w2n__ld32(s + 16), &c) != 0 || (flags & ~1u)) {
        EVENT(i, WASI_EINVAL, 0);
        continue;
      }
      int64_t wait;
      if (flags & 1) { /* subscription_clock_abstime */
        struct timespec now;
        clock_gettime(c, &now);
        uint64_t nowns = ts_ns(now);
        wait = t > nowns ? (int64_t)(t - nowns > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : t - nowns) : 0;
      } else {
        wait = t > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)t;
      }
      clock_wait[i] = wait;
      if (timeout < 0 || wait < timeout) {
        timeout = wait;
        first_clock = i;
      }
    } else if (tag == 1 || tag == 2) { /* fd_read, fd_write: file_descriptor @16 */
      wasi_fd *f;
      int e = w2n__wasi_get_fd(w, (int32_t)w2n__ld32(s + 16), R_POLL_FD_READWRITE, &f);
      if (e) {
        EVENT(i, e, tag);
        continue;
      }
      if (f->type == WASI_FILETYPE_REGULAR_FILE) { /* always ready, as poll(2) says */
        uint8_t *ev = evs + (size_t)ne * WASI_EVENT_SIZE;
        EVENT(i, 0, tag);
        if (tag == 1) {
          struct stat st;
          off_t pos = lseek(f->host, 0, SEEK_CUR);
          if (fstat(f->host, &st) == 0 && pos >= 0 && st.st_size > pos) w2n__st64(ev + 16, (uint64_t)(st.st_size - pos));
        }
        continue;
      }
      pfds[npfds].fd = f->host;
      pfds[npfds].events = tag == 1 ? POLLIN : POLLOUT;
      pfd_sub[npfds++] = i;
    } else {
      EVENT(i, WASI_EINVAL, tag);
    }
  }

  if (ne > 0) timeout = 0; /* something is ready already: just collect the others */
  struct timespec begin, start, end;
  clock_gettime(CLOCK_MONOTONIC, &begin);
  start = begin;
  int r;
  for (;;) {
    struct timespec ts = {0, 0};
    if (timeout >= 0) {
      ts.tv_sec = (time_t)(timeout / 1000000000);
      ts.tv_nsec = (long)(timeout % 1000000000);
    }
    r = os_ppoll(pfds, npfds, timeout >= 0 ? &ts : NULL);
    if (r >= 0 || errno != EINTR) break;
    if (timeout > 0) { /* interrupted: wait for what is left */
      clock_gettime(CLOCK_MONOTONIC, &end);
      int64_t spent = (int64_t)(ts_ns(end) - ts_ns(start));
      timeout = spent >= timeout ? 0 : timeout - spent;
      start = end;
    }
  }
  if (r < 0) {
    result = w2n__wasi_errno(errno);
    goto done;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  int64_t elapsed = (int64_t)(ts_ns(end) - ts_ns(begin));
  for (uint32_t j = 0; j < npfds; j++) {
    short rev = pfds[j].revents;
    if (!rev) continue;
    uint32_t i = pfd_sub[j];
    uint8_t tag = subs[(size_t)i * WASI_SUBSCRIPTION_SIZE + 8];
    uint8_t *ev = evs + (size_t)ne * WASI_EVENT_SIZE;
    EVENT(i, rev & POLLNVAL ? WASI_EBADF : 0, tag);
    if (tag == 1 && (rev & POLLIN)) {
      int avail = 0;
      if (ioctl(pfds[j].fd, FIONREAD, &avail) == 0 && avail > 0) w2n__st64(ev + 16, (uint64_t)avail);
    }
    if (rev & POLLHUP) w2n__st16(ev + 24, 1); /* eventrwflags fd_readwrite_hangup */
  }
  for (uint32_t i = 0; i < n; i++) {
    if (clock_wait[i] >= 0 && clock_wait[i] <= elapsed && ne < n) EVENT(i, 0, 0);
  }
  if (ne == 0 && first_clock != UINT32_MAX) EVENT(first_clock, 0, 0); /* ppoll timed out: the first clock */
#undef EVENT
  w2n__st32(nev, ne);
done:
  free(subs);
  free(pfds);
  free(pfd_sub);
  free(clock_wait);
  return result;
}

/* ---- sockets (only those the host handed over, e.g. an inherited stdio socket) ---- */

/* Looks up socket fd `fd` with `rights`: EBADF, then ENOTSOCK for anything but a socket (as the
 * POSIX calls, and wasmtime), then ENOTCAPABLE. */
static int socket_fd(struct w2n_wasi *w, int32_t fd, uint64_t rights, wasi_fd **out) {
  int e = w2n__wasi_get_fd(w, fd, 0, out);
  if (e) return e;
  if ((*out)->type != WASI_FILETYPE_SOCKET_STREAM && (*out)->type != WASI_FILETYPE_SOCKET_DGRAM)
    return WASI_ENOTSOCK;
  return w2n__wasi_get_fd(w, fd, rights, out);
}

static int32_t wasi_sock_accept(w2n_instance *ctx, int32_t fd, int32_t flags, int32_t result) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = socket_fd(w, fd, R_SOCK_ACCEPT, &f);
  if (e) return e;
  if ((uint32_t)flags & ~WASI_FDFLAG_NONBLOCK) return WASI_EINVAL;
  uint8_t *p = w2n__guest(ctx, (uint32_t)result, 4);
  if (!p) return WASI_EFAULT;
  int s = os_accept(f->host, (flags & WASI_FDFLAG_NONBLOCK) != 0);
  if (s < 0) return w2n__wasi_errno(errno);
  uint8_t type;
  uint64_t rights;
  classify(s, &type, &rights);
  int32_t nfd = w2n__wasi_fd_install(w, s, type, rights & ~R_SOCK_ACCEPT, 0);
  if (nfd < 0) {
    close(s);
    return WASI_ENOMEM;
  }
  w2n__st32(p, (uint32_t)nfd);
  return 0;
}

static int32_t wasi_sock_recv(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t ri_flags,
                              int32_t ro_len, int32_t ro_flags) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = socket_fd(w, fd, R_FD_READ, &f);
  if (e) return e;
  uint8_t *len_p = w2n__guest(ctx, (uint32_t)ro_len, 4), *flags_p = w2n__guest(ctx, (uint32_t)ro_flags, 2);
  if (!len_p || !flags_p) return WASI_EFAULT;
  if ((uint32_t)ri_flags & ~3u) return WASI_EINVAL;
  struct iovec iov[MAX_IOVS];
  int cnt = gather(ctx, iovs, n, iov);
  if (cnt < 0) return -cnt;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = (size_t)cnt;
  int fl = (ri_flags & 1 ? MSG_PEEK : 0) | (ri_flags & 2 ? MSG_WAITALL : 0);
  ssize_t r;
  do r = recvmsg(f->host, &msg, fl);
  while (r < 0 && errno == EINTR);
  if (r < 0) return w2n__wasi_errno(errno);
  w2n__st32(len_p, (uint32_t)r);
  w2n__st16(flags_p, msg.msg_flags & MSG_TRUNC ? 1 : 0);
  return 0;
}

static int32_t wasi_sock_send(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t si_flags,
                              int32_t so_len) {
  WASI_STATE(w);
  (void)si_flags;
  wasi_fd *f;
  int e = socket_fd(w, fd, R_FD_WRITE, &f);
  if (e) return e;
  uint8_t *len_p = w2n__guest(ctx, (uint32_t)so_len, 4);
  if (!len_p) return WASI_EFAULT;
  struct iovec iov[MAX_IOVS];
  int cnt = gather(ctx, iovs, n, iov);
  if (cnt < 0) return -cnt;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = (size_t)cnt;
  ssize_t r;
  do r = sendmsg(f->host, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0) return w2n__wasi_errno(errno);
  w2n__st32(len_p, (uint32_t)r);
  return 0;
}

static int32_t wasi_sock_shutdown(w2n_instance *ctx, int32_t fd, int32_t how) {
  WASI_STATE(w);
  wasi_fd *f;
  int e = socket_fd(w, fd, R_SOCK_SHUTDOWN, &f);
  if (e) return e;
  int h;
  switch (how) {
  case 1: h = SHUT_RD; break;
  case 2: h = SHUT_WR; break;
  case 3: h = SHUT_RDWR; break;
  default: return WASI_EINVAL;
  }
  return shutdown(f->host, h) == 0 ? 0 : w2n__wasi_errno(errno);
}

/* ---- The resolver ---- */

typedef struct wasi_import {
  const char *name;
  const char *sig; /* canonical signature: must match what the compiler emits for the import's type */
  void *code;
} wasi_import;

#define FN(f) ((void *)(f))
static const wasi_import wasi_imports[] = {
    {"args_get", "ii:i", FN(wasi_args_get)},
    {"args_sizes_get", "ii:i", FN(wasi_args_sizes_get)},
    {"environ_get", "ii:i", FN(wasi_environ_get)},
    {"environ_sizes_get", "ii:i", FN(wasi_environ_sizes_get)},
    {"clock_res_get", "ii:i", FN(wasi_clock_res_get)},
    {"clock_time_get", "iIi:i", FN(wasi_clock_time_get)},
    {"fd_advise", "iIIi:i", FN(wasi_fd_advise)},
    {"fd_allocate", "iII:i", FN(wasi_fd_allocate)},
    {"fd_close", "i:i", FN(wasi_fd_close)},
    {"fd_datasync", "i:i", FN(wasi_fd_datasync)},
    {"fd_fdstat_get", "ii:i", FN(wasi_fd_fdstat_get)},
    {"fd_fdstat_set_flags", "ii:i", FN(wasi_fd_fdstat_set_flags)},
    {"fd_fdstat_set_rights", "iII:i", FN(wasi_fd_fdstat_set_rights)},
    {"fd_filestat_get", "ii:i", FN(wasi_fd_filestat_get)},
    {"fd_filestat_set_size", "iI:i", FN(wasi_fd_filestat_set_size)},
    {"fd_filestat_set_times", "iIIi:i", FN(wasi_fd_filestat_set_times)},
    {"fd_pread", "iiiIi:i", FN(wasi_fd_pread)},
    {"fd_prestat_get", "ii:i", FN(wasi_fd_prestat_get)},
    {"fd_prestat_dir_name", "iii:i", FN(wasi_fd_prestat_dir_name)},
    {"fd_pwrite", "iiiIi:i", FN(wasi_fd_pwrite)},
    {"fd_read", "iiii:i", FN(wasi_fd_read)},
    {"fd_readdir", "iiiIi:i", FN(w2n__wasi_fd_readdir)},
    {"fd_renumber", "ii:i", FN(wasi_fd_renumber)},
    {"fd_seek", "iIii:i", FN(wasi_fd_seek)},
    {"fd_sync", "i:i", FN(wasi_fd_sync)},
    {"fd_tell", "ii:i", FN(wasi_fd_tell)},
    {"fd_write", "iiii:i", FN(wasi_fd_write)},
    {"path_create_directory", "iii:i", FN(w2n__wasi_path_create_directory)},
    {"path_filestat_get", "iiiii:i", FN(w2n__wasi_path_filestat_get)},
    {"path_filestat_set_times", "iiiiIIi:i", FN(w2n__wasi_path_filestat_set_times)},
    {"path_link", "iiiiiii:i", FN(w2n__wasi_path_link)},
    {"path_open", "iiiiiIIii:i", FN(w2n__wasi_path_open)},
    {"path_readlink", "iiiiii:i", FN(w2n__wasi_path_readlink)},
    {"path_remove_directory", "iii:i", FN(w2n__wasi_path_remove_directory)},
    {"path_rename", "iiiiii:i", FN(w2n__wasi_path_rename)},
    {"path_symlink", "iiiii:i", FN(w2n__wasi_path_symlink)},
    {"path_unlink_file", "iii:i", FN(w2n__wasi_path_unlink_file)},
    {"poll_oneoff", "iiii:i", FN(wasi_poll_oneoff)},
    {"proc_exit", "i:", FN(wasi_proc_exit)},
    {"proc_raise", "i:i", FN(wasi_proc_raise)},
    {"sched_yield", ":i", FN(wasi_sched_yield)},
    {"random_get", "ii:i", FN(wasi_random_get)},
    {"sock_accept", "iii:i", FN(wasi_sock_accept)},
    {"sock_recv", "iiiiii:i", FN(wasi_sock_recv)},
    {"sock_send", "iiiii:i", FN(wasi_sock_send)},
    {"sock_shutdown", "ii:i", FN(wasi_sock_shutdown)},
};
#undef FN

int w2n_wasi_resolve(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)user;
  if (!imp || !imp->module || !imp->name || strcmp(imp->module, "wasi_snapshot_preview1") != 0) return -1;
  if (imp->kind != W2N_EXTERN_FUNC) return -1;
  const wasi_import *found = NULL;
  for (size_t i = 0; i < sizeof wasi_imports / sizeof wasi_imports[0]; i++) {
    if (strcmp(wasi_imports[i].name, imp->name) == 0) {
      found = &wasi_imports[i];
      break;
    }
  }
  if (!found || !w2n__hdr(importer)->runtime_data) return -1;
  w2n_func *f = w2n__instance_alloc(importer, sizeof *f);
  if (!f) return -1;
  const w2n_module *m = w2n__mod(importer);
  f->code = found->code;
  f->ctx = importer;
  f->type_id = w2n_intern_signature(found->sig);
  f->func_index = UINT32_MAX;
  /* The importer's own trampoline for the import's type has exactly this ABI when the types match
   * (instantiation rejects the import otherwise). */
  f->array_call = m->type_array_calls && imp->type < m->num_types ? m->type_array_calls[imp->type] : NULL;
  memset(out, 0, sizeof *out);
  out->kind = W2N_EXTERN_FUNC;
  out->of.func = f;
  return 0;
}
