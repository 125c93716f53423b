/* An LZ77-style compressor (hash chains of depth 8, 64 KiB window) and its decompressor,
   round-tripping generated text-like data. Arg: KiB of input. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#define HBITS 15
#define WIN 65536
static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
    int32_t *head = malloc(sizeof(int32_t) << HBITS), *prev = malloc(sizeof(int32_t) * WIN);
    for (int i = 0; i < 1 << HBITS; i++) head[i] = -1;
    size_t o = 0, i = 0, lit_start = 0;
    while (i + 3 < n) {
        uint32_t h = ((in[i] << 16 | in[i + 1] << 8 | in[i + 2]) * 2654435761u) >> (32 - HBITS);
        int32_t cand = head[h];
        size_t best = 0, best_off = 0;
        for (int depth = 0; depth < 8 && cand >= 0 && i - cand < WIN; depth++) {
            size_t l = 0;
            while (i + l < n && l < 255 + 4 && in[cand + l] == in[i + l]) l++;
            if (l > best) { best = l; best_off = i - cand; }
            int32_t nx = prev[cand & (WIN - 1)];
            if (nx >= cand) break;
            cand = nx;
        }
        prev[i & (WIN - 1)] = head[h]; head[h] = (int32_t)i;
        if (best >= 4) {
            size_t lits = i - lit_start;
            while (lits > 0) { size_t k = lits > 127 ? 127 : lits; out[o++] = (uint8_t)k; memcpy(out + o, in + lit_start, k); o += k; lit_start += k; lits -= k; }
            out[o++] = 0x80 | (uint8_t)(best - 4 > 127 ? 127 : best - 4);
            if (best - 4 > 127) best = 127 + 4;
            out[o++] = (uint8_t)best_off; out[o++] = (uint8_t)(best_off >> 8);
            for (size_t k = 1; k < best && i + k + 3 < n; k++) {
                size_t p = i + k;
                uint32_t h2 = ((in[p] << 16 | in[p + 1] << 8 | in[p + 2]) * 2654435761u) >> (32 - HBITS);
                prev[p & (WIN - 1)] = head[h2]; head[h2] = (int32_t)p;
            }
            i += best; lit_start = i;
        } else i++;
    }
    size_t lits = n - lit_start;
    while (lits > 0) { size_t k = lits > 127 ? 127 : lits; out[o++] = (uint8_t)k; memcpy(out + o, in + lit_start, k); o += k; lit_start += k; lits -= k; }
    free(head); free(prev);
    return o;
}
static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t t = in[i++];
        if (t & 0x80) {
            size_t len = (t & 0x7f) + 4, off = in[i] | in[i + 1] << 8; i += 2;
            for (size_t k = 0; k < len; k++, o++) out[o] = out[o - off];
        } else { memcpy(out + o, in + i, t); o += t; i += t; }
    }
    return o;
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 24576) << 10;
    static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "wasm ", "native ",
                                  "compiler ", "function ", "memory ", "table ", "{\"k\": ", "12345, ", "\n", "lorem ", "ipsum ", "x"};
    uint8_t *in = malloc(n), *c = malloc(n + n / 64 + 16), *d = malloc(n);
    uint32_t s = 99; size_t p = 0;
    while (p < n) {
        s = s * 1103515245u + 12345u;
        const char *w = words[(s >> 16) % 20];
        if ((s >> 8 & 15) == 0) { in[p++] = (uint8_t)(s >> 24); continue; }
        for (; *w && p < n; w++) in[p++] = (uint8_t)*w;
    }
    size_t cl = compress(in, n, c);
    size_t dl = decompress(c, cl, d);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < cl; i++) h = (h ^ c[i]) * 16777619u;
    printf("checksum %zu %zu %08x %s\n", cl, dl, h, dl == n && memcmp(in, d, n) == 0 ? "ok" : "MISMATCH");
    return 0;
}
