/* Gauss-Seidel 2-D 9-point stencil updated in place on a static N x N grid with a compile-time N
   (PolyBench seidel-2d shape): every point reads values already updated in the same sweep, so the
   loop carries a dependence and cannot be vectorized. Arg: sweeps. */
#include <stdio.h>
#include <stdlib.h>
#define N 800
static double A[N][N];
int main(int argc, char **argv) {
    int sweeps = argc > 1 ? atoi(argv[1]) : 90;
    unsigned s = 1357;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            A[i][j] = (double)(s >> 16) / 65536.0 + ((double)i * (j + 2) + 2) / N;
        }
    for (int t = 0; t < sweeps; t++)
        for (int i = 1; i <= N - 2; i++)
            for (int j = 1; j <= N - 2; j++)
                A[i][j] = (A[i - 1][j - 1] + A[i - 1][j] + A[i - 1][j + 1] + A[i][j - 1] + A[i][j] + A[i][j + 1] +
                           A[i + 1][j - 1] + A[i + 1][j] + A[i + 1][j + 1]) / 9.0;
    double sum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) sum += A[i][j] * (double)((i * 3 + j) % 4 + 1);
    printf("checksum %.6e %.6e\n", sum, A[N / 3][N / 2]);
    return 0;
}
