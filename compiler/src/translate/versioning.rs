//! Loop versioning: an innermost loop is translated twice, behind a test at its entry of what its
//! fast copy assumes; the other copy is the exact translation of before. Two premises, either or
//! both (`VersionPlan`):
//!
//! - **Sums** (a loop whose addresses are an address sum plus a constant): every sum it steps is
//!   at most `2^32 - FAST_OFFSET_LIMIT`; the fast copy may then add constants below
//!   `FAST_OFFSET_LIMIT` to the sums with `add nuw`, which makes `b + 4*i + 4` (a 1-D stencil's
//!   `b[i+1]`) a 64-bit affine address to LLVM.
//! - **A counted exit** (`counted_loops.rs`: the latch is `br_if 0 (x != bound)` right after the
//!   loop's only change of `x`, `x += step`): the distance `d` from `x` to the bound, in the step's
//!   direction and modulo 2^32, is a non-zero multiple of the step. When LLVM gains from it
//!   (`CountedExit::helps_llvm`: the exit is then *ordered*), also `x <s bound` (`>s` stepping
//!   down), and the fast copy's latch compares `x <s bound` (`>s`) with the step an `add nsw`,
//!   from which LLVM computes the trip count. With `--fuel` and a body of one piece (`prepaid`),
//!   the entry test also checks that the fuel left pays for all `d / |step|` iterations, charges
//!   them, and the copy's header charges nothing.
//!
//! SAFETY of the counted exit: the only change of `x` in the loop is `x + step`, and right after
//! it the latch goes back only when `x + step != bound`; a back edge before the step brings `x`
//! unchanged. So each iteration takes `|step|` off `d`, which stays a multiple of the step, and the
//! loop leaves when `d` reaches 0: after exactly `d0 / |step|` iterations (none modulo 2^32 comes
//! sooner, since `d0 < 2^32`). The prepaid fuel is what the exact copy would charge, piece by
//! piece, unless a trap (or an interruption) ends the loop early, when the fuel of the iterations
//! not run stays charged. Ordered (upward; mirrored downward): `x <s bound` at the header gives
//! `x + step <= bound` as integers (no signed wrap: `nsw`), so `x + step != bound` is `x + step <s
//! bound`, and the premise holds again on the back edge.
//!
//! SAFETY of sums (read twice before changing): the fast copy's premise is that at its header
//! every sum `h` of the loop is at most `LIMIT = 2^32 - FAST_OFFSET_LIMIT`. The entry test gives it
//! on entry. On a back edge it holds when every change of `h` since the header was a *certified*
//! step: `h + d` with `0 < d <= FAST_OFFSET_LIMIT` that the address facts proved cannot wrap, that
//! is, after an access through `h` (at an offset `c >= 0`) that did not trap, so `h <= 2^32 - 2^16`
//! and `h + d <= LIMIT`. Anything else (a step the facts cannot prove, a sum computed afresh)
//! clears `certified` for the rest of the copy, in program order, which covers every path since
//! the loop has no inner loop. A back edge taken while not certified makes the whole copy invalid:
//! every `nuw` it was given is then taken back (`FastLoop::nuw`), so the copy computes exactly
//! what the other one does. The facts the copy learned (possibly from its own premise) never
//! leave it: its exits carry the facts from before the loop, and after the two copies meet the
//! translator goes on with those.

use super::address_facts::Bounds;
use super::address_sums::FAST_OFFSET_LIMIT;
use super::counted_loops::{Bound, CountedExit};
use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::{BasicValue, BasicValueEnum, InstructionValue, IntValue};
use inkwell::IntPredicate;
use wasmparser::Operator;

/// A loop to translate twice and what its fast copy assumes.
#[derive(Clone, Debug)]
pub struct VersionPlan {
    /// The index of its `end` operator.
    pub end: usize,
    /// The hidden locals of its sums.
    pub sums: Vec<u32>,
    /// Its counted exit, when the fast copy assumes it.
    pub counted: Option<CountedExit>,
    /// `--fuel`: the fast copy's iterations are charged before it.
    pub prepaid: bool,
}

