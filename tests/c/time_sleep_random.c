// Clocks, sleeping and randomness through the C library: clock_gettime (realtime, monotonic, process
// and thread CPU time), clock_getres, nanosleep/usleep/sleep(0) (poll_oneoff in Wasm), poll() with a
// timeout, time(), getentropy and arc4random (random_get in Wasm), then exit(7) with output still
// buffered. What is printed is what must hold everywhere, so native and Wasm print the same.
// expect-exit: 7
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(void) {
  static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
  static const char *const names[] = {"realtime", "monotonic", "process", "thread"};
  for (int i = 0; i < 4; i++) {
    struct timespec res;
    int ok = clock_getres(clocks[i], &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0;
    int64_t a = ns(clocks[i]), b = ns(clocks[i]);
    printf("%s: resolution ok %d, non-decreasing %d\n", names[i], ok, b >= a || i == 0);
  }
  printf("realtime after 2020: %d\n", ns(CLOCK_REALTIME) > 1577836800ll * 1000000000);
  printf("time() agrees with realtime: %d\n", llabs((long long)time(NULL) - ns(CLOCK_REALTIME) / 1000000000) <= 1);

  int64_t t0 = ns(CLOCK_MONOTONIC);
  struct timespec req = {0, 30 * 1000 * 1000}, rem = {9, 9};
  int r = nanosleep(&req, &rem);
  int64_t slept = ns(CLOCK_MONOTONIC) - t0;
  printf("nanosleep(30 ms) = %d, slept >= 30 ms: %d, < 10 s: %d\n", r, slept >= 30000000, slept < 10000000000ll);
  t0 = ns(CLOCK_MONOTONIC);
  usleep(20000);
  printf("usleep(20 ms) slept >= 20 ms: %d\n", ns(CLOCK_MONOTONIC) - t0 >= 20000000);
  t0 = ns(CLOCK_MONOTONIC);
  printf("sleep(0) = %u, quick: %d\n", sleep(0), ns(CLOCK_MONOTONIC) - t0 < 1000000000);
  t0 = ns(CLOCK_MONOTONIC);
  printf("poll(no fds, 25 ms) = %d, waited >= 25 ms: %d\n", poll(NULL, 0, 25), ns(CLOCK_MONOTONIC) - t0 >= 25000000);
  int64_t cpu0 = ns(CLOCK_PROCESS_CPUTIME_ID);
  volatile uint64_t x = 0;
  for (uint64_t i = 0; i < 30000000; i++) x += i;
  printf("busy loop uses process CPU time: %d\n", ns(CLOCK_PROCESS_CPUTIME_ID) > cpu0);

  unsigned char a[64], b[64];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  int ga = getentropy(a, sizeof a), gb = getentropy(b, sizeof b);
  int zero = 1;
  for (size_t i = 0; i < sizeof a; i++) zero &= a[i] == 0;
  printf("getentropy: %d %d, differ %d, all zero %d\n", ga, gb, memcmp(a, b, sizeof a) != 0, zero);
  uint32_t r1 = arc4random(), r2 = arc4random(), r3 = arc4random();
  printf("arc4random: three equal draws %d\n", r1 == r2 && r2 == r3);
  printf("arc4random_uniform(10) < 10: %d\n", arc4random_uniform(10) < 10);
  printf("exiting with 7 (this line is still buffered)");
  exit(7);
}
