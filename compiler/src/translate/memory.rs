//! Linear memory: loads, stores, size/grow and the bulk-memory operators.
//!
//! SAFETY RULES of address computation (read twice before changing):
//! - Guard mode (the default for 32-bit memories on 64-bit hosts): the effective address is
//!   `zext(addr) + offset` in 64 bits, both below 2^32, so it is below 2^33; the runtime reserves
//!   8 GiB per memory and only the accessible prefix is read-write, so every out-of-bounds access
//!   faults inside the reservation and the signal handler turns it into a trap.
//! - Explicit mode (`--bounds-checks=explicit`, and always for 64-bit memories, whose addresses no
//!   reservation can cover): `addr + offset + size <= memory.size` is checked before the access,
//!   against the size loaded fresh (another instance may have grown the memory). For 64-bit
//!   addresses the additions are overflow-checked.
//! - Accesses are `align 1`: Wasm's alignment hint is not a promise.
//! - In guard mode LLVM must never delete a load whose value is unused, nor narrow one that is
//!   used in part (the access would no longer trap): scalar loads are ordinary loads, made
//!   `volatile` when the program discards or narrows their value (`pin.rs`); v128 loads are
//!   always volatile (`load_kept`), since a 16-byte load whose lanes are used selectively would
//!   otherwise be narrowed to those lanes.
//! - v128 accesses (`simd_memory.rs`) go through `effective_address` like every access, with the
//!   operator's access size (16; 8 for the extending loads; the lane's size for splat, zero and
//!   lane forms).

use super::FuncTranslator;
use crate::abi;
use crate::codegen::runtime_fns::RuntimeFn;
use crate::error::Result;
use crate::trap::Trap;
use crate::BoundsChecks;
use inkwell::types::{BasicTypeEnum, IntType};
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use wasmparser::{MemArg, Operator};

/// How a narrow load widens to its result type.
#[derive(Clone, Copy)]
enum Extend {
    None,
    Signed,
    Unsigned,
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_memory(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        let cx = self.u.llcx;
        let (i8t, i16t, i32t, i64t) = (cx.i8_type(), cx.i16_type(), cx.i32_type(), cx.i64_type());
        let (f32t, f64t) = (cx.f32_type().into(), cx.f64_type().into());
        match *op {
            I32Load { memarg } => self.load(memarg, i32t.into(), None, Extend::None),
            I64Load { memarg } => self.load(memarg, i64t.into(), None, Extend::None),
            F32Load { memarg } => self.load(memarg, f32t, None, Extend::None),
            F64Load { memarg } => self.load(memarg, f64t, None, Extend::None),
            I32Load8S { memarg } => self.load(memarg, i8t.into(), Some(i32t), Extend::Signed),
            I32Load8U { memarg } => self.load(memarg, i8t.into(), Some(i32t), Extend::Unsigned),
            I32Load16S { memarg } => self.load(memarg, i16t.into(), Some(i32t), Extend::Signed),
            I32Load16U { memarg } => self.load(memarg, i16t.into(), Some(i32t), Extend::Unsigned),
            I64Load8S { memarg } => self.load(memarg, i8t.into(), Some(i64t), Extend::Signed),
            I64Load8U { memarg } => self.load(memarg, i8t.into(), Some(i64t), Extend::Unsigned),
            I64Load16S { memarg } => self.load(memarg, i16t.into(), Some(i64t), Extend::Signed),
            I64Load16U { memarg } => self.load(memarg, i16t.into(), Some(i64t), Extend::Unsigned),
            I64Load32S { memarg } => self.load(memarg, i32t.into(), Some(i64t), Extend::Signed),
            I64Load32U { memarg } => self.load(memarg, i32t.into(), Some(i64t), Extend::Unsigned),
            I32Store { memarg } | I64Store { memarg } | F32Store { memarg } | F64Store { memarg } => {
                self.store(memarg, None)
            }
            I32Store8 { memarg } | I64Store8 { memarg } => self.store(memarg, Some(i8t)),
            I32Store16 { memarg } | I64Store16 { memarg } => self.store(memarg, Some(i16t)),
            I64Store32 { memarg } => self.store(memarg, Some(i32t)),
            MemorySize { mem } => {
                let size = self.memory_size_bytes(mem)?;
                let log2 = self.u.info.memories[mem as usize].page_size_log2 as u64;
                let pages = self.b.build_right_shift(size, self.i64_const(log2), false, "pages")?;
                let is64 = self.u.info.memories[mem as usize].memory64;
                self.push_index_result(pages, is64)
            }
            MemoryGrow { mem } => {
                let delta = self.pop_index()?;
                let f = self.u.runtime_fn(RuntimeFn::MemoryGrow);
                let old = self.call_value(f, &[self.vmctx.into(), self.i32_const(mem as u64).into(), delta.into()])?;
                let is64 = self.u.info.memories[mem as usize].memory64;
                self.push_index_result(old.into_int_value(), is64)
            }
            MemoryFill { mem } => {
                let len = self.pop_index()?;
                let value = self.pop_int()?;
                let dst = self.pop_index()?;
                let mem = self.i32_const(mem as u64);
                self.call_runtime(RuntimeFn::MemoryFill, &[mem.into(), dst.into(), value.into(), len.into()])
            }
            MemoryCopy { dst_mem, src_mem } => {
                let len = self.pop_index()?;
                let src = self.pop_index()?;
                let dst = self.pop_index()?;
                let (dm, sm) = (self.i32_const(dst_mem as u64), self.i32_const(src_mem as u64));
                self.call_runtime(RuntimeFn::MemoryCopy, &[dm.into(), sm.into(), dst.into(), src.into(), len.into()])
            }
            MemoryInit { data_index, mem } => {
                let len = self.pop_index()?;
                let src = self.pop_index()?;
                let dst = self.pop_index()?;
                let data = self.u.data_segment(data_index).as_pointer_value();
                let (m, s) = (self.i32_const(mem as u64), self.i32_const(data_index as u64));
                self.call_runtime(
                    RuntimeFn::MemoryInit,
                    &[m.into(), s.into(), data.into(), dst.into(), src.into(), len.into()],
                )
            }
            DataDrop { data_index } => {
                let slot = self.gep_const(self.vmctx, (self.u.layout.data_lens + 8 * data_index) as u64)?;
                self.b.build_store(slot, self.i64_const(0))?;
                Ok(())
            }
            _ => return Err(crate::error::internal(format!("not a memory operator: {op:?}"))),
        }
    }

