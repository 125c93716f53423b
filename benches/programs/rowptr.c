/* Matrices as arrays of row pointers (double **, each row malloc'ed separately) and as C99
   variably modified 2-D arrays (double (*)[m] parameters): a row-pointer matrix product and a
   VLA-typed 5-point smoothing pass, alternating; the shape of Numerical-Recipes-style and modern
   C99 numeric code whose strides are run-time values. Arg: n. */
#include <stdio.h>
#include <stdlib.h>
static double **alloc_rows(int n, int m) {
    double **r = malloc(sizeof(double *) * n);
    for (int i = 0; i < n; i++) r[i] = malloc(sizeof(double) * m);
    return r;
}
static void free_rows(double **r, int n) { for (int i = 0; i < n; i++) free(r[i]); free(r); }
static void mul_rows(int n, double **c, double **a, double **b) {
    for (int i = 0; i < n; i++) {
        double *ci = c[i];
        for (int j = 0; j < n; j++) ci[j] = 0;
        for (int k = 0; k < n; k++) {
            double aik = a[i][k];
            const double *bk = b[k];
            for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
        }
    }
}
static void smooth(int n, int m, double (*restrict dst)[m], const double (*restrict src)[m]) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double up = i > 0 ? src[i - 1][j] : src[i][j], down = i < n - 1 ? src[i + 1][j] : src[i][j];
            double left = j > 0 ? src[i][j - 1] : src[i][j], right = j < m - 1 ? src[i][j + 1] : src[i][j];
            dst[i][j] = 0.5 * src[i][j] + 0.125 * (up + down + left + right);
        }
}
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 400;
    double **a = alloc_rows(n, n), **b = alloc_rows(n, n), **c = alloc_rows(n, n);
    double (*g)[n] = malloc(sizeof(double[n][n])), (*h)[n] = malloc(sizeof(double[n][n]));
    unsigned s = 424242;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            s = s * 1664525u + 1013904223u; a[i][j] = (double)(s >> 20) / 4096.0 / n * 1.9;
            s = s * 1664525u + 1013904223u; b[i][j] = (double)(s >> 20) / 4096.0;
        }
    double acc = 0;
    for (int r = 0; r < 30; r++) {
        mul_rows(n, c, a, b);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) g[i][j] = c[i][j];
        for (int sweep = 0; sweep < 20; sweep++) {
            smooth(n, n, h, (const double (*)[n])g);
            smooth(n, n, g, (const double (*)[n])h);
        }
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) b[i][j] = g[i][j];
        acc += b[r % n][(r * 7) % n];
    }
    double sum = 0;
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sum += b[i][j] * (double)((i + j) % 3 + 1);
    printf("checksum %.6e %.6e\n", sum, acc);
    free_rows(a, n); free_rows(b, n); free_rows(c, n); free(g); free(h);
    return 0;
}
