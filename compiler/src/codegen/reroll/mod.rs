//! Rerolling: a loop its producer unrolled becomes one iteration of the loop it was.
//!
//! clang compiles loops for wasm32 without SIMD, so where native code gets a vector loop, the Wasm
//! gets the loop vectoriser's fallback: the body twice (or more) per iteration, the counter
//! stepping by two elements (`j += 16; j != n`). Given that body, LLVM's loop vectoriser sees
//! interleaved accesses (`C[j]`, `C[j+1]` as groups of stride 2) and builds a vector loop that
//! shuffles every load and store apart and back together: `gemm` ran at 1.8× native that way.
//! Taking the copies apart again gives it the loop native code was vectorised from.
//!
//! Only loops whose trip count translation made exact are rerolled (`ir::loop_marks`): the fast
//! copy of a counted loop, which runs when the distance to the bound is a multiple of the step.
//! Such a loop of one block, whose phis are induction variables stepping by constants that `k`
//! divides, or recurrences carrying loaded values on (`a[e-1]`, `a[e]` of a stencil, read once
//! and passed along: their window, `Loop::window`), is `k` copies of one iteration when:
//! - its stores split into `k` orbits: copy `c`'s store is copy 0's with every induction variable
//!   moved on by `c` steps of the smaller loop — address, stored value and what it was computed
//!   from, compared as expressions that are linear in the induction variables (`Expr`), a value
//!   of the window compared by how many copies before or after it was loaded;
//! - each copy's loads and stores (those its stores' values and addresses read) come in the
//!   same order as copy 0's, each the counterpart of copy 0's at that place, a load also seeing
//!   as many of its own copy's stores before it;
//! - copies follow each other: every store of a copy comes after every memory access of an
//!   earlier copy and before every one of a later copy. So the smaller loop stores the same bytes
//!   in the same order and traps, out of bounds, at the same access with the same memory behind it.
//!
//! Then every step is divided by `k`, copy 0 stays and the other copies' stores go (the values
//! only they used die with them); copy 0's loads vouch for their counterparts' (`kept_loads`), and
//! copy 0's instructions lose the flags (`nsw`, `exact`, ...) that held for its values only. Copy
//! 0's reads of a step read a `phi + step` of their own, and the window's phis pass their values
//! on one copy at a time. A
//! value used after the loop must be linear in the induction variables; it is recomputed from the
//! phis of the smaller loop's last iteration, which ran the last copy of the original's.

mod instructions;
mod linear;

use crate::ir::load_tags;
use crate::ir::loop_marks;
use inkwell::llvm_sys::core::*;
use inkwell::llvm_sys::prelude::{LLVMBasicBlockRef, LLVMContextRef, LLVMValueRef};
use inkwell::llvm_sys::{LLVMIntPredicate, LLVMOpcode, LLVMTypeKind};
use inkwell::module::Module;
use instructions::{allowed, drop_value_facts, inverse, is_access, is_load, iv, swapped, users};
use linear::{mask, Atom, Expr, Exprs};
use std::collections::{HashMap, HashSet};

/// Bodies with more instructions than this are left alone (the matching is quadratic at worst).
const MAX_BODY: usize = 400;
/// The unroll factors tried, the largest first.
const FACTORS: std::ops::RangeInclusive<i64> = 2..=8;
/// Rerolls every marked loop of `module` that is unrolled copies of one iteration; returns how
/// many it rerolled.
pub fn reroll(module: &Module<'_>) -> usize {
    let ctx = module.get_context().raw();
    let mut done = 0;
    for f in module.get_functions() {
        for bb in f.get_basic_block_iter() {
            let bb = bb.as_mut_ptr();
            // SAFETY: `bb` is a live block of `module`; everything below reads or edits only it.
            if unsafe { Loop::of(ctx, bb) }.is_some_and(|l| unsafe { l.reroll(ctx) }) {
                done += 1;
            }
        }
    }
    done
}

/// An induction variable: `phi = [start, preheader], [inc, body]`, `inc = phi + step`.
struct Iv {
    phi: LLVMValueRef,
    inc: LLVMValueRef,
    /// The operand of `inc` that holds the step.
    step_operand: u32,
    step: i64,
    /// `inc` subtracts: the constant is minus the step.
    subtracts: bool,
}

