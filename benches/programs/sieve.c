/* Sieve of Eratosthenes over a byte array, repeated. Arg: limit (in thousands). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
    int n = (argc > 1 ? atoi(argv[1]) : 20000) * 1000;
    char *c = malloc(n + 1);
    unsigned total = 0;
    for (int rep = 0; rep < 8; rep++) {
        memset(c, 1, n + 1); c[0] = c[1] = 0;
        for (long i = 2; i * i <= n; i++)
            if (c[i]) for (long j = i * i; j <= n; j += i) c[j] = 0;
        unsigned cnt = 0, h = 0;
        for (int i = 0; i <= n; i++) if (c[i]) { cnt++; h = h * 16777619u ^ (unsigned)i; }
        total = total * 31u + cnt + h;
    }
    printf("checksum %u\n", total);
    return 0;
}
