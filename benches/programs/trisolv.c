/* Triangular solve L*x = b by forward substitution over a static lower-triangular N x N matrix
   with a compile-time N, for a chain of right-hand sides (each derived from the previous solution);
   the memory-bound matrix-vector shape. Arg: number of solves. */
#include <stdio.h>
#include <stdlib.h>
#define N 1200
static double L[N][N], x[N], b[N];
int main(int argc, char **argv) {
    int solves = argc > 1 ? atoi(argv[1]) : 700;
    unsigned s = 8675309;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < i; j++) { s = s * 1664525u + 1013904223u; L[i][j] = ((double)(s >> 20) / 4096.0 - 0.5) / N; }
        L[i][i] = 1.0 + (double)(i % 9) / 8.0;
        b[i] = (double)(i % 17) - 8.0;
    }
    double acc = 0;
    for (int r = 0; r < solves; r++) {
        for (int i = 0; i < N; i++) {
            double t = b[i];
            for (int j = 0; j < i; j++) t -= L[i][j] * x[j];
            x[i] = t / L[i][i];
        }
        for (int i = 0; i < N; i++) b[i] = 0.5 * x[i] + (double)((i + r) % 5);
        acc += x[r % N] + x[N - 1];
    }
    double sum = 0;
    for (int i = 0; i < N; i++) sum += x[i] * (double)(i % 3 + 1);
    printf("checksum %.6e %.6e\n", acc, sum);
    return 0;
}
