//! The analyses woven through lowering, behind one interface: the place to audit what they let
//! LLVM assume.
//!
//! Five analyses run while a function is lowered, each in its own file, which states its rules:
//! - `address_facts.rs` (FACTS): what an access that did not trap proves about the locals its
//!   address came from: `p + c` is `add nuw`, a load within an earlier access cannot trap;
//! - `address_sums.rs` (SUMS): `base + index * scale` of two locals kept in a hidden local, updated
//!   at every set of either and stepped by a constant;
//! - `versioning.rs` (FAST): an innermost loop translated twice, the fast copy under the premise
//!   that its sums are at most `2^32 - FAST_OFFSET_LIMIT` at its header, or that its counted exit
//!   (`counted_loops.rs`, a shape found by the prescan) ends it after a known number of trips;
//! - `alias_streams.rs` (STREAMS): which pointer an address was derived from, so that accesses in a
//!   loop go through a base copy per pointer;
//! - `pin.rs` (PIN): guard mode's loads that must stay volatile, and the tag of every other load
//!   (`codegen/kept_loads.rs`).
//!
//! Their state lives in `Analyses`, whose fields only this file and those five (declared here as
//! its children, so Rust's privacy enforces it) can reach. Lowering (`control.rs`, `memory.rs`,
//! `numeric.rs`, `variable.rs`, `mod.rs`) calls the hooks below, each named for the event it
//! reports, and each hook fans out to the analyses concerned. Per hook, what they conclude there:
//!
//! - `function_entered` (the prescan is done): SUMS gives each sum the prescan found a hidden local
//!   set from its two locals (none in a function with a `try_table`, whose locals stay in memory);
//!   FAST learns the loops to version (those with sums plus constants, and counted loops whose
//!   trip count LLVM cannot compute or, with `--fuel`, whose body is one piece); FACTS knows
//!   nothing, STREAMS gives each local its own stream; PIN is on in guard mode with a memory and
//!   learns which locals are never read.
//! - `versioned_loop` (the translator reaches a `loop`): FAST translates a loop to version twice
//!   behind its entry test, each copy from the FACTS and STREAMS before it; after the two meet,
//!   FACTS go on from before the loop.
//! - `operator_reached` (an operator is about to pop its operands): PIN makes volatile the loads
//!   it would discard or narrow (the list in `pin.rs`).
//! - `discard_stack_to` (values cut off by a branch, `return`, `unreachable`, `throw`): PIN makes
//!   volatile the loads they were computed from.
//! - `local_read` (`local.get`, and the value `local.tee` leaves): FACTS: the value is the
//!   local's current generation; STREAMS: it belongs to the local's stream.
//! - `local_set` (after the store of `local.set`/`local.tee`): FACTS starts a new generation (what
//!   held of the old value no longer does), a copy of the locals the value is current for;
//!   STREAMS: the local continues the value's stream; SUMS steps the local's sums (`add nuw` only
//!   where FACTS prove the step cannot wrap) or computes them afresh; FAST: any change of a sum
//!   other than such a certified step clears `certified`.
//! - `i32_add_reached` (an `i32.add` is to be built): SUMS answers with its hidden local when both
//!   operands are current values of a sum's locals (it equals the sum exactly); otherwise the add
//!   is `nuw` when FACTS bound one operand (a local accessed in its current generation) and the
//!   other is a small enough constant, or when, in FAST's copy while certified, one operand holds
//!   a sum of the loop and the other is a constant below `FAST_OFFSET_LIMIT`; it is `nsw` when it
//!   is the step of an ordered counted exit in FAST's copy.
//! - `int_compare_reached` (an integer comparison is to be built, a `br_if`'s test included): FAST's
//!   copy compares an ordered counted exit's `i32.ne` as `<s` (`>s` stepping down).
//! - `loop_prepaid` (with `--fuel`, a loop header is to be charged): not in FAST's copy of a loop
//!   whose trips the entry test paid for.
//! - `latch_evenly_counted` (a `br_if` was built): FAST's copy marks the latch of an ordered counted
//!   exit (`ir::loop_marks`), whose trip count the entry test made exact.
//! - `i32_added`, `i32_subtracted`, `i32_scaled` (the result was built): FACTS: an `add nuw` of a
//!   constant is an offset of its other operand (an access through one is one through the other);
//!   FAST records each `nuw`, to take back if the copy turns out invalid; STREAMS: a constant moves
//!   a pointer along its stream; SUMS: the result is a local's value plus or times a constant.
//! - `memory_access` (an access to a 32-bit memory of 64 KiB pages is about to run, past its
//!   explicit check if any): FACTS: the code after it runs only if it did not trap, so its locals
//!   are bounded and it reached its end; STREAMS: in a loop, the base goes through its stream's
//!   opaque copy (the same address at run time).
//! - `load_reached`, then `load_built`: PIN tags the load (guard mode) unless FACTS show it within
//!   an access that already ran on every path to it, which makes it unable to trap, so LLVM may
//!   drop it; at -O0 and in -O1's quick tier every tagged load is volatile.
//! - `whole_load_built` (a load LLVM must neither delete nor narrow, v128): PIN makes it volatile
//!   in guard mode.
//! - `construct_entered` (a `block`, `loop`, `if` or `try_table` begins): FACTS of its start, for
//!   its `else` and the end of an `if` without one.
//! - `loop_entered` (its header): FACTS knows nothing (back edges bring other values) and forgets
//!   copies.
//! - `arm_entered` (an `else` arm begins): FACTS of the construct's start.
//! - `branch_taken` (an edge to frame `idx` was built): FAST: a back edge of the fast copy taken
//!   while not certified invalidates the copy; FACTS of the edge meet those of the frame's other
//!   edges (an exit from the fast copy carries those from before the loop instead).
//! - `fell_through` (an arm falls into its end): FACTS as for `branch_taken`.
//! - `end_reached` (a construct's end): FACTS that hold on every edge into it (`EndEdges`); a
//!   loop's end keeps its body's.
//!
//! Where each conclusion is argued (referenced, not repeated here): a `nuw` from FACTS, the
//! "SAFETY RULES" of `address_facts.rs` (generations, dominance, memory never shrinks); a hidden
//! local's exactness and its steps' `nuw`, the "SAFETY" of `address_sums.rs`; the fast copy's
//! premise and its back edges, the "SAFETY" of `versioning.rs`; a load without its tag,
//! `AddressFacts::covers` and invariant 2 of ARCHITECTURE.md; which loads stay volatile and what
//! that does not cover, `pin.rs`; why a stream never changes what runs, `alias_streams.rs`.
//!
//! Adding an analysis: its state as a field of `Analyses`, its logic in a file of its own declared
//! below, its conclusions in the hooks and in the list above. A new event: a hook here, named for
//! the event, called from lowering, and an entry above.

