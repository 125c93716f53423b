/* LU decomposition with partial pivoting (row swaps, fabs pivot search) of a malloc'ed n x n
   matrix indexed a[i*n+j] with n known only at run time, then solves for several right-hand sides;
   the shape of LAPACK-style dgetrf/dgetrs code. Arg: n. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
static int lu_factor(int n, double *a, int *piv) {
    for (int k = 0; k < n; k++) {
        int p = k;
        double best = fabs(a[(size_t)k * n + k]);
        for (int i = k + 1; i < n; i++) {
            double v = fabs(a[(size_t)i * n + k]);
            if (v > best) { best = v; p = i; }
        }
        piv[k] = p;
        if (best == 0.0) return -1;
        if (p != k) {
            double *rk = a + (size_t)k * n, *rp = a + (size_t)p * n;
            for (int j = 0; j < n; j++) { double t = rk[j]; rk[j] = rp[j]; rp[j] = t; }
        }
        const double *rk = a + (size_t)k * n;
        double inv = 1.0 / rk[k];
        for (int i = k + 1; i < n; i++) {
            double *ri = a + (size_t)i * n;
            double l = ri[k] * inv;
            ri[k] = l;
            for (int j = k + 1; j < n; j++) ri[j] -= l * rk[j];
        }
    }
    return 0;
}
static void lu_solve(int n, const double *a, const int *piv, double *x) {
    for (int k = 0; k < n; k++) if (piv[k] != k) { double t = x[k]; x[k] = x[piv[k]]; x[piv[k]] = t; }
    for (int i = 0; i < n; i++) {
        double t = x[i];
        for (int j = 0; j < i; j++) t -= a[(size_t)i * n + j] * x[j];
        x[i] = t;
    }
    for (int i = n - 1; i >= 0; i--) {
        double t = x[i];
        for (int j = i + 1; j < n; j++) t -= a[(size_t)i * n + j] * x[j];
        x[i] = t / a[(size_t)i * n + i];
    }
}
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1500;
    double *a = malloc(sizeof(double) * (size_t)n * n), *x = malloc(sizeof(double) * n);
    int *piv = malloc(sizeof(int) * n);
    unsigned s = 271828;
    for (size_t i = 0; i < (size_t)n * n; i++) { s = s * 1664525u + 1013904223u; a[i] = (double)(s >> 20) / 4096.0 - 0.5; }
    if (lu_factor(n, a, piv)) { printf("singular\n"); return 1; }
    double acc = 0;
    for (int r = 0; r < 8; r++) {
        for (int i = 0; i < n; i++) x[i] = (double)((i * (r + 1)) % 13) - 6.0;
        lu_solve(n, a, piv, x);
        for (int i = 0; i < n; i++) acc += x[i] * (double)(i % 5 + 1);
    }
    double det_log2 = 0; int swaps = 0;
    for (int k = 0; k < n; k++) {
        int e; frexp(a[(size_t)k * n + k], &e); det_log2 += e;
        swaps += piv[k] != k;
    }
    printf("checksum %.6e %d %.0f\n", acc, swaps, det_log2);
    free(a); free(x); free(piv);
    return 0;
}