/// A phi carrying a loaded value to the next iteration: `phi = [start, preheader], [next, body]`
/// with `next` a load of the body (what LLVM makes of `a[j-1]` in a loop that also reads `a[j]`).
struct Recurrence {
    phi: LLVMValueRef,
    next: LLVMValueRef,
    /// The index of `next` among the phi's incoming values.
    from_body: u32,
}

/// A one-block loop with a marked latch, its phis induction variables or recurrences.
struct Loop {
    body: LLVMBasicBlockRef,
    latch: LLVMValueRef,
    ivs: Vec<Iv>,
    recurrences: Vec<Recurrence>,
    /// The body's instructions in order.
    insts: Vec<LLVMValueRef>,
    /// Body values other than the steps used after the loop.
    live_out: Vec<LLVMValueRef>,
}

/// What a memory access is compared by: loads by their `Atom`, stores by address and value.
#[derive(PartialEq, Debug)]
enum Access {
    Load(Expr),
    Store { addr: Expr, value: Expr, align: u32 },
}

impl Loop {
    /// The loop `body` closes with its marked latch, if it is one block whose phis are all
    /// induction variables, with no value but their steps used after it.
    unsafe fn of(ctx: LLVMContextRef, body: LLVMBasicBlockRef) -> Option<Loop> {
        let latch = LLVMGetBasicBlockTerminator(body);
        if latch.is_null()
            || LLVMGetInstructionOpcode(latch) != LLVMOpcode::LLVMBr
            || LLVMIsConditional(latch) == 0
            || !(0..2).any(|i| LLVMGetSuccessor(latch, i) == body)
            || !loop_marks::is_evenly_counted(ctx, latch)
        {
            return None;
        }
        let mut insts = vec![];
        let mut i = LLVMGetFirstInstruction(body);
        while !i.is_null() {
            insts.push(i);
            if insts.len() > MAX_BODY {
                return None;
            }
            i = LLVMGetNextInstruction(i);
        }
        let (mut ivs, mut recurrences) = (vec![], vec![]);
        for &phi in insts.iter().take_while(|&&i| !LLVMIsAPHINode(i).is_null()) {
            if LLVMCountIncoming(phi) != 2 {
                return None;
            }
            let from_body = (0..2).find(|&i| LLVMGetIncomingBlock(phi, i) == body)?;
            if LLVMGetIncomingBlock(phi, 1 - from_body) == body {
                return None;
            }
            let next = LLVMGetIncomingValue(phi, from_body);
            match iv(phi, next, body) {
                Some(iv) => ivs.push(iv),
                None if is_load(next) && LLVMGetInstructionParent(next) == body => {
                    recurrences.push(Recurrence { phi, next, from_body })
                }
                None => return None,
            }
        }
        if ivs.is_empty() {
            return None;
        }
        let mut l = Loop { body, latch, ivs, recurrences, insts, live_out: vec![] };
        // The rerolled loop ends with the same step values, but not with the same values of
        // anything else: those used after it are recomputed from the steps (`LiveOut`).
        for &i in &l.insts {
            if !l.is_inc(i) && users(i).into_iter().any(|u| LLVMGetInstructionParent(u) != body) {
                l.live_out.push(i);
            }
        }
        Some(l)
    }

    /// Tries the factors, the largest first; rerolls by the first that fits.
    unsafe fn reroll(&self, ctx: LLVMContextRef) -> bool {
        if !self.insts.iter().all(|&i| allowed(i)) {
            return false;
        }
        let Some(exit) = self.exit_test() else { return false };
        let Some(live_out) = self.live_out.iter().map(|&v| self.live_out_of(v)).collect::<Option<Vec<_>>>() else {
            return false;
        };
        for k in FACTORS.rev() {
            if self.ivs.iter().all(|iv| iv.step % k == 0) {
                let Some(moved_bound) = exit.moved_bound(k) else { continue };
                if let Some(plan) = self.plan(k) {
                    self.apply(ctx, k, &plan, &exit, moved_bound);
                    for l in &live_out {
                        self.recompute_after(ctx, k, l);
                    }
                    return true;
                }
            }
        }
        false
    }

