// sock_recv, sock_send, sock_shutdown on a connected socket the host handed over as standard input
// (WASI preview1 cannot create sockets), and their errors: EBADF, ENOTSOCK (a file or a directory,
// before any right is looked at: wasi-testsuite's c/sock_shutdown-not_sock), EINVAL (flags), EFAULT;
// sock_accept on a socket that is not listening.
// functions: sock_recv sock_send sock_shutdown sock_accept
// stdin-socket: hello from the host
// expect-socket: hello from the guest
#include "check.h"

int main(void) {
  check_preopens();
  __wasi_fdstat_t st;
  EXPECT(w_fd_fdstat_get(0, P(&st)), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM && (st.fs_rights_base & __WASI_RIGHTS_SOCK_SHUTDOWN),
        "fd 0 is a stream socket with the socket rights");
  char buf[64];
  __wasi_iovec_t iov[2] = {{(uint8_t *)buf, 5}, {(uint8_t *)buf + 5, sizeof buf - 6}};
  __wasi_size_t n = 0;
  __wasi_roflags_t rflags = 0xffff;
  memset(buf, 0, sizeof buf);
  EXPECT(w_sock_recv(0, P(iov), 2, __WASI_RIFLAGS_RECV_PEEK | __WASI_RIFLAGS_RECV_WAITALL, P(&n), P(&rflags)), 0);
  CHECK(n == 19 && strcmp(buf, "hello from the host") == 0 && rflags == 0, "peeking: the host's 19 bytes");
  memset(buf, 0, sizeof buf);
  EXPECT(w_sock_recv(0, P(iov), 2, 0, P(&n), P(&rflags)), 0);
  CHECK(n == 19 && strcmp(buf, "hello from the host") == 0, "receiving them");
  EXPECT(w_sock_recv(0, P(iov), 2, 0, P(&n), P(&rflags)), 0);
  CHECK(n == 0, "then the end (the host shut its side)");
  __wasi_ciovec_t out[2] = {{(const uint8_t *)"hello ", 6}, {(const uint8_t *)"from the guest", 14}};
  EXPECT(w_sock_send(0, P(out), 2, 0, P(&n)), 0);
  CHECK(n == 20, "sending 20 bytes in two iovecs");

  /* errors */
  I f = make_file(RW, "not-a-socket", "x");
  EXPECT(w_sock_recv(NOFD, P(iov), 1, 0, P(&n), P(&rflags)), __WASI_ERRNO_BADF);
  EXPECT(w_sock_recv(f, P(iov), 1, 0, P(&n), P(&rflags)), __WASI_ERRNO_NOTSOCK);
  EXPECT(w_sock_recv(RW, P(iov), 1, 0, P(&n), P(&rflags)), __WASI_ERRNO_NOTSOCK);
  EXPECT(w_sock_recv(0, P(iov), 1, 4, P(&n), P(&rflags)), __WASI_ERRNO_INVAL);
  EXPECT(w_sock_recv(0, OOB, 1, 0, P(&n), P(&rflags)), __WASI_ERRNO_FAULT);
  EXPECT(w_sock_recv(0, P(iov), 1, 0, OOB, P(&rflags)), __WASI_ERRNO_FAULT);
  EXPECT(w_sock_recv(0, P(iov), 1, 0, P(&n), straddle()), __WASI_ERRNO_FAULT);
  __wasi_iovec_t wild = {(uint8_t *)(uintptr_t)OOB, 8};
  EXPECT(w_sock_recv(0, P(&wild), 1, 0, P(&n), P(&rflags)), __WASI_ERRNO_FAULT);
  EXPECT(w_sock_send(NOFD, P(out), 1, 0, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_sock_send(f, P(out), 1, 0, P(&n)), __WASI_ERRNO_NOTSOCK);
  EXPECT(w_sock_send(RO, P(out), 1, 0, P(&n)), __WASI_ERRNO_NOTSOCK);
  EXPECT(w_sock_send(0, OOB, 1, 0, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_sock_send(0, P(out), 1, 0, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_sock_shutdown(NOFD, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
  EXPECT(w_sock_shutdown(f, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK); /* a file has no socket rights */
  EXPECT(w_sock_shutdown(RW, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
  EXPECT(w_sock_shutdown(0, 0), __WASI_ERRNO_INVAL);
  EXPECT(w_sock_shutdown(0, 4), __WASI_ERRNO_INVAL);
  I a = -1;
  EXPECT(w_sock_accept(0, 0, P(&a)), __WASI_ERRNO_INVAL); /* not listening */
  EXPECT(w_sock_accept(NOFD, 0, P(&a)), __WASI_ERRNO_BADF);
  EXPECT(w_sock_accept(f, 0, P(&a)), __WASI_ERRNO_NOTSOCK);

  EXPECT(w_sock_shutdown(0, __WASI_SDFLAGS_WR), 0);
  EXPECT(w_sock_send(0, P(out), 1, 0, P(&n)), __WASI_ERRNO_PIPE);
  EXPECT(w_sock_shutdown(0, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), 0);
  w_fd_close(f);
  return done();
}
