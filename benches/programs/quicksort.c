/* Quicksort (median of three, insertion sort below 16) of pseudo-random ints, repeated. Arg: N (thousands). */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
static void isort(int32_t *a, int n) {
    for (int i = 1; i < n; i++) { int32_t v = a[i]; int j = i - 1; while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; } a[j + 1] = v; }
}
static void qs(int32_t *a, int n) {
    while (n > 16) {
        int32_t x = a[0], y = a[n / 2], z = a[n - 1];
        int32_t piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int i = 0, j = n - 1;
        for (;;) {
            while (a[i] < piv) i++;
            while (a[j] > piv) j--;
            if (i >= j) break;
            int32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--;
        }
        if (j + 1 < n - j - 1) { qs(a, j + 1); a += j + 1; n -= j + 1; } else { qs(a + j + 1, n - j - 1); n = j + 1; }
    }
    isort(a, n);
}
int main(int argc, char **argv) {
    int n = (argc > 1 ? atoi(argv[1]) : 3000) * 1000;
    int32_t *a = malloc(sizeof(int32_t) * n);
    uint32_t s = 42, h = 0;
    for (int rep = 0; rep < 4; rep++) {
        for (int i = 0; i < n; i++) { s = s * 1664525u + 1013904223u; a[i] = (int32_t)(s >> 1) % (n * (rep + 1)); }
        qs(a, n);
        for (int i = 1; i < n; i++) if (a[i - 1] > a[i]) { printf("not sorted\n"); return 1; }
        for (int i = 0; i < n; i += 997) h = h * 31u + (uint32_t)a[i];
    }
    printf("checksum %u\n", h);
    return 0;
}