    /// A value used after the loop, if it is linear in induction variables of its own width:
    /// `c + sum of a_i * phi_i`. The last iteration of the loop rerolled by `k` runs copy `k - 1`
    /// of the last one before, its phis `(k - 1) * step_i / k` further on, so the value is
    /// recomputed from them (`recompute_after`). From the phis, not the steps: LLVM may have made
    /// a step `add nuw` that wraps, into poison, on the last iteration.
    unsafe fn live_out_of(&self, v: LLVMValueRef) -> Option<LiveOut> {
        let ty = LLVMTypeOf(v);
        if LLVMGetTypeKind(ty) != LLVMTypeKind::LLVMIntegerTypeKind || LLVMGetIntTypeWidth(ty) > 64 {
            return None;
        }
        let mut e = Exprs::new(self, 0, 1, None).looking_at_nothing_outside();
        let expr = e.of(v);
        let mut terms = vec![];
        for (atom, &a) in &expr.terms {
            let Atom::Iv(i) = atom else { return None };
            if LLVMTypeOf(self.ivs[*i].phi) != ty {
                return None;
            }
            terms.push((*i, a));
        }
        Some(LiveOut { value: v, terms, c: expr.k, bits: expr.bits })
    }

    /// Builds `l`'s value as the original loop left it, at the end of the body rerolled by `k`,
    /// for its uses after the loop.
    unsafe fn recompute_after(&self, ctx: LLVMContextRef, k: i64, l: &LiveOut) {
        let ty = LLVMTypeOf(l.value);
        let mut c = l.c;
        for &(i, a) in &l.terms {
            let back = ((k - 1) * (self.ivs[i].step / k)) as u64;
            c = c.wrapping_sub(a.wrapping_mul(back)) & mask(l.bits);
        }
        let builder = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderBefore(builder, self.latch);
        let mut v = LLVMConstInt(ty, c, 0);
        for &(i, a) in &l.terms {
            let term = LLVMBuildMul(builder, self.ivs[i].phi, LLVMConstInt(ty, a, 0), c"".as_ptr());
            v = LLVMBuildAdd(builder, v, term, c"".as_ptr());
        }
        LLVMDisposeBuilder(builder);
        for u in users(l.value) {
            if LLVMGetInstructionParent(u) == self.body {
                continue;
            }
            for n in 0..LLVMGetNumOperands(u) as u32 {
                if LLVMGetOperand(u, n) == l.value {
                    LLVMSetOperand(u, n, v);
                }
            }
        }
    }

    fn first_non_phi(&self) -> LLVMValueRef {
        // SAFETY: the body's instructions are live; a block ends with its (non-phi) terminator.
        unsafe { *self.insts.iter().find(|&&i| LLVMIsAPHINode(i).is_null()).unwrap_or(&self.latch) }
    }

    fn position(&self, i: LLVMValueRef) -> usize {
        self.insts.iter().position(|&x| x == i).unwrap_or(usize::MAX)
    }

    fn is_inc(&self, i: LLVMValueRef) -> bool {
        self.ivs.iter().any(|iv| iv.inc == i)
    }

    /// The latch's test, if it stays exact with a smaller step: `x != end`, `x <u end`, `x <s end`
    /// (`>` stepping down), `x` a step with `end` from outside the loop, or a phi with `end` a
    /// constant (which `ExitTest::moved_bound` moves on for the smaller step).
    unsafe fn exit_test(&self) -> Option<ExitTest> {
        let cond = LLVMGetCondition(self.latch);
        if LLVMGetInstructionOpcode(cond) != LLVMOpcode::LLVMICmp
            || LLVMGetInstructionParent(cond) != self.body
            || users(cond) != [self.latch]
        {
            return None;
        }
        let mut pred = LLVMGetICmpPredicate(cond);
        if LLVMGetSuccessor(self.latch, 0) != self.body {
            pred = inverse(pred);
        }
        let (mut a, mut b) = (LLVMGetOperand(cond, 0), LLVMGetOperand(cond, 1));
        if self.defined_inside(a) == self.defined_inside(b) {
            return None;
        }
        if self.defined_inside(b) {
            (a, b) = (b, a);
            pred = swapped(pred);
        }
        let (i, before_step) = match self.ivs.iter().position(|iv| iv.inc == a) {
            Some(i) => (i, false),
            None => (self.ivs.iter().position(|iv| iv.phi == a)?, true),
        };
        let iv = &self.ivs[i];
        use LLVMIntPredicate::*;
        let up = iv.step > 0;
        let arithmetic = matches!(LLVMGetInstructionOpcode(iv.inc), LLVMOpcode::LLVMAdd | LLVMOpcode::LLVMSub);
        let flags_hold = match pred {
            LLVMIntNE => true,
            LLVMIntULT => up && arithmetic && !iv.subtracts && LLVMGetNUW(iv.inc) != 0,
            LLVMIntSLT => up && arithmetic && LLVMGetNSW(iv.inc) != 0,
            LLVMIntSGT => !up && arithmetic && LLVMGetNSW(iv.inc) != 0,
            // Stepping down, LLVM tests `x >s b` as `x >u b` once it knows the counter is not
            // negative; the entry test keeps it from crossing the bound (no flag says so).
            LLVMIntUGT => !up && arithmetic,
            _ => false,
        };
        if !flags_hold {
            return None;
        }
        let bound = if before_step {
            if LLVMIsAConstantInt(b).is_null() || LLVMGetIntTypeWidth(LLVMTypeOf(b)) > 64 {
                return None;
            }
            let operand = if LLVMGetOperand(cond, 1) == b { 1 } else { 0 };
            Some(PhiBound { operand, step: iv.step })
        } else {
            None
        };
        Some(ExitTest { cond, pred, bound })
    }

