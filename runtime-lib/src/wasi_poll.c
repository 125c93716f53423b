/*
 * wasi_poll.c — WASI preview1: poll_oneoff, clock and descriptor subscriptions in one wait.
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

/* ---- poll_oneoff ---- */

int32_t w2n__wasi_poll_oneoff(w2n_instance *ctx, int32_t in, int32_t out, int32_t nsubs, int32_t nevents) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  uint32_t n = (uint32_t)nsubs;
  if (n == 0) return WASI_EINVAL;
  const uint8_t *gsubs = w2n__guest(ctx, (uint32_t)in, (uint64_t)n * WASI_SUBSCRIPTION_SIZE);
  uint8_t *evs = w2n__guest(ctx, (uint32_t)out, (uint64_t)n * WASI_EVENT_SIZE);
  uint8_t *nev = w2n__guest(ctx, (uint32_t)nevents, 4);
  if (!gsubs || !evs || !nev) return WASI_EFAULT;
  if (n > MAX_POLL_SUBSCRIPTIONS) return WASI_EINVAL; /* buffers in memory, but too many to copy */

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
      if (w2n__wasi_clock_of((int32_t)w2n__ld32(s + 16), &c) != 0 || (flags & ~1u)) {
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
