// printf of integers and floating-point values: widths, flags, signs, negative zero, extremes.
// Only formats whose result is the same on wasm32 (ILP32) and x86-64 (LP64): `long` values stay in
// 32-bit range, no pointers, no `%a` (glibc and musl spell subnormals differently).
// args:
// expect-exit: 0
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static volatile double vzero = 0.0; /* keeps the compiler from folding the arithmetic below */

int main(void) {
  int ints[] = {0, 1, -1, 42, -42, 255, 65535, INT_MAX, INT_MIN, 123456789, -987654321};
  for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    int v = ints[i];
    printf("d=%d|%5d|%-6d|%06d|%+d|% d u=%u x=%x X=%X o=%o #x=%#x\n", v, v, v, v, v, v, (unsigned)v, (unsigned)v,
           (unsigned)v, (unsigned)v, (unsigned)v);
  }
  printf("hh=%hhd %hhu h=%hd %hu\n", (signed char)-1, (unsigned char)200, (short)-32768, (unsigned short)65535);

  long longs[] = {0L, -1L, 2147483647L, -2147483647L - 1L, 1000000L};
  for (unsigned i = 0; i < sizeof longs / sizeof longs[0]; i++) printf("ld=%ld|%12ld|%-12ld|\n", longs[i], longs[i], longs[i]);

  long long lls[] = {0LL, -1LL, LLONG_MAX, LLONG_MIN, 1234567890123456789LL, -987654321098765432LL, 4294967296LL};
  for (unsigned i = 0; i < sizeof lls / sizeof lls[0]; i++) {
    long long v = lls[i];
    printf("lld=%lld llu=%llu llx=%llx %016llX %+lld\n", v, (unsigned long long)v, (unsigned long long)v,
           (unsigned long long)v, v);
  }
  printf("u64max=%llu i64=%lld %lld\n", (unsigned long long)UINT64_MAX, (long long)INT64_MIN, (long long)INT64_MAX);
  printf("zu=%zu %zu\n", sizeof(int), sizeof(long long));

  double ds[] = {0.0,        -0.0,     1.0,    -1.5,    3.141592653589793, 1e10,     1e-10,   123456789.125,
                 1e300,      -1e-300,  DBL_MAX, DBL_MIN, 5e-324,           0.1,      2.5,     -2.5,
                 1.0 / 3.0,  1e15,     1e16,    1e21,    0.000123456,      99999.95, 0.5,     1.5};
  for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
    double v = ds[i];
    printf("f=%f|%.2f|%.0f g=%g|%.10g|%.17g e=%e|%.3E\n", v, v, v, v, v, v, v, v);
  }
  printf("DBL_MAX %%f: %f\n", DBL_MAX);
  printf("DBL_MIN %%.330f: %.330f\n", DBL_MIN);
  printf("widths: [%10.3f] [%-10.3f] [%+.4g] [% g] [%010.2f] [%#g] [%#.0f]\n", 3.14159, 3.14159, 2.0, 7.5, -1.25,
         1.0, 3.0);

  double inf = 1.0 / vzero;
  double nan = vzero / vzero;
  printf("inf=%f %g %e -inf=%f %G nan? %d %s\n", inf, inf, inf, -inf, -inf, isnan(nan) != 0,
         isnan(fabs(nan)) ? "nan" : "number");
  double negzero = -vzero;
  printf("negzero=%f %g %e %.1f signbit=%d\n", negzero, negzero, negzero, negzero, signbit(negzero) != 0);
  printf("neg small rounding to zero: %.2f %.0f\n", -0.001, -0.4);

  float fs[] = {0.1f, 16777216.0f, 16777217.0f, -3.4e38f, 1.17549435e-38f, 1.0f / 3.0f, 1e-45f};
  for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) printf("float f=%f g=%g e=%.8e\n", fs[i], fs[i], fs[i]);

  /* arithmetic at run time */
  double acc = vzero;
  for (int i = 1; i <= 1000; i++) acc += 1.0 / i;
  printf("harmonic(1000)=%.17g\n", acc);
  float facc = (float)vzero;
  for (int i = 1; i <= 1000; i++) facc += 1.0f / (float)i;
  printf("harmonic_f(1000)=%.9g\n", facc);
  double x = 2.0 + vzero;
  printf("sqrt2=%.17g sqrtf2=%.9g\n", sqrt(x), (double)sqrtf((float)x));
  printf("floor/ceil/trunc/round(-2.5)=%g %g %g %g rint(2.5)=%g rint(3.5)=%g\n", floor(-2.5 + vzero),
         ceil(-2.5 + vzero), trunc(-2.5 + vzero), round(-2.5 + vzero), rint(2.5 + vzero), rint(3.5 + vzero));
  printf("fmod=%g fabs=%g copysign=%g fmin=%g fmax=%g\n", fmod(10.5 + vzero, 3.0), fabs(-7.25 + vzero),
         copysign(3.0, -0.0 + vzero), fmin(-0.0, 0.0 + vzero), fmax(1.5 + vzero, -2.0));
  printf("conv: %d %d %lld %u %d\n", (int)(3.99 + vzero), (int)(-3.99 + vzero), (long long)(1e18 + vzero),
         (unsigned)(3e9 + vzero), (int)(float)(16777217 + (int)vzero));
  printf("ldexp=%g frexp-mant=%g\n", ldexp(1.0 + vzero, 100), frexp(48.0 + vzero, &(int){0}));
  printf("chars: [%c] [%s] [%8s] [%-8s] [%.3s] %%\n", 'A', "str", "right", "left", "truncate");
  int n = printf("%s", "");
  int m = printf("count me\n");
  printf("returns %d %d\n", n, m);
  char buf[16];
  int want = snprintf(buf, sizeof buf, "%d-%d-%d-%d", 1111, 2222, 3333, 4444);
  printf("snprintf want=%d got=[%s]\n", want, buf);
  return 0;
}