    fn defined_inside(&self, v: LLVMValueRef) -> bool {
        // SAFETY: `v` is a live value of the loop's function.
        unsafe { !LLVMIsAInstruction(v).is_null() && LLVMGetInstructionParent(v) == self.body }
    }

    /// Whether the body is `k` copies of one iteration (the module comment's conditions): the
    /// copies, if so.
    unsafe fn plan(&self, k: i64) -> Option<Plan> {
        let window = self.window(k)?;
        let stores: Vec<LLVMValueRef> =
            self.insts.iter().copied().filter(|&i| LLVMGetInstructionOpcode(i) == LLVMOpcode::LLVMStore).collect();
        if stores.is_empty() || !stores.len().is_multiple_of(k as usize) {
            return None;
        }
        // The orbits, by address alone: copy c's store is at copy 0's address moved on c steps.
        let address = |shift: i64, s: LLVMValueRef| {
            let mut e = Exprs::new(self, shift, k, None);
            e.of(LLVMGetOperand(s, 1))
        };
        let at_zero: HashMap<Expr, LLVMValueRef> = stores.iter().map(|&s| (address(0, s), s)).collect();
        if at_zero.len() != stores.len() {
            return None;
        }
        let full: Vec<Vec<LLVMValueRef>> = stores
            .iter()
            .filter_map(|&s| (0..k).map(|c| at_zero.get(&address(c, s)).copied()).collect::<Option<Vec<_>>>())
            .collect();
        // An orbit starts at a store no other orbit moves onto.
        let moved_onto: Vec<LLVMValueRef> = full.iter().flat_map(|o| o[1..].iter().copied()).collect();
        let orbits: Vec<Vec<LLVMValueRef>> = full.into_iter().filter(|o| !moved_onto.contains(&o[0])).collect();
        // The orbits must cover every store exactly once.
        let mut covered = HashSet::new();
        if !orbits.iter().flatten().all(|&t| covered.insert(t)) || covered.len() != stores.len() {
            return None;
        }
        let k = k as usize;
        // Each copy's slice: what its stores' addresses and values, and the load it feeds the
        // window with, are computed from (the window values of other copies are theirs).
        let mut slices: Vec<Vec<LLVMValueRef>> = vec![vec![]; k];
        let mut member: HashMap<LLVMValueRef, Vec<usize>> = HashMap::new();
        let mut step_reads = vec![];
        for (c, slice) in slices.iter_mut().enumerate() {
            let mut stack: Vec<LLVMValueRef> = orbits.iter().map(|o| o[c]).collect();
            stack.extend(window.feeders.get(c));
            while let Some(i) = stack.pop() {
                if member.get(&i).is_some_and(|m| m.contains(&c)) {
                    continue;
                }
                member.entry(i).or_default().push(c);
                slice.push(i);
                for n in 0..LLVMGetNumOperands(i) as u32 {
                    let o = LLVMGetOperand(i, n);
                    if !self.defined_inside(o) || !LLVMIsAPHINode(o).is_null() {
                        continue;
                    }
                    if window.copy_of.get(&o).is_some_and(|&f| f != c as i64) {
                        continue;
                    }
                    if let Some(iv) = self.ivs.iter().position(|iv| iv.inc == o) {
                        // Copy 0 stays, and the step it reads changes: it reads `phi + step`
                        // of its own instead (`apply`).
                        if c == 0 {
                            step_reads.push(StepRead { user: i, operand: n, iv });
                        }
                        continue;
                    }
                    stack.push(o);
                }
            }
        }
        // Every load belongs to a copy; nothing else in the body has an effect or is used.
        for &i in &self.insts {
            let op = LLVMGetInstructionOpcode(i);
            if op == LLVMOpcode::LLVMLoad && !member.contains_key(&i) {
                return None;
            }
        }
        let accesses: Vec<Vec<LLVMValueRef>> = slices
            .iter()
            .map(|s| {
                let mut a: Vec<LLVMValueRef> = s.iter().copied().filter(|&i| is_access(i)).collect();
                a.sort_by_key(|&i| self.position(i));
                a
            })
            .collect();
        // Copies follow each other.
        let stores_of = |c: usize| accesses[c].iter().filter(|&&i| !is_load(i)).map(|&i| self.position(i));
        for a in 0..k {
            for b in a + 1..k {
                let last_store_a = stores_of(a).max()?;
                let first_b = accesses[b].iter().map(|&i| self.position(i)).min()?;
                let last_a = accesses[a].iter().map(|&i| self.position(i)).max()?;
                let first_store_b = stores_of(b).min()?;
                if last_store_a > first_b || last_a > first_store_b {
                    return None;
                }
            }
        }
        // A load's epoch: how many stores of the copy looking at it come before it.
        let epochs_of = |c: usize| -> HashMap<LLVMValueRef, usize> {
            let mut seen = 0;
            let mut m = HashMap::new();
            for &i in &accesses[c] {
                if is_load(i) {
                    m.insert(i, seen);
                } else {
                    seen += 1;
                }
            }
            m
        };
        let describe = |e: &mut Exprs<'_>, i: LLVMValueRef| -> Access {
            if is_load(i) {
                Access::Load(e.definition(i))
            } else {
                Access::Store {
                    addr: e.of(LLVMGetOperand(i, 1)),
                    value: e.of(LLVMGetOperand(i, 0)),
                    align: LLVMGetAlignment(i),
                }
            }
        };
        let epochs0 = epochs_of(0);
        for c in 1..k {
            if accesses[c].len() != accesses[0].len() {
                return None;
            }
            let epochs_c = epochs_of(c);
            let mut moved = Exprs::new(self, c as i64, k as i64, Some(&epochs0)).seeing_window(&window.copy_of, 0);
            let mut own = Exprs::new(self, 0, k as i64, Some(&epochs_c)).seeing_window(&window.copy_of, c as i64);
            for (&x, &y) in accesses[0].iter().zip(&accesses[c]) {
                if is_load(x) != is_load(y) || describe(&mut moved, x) != describe(&mut own, y) {
                    return None;
                }
            }
            if moved.reads_ahead || own.reads_ahead {
                return None;
            }
        }
        let counterparts = (0..accesses[0].len())
            .filter(|&n| is_load(accesses[0][n]))
            .map(|n| (accesses[0][n], (1..k).map(|c| accesses[c][n]).collect()))
            .collect();
        let doomed = (1..k).flat_map(|c| orbits.iter().map(move |o| o[c])).collect();
        let kept = std::mem::take(&mut slices[0]);
        Some(Plan { doomed, kept, counterparts, step_reads, window_next: window.next })
    }

    /// The recurrence window of the body unrolled by `k`, if its phis have one. In the original
    /// sequence of iterations, each copy `c` loads one value `x[c]` (its feeder) that later
    /// iterations read, and the `m` recurrence phis hold the last `m` of them from the previous
    /// unrolled iteration, `x[k - m] .. x[k - 1]`, seen from copy 0 at `-m .. -1`. The feeders
    /// are found by their addresses: copy `c`'s is copy `c - 1`'s moved on by one step. The
    /// smaller loop keeps the window in the same phis, each taking the next one's value and the
    /// last taking copy 0's feeder; `plan` checks that every copy reads the window where copy 0
    /// does, moved on by its distance.
    unsafe fn window(&self, k: i64) -> Option<Window> {
        let m = self.recurrences.len() as i64;
        if m == 0 {
            return Some(Window { feeders: vec![], copy_of: HashMap::new(), next: vec![] });
        }
        if m > k {
            return None;
        }
        let loads: Vec<LLVMValueRef> = self.insts.iter().copied().filter(|&i| is_load(i)).collect();
        let (mut here, mut later) = (Exprs::new(self, 0, k, None), Exprs::new(self, 1, k, None));
        // Loads by address, type and alignment; each load's counterpart one copy later.
        let key = |e: &mut Exprs<'_>, l: LLVMValueRef| {
            (e.of(LLVMGetOperand(l, 0)), LLVMTypeOf(l) as usize, LLVMGetAlignment(l))
        };
        let mut at_here = HashMap::new();
        for &l in &loads {
            if at_here.insert(key(&mut here, l), l).is_some() {
                return None;
            }
        }
        let mut previous: HashMap<LLVMValueRef, LLVMValueRef> = HashMap::new();
        let mut following: HashMap<LLVMValueRef, LLVMValueRef> = HashMap::new();
        for &l in &loads {
            if let Some(&n) = at_here.get(&key(&mut later, l)) {
                previous.insert(n, l);
                following.insert(l, n);
            }
        }
        let nexts: Vec<LLVMValueRef> = self.recurrences.iter().map(|r| r.next).collect();
        // The last copy's feeder: the phis' load whose counterpart one copy later no phi takes.
        let mut last = nexts.iter().copied().filter(|n| !following.get(n).is_some_and(|a| nexts.contains(a)));
        let tail = last.next()?;
        if last.next().is_some() {
            return None;
        }
        let mut feeders = vec![tail];
        while feeders.len() < k as usize {
            let p = *previous.get(feeders.last()?)?;
            if feeders.contains(&p) {
                return None;
            }
            feeders.push(p);
        }
        feeders.reverse();
        let mut copy_of: HashMap<LLVMValueRef, i64> = feeders.iter().enumerate().map(|(c, &f)| (f, c as i64)).collect();
        // Each phi holds the feeder it takes, seen from copy 0 one unrolled iteration later.
        let mut phi_at = HashMap::new();
        for r in &self.recurrences {
            let c = *copy_of.get(&r.next)?;
            if c < k - m {
                return None;
            }
            copy_of.insert(r.phi, c - k);
            if phi_at.insert(c - k, r.phi).is_some() {
                return None;
            }
        }
        let next = self
            .recurrences
            .iter()
            .map(|r| {
                let at = copy_of[&r.phi] + 1;
                if at == 0 {
                    feeders[0]
                } else {
                    phi_at[&at]
                }
            })
            .collect();
        Some(Window { feeders, copy_of, next })
    }

    /// Divides the steps by `k`, removes the copies' stores, and lets copy 0 stand for them.
    unsafe fn apply(
        &self,
        ctx: LLVMContextRef,
        k: i64,
        plan: &Plan,
        exit: &ExitTest,
        moved_bound: Option<LLVMValueRef>,
    ) {
        for iv in &self.ivs {
            let c = LLVMGetOperand(iv.inc, iv.step_operand);
            let smaller = LLVMConstIntGetSExtValue(c) / k;
            LLVMSetOperand(iv.inc, iv.step_operand, LLVMConstInt(LLVMTypeOf(c), smaller as u64, 1));
        }
        if let (Some(bound), Some(moved)) = (&exit.bound, moved_bound) {
            LLVMSetOperand(exit.cond, bound.operand, moved);
        }
        for (r, &next) in self.recurrences.iter().zip(&plan.window_next) {
            LLVMSetOperand(r.phi, r.from_body, next);
        }
        if !plan.step_reads.is_empty() {
            let builder = LLVMCreateBuilderInContext(ctx);
            LLVMPositionBuilderBefore(builder, self.first_non_phi());
            for read in &plan.step_reads {
                let iv = &self.ivs[read.iv];
                let phi = iv.phi;
                let step = LLVMConstInt(LLVMTypeOf(LLVMGetOperand(iv.inc, iv.step_operand)), iv.step as u64, 1);
                let own = if LLVMGetInstructionOpcode(iv.inc) == LLVMOpcode::LLVMGetElementPtr {
                    let mut index = [step];
                    LLVMBuildGEP2(builder, LLVMInt8TypeInContext(ctx), phi, index.as_mut_ptr(), 1, c"".as_ptr())
                } else {
                    LLVMBuildAdd(builder, phi, step, c"".as_ptr())
                };
                LLVMSetOperand(read.user, read.operand, own);
            }
            LLVMDisposeBuilder(builder);
        }
        for &s in &plan.doomed {
            LLVMInstructionEraseFromParent(s);
        }
        for (load, others) in &plan.counterparts {
            load_tags::merge_scopes(ctx, *load, others);
        }
        for &i in &plan.kept {
            drop_value_facts(ctx, i);
        }
    }
}

