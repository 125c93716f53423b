/*
 * wasi_sock.c — WASI preview1: sockets, only those the host handed over (e.g. an inherited stdio socket).
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

int32_t w2n__wasi_sock_accept(w2n_instance *ctx, int32_t fd, int32_t flags, int32_t result) {
  w2n__poll_interrupt(ctx);
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
  w2n__wasi_classify(s, &type, &rights);
  int32_t nfd = w2n__wasi_fd_install(w, s, type, rights & ~R_SOCK_ACCEPT, 0);
  if (nfd < 0) {
    close(s);
    return -nfd;
  }
  w2n__st32(p, (uint32_t)nfd);
  return 0;
}

int32_t w2n__wasi_sock_recv(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t ri_flags,
                              int32_t ro_len, int32_t ro_flags) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  wasi_fd *f;
  int e = socket_fd(w, fd, R_FD_READ, &f);
  if (e) return e;
  uint8_t *len_p = w2n__guest(ctx, (uint32_t)ro_len, 4), *flags_p = w2n__guest(ctx, (uint32_t)ro_flags, 2);
  if (!len_p || !flags_p) return WASI_EFAULT;
  if ((uint32_t)ri_flags & ~3u) return WASI_EINVAL;
  struct iovec iov[MAX_IOVS];
  int cnt = w2n__wasi_gather(ctx, iovs, n, iov);
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

int32_t w2n__wasi_sock_send(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t si_flags,
                              int32_t so_len) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  (void)si_flags;
  wasi_fd *f;
  int e = socket_fd(w, fd, R_FD_WRITE, &f);
  if (e) return e;
  uint8_t *len_p = w2n__guest(ctx, (uint32_t)so_len, 4);
  if (!len_p) return WASI_EFAULT;
  struct iovec iov[MAX_IOVS];
  int cnt = w2n__wasi_gather(ctx, iovs, n, iov);
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

int32_t w2n__wasi_sock_shutdown(w2n_instance *ctx, int32_t fd, int32_t how) {
  w2n__poll_interrupt(ctx);
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
