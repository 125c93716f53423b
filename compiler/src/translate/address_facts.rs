//! Address facts: what a memory access that did not trap proves about its address, so that the
//! address arithmetic after it can be `add nuw`.
//!
//! Wasm's `i32.add` wraps, so to LLVM `zext(p + 8)` is not `zext(p) + 8`: it cannot tell that `p`
//! and `p + 8` address neighbouring bytes, and a loop that walks arrays with 32-bit pointers is
//! neither vectorised nor given 64-bit induction variables. But once an access of `size` bytes at
//! `p + offset` to a 32-bit memory of 64 KiB pages has not trapped,
//! `p + offset + size <= memory size <= abi::MEM32_MAX_PAGES * 64 KiB = 2^32 - 2^16`
//! (the runtime never lets such a memory hold 65536 pages), so `p + c` cannot wrap for any
//! `c < 2^16 + offset + size`, and the `i32.add` computing it is `add nuw`.
//!
//! SAFETY RULES (a wrong fact makes an `add nuw` poison, which is undefined behaviour downstream;
//! read twice before changing):
//! - A fact is about the current value of a local. It is learned from an access whose address
//!   operand is the result of a `local.get` of that local with no `local.set`/`local.tee` of it in
//!   between: every set starts a new generation of the local, and values read from, and facts
//!   about, an older generation count for nothing.
//! - A fact holds only where its access dominates. At the `end` of a block, `if`, `try_table` or
//!   `try` hold the facts common to every edge into it (`AddressFacts::meet`): each branch to its
//!   label (`br`, `br_if`, `br_table`, `br_on_*`, and a `catch`, which may come from anywhere in
//!   the try body and so carries the facts of the try's start), the fall-through of each arm, and
//!   for an `if` without `else` the facts of its start. An `else` arm starts from the facts of the
//!   `if`, a legacy try's catch arm from those of the `try` (its exception may come from anywhere
//!   in the body; facts about locals the body sets are of an older generation). A loop
//!   body starts with none (its back edges bring values that the facts from before the loop say
//!   nothing of); a loop's `end` is reached only by falling out of its body, so the body's facts
//!   stand there.
//! - Memory never shrinks and the limit is static: calls and `memory.grow` keep every fact.
//! - "Did not trap" means the access ran: in explicit mode its check did; in guard mode the load
//!   or store itself, which `pin.rs` and `codegen/kept_loads.rs` keep. In their residual gaps
//!   (`pin.rs`), LLVM computes such an address as `zext(p) + c` in practice, which still lies in
//!   the guard reservation, so the next access through it faults as it should.

use inkwell::values::IntValue;
use std::collections::HashMap;

/// What the accesses that ran prove about locals, each fact with the generation of the local it
/// was learned for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bounds {
    /// Per local: the largest value it can hold.
    max: HashMap<u32, (u32, u64)>,
    /// Per (local, memory): `local + reach <= that memory's size` (an access ended there).
    reach: HashMap<(u32, u32), (u32, u64)>,
}

impl Bounds {
    pub fn new() -> Bounds {
        Bounds::default()
    }
}

/// Bytes a 32-bit memory of 64 KiB pages can ever hold.
const MEM32_MAX_BYTES: u64 = crate::abi::MEM32_MAX_PAGES << 16;

#[derive(Default)]
pub struct AddressFacts<'ctx> {
    /// Per local: bumped by every set.
    generation: Vec<u32>,
    /// i32 `local.get` (and `local.tee`) results: the locals and generations each was read from
    /// (a value teed into a local is the current value of both).
    read_from: HashMap<IntValue<'ctx>, Vec<(u32, u32)>>,
    bounds: Bounds,
    /// Per local: (its generation, another local, that one's generation) that held one value
    /// when the first was set from the second (`local.tee $copy (local.get $p)`); the two stay
    /// copies while neither generation changes, in straight-line code: forgotten at every loop
    /// header, `else` and `end`.
    copies: HashMap<u32, Vec<(u32, u32, u32)>>,
    /// i32 values that are another value plus a constant, by an `add nuw`: an access through
    /// one is an access through the other at a larger offset.
    offsets: HashMap<IntValue<'ctx>, (IntValue<'ctx>, u64)>,
}

impl<'ctx> AddressFacts<'ctx> {
    pub fn new(locals: usize) -> Self {
        AddressFacts {
            generation: vec![0; locals],
            read_from: HashMap::new(),
            bounds: Bounds::new(),
            copies: HashMap::new(),
            offsets: HashMap::new(),
        }
    }

