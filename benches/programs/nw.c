/* Needleman-Wunsch global sequence alignment with integer scores (substitution matrix, linear gap
   penalty): full dynamic-programming score matrix, then a traceback; aligns a batch of generated
   DNA-like sequence pairs. Arg: sequence length. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
static const int8_t SUB[4][4] = {{5, -4, -2, -4}, {-4, 5, -4, -2}, {-2, -4, 5, -4}, {-4, -2, -4, 5}};
#define GAP (-6)
static uint32_t rs = 1;
static uint32_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 17; rs ^= rs << 5; return rs; }
static int32_t align(const uint8_t *a, int n, const uint8_t *b, int m, int32_t *H, int *matches, int *gaps) {
    int w = m + 1;
    for (int j = 0; j <= m; j++) H[j] = j * GAP;
    for (int i = 1; i <= n; i++) {
        int32_t *row = H + (size_t)i * w, *up = row - w;
        row[0] = i * GAP;
        const int8_t *sub = SUB[a[i - 1]];
        for (int j = 1; j <= m; j++) {
            int32_t diag = up[j - 1] + sub[b[j - 1]];
            int32_t del = up[j] + GAP, ins = row[j - 1] + GAP;
            int32_t best = diag > del ? diag : del;
            row[j] = best > ins ? best : ins;
        }
    }
    int i = n, j = m; *matches = 0; *gaps = 0;
    while (i > 0 && j > 0) {
        int32_t h = H[(size_t)i * w + j];
        if (h == H[(size_t)(i - 1) * w + j - 1] + SUB[a[i - 1]][b[j - 1]]) { *matches += a[i - 1] == b[j - 1]; i--; j--; }
        else if (h == H[(size_t)(i - 1) * w + j] + GAP) { i--; ++*gaps; }
        else { j--; ++*gaps; }
    }
    *gaps += i + j;
    return H[(size_t)n * w + m];
}
int main(int argc, char **argv) {
    int len = argc > 1 ? atoi(argv[1]) : 3000;
    int pairs = 50;
    uint8_t *a = malloc(len + 64), *b = malloc(len + 64);
    int32_t *H = malloc(sizeof(int32_t) * (size_t)(len + 65) * (len + 65));
    int64_t total = 0; uint32_t h = 0;
    for (int p = 0; p < pairs; p++) {
        int n = len - (int)(rnd() % 32), m = len - (int)(rnd() % 32);
        for (int i = 0; i < n; i++) a[i] = rnd() % 4;
        /* b is a mutated copy of a: substitutions, insertions and deletions */
        int j = 0;
        for (int i = 0; i < n && j < m; i++) {
            uint32_t r = rnd() % 100;
            if (r < 8) b[j++] = rnd() % 4;
            else if (r < 11) { if (j < m) b[j++] = a[i]; if (j < m) b[j++] = rnd() % 4; }
            else if (r < 14) continue;
            else b[j++] = a[i];
        }
        while (j < m) b[j++] = rnd() % 4;
        int matches, gaps;
        int32_t score = align(a, n, b, m, H, &matches, &gaps);
        total += score;
        h = (h * 31u + (uint32_t)score) * 31u + (uint32_t)(matches * 65536 + gaps);
    }
    printf("checksum %lld %08x\n", (long long)total, h);
    free(a); free(b); free(H);
    return 0;
}
