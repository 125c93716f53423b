/* N-queens by recursive backtracking with column and diagonal occupancy arrays (counting all
   solutions and hashing each one's placement), plus a recursive permutation-tree walk; deep
   call-heavy search code with data-dependent branches. Arg: board size. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#define MAXN 20
static int n, pos[MAXN];
static uint8_t col_used[MAXN], d1[2 * MAXN], d2[2 * MAXN];
static uint64_t solutions; static uint32_t hash;
static void place(int row) {
    if (row == n) {
        solutions++;
        uint32_t h = 0;
        for (int i = 0; i < n; i++) h = h * 31u + (uint32_t)pos[i];
        hash ^= h * 2654435761u;
        return;
    }
    for (int c = 0; c < n; c++) {
        if (col_used[c] || d1[row + c] || d2[row - c + n]) continue;
        col_used[c] = d1[row + c] = d2[row - c + n] = 1; pos[row] = c;
        place(row + 1);
        col_used[c] = d1[row + c] = d2[row - c + n] = 0;
    }
}
/* counts permutations of k elements with no element in its own place (derangements), by recursion */
static uint64_t derange(int i, int k, uint32_t used) {
    if (i == k) return 1;
    uint64_t total = 0;
    for (int v = 0; v < k; v++)
        if (v != i && !(used >> v & 1)) total += derange(i + 1, k, used | 1u << v);
    return total;
}
int main(int argc, char **argv) {
    n = argc > 1 ? atoi(argv[1]) : 13;
    if (n > MAXN) n = MAXN;
    place(0);
    uint64_t der = derange(0, n - 2 > 2 ? n - 2 : 2, 0);
    printf("checksum %llu %08x %llu\n", (unsigned long long)solutions, hash, (unsigned long long)der);
    return 0;
}
