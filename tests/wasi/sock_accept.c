// sock_accept on a listening socket the host handed over as standard input, with one connection
// pending: the accepted fd and its rights, data both ways, a nonblocking listener with nothing
// pending (EAGAIN), and the errors: EINVAL (flags), EFAULT, EBADF, ENOTSOCK (a directory), ENOTCAPABLE
// (a connection, which cannot accept).
// functions: sock_accept
// stdin-listener: ping
// expect-socket: pong
#include "check.h"

int main(void) {
  check_preopens();
  __wasi_fdstat_t st;
  EXPECT(w_fd_fdstat_get(0, P(&st)), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM && (st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT),
        "fd 0: a stream socket with the accept right");
  I c = -1;
  EXPECT(w_sock_accept(0, 2, P(&c)), __WASI_ERRNO_INVAL);
  EXPECT(w_sock_accept(0, 0, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_sock_accept(0, 0, straddle()), __WASI_ERRNO_FAULT);
  EXPECT(w_sock_accept(NOFD, 0, P(&c)), __WASI_ERRNO_BADF);
  EXPECT(w_sock_accept(RW, 0, P(&c)), __WASI_ERRNO_NOTSOCK);
  EXPECT(w_sock_accept(0, 0, P(&c)), 0);
  CHECK(c > RO, "accepted a connection as a new fd");
  EXPECT(w_fd_fdstat_get(c, P(&st)), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM && !(st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT) &&
            (st.fs_rights_base & __WASI_RIGHTS_FD_READ),
        "the connection: a stream socket that reads, and cannot accept");
  char buf[16] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n;
  __wasi_roflags_t rf;
  EXPECT(w_sock_recv(c, P(&iov), 1, 0, P(&n), P(&rf)), 0);
  CHECK(n == 4 && strcmp(buf, "ping") == 0, "received ping");
  __wasi_ciovec_t out = {(const uint8_t *)"pong", 4};
  EXPECT(w_fd_write(c, P(&out), 1, P(&n)), 0); /* fd_write works on sockets too */
  CHECK(n == 4, "sent pong");
  EXPECT(w_sock_shutdown(c, __WASI_SDFLAGS_WR), 0);
  EXPECT(w_sock_accept(c, 0, P(&c)), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_close(c), 0);
  /* the flags are the new fd's; a nonblocking listener has nothing more to accept */
  I d = -1;
  EXPECT(w_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK), 0);
  EXPECT(w_sock_accept(0, __WASI_FDFLAGS_NONBLOCK, P(&d)), __WASI_ERRNO_AGAIN);
  return done();
}
