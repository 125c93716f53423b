// poll_oneoff: relative and absolute clocks (monotonic and realtime) that sleep as long as asked,
// fd readiness (a pipe with data, at its end with the hangup flag, stdout, a regular file), several
// subscriptions at once, in and out buffers that overlap, and the errors: EINVAL (no subscriptions),
// EFAULT (buffers outside memory), and per-event errors (EBADF, EINVAL, ENOTCAPABLE).
// functions: poll_oneoff
// stdin: piped input\n
#include "check.h"
#include <time.h>

#define MS 1000000ull

static __wasi_timestamp_t now(__wasi_clockid_t c) {
  __wasi_timestamp_t t = 0;
  w_clock_time_get(c, 1, P(&t));
  return t;
}

static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, uint64_t timeout, uint16_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = flags;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, uint8_t type, I fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = (__wasi_fd_t)fd;
  return s;
}

static __wasi_event_t ev[8];
static __wasi_size_t nev;

/* The event with userdata `ud`, or NULL. */
static __wasi_event_t *find(uint64_t ud) {
  for (__wasi_size_t i = 0; i < nev; i++)
    if (ev[i].userdata == ud) return &ev[i];
  return NULL;
}

int main(void) {
  __wasi_subscription_t subs[8];

  /* relative clocks sleep at least as long as asked */
  for (__wasi_clockid_t c = 0; c < 2; c++) {
    subs[0] = clock_sub(0x1234, c, 20 * MS, 0);
    __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
    EXPECT(w_poll_oneoff(P(subs), P(ev), 1, P(&nev)), 0);
    __wasi_timestamp_t slept = now(__WASI_CLOCKID_MONOTONIC) - t0;
    char what[80];
    snprintf(what, sizeof what, "clock %d, 20 ms relative: one clock event, slept >= 20 ms", (int)c);
    CHECK(nev == 1 && ev[0].userdata == 0x1234 && ev[0].type == __WASI_EVENTTYPE_CLOCK && ev[0].error == 0 &&
              slept >= 20 * MS && slept < 5000 * MS,
          what);
  }
  /* absolute clocks */
  subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, now(__WASI_CLOCKID_MONOTONIC) + 15 * MS,
                      __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 1, P(&nev)), 0);
  CHECK(nev == 1 && ev[0].error == 0 && now(__WASI_CLOCKID_MONOTONIC) - t0 >= 14 * MS, "absolute monotonic deadline 15 ms ahead");
  subs[0] = clock_sub(2, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) - 1000 * MS,
                      __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 1, P(&nev)), 0);
  CHECK(nev == 1 && ev[0].userdata == 2 && now(__WASI_CLOCKID_MONOTONIC) - t0 < 1000 * MS,
        "an absolute realtime deadline in the past: at once");
  /* the earliest of several clocks */
  subs[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
  subs[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 5 * MS, 0);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 2, P(&nev)), 0);
  CHECK(nev == 1 && ev[0].userdata == 11, "two clocks: the 5 ms one fires, not the 60 s one");
  /* nanosleep (wasi-libc) goes through poll_oneoff */
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  struct timespec ts = {0, 15 * 1000 * 1000};
  CHECK(nanosleep(&ts, NULL) == 0 && now(__WASI_CLOCKID_MONOTONIC) - t0 >= 15 * MS, "nanosleep(15 ms)");

  /* fds: stdin gets 12 bytes (the harness writes them while the program runs: wait for them with a
   * 60 s clock as the backstop), stdout is writable; a long clock does not delay ready fds */
  subs[0] = fd_sub(19, __WASI_EVENTTYPE_FD_READ, 0);
  subs[1] = clock_sub(18, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 2, P(&nev)), 0);
  CHECK(nev == 1 && ev[0].userdata == 19 && ev[0].error == 0, "waiting for stdin: it becomes readable");
  subs[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, 0);
  subs[1] = fd_sub(21, __WASI_EVENTTYPE_FD_WRITE, 1);
  subs[2] = clock_sub(22, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 3, P(&nev)), 0);
  __wasi_event_t *in = find(20), *out = find(21);
  CHECK(in && in->type == __WASI_EVENTTYPE_FD_READ && in->error == 0 && in->fd_readwrite.nbytes == 12,
        "stdin readable, 12 bytes");
  CHECK(out && out->type == __WASI_EVENTTYPE_FD_WRITE && out->error == 0, "stdout writable");
  CHECK(!find(22) && now(__WASI_CLOCKID_MONOTONIC) - t0 < 30000 * MS, "the 60 s clock did not fire or delay");
  char buf[32];
  EXPECT(read_text(0, buf, sizeof buf), 0);
  subs[0] = fd_sub(30, __WASI_EVENTTYPE_FD_READ, 0);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 1, P(&nev)), 0);
  CHECK(nev == 1 && ev[0].fd_readwrite.nbytes == 0 && (ev[0].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP),
        "stdin at its end: readable, 0 bytes, hangup");
  /* a regular file is always ready; nbytes is what is left to read */
  I f = make_file(RW, "poll.txt", "0123456789");
  __wasi_filesize_t pos;
  w_fd_seek(f, 4, __WASI_WHENCE_SET, P(&pos));
  subs[0] = fd_sub(40, __WASI_EVENTTYPE_FD_READ, f);
  subs[1] = fd_sub(41, __WASI_EVENTTYPE_FD_WRITE, f);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 2, P(&nev)), 0);
  CHECK(nev == 2 && find(40) && find(40)->fd_readwrite.nbytes == 6 && find(41) && find(41)->error == 0,
        "a regular file: readable (6 bytes left) and writable");

  /* per-subscription errors come back as events */
  subs[0] = fd_sub(50, __WASI_EVENTTYPE_FD_READ, NOFD);
  subs[1] = clock_sub(51, 99, 1 * MS, 0);
  subs[2] = clock_sub(52, __WASI_CLOCKID_MONOTONIC, 1 * MS, 0x100);
  subs[3] = fd_sub(53, __WASI_EVENTTYPE_FD_READ, RW); /* a directory has no poll right */
  subs[4] = fd_sub(54, 7, 1);                          /* no such event type */
  EXPECT(w_poll_oneoff(P(subs), P(ev), 5, P(&nev)), 0);
  CHECK(nev == 5, "five subscriptions in error: five events");
  CHECK(find(50) && find(50)->error == __WASI_ERRNO_BADF && find(50)->type == __WASI_EVENTTYPE_FD_READ, "bad fd: EBADF");
  CHECK(find(51) && find(51)->error == __WASI_ERRNO_INVAL, "unknown clock: EINVAL");
  CHECK(find(52) && find(52)->error == __WASI_ERRNO_INVAL, "unknown clock flags: EINVAL");
  CHECK(find(53) && find(53)->error == __WASI_ERRNO_NOTCAPABLE, "a directory: ENOTCAPABLE");
  CHECK(find(54) && find(54)->error == __WASI_ERRNO_INVAL, "unknown event type: EINVAL");

  /* the same buffer for subscriptions and events */
  static union {
    __wasi_subscription_t s[2];
    __wasi_event_t e[3];
  } both;
  both.s[0] = fd_sub(60, __WASI_EVENTTYPE_FD_WRITE, 1);
  both.s[1] = fd_sub(61, __WASI_EVENTTYPE_FD_READ, f);
  EXPECT(w_poll_oneoff(P(both.s), P(both.e), 2, P(&nev)), 0);
  CHECK(nev == 2 && ((both.e[0].userdata == 60 && both.e[1].userdata == 61) || (both.e[0].userdata == 61 && both.e[1].userdata == 60)),
        "overlapping subscription and event buffers: both events, right userdata");

  /* whole-call errors */
  subs[0] = clock_sub(70, __WASI_CLOCKID_MONOTONIC, 1, 0);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 0, P(&nev)), __WASI_ERRNO_INVAL);
  EXPECT(w_poll_oneoff(OOB, P(ev), 1, P(&nev)), __WASI_ERRNO_FAULT);
  EXPECT(w_poll_oneoff(straddle(), P(ev), 1, P(&nev)), __WASI_ERRNO_FAULT);
  EXPECT(w_poll_oneoff(P(subs), OOB, 1, P(&nev)), __WASI_ERRNO_FAULT);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 1, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_poll_oneoff(P(subs), P(ev), 0x10000000, P(&nev)), __WASI_ERRNO_FAULT);
  EXPECT(w_poll_oneoff(P(subs), P(ev), -1, P(&nev)), __WASI_ERRNO_FAULT);
  w_fd_close(f);
  return done();
}