impl VersionPlan {
    /// A loop ending at `end`, as yet assuming nothing.
    pub fn new(end: usize) -> VersionPlan {
        VersionPlan { end, sums: Vec::new(), counted: None, prepaid: false }
    }
}

/// The state of the fast copy of a versioned loop while it is translated.
pub struct FastLoop<'ctx> {
    /// The index its loop frame has in the frame stack: edges to it are back edges, edges below
    /// it leave the loop.
    pub frame: usize,
    /// The hidden locals of its sums.
    pub sums: Vec<u32>,
    /// The address facts before the loop, which its exits carry.
    pub entry_facts: Bounds,
    /// No change of a sum so far that is not a certified step.
    pub certified: bool,
    /// Every back edge was taken while certified.
    pub valid: bool,
    /// The `add nuw` instructions it built, taken back if it turns out invalid.
    pub nuw: Vec<InstructionValue<'ctx>>,
    /// The index of its `loop` operator.
    pub header: usize,
    /// Its counted exit, assumed.
    pub counted: Option<CountedExit>,
    /// Its iterations were charged before it.
    pub prepaid: bool,
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Translates `ops[at..=plan.end]` (a loop and its body) twice behind the entry test, and
    /// merges the two at the loop's end; returns the index after its `end`.
    pub(super) fn translate_versioned(&mut self, ops: &[Operator<'_>], at: usize, plan: VersionPlan) -> Result<usize> {
        let Operator::Loop { blockty } = ops[at] else {
            return Err(crate::error::internal("a versioned loop that is not a loop"));
        };
        let end = plan.end;
        let results = self.block_signature(blockty)?.1.len();
        let limit = self.i32_const((1u64 << 32) - FAST_OFFSET_LIMIT);
        let mut premises = Vec::new();
        for &h in &plan.sums {
            let value = self.load_local_i32(h)?;
            premises.push(self.builder.build_int_compare(IntPredicate::ULE, value, limit, "sum_below")?);
        }
        let mut fuel_left = None;
        if let Some(exit) = &plan.counted {
            let (counted, trips) = self.counted_premise(exit)?;
            premises.push(counted);
            if plan.prepaid {
                let (enough, left) = self.fuel_for_trips(trips, self.fuel_costs[at + 1])?;
                premises.push(enough);
                fuel_left = Some(left);
            }
        }
        let mut premise = premises.pop().ok_or_else(|| crate::error::internal("a versioned loop assuming nothing"))?;
        for p in premises {
            premise = self.builder.build_and(p, premise, "")?;
        }
        // A premise of constants (a counter and bound set just before the loop) decides which copy
        // runs; the other is not translated. Left to LLVM, its loads would vanish with it and guard
        // mode would optimise the function again (`codegen/kept_loads.rs`).
        let known = crate::translate::control::known_condition(premise);
        let fast_entry = self.unit.llcx.append_basic_block(self.func, "fast_loop");
        let exact_entry = self.unit.llcx.append_basic_block(self.func, "exact_loop");
        match known {
            Some(true) => self.builder.build_unconditional_branch(fast_entry)?,
            Some(false) => self.builder.build_unconditional_branch(exact_entry)?,
            None => self.builder.build_conditional_branch(premise, fast_entry, exact_entry)?,
        };

        let (stack, facts, streams) =
            (self.stack.clone(), self.analyses.facts.snapshot(), self.analyses.streams.clone());
        self.builder.position_at_end(fast_entry);
        if let Some(left) = fuel_left {
            let cell = self.fuel_cell()?;
            self.builder.build_store(cell, left)?;
        }
        self.analyses.fast = Some(FastLoop {
            frame: self.frames.len(),
            sums: plan.sums,
            entry_facts: facts.clone(),
            certified: true,
            valid: true,
            nuw: Vec::new(),
            header: at,
            counted: plan.counted,
            prepaid: plan.prepaid,
        });
        let fast_out = if known == Some(false) {
            self.builder.build_unreachable()?;
            None
        } else {
            let out = self.translate_copy(ops, at, end, results);
            let fast = self.analyses.fast.take().ok_or_else(|| crate::error::internal("fast loop state lost"))?;
            let out = out?;
            if !fast.valid {
                for add in fast.nuw {
                    add.set_no_unsigned_wrap_flag(false).map_err(|e| crate::error::internal(e.to_string()))?;
                }
            }
            out
        };
        self.analyses.fast = None;

        self.stack = stack;
        self.analyses.facts.restore(facts.clone());
        self.analyses.streams = streams;
        self.reachable = true;
        self.builder.position_at_end(exact_entry);
        let exact_out = if known == Some(true) {
            self.builder.build_unreachable()?;
            None
        } else {
            self.translate_copy(ops, at, end, results)?
        };

        self.analyses.facts.restore(facts);
        let outs: Vec<_> = [fast_out, exact_out].into_iter().flatten().collect();
        if outs.is_empty() {
            // Neither copy falls out of the loop: the code after it is unreachable, as it was.
            return Ok(end + 1);
        }
        let merge = self.unit.llcx.append_basic_block(self.func, "loop_versions");
        for (block, _) in &outs {
            self.builder.position_at_end(*block);
            self.builder.build_unconditional_branch(merge)?;
        }
        self.builder.position_at_end(merge);
        for i in 0..results {
            let first = outs[0].1[i];
            let phi = self.builder.build_phi(first.get_type(), "")?;
            for (block, values) in &outs {
                phi.add_incoming(&[(&values[i] as &dyn BasicValue, *block)]);
            }
            self.stack.push(phi.as_basic_value());
        }
        self.reachable = true;
        Ok(end + 1)
    }

    /// The counted exit's premise at the loop's entry (as signed numbers too when it is ordered:
    /// `CountedExit::helps_llvm`), and the
    /// number of iterations it implies.
    fn counted_premise(&mut self, exit: &CountedExit) -> Result<(IntValue<'ctx>, IntValue<'ctx>)> {
        let x = self.load_local_i32(exit.var)?;
        let bound = match exit.bound {
            Bound::Const(k) => self.i32_const(k as u32 as u64),
            Bound::Local(k) => self.load_local_i32(k)?,
        };
        let (before, distance) = if exit.step > 0 {
            (IntPredicate::SLT, self.builder.build_int_sub(bound, x, "")?)
        } else {
            (IntPredicate::SGT, self.builder.build_int_sub(x, bound, "")?)
        };
        let step = exit.step.unsigned_abs();
        let (rest, trips) = if step.is_power_of_two() {
            let rest = self.builder.build_and(distance, self.i32_const(step as u64 - 1), "")?;
            (rest, self.builder.build_right_shift(distance, self.i32_const(step.trailing_zeros() as u64), false, "")?)
        } else {
            let step = self.i32_const(step as u64);
            (
                self.builder.build_int_unsigned_rem(distance, step, "")?,
                self.builder.build_int_unsigned_div(distance, step, "")?,
            )
        };
        let multiple = self.builder.build_int_compare(IntPredicate::EQ, rest, self.i32_const(0), "")?;
        let nonzero = self.builder.build_int_compare(IntPredicate::NE, distance, self.i32_const(0), "")?;
        let mut premise = self.builder.build_and(multiple, nonzero, "counted")?;
        if exit.helps_llvm() {
            let ordered = self.builder.build_int_compare(before, x, bound, "")?;
            premise = self.builder.build_and(premise, ordered, "counted_ordered")?;
        }
        Ok((premise, trips))
    }

    /// Whether the fuel left pays for `trips` iterations of `cost`, and what would then be left.
    fn fuel_for_trips(&mut self, trips: IntValue<'ctx>, cost: u64) -> Result<(IntValue<'ctx>, IntValue<'ctx>)> {
        let i64t = self.unit.llcx.i64_type();
        let cell = self.fuel_cell()?;
        let fuel = self.builder.build_load(i64t, cell, "fuel")?.into_int_value();
        // At most 2^32 iterations of a piece of fewer than 2^31 operators: no overflow.
        let trips = self.builder.build_int_z_extend(trips, i64t, "")?;
        let charge = self.builder.build_int_mul(trips, self.i64_const(cost), "")?;
        let left = self.builder.build_int_sub(fuel, charge, "fuel_left")?;
        let enough = self.builder.build_int_compare(IntPredicate::SGE, left, i64t.const_zero(), "fuel_pays")?;
        Ok((enough, left))
    }

    /// The current value of i32 local `local`: the constant it was last set to on the straight
    /// path that leads here, if any (so that a premise of constants folds), else a load.
    fn load_local_i32(&mut self, local: u32) -> Result<IntValue<'ctx>> {
        let slot = self.locals[local as usize].0;
        // Not with exception handlers: a landing's path in the IR starts where its try began, not
        // at the stores the try's body made before the throw.
        let here = self.builder.get_insert_block().filter(|_| !self.has_try_table);
        if let Some(c) = here.and_then(|bb| constant_stored_last(bb, slot, |b| self.is_open_loop_header(b))) {
            return Ok(c);
        }
        Ok(self.builder.build_load(self.unit.llcx.i32_type(), slot, "")?.into_int_value())
    }

    /// One copy of the loop: where it falls out and with which results, if it does.
    fn translate_copy(
        &mut self,
        ops: &[Operator<'_>],
        at: usize,
        end: usize,
        results: usize,
    ) -> Result<Option<(inkwell::basic_block::BasicBlock<'ctx>, Vec<BasicValueEnum<'ctx>>)>> {
        for (i, op) in ops.iter().enumerate().take(end + 1).skip(at) {
            self.op_at = i;
            self.translate_operator(op)?;
        }
        if !self.reachable {
            return Ok(None);
        }
        let values = self.pop_n(results)?;
        Ok(Some((self.current_block()?, values)))
    }

    /// In the fast copy: whether `x + c` may be `add nuw` by the copy's premise (`x` holds a sum
    /// of the loop, no uncertified change of a sum came before, `0 <= c < FAST_OFFSET_LIMIT`).
    pub(super) fn fast_offset(&self, x: IntValue<'ctx>, c: IntValue<'ctx>) -> bool {
        let Some(fast) = &self.analyses.fast else { return false };
        let small = c.get_zero_extended_constant().is_some_and(|c| c < FAST_OFFSET_LIMIT);
        small && fast.certified && fast.sums.iter().any(|&h| self.analyses.facts.holds(x, h))
    }

    /// In the fast copy, at the `i32.add` of an ordered counted step: it cannot wrap as signed.
    pub(super) fn fast_counter_step(&self) -> bool {
        let Some(fast) = &self.analyses.fast else { return false };
        fast.counted.is_some_and(|c| c.helps_llvm() && c.step_add == Some(self.op_at))
    }

    /// In the fast copy, at the latch of an ordered counted exit, whose trip count is exact: the
    /// loop gets its mark (`ir::loop_marks`).
    pub(super) fn at_fast_ordered_latch(&self) -> bool {
        let counted = self.analyses.fast.as_ref().and_then(|fast| fast.counted);
        counted.is_some_and(|exit| exit.helps_llvm() && exit.latch == self.op_at)
    }

    /// In the fast copy, at an ordered counted exit's `i32.ne` (or its `br_if`, testing the counter
    /// against 0): the signed comparison that agrees.
    pub(super) fn fast_exit_predicate(&self) -> Option<IntPredicate> {
        let exit = self.analyses.fast.as_ref()?.counted.filter(CountedExit::helps_llvm)?;
        let (at, counter_first) = exit.compare;
        (at == self.op_at).then_some(match (exit.step > 0, counter_first) {
            (true, true) | (false, false) => IntPredicate::SLT,
            (true, false) | (false, true) => IntPredicate::SGT,
        })
    }

    /// In the fast copy, at its `loop` operator: its iterations were charged before it.
    pub(super) fn fast_prepaid_header(&self) -> bool {
        self.analyses.fast.as_ref().is_some_and(|fast| fast.prepaid && fast.header == self.op_at)
    }

    /// In the fast copy: an `add nuw` to take back if the copy turns out invalid.
    pub(super) fn note_nuw(&mut self, add: IntValue<'ctx>) {
        if let (Some(fast), Some(inst)) = (&mut self.analyses.fast, add.as_instruction()) {
            fast.nuw.push(inst);
        }
    }

    /// In the fast copy: sum `hidden` changed; `certified` says whether by a certified step.
    pub(super) fn note_sum_change(&mut self, hidden: u32, certified: bool) {
        if let Some(fast) = &mut self.analyses.fast {
            if fast.sums.contains(&hidden) && !certified {
                fast.certified = false;
            }
        }
    }

    /// In the fast copy, a branch to frame `idx`: a back edge must be certified.
    pub(super) fn fast_back_edge(&mut self, idx: usize) {
        if let Some(fast) = &mut self.analyses.fast {
            if idx == fast.frame && !fast.certified {
                fast.valid = false;
            }
        }
    }

    /// In the fast copy, the facts an edge to frame `idx` carries when not the current ones: an
    /// exit from the loop carries those from before it.
    pub(super) fn fast_exit_facts(&self, idx: usize) -> Option<Bounds> {
        let fast = self.analyses.fast.as_ref()?;
        (idx < fast.frame).then(|| fast.entry_facts.clone())
    }
}

