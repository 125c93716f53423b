# A model of benches/gc/linked_list.wat, independent of any Wasm engine: prints the checksum the
# module must print (its $expected; as signed i64 second). Keep N and R equal to $n and $rounds.
M=(1<<64)-1
N=200000; R=20
seed=0x2545F4914F6CDD1D
def rnd():
    global seed
    seed=(seed*6364136223846793005+1442695040888963407)&M
    return seed>>33
def mix(a,v): return ((a*1000003)&M)^v
def h(xs):
    r=0
    for x in xs: r=(r*31+x)&M
    return r
acc=0; kept=[]
for r in range(R):
    gen=[rnd() for _ in range(N)]
    l=gen[::-1]
    acc=mix(acc,sum(l)&M)
    l=l[::-1]
    acc=mix(acc,h(l))
    m=sorted(x*3+r for x in l)
    hh=h(m); acc=mix(acc,hh); kept.append(hh)
acc=mix(acc,sum(kept)&M)
print(acc, acc-(1<<64) if acc>=1<<63 else acc)
