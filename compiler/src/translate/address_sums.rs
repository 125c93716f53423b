//! Address sums: `base + index * scale` of two locals, kept up to date in a hidden local of its
//! own, so that a loop over `a[i]` steps one pointer by a constant as native code does.
//!
//! clang addresses an array element in a loop as `local.get a; local.get i; (i32.const k;
//! i32.shl;) i32.add`. Computed afresh, that sum is `zext(a + i * 2^k)` to LLVM: a 32-bit sum that
//! may wrap, which SCEV cannot turn into a 64-bit affine address, so the loop is neither
//! vectorised nor strength-reduced (LLVM may version it on a wrap predicate, but not when a loop
//! accesses `a[i]` and `a[i+1]`, which it then sees as two unrelated strided streams).
//!
//! So the prescan (`translate/mod.rs`) names the sums of two i32 locals that loops compute, and
//! each gets a hidden local `h` holding `base + index * scale` modulo 2^32 at every point of the
//! function: set at entry, and after every `local.set`/`local.tee` of `base` or `index` either
//! stepped (`h + c * scale` when the index became `index + c`; `h + c` for the base) or computed
//! afresh. The sum operator then reads `h`. The loop's header gets `h` as a phi stepped by a
//! constant, and once an access through `h` did not trap in this iteration the step is `add nuw`
//! (`address_facts.rs`: `h` is a local like any other), which makes `zext(h)` an affine 64-bit
//! address to SCEV.
//!
//! SAFETY: `h` always equals the sum it replaces, exactly (wrapping arithmetic, updated at every
//! set of either local, in program order); only the `nuw` of a step is a fact, and it comes from
//! the address facts under their rules. A sum is replaced only when both operands are the current
//! values of its locals (`AddressFacts::is_current`), so `h`, updated at the last set of either,
//! holds it.

use super::address_facts::AddressFacts;
use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::IntValue;
use std::collections::{HashMap, HashSet};

/// At most this many sums per function get a hidden local (each costs an add per set of its
/// locals, which LLVM removes where the sum is not used).
pub const MAX_SUMS: usize = 16;

/// In the fast copy of a versioned loop, a sum is below `2^32 - FAST_OFFSET_LIMIT` at the loop's
/// header, so adding a constant below this cannot wrap (`versioning.rs`).
pub const FAST_OFFSET_LIMIT: u64 = 1 << 15;

/// `base + index * scale` (modulo 2^32) of two distinct i32 locals.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SumShape {
    pub base: u32,
    pub index: u32,
    pub scale: u32,
}

impl SumShape {
    /// The shape of `a + b * scale`; with scale 1 the two are interchangeable, so ordered.
    pub fn new(a: u32, b: u32, scale: u32) -> SumShape {
        if scale == 1 && b < a {
            SumShape { base: b, index: a, scale }
        } else {
            SumShape { base: a, index: b, scale }
        }
    }

    /// How much the sum moves when `local` (one of its two) moves by `step`.
    pub fn delta(&self, local: u32, step: u32) -> u32 {
        if local == self.index {
            step.wrapping_mul(self.scale)
        } else {
            step
        }
    }
}

/// What the translator knows of the values that sums are made of.
#[derive(Default)]
pub struct AddressSums<'ctx> {
    /// Each sum and its hidden local.
    sums: Vec<(SumShape, u32)>,
    /// i32 values that are a local's value times a constant: (local, generation, scale).
    scaled: HashMap<IntValue<'ctx>, (u32, u32, u32)>,
    /// i32 values that are a local's value plus a constant: (local, generation, step).
    stepped: HashMap<IntValue<'ctx>, Vec<(u32, u32, u32)>>,
}

impl<'ctx> AddressSums<'ctx> {
    /// `sums[k]` lives in hidden local `first_hidden + k`.
    pub fn new(sums: &[SumShape], first_hidden: u32) -> Self {
        let sums = sums.iter().enumerate().map(|(k, &s)| (s, first_hidden + k as u32)).collect();
        AddressSums { sums, ..Default::default() }
    }

    /// Every sum and its hidden local.
    pub fn all(&self) -> &[(SumShape, u32)] {
        &self.sums
    }

