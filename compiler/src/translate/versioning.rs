//! Loop versioning: an innermost loop whose addresses are an address sum plus a constant is
//! translated twice, behind a test at its entry that every sum it steps is at most
//! `2^32 - FAST_OFFSET_LIMIT`; the fast copy may then add constants below `FAST_OFFSET_LIMIT` to
//! the sums with `add nuw`, which makes `b + 4*i + 4` (a 1-D stencil's `b[i+1]`) a 64-bit affine
//! address to LLVM. The other copy is the exact translation of before.
//!
//! SAFETY (read twice before changing): the fast copy's premise is that at its header every sum
//! `h` of the loop is at most `LIMIT = 2^32 - FAST_OFFSET_LIMIT`. The entry test gives it on entry.
//! On a back edge it holds when every change of `h` since the header was a *certified* step:
//! `h + d` with `0 < d <= FAST_OFFSET_LIMIT` that the address facts proved cannot wrap, that is,
//! after an access through `h` (at an offset `c >= 0`) that did not trap, so `h <= 2^32 - 2^16`
//! and `h + d <= LIMIT`. Anything else (a step the facts cannot prove, a sum computed afresh)
//! clears `certified` for the rest of the copy, in program order, which covers every path since
//! the loop has no inner loop. A back edge taken while not certified makes the whole copy invalid:
//! every `nuw` it was given is then taken back (`FastLoop::nuw`), so the copy computes exactly
//! what the other one does. The facts the copy learned (possibly from its own premise) never
//! leave it: its exits carry the facts from before the loop, and after the two copies meet the
//! translator goes on with those.

use super::address_facts::Bounds;
use super::address_sums::FAST_OFFSET_LIMIT;
use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::{BasicValue, BasicValueEnum, InstructionValue, IntValue};
use inkwell::IntPredicate;
use wasmparser::Operator;

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
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Translates `ops[at..=end]` (a loop and its body) twice behind the entry test, and merges
    /// the two at the loop's end; returns the index after `end`.
    pub(super) fn translate_versioned(
        &mut self,
        ops: &[Operator<'_>],
        at: usize,
        end: usize,
        sums: &[u32],
    ) -> Result<usize> {
        let Operator::Loop { blockty } = ops[at] else {
            return Err(crate::error::internal("a versioned loop that is not a loop"));
        };
        let results = self.block_signature(blockty)?.1.len();
        let limit = self.i32_const((1u64 << 32) - FAST_OFFSET_LIMIT);
        let mut all_below = None;
        for &h in sums {
            let value =
                self.builder.build_load(self.unit.llcx.i32_type(), self.locals[h as usize].0, "")?.into_int_value();
            let below = self.builder.build_int_compare(IntPredicate::ULE, value, limit, "sum_below")?;
            all_below = Some(match all_below {
                Some(acc) => self.builder.build_and(acc, below, "")?,
                None => below,
            });
        }
        let all_below = all_below.ok_or_else(|| crate::error::internal("a versioned loop without sums"))?;
        let fast_entry = self.unit.llcx.append_basic_block(self.func, "fast_loop");
        let exact_entry = self.unit.llcx.append_basic_block(self.func, "exact_loop");
        self.builder.build_conditional_branch(all_below, fast_entry, exact_entry)?;

        let (stack, facts, streams) =
            (self.stack.clone(), self.analyses.facts.snapshot(), self.analyses.streams.clone());
        self.builder.position_at_end(fast_entry);
        self.analyses.fast = Some(FastLoop {
            frame: self.frames.len(),
            sums: sums.to_vec(),
            entry_facts: facts.clone(),
            certified: true,
            valid: true,
            nuw: Vec::new(),
        });
        let fast_out = self.translate_copy(ops, at, end, results);
        let fast = self.analyses.fast.take().ok_or_else(|| crate::error::internal("fast loop state lost"))?;
        let fast_out = fast_out?;
        if !fast.valid {
            for add in fast.nuw {
                add.set_no_unsigned_wrap_flag(false).map_err(|e| crate::error::internal(e.to_string()))?;
            }
        }

        self.stack = stack;
        self.analyses.facts.restore(facts.clone());
        self.analyses.streams = streams;
        self.reachable = true;
        self.builder.position_at_end(exact_entry);
        let exact_out = self.translate_copy(ops, at, end, results)?;

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
