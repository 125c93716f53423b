/* A model of benches/gc/arrays.wat, independent of any Wasm engine: prints the checksum the module
 * must print (its $expected). Keep the sizes equal to the module's globals.
 * clang-19 -O2 arrays.c -lm && ./a.out */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#define SIEVE_N 4000000
#define SIEVE_REPS 16
#define MAT_N 200
#define MAT_ITERS 16
#define SORT_N 1000000
#define INSERT_N 20000
static uint64_t seed = 0x9E3779B97F4A7C15ull;
static int32_t rnd(void){ seed = seed*6364136223846793005ull + 1442695040888963407ull; return (int32_t)(uint32_t)(seed>>33); }
static uint64_t mix(uint64_t a, uint64_t v){ return (a*1000003ull)^v; }
static int cmp(const void*a,const void*b){ int32_t x=*(int32_t*)a,y=*(int32_t*)b; return x<y?-1:x>y; }
static uint64_t sh(int32_t*a,int n){ uint64_t h=0; for(int i=0;i<n;i++){ if(i&&a[i]<a[i-1]) abort(); h=h*31+(uint64_t)(uint32_t)a[i];} return h; }
int main(void){
  uint64_t acc=0;
  for(int r=0;r<SIEVE_REPS;r++){
    int n=SIEVE_N-r; char*s=malloc(n); memset(s,1,n); s[0]=s[1]=0;
    for(long i=2;i*i<n;i++) if(s[i]) for(long j=i*i;j<n;j+=i) s[j]=0;
    uint32_t c=0; for(int i=0;i<n;i++) c+=s[i];
    acc=mix(acc,(uint64_t)(uint32_t)(c+r)); free(s);
  }
  static double A[MAT_N][MAT_N],B[MAT_N][MAT_N],C[MAT_N][MAT_N],base[2*MAT_N];
  int n=MAT_N;
  for(int i=0;i<n;i++)for(int j=0;j<n;j++)A[i][j]=(double)((uint32_t)(i*31+j*17)%64);
  for(int k=0;k<2*n;k++)base[k]=(double)((k*k*7+3)&7);
  for(int i=0;i<n;i++)for(int j=0;j<n;j++)B[i][j]=base[(i*13)%n+j];
  for(int it=0;it<MAT_ITERS;it++){
    double tot=0;
    for(int i=0;i<n;i++)for(int j=0;j<n;j++){ double s=0; for(int k=0;k<n;k++) s+=A[i][k]*B[k][j]; tot+=s; C[i][j]=s-64*floor(s/64);}
    memcpy(A,C,sizeof A);
    acc=mix(acc,(uint64_t)(int64_t)tot);
  }
  int w[3]={1,3,7};
  for(int r=0;r<2;r++){ int m=SORT_N*w[r]; int32_t*a=malloc(4*m); for(int i=0;i<m;i++)a[i]=rnd(); qsort(a,m,4,cmp); acc=mix(acc,sh(a,m)); free(a);}
  { int m=INSERT_N; int32_t*a=malloc(4*m); for(int i=0;i<m;i++)a[i]=rnd(); qsort(a,m,4,cmp); acc=mix(acc,sh(a,m)); free(a);}
  acc=mix(acc,3);
  printf("%llu %lld\n",(unsigned long long)acc,(long long)acc);
}
