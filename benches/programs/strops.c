/* String building and searching: words joined into lines, naive and Horspool substring search,
   in-place reversal and a word count. Arg: KiB of text. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static size_t horspool(const char *t, size_t n, const char *p, size_t m) {
    size_t skip[256], count = 0;
    for (int i = 0; i < 256; i++) skip[i] = m;
    for (size_t i = 0; i + 1 < m; i++) skip[(uint8_t)p[i]] = m - 1 - i;
    for (size_t i = 0; i + m <= n; i += skip[(uint8_t)t[i + m - 1]])
        if (memcmp(t + i, p, m) == 0) count++;
    return count;
}
static size_t naive(const char *t, size_t n, const char *p, size_t m) {
    size_t count = 0;
    for (size_t i = 0; i + m <= n; i++) { size_t j = 0; while (j < m && t[i + j] == p[j]) j++; if (j == m) count++; }
    return count;
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 16384) << 10;
    static const char *syll[] = {"ka", "ri", "to", "ne", "mu", "sa", "lo", "pe", "zi", "qua"};
    char *t = malloc(n + 16);
    uint32_t s = 11; size_t p = 0;
    while (p < n) {
        s = s * 1103515245u + 12345u;
        int k = 1 + (s >> 16) % 4;
        for (int i = 0; i < k && p < n; i++) { const char *y = syll[(s >> (4 + 3 * i)) % 10]; while (*y && p < n) t[p++] = *y++; }
        if (p < n) t[p++] = (s >> 30) ? ' ' : '\n';
    }
    t[n] = 0;
    static const char *pats[] = {"karito", "ne mu", "quaqua", "sa lo pe", "zi\nka", "torine"};
    uint32_t h = 0;
    for (int rep = 0; rep < 3; rep++) {
        for (int i = 0; i < 6; i++) {
            size_t a = horspool(t, n, pats[i], strlen(pats[i])), b = naive(t, n, pats[i], strlen(pats[i]));
            if (a != b) { printf("MISMATCH\n"); return 1; }
            h = h * 31u + (uint32_t)a;
        }
        for (size_t i = 0, j = n - 1; i < j; i++, j--) { char c = t[i]; t[i] = t[j]; t[j] = c; }
        size_t words = 0; int in = 0;
        for (size_t i = 0; i < n; i++) { int sp = t[i] == ' ' || t[i] == '\n'; if (!sp && !in) words++; in = !sp; }
        h = h * 31u + (uint32_t)words;
    }
    printf("checksum %u\n", h);
    return 0;
}
