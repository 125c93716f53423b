/* Fannkuch-redux: maximum pancake flips over all permutations of 1..n, three times. Arg: n. */
#include <stdio.h>
#include <stdlib.h>
static void fannkuch(int n, int *out_checksum, int *out_max) {
    int perm[16], perm1[16], count[16];
    int maxflips = 0, checksum = 0, permcount = 0, r = n;
    for (int i = 0; i < n; i++) perm1[i] = i;
    for (;;) {
        for (; r != 1; r--) count[r - 1] = r;
        for (int i = 0; i < n; i++) perm[i] = perm1[i];
        int flips = 0, k;
        while ((k = perm[0]) != 0) {
            for (int i = 0, j = k; i < j; i++, j--) { int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
            flips++;
        }
        if (flips > maxflips) maxflips = flips;
        checksum += (permcount % 2 == 0) ? flips : -flips;
        for (;;) {
            if (r == n) { *out_checksum = checksum; *out_max = maxflips; return; }
            int p0 = perm1[0];
            for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
            perm1[r] = p0;
            if (--count[r] > 0) break;
            r++;
        }
        permcount++;
    }
}
int main(int argc, char **argv) {
    volatile int vn = argc > 1 ? atoi(argv[1]) : 10;
    int total = 0, maxflips = 0;
    for (int rep = 0; rep < 3; rep++) { int c, m; fannkuch(vn, &c, &m); total += c + rep; maxflips = m; }
    printf("checksum %d %d\n", total, maxflips);
    return 0;
}
