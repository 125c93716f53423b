// 64-bit (and 32-bit) integer arithmetic on values the compiler cannot fold: multiplication,
// signed and unsigned division and remainder, shifts and rotations, wrapping overflow, bit counts,
// byte swaps, 128-bit products, sign and zero extension.
// expect-exit: 0
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) { /* xorshift64* */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}

static uint64_t rotl(uint64_t x, unsigned r) { r &= 63; return r ? (x << r) | (x >> (64 - r)) : x; }
static uint32_t rotr32(uint32_t x, unsigned r) { r &= 31; return r ? (x >> r) | (x << (32 - r)) : x; }

__attribute__((noinline)) static int64_t sdiv(int64_t a, int64_t b) { return a / b; }
__attribute__((noinline)) static int64_t srem(int64_t a, int64_t b) { return a % b; }
__attribute__((noinline)) static uint64_t udiv(uint64_t a, uint64_t b) { return a / b; }
__attribute__((noinline)) static uint64_t urem(uint64_t a, uint64_t b) { return a % b; }

int main(void) {
  uint64_t h = 0;
  for (int i = 0; i < 20000; i++) {
    uint64_t a = next(), b = next();
    int64_t sa = (int64_t)a, sb = (int64_t)(b | 1);
    if (sa == INT64_MIN && sb == -1) sb = 1; /* the one undefined signed division */
    unsigned s = (unsigned)(b & 63);
    uint64_t r = a * b;                       /* wraps */
    r ^= a + b;                               /* wraps */
    r ^= a - b;
    r ^= udiv(a, b | 1) + urem(a, b | 1);
    r ^= (uint64_t)sdiv(sa, sb) ^ (uint64_t)srem(sa, sb);
    r ^= (a << s) ^ (a >> s) ^ (uint64_t)(sa >> s);
    r ^= rotl(a, s);
    r ^= (uint64_t)__builtin_popcountll(a) << 7;
    r ^= (uint64_t)(a ? __builtin_clzll(a) : 64) << 13;
    r ^= (uint64_t)(a ? __builtin_ctzll(a) : 64) << 19;
    r ^= __builtin_bswap64(b);
    unsigned __int128 wide = (unsigned __int128)a * b;
    r ^= (uint64_t)(wide >> 64);
    __int128 swide = (__int128)sa * (__int128)sb;
    r ^= (uint64_t)(swide >> 64);
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)(b >> 32) | 1;
    int32_t sa32 = (int32_t)a32, sb32 = (int32_t)b32;
    if (sa32 == INT32_MIN && sb32 == -1) sb32 = 1;
    r ^= (uint64_t)(a32 * b32) ^ ((uint64_t)(a32 / b32) << 32) ^ (uint64_t)(uint32_t)(sa32 / sb32) ^
         (uint64_t)(uint32_t)(sa32 % sb32) ^ rotr32(a32, s);
    r ^= (uint64_t)(int64_t)sa32;             /* sign extension */
    r ^= (uint64_t)a32 << 1;                  /* zero extension */
    r ^= (uint64_t)((a < b) | ((sa < sb) << 1) | ((a32 > b32) << 2) | ((sa32 >= sb32) << 3));
    h = rotl(h, 5) ^ r;
    if (i < 8)
      printf("%d: a=%016" PRIx64 " b=%016" PRIx64 " mul=%" PRIu64 " udiv=%" PRIu64 " sdiv=%" PRId64 " srem=%" PRId64
             " shl=%" PRIx64 " sar=%" PRId64 " hi=%" PRIx64 " r=%016" PRIx64 "\n",
             i, a, b, a * b, udiv(a, b | 1), sdiv(sa, sb), srem(sa, sb), a << s, sa >> s, (uint64_t)(wide >> 64), r);
  }
  printf("hash=%016" PRIx64 "\n", h);

  /* edge values */
  volatile int64_t mn = INT64_MIN, mx = INT64_MAX, m1 = -1, one = 1, seven = 7, mseven = -7;
  volatile uint64_t umax = UINT64_MAX, two = 2;
  printf("max+1 wraps: %" PRId64 "\n", (int64_t)((uint64_t)mx + (uint64_t)one));
  printf("min-1 wraps: %" PRId64 "\n", (int64_t)((uint64_t)mn - (uint64_t)one));
  printf("umax+1=%" PRIu64 " umax*2=%" PRIu64 " umax/2=%" PRIu64 " umax%%7=%" PRIu64 "\n", umax + 1, umax * two,
         umax / two, umax % (uint64_t)seven);
  printf("-7/2=%" PRId64 " -7%%2=%" PRId64 " 7/-2=%" PRId64 " 7%%-2=%" PRId64 " min/1=%" PRId64 " min%%-1=%" PRId64 "\n",
         mseven / (int64_t)two, mseven % (int64_t)two, seven / -(int64_t)two, seven % -(int64_t)two, mn / one,
         (m1 == -1 ? (int64_t)0 : mn % m1));
  printf("(uint64)-7/2=%" PRIu64 " min>>63=%" PRId64 " (uint64)min>>63=%" PRIu64 " 1<<63=%" PRIu64 "\n",
         (uint64_t)mseven / two, mn >> 63, (uint64_t)mn >> 63, (uint64_t)one << 63);
  printf("mul overflow: %" PRId64 " %" PRIx64 "\n", (int64_t)((uint64_t)mx * (uint64_t)seven),
         (uint64_t)mn * (uint64_t)m1);
  volatile uint32_t u32max = UINT32_MAX;
  volatile int32_t i32min = INT32_MIN;
  printf("u32: %u %u %u i32: %d %lld\n", u32max + 1u, u32max * u32max, u32max / 3u, (int32_t)((uint32_t)i32min - 1u),
         (long long)i32min * 2);
  printf("popcount(umax)=%d clz(1)=%d ctz(1<<40)=%d\n", __builtin_popcountll(umax), __builtin_clzll(one),
         __builtin_ctzll((uint64_t)one << 40));
  return 0;
}
