//! The checks that let a host stop a guest it does not trust, compiled in only when asked for
//! (`GuestControl`): a default compile emits none of this code.
//!
//! **Interruption** (`--interruptible`) costs generated code nothing: `w2n_store_interrupt` sets the
//! store's `interrupt` word and its stack limit to `UINTPTR_MAX` (`runtime-lib/src/interrupt.c`).
//! Every function entry already compares the stack pointer with that limit (`stack_check`), so a
//! call, a tail call or a recursion stops at the next entry; the runtime reports the failed check as
//! `interrupt` while the word is set. Loops, which have no entry, are stopped asynchronously: the
//! runtime signals the thread running the store's Wasm about every millisecond while the request is
//! pending, and the handler unwinds as a trap when the interrupted PC is in generated code
//! (`runtime-lib/src/trap.c`, `interrupt_handler`). So `--interruptible` emits nothing: the option
//! only records that the embedder relies on interruption.
//!
//! **Fuel** (`--fuel`). Each Wasm instruction costs 1, except `nop`, `drop`, `block`, `loop`,
//! `else`, `end`, `unreachable` and `return` (0, as wasmtime counts). A function body is cut into
//! straight-line pieces, each ending with an instruction that transfers control: a branch (`br*`,
//! `if`, `else`, `end`, `return`), a call (the callee starts with the fuel the caller left), a
//! `throw*`, or `loop` (what comes before a loop is paid once, each iteration its own piece). On
//! entering a piece — at the function's start, in a loop's header, at a branch's target, after a
//! call — its whole cost is charged: the charge loads the store's fuel and, when less than the
//! cost, traps `all fuel consumed by WebAssembly` before any of the piece runs, leaving the fuel
//! unchanged; otherwise stores the rest. The costs come from the operators alone and each charge
//! precedes its piece's effects, so the fuel left and the place of the trap are the same at every
//! optimisation level and on every target. Both copies of a versioned loop charge the same pieces,
//! except that a counted loop of one piece may pay for all its iterations before its fast copy
//! (`versioning.rs`): the same total, unless a trap ends that loop early.

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
pub(super) fn ends_piece(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
            | Operator::BrOnCast { .. }
            | Operator::BrOnCastFail { .. }
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
    /// With `--fuel`: the cost of the piece starting at each operator, then the charge of the first.
    pub(super) fn control_prepare(&mut self, ops: &[Operator<'_>]) -> Result<()> {
        if !self.unit.opts.control.fuel {
            return Ok(());
        }
        let mut costs = vec![0; ops.len() + 1];
        for (i, op) in ops.iter().enumerate().rev() {
            costs[i] = cost(op) + if ends_piece(op) { 0 } else { costs[i + 1] };
        }
        self.fuel_costs = costs;
        self.charge_fuel(self.fuel_costs[0])
    }

    /// After translating operator `op_at` (reachable or not): a piece starts where control went on
    /// after a transfer.
    pub(super) fn control_after(&mut self, op: &Operator<'_>) -> Result<()> {
        if !self.reachable {
            return Ok(());
        }
        // A versioned loop's fast copy may have paid for all its iterations (`versioning.rs`).
        if self.unit.opts.control.fuel && ends_piece(op) && !self.loop_prepaid() {
            let cost = self.fuel_costs.get(self.op_at + 1).copied().unwrap_or(0);
            self.charge_fuel_at(cost, matches!(op, Operator::Loop { .. }))?;
        }
        Ok(())
    }

    /// Charges `cost` fuel (nothing for a free piece).
    fn charge_fuel(&mut self, cost: u64) -> Result<()> {
        self.charge_fuel_at(cost, false)
    }

    /// Charges `cost` fuel; in a loop header (`header`) the fuel is read volatile. Nothing else in
    /// a loop without calls need have an effect (interruption polls nothing), and LLVM would fold
    /// such a loop's charges into one: with "unlimited" fuel (2^63 - 1) a spinning loop would trap
    /// out of fuel at once instead of running until interrupted.
    fn charge_fuel_at(&mut self, cost: u64, header: bool) -> Result<()> {
        if cost == 0 {
            return Ok(());
        }
        let i64t = self.unit.llcx.i64_type();
        let cell = self.fuel_cell()?;
        let fuel = self.builder.build_load(i64t, cell, "fuel")?;
        if header {
            super::instruction(fuel)?.set_volatile(true).map_err(|e| crate::error::internal(e.to_string()))?;
        }
        let fuel = fuel.into_int_value();
        let left = self.builder.build_int_sub(fuel, self.i64_const(cost), "fuel_left")?;
        let out = self.builder.build_int_compare(IntPredicate::SLT, left, i64t.const_zero(), "out_of_fuel")?;
        self.trap_if(out, Trap::OutOfFuel)?;
        self.builder.build_store(cell, left)?;
        Ok(())
    }

    /// The store's fuel word.
    pub(super) fn fuel_cell(&mut self) -> Result<inkwell::values::PointerValue<'ctx>> {
        let store = self.load_invariant(self.unit.ptr().into(), self.ctx, abi::CTX_STORE)?.into_pointer_value();
        self.gep_const(store, abi::STORE_FUEL as u64)
    }
}