/// A value used after the loop: `c + sum of a * phi_i` over `terms` `(i, a)`, modulo `2^bits`.
struct LiveOut {
    value: LLVMValueRef,
    terms: Vec<(usize, u64)>,
    c: u64,
    bits: u32,
}

/// The recurrence window of a body unrolled by `k` (`Loop::window`).
struct Window {
    /// Per copy, the load it feeds the window with.
    feeders: Vec<LLVMValueRef>,
    /// The copy that feeds each window value, its phis included (negative: a previous iteration).
    copy_of: HashMap<LLVMValueRef, i64>,
    /// Per recurrence, what its phi takes in the smaller loop.
    next: Vec<LLVMValueRef>,
}

/// Copy 0's instruction `user` reads the step of induction variable `iv` as operand `operand`.
struct StepRead {
    user: LLVMValueRef,
    operand: u32,
    iv: usize,
}

/// The copies of an unrolled body.
struct Plan {
    /// The stores of copies 1 and up.
    doomed: Vec<LLVMValueRef>,
    /// Copy 0's instructions.
    kept: Vec<LLVMValueRef>,
    /// Copy 0's loads and their counterparts in the other copies.
    counterparts: Vec<(LLVMValueRef, Vec<LLVMValueRef>)>,
    /// Copy 0's reads of steps, which must keep their values.
    step_reads: Vec<StepRead>,
    /// Per recurrence, what its phi takes in the smaller loop (`Window::next`).
    window_next: Vec<LLVMValueRef>,
}

