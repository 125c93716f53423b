/* Recursive Fibonacci and Ackermann: call-heavy code. Arg: n for fib(n); Ackermann(3, min(n-27, 11)). */
#include <stdio.h>
#include <stdlib.h>
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int ack(int m, int n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 38;
    volatile int vn = n;
    int f = fib(vn);
    int a = 0, an = n - 27 < 1 ? 1 : n - 27 > 11 ? 11 : n - 27;
    for (int i = 0; i < 4; i++) a += ack(3, an);
    printf("checksum %d %d\n", f, a);
    return 0;
}