// The analyses' files stay beside the rest of the translator; `#[path]` makes them children of
// this module, so that they, and only they, reach the fields of `Analyses`. `address_sums` is
// visible to `mod.rs` for its `SumFinder`, which the prescan feeds.
#[path = "address_facts.rs"]
mod address_facts;
#[path = "address_sums.rs"]
pub(super) mod address_sums;
#[path = "alias_streams.rs"]
mod alias_streams;
#[path = "counted_loops.rs"]
pub(super) mod counted_loops;
#[path = "pin.rs"]
mod pin;
#[path = "versioning.rs"]
mod versioning;

use super::{BodyScan, FuncTranslator};
use crate::error::Result;
use crate::BoundsChecks;
use address_facts::{AddressFacts, Bounds};
use address_sums::AddressSums;
use alias_streams::AliasStreams;
use inkwell::values::{BasicValueEnum, InstructionValue, IntValue, PointerValue};
use inkwell::IntPredicate;
use std::collections::BTreeMap;
use wasmparser::Operator;

/// The state of every analysis for the function being translated.
#[derive(Default)]
pub(super) struct Analyses<'ctx> {
    /// PIN: guard mode with a memory, where loads are tagged and some made volatile.
    pin_loads: bool,
    /// PIN: per local, whether any `local.get` reads it.
    locals_read: Vec<bool>,
    /// FACTS: what accesses that did not trap prove about locals used as addresses.
    facts: AddressFacts<'ctx>,
    /// STREAMS: which local each address was derived from.
    streams: AliasStreams<'ctx>,
    /// SUMS: sums of two locals kept in hidden locals.
    sums: AddressSums<'ctx>,
    /// FAST: innermost loops to translate twice, by the index of their `loop` operator.
    versioned: BTreeMap<usize, versioning::VersionPlan>,
    /// FAST: while translating the fast copy of a versioned loop, what it assumes and proves.
    fast: Option<versioning::FastLoop<'ctx>>,
}