    /// Pops an address, index or length (i32, or i64 for 64-bit memories and tables) as the runtime's
    /// 64-bit operand.
    pub(super) fn pop_index(&mut self) -> Result<IntValue<'ctx>> {
        let v = self.pop_int()?;
        Ok(self.b.build_int_z_extend_or_bit_cast(v, self.u.llcx.i64_type(), "")?)
    }

    /// Pushes a 64-bit size or old size as i64 (64-bit memories and tables) or i32.
    pub(super) fn push_index_result(&mut self, v: IntValue<'ctx>, is64: bool) -> Result<()> {
        if is64 {
            self.push(v);
        } else {
            self.push(self.b.build_int_truncate(v, self.u.llcx.i32_type(), "")?);
        }
        Ok(())
    }

    pub(super) fn call_runtime(
        &mut self,
        rf: RuntimeFn,
        args: &[inkwell::values::BasicMetadataValueEnum<'ctx>],
    ) -> Result<()> {
        let mut all = vec![self.vmctx.into()];
        all.extend_from_slice(args);
        self.b.build_call(self.u.runtime_fn(rf), &all, "")?;
        Ok(())
    }

    fn memory_ptr(&self, mem: u32) -> Result<PointerValue<'ctx>> {
        self.ctx_slot(self.u.layout.memories, mem)
    }

    fn memory_size_bytes(&self, mem: u32) -> Result<IntValue<'ctx>> {
        let m = self.memory_ptr(mem)?;
        Ok(self.load_at(self.u.llcx.i64_type().into(), m, abi::MEMORY_SIZE)?.into_int_value())
    }

    /// The native address of an access of `size` bytes at the popped address plus `memarg.offset`.
    pub(super) fn effective_address(&mut self, memarg: MemArg, size: u32) -> Result<PointerValue<'ctx>> {
        let wasm_addr = self.pop_int()?;
        let addr = self.b.build_int_z_extend_or_bit_cast(wasm_addr, self.u.llcx.i64_type(), "")?;
        let mem = memory_index(memarg)?;
        let m = self.memory_ptr(mem)?;
        let base = self.load_invariant(self.u.ptr().into(), m, abi::MEMORY_BASE)?.into_pointer_value();
        let info = self.u.info.memories[mem as usize];
        // Memories that no guard reservation can cover: 64-bit ones, and those with 1-byte pages
        // (which may end inside an OS page).
        if info.memory64 || info.page_size_log2 != 16 {
            return self.checked_address64(base, addr, memarg.offset, size, mem);
        }
        let eff =
            if memarg.offset == 0 { addr } else { self.b.build_int_add(addr, self.i64_const(memarg.offset), "eff")? };
        if self.u.opts.bounds_checks == BoundsChecks::Explicit {
            let end = self.b.build_int_add(eff, self.i64_const(size as u64), "")?;
            let mem_size = self.memory_size_bytes(memory_index(memarg)?)?;
            let oob = self.b.build_int_compare(IntPredicate::UGT, end, mem_size, "oob")?;
            self.trap_if(oob, Trap::MemoryOutOfBounds)?;
        }
        // The access follows at once: what comes after it runs only if it did not trap.
        self.facts.accessed(wasm_addr, mem, memarg.offset, size);
        let base = match self.streams.stream(wasm_addr) {
            Some(stream) if self.in_loop() => self.stream_base(base, stream)?,
            _ => base,
        };
        self.gep(base, eff)
    }

    /// The memory base as seen by the accesses of one alias stream (`alias_streams.rs`): an empty
    /// inline asm that returns its operand, which LLVM cannot see through. It reads no memory, so
    /// LLVM merges the copies of one stream and hoists them out of loops.
    fn stream_base(&mut self, base: PointerValue<'ctx>, stream: u32) -> Result<PointerValue<'ctx>> {
        use inkwell::attributes::{Attribute, AttributeLoc};
        let cx = self.u.llcx;
        let i32t = cx.i32_type();
        let fty = self.u.ptr().fn_type(&[self.u.ptr().into(), i32t.into()], false);
        // The stream number is an unused immediate operand: copies of different streams differ.
        let asm = cx.create_inline_asm(fty, String::new(), "=r,0,i".into(), false, false, None, false);
        let call = self.b.build_indirect_call(fty, asm, &[base.into(), self.i32_const(stream as u64).into()], "")?;
        for (name, value) in [("nounwind", 0), ("willreturn", 0), ("memory", 0)] {
            let attr = cx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), value);
            call.add_attribute(AttributeLoc::Function, attr);
        }
        Ok(call.try_as_basic_value().basic().expect("asm returns a pointer").into_pointer_value())
    }

    /// A 64-bit address: `addr + offset` may wrap, and `+ size` too, so check without overflowing:
    /// no wrap in the addition, and `eff <= mem_size - size` with `mem_size >= size`.
    fn checked_address64(
        &mut self,
        base: PointerValue<'ctx>,
        addr: IntValue<'ctx>,
        offset: u64,
        size: u32,
        mem: u32,
    ) -> Result<PointerValue<'ctx>> {
        let i64t = self.u.llcx.i64_type();
        let uadd = self.u.intrinsic("llvm.uadd.with.overflow", &[i64t.into()])?;
        let sum = self.call_value(uadd, &[addr.into(), self.i64_const(offset).into()])?.into_struct_value();
        let eff = self.b.build_extract_value(sum, 0, "eff")?.into_int_value();
        let wrapped = self.b.build_extract_value(sum, 1, "wrapped")?.into_int_value();
        let mem_size = self.memory_size_bytes(mem)?;
        let size = self.i64_const(size as u64);
        let too_small = self.b.build_int_compare(IntPredicate::ULT, mem_size, size, "")?;
        let limit = self.b.build_int_sub(mem_size, size, "")?;
        let past = self.b.build_int_compare(IntPredicate::UGT, eff, limit, "")?;
        let oob = self.b.build_or(wrapped, self.b.build_or(too_small, past, "")?, "oob")?;
        self.trap_if(oob, Trap::MemoryOutOfBounds)?;
        self.gep(base, eff)
    }

    fn load(
        &mut self,
        memarg: MemArg,
        ty: BasicTypeEnum<'ctx>,
        widen: Option<IntType<'ctx>>,
        ext: Extend,
    ) -> Result<()> {
        let v = self.load_access(memarg, ty)?;
        let v: BasicValueEnum = match (widen, ext) {
            (Some(to), Extend::Signed) => self.b.build_int_s_extend(v.into_int_value(), to, "")?.into(),
            (Some(to), Extend::Unsigned) => self.b.build_int_z_extend(v.into_int_value(), to, "")?.into(),
            _ => v,
        };
        self.push(v);
        Ok(())
    }

    /// A load LLVM must keep whole: `volatile` in guard mode (explicit mode checks the bounds
    /// before the access, so the load itself may go or shrink).
    pub(super) fn load_kept(&mut self, memarg: MemArg, ty: BasicTypeEnum<'ctx>) -> Result<BasicValueEnum<'ctx>> {
        let v = self.load_access(memarg, ty)?;
        if self.pin_loads {
            super::pin::set_volatile(super::instruction(v)?)?;
        }
        Ok(v)
    }

    /// An `align 1` load of `ty` at the popped address plus `memarg.offset`, tagged in guard mode
    /// (`codegen/kept_loads.rs`), which is also how `pin.rs` tells it from other loads.
    pub(super) fn load_access(&mut self, memarg: MemArg, ty: BasicTypeEnum<'ctx>) -> Result<BasicValueEnum<'ctx>> {
        let size = type_size(ty);
        // A load within an access that already ran cannot trap: LLVM may merge or delete it.
        let covered = self.pin_loads && self.facts.covers(self.peek_int()?, memory_index(memarg)?, memarg.offset, size);
        let p = self.effective_address(memarg, size)?;
        let v = self.b.build_load(ty, p, "")?;
        let inst = super::instruction(v)?;
        inst.set_alignment(1).map_err(|e| crate::error::internal(e.to_string()))?;
        if self.pin_loads && !covered {
            let id = self.u.next_load_id.get();
            self.u.next_load_id.set(id + 1);
            crate::codegen::kept_loads::tag(self.u.llcx, inst, id, size)?;
            // At -O0 nothing checks that a load survived (`kept_loads` runs after optimisation),
            // yet instruction selection still drops a load whose value folds away (a v128 lane
            // never read, a bitmask of known lanes): every load is kept whole there.
            if self.u.opts.opt_level == crate::OptLevel::O0 {
                super::pin::set_volatile(inst)?;
            }
        }
        Ok(v)
    }

    fn store(&mut self, memarg: MemArg, narrow: Option<IntType<'ctx>>) -> Result<()> {
        let value = self.pop()?;
        let value: BasicValueEnum = match narrow {
            Some(to) => self.b.build_int_truncate(value.into_int_value(), to, "")?.into(),
            None => value,
        };
        self.store_raw(memarg, value)
    }

    /// Stores `value` at the popped address plus `memarg.offset` (`align 1`).
    pub(super) fn store_raw(&mut self, memarg: MemArg, value: BasicValueEnum<'ctx>) -> Result<()> {
        let p = self.effective_address(memarg, type_size(value.get_type()))?;
        let inst = self.b.build_store(p, value)?;
        inst.set_alignment(1).map_err(|e| crate::error::internal(e.to_string()))?;
        Ok(())
    }
}

/// The memory a memarg addresses (GC array targets are not supported).
fn memory_index(memarg: MemArg) -> Result<u32> {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => Ok(m),
        wasmparser::MemArgTarget::Array(_) => crate::error::unsupported("memory instructions on GC arrays"),
    }
}

fn type_size(ty: BasicTypeEnum<'_>) -> u32 {
    match ty {
        BasicTypeEnum::IntType(t) => t.get_bit_width() / 8,
        BasicTypeEnum::FloatType(t) => {
            if t == t.get_context().f32_type() {
                4
            } else {
                8
            }
        }
        BasicTypeEnum::VectorType(t) => t.get_size() * type_size(t.get_element_type()),
        other => unreachable!("not a memory value type: {other:?}"),
    }
}
