// The allocator: malloc/free/calloc/realloc over many sizes (some large enough to grow the Wasm
// memory), content checks across realloc, and a singly linked list built, reversed, filtered and
// freed. Prints checksums, never addresses.
// expect-exit: 0
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
  int value;
  struct node *next;
};

static uint32_t seed = 12345;
static uint32_t rnd(void) { seed = seed * 1103515245u + 12345u; return (seed >> 8) & 0xffffff; }

static uint32_t checksum(const unsigned char *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(void) {
  /* many sizes, freed in a scrambled order */
  enum { N = 500 };
  unsigned char *blocks[N];
  size_t sizes[N];
  uint32_t total = 0;
  for (int i = 0; i < N; i++) {
    sizes[i] = (i % 7 == 0) ? (size_t)(rnd() % 70000) + 1 : (size_t)(rnd() % 600) + 1;
    blocks[i] = malloc(sizes[i]);
    if (!blocks[i]) { printf("malloc %zu failed\n", sizes[i]); return 1; }
    for (size_t j = 0; j < sizes[i]; j++) blocks[i][j] = (unsigned char)(i + j * 31);
  }
  int bad = 0;
  for (int k = 0; k < N; k++) {
    int i = (k * 173) % N; /* 173 is coprime with 500: a permutation */
    for (size_t j = 0; j < sizes[i]; j++) bad += blocks[i][j] != (unsigned char)(i + j * 31);
    total += checksum(blocks[i], sizes[i]);
    free(blocks[i]);
  }
  printf("blocks: bad=%d checksum=%08x\n", bad, total);

  /* calloc is zeroed, even after the memory was used and freed */
  unsigned char *z = calloc(100000, 1);
  size_t nonzero = 0;
  for (size_t i = 0; i < 100000; i++) nonzero += z[i] != 0;
  printf("calloc nonzero=%zu\n", nonzero);
  free(z);

  /* realloc keeps the prefix while growing and shrinking */
  size_t cap = 1;
  unsigned char *buf = malloc(cap);
  buf[0] = 0;
  for (int step = 0; step < 40; step++) {
    size_t ncap = (step % 5 == 4) ? cap / 2 + 1 : cap * 2 + 3;
    unsigned char *nb = realloc(buf, ncap);
    if (!nb) { printf("realloc failed\n"); return 1; }
    buf = nb;
    size_t keep = cap < ncap ? cap : ncap;
    int ok = 1;
    for (size_t j = 0; j < keep; j++) ok &= buf[j] == (unsigned char)(j * 7 + 1) || (j == 0 && step == 0);
    for (size_t j = 0; j < ncap; j++) buf[j] = (unsigned char)(j * 7 + 1);
    if (step % 8 == 0 || !ok) printf("realloc step %d: %zu -> %zu ok=%d\n", step, cap, ncap, ok);
    cap = ncap;
    if (cap > (8u << 20)) break;
  }
  printf("final cap=%zu checksum=%08x\n", cap, checksum(buf, cap));
  free(buf);

  /* a big block: several Wasm pages at once */
  size_t big = 16u << 20;
  char *b = malloc(big);
  memset(b, 'x', big);
  b[big - 1] = 'y';
  printf("big: %c%c %08x\n", b[0], b[big - 1], checksum((unsigned char *)b, big));
  free(b);

  /* linked list */
  struct node *head = NULL;
  for (int i = 0; i < 10000; i++) {
    struct node *n = malloc(sizeof *n);
    n->value = i * 3 - 5000;
    n->next = head;
    head = n;
  }
  struct node *rev = NULL;
  while (head) {
    struct node *n = head;
    head = n->next;
    n->next = rev;
    rev = n;
  }
  head = rev;
  long long sum = 0;
  int count = 0;
  for (struct node *n = head; n; n = n->next) sum += n->value, count++;
  printf("list: count=%d sum=%lld first=%d second=%d\n", count, sum, head->value, head->next->value);
  /* remove the even values */
  struct node **pp = &head;
  while (*pp) {
    if ((*pp)->value % 2 == 0) {
      struct node *dead = *pp;
      *pp = dead->next;
      free(dead);
    } else {
      pp = &(*pp)->next;
    }
  }
  sum = 0;
  count = 0;
  for (struct node *n = head; n; n = n->next) sum += n->value, count++;
  printf("odd list: count=%d sum=%lld first=%d\n", count, sum, head ? head->value : 0);
  while (head) {
    struct node *n = head->next;
    free(head);
    head = n;
  }
  /* the allocator still works after all that */
  char *s = malloc(32);
  strcpy(s, "allocator still fine");
  puts(s);
  free(s);
  return 0;
}
