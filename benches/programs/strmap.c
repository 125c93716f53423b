/* A string-keyed hash map with open addressing and Robin Hood probing: keys are malloc'ed
   copies, the table grows by rehashing, deletion shifts entries back; a symbol-table workload of
   inserts, hit and miss lookups, updates and deletes. Arg: thousands of distinct keys. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
struct slot { char *key; uint32_t hash; uint32_t dist; int64_t value; };
struct map { struct slot *s; uint32_t cap, len; };
static uint32_t hash_str(const char *k, size_t n) {
    uint32_t h = 0x811c9dc5u ^ (uint32_t)n;
    for (size_t i = 0; i < n; i++) { h ^= (uint8_t)k[i]; h *= 0x01000193u; h ^= h >> 13; }
    return h ? h : 1;
}
static void insert_slot(struct map *m, struct slot e) {
    uint32_t mask = m->cap - 1, i = e.hash & mask;
    e.dist = 0;
    for (;;) {
        struct slot *cur = &m->s[i];
        if (!cur->key) { *cur = e; return; }
        if (cur->dist < e.dist) { struct slot t = *cur; *cur = e; e = t; }
        i = (i + 1) & mask; e.dist++;
    }
}
static void map_grow(struct map *m) {
    struct slot *old = m->s; uint32_t oc = m->cap;
    m->cap = oc ? oc * 2 : 64;
    m->s = calloc(m->cap, sizeof *m->s);
    for (uint32_t i = 0; i < oc; i++) if (old[i].key) insert_slot(m, old[i]);
    free(old);
}
static struct slot *map_find(struct map *m, const char *k, size_t n, uint32_t h) {
    uint32_t mask = m->cap - 1, i = h & mask, d = 0;
    for (;;) {
        struct slot *cur = &m->s[i];
        if (!cur->key || cur->dist < d) return NULL;
        if (cur->hash == h && strncmp(cur->key, k, n) == 0 && cur->key[n] == 0) return cur;
        i = (i + 1) & mask; d++;
    }
}
static void map_put(struct map *m, const char *k, int64_t v) {
    size_t n = strlen(k); uint32_t h = hash_str(k, n);
    struct slot *f = map_find(m, k, n, h);
    if (f) { f->value += v; return; }
    if ((m->len + 1) * 8 > m->cap * 7) map_grow(m);
    struct slot e = {malloc(n + 1), h, 0, v};
    memcpy(e.key, k, n + 1);
    insert_slot(m, e); m->len++;
}
static int map_del(struct map *m, const char *k) {
    size_t n = strlen(k); uint32_t h = hash_str(k, n);
    struct slot *f = map_find(m, k, n, h);
    if (!f) return 0;
    free(f->key);
    uint32_t mask = m->cap - 1, i = (uint32_t)(f - m->s);
    for (;;) {
        uint32_t nx = (i + 1) & mask;
        if (!m->s[nx].key || m->s[nx].dist == 0) { m->s[i].key = NULL; break; }
        m->s[i] = m->s[nx]; m->s[i].dist--; i = nx;
    }
    m->len--;
    return 1;
}
static void make_key(char *buf, uint32_t x) {
    static const char *pre[] = {"get_", "set_", "m_", "is", "on", "tmp", "_", "Foo", "do_", ""};
    static const char *suf[] = {"", "_t", "Impl", "_ptr", "Count", "2", "_", "Size"};
    char *p = buf + sprintf(buf, "%s", pre[x % 10]);
    uint32_t y = x / 10;
    do { *p++ = (char)('a' + y % 23); y /= 23; } while (y);
    strcpy(p, suf[(x >> 3) % 8]);
}
int main(int argc, char **argv) {
    uint32_t nkeys = (uint32_t)(argc > 1 ? atoi(argv[1]) : 180) * 1000;
    struct map m = {0};
    map_grow(&m);
    char key[64];
    uint32_t s = 77, hits = 0; int64_t acc = 0;
    for (int round = 0; round < 4; round++) {
        for (uint32_t i = 0; i < nkeys; i++) { s = s * 1103515245u + 12345u; make_key(key, (s >> 4) % nkeys); map_put(&m, key, i & 255); }
        for (uint32_t i = 0; i < nkeys; i++) {
            make_key(key, (i * 2654435761u) % (nkeys + nkeys / 4));
            size_t n = strlen(key);
            struct slot *f = map_find(&m, key, n, hash_str(key, n));
            if (f) { hits++; acc += f->value; }
        }
        for (uint32_t i = round; i < nkeys; i += 3) { make_key(key, i); hits += map_del(&m, key) << 1; }
    }
    int64_t sum = 0; uint32_t maxd = 0;
    for (uint32_t i = 0; i < m.cap; i++) if (m.s[i].key) { sum += m.s[i].value; if (m.s[i].dist > maxd) maxd = m.s[i].dist; }
    printf("checksum %u %u %u %lld %lld %u\n", m.len, m.cap, hits, (long long)acc, (long long)sum, maxd);
    return 0;
}
