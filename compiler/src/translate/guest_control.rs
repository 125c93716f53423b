//! The checks that let a host stop a guest it does not trust, compiled in only when asked for
//! (`GuestControl`): a default compile emits none of this code.
//!
//! **Interruption** (`--interruptible`). `w2n_store_interrupt` sets the store's `interrupt` word and
//! its stack limit to `UINTPTR_MAX` (`runtime-lib/src/interrupt.c`). Every function entry already
//! compares the stack pointer with that limit (`stack_check`), so a call, a tail call or a recursion
//! stops at the next entry at no extra cost; the runtime reports the failed check as `interrupt`
//! while the word is set. What has no entry is a loop: each loop header (so every back edge, and
//! every iteration of a copy made by `versioning.rs`) reads the word, volatile, and traps
//! `interrupt` when it is set. With `--interruptible` the entry's load of the limit is volatile too,
//! so that a self-tail-call LLVM turned into a loop still reads it at every iteration.
//!
//! **Fuel** (`--fuel`). Each Wasm instruction costs 1, except `nop`, `drop`, `block`, `loop`,
//! `else`, `end`, `unreachable` and `return` (0, as wasmtime counts). The translator adds the costs
//! of the instructions it translates and charges the sum at the end of each straight-line piece:
//! before every branch (`br*`, `if`, `else`, `end`, `return`), before every call (the callee starts
//! with the fuel the caller left), before `throw*`, and before `loop` (what came before the loop is
//! charged once, each iteration its own piece). A charge loads the store's fuel, traps
//! `all fuel consumed by WebAssembly` when it is less than the cost (leaving it unchanged), and
//! stores the rest otherwise. The costs come from the operators alone and each charge is a call-free
//! sequence ordered before the branch it precedes, so the fuel left and the place of the trap are
//! the same at every optimisation level and on every target. A piece that traps for another reason
//! is not charged.

use super::FuncTranslator;
use crate::abi;
use crate::error::Result;
use crate::trap::Trap;
use inkwell::IntPredicate;
use wasmparser::Operator;

/// What one operator costs (wasmtime's default costs: structure is free, everything else 1).
fn cost(op: &Operator<'_>) -> u64 {
    match op {
        Operator::Nop
        | Operator::Drop
        | Operator::Block { .. }
        | Operator::Loop { .. }
        | Operator::Else
        | Operator::End
        | Operator::Unreachable
        | Operator::Return => 0,
        _ => 1,
    }
}

/// Whether the straight-line piece ends before `op` runs its control transfer: branches, calls,
/// throws, and the ends of constructs.
fn ends_piece(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::CallRef { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::Rethrow { .. }
            | Operator::Catch { .. }
            | Operator::CatchAll
            | Operator::Delegate { .. }
    )
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Before translating `op` (reachable): counts its fuel, and charges the piece it ends.
    pub(super) fn control_before(&mut self, op: &Operator<'_>) -> Result<()> {
        if !self.unit.opts.control.fuel {
            return Ok(());
        }
        self.fuel_pending += cost(op);
        if ends_piece(op) {
            self.fuel_flush()?;
        }
        Ok(())
    }

    /// After translating `op`: a loop header polls the interrupt word.
    pub(super) fn control_after(&mut self, op: &Operator<'_>) -> Result<()> {
        if self.unit.opts.control.interruptible && matches!(op, Operator::Loop { .. }) && self.reachable {
            self.poll_interrupt()?;
        }
        Ok(())
    }

    /// Code that became unreachable charges nothing: the piece after it starts empty.
    pub(super) fn control_unreachable(&mut self) {
        self.fuel_pending = 0;
    }

    /// Charges the fuel counted since the last charge (nothing when there is none, or no fuel).
    pub(super) fn fuel_flush(&mut self) -> Result<()> {
        let cost = std::mem::take(&mut self.fuel_pending);
        if cost == 0 || !self.unit.opts.control.fuel {
            return Ok(());
        }
        let i64t = self.unit.llcx.i64_type();
        let store = self.load_invariant(self.unit.ptr().into(), self.ctx, abi::CTX_STORE)?.into_pointer_value();
        let cell = self.gep_const(store, abi::STORE_FUEL as u64)?;
        let fuel = self.builder.build_load(i64t, cell, "fuel")?.into_int_value();
        let left = self.builder.build_int_sub(fuel, self.i64_const(cost), "fuel_left")?;
        let out = self.builder.build_int_compare(IntPredicate::SLT, left, i64t.const_zero(), "out_of_fuel")?;
        self.trap_if(out, Trap::OutOfFuel)?;
        self.builder.build_store(cell, left)?;
        Ok(())
    }

    /// Traps `interrupt` when the store's interrupt word is set (read volatile: never hoisted).
    fn poll_interrupt(&mut self) -> Result<()> {
        let i64t = self.unit.llcx.i64_type();
        let store = self.load_invariant(self.unit.ptr().into(), self.ctx, abi::CTX_STORE)?.into_pointer_value();
        let word = self.load_at(i64t.into(), store, abi::STORE_INTERRUPT)?;
        super::instruction(word)?.set_volatile(true).map_err(|e| crate::error::internal(e.to_string()))?;
        let set = self.builder.build_int_compare(IntPredicate::NE, word.into_int_value(), i64t.const_zero(), "")?;
        self.trap_if(set, Trap::Interrupt)
    }
}