    /// The sums that `local` takes part in.
    pub fn involving(&self, local: u32) -> impl Iterator<Item = (SumShape, u32)> + '_ {
        self.sums.iter().copied().filter(move |(s, _)| s.base == local || s.index == local)
    }

    /// `value` is `local`'s value (of `generation`) times `scale`.
    pub fn note_scaled(&mut self, value: IntValue<'ctx>, local: u32, generation: u32, scale: u32) {
        self.scaled.insert(value, (local, generation, scale));
    }

    /// `value` is `local`'s value (of `generation`) plus `step` (modulo 2^32).
    pub fn note_stepped(&mut self, value: IntValue<'ctx>, local: u32, generation: u32, step: u32) {
        self.stepped.entry(value).or_default().push((local, generation, step));
    }

    /// How far `value` is from `local`'s value of `generation`, if it is that value plus a constant.
    pub fn step_of(&self, value: IntValue<'ctx>, local: u32, generation: u32) -> Option<u32> {
        let steps = self.stepped.get(&value)?;
        steps.iter().find(|&&(l, g, _)| l == local && g == generation).map(|&(_, _, step)| step)
    }

    /// The hidden local holding `x + y`, when both are current values of a sum's locals.
    pub fn lookup(&self, x: IntValue<'ctx>, y: IntValue<'ctx>, facts: &AddressFacts<'ctx>) -> Option<u32> {
        if self.sums.is_empty() {
            return None;
        }
        let scaled = |v: IntValue<'ctx>| {
            self.scaled.get(&v).copied().filter(|&(l, g, _)| facts.generation(l) == g).map(|(l, _, s)| (l, s))
        };
        self.sums.iter().find_map(|&(s, hidden)| {
            let plain = |base: IntValue<'ctx>, index: IntValue<'ctx>| {
                facts.is_current(base, s.base)
                    && if s.scale == 1 {
                        facts.is_current(index, s.index)
                    } else {
                        scaled(index) == Some((s.index, s.scale))
                    }
            };
            (plain(x, y) || plain(y, x)).then_some(hidden)
        })
    }
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// At the function's entry, after the locals got their first values: every sum from scratch.
    pub(super) fn init_sums(&mut self) -> Result<()> {
        for (shape, hidden) in self.analyses.sums.all().to_vec() {
            self.recompute_sum(shape, hidden)?;
        }
        Ok(())
    }

    /// `i32.add x y`: the hidden local's value when it holds this sum.
    pub(super) fn read_sum(&mut self, x: IntValue<'ctx>, y: IntValue<'ctx>) -> Result<Option<IntValue<'ctx>>> {
        let Some(hidden) = self.analyses.sums.lookup(x, y, &self.analyses.facts) else { return Ok(None) };
        Ok(Some(self.read_hidden(hidden)?))
    }

    /// `x + c` or `x * c` (`c` constant) was computed as `v`: remember it in terms of the locals
    /// that `x` is the current value of.
    pub(super) fn note_sum_operand(&mut self, x: IntValue<'ctx>, c: IntValue<'ctx>, v: IntValue<'ctx>, scale: bool) {
        // Every i32 add, shl and mul passes here: nothing to remember in a function without sums.
        if self.analyses.sums.all().is_empty() {
            return;
        }
        let Some(c) = c.get_zero_extended_constant() else { return };
        let locals: Vec<u32> = self.analyses.facts.locals_of(x).collect();
        for l in locals {
            let g = self.analyses.facts.generation(l);
            if scale {
                self.analyses.sums.note_scaled(v, l, g, c as u32);
            } else {
                self.analyses.sums.note_stepped(v, l, g, c as u32);
            }
        }
    }

    /// `local` is about to be set to `v`: how far `v` is from its current value, if a constant.
    pub(super) fn step_before_set(&self, local: u32, v: IntValue<'ctx>) -> Option<u32> {
        self.analyses.sums.step_of(v, local, self.analyses.facts.generation(local))
    }

    /// `local` was just set (`step`: by that much from its old value): the sums it is part of follow.
    pub(super) fn update_sums(&mut self, local: u32, step: Option<u32>) -> Result<()> {
        let touched: Vec<(SumShape, u32)> = self.analyses.sums.involving(local).collect();
        for (shape, hidden) in touched {
            match step {
                Some(step) => {
                    let old = self.read_hidden(hidden)?;
                    let delta = self.i32_const(shape.delta(local, step) as u64);
                    // The address facts know whether an access through the sum ran in this
                    // generation of it: then a small step cannot wrap.
                    let nuw = self.analyses.facts.add_cannot_wrap(old, delta);
                    let new = if nuw {
                        let new = self.builder.build_int_nuw_add(old, delta, "sum")?;
                        self.note_nuw(new);
                        new
                    } else {
                        self.builder.build_int_add(old, delta, "sum")?
                    };
                    // A certified step of a versioned loop's fast copy (`versioning.rs`).
                    let d = shape.delta(local, step) as u64;
                    self.note_sum_change(hidden, nuw && d > 0 && d <= FAST_OFFSET_LIMIT);
                    self.write_hidden(hidden, new)?;
                }
                None => {
                    self.note_sum_change(hidden, false);
                    self.recompute_sum(shape, hidden)?
                }
            }
        }
        Ok(())
    }

    fn recompute_sum(&mut self, shape: SumShape, hidden: u32) -> Result<()> {
        let i32t = self.unit.llcx.i32_type();
        let base = self.builder.build_load(i32t, self.locals[shape.base as usize].0, "")?.into_int_value();
        let index = self.builder.build_load(i32t, self.locals[shape.index as usize].0, "")?.into_int_value();
        let scaled = if shape.scale == 1 {
            index
        } else {
            self.builder.build_int_mul(index, self.i32_const(shape.scale as u64), "")?
        };
        let sum = self.builder.build_int_add(base, scaled, "sum")?;
        self.write_hidden(hidden, sum)
    }

    fn read_hidden(&mut self, hidden: u32) -> Result<IntValue<'ctx>> {
        let v =
            self.builder.build_load(self.unit.llcx.i32_type(), self.locals[hidden as usize].0, "")?.into_int_value();
        self.analyses.facts.read(hidden, v);
        self.analyses.streams.read(hidden, v);
        Ok(v)
    }

    fn write_hidden(&mut self, hidden: u32, v: IntValue<'ctx>) -> Result<()> {
        self.builder.build_store(self.locals[hidden as usize].0, v)?;
        self.analyses.facts.set(hidden);
        self.analyses.streams.set(hidden, v);
        Ok(())
    }
}

