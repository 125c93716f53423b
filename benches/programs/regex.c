/* A regular-expression engine: patterns (literals, ., [classes], [^negated], * + ?, |, groups,
   ^ $ anchors) are parsed by recursive descent into an AST, compiled to NFA instructions and run
   as a Thompson/Pike simulation (thread lists, no backtracking) to find the lines of generated
   log-like text that match, grep-style. Arg: KiB of text. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
enum { N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_CAT, N_ALT, N_STAR, N_PLUS, N_QUEST, N_EMPTY };
struct node { int kind, c, cls; struct node *a, *b; };
static uint8_t classes[32][32]; static int nclasses;
static const char *pp;
static struct node *mk(int kind, struct node *a, struct node *b) {
    struct node *n = calloc(1, sizeof *n); n->kind = kind; n->a = a; n->b = b; return n;
}
static struct node *parse_alt(void);
static struct node *parse_atom(void) {
    char c = *pp++;
    struct node *n;
    switch (c) {
    case '(': n = parse_alt(); if (*pp == ')') pp++; return n;
    case '.': return mk(N_ANY, 0, 0);
    case '^': return mk(N_BOL, 0, 0);
    case '$': return mk(N_EOL, 0, 0);
    case '[': {
        n = mk(N_CLASS, 0, 0); n->cls = nclasses++;
        uint8_t *bits = classes[n->cls];
        int neg = *pp == '^'; if (neg) pp++;
        while (*pp && *pp != ']') {
            uint8_t lo = (uint8_t)*pp++, hi = lo;
            if (lo == '\\') lo = hi = (uint8_t)*pp++;
            if (*pp == '-' && pp[1] && pp[1] != ']') { pp++; hi = (uint8_t)*pp++; }
            for (int x = lo; x <= hi; x++) bits[x >> 3] |= (uint8_t)(1 << (x & 7));
        }
        if (*pp == ']') pp++;
        if (neg) for (int i = 0; i < 32; i++) bits[i] = (uint8_t)~bits[i];
        return n;
    }
    case '\\': c = *pp++; /* fall through */
    default: n = mk(N_CHAR, 0, 0); n->c = (uint8_t)c; return n;
    }
}
static struct node *parse_repeat(void) {
    struct node *n = parse_atom();
    for (;;) {
        if (*pp == '*') n = mk(N_STAR, n, 0);
        else if (*pp == '+') n = mk(N_PLUS, n, 0);
        else if (*pp == '?') n = mk(N_QUEST, n, 0);
        else return n;
        pp++;
    }
}
static struct node *parse_cat(void) {
    struct node *n = NULL;
    while (*pp && *pp != '|' && *pp != ')') { struct node *r = parse_repeat(); n = n ? mk(N_CAT, n, r) : r; }
    return n ? n : mk(N_EMPTY, 0, 0);
}
static struct node *parse_alt(void) {
    struct node *n = parse_cat();
    while (*pp == '|') { pp++; n = mk(N_ALT, n, parse_cat()); }
    return n;
}
enum { I_CHAR, I_ANY, I_CLASS, I_BOL, I_EOL, I_SPLIT, I_JMP, I_MATCH };
struct inst { uint8_t op; uint8_t c; int16_t cls; int32_t x, y; };
static struct inst prog[512]; static int nprog;
static void emit(struct node *n) {
    int l1, l2;
    switch (n->kind) {
    case N_CHAR: prog[nprog++] = (struct inst){I_CHAR, (uint8_t)n->c, 0, 0, 0}; break;
    case N_ANY: prog[nprog++] = (struct inst){I_ANY, 0, 0, 0, 0}; break;
    case N_CLASS: prog[nprog++] = (struct inst){I_CLASS, 0, (int16_t)n->cls, 0, 0}; break;
    case N_BOL: prog[nprog++] = (struct inst){I_BOL, 0, 0, 0, 0}; break;
    case N_EOL: prog[nprog++] = (struct inst){I_EOL, 0, 0, 0, 0}; break;
    case N_EMPTY: break;
    case N_CAT: emit(n->a); emit(n->b); break;
    case N_ALT:
        l1 = nprog++; emit(n->a); l2 = nprog++;
        prog[l1] = (struct inst){I_SPLIT, 0, 0, l1 + 1, nprog}; emit(n->b);
        prog[l2] = (struct inst){I_JMP, 0, 0, nprog, 0}; break;
    case N_STAR:
        l1 = nprog++; emit(n->a); prog[nprog++] = (struct inst){I_JMP, 0, 0, l1, 0};
        prog[l1] = (struct inst){I_SPLIT, 0, 0, l1 + 1, nprog}; break;
    case N_PLUS:
        l1 = nprog; emit(n->a); prog[nprog] = (struct inst){I_SPLIT, 0, 0, l1, nprog + 1}; nprog++; break;
    case N_QUEST:
        l1 = nprog++; emit(n->a); prog[l1] = (struct inst){I_SPLIT, 0, 0, l1 + 1, nprog}; break;
    }
}
static void free_ast(struct node *n) { if (n) { free_ast(n->a); free_ast(n->b); free(n); } }
static int compile(const char *re) {
    int start = nprog; pp = re;
    struct node *ast = parse_alt(); emit(ast); free_ast(ast);
    prog[nprog++] = (struct inst){I_MATCH, 0, 0, 0, 0};
    return start;
}
/* thread lists: states with a generation mark so each is added once per position */
static int list_a[512], list_b[512]; static uint32_t mark[512], gen;
static int add(int *list, int n, int pc, const char *line, const char *p, const char *end) {
    if (mark[pc] == gen) return n;
    mark[pc] = gen;
    const struct inst *in = &prog[pc];
    switch (in->op) {
    case I_JMP: return add(list, n, in->x, line, p, end);
    case I_SPLIT: n = add(list, n, in->x, line, p, end); return add(list, n, in->y, line, p, end);
    case I_BOL: return p == line ? add(list, n, pc + 1, line, p, end) : n;
    case I_EOL: return p == end ? add(list, n, pc + 1, line, p, end) : n;
    default: list[n++] = pc; return n;
    }
}
static int search(int start, const char *line, const char *end) {
    int *cur = list_a, *nxt = list_b, nc = 0;
    gen++;
    nc = add(cur, 0, start, line, line, end);
    for (const char *p = line;; p++) {
        int nn = 0; gen++;
        for (int i = 0; i < nc; i++) {
            const struct inst *in = &prog[cur[i]];
            if (in->op == I_MATCH) return 1;
            if (p == end) continue;
            uint8_t ch = (uint8_t)*p;
            int ok = in->op == I_ANY || (in->op == I_CHAR && in->c == ch) ||
                     (in->op == I_CLASS && (classes[in->cls][ch >> 3] >> (ch & 7) & 1));
            if (ok) nn = add(nxt, nn, cur[i] + 1, line, p + 1, end);
        }
        if (p == end) return 0;
        nn = add(nxt, nn, start, line, p + 1, end); /* unanchored: a new thread at every position */
        int *t = cur; cur = nxt; nxt = t; nc = nn;
    }
}
int main(int argc, char **argv) {
    size_t target = (size_t)(argc > 1 ? atoi(argv[1]) : 5120) << 10;
    static const char *patterns[] = {
        "[a-z]+@[a-z]+\\.(com|org|net)", "(19|20)[0-9][0-9]-[01][0-9]-[0-3][0-9]", "^the .*fox",
        "error|warning|fatal", "a[^x]*b[^y]*c$", "(ab|cd)+e?f", "[0-9]+\\.[0-9]+ ms", "q(u|x)*z", "user=[a-z]*[0-9]",
    };
    enum { NPAT = sizeof patterns / sizeof *patterns };
    int starts[NPAT];
    for (int i = 0; i < NPAT; i++) starts[i] = compile(patterns[i]);
    static const char *words[] = {"the", "quick", "fox", "error", "abcdf", "2023-07-15", "bob@example.com", "12.5 ms",
                                  "user=alice7", "warning:", "quux", "qz", "abc", "data", "request", "GET", "/index",
                                  "1999-12-31", "x", "cdcdef", "latency", "ok", "id=42"};
    char *text = malloc(target + 256); size_t len = 0;
    uint32_t s = 31415;
    while (len < target) {
        s = s * 1103515245u + 12345u;
        int nw = 3 + (s >> 16) % 12;
        for (int w = 0; w < nw; w++) {
            s = s * 1103515245u + 12345u;
            const char *word = words[(s >> 16) % 23];
            if ((s & 7) == 0) for (int k = 0; k < 6; k++) { s = s * 1103515245u + 12345u; text[len++] = (char)('a' + (s >> 16) % 26); }
            else { size_t l = strlen(word); memcpy(text + len, word, l); len += l; }
            text[len++] = w == nw - 1 ? '\n' : ' ';
        }
    }
    uint32_t counts[NPAT] = {0}, h = 0, lines = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i; while (e < len && text[e] != '\n') e++;
        for (int k = 0; k < NPAT; k++)
            if (search(starts[k], text + i, text + e)) { counts[k]++; h = h * 31u + (uint32_t)(k + 1) * lines; }
        lines++; i = e + 1;
    }
    printf("checksum %u %08x", lines, h);
    for (int k = 0; k < NPAT; k++) printf(" %u", counts[k]);
    printf("\n");
    return 0;
}