/// How far `constant_stored_last` looks back: blocks, and instructions in all.
const STRAIGHT_PATH_BLOCKS: usize = 8;
const STRAIGHT_PATH_INSTRUCTIONS: usize = 512;

/// The integer constant last stored to the local slot `slot` on the path that ends `bb`, following
/// blocks back while each has a single predecessor and is not `open` (a loop header whose back
/// edges are yet to be built); `None` when the last store there is not of a constant or none is
/// found. A local's slot is an alloca only loads and stores use (its address never escapes), so
/// only a store to it changes it.
fn constant_stored_last<'ctx>(
    mut bb: inkwell::basic_block::BasicBlock<'ctx>,
    slot: inkwell::values::PointerValue<'ctx>,
    open: impl Fn(inkwell::basic_block::BasicBlock<'ctx>) -> bool,
) -> Option<IntValue<'ctx>> {
    use inkwell::values::{AnyValueEnum, InstructionOpcode};
    let mut budget = STRAIGHT_PATH_INSTRUCTIONS;
    for _ in 0..STRAIGHT_PATH_BLOCKS {
        let mut at = bb.get_last_instruction();
        while let Some(inst) = at {
            budget = budget.checked_sub(1)?;
            if inst.get_opcode() == InstructionOpcode::Store
                && inst.get_operand(1).and_then(|o| o.value()).is_some_and(|p| p == slot.as_basic_value_enum())
            {
                return match inst.get_operand(0)?.value()? {
                    BasicValueEnum::IntValue(v) if v.is_const() => Some(v),
                    _ => None,
                };
            }
            at = inst.get_previous_instruction();
        }
        if open(bb) {
            return None;
        }
        // The single predecessor: the block is used by one terminator, once.
        let first = bb.get_first_use()?;
        if first.get_next_use().is_some() {
            return None;
        }
        let AnyValueEnum::InstructionValue(branch) = first.get_user() else { return None };
        bb = branch.get_parent()?;
    }
    None
}
