/* 2-D finite-difference time-domain (FDTD) electromagnetics kernel: ex, ey, hz fields on static
   NX x NY grids with compile-time dimensions updated in turn each step, with a source row
   (PolyBench fdtd-2d shape). Arg: time steps. */
#include <stdio.h>
#include <stdlib.h>
#define NX 900
#define NY 1000
static double ex[NX][NY], ey[NX][NY], hz[NX][NY];
int main(int argc, char **argv) {
    int tmax = argc > 1 ? atoi(argv[1]) : 320;
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NY; j++) {
            ex[i][j] = ((double)i * (j + 1)) / NX;
            ey[i][j] = ((double)i * (j + 2)) / NY;
            hz[i][j] = ((double)i * (j + 3)) / NX;
        }
    for (int t = 0; t < tmax; t++) {
        for (int j = 0; j < NY; j++) ey[0][j] = (double)t;
        for (int i = 1; i < NX; i++)
            for (int j = 0; j < NY; j++) ey[i][j] = ey[i][j] - 0.5 * (hz[i][j] - hz[i - 1][j]);
        for (int i = 0; i < NX; i++)
            for (int j = 1; j < NY; j++) ex[i][j] = ex[i][j] - 0.5 * (hz[i][j] - hz[i][j - 1]);
        for (int i = 0; i < NX - 1; i++)
            for (int j = 0; j < NY - 1; j++)
                hz[i][j] = hz[i][j] - 0.7 * (ex[i][j + 1] - ex[i][j] + ey[i + 1][j] - ey[i][j]);
    }
    double sum = 0;
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NY; j++) sum += hz[i][j] * (double)((i + j) % 4 + 1) + ex[i][j] - ey[i][j];
    printf("checksum %.6e %.6e\n", sum, hz[NX / 2][NY / 2]);
    return 0;
}
