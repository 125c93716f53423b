/* 2mm with compile-time dimensions: D = alpha*A*B*C + beta*D through a temporary (two chained
   matrix products over static arrays of different fixed shapes). Arg: repetitions. */
#include <stdio.h>
#include <stdlib.h>
#define NI 180
#define NJ 190
#define NK 210
#define NL 220
static double A[NI][NK], B[NK][NJ], C[NJ][NL], D[NI][NL], tmp[NI][NJ];
int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 70;
    unsigned s = 31337;
#define RND() (s = s * 1664525u + 1013904223u, (double)(s >> 20) / 4096.0)
    for (int i = 0; i < NI; i++) for (int k = 0; k < NK; k++) A[i][k] = RND();
    for (int k = 0; k < NK; k++) for (int j = 0; j < NJ; j++) B[k][j] = RND() - 0.5;
    for (int j = 0; j < NJ; j++) for (int l = 0; l < NL; l++) C[j][l] = RND();
    for (int i = 0; i < NI; i++) for (int l = 0; l < NL; l++) D[i][l] = (double)((i * 3 + l) % 11) / 11.0;
    const double alpha = 1.0 / NK, beta = 0.25;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < NI; i++)
            for (int j = 0; j < NJ; j++) {
                double acc = 0.0;
                for (int k = 0; k < NK; k++) acc += alpha * A[i][k] * B[k][j];
                tmp[i][j] = acc;
            }
        for (int i = 0; i < NI; i++) {
            for (int l = 0; l < NL; l++) D[i][l] *= beta;
            for (int j = 0; j < NJ; j++) {
                double t = tmp[i][j] * (1.0 / NJ);
                for (int l = 0; l < NL; l++) D[i][l] += t * C[j][l];
            }
        }
        B[r % NK][(r * 5) % NJ] += 0.25;
    }
    double sum = 0;
    for (int i = 0; i < NI; i++) for (int l = 0; l < NL; l++) sum += D[i][l] * (double)((i + l) % 3 + 1);
    printf("checksum %.6e %.6e\n", sum, D[NI - 1][NL / 2]);
    return 0;
}
