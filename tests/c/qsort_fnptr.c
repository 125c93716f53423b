// Function pointers: qsort and bsearch with comparison callbacks, an array of function pointers
// called through a run-time index, a function returning a function pointer, and callbacks passed
// down. Every comparison is a total order so the result does not depend on the qsort algorithm
// (glibc merges, wasi-libc/musl uses smoothsort).
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int_asc(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int_asc(b, a); }

struct person {
  char name[12];
  int age;
  int id;
};
static int cmp_person(const void *a, const void *b) {
  const struct person *p = a, *q = b;
  int c = strcmp(p->name, q->name);
  if (c) return c;
  if (p->age != q->age) return p->age - q->age;
  return (p->id > q->id) - (p->id < q->id);
}

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int quo(int a, int b) { return b ? a / b : 0; }
static int rem(int a, int b) { return b ? a % b : 0; }
static int max(int a, int b) { return a > b ? a : b; }
typedef int (*binop)(int, int);
static binop const ops[] = {add, sub, mul, quo, rem, max};
static const char *const op_names[] = {"add", "sub", "mul", "quo", "rem", "max"};

static binop pick(const char *name) {
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(op_names[i], name) == 0) return ops[i];
  return NULL;
}
static int fold(const int *v, int n, int init, binop f) {
  for (int i = 0; i < n; i++) init = f(init, v[i]);
  return init;
}
static void apply_all(int *v, int n, int (*f)(int)) {
  for (int i = 0; i < n; i++) v[i] = f(v[i]);
}
static int square(int x) { return x * x; }
static int negate(int x) { return -x; }

int main(int argc, char **argv) {
  (void)argv;
  enum { N = 1000 };
  static int a[N];
  unsigned s = 2463534242u;
  for (int i = 0; i < N; i++) {
    s ^= s << 13, s ^= s >> 17, s ^= s << 5;
    a[i] = (int)(s % 20001) - 10000;
  }
  qsort(a, N, sizeof a[0], cmp_int_asc);
  int sorted = 1;
  for (int i = 1; i < N; i++) sorted &= a[i - 1] <= a[i];
  printf("asc sorted=%d min=%d max=%d median=%d\n", sorted, a[0], a[N - 1], a[N / 2]);
  printf("first:");
  for (int i = 0; i < 10; i++) printf(" %d", a[i]);
  printf("\n");
  int key = a[777];
  int *found = bsearch(&key, a, N, sizeof a[0], cmp_int_asc);
  printf("bsearch %d found=%d value=%d\n", key, found != NULL, found ? *found : 0);
  int missing = 10001;
  printf("bsearch missing found=%d\n", bsearch(&missing, a, N, sizeof a[0], cmp_int_asc) != NULL);
  qsort(a, N, sizeof a[0], cmp_int_desc);
  printf("desc first=%d last=%d\n", a[0], a[N - 1]);

  struct person people[] = {{"mallory", 40, 1}, {"alice", 30, 2}, {"bob", 25, 3},   {"alice", 22, 4},
                            {"carol", 35, 5},   {"bob", 25, 0},   {"dave", 50, 6},  {"alice", 30, 1},
                            {"eve", 28, 7},     {"trent", 60, 8}, {"carol", 35, 9}, {"", 0, 10}};
  size_t np = sizeof people / sizeof people[0];
  qsort(people, np, sizeof people[0], cmp_person);
  for (size_t i = 0; i < np; i++) printf("person %-8s %2d #%d\n", people[i].name, people[i].age, people[i].id);

  /* indirect calls through a table indexed at run time */
  int acc = argc + 6;
  for (int i = 0; i < 60; i++) {
    binop f = ops[(i * 7 + argc) % 6];
    acc = f(acc, i + 1) % 100000;
  }
  printf("table calls acc=%d\n", acc);
  int v[] = {3, 1, 4, 1, 5, 9, 2, 6};
  for (unsigned i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
    printf("fold %s = %d\n", op_names[i], fold(v, 8, i == 2 ? 1 : 0, pick(op_names[i])));
  printf("pick(unknown) is null: %d\n", pick("pow") == NULL);
  int (*unary[2])(int) = {square, negate};
  apply_all(v, 8, unary[argc % 2]);
  apply_all(v, 8, unary[(argc + 1) % 2]);
  for (int i = 0; i < 8; i++) printf("%d ", v[i]);
  printf("\n");
  return 0;
}
