/* SYRK with compile-time dimensions: lower triangle of C = alpha*A*A^T + beta*C, static N x M
   arrays; the triangular loop bounds of symmetric BLAS-3 kernels. Arg: repetitions. */
#include <stdio.h>
#include <stdlib.h>
#define N 280
#define M 240
static double A[N][M], C[N][N];
int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 140;
    unsigned s = 77;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < M; k++) { s = s * 1664525u + 1013904223u; A[i][k] = (double)(s >> 21) / 2048.0 - 0.25; }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) C[i][j] = (double)((i + j) % 13) / 13.0;
    const double alpha = 1.5 / M, beta = 0.5;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < N; i++) {
            for (int j = 0; j <= i; j++) C[i][j] *= beta;
            for (int k = 0; k < M; k++) {
                double t = alpha * A[i][k];
                for (int j = 0; j <= i; j++) C[i][j] += t * A[j][k];
            }
        }
        A[(r * 7) % N][r % M] -= 0.125;
    }
    double sum = 0, diag = 0;
    for (int i = 0; i < N; i++) {
        diag += C[i][i];
        for (int j = 0; j <= i; j++) sum += C[i][j] * (double)((i ^ j) % 7 + 1);
    }
    printf("checksum %.6e %.6e\n", sum, diag);
    return 0;
}
