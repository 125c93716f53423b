//! Atomic memory operators (threads proposal): sequentially consistent loads, stores,
//! read-modify-writes and compare-exchange at naturally aligned addresses (else "unaligned atomic"),
//! `atomic.fence`, and `memory.atomic.wait`/`notify` through the runtime. Bounds follow the same
//! rules as plain accesses (`effective_address`).

use super::FuncTranslator;
use crate::error::Result;
use crate::ir::runtime_fns::RuntimeFn;
use crate::trap::Trap;
use inkwell::values::{IntValue, PointerValue};
use inkwell::{AtomicOrdering, AtomicRMWBinOp, IntPredicate};
use wasmparser::{MemArg, Operator};

const SEQ_CST: AtomicOrdering = AtomicOrdering::SequentiallyConsistent;

/// What an atomic access does.
#[derive(Clone, Copy)]
enum Kind {
    Load,
    Store,
    Rmw(AtomicRMWBinOp),
    Cmpxchg,
}

/// An atomic memory access: its kind, the bits of its result type (32 or 64) and of the access
/// (8, 16, 32 or 64), and its memarg. `I64AtomicRmw8AddU` is (Rmw(Add), 64, 8).
#[derive(Clone, Copy)]
struct Access {
    kind: Kind,
    result: u32,
    width: u32,
    memarg: MemArg,
}

