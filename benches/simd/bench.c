/* Driver of the SIMD benchmark: runs each kernel of kernels.h many times over L1-resident buffers
 * and prints one line per kernel: `<name> <milliseconds> <checksum>`. Built natively and to
 * wasm32-wasi from the same source; the checksums must agree across builds. Inputs change a little
 * between repetitions so no compiler can hoist a repetition out of the loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "kernels.h"

#define N 4096

static float fx[N], fy[N];
static uint8_t ua[N], ub[N], uo[N];
static int16_t sa[N], sb[N];

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

static void report(const char *name, double ms, uint64_t checksum) {
  printf("%s %.3f %llu\n", name, ms, (unsigned long long)checksum);
}

int main(int argc, char **argv) {
  long scale = argc > 1 ? atol(argv[1]) : 1; /* repetitions multiplier */
  for (int i = 0; i < N; i++) {
    fx[i] = (float)(next() % 1000) / 1000.0f;
    fy[i] = 0.0f;
    ua[i] = (uint8_t)next();
    ub[i] = (uint8_t)next();
    sa[i] = (int16_t)next();
    sb[i] = (int16_t)next();
  }

  long reps = 40000 * scale;
  double t = now_ms();
  for (long r = 0; r < reps; r++) saxpy(fy, fx, 1e-6f, N);
  t = now_ms() - t;
  double fsum = 0;
  for (int i = 0; i < N; i++) fsum += fy[i];
  report("saxpy_f32", t, (uint64_t)(fsum * 1e6));

  uint64_t check = 0;
  t = now_ms();
  for (long r = 0; r < reps; r++) {
    blend_u8(uo, ua, ub, (int)(r & 255), N);
    check += uo[r & (N - 1)];
  }
  report("blend_u8", now_ms() - t, check);

  check = 0;
  t = now_ms();
  for (long r = 0; r < reps; r++) {
    sa[r & (N - 1)] += 1;
    check += (uint32_t)dot_i16(sa, sb, N);
  }
  report("dot_i16", now_ms() - t, check);

  check = 0;
  t = now_ms();
  for (long r = 0; r < reps; r++) {
    ua[r & (N - 1)] += 1;
    check += sad_u8(ua, ub, N);
  }
  report("sad_u8", now_ms() - t, check);
  return 0;
}
