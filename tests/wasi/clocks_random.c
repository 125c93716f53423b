// clock_res_get, clock_time_get, random_get, sched_yield, proc_raise: every clock (realtime,
// monotonic, process and thread CPU time), unknown clocks (EINVAL), bad pointers (EFAULT).
// functions: clock_res_get clock_time_get random_get sched_yield proc_raise
#include "check.h"

int main(void) {
  __wasi_timestamp_t t = 0, t2 = 0, res = 0;
  for (I id = 0; id < 4; id++) {
    char what[64];
    EXPECT(w_clock_res_get(id, P(&res)), 0);
    snprintf(what, sizeof what, "clock %d: resolution between 1 ns and 1 s", (int)id);
    CHECK(res >= 1 && res <= 1000000000ull, what);
    EXPECT(w_clock_time_get(id, 1, P(&t)), 0);
    EXPECT(w_clock_time_get(id, 1000000, P(&t2)), 0);
    snprintf(what, sizeof what, "clock %d: does not go backwards", (int)id);
    CHECK(t2 >= t || id == 0, what);
  }
  EXPECT(w_clock_time_get(__WASI_CLOCKID_REALTIME, 1, P(&t)), 0);
  CHECK(t > 1600000000ull * 1000000000ull, "realtime is after 2020");
  /* unknown clocks and bad pointers */
  EXPECT(w_clock_res_get(4, P(&res)), __WASI_ERRNO_INVAL);
  EXPECT(w_clock_res_get(-1, P(&res)), __WASI_ERRNO_INVAL);
  EXPECT(w_clock_time_get(4, 1, P(&t)), __WASI_ERRNO_INVAL);
  EXPECT(w_clock_time_get(0x7fffffff, 1, P(&t)), __WASI_ERRNO_INVAL);
  EXPECT(w_clock_res_get(__WASI_CLOCKID_MONOTONIC, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_clock_res_get(__WASI_CLOCKID_MONOTONIC, straddle()), __WASI_ERRNO_FAULT);
  EXPECT(w_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_clock_time_get(__WASI_CLOCKID_REALTIME, 1, straddle()), __WASI_ERRNO_FAULT);

  /* random_get: fills the buffer; two draws differ; zero length is fine anywhere in memory */
  uint8_t a[64], b[64];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  EXPECT(w_random_get(P(a), sizeof a), 0);
  EXPECT(w_random_get(P(b), sizeof b), 0);
  CHECK(memcmp(a, b, sizeof a) != 0, "two 64-byte draws differ");
  static uint8_t big[100000];
  EXPECT(w_random_get(P(big), sizeof big), 0);
  int zeros = 0;
  for (size_t i = 0; i < sizeof big; i++) zeros += big[i] == 0;
  CHECK(zeros < 1000, "100000 random bytes: about 1/256 of them zero");
  EXPECT(w_random_get(P(a), 0), 0);
  EXPECT(w_random_get(straddle() + 1, 0), 0);
  EXPECT(w_random_get(OOB, 16), __WASI_ERRNO_FAULT);
  EXPECT(w_random_get(straddle(), 2), __WASI_ERRNO_FAULT);
  EXPECT(w_random_get(P(a), -1), __WASI_ERRNO_FAULT); /* 4 GiB - 1 bytes cannot fit */
  EXPECT(w_random_get(straddle() + 2, 0), __WASI_ERRNO_FAULT); /* a pointer past the end, even empty */

  EXPECT(w_sched_yield(), 0);
  /* proc_raise: not supported (signals are deprecated in WASI): ENOTSUP, never a signal to the host */
  EXPECT(w_proc_raise(15 /* SIGTERM */), __WASI_ERRNO_NOTSUP);
  EXPECT(w_proc_raise(0), __WASI_ERRNO_NOTSUP);
  return done();
}
