//! Guard mode: keeping the loads whose trap would otherwise vanish.
//!
//! In guard mode an out-of-bounds load traps only if the machine instruction runs. Loads are
//! ordinary LLVM loads, so LLVM optimises them like native code (hoists, combines, vectorises).
//! That is only safe for a load whose whole value the program goes on to use: LLVM deletes a load
//! whose value is dead, and narrows one of which only the low bytes are used (so the bytes past
//! the end of memory are never touched). Such loads are made `volatile` here, which LLVM neither
//! deletes nor narrows:
//! - a value discarded by the program: `drop`, operands left on the stack by a branch, `return`,
//!   `unreachable` or `throw`, and a `local.set` into a local that is never read — together with
//!   every load feeding such a value through side-effect-free instructions (`pin_unused`);
//! - a load used only in part: the operand of `i32.wrap_i64`, an in-place sign extension, a
//!   narrow store, an `and` or `shl` with a constant, and both value operands of a `select` whose
//!   two operands are loads (LLVM turns that into one load of the selected address).
//!
//! A call whose result is discarded is marked `noinline`: inlined, the callee's loads would be
//! dead too. Whatever else LLVM finds dead (`x * 0`, an empty `if` on the value) is caught after
//! optimisation by `codegen/kept_loads.rs`, which re-optimises with those loads volatile.
//!
//! At -O0 and in -O1's quick tier every tagged load is volatile (`analyses.rs`, `load_built`):
//! instruction selection deletes loads whose value folds away, and no `kept_loads` check runs
//! after it.
//!
//! Not covered: a used load that LLVM moves into the only branch that uses it (the other path then
//! does not trap), and a load of an inlined callee whose value the caller folds away. Programs that
//! must trap exactly as the specification says there compile with `--bounds-checks=explicit`.
//! The fuzzer (`fuzz/`, its `guard order` column) finds the first: the backend's machine sinking
//! moves a load below a later trap check (a table bounds check, an atomic alignment check) when
//! only the block after the check uses it, so that check's trap is reported instead (LLVM's
//! `-disable-machine-sink` keeps the order; InstCombine and LICM can sink loads as well). About one
//! module in 800 of wasm-smith's shows it.

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::{AnyValue, BasicValue, BasicValueEnum, InstructionOpcode, InstructionValue};
use wasmparser::Operator;

/// How many instructions `pin_unused` looks through (a dropped value is rarely a deep tree).
const WALK_LIMIT: usize = 64;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Before `op` consumes its operands: pins the loads it would leave dead or narrow.
    pub(super) fn pin_before(&mut self, op: &Operator<'_>) -> Result<()> {
        if !self.analyses.pin_loads {
            return Ok(());
        }
        use Operator::*;
        match *op {
            Drop => self.pin_unused(self.peek(0)),
            LocalSet { local_index } | LocalTee { local_index } if !self.analyses.locals_read[local_index as usize] => {
                self.pin_unused(self.peek(0))
            }
            I32WrapI64 | I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => {
                self.pin_load(self.peek(0))
            }
            I32Store8 { .. } | I32Store16 { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => {
                self.pin_load(self.peek(0))
            }
            I32And | I64And | I32Shl | I64Shl => {
                let (a, b) = (self.peek(1), self.peek(0));
                if is_constant(b) || is_constant(a) {
                    self.pin_load(a)?;
                    self.pin_load(b)?;
                }
                Ok(())
            }
            Select | TypedSelect { .. } => {
                let (a, b) = (self.peek(2), self.peek(1));
                if self.as_memory_load(a).is_some() && self.as_memory_load(b).is_some() {
                    self.pin_load(a)?;
                    self.pin_load(b)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Makes volatile every load that `v` (a value the program discards) was computed from.
    pub(super) fn pin_unused(&self, v: BasicValueEnum<'ctx>) -> Result<()> {
        let Some(first) = v.as_instruction_value() else { return Ok(()) };
        let mut work = vec![first];
        let mut seen = 0;
        while let Some(inst) = work.pop() {
            seen += 1;
            if seen > WALK_LIMIT {
                break;
            }
            match inst.get_opcode() {
                // Locals, globals and context fields are loads too, but never trap.
                InstructionOpcode::Load if self.is_memory_load(inst) => set_volatile(inst)?,
                InstructionOpcode::Load => {}
                // Inlined, the callee's loads would be as dead as this result, and the check of
                // `kept_loads.rs` only follows a load in the function it was written in.
                InstructionOpcode::Call if !calls_intrinsic(inst) => no_inline(self.unit, inst)?,
                InstructionOpcode::Store
                | InstructionOpcode::Alloca
                | InstructionOpcode::AtomicRMW
                | InstructionOpcode::AtomicCmpXchg
                | InstructionOpcode::Invoke => {}
                _ => {
                    for i in 0..inst.get_num_operands() {
                        if let Some(op) = inst.get_operand(i).and_then(|o| o.value()) {
                            work.extend(op.as_instruction_value());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Makes `v` volatile when it is a linear-memory load.
    fn pin_load(&self, v: BasicValueEnum<'ctx>) -> Result<()> {
        match self.as_memory_load(v) {
            Some(inst) => set_volatile(inst),
            None => Ok(()),
        }
    }

    fn as_memory_load(&self, v: BasicValueEnum<'ctx>) -> Option<InstructionValue<'ctx>> {
        v.as_instruction_value().filter(|&i| self.is_memory_load(i))
    }

    /// Linear-memory loads are the tagged ones (`load_built` tags every one in guard mode).
    fn is_memory_load(&self, inst: InstructionValue<'ctx>) -> bool {
        crate::ir::load_tags::is_tagged(self.unit.llcx, inst)
    }

    fn peek(&self, depth: usize) -> BasicValueEnum<'ctx> {
        self.stack[self.stack.len() - 1 - depth]
    }
}

fn is_constant(v: BasicValueEnum<'_>) -> bool {
    match v {
        BasicValueEnum::IntValue(i) => i.is_const(),
        _ => false,
    }
}

/// A call of an LLVM intrinsic: side-effect free for the operators that use them (bit counts,
/// min/max, saturating conversions), so its operands are as dead as its result.
fn calls_intrinsic(inst: InstructionValue<'_>) -> bool {
    let n = inst.get_num_operands();
    let callee = n.checked_sub(1).and_then(|i| inst.get_operand(i)).and_then(|o| o.value());
    match callee {
        Some(BasicValueEnum::PointerValue(p)) => p.get_name().to_bytes().starts_with(b"llvm."),
        _ => false,
    }
}

fn no_inline(unit: &crate::ir::unit::Unit<'_, '_>, inst: InstructionValue<'_>) -> Result<()> {
    let call = inkwell::values::CallSiteValue::try_from(inst)
        .map_err(|_| crate::error::internal("call instruction expected"))?;
    call.add_attribute(inkwell::attributes::AttributeLoc::Function, unit.enum_attr("noinline"));
    Ok(())
}

/// Makes a load volatile: LLVM neither deletes nor narrows it.
pub(super) fn set_volatile(inst: InstructionValue<'_>) -> Result<()> {
    inst.set_volatile(true).map_err(|e| crate::error::internal(format!("{e}: {}", inst.print_to_string())))
}
