/* Floyd-Warshall all-pairs shortest paths on a generated weighted directed graph (int distances,
   "infinity" for missing edges, min in the innermost loop), dynamic programming over an n x n
   malloc'ed matrix. Arg: number of vertices. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#define INF 0x3fffffff
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1050;
    int32_t *d = malloc(sizeof(int32_t) * (size_t)n * n);
    uint32_t s = 31;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            s = s * 1103515245u + 12345u;
            uint32_t r = s >> 16;
            d[(size_t)i * n + j] = i == j ? 0 : (r % 100 < 8 ? (int32_t)(1 + r % 997) : INF);
        }
    for (int k = 0; k < n; k++) {
        const int32_t *dk = d + (size_t)k * n;
        for (int i = 0; i < n; i++) {
            int32_t *di = d + (size_t)i * n;
            int32_t dik = di[k];
            if (dik == INF) continue;
            for (int j = 0; j < n; j++) {
                int32_t via = dik + dk[j];
                if (via < di[j]) di[j] = via;
            }
        }
    }
    uint64_t sum = 0; uint32_t unreachable = 0, h = 0;
    for (size_t i = 0; i < (size_t)n * n; i++) {
        if (d[i] >= INF) unreachable++;
        else { sum += (uint64_t)d[i]; h = (h ^ (uint32_t)d[i]) * 16777619u; }
    }
    printf("checksum %llu %u %08x\n", (unsigned long long)sum, unreachable, h);
    free(d);
    return 0;
}
