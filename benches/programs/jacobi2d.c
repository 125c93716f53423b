/* Jacobi 2-D 5-point stencil on static N x N double grids with a compile-time N, ping-ponging
   between two arrays (PolyBench jacobi-2d shape). Arg: time steps. */
#include <stdio.h>
#include <stdlib.h>
#define N 1000
static double A[N][N], B[N][N];
int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 400;
    unsigned s = 2468;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            A[i][j] = B[i][j] = (double)(s >> 16) / 65536.0 + (double)i * (j + 2) / N;
        }
    for (int t = 0; t < steps; t++) {
        for (int i = 1; i < N - 1; i++)
            for (int j = 1; j < N - 1; j++) B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][j + 1] + A[i + 1][j] + A[i - 1][j]);
        for (int i = 1; i < N - 1; i++)
            for (int j = 1; j < N - 1; j++) A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][j + 1] + B[i + 1][j] + B[i - 1][j]);
    }
    double sum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) sum += A[i][j] * (double)((i + j) % 3 + 1);
    printf("checksum %.6e %.6e\n", sum, A[N / 2][N / 3]);
    return 0;
}
