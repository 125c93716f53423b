#!/usr/bin/env python3
# Writes rerolled_recurrences.wast and rerolled_recurrence_traps.wast (next to this file): window
# loops as clang leaves them (loaded values carried in locals), with the expected results from
# simulating each loop exactly as the Wasm is written. Run it after changing the kernels below.
import os
import struct
HERE = os.path.dirname(os.path.abspath(__file__))
MEM = 65536
def wrap(x): return x & 0xffffffff
def s32(x): x &= 0xffffffff; return x - (1 << 32) if x >= 1 << 31 else x

class Mem:
    def __init__(self): self.b = bytearray(MEM)
    def ld(self, a):
        if a < 0 or a + 4 > MEM: raise IndexError
        return struct.unpack_from('<I', self.b, a)[0]
    def st(self, a, v):
        if a < 0 or a + 4 > MEM: raise IndexError
        struct.pack_into('<I', self.b, a, wrap(v))

def init(m, at, n):
    for i in range(n): m.st(at + 4 * i, (i * 7 + 3) % 101)

def checksum(m, at, n):
    s = 0
    for i in range(n): s = wrap(s + (i + 1) * m.ld(at + 4 * i))
    return s

# Kernels: (name, k, window m, body description)
# w3: b[e] = x[e-1] + 2 x[e] + x[e+1]; two-point w2: b[e] = 3 x[e-1] - x[e]
def run_w3(m, k, b, a, start, end):
    # window: l1 = a[j-1], l0 = a[j] relative to j (bytes): a + j, a + j + 4; feeders a + j + 8 + 4c
    j = start
    l1 = m.ld(a + j); l0 = m.ld(a + j + 4)
    while True:
        xs = [l1, l0]
        for c in range(k):
            x = m.ld(a + j + 8 + 4 * c)
            xs.append(x)
            m.st(b + j + 4 + 4 * c, xs[c] + 2 * xs[c + 1] + xs[c + 2])
        l1, l0 = xs[-2], xs[-1]
        j = wrap(j + 4 * k)
        if j == end: break

def run_w2(m, k, b, a, start, end):
    j = start
    l0 = m.ld(a + j)
    while True:
        xs = [l0]
        for c in range(k):
            x = m.ld(a + j + 4 + 4 * c)
            xs.append(x)
            m.st(b + j + 4 * c, 3 * xs[c] - xs[c + 1])
        l0 = xs[-1]
        j = wrap(j + 4 * k)
        if j == end: break

def wat_w3(k):
    name = f"w3_k{k}"
    out = [f'  ;; b[e] = x[e-1] + 2 x[e] + x[e+1], {k} copies, the window (x[e-1], x[e]) in locals.',
           f'  (func (export "{name}") (param $b i32) (param $a i32) (param $start i32) (param $end i32)',
           '    (local $j i32) (local $l1 i32) (local $l0 i32) (local $pa i32) (local $pb i32)' +
           ''.join(f' (local $x{c} i32)' for c in range(k)),
           '    (local.set $j (local.get $start))',
           '    (local.set $l1 (i32.load (i32.add (local.get $a) (local.get $j))))',
           '    (local.set $l0 (i32.load offset=4 (i32.add (local.get $a) (local.get $j))))',
           '    (loop $top',
           '      (local.set $pa (i32.add (local.get $a) (local.get $j)))',
           '      (local.set $pb (i32.add (local.get $b) (local.get $j)))']
    names = ['$l1', '$l0'] + [f'$x{c}' for c in range(k)]
    for c in range(k):
        out.append(f'      (local.set $x{c} (i32.load offset={8 + 4 * c} (local.get $pa)))')
        p, q, r = names[c], names[c + 1], names[c + 2]
        out.append(f'      (i32.store offset={4 + 4 * c} (local.get $pb) (i32.add (i32.add (local.get {p}) '
                   f'(i32.shl (local.get {q}) (i32.const 1))) (local.get {r})))')
    out.append(f'      (local.set $l1 (local.get {names[-2]}))')
    out.append(f'      (local.set $l0 (local.get {names[-1]}))')
    out.append(f'      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const {4 * k}))) (local.get $end)))))')
    return name, out

def wat_w2(k):
    name = f"w2_k{k}"
    out = [f'  ;; b[e] = 3 x[e-1] - x[e], {k} copies, the window (x[e-1]) in a local.',
           f'  (func (export "{name}") (param $b i32) (param $a i32) (param $start i32) (param $end i32)',
           '    (local $j i32) (local $l0 i32) (local $pa i32) (local $pb i32)' +
           ''.join(f' (local $x{c} i32)' for c in range(k)),
           '    (local.set $j (local.get $start))',
           '    (local.set $l0 (i32.load (i32.add (local.get $a) (local.get $j))))',
           '    (loop $top',
           '      (local.set $pa (i32.add (local.get $a) (local.get $j)))',
           '      (local.set $pb (i32.add (local.get $b) (local.get $j)))']
    names = ['$l0'] + [f'$x{c}' for c in range(k)]
    for c in range(k):
        out.append(f'      (local.set $x{c} (i32.load offset={4 + 4 * c} (local.get $pa)))')
        out.append(f'      (i32.store offset={4 * c} (local.get $pb) (i32.sub (i32.mul (local.get {names[c]}) '
                   f'(i32.const 3)) (local.get {names[c + 1]})))')
    out.append(f'      (local.set $l0 (local.get {names[-1]}))')
    out.append(f'      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const {4 * k}))) (local.get $end)))))')
    return name, out

