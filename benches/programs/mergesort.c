/* Merge sort: recursive top-down sort of int32 arrays (insertion sort below 24 elements, a
   skipped merge when the halves are already in order) and a stable merge sort of records by a
   string key through pointers with strcmp; the shape of library sort routines. Arg: thousands of elements. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static void msort_int(int32_t *a, int32_t *tmp, size_t n) {
    if (n <= 24) {
        for (size_t i = 1; i < n; i++) { int32_t v = a[i]; size_t j = i; while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; } a[j] = v; }
        return;
    }
    size_t h = n / 2;
    msort_int(a, tmp, h); msort_int(a + h, tmp, n - h);
    if (a[h - 1] <= a[h]) return;
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) a[k++] = tmp[i] <= a[j] ? tmp[i++] : a[j++];
    while (i < h) a[k++] = tmp[i++];
}
struct rec { const char *name; int32_t id; };
static void msort_rec(struct rec **a, struct rec **tmp, size_t n) {
    if (n < 2) return;
    size_t h = n / 2;
    msort_rec(a, tmp, h); msort_rec(a + h, tmp, n - h);
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) a[k++] = strcmp(tmp[i]->name, a[j]->name) <= 0 ? tmp[i++] : a[j++];
    while (i < h) a[k++] = tmp[i++];
}
int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 1300) * 1000;
    int32_t *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
    uint32_t s = 606;
    uint64_t sum = 0; uint32_t bad = 0, h = 0;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            /* round 1 is partly presorted runs, the others random */
            a[i] = round == 1 && (i / 1000) % 2 ? (int32_t)i : (int32_t)(s >> 1) - (1 << 30);
        }
        msort_int(a, tmp, n);
        for (size_t i = 1; i < n; i++) bad += a[i - 1] > a[i];
        for (size_t i = 0; i < n; i += n / 100 + 1) sum += (uint32_t)a[i];
    }
    size_t m = n / 4;
    char *names = malloc(m * 12);
    struct rec *recs = malloc(m * sizeof *recs), **ptr = malloc(m * sizeof *ptr), **ptmp = malloc(m * sizeof *ptr);
    for (size_t i = 0; i < m; i++) {
        char *p = names + i * 12;
        s = s * 1103515245u + 12345u;
        int len = 3 + (s >> 16) % 8;
        for (int k = 0; k < len; k++) { s = s * 1103515245u + 12345u; p[k] = (char)('a' + (s >> 16) % (k < 2 ? 4 : 26)); }
        p[len] = 0;
        recs[i].name = p; recs[i].id = (int32_t)i; ptr[i] = &recs[i];
    }
    msort_rec(ptr, ptmp, m);
    for (size_t i = 1; i < m; i++) {
        int c = strcmp(ptr[i - 1]->name, ptr[i]->name);
        bad += c > 0 || (c == 0 && ptr[i - 1]->id > ptr[i]->id); /* stability */
    }
    for (size_t i = 0; i < m; i += 97) h = (h ^ (uint32_t)ptr[i]->id) * 16777619u;
    printf("checksum %llu %08x %u\n", (unsigned long long)sum, h, bad);
    return 0;
}
