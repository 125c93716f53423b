/* Loops over arrays of one linear memory that LLVM vectorises behind run-time overlap checks
 * (translate/alias_streams.rs, address_facts.rs): disjoint arrays, overlapping ones (the checks must
 * send those to the scalar loop), odd lengths for the remainders, and pointers bumped by hand. */
#include <stdio.h>
#include <stdlib.h>

static void axpy(double *y, const double *x, double a, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

static void mat(double *c, const double *a, const double *b, int n) {
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
}

static unsigned walk(const unsigned char *p, const unsigned char *end) {
  unsigned h = 2166136261u;
  while (p < end) h = (h ^ *p++) * 16777619u;
  return h;
}

static double sum(const double *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += v[i] * (i % 5 + 1);
  return s;
}

int main(void) {
  int n = 37;
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n);
  double *c = calloc((size_t)n * n + 8, sizeof(double));
  for (int i = 0; i < n * n; i++) {
    a[i] = (i * 7 % 13) / 4.0;
    b[i] = (i * 5 % 11) / 8.0;
  }
  mat(c, a, b, n);
  printf("mat %.4f\n", sum(c, n * n));
  for (int len = 0; len < 40; len += 3) {
    axpy(c, b, 0.5, len);
    printf("disjoint %d %.4f\n", len, sum(c, n * n));
    axpy(c + 1, c, 0.25, len); /* the destination runs one element ahead of the source */
    printf("ahead %d %.4f\n", len, sum(c, n * n));
    axpy(c, c + 1, 2.0, len); /* and one behind */
    printf("behind %d %.4f\n", len, sum(c, n * n));
    axpy(c + 2, c + 2, 1.0, len); /* in place */
    printf("same %d %.4f\n", len, sum(c, n * n));
  }
  unsigned char *bytes = (unsigned char *)a;
  for (int len = 0; len < 70; len += 7) printf("walk %d %u\n", len, walk(bytes + len, bytes + 3 * len));
  free(a);
  free(b);
  free(c);
  return 0;
}
