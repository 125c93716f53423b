/* Dense double matrix multiply C = A*B (i-k-j loop order), N x N. Arg: N. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1200;
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = calloc((size_t)n * n, sizeof(double));
    unsigned s = 12345;
    for (int i = 0; i < n * n; i++) {
        s = s * 1103515245u + 12345u; a[i] = (double)((s >> 16) % 1000) / 1000.0;
        s = s * 1103515245u + 12345u; b[i] = (double)((s >> 16) % 1000) / 1000.0;
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    double sum = 0;
    for (int i = 0; i < n * n; i++) sum += c[i] * (double)(i % 7 + 1);
    printf("checksum %.6f\n", sum);
    return 0;
}
