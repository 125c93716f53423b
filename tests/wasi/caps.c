// The caps that keep a guest from making the host allocate without bound (runtime-lib/src/wasi_impl.h,
// "Caps"): a path of PATH_MAX bytes or more is ENAMETOOLONG (even one far longer than memory, before
// any access); more than 1024 iovecs (MAX_IOVS) are a short write or read of the first 1024; an
// iovec array past the end of memory is EFAULT; more than 4096 poll_oneoff subscriptions
// (MAX_POLL_SUBSCRIPTIONS) in memory are EINVAL (outside memory: EFAULT first), 4096 are fine; opening files without closing them ends in
// EMFILE (MAX_FDS = 16384 guest descriptors, or the host's own descriptor limit if lower), and
// closing them makes room again.
// functions: path_open fd_write fd_read poll_oneoff fd_close
#include "check.h"

#define MANY_IOVS 3000
static __wasi_ciovec_t ciovs[MANY_IOVS];
static __wasi_iovec_t iovs[MANY_IOVS];
static char bytes[MANY_IOVS];
static char long_path[5000];

#define SUBS 4097
static __wasi_subscription_t subs[SUBS];
static __wasi_event_t events[SUBS];

#define MAX_OPEN 20000
static I opened[MAX_OPEN];

int main(void) {
  /* paths */
  memset(long_path, 'a', sizeof long_path);
  I fd = -1;
  EXPECT(w_path_open(RW, 0, P(long_path), 4096, __WASI_OFLAGS_CREAT, R_RW, 0, 0, P(&fd)), __WASI_ERRNO_NAMETOOLONG);
  EXPECT(w_path_open(RW, 0, P(long_path), 0x7fffffff, 0, R_RW, 0, 0, P(&fd)), __WASI_ERRNO_NAMETOOLONG);
  EXPECT(w_path_open(RW, 0, P(long_path), 255, __WASI_OFLAGS_CREAT, R_RW, 0, 0, P(&fd)), 0);

  /* iovecs: 3000 of one byte each write 1024 bytes */
  for (int i = 0; i < MANY_IOVS; i++) {
    bytes[i] = (char)('0' + i % 10);
    ciovs[i].buf = (const uint8_t *)&bytes[i];
    ciovs[i].buf_len = 1;
  }
  __wasi_size_t n = 0;
  EXPECT(w_fd_write(fd, P(ciovs), MANY_IOVS, P(&n)), 0);
  CHECK(n == 1024, "fd_write of 3000 iovecs writes the first 1024");
  EXPECT(w_fd_write(fd, P(ciovs), 0x7fffffff, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_close(fd), 0);
  EXPECT(w_path_open(RW, 0, P(long_path), 255, 0, R_RW, 0, 0, P(&fd)), 0);
  for (int i = 0; i < MANY_IOVS; i++) {
    iovs[i].buf = (uint8_t *)&bytes[i];
    iovs[i].buf_len = 1;
  }
  memset(bytes, 0, sizeof bytes);
  EXPECT(w_fd_read(fd, P(iovs), MANY_IOVS, P(&n)), 0);
  CHECK(n == 1024 && bytes[0] == '0' && bytes[1023] == '3' && bytes[1024] == 0, "fd_read into 3000 iovecs reads 1024");
  EXPECT(w_fd_read(fd, P(iovs), 0x7fffffff, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_close(fd), 0);

  /* poll_oneoff: 4096 subscriptions are fine, 4097 are EINVAL */
  for (int i = 0; i < SUBS; i++) {
    subs[i].userdata = (uint64_t)i;
    subs[i].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[i].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[i].u.u.clock.timeout = 0;
  }
  EXPECT(w_poll_oneoff(P(subs), P(events), 4096, P(&n)), 0);
  CHECK(n >= 1, "poll_oneoff with 4096 expired clocks reports an event");
  EXPECT(w_poll_oneoff(P(subs), P(events), SUBS, P(&n)), __WASI_ERRNO_INVAL);

  /* descriptors: EMFILE at some point, never an unbounded table */
  int count = 0;
  I e = 0;
  while (count < MAX_OPEN) {
    I nfd = -1;
    e = w_path_open(RO, 0, S("data.txt"), 0, __WASI_RIGHTS_FD_READ, 0, 0, P(&nfd));
    if (e) break;
    opened[count++] = nfd;
  }
  char what[96];
  snprintf(what, sizeof what, "opening files without closing ends in EMFILE (after %d)", count);
  CHECK(e == __WASI_ERRNO_MFILE && count > 100 && count <= 16384, what);
  I closed_all = 0;
  for (int i = 0; i < count; i++) closed_all |= w_fd_close(opened[i]);
  CHECK(closed_all == 0, "every one of them closes");
  EXPECT(w_path_open(RO, 0, S("data.txt"), 0, __WASI_RIGHTS_FD_READ, 0, 0, P(&fd)), 0);
  EXPECT(w_fd_close(fd), 0);
  return done();
}
