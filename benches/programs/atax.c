/* Matrix-vector kernels with compile-time dimensions: a gemver-style rank-2 update of a static
   M x N matrix, then power iteration with ATAX (y = A^T (A x)): row-order and column-order
   matrix-vector products over the same array. Arg: iterations. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#define M 1100
#define N 1000
static double A[M][N], x[N], y[N], tmp[M], u1[M], v1[N], u2[M], v2[N];
int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 400;
    unsigned s = 1234567;
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) { s = s * 1664525u + 1013904223u; A[i][j] = (double)(s >> 20) / 4096.0 - 0.3; }
        u1[i] = (double)(i % 7) / 7.0; u2[i] = (double)((i * 3) % 11) / 11.0;
    }
    for (int j = 0; j < N; j++) { v1[j] = 1.0 / (j + 1); v2[j] = (double)(j % 5) * 0.01; x[j] = 1.0; }
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) A[i][j] += u1[i] * v1[j] + u2[i] * v2[j];
    double lambda = 0;
    for (int it = 0; it < iters; it++) {
        for (int i = 0; i < M; i++) {
            double t = 0;
            for (int j = 0; j < N; j++) t += A[i][j] * x[j];
            tmp[i] = t;
        }
        for (int j = 0; j < N; j++) y[j] = 0;
        for (int i = 0; i < M; i++) {
            double t = tmp[i];
            for (int j = 0; j < N; j++) y[j] += A[i][j] * t;
        }
        double mx = 0;
        for (int j = 0; j < N; j++) if (fabs(y[j]) > mx) mx = fabs(y[j]);
        lambda = mx;
        for (int j = 0; j < N; j++) x[j] = y[j] / mx;
    }
    double sum = 0;
    for (int j = 0; j < N; j++) sum += x[j] * (double)(j % 4 + 1);
    printf("checksum %.6e %.6e\n", lambda, sum);
    return 0;
}
