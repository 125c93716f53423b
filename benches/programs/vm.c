/* A bytecode interpreter: a stack machine with 64-bit values, locals in call frames, calls and
   returns, and a switch-dispatched loop, running two small hand-assembled programs (Collatz
   lengths plus a gcd call per number; trial-division prime counting); the shape of scripting
   language interpreters. Arg: the programs' n. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
enum { PUSH, LOAD, STORE, INC, ADD, SUB, MUL, DIV, MOD, LT, LE, EQ, NE, JMP, JZ, JNZ, DUP, POP, CALL, RET, HALT };
static int32_t code[1024]; static int ncode;
static int32_t labels[64]; static int fix_at[256], fix_label[256], nfix;
static void op(int o) { code[ncode++] = o; }
static void op1(int o, int32_t a) { code[ncode++] = o; code[ncode++] = a; }
static void jump(int o, int label) { code[ncode++] = o; fix_at[nfix] = ncode; fix_label[nfix++] = label; code[ncode++] = 0; }
static void call(int label, int nargs) { jump(CALL, label); code[ncode++] = nargs; }
static void here(int label) { labels[label] = ncode; }
static void link(void) { for (int i = 0; i < nfix; i++) code[fix_at[i]] = labels[fix_label[i]]; nfix = 0; }
#define FRAME 8
static int64_t run(int pc, uint64_t *executed) {
    int64_t stack[256], locals[FRAME * 64]; int32_t rstack[128];
    int sp = 0, fp = 0, rp = 0; uint64_t count = 0;
    for (;;) {
        count++;
        switch (code[pc++]) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = locals[fp + code[pc++]]; break;
        case STORE: locals[fp + code[pc++]] = stack[--sp]; break;
        case INC: locals[fp + code[pc++]]++; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIV: sp--; stack[sp - 1] /= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case LE: sp--; stack[sp - 1] = stack[sp - 1] <= stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case NE: sp--; stack[sp - 1] = stack[sp - 1] != stack[sp]; break;
        case JMP: pc = code[pc]; break;
        case JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
        case JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case POP: sp--; break;
        case CALL: {
            int target = code[pc], nargs = code[pc + 1];
            rstack[rp++] = pc + 2; rstack[rp++] = fp;
            fp += FRAME;
            for (int i = nargs - 1; i >= 0; i--) locals[fp + i] = stack[--sp];
            pc = target;
            break;
        }
        case RET: fp = rstack[--rp]; pc = rstack[--rp]; break;
        case HALT: *executed += count; return stack[sp - 1];
        default: printf("bad opcode\n"); exit(1);
        }
    }
}
int main(int argc, char **argv) {
    int32_t n = argc > 1 ? atoi(argv[1]) : 130000;
    /* program 1: total = sum over i < n of collatz_steps(i) + gcd(i, n - i) */
    enum { L_OUTER, L_OUTER_END, L_C, L_C_END, L_EVEN, L_NEXT, GCD, L_G, L_G_END, P2, L_I, L_I_END, L_J, L_J_END, L_NOTP };
    int prog1 = ncode;
    op1(PUSH, n); op1(STORE, 1); op1(PUSH, 1); op1(STORE, 0); op1(PUSH, 0); op1(STORE, 2);
    here(L_OUTER); op1(LOAD, 0); op1(LOAD, 1); op(LT); jump(JZ, L_OUTER_END);
    op1(LOAD, 0); op1(STORE, 3); op1(PUSH, 0); op1(STORE, 4);
    here(L_C); op1(LOAD, 3); op1(PUSH, 1); op(NE); jump(JZ, L_C_END);
    op1(LOAD, 3); op1(PUSH, 2); op(MOD); jump(JZ, L_EVEN);
    op1(LOAD, 3); op1(PUSH, 3); op(MUL); op1(PUSH, 1); op(ADD); op1(STORE, 3); jump(JMP, L_NEXT);
    here(L_EVEN); op1(LOAD, 3); op1(PUSH, 2); op(DIV); op1(STORE, 3);
    here(L_NEXT); op1(INC, 4); jump(JMP, L_C);
    here(L_C_END); op1(LOAD, 2); op1(LOAD, 4); op(ADD);
    op1(LOAD, 0); op1(LOAD, 1); op1(LOAD, 0); op(SUB); call(GCD, 2); op(ADD); op1(STORE, 2);
    op1(INC, 0); jump(JMP, L_OUTER);
    here(L_OUTER_END); op1(LOAD, 2); op(HALT);
    here(GCD); /* gcd(a = local 0, b = local 1) */
    here(L_G); op1(LOAD, 1); jump(JZ, L_G_END);
    op1(LOAD, 0); op1(LOAD, 1); op(MOD); op1(LOAD, 1); op1(STORE, 0); op1(STORE, 1); jump(JMP, L_G);
    here(L_G_END); op1(LOAD, 0); op(RET);
    /* program 2: count primes below n / 2 by trial division */
    int prog2 = ncode;
    op1(PUSH, n / 2); op1(STORE, 1); op1(PUSH, 2); op1(STORE, 0); op1(PUSH, 0); op1(STORE, 5);
    here(L_I); op1(LOAD, 0); op1(LOAD, 1); op(LT); jump(JZ, L_I_END);
    op1(PUSH, 2); op1(STORE, 6);
    here(L_J); op1(LOAD, 6); op(DUP); op(MUL); op1(LOAD, 0); op(LE); jump(JZ, L_J_END);
    op1(LOAD, 0); op1(LOAD, 6); op(MOD); jump(JZ, L_NOTP);
    op1(INC, 6); jump(JMP, L_J);
    here(L_J_END); op1(INC, 5);
    here(L_NOTP); op1(INC, 0); jump(JMP, L_I);
    here(L_I_END); op1(LOAD, 5); op(HALT);
    link();
    uint64_t executed = 0;
    int64_t r1 = run(prog1, &executed), r2 = run(prog2, &executed);
    printf("checksum %lld %lld %llu\n", (long long)r1, (long long)r2, (unsigned long long)executed);
    return 0;
}
