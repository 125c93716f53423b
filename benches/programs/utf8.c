/* UTF-8 validation and decoding: a generated mix of ASCII, 2-, 3- and 4-byte sequences with
   invalid bytes sprinkled in (stray continuation bytes, overlong forms, surrogates, truncations)
   is decoded to code points (errors replaced by U+FFFD, with an 8-bytes-at-a-time ASCII fast path),
   re-encoded, and checked; the shape of text decoders in parsers and runtimes. Arg: KiB of text. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static size_t put_utf8(uint8_t *o, uint32_t c) {
    if (c < 0x80) { o[0] = (uint8_t)c; return 1; }
    if (c < 0x800) { o[0] = (uint8_t)(0xc0 | c >> 6); o[1] = (uint8_t)(0x80 | (c & 63)); return 2; }
    if (c < 0x10000) { o[0] = (uint8_t)(0xe0 | c >> 12); o[1] = (uint8_t)(0x80 | (c >> 6 & 63)); o[2] = (uint8_t)(0x80 | (c & 63)); return 3; }
    o[0] = (uint8_t)(0xf0 | c >> 18); o[1] = (uint8_t)(0x80 | (c >> 12 & 63)); o[2] = (uint8_t)(0x80 | (c >> 6 & 63)); o[3] = (uint8_t)(0x80 | (c & 63));
    return 4;
}
/* decodes in[0..n) into out, returns the number of code points; *errors counts replacements */
static size_t decode(const uint8_t *in, size_t n, uint32_t *out, size_t *errors) {
    size_t i = 0, k = 0, err = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w; memcpy(&w, in + i, 8);
            if (!(w & 0x8080808080808080ull)) { for (int j = 0; j < 8; j++) out[k++] = in[i + j]; i += 8; continue; }
        }
        uint8_t b = in[i];
        if (b < 0x80) { out[k++] = b; i++; continue; }
        int len; uint32_t c, min;
        if (b >= 0xc2 && b <= 0xdf) { len = 2; c = b & 0x1f; min = 0x80; }
        else if (b >= 0xe0 && b <= 0xef) { len = 3; c = b & 0x0f; min = 0x800; }
        else if (b >= 0xf0 && b <= 0xf4) { len = 4; c = b & 0x07; min = 0x10000; }
        else { out[k++] = 0xfffd; err++; i++; continue; }
        int j = 1;
        for (; j < len && i + j < n && (in[i + j] & 0xc0) == 0x80; j++) c = c << 6 | (in[i + j] & 0x3f);
        if (j < len || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) { out[k++] = 0xfffd; err++; i += j; continue; }
        out[k++] = c; i += len;
    }
    *errors = err;
    return k;
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 6144) << 10;
    uint8_t *text = malloc(n + 8), *re = malloc(n * 2 + 8);
    uint32_t *cps = malloc(sizeof(uint32_t) * (n + 8));
    uint32_t s = 123456789u; size_t len = 0;
    while (len < n) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        uint32_t kind = s % 100, c;
        if (kind < 55) { int run = 1 + (s >> 8) % 12; while (run-- && len < n) { s = s * 1103515245u + 12345u; text[len++] = (uint8_t)(' ' + (s >> 16) % 95); } continue; }
        else if (kind < 75) c = 0x80 + (s >> 8) % 0x780;
        else if (kind < 92) c = 0x800 + (s >> 8) % 0xf800;
        else if (kind < 97) c = 0x10000 + (s >> 8) % 0x100000;
        else {
            static const uint8_t bad[][3] = {{0x80, 0, 0}, {0xc0, 0xaf, 0}, {0xed, 0xa0, 0x80}, {0xe2, 0x82, 0}, {0xf5, 0x80, 0x80}, {0xff, 0, 0}};
            const uint8_t *b = bad[(s >> 8) % 6];
            for (int j = 0; j < 3 && b[j] && len < n; j++) text[len++] = b[j];
            continue;
        }
        if (c >= 0xd800 && c <= 0xdfff) c += 0x800;
        if (len + 4 > n) break;
        len += put_utf8(text + len, c);
    }
    uint64_t sum = 0; size_t total_err = 0, total_cp = 0; uint32_t hist[5] = {0}, h = 0;
    for (int rep = 0; rep < 10; rep++) {
        size_t errors, m = decode(text + rep, len - rep, cps, &errors);
        size_t rl = 0;
        for (size_t i = 0; i < m; i++) {
            size_t l = put_utf8(re + rl, cps[i]);
            rl += l; hist[l]++; sum += cps[i];
        }
        size_t e2, m2 = decode(re, rl, cps, &e2);
        total_err += errors + e2 * 1000; total_cp += m + m2;
        for (size_t i = 0; i < rl; i += 97) h = (h ^ re[i]) * 16777619u;
    }
    printf("checksum %zu %zu %llu %u %u %u %u %08x\n", total_cp, total_err, (unsigned long long)sum, hist[1], hist[2], hist[3], hist[4], h);
    free(text); free(re); free(cps);
    return 0;
}
