/* Huffman coding: per 64 KiB block, byte frequencies, a code tree built with a binary min-heap,
   canonical code assignment (lengths limited by flattening the counts), MSB-first bit packing,
   and decoding through a 10-bit lookup table with a canonical bit-by-bit fallback; round-trips
   generated skewed data. Arg: KiB of input. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#define BLOCK 65536
#define MAXLEN 24
#define TBITS 10
struct hnode { uint32_t freq; int16_t left, right; int16_t sym; };
static struct hnode nodes[512]; static int heap[512], hn;
static int less(int a, int b) { return nodes[a].freq < nodes[b].freq || (nodes[a].freq == nodes[b].freq && a < b); }
static void push(int x) { int i = hn++; heap[i] = x; while (i && less(heap[i], heap[(i - 1) / 2])) { int p = (i - 1) / 2, t = heap[i]; heap[i] = heap[p]; heap[p] = t; i = p; } }
static int pop(void) {
    int top = heap[0]; heap[0] = heap[--hn]; int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < hn && less(heap[l], heap[m])) m = l;
        if (r < hn && less(heap[r], heap[m])) m = r;
        if (m == i) return top;
        int t = heap[i]; heap[i] = heap[m]; heap[m] = t; i = m;
    }
}
static int depth_of(int n, int d, uint8_t *len) {
    if (nodes[n].sym >= 0) { len[nodes[n].sym] = (uint8_t)(d ? d : 1); return d ? d : 1; }
    int a = depth_of(nodes[n].left, d + 1, len), b = depth_of(nodes[n].right, d + 1, len);
    return a > b ? a : b;
}
static void build_lengths(const uint32_t *freq, uint8_t *len) {
    uint32_t f[256]; memcpy(f, freq, sizeof f);
    for (;;) {
        int nn = 0; hn = 0; memset(len, 0, 256);
        for (int s = 0; s < 256; s++) if (f[s]) { nodes[nn] = (struct hnode){f[s], -1, -1, (int16_t)s}; push(nn++); }
        if (nn == 0) return;
        while (hn > 1) { int a = pop(), b = pop(); nodes[nn] = (struct hnode){nodes[a].freq + nodes[b].freq, (int16_t)a, (int16_t)b, -1}; push(nn++); }
        if (depth_of(pop(), 0, len) <= MAXLEN) return;
        for (int s = 0; s < 256; s++) if (f[s]) f[s] = f[s] / 2 + 1;
    }
}
struct code { uint8_t sorted[256]; uint32_t codes[256]; uint32_t first[MAXLEN + 2]; int count[MAXLEN + 2], index[MAXLEN + 2]; uint16_t table[1 << TBITS]; };
static void canonical(const uint8_t *len, struct code *c) {
    memset(c->count, 0, sizeof c->count);
    for (int s = 0; s < 256; s++) c->count[len[s]]++;
    c->count[0] = 0;
    int k = 0;
    for (int l = 1; l <= MAXLEN; l++) { c->index[l] = k; for (int s = 0; s < 256; s++) if (len[s] == l) c->sorted[k++] = (uint8_t)s; }
    uint32_t code = 0;
    for (int l = 1; l <= MAXLEN; l++) {
        c->first[l] = code;
        for (int i = 0; i < c->count[l]; i++) c->codes[c->sorted[c->index[l] + i]] = code + (uint32_t)i;
        code = (code + (uint32_t)c->count[l]) << 1;
    }
    memset(c->table, 0, sizeof c->table);
    for (int s = 0; s < 256; s++)
        if (len[s] && len[s] <= TBITS) {
            uint32_t base = c->codes[s] << (TBITS - len[s]);
            for (uint32_t j = 0; j < 1u << (TBITS - len[s]); j++) c->table[base + j] = (uint16_t)(len[s] << 8 | s);
        }
}
static size_t encode(const uint8_t *in, size_t n, const uint8_t *len, const struct code *c, uint8_t *out) {
    uint64_t acc = 0; int bits = 0; size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = acc << len[in[i]] | c->codes[in[i]]; bits += len[in[i]];
        while (bits >= 8) { bits -= 8; out[o++] = (uint8_t)(acc >> bits); }
    }
    if (bits) out[o++] = (uint8_t)(acc << (8 - bits));
    return o;
}
static void decode(const uint8_t *in, size_t n_out, const struct code *c, uint8_t *out) {
    uint64_t acc = 0; int bits = 0; size_t ip = 0;
    for (size_t o = 0; o < n_out; o++) {
        while (bits <= 56) { acc = acc << 8 | in[ip++]; bits += 8; }
        uint16_t e = c->table[(acc >> (bits - TBITS)) & ((1u << TBITS) - 1)];
        if (e) { out[o] = (uint8_t)e; bits -= e >> 8; continue; }
        uint32_t code = 0;
        for (int l = 1; l <= MAXLEN; l++) {
            code = code << 1 | (uint32_t)(acc >> --bits & 1);
            if (code - c->first[l] < (uint32_t)c->count[l]) { out[o] = c->sorted[c->index[l] + code - c->first[l]]; break; }
        }
    }
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 40960) << 10;
    uint8_t *in = malloc(n), *enc = malloc(BLOCK * 2 + 64), *dec = malloc(BLOCK);
    uint32_t s = 42;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        uint32_t r = s >> 16;
        /* skewed: mostly a few letters, sometimes the whole byte range; the skew drifts per block */
        in[i] = (uint8_t)(r % 16 < 11 ? 'a' + (r >> 4) % (3 + (i >> 16) % 20) : r % 7 ? ' ' + (r >> 4) % 64 : r >> 8);
    }
    size_t total = 0; uint32_t h = 0; int bad = 0, maxlen = 0;
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t m = n - b < BLOCK ? n - b : BLOCK;
        uint32_t freq[256] = {0}; uint8_t len[256]; struct code c;
        for (size_t i = 0; i < m; i++) freq[in[b + i]]++;
        build_lengths(freq, len);
        canonical(len, &c);
        for (int k = 0; k < 256; k++) if (len[k] > maxlen) maxlen = len[k];
        size_t el = encode(in + b, m, len, &c, enc);
        memset(enc + el, 0, 16);
        decode(enc, m, &c, dec);
        if (memcmp(dec, in + b, m)) bad++;
        total += el;
        for (size_t i = 0; i < el; i += 13) h = (h ^ enc[i]) * 16777619u;
    }
    printf("checksum %zu %d %08x %s\n", total, maxlen, h, bad ? "MISMATCH" : "ok");
    free(in); free(enc); free(dec);
    return 0;
}