    /// `value` was just read from `local` (or stored into it by `local.tee`).
    pub fn read(&mut self, local: u32, value: IntValue<'ctx>) {
        if value.get_type().get_bit_width() == 32 {
            let generation = self.generation[local as usize];
            let reads = self.read_from.entry(value).or_default();
            reads.retain(|&(l, _)| l != local);
            reads.push((local, generation));
        }
    }

    /// `local` was just set: what was known of its old value no longer applies.
    pub fn set(&mut self, local: u32) {
        let g = &mut self.generation[local as usize];
        *g = g.wrapping_add(1);
    }

    /// `local` was just set to `value`: a new generation, which is a copy of the locals `value` is
    /// the current value of (an access through either bounds both).
    pub fn set_to(&mut self, local: u32, value: IntValue<'ctx>) {
        self.set(local);
        let sources: Vec<u32> = self.locals_of(value).filter(|&l| l != local).collect();
        if sources.is_empty() {
            return;
        }
        let mine = self.generation[local as usize];
        for source in sources {
            let theirs = self.generation[source as usize];
            for (a, ga, b, gb) in [(local, mine, source, theirs), (source, theirs, local, mine)] {
                let generation = &self.generation;
                let links = self.copies.entry(a).or_default();
                links.retain(|&(g, other, go)| g == generation[a as usize] && go == generation[other as usize]);
                links.push((ga, b, gb));
            }
        }
    }

    /// `local` and the locals that currently hold the same value (copies of copies too).
    fn with_copies(&self, local: u32) -> Vec<u32> {
        let mut all = vec![local];
        let mut i = 0;
        while let Some(&l) = all.get(i) {
            for &(g, other, go) in self.copies.get(&l).map(Vec::as_slice).unwrap_or_default() {
                let live = g == self.generation[l as usize] && go == self.generation[other as usize];
                if live && !all.contains(&other) {
                    all.push(other);
                }
            }
            i += 1;
        }
        all
    }

    /// `sum` is `x + c` computed by an `add nuw` (it did not wrap).
    pub fn offset_of(&mut self, sum: IntValue<'ctx>, x: IntValue<'ctx>, c: u64) {
        self.offsets.insert(sum, (x, c));
    }

    /// Whether `value` is the current value of `local` or of a copy of it.
    pub fn holds(&self, value: IntValue<'ctx>, local: u32) -> bool {
        self.locals_of(value).any(|l| l == local || self.with_copies(l).contains(&local))
    }

