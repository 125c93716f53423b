/* Non-cryptographic hashing over bytes: a 64-bit xxHash64-style hash (four lanes of multiply-
   rotate rounds, an avalanche finish) and a 32-bit MurmurHash3-style hash, over a large buffer and
   over many short keys of varying lengths and alignments; the hashing code of hash tables,
   deduplication and checksumming. Arg: MiB of input. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static const uint64_t P1 = 11400714785074694791ull, P2 = 14029467366897019727ull, P3 = 1609587929392839161ull,
                      P4 = 9650029242287828579ull, P5 = 2870177450012600261ull;
static inline uint64_t rotl64(uint64_t x, int r) { return x << r | x >> (64 - r); }
static inline uint32_t rotl32(uint32_t x, int r) { return x << r | x >> (32 - r); }
static inline uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t round64(uint64_t acc, uint64_t in) { return rotl64(acc + in * P2, 31) * P1; }
static inline uint64_t merge64(uint64_t acc, uint64_t v) { return (acc ^ round64(0, v)) * P1 + P4; }
static uint64_t hash64(const uint8_t *p, size_t len, uint64_t seed) {
    const uint8_t *end = p + len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
        const uint8_t *limit = end - 32;
        do {
            v1 = round64(v1, rd64(p)); v2 = round64(v2, rd64(p + 8));
            v3 = round64(v3, rd64(p + 16)); v4 = round64(v4, rd64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
        h = merge64(h, v1); h = merge64(h, v2); h = merge64(h, v3); h = merge64(h, v4);
    } else h = seed + P5;
    h += (uint64_t)len;
    for (; p + 8 <= end; p += 8) h = rotl64(h ^ round64(0, rd64(p)), 27) * P1 + P4;
    if (p + 4 <= end) { h = rotl64(h ^ (uint64_t)rd32(p) * P1, 23) * P2 + P3; p += 4; }
    for (; p < end; p++) h = rotl64(h ^ *p * P5, 11) * P1;
    h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32;
    return h;
}
static uint32_t hash32(const uint8_t *p, size_t len, uint32_t seed) {
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t h = seed;
    size_t blocks = len / 4;
    for (size_t i = 0; i < blocks; i++) {
        uint32_t k = rd32(p + 4 * i);
        k *= c1; k = rotl32(k, 15); k *= c2;
        h ^= k; h = rotl32(h, 13); h = h * 5 + 0xe6546b64u;
    }
    const uint8_t *tail = p + blocks * 4;
    uint32_t k = 0;
    switch (len & 3) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8; /* fall through */
    case 1: k ^= tail[0]; k *= c1; k = rotl32(k, 15); k *= c2; h ^= k;
    }
    h ^= (uint32_t)len;
    h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
    return h;
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 20) << 20;
    uint8_t *buf = malloc(n + 64);
    uint64_t x = 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < n + 64; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (uint8_t)(x >> 32); }
    uint64_t acc64 = 0; uint32_t acc32 = 0;
    /* whole-buffer hashes at a few offsets (unaligned reads) */
    for (int r = 0; r < 8; r++) { acc64 ^= hash64(buf + r, n - (size_t)r * 3, (uint64_t)r); acc32 += hash32(buf + r, n - (size_t)r, (uint32_t)r); }
    /* many short keys, as a hash table would see them */
    uint32_t s = 7; uint64_t kacc = 0;
    size_t keys = n / 8;
    for (size_t i = 0; i < keys; i++) {
        s = s * 1103515245u + 12345u;
        size_t off = (s >> 8) % n, len = 1 + (s >> 4) % 48;
        kacc += hash64(buf + off, len, 0) ^ hash32(buf + off, len, 0x9747b28cu);
    }
    printf("checksum %016llx %08x %016llx\n", (unsigned long long)acc64, acc32, (unsigned long long)kacc);
    free(buf);
    return 0;
}
