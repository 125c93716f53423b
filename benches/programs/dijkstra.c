/* Dijkstra's single-source shortest paths on a generated sparse directed graph in CSR form,
   with an indexed binary min-heap supporting decrease-key; several sources. The shape of graph
   and routing code: irregular memory access driven by a priority queue. Arg: thousands of vertices. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
static int32_t *heap, *where; static uint32_t *dist; static int hsize;
static void sift_up(int i) {
    int v = heap[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (dist[heap[p]] <= dist[v]) break;
        heap[i] = heap[p]; where[heap[i]] = i; i = p;
    }
    heap[i] = v; where[v] = i;
}
static void sift_down(int i) {
    int v = heap[i];
    for (;;) {
        int l = 2 * i + 1, m = l;
        if (l >= hsize) break;
        if (l + 1 < hsize && dist[heap[l + 1]] < dist[heap[l]]) m = l + 1;
        if (dist[heap[m]] >= dist[v]) break;
        heap[i] = heap[m]; where[heap[i]] = i; i = m;
    }
    heap[i] = v; where[v] = i;
}
int main(int argc, char **argv) {
    int n = (argc > 1 ? atoi(argv[1]) : 200) * 1000;
    const int deg = 8;
    int m = n * (deg + 1);
    int32_t *src = malloc(sizeof(int32_t) * m), *dst = malloc(sizeof(int32_t) * m);
    uint32_t *w = malloc(sizeof(uint32_t) * m), *ew = malloc(sizeof(uint32_t) * m);
    int32_t *start = calloc(n + 1, sizeof(int32_t)), *adj = malloc(sizeof(int32_t) * m);
    uint32_t s = 12345;
    int e = 0;
    for (int u = 0; u < n; u++) {
        src[e] = u; dst[e] = (u + 1) % n; w[e++] = 1000; /* a ring keeps every vertex reachable */
        for (int k = 0; k < deg; k++) {
            s = s * 1103515245u + 12345u;
            uint32_t r = s >> 8;
            /* mostly local edges (a road-network-like graph) plus some long-range ones */
            int v = (s & 3) ? (int)((u + 1 + r % 64) % (uint32_t)n) : (int)(r % (uint32_t)n);
            s = s * 1103515245u + 12345u;
            src[e] = u; dst[e] = v; w[e++] = 1 + (s >> 16) % 500;
        }
    }
    for (int i = 0; i < m; i++) start[src[i] + 1]++;
    for (int i = 0; i < n; i++) start[i + 1] += start[i];
    int32_t *fill = malloc(sizeof(int32_t) * n);
    for (int i = 0; i < n; i++) fill[i] = start[i];
    for (int i = 0; i < m; i++) { int p = fill[src[i]]++; adj[p] = dst[i]; ew[p] = w[i]; }
    heap = malloc(sizeof(int32_t) * n); where = malloc(sizeof(int32_t) * n); dist = malloc(sizeof(uint32_t) * n);
    uint64_t total = 0; uint32_t h = 0, maxd = 0; uint64_t relax = 0;
    for (int q = 0; q < 6; q++) {
        int source = (int)((uint32_t)q * 2654435761u % (uint32_t)n);
        for (int i = 0; i < n; i++) { dist[i] = UINT32_MAX; where[i] = -1; }
        dist[source] = 0; hsize = 0; heap[hsize++] = source; where[source] = 0;
        while (hsize) {
            int u = heap[0];
            heap[0] = heap[--hsize]; where[u] = -2;
            if (hsize) { where[heap[0]] = 0; sift_down(0); }
            for (int p = start[u]; p < start[u + 1]; p++) {
                int v = adj[p];
                uint32_t nd = dist[u] + ew[p];
                if (nd < dist[v]) {
                    relax++;
                    dist[v] = nd;
                    if (where[v] == -1) { heap[hsize] = v; where[v] = hsize++; sift_up(hsize - 1); }
                    else if (where[v] >= 0) sift_up(where[v]);
                }
            }
        }
        for (int i = 0; i < n; i++) { total += dist[i]; if (dist[i] > maxd) maxd = dist[i]; }
        for (int i = 0; i < n; i += 101) h = (h ^ dist[i]) * 16777619u;
    }
    printf("checksum %llu %u %08x %llu\n", (unsigned long long)total, maxd, h, (unsigned long long)relax);
    return 0;
}
