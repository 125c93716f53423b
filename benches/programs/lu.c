/* LU decomposition (Doolittle, no pivoting, in place) of a diagonally dominant static N x N matrix
   with a compile-time N, then forward/back substitution; dense factorization code. Arg: repetitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define N 400
static double A0[N][N], A[N][N], b[N], y[N], x[N];
int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 100;
    unsigned s = 4242;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) { s = s * 1664525u + 1013904223u; A0[i][j] = (double)(s >> 20) / 4096.0 - 0.5; }
        A0[i][i] += N;
        b[i] = (double)(i % 10) - 4.5;
    }
    double acc = 0;
    for (int r = 0; r < reps; r++) {
        memcpy(A, A0, sizeof A);
        A[r % N][(r * 3) % N] += 1.0;
        for (int k = 0; k < N; k++) {
            double inv = 1.0 / A[k][k];
            for (int i = k + 1; i < N; i++) {
                double l = A[i][k] * inv;
                A[i][k] = l;
                for (int j = k + 1; j < N; j++) A[i][j] -= l * A[k][j];
            }
        }
        for (int i = 0; i < N; i++) {
            double t = b[i];
            for (int j = 0; j < i; j++) t -= A[i][j] * y[j];
            y[i] = t;
        }
        for (int i = N - 1; i >= 0; i--) {
            double t = y[i];
            for (int j = i + 1; j < N; j++) t -= A[i][j] * x[j];
            x[i] = t / A[i][i];
        }
        for (int i = 0; i < N; i++) acc += x[i] * (double)(i % 7 + 1);
    }
    double tr = 0;
    for (int i = 0; i < N; i++) tr += A[i][i] + A[i][(i * 13) % N];
    printf("checksum %.6e %.6e\n", acc, tr);
    return 0;
}