/// Finds the sums of two i32 locals that pay for a hidden local: computed in a loop (from a window
/// of the operators just read: `local.get a; local.get b; i32.add`, with `i32.const k; i32.shl` or
/// `i32.const m; i32.mul` scaling `b`, or `local.get b; scale; local.get a; i32.add`) where one of
/// the two moves by a constant (`local.get x; i32.const c; i32.add|sub; local.set|tee x`) and the
/// other is not set at all. Any other sum would be computed afresh at every set anyway, at the
/// cost of one more live value.
#[derive(Default)]
pub struct SumFinder {
    window: Vec<Op>,
    /// The loops open around the operator being read, innermost last.
    loops: Vec<LoopScan>,
    /// The shapes found, at most `MAX_SUMS`.
    pub found: Vec<SumShape>,
    /// The loops to version (`versioning.rs`), by the index of their `loop` operator.
    pub versioned: std::collections::BTreeMap<usize, VersionedLoop>,
}

/// An innermost loop whose sums start a fast copy of it when they are far enough below 2^32.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionedLoop {
    /// The index of its `end` operator.
    pub end: usize,
    /// Its sums, as indices into `SumFinder::found`.
    pub sums: Vec<usize>,
}

/// What one loop (nested loops included) does to locals, and the sums it computes.
#[derive(Default)]
struct LoopScan {
    /// The index of its `loop` operator.
    start: usize,
    /// It contains another loop.
    has_inner: bool,
    /// The locals it adds a small positive constant to other than to step them (`local.get|tee x;
    /// i32.const c; i32.add`): the shape whose `nuw` only a versioned copy can prove.
    constant_adds: Vec<u32>,
    /// Locals set other than by a constant step.
    set: HashSet<u32>,
    /// Locals stepped by a constant.
    stepped: HashSet<u32>,
    sums: Vec<SumShape>,
}

