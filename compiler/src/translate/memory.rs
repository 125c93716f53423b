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
//! - What an access lets the analyses conclude (`add nuw` after it, a later load it covers, its
//!   alias stream) is decided in `analyses.rs`, which `effective_address` and `load_access` tell
//!   of each access (`memory_access`, `load_reached`, `load_built`).

use super::FuncTranslator;
use crate::abi;
use crate::error::Result;
use crate::ir::runtime_fns::RuntimeFn;
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

/// The most bytes a `memory.fill` or `memory.copy` moves inline (`llvm.memset`/`llvm.memmove`,
/// libc's routines): C and C++ compiled with bulk memory make every `memcpy` and `memset` one, most
/// of them small. Larger ones go to the runtime, which moves them in chunks between polls for
/// interruption (`W2N_BULK_CHUNK`, the same size: no inline operation outlasts a chunk).
const INLINE_BULK_BYTES: u64 = 1 << 20;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_memory(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        let cx = self.unit.llcx;
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
                let log2 = self.unit.info.memories[mem as usize].page_size_log2 as u64;
                let pages = self.builder.build_right_shift(size, self.i64_const(log2), false, "pages")?;
                let is64 = self.unit.info.memories[mem as usize].memory64;
                self.push_index_result(pages, is64)
            }
            MemoryGrow { mem } => {
                let delta = self.pop_index()?;
                let f = self.unit.runtime_fn(RuntimeFn::MemoryGrow);
                let old = self.call_value(f, &[self.ctx.into(), self.i32_const(mem as u64).into(), delta.into()])?;
                let is64 = self.unit.info.memories[mem as usize].memory64;
                self.push_index_result(old.into_int_value(), is64)
            }
            MemoryFill { mem } => {
                let len = self.pop_index()?;
                let value = self.pop_int()?;
                let dst = self.pop_index()?;
                let byte = self.builder.build_int_truncate(value, self.unit.llcx.i8_type(), "")?;
                let (base, fast) = self.small_bulk_in_bounds(mem, dst, len)?;
                let mem = self.i32_const(mem as u64);
                self.split_small_bulk(
                    fast,
                    |t| {
                        t.builder.build_memset(t.gep(base, dst)?, 1, byte, len)?;
                        Ok(())
                    },
                    |t| t.call_runtime(RuntimeFn::MemoryFill, &[mem.into(), dst.into(), value.into(), len.into()]),
                )
            }
            MemoryCopy { dst_mem, src_mem } => {
                let len = self.pop_index()?;
                let src = self.pop_index()?;
                let dst = self.pop_index()?;
                let (dst_base, dst_fits) = self.small_bulk_in_bounds(dst_mem, dst, len)?;
                let (src_base, src_fits) = self.small_bulk_in_bounds(src_mem, src, len)?;
                let fast = self.builder.build_and(dst_fits, src_fits, "")?;
                let (dm, sm) = (self.i32_const(dst_mem as u64), self.i32_const(src_mem as u64));
                self.split_small_bulk(
                    fast,
                    |t| {
                        let (to, from) = (t.gep(dst_base, dst)?, t.gep(src_base, src)?);
                        t.builder.build_memmove(to, 1, from, 1, len)?;
                        Ok(())
                    },
                    |t| {
                        let args = [dm.into(), sm.into(), dst.into(), src.into(), len.into()];
                        t.call_runtime(RuntimeFn::MemoryCopy, &args)
                    },
                )
            }
            MemoryInit { data_index, mem } => {
                let len = self.pop_index()?;
                let src = self.pop_index()?;
                let dst = self.pop_index()?;
                let data = self.unit.data_segment(data_index).as_pointer_value();
                let (m, s) = (self.i32_const(mem as u64), self.i32_const(data_index as u64));
                self.call_runtime(
                    RuntimeFn::MemoryInit,
                    &[m.into(), s.into(), data.into(), dst.into(), src.into(), len.into()],
                )
            }
            DataDrop { data_index } => {
                let slot = self.gep_const(self.ctx, (self.unit.layout.data_lens + 8 * data_index) as u64)?;
                self.builder.build_store(slot, self.i64_const(0))?;
                Ok(())
            }
            _ => Err(crate::error::internal(format!("not a memory operator: {op:?}"))),
        }
    }

    /// For `memory.fill` and `memory.copy`: memory `mem`'s base, and whether `len` bytes at `at`
    /// are in bounds and few enough to move inline (at most `INLINE_BULK_BYTES`). Computed without
    /// overflow for 64-bit memories too: `len <= size` and `at <= size - len`.
    fn small_bulk_in_bounds(
        &mut self,
        mem: u32,
        at: IntValue<'ctx>,
        len: IntValue<'ctx>,
    ) -> Result<(PointerValue<'ctx>, IntValue<'ctx>)> {
        let base = self.memory_base(mem)?;
        let size = self.memory_size_bytes(mem)?;
        let b = &self.builder;
        let small = b.build_int_compare(IntPredicate::ULE, len, self.i64_const(INLINE_BULK_BYTES), "small")?;
        let fits = b.build_int_compare(IntPredicate::ULE, len, size, "")?;
        let room = b.build_int_sub(size, len, "")?;
        let within = b.build_int_compare(IntPredicate::ULE, at, room, "")?;
        let ok = b.build_and(small, b.build_and(fits, within, "")?, "in_bounds")?;
        Ok((base, ok))
    }

    /// `fast` (the bulk operation is small and in bounds) runs `inline` here, else `call` (the
    /// runtime, which traps, or moves large sizes in interruptible chunks); both continue after.
    fn split_small_bulk(
        &mut self,
        fast: IntValue<'ctx>,
        inline: impl FnOnce(&mut Self) -> Result<()>,
        call: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<()> {
        let cx = self.unit.llcx;
        let (fast_bb, slow_bb, done) = (
            cx.append_basic_block(self.func, "bulk_inline"),
            cx.append_basic_block(self.func, "bulk_runtime"),
            cx.append_basic_block(self.func, "bulk_done"),
        );
        self.builder.build_conditional_branch(fast, fast_bb, slow_bb)?;
        self.builder.position_at_end(fast_bb);
        inline(self)?;
        self.builder.build_unconditional_branch(done)?;
        self.builder.position_at_end(slow_bb);
        call(self)?;
        self.builder.build_unconditional_branch(done)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    fn memory_ptr(&self, mem: u32) -> Result<PointerValue<'ctx>> {
        self.entity_ptr(super::Entity::Memory, mem)
    }

    /// Memory `mem`'s base: it never moves, so the load is invariant.
    fn memory_base(&self, mem: u32) -> Result<PointerValue<'ctx>> {
        let base = self.load_invariant(self.unit.ptr().into(), self.memory_ptr(mem)?, abi::MEMORY_BASE)?;
        Ok(base.into_pointer_value())
    }

    fn memory_size_bytes(&self, mem: u32) -> Result<IntValue<'ctx>> {
        let m = self.memory_ptr(mem)?;
        Ok(self.load_at(self.unit.llcx.i64_type().into(), m, abi::MEMORY_SIZE)?.into_int_value())
    }

    /// The native address of an access of `size` bytes at the popped address plus `memarg.offset`.
    pub(super) fn effective_address(&mut self, memarg: MemArg, size: u32) -> Result<PointerValue<'ctx>> {
        let wasm_addr = self.pop_int()?;
        let addr = self.builder.build_int_z_extend_or_bit_cast(wasm_addr, self.unit.llcx.i64_type(), "")?;
        let mem = memory_index(memarg)?;
        let base = self.memory_base(mem)?;
        let info = self.unit.info.memories[mem as usize];
        // Memories that no guard reservation can cover: 64-bit ones, and those with 1-byte pages
        // (which may end inside an OS page).
        if info.memory64 || info.page_size_log2 != 16 {
            return self.checked_address64(base, addr, memarg.offset, size, mem);
        }
        let eff = if memarg.offset == 0 {
            addr
        } else {
            self.builder.build_int_add(addr, self.i64_const(memarg.offset), "eff")?
        };
        if self.unit.opts.bounds_checks == BoundsChecks::Explicit {
            let end = self.builder.build_int_add(eff, self.i64_const(size as u64), "")?;
            let mem_size = self.memory_size_bytes(memory_index(memarg)?)?;
            let oob = self.builder.build_int_compare(IntPredicate::UGT, end, mem_size, "oob")?;
            self.trap_if(oob, Trap::MemoryOutOfBounds)?;
        }
        // The access follows at once: what comes after it runs only if it did not trap.
        let base = self.memory_access(wasm_addr, mem, memarg.offset, size, base)?;
        self.gep(base, eff)
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
        let i64t = self.unit.llcx.i64_type();
        let uadd = self.unit.intrinsic("llvm.uadd.with.overflow", &[i64t.into()])?;
        let sum = self.call_value(uadd, &[addr.into(), self.i64_const(offset).into()])?.into_struct_value();
        let eff = self.builder.build_extract_value(sum, 0, "eff")?.into_int_value();
        let wrapped = self.builder.build_extract_value(sum, 1, "wrapped")?.into_int_value();
        let mem_size = self.memory_size_bytes(mem)?;
        let size = self.i64_const(size as u64);
        let too_small = self.builder.build_int_compare(IntPredicate::ULT, mem_size, size, "")?;
        let limit = self.builder.build_int_sub(mem_size, size, "")?;
        let past = self.builder.build_int_compare(IntPredicate::UGT, eff, limit, "")?;
        let oob = self.builder.build_or(wrapped, self.builder.build_or(too_small, past, "")?, "oob")?;
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
            (Some(to), Extend::Signed) => self.builder.build_int_s_extend(v.into_int_value(), to, "")?.into(),
            (Some(to), Extend::Unsigned) => self.builder.build_int_z_extend(v.into_int_value(), to, "")?.into(),
            _ => v,
        };
        self.push(v);
        Ok(())
    }

    /// A load LLVM must keep whole: `volatile` in guard mode (explicit mode checks the bounds
    /// before the access, so the load itself may go or shrink).
    pub(super) fn load_kept(&mut self, memarg: MemArg, ty: BasicTypeEnum<'ctx>) -> Result<BasicValueEnum<'ctx>> {
        let v = self.load_access(memarg, ty)?;
        self.whole_load_built(v)?;
        Ok(v)
    }

    /// An `align 1` load of `ty` at the popped address plus `memarg.offset`, tagged in guard mode
    /// (`codegen/kept_loads.rs`), which is also how `pin.rs` tells it from other loads.
    pub(super) fn load_access(&mut self, memarg: MemArg, ty: BasicTypeEnum<'ctx>) -> Result<BasicValueEnum<'ctx>> {
        let size = type_size(ty);
        let tagged = self.load_reached(self.peek_int()?, memory_index(memarg)?, memarg.offset, size);
        let p = self.effective_address(memarg, size)?;
        let v = self.builder.build_load(ty, p, "")?;
        let inst = super::instruction(v)?;
        inst.set_alignment(1).map_err(|e| crate::error::internal(e.to_string()))?;
        self.load_built(inst, tagged, size)?;
        Ok(v)
    }

    fn store(&mut self, memarg: MemArg, narrow: Option<IntType<'ctx>>) -> Result<()> {
        let value = self.pop()?;
        let value: BasicValueEnum = match narrow {
            Some(to) => self.builder.build_int_truncate(value.into_int_value(), to, "")?.into(),
            None => value,
        };
        self.store_raw(memarg, value)
    }

    /// Stores `value` at the popped address plus `memarg.offset` (`align 1`).
    pub(super) fn store_raw(&mut self, memarg: MemArg, value: BasicValueEnum<'ctx>) -> Result<()> {
        let p = self.effective_address(memarg, type_size(value.get_type()))?;
        let inst = self.builder.build_store(p, value)?;
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
