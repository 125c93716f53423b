/* Cholesky factorization A = L*L^T (in place, lower triangle, sqrt on the diagonal) of a symmetric
   positive definite static N x N matrix with a compile-time N; dense factorization code. Arg: repetitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#define N 500
static double A0[N][N], A[N][N];
int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 32;
    unsigned s = 99991;
    for (int i = 0; i < N; i++)
        for (int j = 0; j <= i; j++) {
            s = s * 1664525u + 1013904223u;
            A0[i][j] = A0[j][i] = (double)(s >> 20) / 4096.0 - 0.5;
        }
    for (int i = 0; i < N; i++) A0[i][i] += 2.0 * N;
    double acc = 0;
    for (int r = 0; r < reps; r++) {
        memcpy(A, A0, sizeof A);
        A[r % N][r % N] += 3.0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < i; j++) {
                double t = A[i][j];
                for (int k = 0; k < j; k++) t -= A[i][k] * A[j][k];
                A[i][j] = t / A[j][j];
            }
            double d = A[i][i];
            for (int k = 0; k < i; k++) d -= A[i][k] * A[i][k];
            A[i][i] = sqrt(d);
        }
        for (int i = 0; i < N; i++)
            for (int j = 0; j <= i; j++) acc += A[i][j] * (double)((i + j) % 5 + 1);
    }
    printf("checksum %.6e %.6e\n", acc, A[N - 1][N - 1]);
    return 0;
}