impl LoopScan {
    /// Only stepped by constants, in this loop.
    fn only_stepped(&self, local: u32) -> bool {
        self.stepped.contains(&local) && !self.set.contains(&local)
    }

    fn untouched(&self, local: u32) -> bool {
        !self.stepped.contains(&local) && !self.set.contains(&local)
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Op {
    Get(u32),
    Set(u32),
    Tee(u32),
    Const(i32),
    Shl,
    Mul,
    Add,
    Sub,
    Other,
}

impl SumFinder {
    /// A `loop` operator at index `at`.
    pub fn enter_loop(&mut self, at: usize) {
        self.loops.push(LoopScan { start: at, ..LoopScan::default() });
    }

    /// The `end` at index `at` of a construct; `was_loop` says whether it was a loop.
    pub fn end(&mut self, at: usize, was_loop: bool) {
        if !was_loop {
            return;
        }
        let Some(scan) = self.loops.pop() else { return };
        let mut mine = Vec::new();
        for s in &scan.sums {
            let pays = (scan.only_stepped(s.index) && scan.untouched(s.base))
                || (scan.only_stepped(s.base) && scan.untouched(s.index));
            if !pays {
                continue;
            }
            let k = match self.found.iter().position(|f| f == s) {
                Some(k) => k,
                None if self.found.len() < MAX_SUMS => {
                    self.found.push(*s);
                    self.found.len() - 1
                }
                None => continue,
            };
            mine.push(k);
        }
        if !mine.is_empty() && !scan.has_inner && !scan.constant_adds.is_empty() {
            self.versioned.insert(scan.start, VersionedLoop { end: at, sums: mine });
        }
        // To the enclosing loop, an inner loop's steps are sets: it runs them any number of times.
        if let Some(outer) = self.loops.last_mut() {
            outer.set.extend(scan.set.iter().chain(&scan.stepped));
            outer.has_inner = true;
        }
    }

    /// The next operator; `is_i32` says whether a local holds an i32.
    pub fn push(&mut self, op: Op, is_i32: impl Fn(u32) -> bool) {
        self.window.push(op);
        if self.window.len() > 5 {
            self.window.remove(0);
        }
        let Some(scan) = self.loops.last_mut() else { return };
        match op {
            Op::Set(x) | Op::Tee(x) => {
                let step = matches!(self.window.as_slice(), [.., Op::Get(y), Op::Const(_), Op::Add | Op::Sub, Op::Set(_) | Op::Tee(_)] if *y == x);
                if step {
                    scan.stepped.insert(x);
                    if scan.constant_adds.last() == Some(&x) {
                        scan.constant_adds.pop();
                    }
                } else {
                    scan.set.insert(x);
                }
            }
            Op::Add => {
                match self.window.as_slice() {
                    [.., Op::Get(x) | Op::Tee(x), Op::Const(c), Op::Add]
                        if *c > 0 && (*c as u64) < FAST_OFFSET_LIMIT =>
                    {
                        scan.constant_adds.push(*x)
                    }
                    // A sum (or any sum) plus a constant, on the stack.
                    [.., Op::Add, Op::Const(c), Op::Add] if *c > 0 && (*c as u64) < FAST_OFFSET_LIMIT => {
                        scan.constant_adds.push(u32::MAX)
                    }
                    _ => {}
                }
                let shape = match self.window.as_slice() {
                    [.., Op::Get(a), Op::Get(b), Op::Add] => Some(SumShape::new(*a, *b, 1)),
                    [Op::Get(a), Op::Get(b), Op::Const(k), Op::Shl, Op::Add]
                    | [Op::Get(b), Op::Const(k), Op::Shl, Op::Get(a), Op::Add] => {
                        Some(SumShape::new(*a, *b, 1u32.wrapping_shl(*k as u32 & 31)))
                    }
                    [Op::Get(a), Op::Get(b), Op::Const(m), Op::Mul, Op::Add]
                    | [Op::Get(b), Op::Const(m), Op::Mul, Op::Get(a), Op::Add] => {
                        Some(SumShape::new(*a, *b, *m as u32))
                    }
                    _ => None,
                };
                if let Some(s) = shape {
                    if s.base != s.index && s.scale != 0 && is_i32(s.base) && is_i32(s.index) && !scan.sums.contains(&s)
                    {
                        scan.sums.push(s);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sums found in one loop whose body is `ops`.
    fn find(ops: &[Op]) -> Vec<SumShape> {
        let mut f = SumFinder::default();
        f.enter_loop(0);
        for &op in ops {
            f.push(op, |l| l != 9);
        }
        f.end(1, true);
        f.found
    }

    use Op::*;
    /// `local.set 3 (local.get 3 + 1)`.
    const STEP3: [Op; 4] = [Get(3), Const(1), Add, Set(3)];

    #[test]
    fn finds_sums_of_a_local_and_a_stepped_one_in_loops() {
        let with_step = |sum: &[Op]| find(&[sum, &STEP3[..]].concat());
        assert_eq!(with_step(&[Get(3), Get(1), Add]), vec![SumShape { base: 1, index: 3, scale: 1 }]);
        assert_eq!(with_step(&[Get(0), Get(3), Const(3), Shl, Add]), vec![SumShape { base: 0, index: 3, scale: 8 }]);
        assert_eq!(
            with_step(&[Get(3), Const(12), Shl, Get(0), Add]),
            vec![SumShape { base: 0, index: 3, scale: 4096 }]
        );
        assert_eq!(with_step(&[Get(0), Get(3), Const(24), Mul, Add]), vec![SumShape { base: 0, index: 3, scale: 24 }]);
        assert_eq!(
            find(&[Get(3), Get(0), Add, Get(0), Const(-8), Sub, Set(0)]).len(),
            1,
            "the base may be the stepped one"
        );
        assert!(with_step(&[Get(3), Get(3), Add]).is_empty(), "one local twice");
        assert!(with_step(&[Get(3), Get(9), Add]).is_empty(), "not an i32 local");
        assert!(find(&[Get(0), Get(1), Add]).is_empty(), "neither moves in the loop");
        assert!(find(&[Get(0), Get(3), Add, Get(3), Get(1), Add, Set(3)]).is_empty(), "a step that is not constant");
        assert!(find(&[Get(0), Get(3), Add, Get(5), Set(0)]).is_empty(), "the other one is set too");
        let mut outside = SumFinder::default();
        for op in [Get(0), Get(3), Add].into_iter().chain(STEP3) {
            outside.push(op, |_| true);
        }
        assert!(outside.found.is_empty(), "only sums inside loops");
    }

    #[test]
    fn an_inner_loops_steps_are_sets_to_the_outer_one() {
        let mut f = SumFinder::default();
        f.enter_loop(0);
        for op in [Get(0), Get(3), Add] {
            f.push(op, |_| true);
        }
        f.enter_loop(1);
        for op in STEP3 {
            f.push(op, |_| true);
        }
        f.end(2, true);
        f.end(3, true);
        assert!(f.found.is_empty(), "in the outer loop, local 3 moves by however many steps the inner one ran");
    }

    #[test]
    fn innermost_loops_adding_constants_to_sums_are_versioned() {
        let scan = |ops: &[Op]| {
            let mut f = SumFinder::default();
            f.enter_loop(0);
            for &op in ops {
                f.push(op, |_| true);
            }
            f.end(9, true);
            f.versioned
        };
        let sum_plus_four = [Get(0), Get(3), Add, Tee(4), Const(4), Add, Get(3), Const(8), Add, Set(3)];
        assert_eq!(scan(&sum_plus_four).get(&0), Some(&VersionedLoop { end: 9, sums: vec![0] }));
        assert!(scan(&[Get(0), Get(3), Add, Get(3), Const(8), Add, Set(3)]).is_empty(), "a step is no offset");
    }

    #[test]
    fn a_sum_moves_with_its_locals() {
        let s = SumShape::new(4, 7, 8);
        assert_eq!(s.delta(7, 2), 16, "the index moves by its step times the scale");
        assert_eq!(s.delta(4, 2), 2, "the base by its step");
        assert_eq!(s.delta(7, u32::MAX), 0u32.wrapping_sub(8), "wrapping, like the i32 arithmetic");
    }
}
