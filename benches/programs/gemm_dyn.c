/* GEMM with run-time dimensions, BLAS dgemm style: C = alpha*op(A)*B + beta*C on malloc'ed
   row-major blocks addressed a[i*lda+j] with leading dimensions wider than the operands
   (sub-matrix views), both for A and A^T; dimensions known only at run time. Arg: N (sizes derive from it). */
#include <stdio.h>
#include <stdlib.h>
static void dgemm(int trans_a, int m, int n, int k, double alpha, const double *a, int lda,
                  const double *b, int ldb, double beta, double *c, int ldc) {
    for (int i = 0; i < m; i++) {
        double *ci = c + (size_t)i * ldc;
        if (beta != 1.0) for (int j = 0; j < n; j++) ci[j] *= beta;
        for (int p = 0; p < k; p++) {
            double t = alpha * (trans_a ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p]);
            const double *bp = b + (size_t)p * ldb;
            for (int j = 0; j < n; j++) ci[j] += t * bp[j];
        }
    }
}
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 400;
    int m = n - n / 8, k = n + n / 16, ld = n + 13;
    int rows = k > n ? k : n;
    double *a = malloc(sizeof(double) * (size_t)rows * ld), *b = malloc(sizeof(double) * (size_t)rows * ld);
    double *c = malloc(sizeof(double) * (size_t)rows * ld);
    unsigned s = 5150;
    for (size_t i = 0; i < (size_t)rows * ld; i++) {
        s = s * 1664525u + 1013904223u; a[i] = (double)(s >> 21) / 2048.0 - 0.25;
        s = s * 1664525u + 1013904223u; b[i] = (double)(s >> 21) / 2048.0;
        c[i] = (double)(i % 23) / 23.0;
    }
    int reps = 20;
    for (int r = 0; r < reps; r++) {
        /* C[0:m, 0:n] = A[0:m, 0:k] * B[0:k, 0:n] (A read row-wise), then with A^T (column-wise),
           each time on a shifted sub-matrix view of the same storage */
        int off = r % 7;
        dgemm(0, m, n, k, 1.0 / k, a + off, ld, b, ld, 0.5, c + off, ld);
        dgemm(1, m, n - off, n, 0.5 / n, a, ld, b + off, ld, 0.75, c, ld);
    }
    double sum = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) sum += c[(size_t)i * ld + j] * (double)((i + j) % 4 + 1);
    printf("checksum %.6e %.6e\n", sum, c[(size_t)(m / 2) * ld + n / 3]);
    free(a); free(b); free(c);
    return 0;
}
