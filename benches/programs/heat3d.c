/* Heat equation 3-D 7-point stencil on static N^3 double grids with a compile-time N, ping-ponging
   between two arrays (PolyBench heat-3d shape): triple loop nests with three strides. Arg: time steps. */
#include <stdio.h>
#include <stdlib.h>
#define N 100
static double A[N][N][N], B[N][N][N];
int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 170;
    unsigned s = 97531;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            for (int k = 0; k < N; k++) {
                s = s * 1664525u + 1013904223u;
                A[i][j][k] = B[i][j][k] = (double)(i + j + (N - k)) * 10 / N + (double)(s >> 16) / 65536.0;
            }
    for (int t = 0; t < steps; t++) {
        for (int i = 1; i < N - 1; i++)
            for (int j = 1; j < N - 1; j++)
                for (int k = 1; k < N - 1; k++)
                    B[i][j][k] = 0.125 * (A[i + 1][j][k] - 2.0 * A[i][j][k] + A[i - 1][j][k]) +
                                 0.125 * (A[i][j + 1][k] - 2.0 * A[i][j][k] + A[i][j - 1][k]) +
                                 0.125 * (A[i][j][k + 1] - 2.0 * A[i][j][k] + A[i][j][k - 1]) + A[i][j][k];
        for (int i = 1; i < N - 1; i++)
            for (int j = 1; j < N - 1; j++)
                for (int k = 1; k < N - 1; k++)
                    A[i][j][k] = 0.125 * (B[i + 1][j][k] - 2.0 * B[i][j][k] + B[i - 1][j][k]) +
                                 0.125 * (B[i][j + 1][k] - 2.0 * B[i][j][k] + B[i][j - 1][k]) +
                                 0.125 * (B[i][j][k + 1] - 2.0 * B[i][j][k] + B[i][j][k - 1]) + B[i][j][k];
    }
    double sum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            for (int k = 0; k < N; k++) sum += A[i][j][k] * (double)((i + 2 * j + 3 * k) % 5 + 1);
    printf("checksum %.6e %.6e\n", sum, A[N / 2][N / 3][N / 4]);
    return 0;
}
