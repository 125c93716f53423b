/* A model of benches/gc/casts.wat, independent of any Wasm engine: prints the checksum the module
 * must print (its $expected, as signed i64 second). Keep the sizes equal to the module's globals.
 * clang-19 -O2 casts.c && ./a.out */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
enum { LIT, VAR, NEG, NOT, ADD, MUL, SUB, XOR };
typedef struct E { int k; int64_t v; int i; struct E *a, *b; } E;
static uint64_t seed = 0x6A09E667F3BCC909ull;
static uint32_t rnd(void){ seed = seed*6364136223846793005ull + 1442695040888963407ull; return (uint32_t)(seed>>33); }
static uint64_t mix(uint64_t a, uint64_t v){ return (a*1000003ull)^v; }
static int64_t env[16];
static E* mk(int k){ E*e=calloc(1,sizeof *e); e->k=k; return e; }
static E* lit(int64_t v){ E*e=mk(LIT); e->v=v; return e; }
static E* gen(int d){
  uint32_t r=rnd();
  if(d==0 || (r&15)==0){
    if((r>>4)&1) return lit((r>>5)%1000);
    E*e=mk(VAR); e->i=(r>>5)&15; return e;
  }
  d--;
  E*a=gen(d);
  int op=(r>>4)%6; // 0 add 1 mul 2 sub 3 xor 4 neg 5 not
  static const int ks[6]={ADD,MUL,SUB,XOR,NEG,NOT};
  E*e=mk(ks[op]); e->a=a;
  if(op<4) e->b=gen(d);
  return e;
}
static int64_t ev(E*e){
  switch(e->k){
  case LIT: return e->v; case VAR: return env[e->i];
  case NEG: return (int64_t)(0-(uint64_t)ev(e->a)); case NOT: return ~ev(e->a);
  }
  uint64_t x=ev(e->a), y=ev(e->b);
  switch(e->k){ case ADD: return x+y; case MUL: return x*y; case SUB: return x-y; default: return x^y; }
}
static E* simp(E*e){
  if(e->k==NEG||e->k==NOT){
    E*a=simp(e->a);
    if(a->k==LIT) return lit(e->k==NEG ? (int64_t)(0-(uint64_t)a->v) : ~a->v);
    if(e->k==NEG){ if(a->k==NEG) return a->a; E*n=mk(NEG); n->a=a; return n; }
    if(a->k==NOT) return a->a;
    E*n=mk(NOT); n->a=a; return n;
  }
  if(e->k==LIT||e->k==VAR) return e;
  E*a=simp(e->a); E*b=simp(e->b);
  if(a->k==LIT&&b->k==LIT){ uint64_t x=a->v,y=b->v;
    switch(e->k){ case ADD: return lit(x+y); case MUL: return lit(x*y); case SUB: return lit(x-y); default: return lit(x^y);} }
  if(e->k==ADD && a->k==LIT && a->v==0) return b;
  E*n=mk(e->k); n->a=a; n->b=b; return n;
}
static uint32_t size(E*e){ if(e->k>=ADD) return 1+size(e->a)+size(e->b); if(e->k==NEG||e->k==NOT) return 1+size(e->a); return 1; }
#define ROUNDS 200
#define DEPTH 20
#define EVALS 20
#define SLOTS 10000
#define PASSES 500
int main(void){
  uint64_t acc=0;
  for(int round=0;round<ROUNDS;round++){
    for(int i=0;i<16;i++) env[i]=(int64_t)rnd()-0x40000000;
    E*t=gen(DEPTH); E*s=simp(t);
    acc=mix(acc,size(t)); acc=mix(acc,size(s));
    for(uint32_t k=0;k<EVALS;k++){
      int i=k&15; env[i]=(int64_t)((uint64_t)env[i]+(uint64_t)k*0x9E3779B9ull);
      int64_t v=ev(t); if(v!=ev(s)) abort();
      acc=mix(acc,(uint64_t)v);
    }
  }
  // slots: kind 0 null 1 i31 2 lit
  static int kind[SLOTS]; static int32_t i31[SLOTS]; static int64_t box[SLOTS];
  for(int i=0;i<SLOTS;i++){ uint32_t r=rnd();
    if(r%5==0){kind[i]=2; box[i]=(int64_t)((uint64_t)r*1000003ull);}
    else if(r%5==1) kind[i]=0;
    else {kind[i]=1; uint32_t s=(r>>3)&0x7fffffff; i31[i]=(int32_t)(s<<1)>>1;}
  }
  for(uint32_t p=0;p<PASSES;p++){
    uint64_t sum=0;
    for(int i=0;i<SLOTS;i++){
      if(kind[i]==1){ int32_t v=i31[i]; sum+=(uint64_t)(int64_t)v; uint32_t n=((uint32_t)v*3u+p)&0x7fffffff; i31[i]=(int32_t)(n<<1)>>1; }
      else if(kind[i]==2){ sum+=(uint64_t)box[i]; if((p&7)==0) box[i]^=(int64_t)p; }
      else sum+=p;
    }
    acc=mix(acc,sum);
  }
  printf("%llu %lld\n",(unsigned long long)acc,(long long)acc);
}
