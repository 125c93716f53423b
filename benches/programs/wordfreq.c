/* Word frequency count: tokenizes generated English-like text (mixed case, punctuation) into
   lower-cased words, counts them in a chained hash table of malloc'ed nodes, then sorts the
   distinct words by count with qsort; the shape of text-processing tools. Arg: KiB of text. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
struct word { struct word *next; uint32_t hash, count; char text[]; };
static struct word **table; static uint32_t tcap, nwords;
static uint32_t hash_bytes(const char *s, int n) {
    uint32_t h = 5381;
    for (int i = 0; i < n; i++) h = h * 33u + (uint8_t)s[i];
    return h ^ (h >> 15);
}
static void grow(void) {
    uint32_t ncap = tcap ? tcap * 2 : 1024;
    struct word **nt = calloc(ncap, sizeof *nt);
    for (uint32_t i = 0; i < tcap; i++)
        for (struct word *w = table[i], *next; w; w = next) { next = w->next; w->next = nt[w->hash & (ncap - 1)]; nt[w->hash & (ncap - 1)] = w; }
    free(table); table = nt; tcap = ncap;
}
static void count(const char *s, int n) {
    uint32_t h = hash_bytes(s, n);
    struct word **slot = &table[h & (tcap - 1)];
    for (struct word *w = *slot; w; w = w->next)
        if (w->hash == h && memcmp(w->text, s, n) == 0 && w->text[n] == 0) { w->count++; return; }
    struct word *w = malloc(sizeof *w + n + 1);
    memcpy(w->text, s, n); w->text[n] = 0; w->hash = h; w->count = 1; w->next = *slot; *slot = w;
    if (++nwords > tcap) grow();
}
static int by_count(const void *a, const void *b) {
    const struct word *x = *(struct word *const *)a, *y = *(struct word *const *)b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->text, y->text);
}
int main(int argc, char **argv) {
    size_t target = (size_t)(argc > 1 ? atoi(argv[1]) : 53248) << 10;
    /* vocabulary of random pseudo-words; word i is drawn with a roughly Zipfian probability */
    enum { V = 20000 };
    static char vocab[V][12];
    uint32_t s = 4711;
    for (int i = 0; i < V; i++) {
        s = s * 1103515245u + 12345u;
        int len = 2 + (s >> 16) % 9;
        for (int k = 0; k < len; k++) { s = s * 1103515245u + 12345u; vocab[i][k] = (char)('a' + (s >> 16) % 26); }
        vocab[i][len] = 0;
    }
    char *text = malloc(target + 32); size_t len = 0;
    static const char punct[] = " ,.;:!?\"()-\n";
    while (len < target) {
        s = s * 1103515245u + 12345u;
        uint32_t r = (s >> 8) & 0xffff;
        uint32_t idx = (uint32_t)(((uint64_t)r * r * r) >> 33) % V;
        const char *w = vocab[idx];
        int cap = (s >> 4 & 7) == 0;
        for (int k = 0; w[k]; k++) text[len++] = (char)(k == 0 && cap ? w[k] - 32 : w[k]);
        text[len++] = (s >> 28) < 11 ? punct[(s >> 24) % 12] : ' ';
        if ((s & 15) == 3) text[len++] = ' ';
    }
    grow();
    size_t i = 0;
    char buf[64];
    while (i < len) {
        while (i < len && !((text[i] | 32) >= 'a' && (text[i] | 32) <= 'z')) i++;
        int n = 0;
        while (i < len && ((text[i] | 32) >= 'a' && (text[i] | 32) <= 'z')) { if (n < 63) buf[n++] = (char)(text[i] | 32); i++; }
        if (n) count(buf, n);
    }
    struct word **all = malloc(sizeof *all * nwords); uint32_t k = 0;
    for (uint32_t b = 0; b < tcap; b++) for (struct word *w = table[b]; w; w = w->next) all[k++] = w;
    qsort(all, nwords, sizeof *all, by_count);
    uint32_t h = 2166136261u; uint64_t total = 0;
    for (uint32_t j = 0; j < nwords; j++) {
        total += all[j]->count;
        if (j < 100) { for (const char *p = all[j]->text; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u; h = (h ^ all[j]->count) * 16777619u; }
    }
    printf("checksum %u %llu %s %u %08x\n", nwords, (unsigned long long)total, all[0]->text, all[0]->count, h);
    return 0;
}