kernels = [(wat_w3, run_w3, 2), (wat_w3, run_w3, 4), (wat_w2, run_w2, 2), (wat_w2, run_w2, 8)]
HEADER = [
    ';; Rerolling loops that carry loaded values in locals (`codegen/reroll/`, `Loop::window`): clang',
    ';; reads `a[e-1]`, `a[e]` once and passes them on (x[e-1] + 2 x[e] + x[e+1]: a window of two),',
    ';; the body unrolled by 2, 4 or 8 copies. The smaller loop keeps the window in the same phis and',
    ';; must load and store in the original order: here arrays that overlap either way (each result',
    ';; then feeds later ones). Expected values come from simulating each loop as written (the',
    ';; generator, tests/wast/gen_rerolled_recurrences.py, writes this file and the traps one).',
]
TRAP_HEADER = [
    ';; levels: 0 s 2/explicit',
    ';; The loops of rerolled_recurrences.wast with a load that runs off the end of memory in the last',
    ';; copy, after the stores of the copies before it: those stores are made. Not in guard mode at',
    ';; -O1 to -O3: rerolled, the loop vectorises, and a vector load off the end traps before its',
    ';; in-bounds lanes are stored (guard mode\'s documented limit, README "Not supported yet").',
]
lines = [
    '(module',
    '  (memory 1)',
    '  (func (export "init") (param $at i32) (param $n i32) (local $i i32)',
    '    (block $done (loop $next',
    '      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))',
    '      (i32.store (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 2)))',
    '        (i32.rem_u (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)) (i32.const 101)))',
    '      (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '      (br $next))))',
    '  (func (export "clear") (memory.fill (i32.const 0) (i32.const 0) (i32.const 65536)))',
    '  (func (export "checksum") (param $at i32) (param $n i32) (result i32) (local $i i32) (local $s i32)',
    '    (block $done (loop $next',
    '      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))',
    '      (local.set $s (i32.add (local.get $s) (i32.mul (i32.add (local.get $i) (i32.const 1))',
    '        (i32.load (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 2)))))))',
    '      (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '      (br $next)))',
    '    (local.get $s))',
]
for wat, _, k in kernels:
    _, body = wat(k)
    lines += body
lines.append(')')
module = lines
A = 4096
N = 600  # words initialised at A
cases = []
for wat, run, k in kernels:
    name, _ = wat(k)
    # (b, start, end): disjoint, overlapping each way, the same array
    for b in [A + 8192, A + 4, A - 4, A, A + 8]:
        start, iters = 16, 37
        end = start + 4 * k * iters
        m = Mem(); init(m, A, N)
        run(m, k, b, A, start, end)
        lo = min(A, b) - 64
        cases.append((name, b, start, end, None, lo, checksum(m, lo, N + 64)))
    # a load runs off the end of memory: the feeder of the last copy, after this iteration's stores
    b = A
    start = 0
    end = start + 4 * k * 3
    feeder_offset = 8 if run is run_w3 else 4
    a = MEM - 8 * k - feeder_offset - 4 * (k - 1)
    m = Mem(); init(m, A, N); init(m, a, (MEM - a) // 4)
    try:
        run(m, k, b, a, start, end); trapped = False
    except IndexError:
        trapped = True
    assert trapped
    cases.append((name, b, start, end, a, A, checksum(m, A, 32)))
def script(header, cases):
    out = header + module[:]
    out.append('')
    for name, b, start, end, a_trap, lo, expect in cases:
        out.append('(invoke "clear")')
        out.append(f'(invoke "init" (i32.const {A}) (i32.const {N}))')
        if a_trap is None:
            out.append(f'(invoke "{name}" (i32.const {b}) (i32.const {A}) (i32.const {start}) (i32.const {end}))')
            out.append(f'(assert_return (invoke "checksum" (i32.const {lo}) (i32.const {N + 64})) (i32.const {s32(expect)}))')
        else:
            out.append(f'(invoke "init" (i32.const {a_trap}) (i32.const {(MEM - a_trap) // 4}))')
            out.append(f'(assert_trap (invoke "{name}" (i32.const {b}) (i32.const {a_trap}) (i32.const {start}) (i32.const {end})) "out of bounds memory access")')
            out.append(f'(assert_return (invoke "checksum" (i32.const {lo}) (i32.const 32)) (i32.const {s32(expect)}))')
    return '\n'.join(out) + '\n'
plain = [c for c in cases if c[4] is None]
traps = [c for c in cases if c[4] is not None]
open(os.path.join(HERE, 'rerolled_recurrences.wast'), 'w').write(script(HEADER, plain))
open(os.path.join(HERE, 'rerolled_recurrence_traps.wast'), 'w').write(script(TRAP_HEADER, traps))
