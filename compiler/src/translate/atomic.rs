//! Atomic memory operators (threads proposal): sequentially consistent loads, stores,
//! read-modify-writes and compare-exchange at naturally aligned addresses (else "unaligned atomic"),
//! `atomic.fence`, and `memory.atomic.wait`/`notify` through the runtime. Bounds follow the same
//! rules as plain accesses (`effective_address`).

use super::FuncTranslator;
use crate::codegen::runtime_fns::RuntimeFn;
use crate::error::{CompileError, Result};
use crate::trap::Trap;
use inkwell::values::{IntValue, PointerValue};
use inkwell::{AtomicOrdering, AtomicRMWBinOp, IntPredicate};
use wasmparser::{MemArg, Operator};

const SEQ_CST: AtomicOrdering = AtomicOrdering::SequentiallyConsistent;

fn llvm(e: impl std::fmt::Display) -> CompileError {
    crate::error::internal(e.to_string())
}

/// (result type, access width in bits) of an atomic operator, from its name: `I64AtomicRmw8AddU` is
/// (64, 8), `I32AtomicRmwCmpxchg` (32, 32).
fn shape(op: &Operator<'_>) -> (u32, u32) {
    let name = super::numeric::operator_name(op);
    let result = if name.starts_with("I64") { 64 } else { 32 };
    let rest = name.split_once("Atomic").map_or("", |(_, r)| r);
    let digits: String = rest.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    (result, digits.parse().unwrap_or(result))
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_atomic(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        match *op {
            AtomicFence { .. } => {
                self.b.build_fence(SEQ_CST, false, "")?;
                Ok(())
            }
            MemoryAtomicNotify { memarg } => {
                let count = self.pop_int()?;
                let (addr, mem) = self.atomic_address_operand(memarg)?;
                let f = self.u.runtime_fn(RuntimeFn::AtomicNotify);
                let v = self.call_value(f, &[self.vmctx.into(), mem.into(), addr.into(), count.into()])?;
                self.push(v);
                Ok(())
            }
            MemoryAtomicWait32 { memarg } | MemoryAtomicWait64 { memarg } => {
                let is64 = matches!(op, MemoryAtomicWait64 { .. });
                let timeout = self.pop_int()?;
                let expected = self.pop_int()?;
                let expected = self.b.build_int_z_extend_or_bit_cast(expected, self.u.llcx.i64_type(), "")?;
                let (addr, mem) = self.atomic_address_operand(memarg)?;
                let f = self.u.runtime_fn(RuntimeFn::AtomicWait);
                let args = [
                    self.vmctx.into(),
                    mem.into(),
                    addr.into(),
                    expected.into(),
                    timeout.into(),
                    self.i32_const(is64 as u64).into(),
                ];
                let v = self.call_value(f, &args)?;
                self.push(v);
                Ok(())
            }
            I32AtomicLoad { memarg }
            | I64AtomicLoad { memarg }
            | I32AtomicLoad8U { memarg }
            | I32AtomicLoad16U { memarg }
            | I64AtomicLoad8U { memarg }
            | I64AtomicLoad16U { memarg }
            | I64AtomicLoad32U { memarg } => {
                let (result, width) = shape(op);
                let p = self.atomic_address(memarg, width)?;
                let ty = self.int_type(width);
                let v = self.b.build_load(ty, p, "")?;
                let inst = super::instruction(v)?;
                inst.set_alignment(width / 8).map_err(llvm)?;
                inst.set_atomic_ordering(SEQ_CST).map_err(llvm)?;
                let v = self.b.build_int_z_extend_or_bit_cast(v.into_int_value(), self.int_type(result), "")?;
                self.push(v);
                Ok(())
            }
            I32AtomicStore { memarg }
            | I64AtomicStore { memarg }
            | I32AtomicStore8 { memarg }
            | I32AtomicStore16 { memarg }
            | I64AtomicStore8 { memarg }
            | I64AtomicStore16 { memarg }
            | I64AtomicStore32 { memarg } => {
                let (_, width) = shape(op);
                let value = self.pop_int()?;
                let p = self.atomic_address(memarg, width)?;
                let value = self.b.build_int_truncate_or_bit_cast(value, self.int_type(width), "")?;
                let store = self.b.build_store(p, value)?;
                store.set_alignment(width / 8).map_err(llvm)?;
                store.set_atomic_ordering(SEQ_CST).map_err(llvm)?;
                Ok(())
            }
            I32AtomicRmwCmpxchg { memarg }
            | I64AtomicRmwCmpxchg { memarg }
            | I32AtomicRmw8CmpxchgU { memarg }
            | I32AtomicRmw16CmpxchgU { memarg }
            | I64AtomicRmw8CmpxchgU { memarg }
            | I64AtomicRmw16CmpxchgU { memarg }
            | I64AtomicRmw32CmpxchgU { memarg } => self.cmpxchg(op, memarg),
            _ => self.rmw(op),
        }
    }

    /// The address of an atomic access of `width` bits: alignment first, then bounds as for plain
    /// accesses (an access both misaligned and out of bounds traps as unaligned, as in the reference
    /// interpreter and wasmtime). Memory bases are page-aligned: the effective address's low bits
    /// are the pointer's.
    fn atomic_address(&mut self, memarg: MemArg, width: u32) -> Result<PointerValue<'ctx>> {
        let addr = self.pop_int()?;
        let wide = self.b.build_int_z_extend_or_bit_cast(addr, self.u.llcx.i64_type(), "")?;
        let eff = self.b.build_int_add(wide, self.i64_const(memarg.offset), "")?;
        let low = self.b.build_and(eff, self.i64_const(width as u64 / 8 - 1), "")?;
        let unaligned = self.b.build_int_compare(IntPredicate::NE, low, self.i64_const(0), "")?;
        self.trap_if(unaligned, Trap::UnalignedAtomic)?;
        self.push(addr);
        self.effective_address(memarg, width / 8)
    }

    /// wait/notify take the address as an operand for the runtime: `addr + offset` (i64) and the memory.
    fn atomic_address_operand(&mut self, memarg: MemArg) -> Result<(IntValue<'ctx>, IntValue<'ctx>)> {
        let addr = self.pop_index()?;
        let addr = self.b.build_int_add(addr, self.i64_const(memarg.offset), "")?;
        let mem = match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => m,
            wasmparser::MemArgTarget::Array(_) => return crate::error::unsupported("atomics on GC arrays"),
        };
        Ok((addr, self.i32_const(mem as u64)))
    }

    fn rmw(&mut self, op: &Operator<'_>) -> Result<()> {
        let name = super::numeric::operator_name(op);
        let memarg = match *op {
            Operator::I32AtomicRmwAdd { memarg } | Operator::I64AtomicRmwAdd { memarg } => memarg,
            _ => rmw_memarg(op).ok_or_else(|| CompileError::Unsupported(format!("instruction `{name}`")))?,
        };
        let bin = if name.contains("Add") {
            AtomicRMWBinOp::Add
        } else if name.contains("Sub") {
            AtomicRMWBinOp::Sub
        } else if name.contains("And") {
            AtomicRMWBinOp::And
        } else if name.contains("Xor") {
            AtomicRMWBinOp::Xor
        } else if name.contains("Or") {
            AtomicRMWBinOp::Or
        } else if name.contains("Xchg") {
            AtomicRMWBinOp::Xchg
        } else {
            return crate::error::unsupported(format!("instruction `{name}`"));
        };
        let (result, width) = shape(op);
        let value = self.pop_int()?;
        let p = self.atomic_address(memarg, width)?;
        let value = self.b.build_int_truncate_or_bit_cast(value, self.int_type(width), "")?;
        let old = self.b.build_atomicrmw(bin, p, value, SEQ_CST)?;
        let old = self.b.build_int_z_extend_or_bit_cast(old, self.int_type(result), "")?;
        self.push(old);
        Ok(())
    }

    /// Narrow forms compare the zero-extended loaded value with the full `expected`: when `expected`
    /// does not fit the width nothing can match, so only an atomic load happens.
    fn cmpxchg(&mut self, op: &Operator<'_>, memarg: MemArg) -> Result<()> {
        let (result, width) = shape(op);
        let replacement = self.pop_int()?;
        let expected = self.pop_int()?;
        let p = self.atomic_address(memarg, width)?;
        let narrow = self.int_type(width);
        let cmp = self.b.build_int_truncate_or_bit_cast(expected, narrow, "")?;
        let new = self.b.build_int_truncate_or_bit_cast(replacement, narrow, "")?;
        let old = if width == result {
            let pair = self.b.build_cmpxchg(p, cmp, new, SEQ_CST, SEQ_CST)?;
            self.b.build_extract_value(pair, 0, "")?.into_int_value()
        } else {
            let fits = self.b.build_int_compare(
                IntPredicate::EQ,
                expected,
                self.b.build_int_z_extend(cmp, expected.get_type(), "")?,
                "",
            )?;
            let (swap, load, done) = (
                self.u.llcx.append_basic_block(self.func, "cmpxchg"),
                self.u.llcx.append_basic_block(self.func, "cmpxchg_nomatch"),
                self.u.llcx.append_basic_block(self.func, "cmpxchg_done"),
            );
            self.b.build_conditional_branch(fits, swap, load)?;
            self.b.position_at_end(swap);
            let pair = self.b.build_cmpxchg(p, cmp, new, SEQ_CST, SEQ_CST)?;
            let swapped = self.b.build_extract_value(pair, 0, "")?.into_int_value();
            self.b.build_unconditional_branch(done)?;
            self.b.position_at_end(load);
            let loaded = self.b.build_load(narrow, p, "")?;
            let inst = super::instruction(loaded)?;
            inst.set_alignment(width / 8).map_err(llvm)?;
            inst.set_atomic_ordering(SEQ_CST).map_err(llvm)?;
            self.b.build_unconditional_branch(done)?;
            self.b.position_at_end(done);
            let phi = self.b.build_phi(narrow, "")?;
            phi.add_incoming(&[(&swapped, swap), (&loaded.into_int_value(), load)]);
            phi.as_basic_value().into_int_value()
        };
        let old = self.b.build_int_z_extend_or_bit_cast(old, self.int_type(result), "")?;
        self.push(old);
        Ok(())
    }
}

