/* Arbitrary-precision integers in 32-bit limbs: schoolbook multiplication with 64-bit partial
   products, addition and subtraction with carries, and remainders by small divisors; computes
   Fibonacci(n) by fast doubling and checks it against the same number computed modulo small primes.
   The inner loops of bignum libraries. Arg: n. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
typedef struct { uint32_t *d; int n, cap; } big;
static void reserve(big *a, int n) { if (a->cap < n) { a->cap = n + 16; a->d = realloc(a->d, sizeof(uint32_t) * a->cap); } }
static void trim(big *a) { while (a->n > 0 && a->d[a->n - 1] == 0) a->n--; }
static void set_small(big *a, uint32_t v) { reserve(a, 1); a->d[0] = v; a->n = v ? 1 : 0; }
static void mul(big *r, const big *a, const big *b) {
    reserve(r, a->n + b->n);
    memset(r->d, 0, sizeof(uint32_t) * (a->n + b->n));
    for (int i = 0; i < a->n; i++) {
        uint64_t carry = 0, ai = a->d[i];
        uint32_t *ri = r->d + i;
        for (int j = 0; j < b->n; j++) {
            uint64_t t = ai * b->d[j] + ri[j] + carry;
            ri[j] = (uint32_t)t; carry = t >> 32;
        }
        ri[b->n] = (uint32_t)carry;
    }
    r->n = a->n + b->n; trim(r);
}
static void add(big *r, const big *a, const big *b) { /* r may alias a or b */
    if (a->n < b->n) { const big *t = a; a = b; b = t; }
    reserve(r, a->n + 1);
    uint64_t carry = 0; int i = 0;
    for (; i < b->n; i++) { uint64_t t = (uint64_t)a->d[i] + b->d[i] + carry; r->d[i] = (uint32_t)t; carry = t >> 32; }
    for (; i < a->n; i++) { uint64_t t = (uint64_t)a->d[i] + carry; r->d[i] = (uint32_t)t; carry = t >> 32; }
    r->d[i] = (uint32_t)carry; r->n = a->n + 1; trim(r);
}
static void sub(big *r, const big *a, const big *b) { /* a >= b; r may alias a */
    reserve(r, a->n);
    int64_t borrow = 0; int i = 0;
    for (; i < b->n; i++) { int64_t t = (int64_t)a->d[i] - b->d[i] - borrow; borrow = t < 0; r->d[i] = (uint32_t)t; }
    for (; i < a->n; i++) { int64_t t = (int64_t)a->d[i] - borrow; borrow = t < 0; r->d[i] = (uint32_t)t; }
    r->n = a->n; trim(r);
}
static void copy(big *r, const big *a) { reserve(r, a->n); memcpy(r->d, a->d, sizeof(uint32_t) * a->n); r->n = a->n; }
static uint32_t mod_small(const big *a, uint32_t m) {
    uint64_t r = 0;
    for (int i = a->n - 1; i >= 0; i--) r = ((r << 32) | a->d[i]) % m;
    return (uint32_t)r;
}
/* F(n) mod m by the same doubling recurrence in 64-bit arithmetic */
static void fib_mod(uint32_t n, uint64_t m, uint64_t *f0, uint64_t *f1) {
    if (n == 0) { *f0 = 0; *f1 = 1; return; }
    uint64_t a, b; fib_mod(n / 2, m, &a, &b);
    uint64_t c = a * ((2 * b + m - a) % m) % m, d = (a * a + b * b) % m;
    if (n & 1) { *f0 = d; *f1 = (c + d) % m; } else { *f0 = c; *f1 = d; }
}
int main(int argc, char **argv) {
    uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 1200000);
    big a = {0}, b = {0}, t1 = {0}, t2 = {0}, t3 = {0};
    set_small(&a, 0); set_small(&b, 1); /* (F(k), F(k+1)) for k = 0 */
    int top = 31; while (top > 0 && !(n >> top & 1)) top--;
    for (int bit = top; bit >= 0; bit--) {
        /* F(2k) = F(k) * (2F(k+1) - F(k)); F(2k+1) = F(k)^2 + F(k+1)^2 */
        add(&t1, &b, &b); sub(&t1, &t1, &a); mul(&t2, &a, &t1);
        mul(&t1, &a, &a); mul(&t3, &b, &b); add(&t3, &t1, &t3);
        if (n >> bit & 1) { copy(&a, &t3); add(&b, &t2, &t3); }
        else { copy(&a, &t2); copy(&b, &t3); }
    }
    static const uint32_t primes[] = {1000000007u, 998244353u, 2147483647u, 65521u};
    int ok = 1; uint32_t h = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t f0, f1; fib_mod(n, primes[i], &f0, &f1);
        if (mod_small(&a, primes[i]) != f0) ok = 0;
    }
    for (int i = 0; i < a.n; i++) h = (h ^ a.d[i]) * 16777619u;
    printf("checksum %d %u %09u %08x %s\n", a.n, a.n ? a.d[a.n - 1] : 0, mod_small(&a, 1000000000u), h, ok ? "ok" : "MISMATCH");
    return 0;
}