    /// The locals that `value` is the current value of.
    pub fn locals_of(&self, value: IntValue<'ctx>) -> impl Iterator<Item = u32> + '_ {
        let reads = self.read_from.get(&value).map(Vec::as_slice).unwrap_or_default();
        reads.iter().filter(|&&(local, g)| self.generation[local as usize] == g).map(|&(local, _)| local)
    }

    /// Whether `value` is the current value of `local`.
    pub fn is_current(&self, value: IntValue<'ctx>, local: u32) -> bool {
        self.locals_of(value).any(|l| l == local)
    }

    /// The current generation of `local` (bumped by every set).
    pub fn generation(&self, local: u32) -> u32 {
        self.generation[local as usize]
    }

    /// An access of `size` bytes at `addr + offset` to `memory`, a 32-bit memory of 64 KiB pages,
    /// is about to run; the code after it runs only if it did not trap.
    pub fn accessed(&mut self, addr: IntValue<'ctx>, memory: u32, offset: u64, size: u32) {
        if let Some(&(base, c)) = self.offsets.get(&addr) {
            self.accessed(base, memory, offset + c, size);
        }
        let end = offset + size as u64;
        let Some(max) = MEM32_MAX_BYTES.checked_sub(end) else { return };
        for local in self.locals_and_copies(addr) {
            let generation = self.generation[local as usize];
            let max = match self.bounds.max.get(&local) {
                Some(&(g, known)) if g == generation => known.min(max),
                _ => max,
            };
            self.bounds.max.insert(local, (generation, max));
            let reach = match self.bounds.reach.get(&(local, memory)) {
                Some(&(g, known)) if g == generation => known.max(end),
                _ => end,
            };
            self.bounds.reach.insert((local, memory), (generation, reach));
        }
    }

    /// Whether an access of `size` bytes at `addr + offset` to `memory` lies within an access
    /// that already ran (memory never shrinks, so it cannot trap).
    pub fn covers(&self, addr: IntValue<'ctx>, memory: u32, offset: u64, size: u32) -> bool {
        if let Some(&(base, c)) = self.offsets.get(&addr) {
            if self.covers(base, memory, offset + c, size) {
                return true;
            }
        }
        self.locals_and_copies(addr).into_iter().any(|local| match self.bounds.reach.get(&(local, memory)) {
            Some(&(g, reach)) => g == self.generation[local as usize] && offset + size as u64 <= reach,
            None => false,
        })
    }

    /// The locals `value` is the current value of, with their copies.
    fn locals_and_copies(&self, value: IntValue<'ctx>) -> Vec<u32> {
        let mut locals: Vec<u32> = Vec::new();
        for l in self.locals_of(value).flat_map(|l| self.with_copies(l)) {
            if !locals.contains(&l) {
                locals.push(l);
            }
        }
        locals
    }

    /// Whether the i32 sum `x + y` is known not to wrap: one is a constant, the other the value of
    /// a local with a bound small enough.
    pub fn add_cannot_wrap(&self, x: IntValue<'ctx>, y: IntValue<'ctx>) -> bool {
        let (value, c) = match (x.get_zero_extended_constant(), y.get_zero_extended_constant()) {
            (None, Some(c)) => (x, c),
            (Some(c), None) => (y, c),
            _ => return false,
        };
        self.locals_of(value).any(|local| match self.bounds.max.get(&local) {
            Some(&(g, max)) if g == self.generation[local as usize] => max + c <= u32::MAX as u64,
            _ => false,
        })
    }

    /// The facts now, for a construct to start from and return to.
    pub fn snapshot(&self) -> Bounds {
        self.bounds.clone()
    }

    /// Back to the facts a construct started with (at its `else`), or to those that hold on
    /// every edge into its end.
    pub fn restore(&mut self, bounds: Bounds) {
        self.bounds = bounds;
        // Generations are not restored, so a copy made in a `then` arm (or in a block a branch
        // skipped) would look live in the `else` arm (or after the block).
        self.copies.clear();
    }

    /// The facts that hold on both of two edges into one place: the same generation of a local,
    /// with the weaker bound.
    pub fn meet(a: &Bounds, b: &Bounds) -> Bounds {
        Bounds { max: weaker(&a.max, &b.max, u64::max), reach: weaker(&a.reach, &b.reach, u64::min) }
    }

    /// A loop header: reached from its back edges too, where nothing known before holds.
    pub fn enter_loop(&mut self) {
        self.bounds = Bounds::new();
        // At the header, a copy made before the loop holds only on the entry edge.
        self.copies.clear();
    }
}

/// The facts of `a` that `b` has for the same generation, each the weaker of the two by `weakest`.
fn weaker<K: Copy + Eq + std::hash::Hash>(
    a: &HashMap<K, (u32, u64)>,
    b: &HashMap<K, (u32, u64)>,
    weakest: fn(u64, u64) -> u64,
) -> HashMap<K, (u32, u64)> {
    a.iter()
        .filter_map(|(&key, &(g, x))| match b.get(&key) {
            Some(&(gb, y)) if gb == g => Some((key, (g, weakest(x, y)))),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkwell::context::Context;

    /// A module with one function whose parameters stand in for values read from locals.
    fn with_values(f: impl FnOnce(&[IntValue<'_>], IntValue<'_>, IntValue<'_>)) {
        let cx = Context::create();
        let m = cx.create_module("t");
        let i32t = cx.i32_type();
        let func = m.add_function("f", cx.void_type().fn_type(&[i32t.into(); 3], false), None);
        let params: Vec<IntValue> = func.get_params().into_iter().map(|p| p.into_int_value()).collect();
        f(&params, i32t.const_int(8, false), i32t.const_int(0x1_0000 + 7, false));
    }

    #[test]
    fn a_read_value_is_bounded_by_an_access_through_it() {
        with_values(|v, eight, past| {
            let mut f = AddressFacts::new(3);
            f.read(0, v[0]);
            assert!(!f.add_cannot_wrap(v[0], eight), "nothing known before an access");
            f.accessed(v[0], 0, 0, 8);
            assert!(f.add_cannot_wrap(v[0], eight));
            assert!(f.add_cannot_wrap(eight, v[0]), "either operand may be the constant");
            assert!(f.add_cannot_wrap(v[0], past), "c < 2^16 + offset + size");
            let past_more = v[0].get_type().const_int(0x1_0000 + 8, false);
            assert!(!f.add_cannot_wrap(v[0], past_more));
            assert!(!f.add_cannot_wrap(v[0], v[1]), "a sum of two unknowns");
        });
    }

    #[test]
    fn an_access_covers_later_accesses_within_its_reach_in_its_memory() {
        with_values(|v, _, _| {
            let mut f = AddressFacts::new(3);
            f.read(0, v[0]);
            assert!(!f.covers(v[0], 0, 0, 4), "nothing ran yet");
            f.accessed(v[0], 0, 8, 8);
            assert!(f.covers(v[0], 0, 12, 4) && f.covers(v[0], 0, 0, 16), "below the end of the access");
            assert!(!f.covers(v[0], 0, 13, 4), "past its end");
            assert!(!f.covers(v[0], 1, 8, 8), "another memory");
            f.set(0);
            assert!(!f.covers(v[0], 0, 8, 8), "the local changed");
        });
    }

    #[test]
    fn a_set_or_a_loop_forgets_and_a_construct_restores() {
        with_values(|v, eight, _| {
            let mut f = AddressFacts::new(3);
            f.read(0, v[0]);
            f.accessed(v[0], 0, 0, 4);
            f.set(0);
            assert!(!f.add_cannot_wrap(v[0], eight), "the value read before the set is not the local's");
            f.read(0, v[1]);
            assert!(!f.add_cannot_wrap(v[1], eight), "the new value is unknown");
            f.accessed(v[1], 0, 0, 4);
            let start = f.snapshot();
            f.read(2, v[2]);
            f.accessed(v[2], 0, 0, 4);
            assert!(f.add_cannot_wrap(v[2], eight));
            f.restore(start);
            assert!(!f.add_cannot_wrap(v[2], eight), "learned inside the construct");
            assert!(f.add_cannot_wrap(v[1], eight), "known at its start");
            f.enter_loop();
            assert!(!f.add_cannot_wrap(v[1], eight), "a loop header knows nothing");
        });
    }

    #[test]
    fn an_access_through_a_copy_bounds_the_original() {
        with_values(|v, eight, _| {
            let mut f = AddressFacts::new(3);
            f.read(0, v[0]);
            f.set_to(1, v[0]);
            f.read(1, v[0]);
            // A later `local.get 1` is a new value, current for local 1 only.
            f.read(1, v[1]);
            f.accessed(v[1], 0, 0, 8);
            assert!(f.add_cannot_wrap(v[0], eight), "local 0 holds what local 1 holds");
            let mut f = AddressFacts::new(3);
            f.read(0, v[0]);
            f.set_to(1, v[0]);
            f.set(1);
            f.read(1, v[1]);
            f.accessed(v[1], 0, 0, 8);
            assert!(!f.add_cannot_wrap(v[0], eight), "local 1 was set again: no longer local 0's copy");
        });
    }

    #[test]
    fn copies_are_forgotten_where_control_flow_meets() {
        with_values(|v, eight, _| {
            for at_loop in [true, false] {
                let mut f = AddressFacts::new(3);
                f.read(0, v[0]);
                f.set_to(1, v[0]);
                if at_loop {
                    f.enter_loop();
                } else {
                    f.restore(Bounds::new());
                }
                f.read(1, v[1]);
                f.accessed(v[1], 0, 0, 8);
                assert!(!f.add_cannot_wrap(v[0], eight), "local 1 may hold another value here");
            }
        });
    }

    #[test]
    fn edges_meet_in_what_both_know() {
        let of = |max: &[(u32, (u32, u64))], reach: &[((u32, u32), (u32, u64))]| Bounds {
            max: max.iter().copied().collect(),
            reach: reach.iter().copied().collect(),
        };
        let a = of(&[(0, (1, 100)), (1, (0, 50)), (2, (3, 10))], &[((0, 0), (1, 16)), ((0, 1), (1, 8))]);
        let b = of(&[(0, (1, 70)), (1, (1, 50)), (3, (0, 10))], &[((0, 0), (1, 8)), ((1, 0), (0, 8))]);
        let m = AddressFacts::meet(&a, &b);
        assert_eq!(m.max.get(&0), Some(&(1, 100)), "the weaker bound");
        assert_eq!(m.max.len(), 1, "other generations or locals known on one edge only are dropped");
        assert_eq!(m.reach, [((0, 0), (1, 8))].into_iter().collect(), "the shorter reach, per memory");
    }

    #[test]
    fn an_unread_value_or_a_far_offset_proves_nothing() {
        with_values(|v, eight, _| {
            let mut f = AddressFacts::new(3);
            f.accessed(v[0], 0, 0, 8);
            assert!(!f.add_cannot_wrap(v[0], eight), "not a local's value");
            f.read(1, v[1]);
            f.accessed(v[1], 0, 0x8000_0000, 8);
            assert!(
                f.add_cannot_wrap(v[1], v[1].get_type().const_int(0x8000_0000, false)),
                "an offset bounds the value"
            );
            f.read(2, v[2]);
            f.accessed(v[2], 0, u32::MAX as u64, 8);
            assert!(!f.add_cannot_wrap(v[2], eight), "an access that always traps teaches nothing");
        });
    }
}