/// The memarg of any read-modify-write operator.
fn rmw_memarg(op: &Operator<'_>) -> Option<MemArg> {
    use Operator::*;
    Some(match *op {
        I32AtomicRmw8AddU { memarg }
        | I32AtomicRmw16AddU { memarg }
        | I64AtomicRmw8AddU { memarg }
        | I64AtomicRmw16AddU { memarg }
        | I64AtomicRmw32AddU { memarg }
        | I32AtomicRmwSub { memarg }
        | I64AtomicRmwSub { memarg }
        | I32AtomicRmw8SubU { memarg }
        | I32AtomicRmw16SubU { memarg }
        | I64AtomicRmw8SubU { memarg }
        | I64AtomicRmw16SubU { memarg }
        | I64AtomicRmw32SubU { memarg }
        | I32AtomicRmwAnd { memarg }
        | I64AtomicRmwAnd { memarg }
        | I32AtomicRmw8AndU { memarg }
        | I32AtomicRmw16AndU { memarg }
        | I64AtomicRmw8AndU { memarg }
        | I64AtomicRmw16AndU { memarg }
        | I64AtomicRmw32AndU { memarg }
        | I32AtomicRmwOr { memarg }
        | I64AtomicRmwOr { memarg }
        | I32AtomicRmw8OrU { memarg }
        | I32AtomicRmw16OrU { memarg }
        | I64AtomicRmw8OrU { memarg }
        | I64AtomicRmw16OrU { memarg }
        | I64AtomicRmw32OrU { memarg }
        | I32AtomicRmwXor { memarg }
        | I64AtomicRmwXor { memarg }
        | I32AtomicRmw8XorU { memarg }
        | I32AtomicRmw16XorU { memarg }
        | I64AtomicRmw8XorU { memarg }
        | I64AtomicRmw16XorU { memarg }
        | I64AtomicRmw32XorU { memarg }
        | I32AtomicRmwXchg { memarg }
        | I64AtomicRmwXchg { memarg }
        | I32AtomicRmw8XchgU { memarg }
        | I32AtomicRmw16XchgU { memarg }
        | I64AtomicRmw8XchgU { memarg }
        | I64AtomicRmw16XchgU { memarg }
        | I64AtomicRmw32XchgU { memarg } => memarg,
        _ => return None,
    })
}

/// Whether `op` is an atomic operator (threads proposal).
pub fn is_atomic(op: &Operator<'_>) -> bool {
    super::numeric::operator_name(op).contains("Atomic")
}
