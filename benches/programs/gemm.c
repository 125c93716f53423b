/* GEMM with compile-time dimensions: C = alpha*A*B + beta*C on static NI x NK x NJ arrays
   (i-k-j order), the shape of fixed-size numeric kernels (PolyBench-style). Arg: repetitions. */
#include <stdio.h>
#include <stdlib.h>
#define NI 240
#define NJ 264
#define NK 256
static double A[NI][NK], B[NK][NJ], C[NI][NJ];
int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 150;
    unsigned s = 2024;
    for (int i = 0; i < NI; i++)
        for (int k = 0; k < NK; k++) { s = s * 1664525u + 1013904223u; A[i][k] = (double)(s >> 22) / 1024.0; }
    for (int k = 0; k < NK; k++)
        for (int j = 0; j < NJ; j++) { s = s * 1664525u + 1013904223u; B[k][j] = (double)(s >> 22) / 1024.0 - 0.5; }
    for (int i = 0; i < NI; i++)
        for (int j = 0; j < NJ; j++) C[i][j] = (double)((i * j) % 17) / 17.0;
    const double alpha = 1.0 / NK, beta = 0.75;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < NI; i++) {
            for (int j = 0; j < NJ; j++) C[i][j] *= beta;
            for (int k = 0; k < NK; k++) {
                double t = alpha * A[i][k];
                for (int j = 0; j < NJ; j++) C[i][j] += t * B[k][j];
            }
        }
        A[r % NI][r % NK] += 0.5; /* keep every repetition distinct */
    }
    double sum = 0;
    for (int i = 0; i < NI; i++)
        for (int j = 0; j < NJ; j++) sum += C[i][j] * (double)((i + 2 * j) % 5 + 1);
    printf("checksum %.6e %.6e\n", sum, C[NI / 2][NJ / 3]);
    return 0;
}
