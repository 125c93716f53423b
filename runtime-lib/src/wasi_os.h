/*
 * wasi_os.h — private to the WASI files: the host differences between Linux and macOS (Darwin),
 * as small inline shims.
 */
#ifndef W2N_WASI_OS_H
#define W2N_WASI_OS_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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
static inline ssize_t os_getrandom(void *buf, size_t len) {
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
static inline int os_fsync(int fd) { return fcntl(fd, F_FULLFSYNC) == 0 ? 0 : fsync(fd); }
static inline int os_fdatasync(int fd) { return os_fsync(fd); }
#else
static inline int os_fsync(int fd) { return fsync(fd); }
static inline int os_fdatasync(int fd) { return fdatasync(fd); }
#endif

/* posix_fadvise with a WASI `advice` (0-5, checked by the caller): 0 or an errno value. */
static inline int os_fadvise(int fd, off_t offset, off_t len, int advice) {
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
static inline int os_fallocate(int fd, off_t offset, off_t len) {
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
static inline int os_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout) {
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
static inline int os_accept(int fd, int nonblock) {
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

#endif /* W2N_WASI_OS_H */