/// What the analyses keep for one open construct (its control frame's share).
#[derive(Default)]
pub(super) struct AtConstruct {
    /// FACTS at its start.
    at_start: Bounds,
    /// FACTS common to every edge into its end seen so far.
    at_edges: Option<Bounds>,
}

/// The edges into a construct's end besides its branches and its fall-through.
pub(super) enum EndEdges {
    /// None (a block, an `if` with `else`, a `try_table`, the function).
    Branches,
    /// Its start too (an `if` without `else`: the implicit else arm).
    BranchesAndStart,
    /// A loop: branches go to its header, so its end is reached only by falling out of its body.
    FallOutOnly,
}

/// How to build an `i32.add` (`i32_add_reached`).
pub(super) enum I32Add<'ctx> {
    /// The sum is this value (a hidden local's).
    Sum(IntValue<'ctx>),
    /// An `add`, `nuw` when it cannot wrap unsigned, `nsw` when it cannot wrap signed.
    Add { nuw: bool, nsw: bool },
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// The prescan is done and the locals have their first values.
    pub(super) fn function_entered(&mut self, scan: BodyScan) -> Result<()> {
        let i32t = self.unit.llcx.i32_type();
        let mut locals_read = scan.locals_read;
        let mut sums = AddressSums::default();
        let mut versioned = BTreeMap::new();
        // No sums or versioned loops in a function with a try: hidden locals have no shadows
        // (`shadow_locals.rs`), so a landing could not restore them.
        if !self.has_try_table {
            let first_hidden = self.locals.len() as u32;
            for _ in &scan.sums {
                let slot = self.builder.build_alloca(i32t, "sum")?;
                self.locals.push((slot, i32t.into()));
                locals_read.push(true);
            }
            sums = AddressSums::new(&scan.sums, first_hidden);
            versioned = scan
                .versioned
                .into_iter()
                .map(|(at, v)| {
                    let sums = v.sums.iter().map(|&k| first_hidden + k as u32).collect();
                    (at, versioning::VersionPlan { sums, ..versioning::VersionPlan::new(v.end) })
                })
                .collect();
            for (at, (end, exit)) in scan.counted {
                // With fuel, a straight loop's iterations are charged at once before its fast copy.
                let prepaid = self.unit.opts.control.fuel && exit.straight;
                if prepaid || exit.helps_llvm() {
                    let plan = versioned.entry(at).or_insert_with(|| versioning::VersionPlan::new(end));
                    plan.counted = Some(exit);
                    plan.prepaid = prepaid;
                }
            }
        }
        self.analyses = Analyses {
            pin_loads: self.unit.opts.bounds_checks == BoundsChecks::Guard && !self.unit.info.memories.is_empty(),
            locals_read,
            facts: AddressFacts::new(self.locals.len()),
            streams: AliasStreams::new(self.locals.len()),
            sums,
            versioned,
            fast: None,
        };
        self.init_sums()
    }

    /// The translator reaches operator `at`: if it starts a loop to version, translates the loop
    /// twice (`versioning.rs`) and returns the index after its `end`.
    pub(super) fn versioned_loop(&mut self, ops: &[Operator<'_>], at: usize) -> Result<Option<usize>> {
        match self.analyses.versioned.get(&at).cloned() {
            Some(plan) if self.reachable => Ok(Some(self.translate_versioned(ops, at, plan)?)),
            _ => Ok(None),
        }
    }

    /// `op` is about to consume its operands.
    pub(super) fn operator_reached(&mut self, op: &Operator<'_>) -> Result<()> {
        self.pin_before(op)
    }

    /// The stack is cut back to `height`; in unreachable code the values above it were discarded
    /// by the branch (or `return`, `unreachable`, `throw`) that made the code unreachable.
    pub(super) fn discard_stack_to(&mut self, height: usize) -> Result<()> {
        if self.analyses.pin_loads && !self.reachable {
            for v in self.stack.split_off(height.min(self.stack.len())) {
                self.pin_unused(v)?;
            }
        }
        self.stack.truncate(height);
        Ok(())
    }

    /// `v` is the current value of `local` (read by `local.get`, or left by `local.tee`).
    pub(super) fn local_read(&mut self, local: u32, v: BasicValueEnum<'ctx>) {
        if let BasicValueEnum::IntValue(v) = v {
            self.analyses.facts.read(local, v);
            self.analyses.streams.read(local, v);
        }
    }

    /// `v` was just stored into `local`.
    pub(super) fn local_set(&mut self, local: u32, v: BasicValueEnum<'ctx>) -> Result<()> {
        let step = match v {
            BasicValueEnum::IntValue(v) => self.step_before_set(local, v),
            _ => None,
        };
        match v {
            BasicValueEnum::IntValue(v) => {
                self.analyses.facts.set_to(local, v);
                self.analyses.streams.set(local, v);
            }
            _ => self.analyses.facts.set(local),
        }
        self.update_sums(local, step)
    }

    /// `i32.add x y` is to be built: how.
    pub(super) fn i32_add_reached(&mut self, x: IntValue<'ctx>, y: IntValue<'ctx>) -> Result<I32Add<'ctx>> {
        if let Some(v) = self.read_sum(x, y)? {
            return Ok(I32Add::Sum(v));
        }
        let nuw = self.analyses.facts.add_cannot_wrap(x, y) || self.fast_offset(x, y) || self.fast_offset(y, x);
        Ok(I32Add::Add { nuw, nsw: self.fast_counter_step() })
    }

    /// An integer comparison `pred` is to be built (a `br_if`'s test against 0 among them): FAST's
    /// fast copy may compare its counted exit as signed numbers instead of `ne` (`versioning.rs`).
    pub(super) fn int_compare_reached(&self, pred: IntPredicate) -> IntPredicate {
        self.fast_exit_predicate().filter(|_| pred == IntPredicate::NE).unwrap_or(pred)
    }

    /// A `br_if` was built: whether it is the latch of FAST's copy of an ordered counted exit, to
    /// be marked (`ir::loop_marks`).
    pub(super) fn latch_evenly_counted(&self) -> bool {
        self.at_fast_ordered_latch()
    }

    /// With `--fuel`, a loop's header is to be charged: FAST's fast copy may have paid for all
    /// its iterations before it (`versioning.rs`).
    pub(super) fn loop_prepaid(&self) -> bool {
        self.fast_prepaid_header()
    }

    /// `sum` is `x + y`, built as `add nuw` when `nuw` (`i32_add_reached`).
    pub(super) fn i32_added(&mut self, x: IntValue<'ctx>, y: IntValue<'ctx>, sum: IntValue<'ctx>, nuw: bool) {
        if nuw {
            self.note_nuw(sum);
            for (base, c) in [(x, y), (y, x)] {
                if let Some(c) = c.get_zero_extended_constant() {
                    self.analyses.facts.offset_of(sum, base, c);
                }
            }
        }
        self.analyses.streams.offset(x, y, sum);
        self.note_sum_operand(x, y, sum, false);
        self.note_sum_operand(y, x, sum, false);
    }

    /// `difference` is `x - y` (wrapping).
    pub(super) fn i32_subtracted(&mut self, x: IntValue<'ctx>, y: IntValue<'ctx>, difference: IntValue<'ctx>) {
        self.analyses.streams.offset(x, y, difference);
        if let Some(c) = y.get_zero_extended_constant() {
            self.note_sum_operand(x, self.i32_const(0u32.wrapping_sub(c as u32) as u64), difference, false);
        }
    }

    /// `product` is `x * scale` (an `i32.mul` or `i32.shl` by a constant).
    pub(super) fn i32_scaled(&mut self, x: IntValue<'ctx>, scale: u64, product: IntValue<'ctx>) {
        self.note_sum_operand(x, self.i32_const(scale), product, true);
    }

    /// An access of `size` bytes at `addr + offset` to `memory` (32-bit, 64 KiB pages) is about
    /// to run; the code after it runs only if it did not trap. Returns the memory base it goes
    /// through (`base`, or its stream's copy in a loop).
    pub(super) fn memory_access(
        &mut self,
        addr: IntValue<'ctx>,
        memory: u32,
        offset: u64,
        size: u32,
        base: PointerValue<'ctx>,
    ) -> Result<PointerValue<'ctx>> {
        self.analyses.facts.accessed(addr, memory, offset, size);
        match self.analyses.streams.stream(addr) {
            Some(stream) if self.in_loop() => self.stream_base(base, stream),
            _ => Ok(base),
        }
    }

    /// A load of `size` bytes at `addr + offset` from `memory` is about to be built: whether it
    /// is tagged (`load_built`).
    pub(super) fn load_reached(&self, addr: IntValue<'ctx>, memory: u32, offset: u64, size: u32) -> bool {
        // A load within an access that already ran cannot trap: LLVM may merge or delete it.
        self.analyses.pin_loads && !self.analyses.facts.covers(addr, memory, offset, size)
    }

    /// The load `inst` of `size` bytes was built; `tagged` is what `load_reached` said.
    pub(super) fn load_built(&self, inst: InstructionValue<'ctx>, tagged: bool, size: u32) -> Result<()> {
        if tagged {
            let id = self.unit.next_load_id.get();
            self.unit.next_load_id.set(id + 1);
            crate::ir::load_tags::tag(self.unit.llcx, inst, id, size)?;
            // After `kept_loads`'s check, the instruction selection of -O0's back end still drops
            // a load whose value folds away (a v128 lane never read, a bitmask of known lanes),
            // and the IR passes of -O0 and of -O1's quick tier do not fold it first: every load is
            // kept whole there.
            if self.unit.volatile_loads {
                pin::set_volatile(inst)?;
            }
        } else if self.analyses.pin_loads {
            crate::ir::load_tags::mark_covered(self.unit.llcx, inst)?;
        }
        Ok(())
    }

    /// A load LLVM must keep whole (neither delete nor narrow) was built.
    pub(super) fn whole_load_built(&self, v: BasicValueEnum<'ctx>) -> Result<()> {
        if self.analyses.pin_loads {
            pin::set_volatile(super::instruction(v)?)?;
        }
        Ok(())
    }

    /// A construct begins here (before a loop's header).
    pub(super) fn construct_entered(&self) -> AtConstruct {
        AtConstruct { at_start: self.analyses.facts.snapshot(), at_edges: None }
    }

    /// The header of the loop just begun.
    pub(super) fn loop_entered(&mut self) {
        self.analyses.facts.enter_loop();
    }

    /// The `else` arm of the innermost construct begins.
    pub(super) fn arm_entered(&mut self) -> Result<()> {
        let frame = self.frames.last().ok_or_else(|| crate::error::internal("control frame stack underflow"))?;
        self.analyses.facts.restore(frame.analyses.at_start.clone());
        Ok(())
    }

    /// A branch from here to frame `idx` was built.
    pub(super) fn branch_taken(&mut self, idx: usize) {
        self.fast_back_edge(idx);
        self.edge_to(idx);
    }

    /// The current arm falls through into the end of frame `idx`, the innermost.
    pub(super) fn fell_through(&mut self, idx: usize) {
        self.edge_to(idx);
    }

    /// An edge into the end of frame `idx` leaves from here: only facts that hold here too hold
    /// at the end (a loop's edges go to its header, where nothing is known anyway).
    fn edge_to(&mut self, idx: usize) {
        // In a versioned loop's fast copy, the facts it learned stay inside (`versioning.rs`).
        let carried = self.fast_exit_facts(idx);
        let frame = &mut self.frames[idx];
        if frame.is_loop() {
            return;
        }
        let here = carried.unwrap_or_else(|| self.analyses.facts.snapshot());
        let at = &mut frame.analyses;
        at.at_edges = Some(match &at.at_edges {
            Some(seen) => AddressFacts::meet(seen, &here),
            None => here,
        });
    }

    /// The end of a construct is reached: what holds there is what holds on every edge into it.
    pub(super) fn end_reached(&mut self, at: AtConstruct, edges: EndEdges) {
        let at_end = match edges {
            EndEdges::FallOutOnly => return,
            EndEdges::Branches => at.at_edges,
            EndEdges::BranchesAndStart => {
                Some(at.at_edges.map_or_else(|| at.at_start.clone(), |edges| AddressFacts::meet(&edges, &at.at_start)))
            }
        };
        self.analyses.facts.restore(at_end.unwrap_or_default());
    }
}
