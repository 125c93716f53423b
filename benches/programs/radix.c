/* LSD radix sort: 32-bit keys in four 8-bit passes (all histograms in one counting pass, passes
   whose digit is constant skipped), and 64-bit-key records {key, payload} in 16-bit digits;
   prefix sums and scatter loops. Arg: thousands of elements. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
struct rec { uint64_t key; uint32_t payload, pad; };
static void sort_u32(uint32_t *a, uint32_t *tmp, size_t n) {
    static uint32_t count[4][256];
    uint32_t *src = a, *dst = tmp;
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = a[i];
        count[0][v & 255]++; count[1][v >> 8 & 255]++; count[2][v >> 16 & 255]++; count[3][v >> 24]++;
    }
    for (int pass = 0; pass < 4; pass++) {
        uint32_t *c = count[pass], sum = 0;
        int trivial = 0;
        for (int d = 0; d < 256; d++) { if (c[d] == n) trivial = 1; uint32_t t = c[d]; c[d] = sum; sum += t; }
        if (trivial) continue;
        int shift = pass * 8;
        for (size_t i = 0; i < n; i++) { uint32_t v = src[i]; dst[c[v >> shift & 255]++] = v; }
        uint32_t *t = src; src = dst; dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
}
static void sort_rec(struct rec *a, struct rec *tmp, size_t n) {
    static uint32_t count[65536];
    for (int pass = 0; pass < 4; pass++) {
        int shift = pass * 16;
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++) count[a[i].key >> shift & 0xffff]++;
        uint32_t sum = 0;
        for (int d = 0; d < 65536; d++) { uint32_t t = count[d]; count[d] = sum; sum += t; }
        for (size_t i = 0; i < n; i++) tmp[count[a[i].key >> shift & 0xffff]++] = a[i];
        struct rec *t = a; a = tmp; tmp = t;
    }
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 3000) * 1000;
    uint32_t *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
    struct rec *r = malloc(n * sizeof *r), *rt = malloc(n * sizeof *r);
    uint64_t x = 88172645463325252ull, sum = 0; uint32_t bad = 0, h = 0;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            a[i] = round == 3 ? (uint32_t)(x >> 40) : (uint32_t)x;
            r[i].key = x >> (round * 8); r[i].payload = (uint32_t)i; r[i].pad = 0;
        }
        sort_u32(a, tmp, n);
        sort_rec(r, rt, n);
        for (size_t i = 1; i < n; i++) { bad += a[i - 1] > a[i]; bad += r[i - 1].key > r[i].key; }
        for (size_t i = 0; i < n; i += n / 64 + 1) { sum += a[i]; h = (h ^ r[i].payload) * 16777619u; }
    }
    printf("checksum %llu %08x %u\n", (unsigned long long)sum, h, bad);
    free(a); free(tmp); free(r); free(rt);
    return 0;
}
