/* Base64 encoding (MIME style, lines of 76 characters) and decoding (table lookup, whitespace
   skipped, invalid characters rejected) of a generated binary buffer, round-tripped repeatedly;
   byte-at-a-time table-driven codec code. Arg: KiB of input. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static const char ENC[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static int8_t DEC[256];
static size_t encode(const uint8_t *in, size_t n, char *out) {
    size_t o = 0, i = 0; int col = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = ENC[v >> 18]; out[o++] = ENC[v >> 12 & 63]; out[o++] = ENC[v >> 6 & 63]; out[o++] = ENC[v & 63];
        if ((col += 4) == 76) { out[o++] = '\r'; out[o++] = '\n'; col = 0; }
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = ENC[v >> 18]; out[o++] = ENC[v >> 12 & 63]; out[o++] = '='; out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = ENC[v >> 18]; out[o++] = ENC[v >> 12 & 63]; out[o++] = ENC[v >> 6 & 63]; out[o++] = '=';
    }
    return o;
}
/* returns decoded length, or (size_t)-1 on invalid input */
static size_t decode(const char *in, size_t n, uint8_t *out) {
    size_t o = 0; uint32_t acc = 0; int bits = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)in[i];
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;
        if (c == '=') { pad++; continue; }
        int8_t d = DEC[c];
        if (d < 0 || pad) return (size_t)-1;
        acc = acc << 6 | (uint32_t)d; bits += 6;
        if (bits >= 8) { bits -= 8; out[o++] = (uint8_t)(acc >> bits); }
    }
    return pad > 2 ? (size_t)-1 : o;
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 6144) << 10;
    memset(DEC, -1, sizeof DEC);
    for (int i = 0; i < 64; i++) DEC[(uint8_t)ENC[i]] = (int8_t)i;
    uint8_t *buf = malloc(n + 8), *back = malloc(n + 8);
    char *text = malloc(n / 3 * 4 + n / 57 * 2 + 16);
    uint32_t s = 0x9e3779b9u;
    for (size_t i = 0; i < n; i++) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; buf[i] = (uint8_t)(i % 3 ? s >> 24 : 'a' + (s & 15)); }
    uint32_t h = 0; size_t total = 0; int bad = 0;
    for (int rep = 0; rep < 16; rep++) {
        size_t len = n - (size_t)rep;
        size_t tl = encode(buf, len, text);
        size_t dl = decode(text, tl, back);
        if (dl != len || memcmp(buf, back, len) != 0) bad++;
        for (size_t i = 0; i < tl; i += 61) h = (h ^ (uint8_t)text[i]) * 16777619u;
        total += tl;
        buf[rep * 7] ^= back[len / 2]; /* change the input for the next round */
    }
    text[5] = '*';
    size_t rej = decode(text, 100, back);
    printf("checksum %zu %08x %d %s\n", total, h, bad, rej == (size_t)-1 ? "rejected" : "accepted");
    free(buf); free(back); free(text);
    return 0;
}
