/*
 * wasi_fd.c — WASI preview1: operations on open descriptors (read, write, seek, sync, stat, flags, preopens,
 * renumbering). Paths are resolved in wasi_fs.c.
 */
#include "wasi_impl.h"
#include "wasi_os.h"

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

/* ---- fd operations ---- */

/* Reads `n` guest iovecs at `iovs` into host iovecs (at most MAX_IOVS). Returns the count or -EFAULT. */
int w2n__wasi_gather(w2n_instance *ctx, int32_t iovs, int32_t n, struct iovec *out) {
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
  int n = w2n__wasi_gather(ctx, iovs, iovs_len, iov);
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

int32_t w2n__wasi_fd_read(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t nread) {
  w2n__poll_interrupt(ctx);
  return do_io(ctx, IO_READ, fd, iovs, n, 0, nread);
}
int32_t w2n__wasi_fd_write(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t nwritten) {
  w2n__poll_interrupt(ctx);
  return do_io(ctx, IO_WRITE, fd, iovs, n, 0, nwritten);
}
int32_t w2n__wasi_fd_pread(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t nread) {
  w2n__poll_interrupt(ctx);
  return do_io(ctx, IO_PREAD, fd, iovs, n, off, nread);
}
int32_t w2n__wasi_fd_pwrite(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int64_t off,
                              int32_t nwritten) {
  w2n__poll_interrupt(ctx);
  return do_io(ctx, IO_PWRITE, fd, iovs, n, off, nwritten);
}

int32_t w2n__wasi_fd_seek(w2n_instance *ctx, int32_t fd, int64_t offset, int32_t whence, int32_t newoffset) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_tell(w2n_instance *ctx, int32_t fd, int32_t offset) {
  w2n__poll_interrupt(ctx);
  return w2n__wasi_fd_seek(ctx, fd, 0, 1, offset);
}

int32_t w2n__wasi_fd_close(w2n_instance *ctx, int32_t fd) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_sync(w2n_instance *ctx, int32_t fd) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  wasi_fd *f;
  int e = sync_fd(w, fd, R_FD_SYNC, &f);
  if (e) return e;
  return os_fsync(f->host) == 0 ? 0 : w2n__wasi_errno(errno);
}

int32_t w2n__wasi_fd_datasync(w2n_instance *ctx, int32_t fd) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_fdstat_get(w2n_instance *ctx, int32_t fd, int32_t buf) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_fdstat_set_flags(w2n_instance *ctx, int32_t fd, int32_t flags) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_fdstat_set_rights(w2n_instance *ctx, int32_t fd, int64_t base, int64_t inheriting) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_filestat_get(w2n_instance *ctx, int32_t fd, int32_t buf) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_filestat_set_size(w2n_instance *ctx, int32_t fd, int64_t size) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_FILESTAT_SET_SIZE, &f);
  if (e) return e;
  if (size < 0) return WASI_EINVAL;
  return ftruncate(f->host, (off_t)size) == 0 ? 0 : w2n__wasi_errno(errno);
}

int32_t w2n__wasi_fd_filestat_set_times(w2n_instance *ctx, int32_t fd, int64_t atim, int64_t mtim,
                                          int32_t flags) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_FILESTAT_SET_TIMES, &f);
  if (e) return e;
  struct timespec ts[2];
  e = w2n__wasi_times((uint64_t)atim, (uint64_t)mtim, (uint32_t)flags, ts);
  if (e) return e;
  return futimens(f->host, ts) == 0 ? 0 : w2n__wasi_errno(errno);
}

int32_t w2n__wasi_fd_advise(w2n_instance *ctx, int32_t fd, int64_t offset, int64_t len, int32_t advice) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_ADVISE, &f);
  if (e) return e;
  if (advice < 0 || advice > 5 || offset < 0 || len < 0) return WASI_EINVAL;
  int r = os_fadvise(f->host, (off_t)offset, (off_t)len, advice);
  if (r == ESPIPE && f->type != WASI_FILETYPE_REGULAR_FILE) return 0; /* advice is only advice */
  return r == 0 ? 0 : w2n__wasi_errno(r);
}

int32_t w2n__wasi_fd_allocate(w2n_instance *ctx, int32_t fd, int64_t offset, int64_t len) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  wasi_fd *f;
  int e = w2n__wasi_get_fd(w, fd, R_FD_ALLOCATE, &f);
  if (e) return e;
  if (offset < 0 || len <= 0) return WASI_EINVAL;
  int r = os_fallocate(f->host, (off_t)offset, (off_t)len);
  return r == 0 ? 0 : w2n__wasi_errno(r);
}

int32_t w2n__wasi_fd_prestat_get(w2n_instance *ctx, int32_t fd, int32_t buf) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_prestat_dir_name(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len) {
  w2n__poll_interrupt(ctx);
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

int32_t w2n__wasi_fd_renumber(w2n_instance *ctx, int32_t from, int32_t to) {
  w2n__poll_interrupt(ctx);
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