/// The latch's test, read as "the loop goes on when `pred`".
struct ExitTest {
    cond: LLVMValueRef,
    pred: LLVMIntPredicate,
    /// When it tests the phi (not the step) against a constant: which operand that is. A test of
    /// the step stays as it is.
    bound: Option<PhiBound>,
}

/// The constant a latch tests an induction variable's phi against, and the variable's step.
struct PhiBound {
    operand: u32,
    step: i64,
}

impl ExitTest {
    /// The constant to test the phi against once the step is `step / k`, if it does not wrap.
    ///
    /// The latch tests `phi P c`, which holds on the loop's values exactly when `phi + step P
    /// c + step`: the loop ends when the step reaches `c + step`. With the smaller step it still
    /// must, that is, when `phi` reaches `c + step - step / k`. (Testing the step itself instead
    /// would read it where LLVM may have made it poison: `add nuw` on the last iteration.)
    unsafe fn moved_bound(&self, k: i64) -> Option<Option<LLVMValueRef>> {
        let Some(b) = &self.bound else { return Some(None) };
        let c = LLVMGetOperand(self.cond, b.operand);
        let ty = LLVMTypeOf(c);
        let bits = LLVMGetIntTypeWidth(ty);
        let by = (b.step - b.step / k) as i128;
        use LLVMIntPredicate::*;
        let moved = match self.pred {
            LLVMIntULT | LLVMIntUGT => {
                Some(LLVMConstIntGetZExtValue(c) as i128 + by).filter(|&m| m >= 0 && m <= mask(bits) as i128)
            }
            LLVMIntNE => Some(LLVMConstIntGetSExtValue(c) as i128 + by),
            _ => Some(LLVMConstIntGetSExtValue(c) as i128 + by)
                .filter(|&m| m >= -(1i128 << (bits - 1)) && m < (1i128 << (bits - 1))),
        }?;
        Some(Some(LLVMConstInt(ty, moved as u64 & mask(bits), 0)))
    }
}
