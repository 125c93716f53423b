/* 1-D 3-point stencil in single precision: two float arrays swapped every time step (explicit
   diffusion with fixed ends plus a source term), the shape of 1-D solvers and signal filters. Arg: time steps. */
#include <stdio.h>
#include <stdlib.h>
#define LEN (1 << 18)
int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 9000;
    float *a = malloc(sizeof(float) * LEN), *b = malloc(sizeof(float) * LEN);
    unsigned s = 17;
    for (int i = 0; i < LEN; i++) { s = s * 1664525u + 1013904223u; a[i] = (float)(s >> 16) / 65536.0f; }
    b[0] = a[0]; b[LEN - 1] = a[LEN - 1];
    double probe = 0;
    for (int t = 0; t < steps; t++) {
        float src = (float)(t % 64) * (1.0f / 64.0f);
        for (int i = 1; i < LEN - 1; i++) b[i] = 0.33333f * (a[i - 1] + a[i] + a[i + 1]);
        b[LEN / 2] += src;
        float *tmp = a; a = b; b = tmp;
        probe += a[LEN / 2 + t % 100];
    }
    double sum = 0;
    for (int i = 0; i < LEN; i++) sum += (double)a[i] * (double)(i % 9 + 1);
    printf("checksum %.6e %.6e\n", sum, probe);
    free(a); free(b);
    return 0;
}
