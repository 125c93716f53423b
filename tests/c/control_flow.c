// Control flow that lowers to br_table, loops, recursion and globals: a switch-based bytecode
// interpreter, mutual recursion, Ackermann, a sieve, struct copies and a state machine with goto.
// args: 10
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PUSH, ADD, SUB, MUL, DUP, SWAP, OVER, DROP, JNZ, DEC, PRINT, HALT, NOP1, NOP2, NOP3 };

static long run(const int *code) {
  long stack[64];
  int sp = 0, pc = 0, steps = 0;
  for (;;) {
    steps++;
    switch (code[pc++]) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case SWAP: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case OVER: stack[sp] = stack[sp - 2]; sp++; break;
      case DROP: sp--; break;
      case JNZ: { int target = code[pc++]; if (stack[sp - 1] != 0) pc = target; break; }
      case DEC: stack[sp - 1]--; break;
      case PRINT: printf("vm print %ld\n", stack[sp - 1]); break;
      case HALT: printf("vm steps %d\n", steps); return stack[sp - 1];
      case NOP1: case NOP2: case NOP3: break;
      default: printf("bad opcode\n"); return -1;
    }
  }
}

static int is_even(unsigned n);
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static unsigned ackermann(unsigned m, unsigned n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

struct big { int a[20]; double d; char tag[8]; };
static struct big make(int seed) {
  struct big b;
  for (int i = 0; i < 20; i++) b.a[i] = seed * i;
  b.d = seed / 4.0;
  snprintf(b.tag, sizeof b.tag, "t%d", seed);
  return b;
}

static int counter;
static const char *classify(int c) {
  switch (c) {
    case 0: return "zero";
    case 1: case 2: case 3: return "small";
    case 10: return "ten";
    case 100: return "hundred";
    case -1: return "minus one";
    default: return c < 0 ? "negative" : "other";
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 5;
  /* factorial of n: [acc, i]; loop: swap, over, mul, swap, dec, jnz loop; drop */
  int fact[] = {PUSH, 1, PUSH, n, /* 4: */ SWAP, OVER, MUL, NOP1, SWAP, DEC, NOP2, JNZ, 4, DROP, NOP3, HALT};
  printf("vm result %ld\n", run(fact));
  int count_down[] = {PUSH, n, /* 2: */ PRINT, DEC, JNZ, 2, HALT};
  printf("vm countdown result %ld\n", run(count_down));

  printf("even(10001)=%d odd(777)=%d\n", is_even(10001), is_odd(777));
  printf("ackermann(2,3)=%u ackermann(3,%d)=%u\n", ackermann(2, 3), n % 7, ackermann(3, (unsigned)(n % 7)));

  enum { LIMIT = 100000 };
  static unsigned char composite[LIMIT + 1];
  int primes = 0, last = 0;
  for (int i = 2; i <= LIMIT; i++) {
    if (composite[i]) continue;
    primes++, last = i;
    for (long j = (long)i * i; j <= LIMIT; j += i) composite[j] = 1;
  }
  printf("primes below %d: %d, largest %d\n", LIMIT, primes, last);

  struct big x = make(n), y;
  y = x;
  y.a[3] = -1;
  struct big z = make(n + 1);
  printf("struct: %d %d %g %s %s %d\n", x.a[3], y.a[3], y.d, y.tag, z.tag, memcmp(&x.a, &z.a, sizeof x.a) != 0);

  int cases[] = {0, 2, 10, 100, -1, -50, 7, 3, 1000};
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) printf("%d is %s\n", cases[i], classify(cases[i]));

  /* a state machine with goto */
  const char *input = "aabbbcaab";
  const char *p = input;
  int runs = 0;
start:
  if (!*p) goto done;
  counter++;
  {
    char c = *p;
    runs++;
    while (*p == c) p++;
  }
  goto start;
done:
  printf("runs in %s: %d (counter %d)\n", input, runs, counter);
  return 0;
}
