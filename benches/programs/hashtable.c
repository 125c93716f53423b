/* Open-addressing hash table (linear probing, string keys) inserts, updates and lookups. Arg: keys (thousands). */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
struct entry { char key[24]; uint32_t hash; int32_t value; };
static uint32_t fnv(const char *s) { uint32_t h = 2166136261u; while (*s) h = (h ^ (uint8_t)*s++) * 16777619u; return h; }
static void mkkey(char *buf, uint32_t x) {
    static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
    int n = 0; buf[n++] = 'k';
    do { buf[n++] = digits[x & 31]; x >>= 5; } while (x);
    buf[n] = 0;
}
int main(int argc, char **argv) {
    int n = (argc > 1 ? atoi(argv[1]) : 800) * 1000;
    size_t cap = 1; while (cap < (size_t)n * 2) cap <<= 1;
    struct entry *t = calloc(cap, sizeof *t);
    char key[24];
    uint32_t s = 1, found = 0, sum = 0;
    for (int round = 0; round < 3; round++) {
        s = 1;
        for (int i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            mkkey(key, s % (uint32_t)(n * 2));
            uint32_t h = fnv(key);
            size_t j = h & (cap - 1);
            while (t[j].key[0] && (t[j].hash != h || strcmp(t[j].key, key))) j = (j + 1) & (cap - 1);
            if (!t[j].key[0]) { strcpy(t[j].key, key); t[j].hash = h; }
            t[j].value += i;
        }
        for (uint32_t x = 0; x < (uint32_t)n * 2; x += 1) {
            mkkey(key, x * 7u % (uint32_t)(n * 2));
            uint32_t h = fnv(key);
            size_t j = h & (cap - 1);
            while (t[j].key[0] && (t[j].hash != h || strcmp(t[j].key, key))) j = (j + 1) & (cap - 1);
            if (t[j].key[0]) { found++; sum = sum * 31u + (uint32_t)t[j].value; }
        }
    }
    printf("checksum %u %u\n", found, sum);
    return 0;
}
