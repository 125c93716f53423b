/* Binary trees: allocate and free many complete binary trees with malloc/free. Arg: max depth. */
#include <stdio.h>
#include <stdlib.h>
struct node { struct node *l, *r; };
static struct node *make(int d) {
    struct node *n = malloc(sizeof *n);
    if (d > 0) { n->l = make(d - 1); n->r = make(d - 1); } else n->l = n->r = 0;
    return n;
}
static long long check(struct node *n) { return n->l ? 1 + check(n->l) + check(n->r) : 1; }
static void release(struct node *n) { if (n->l) { release(n->l); release(n->r); } free(n); }
int main(int argc, char **argv) {
    int max = argc > 1 ? atoi(argv[1]) : 17;
    if (max < 6) max = 6;
    unsigned long long sum = 0;
    struct node *stretch = make(max + 1);
    sum += check(stretch); release(stretch);
    struct node *longlived = make(max);
    for (int d = 4; d <= max; d += 2) {
        long long iters = 1LL << (max - d + 4), c = 0;
        for (long long i = 0; i < iters; i++) { struct node *t = make(d); c += check(t); release(t); }
        sum = sum * 31 + (unsigned long long)c;
    }
    sum += check(longlived); release(longlived);
    printf("checksum %llu\n", sum);
    return 0;
}
