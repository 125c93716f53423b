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
class Kernel:
    """`b[e] = f(x[e-1] .. x[e+m-1])`: the first m terms (the window) carried in locals from one
    element to the next, the last one loaded (`x[e-1]` at `a + j`, `b[e]` at `b + j + 4 (m - 1)`),
    the body unrolled `k` times."""
    def __init__(self, tag, k, m, describe, value, wat_value):
        self.name, self.k, self.m = f"{tag}_k{k}", k, m
        self.describe, self.value, self.wat_value = describe, value, wat_value

    def run(self, mem, b, a, start, end):
        k, m, j = self.k, self.m, start
        window = [mem.ld(a + j + 4 * i) for i in range(m)]
        while True:
            xs = window[:]
            for c in range(k):
                xs.append(mem.ld(a + j + 4 * m + 4 * c))
                mem.st(b + j + 4 * (m - 1) + 4 * c, self.value(xs[c:c + m + 1]))
            window = xs[-m:]
            j = wrap(j + 4 * k)
            if j == end: break

    def wat(self):
        k, m = self.k, self.m
        window = [f'$l{m - 1 - i}' for i in range(m)]
        # The window is the formula's first m terms, x[e-1] onwards.
        terms = ', '.join('x[e-1]' if i == 0 else 'x[e]' if i == 1 else f'x[e+{i - 1}]' for i in range(m))
        out = [f'  ;; {self.describe}, {k} copies, the window ({terms}) in {"locals" if m > 1 else "a local"}.',
               f'  (func (export "{self.name}") (param $b i32) (param $a i32) (param $start i32) (param $end i32)',
               '    (local $j i32)' + ''.join(f' (local {w} i32)' for w in window) + ' (local $pa i32) (local $pb i32)' +
               ''.join(f' (local $x{c} i32)' for c in range(k)),
               '    (local.set $j (local.get $start))']
        for i, w in enumerate(window):
            offset = f' offset={4 * i}' if i else ''
            out.append(f'    (local.set {w} (i32.load{offset} (i32.add (local.get $a) (local.get $j))))')
        out += ['    (loop $top',
                '      (local.set $pa (i32.add (local.get $a) (local.get $j)))',
                '      (local.set $pb (i32.add (local.get $b) (local.get $j)))']
        names = window + [f'$x{c}' for c in range(k)]
        for c in range(k):
            out.append(f'      (local.set $x{c} (i32.load offset={4 * m + 4 * c} (local.get $pa)))')
            out.append(f'      (i32.store offset={4 * (m - 1) + 4 * c} (local.get $pb) {self.wat_value(names[c:c + m + 1])})')
        for w, v in zip(window, names[-m:]):
            out.append(f'      (local.set {w} (local.get {v}))')
        out.append(f'      (br_if $top (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const {4 * k}))) (local.get $end)))))')
        return out

def w3(k):
    return Kernel('w3', k, 2, 'b[e] = x[e-1] + 2 x[e] + x[e+1]', lambda x: x[0] + 2 * x[1] + x[2],
                  lambda n: f'(i32.add (i32.add (local.get {n[0]}) (i32.shl (local.get {n[1]}) (i32.const 1))) (local.get {n[2]}))')

def w2(k):
    return Kernel('w2', k, 1, 'b[e] = 3 x[e-1] - x[e]', lambda x: 3 * x[0] - x[1],
                  lambda n: f'(i32.sub (i32.mul (local.get {n[0]}) (i32.const 3)) (local.get {n[1]}))')

kernels = [w3(2), w3(4), w2(2), w2(8)]
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
for kernel in kernels:
    lines += kernel.wat()
lines.append(')')
module = lines
A = 4096
N = 600  # words initialised at A
cases = []
for kernel in kernels:
    name, k = kernel.name, kernel.k
    # (b, start, end): disjoint, overlapping each way, the same array
    for b in [A + 8192, A + 4, A - 4, A, A + 8]:
        start, iters = 16, 37
        end = start + 4 * k * iters
        m = Mem(); init(m, A, N)
        kernel.run(m, b, A, start, end)
        lo = min(A, b) - 64
        cases.append((name, b, start, end, None, lo, checksum(m, lo, N + 64)))
    # a load runs off the end of memory: the feeder of the last copy, after this iteration's stores
    b = A
    start = 0
    end = start + 4 * k * 3
    a = MEM - 8 * k - 4 * kernel.m - 4 * (k - 1)
    m = Mem(); init(m, A, N); init(m, a, (MEM - a) // 4)
    try:
        kernel.run(m, b, a, start, end); trapped = False
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