/// The access `op` makes, for the atomic loads, stores, read-modify-writes and compare-exchanges.
fn access(op: &Operator<'_>) -> Option<Access> {
    use AtomicRMWBinOp::{Add, And, Or, Sub, Xchg, Xor};
    use Kind::*;
    macro_rules! accesses {
        ($( $op:ident => $kind:expr, $result:literal, $width:literal; )*) => {
            match *op {
                $( Operator::$op { memarg } => Some(Access { kind: $kind, result: $result, width: $width, memarg }), )*
                _ => None,
            }
        };
    }
    accesses! {
        I32AtomicLoad => Load, 32, 32;
        I64AtomicLoad => Load, 64, 64;
        I32AtomicLoad8U => Load, 32, 8;
        I32AtomicLoad16U => Load, 32, 16;
        I64AtomicLoad8U => Load, 64, 8;
        I64AtomicLoad16U => Load, 64, 16;
        I64AtomicLoad32U => Load, 64, 32;
        I32AtomicStore => Store, 32, 32;
        I64AtomicStore => Store, 64, 64;
        I32AtomicStore8 => Store, 32, 8;
        I32AtomicStore16 => Store, 32, 16;
        I64AtomicStore8 => Store, 64, 8;
        I64AtomicStore16 => Store, 64, 16;
        I64AtomicStore32 => Store, 64, 32;
        I32AtomicRmwAdd => Rmw(Add), 32, 32;
        I64AtomicRmwAdd => Rmw(Add), 64, 64;
        I32AtomicRmw8AddU => Rmw(Add), 32, 8;
        I32AtomicRmw16AddU => Rmw(Add), 32, 16;
        I64AtomicRmw8AddU => Rmw(Add), 64, 8;
        I64AtomicRmw16AddU => Rmw(Add), 64, 16;
        I64AtomicRmw32AddU => Rmw(Add), 64, 32;
        I32AtomicRmwSub => Rmw(Sub), 32, 32;
        I64AtomicRmwSub => Rmw(Sub), 64, 64;
        I32AtomicRmw8SubU => Rmw(Sub), 32, 8;
        I32AtomicRmw16SubU => Rmw(Sub), 32, 16;
        I64AtomicRmw8SubU => Rmw(Sub), 64, 8;
        I64AtomicRmw16SubU => Rmw(Sub), 64, 16;
        I64AtomicRmw32SubU => Rmw(Sub), 64, 32;
        I32AtomicRmwAnd => Rmw(And), 32, 32;
        I64AtomicRmwAnd => Rmw(And), 64, 64;
        I32AtomicRmw8AndU => Rmw(And), 32, 8;
        I32AtomicRmw16AndU => Rmw(And), 32, 16;
        I64AtomicRmw8AndU => Rmw(And), 64, 8;
        I64AtomicRmw16AndU => Rmw(And), 64, 16;
        I64AtomicRmw32AndU => Rmw(And), 64, 32;
        I32AtomicRmwOr => Rmw(Or), 32, 32;
        I64AtomicRmwOr => Rmw(Or), 64, 64;
        I32AtomicRmw8OrU => Rmw(Or), 32, 8;
        I32AtomicRmw16OrU => Rmw(Or), 32, 16;
        I64AtomicRmw8OrU => Rmw(Or), 64, 8;
        I64AtomicRmw16OrU => Rmw(Or), 64, 16;
        I64AtomicRmw32OrU => Rmw(Or), 64, 32;
        I32AtomicRmwXor => Rmw(Xor), 32, 32;
        I64AtomicRmwXor => Rmw(Xor), 64, 64;
        I32AtomicRmw8XorU => Rmw(Xor), 32, 8;
        I32AtomicRmw16XorU => Rmw(Xor), 32, 16;
        I64AtomicRmw8XorU => Rmw(Xor), 64, 8;
        I64AtomicRmw16XorU => Rmw(Xor), 64, 16;
        I64AtomicRmw32XorU => Rmw(Xor), 64, 32;
        I32AtomicRmwXchg => Rmw(Xchg), 32, 32;
        I64AtomicRmwXchg => Rmw(Xchg), 64, 64;
        I32AtomicRmw8XchgU => Rmw(Xchg), 32, 8;
        I32AtomicRmw16XchgU => Rmw(Xchg), 32, 16;
        I64AtomicRmw8XchgU => Rmw(Xchg), 64, 8;
        I64AtomicRmw16XchgU => Rmw(Xchg), 64, 16;
        I64AtomicRmw32XchgU => Rmw(Xchg), 64, 32;
        I32AtomicRmwCmpxchg => Cmpxchg, 32, 32;
        I64AtomicRmwCmpxchg => Cmpxchg, 64, 64;
        I32AtomicRmw8CmpxchgU => Cmpxchg, 32, 8;
        I32AtomicRmw16CmpxchgU => Cmpxchg, 32, 16;
        I64AtomicRmw8CmpxchgU => Cmpxchg, 64, 8;
        I64AtomicRmw16CmpxchgU => Cmpxchg, 64, 16;
        I64AtomicRmw32CmpxchgU => Cmpxchg, 64, 32;
    }
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_atomic(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        match *op {
            AtomicFence { .. } => {
                self.builder.build_fence(SEQ_CST, false, "")?;
                Ok(())
            }
            MemoryAtomicNotify { memarg } => {
                let count = self.pop_int()?;
                let (addr, mem) = self.atomic_address_operand(memarg)?;
                let f = self.unit.runtime_fn(RuntimeFn::AtomicNotify);
                let v = self.call_value(f, &[self.ctx.into(), mem.into(), addr.into(), count.into()])?;
                self.push(v);
                Ok(())
            }
            MemoryAtomicWait32 { memarg } | MemoryAtomicWait64 { memarg } => {
                let is64 = matches!(op, MemoryAtomicWait64 { .. });
                let timeout = self.pop_int()?;
                let expected = self.pop_int()?;
                let expected = self.builder.build_int_z_extend_or_bit_cast(expected, self.unit.llcx.i64_type(), "")?;
                let (addr, mem) = self.atomic_address_operand(memarg)?;
                let f = self.unit.runtime_fn(RuntimeFn::AtomicWait);
                let args = [
                    self.ctx.into(),
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
            _ => match access(op) {
                Some(a) => match a.kind {
                    Kind::Load => self.atomic_load(a),
                    Kind::Store => self.atomic_store(a),
                    Kind::Rmw(bin) => self.rmw(a, bin),
                    Kind::Cmpxchg => self.cmpxchg(a),
                },
                None => Err(crate::error::internal(format!("not an atomic operator: {op:?}"))),
            },
        }
    }

    fn atomic_load(&mut self, Access { result, width, memarg, .. }: Access) -> Result<()> {
        let p = self.atomic_address(memarg, width)?;
        let ty = self.int_type(width);
        let v = self.builder.build_load(ty, p, "")?;
        let inst = super::instruction(v)?;
        inst.set_alignment(width / 8).map_err(super::llvm)?;
        inst.set_atomic_ordering(SEQ_CST).map_err(super::llvm)?;
        let v = self.builder.build_int_z_extend_or_bit_cast(v.into_int_value(), self.int_type(result), "")?;
        self.push(v);
        Ok(())
    }

    fn atomic_store(&mut self, Access { width, memarg, .. }: Access) -> Result<()> {
        let value = self.pop_int()?;
        let p = self.atomic_address(memarg, width)?;
        let value = self.builder.build_int_truncate_or_bit_cast(value, self.int_type(width), "")?;
        let store = self.builder.build_store(p, value)?;
        store.set_alignment(width / 8).map_err(super::llvm)?;
        store.set_atomic_ordering(SEQ_CST).map_err(super::llvm)?;
        Ok(())
    }

    /// The address of an atomic access of `width` bits: alignment first, then bounds as for plain
    /// accesses (an access both misaligned and out of bounds traps as unaligned, as in the reference
    /// interpreter and wasmtime). Memory bases are page-aligned: the effective address's low bits
    /// are the pointer's.
    fn atomic_address(&mut self, memarg: MemArg, width: u32) -> Result<PointerValue<'ctx>> {
        let addr = self.pop_int()?;
        let wide = self.builder.build_int_z_extend_or_bit_cast(addr, self.unit.llcx.i64_type(), "")?;
        let eff = self.builder.build_int_add(wide, self.i64_const(memarg.offset), "")?;
        let low = self.builder.build_and(eff, self.i64_const(width as u64 / 8 - 1), "")?;
        let unaligned = self.builder.build_int_compare(IntPredicate::NE, low, self.i64_const(0), "")?;
        self.trap_if(unaligned, Trap::UnalignedAtomic)?;
        self.push(addr);
        self.effective_address(memarg, width / 8)
    }

    /// wait/notify take the address as an operand for the runtime: `addr + offset` (i64) and the memory.
    fn atomic_address_operand(&mut self, memarg: MemArg) -> Result<(IntValue<'ctx>, IntValue<'ctx>)> {
        let addr = self.pop_index()?;
        let addr = self.builder.build_int_add(addr, self.i64_const(memarg.offset), "")?;
        let mem = match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => m,
            wasmparser::MemArgTarget::Array(_) => return crate::error::unsupported("atomics on GC arrays"),
        };
        Ok((addr, self.i32_const(mem as u64)))
    }

    fn rmw(&mut self, Access { result, width, memarg, .. }: Access, bin: AtomicRMWBinOp) -> Result<()> {
        let value = self.pop_int()?;
        let p = self.atomic_address(memarg, width)?;
        let value = self.builder.build_int_truncate_or_bit_cast(value, self.int_type(width), "")?;
        let old = self.builder.build_atomicrmw(bin, p, value, SEQ_CST)?;
        let old = self.builder.build_int_z_extend_or_bit_cast(old, self.int_type(result), "")?;
        self.push(old);
        Ok(())
    }

    /// Narrow forms compare the zero-extended loaded value with the full `expected`: when `expected`
    /// does not fit the width nothing can match, so only an atomic load happens.
    fn cmpxchg(&mut self, Access { result, width, memarg, .. }: Access) -> Result<()> {
        let replacement = self.pop_int()?;
        let expected = self.pop_int()?;
        let p = self.atomic_address(memarg, width)?;
        let narrow = self.int_type(width);
        let cmp = self.builder.build_int_truncate_or_bit_cast(expected, narrow, "")?;
        let new = self.builder.build_int_truncate_or_bit_cast(replacement, narrow, "")?;
        let old = if width == result {
            let pair = self.builder.build_cmpxchg(p, cmp, new, SEQ_CST, SEQ_CST)?;
            self.builder.build_extract_value(pair, 0, "")?.into_int_value()
        } else {
            let fits = self.builder.build_int_compare(
                IntPredicate::EQ,
                expected,
                self.builder.build_int_z_extend(cmp, expected.get_type(), "")?,
                "",
            )?;
            let (swap, load, done) = (
                self.unit.llcx.append_basic_block(self.func, "cmpxchg"),
                self.unit.llcx.append_basic_block(self.func, "cmpxchg_nomatch"),
                self.unit.llcx.append_basic_block(self.func, "cmpxchg_done"),
            );
            self.builder.build_conditional_branch(fits, swap, load)?;
            self.builder.position_at_end(swap);
            let pair = self.builder.build_cmpxchg(p, cmp, new, SEQ_CST, SEQ_CST)?;
            let swapped = self.builder.build_extract_value(pair, 0, "")?.into_int_value();
            self.builder.build_unconditional_branch(done)?;
            self.builder.position_at_end(load);
            let loaded = self.builder.build_load(narrow, p, "")?;
            let inst = super::instruction(loaded)?;
            inst.set_alignment(width / 8).map_err(super::llvm)?;
            inst.set_atomic_ordering(SEQ_CST).map_err(super::llvm)?;
            self.builder.build_unconditional_branch(done)?;
            self.builder.position_at_end(done);
            let phi = self.builder.build_phi(narrow, "")?;
            phi.add_incoming(&[(&swapped, swap), (&loaded.into_int_value(), load)]);
            phi.as_basic_value().into_int_value()
        };
        let old = self.builder.build_int_z_extend_or_bit_cast(old, self.int_type(result), "")?;
        self.push(old);
        Ok(())
    }
}
