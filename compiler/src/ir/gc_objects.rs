//! IR for GC objects (`gc_types` says their layout), shared by function bodies and the constant
//! expressions of the init function: allocation, field and element access, `i31ref`s.
//!
//! Objects never move (the runtime's collector is non-moving and finds references on the native
//! stack conservatively), so a reference is a plain pointer that LLVM may keep in any register or
//! stack slot, and accesses to a non-null object's fields are ordinary loads and stores that
//! cannot fault.

use super::runtime_fns::RuntimeFn;
use super::unit::Unit;
use crate::error::{internal, Result};
use crate::gc_types::{Field, Storage, ARRAY_ELEMS, ARRAY_LEN};
use inkwell::builder::Builder;
use inkwell::values::{BasicValue, BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::IntPredicate;

/// What the IR of an object operation needs: where to build and the instance.
pub struct ObjectBuilder<'a, 'u, 'ctx, 'm> {
    pub u: &'u Unit<'ctx, 'm>,
    pub b: &'a Builder<'ctx>,
    pub ctx: PointerValue<'ctx>,
    pub func: FunctionValue<'ctx>,
}

impl<'ctx> ObjectBuilder<'_, '_, 'ctx, '_> {
    /// `base + offset` bytes.
    pub fn at(&self, base: PointerValue<'ctx>, offset: IntValue<'ctx>) -> Result<PointerValue<'ctx>> {
        super::cells::byte_offset(self.u.llcx, self.b, base, offset)
    }

    pub fn at_const(&self, base: PointerValue<'ctx>, offset: u32) -> Result<PointerValue<'ctx>> {
        self.at(base, self.u.llcx.i64_type().const_int(offset as u64, false))
    }

    /// The canonical runtime type (`w2n_rtt *`) of type `t`, from the context (invariant).
    pub fn rtt(&self, t: u32) -> Result<PointerValue<'ctx>> {
        let slot = self.at_const(self.ctx, self.u.layout.rtts + 8 * t)?;
        let v = self.b.build_load(self.u.ptr(), slot, "rtt")?;
        mark_invariant(self.u, v)?;
        Ok(v.into_pointer_value())
    }

    fn call(
        &self,
        rf: RuntimeFn,
        args: &[inkwell::values::BasicMetadataValueEnum<'ctx>],
    ) -> Result<PointerValue<'ctx>> {
        let mut all = vec![self.ctx.into()];
        all.extend_from_slice(args);
        self.b
            .build_call(self.u.runtime_fn(rf), &all, "")?
            .try_as_basic_value()
            .basic()
            .map(|v| v.into_pointer_value())
            .ok_or_else(|| internal("allocation returned void"))
    }

    /// A zeroed struct of type `t`.
    pub fn new_struct(&self, t: u32) -> Result<PointerValue<'ctx>> {
        let rtt = self.rtt(t)?;
        self.call(RuntimeFn::GcAllocStruct, &[rtt.into()])
    }

    /// A zeroed array of type `t` with `len` (i32) elements.
    pub fn new_array(&self, t: u32, len: IntValue<'ctx>) -> Result<PointerValue<'ctx>> {
        let rtt = self.rtt(t)?;
        self.call(RuntimeFn::GcAllocArray, &[rtt.into(), len.into()])
    }

    /// Stores the operand-stack value `v` into `field` of object `obj` (packed fields keep the
    /// low bits).
    pub fn store_field(&self, obj: PointerValue<'ctx>, field: &Field, v: BasicValueEnum<'ctx>) -> Result<()> {
        let p = self.at_const(obj, field.offset)?;
        self.store(p, field.storage, v)
    }

    /// Stores `v` as `storage` at `p`.
    pub fn store(&self, p: PointerValue<'ctx>, storage: Storage, v: BasicValueEnum<'ctx>) -> Result<()> {
        let v: BasicValueEnum = match storage {
            Storage::I8 => self.b.build_int_truncate(v.into_int_value(), self.u.llcx.i8_type(), "")?.into(),
            Storage::I16 => self.b.build_int_truncate(v.into_int_value(), self.u.llcx.i16_type(), "")?.into(),
            Storage::Val(_) => v,
        };
        let st = self.b.build_store(p, v)?;
        st.set_alignment(storage.bytes()).map_err(|e| internal(e.to_string()))?;
        Ok(())
    }

    /// Loads `storage` at `p` as its operand-stack value: packed fields sign- or zero-extended.
    pub fn load(&self, p: PointerValue<'ctx>, storage: Storage, signed: bool) -> Result<BasicValueEnum<'ctx>> {
        let (ty, packed) = match storage {
            Storage::I8 => (self.u.llcx.i8_type().into(), true),
            Storage::I16 => (self.u.llcx.i16_type().into(), true),
            Storage::Val(t) => (self.u.llvm_type(t), false),
        };
        let v = self.b.build_load(ty, p, "")?;
        v.as_instruction_value()
            .ok_or_else(|| internal("a load expected"))?
            .set_alignment(storage.bytes())
            .map_err(|e| internal(e.to_string()))?;
        if !packed {
            return Ok(v);
        }
        let i32t = self.u.llcx.i32_type();
        Ok(match signed {
            true => self.b.build_int_s_extend(v.into_int_value(), i32t, "")?.into(),
            false => self.b.build_int_z_extend(v.into_int_value(), i32t, "")?.into(),
        })
    }

    /// The address of element `index` (i32, unchecked) of an array of `storage`.
    pub fn element(
        &self,
        array: PointerValue<'ctx>,
        storage: Storage,
        index: IntValue<'ctx>,
    ) -> Result<PointerValue<'ctx>> {
        let i64t = self.u.llcx.i64_type();
        let index = self.b.build_int_z_extend_or_bit_cast(index, i64t, "")?;
        let scaled = self.b.build_int_mul(index, i64t.const_int(storage.bytes() as u64, false), "")?;
        let offset = self.b.build_int_add(scaled, i64t.const_int(ARRAY_ELEMS as u64, false), "")?;
        self.at(array, offset)
    }

    /// An array's length (i32).
    pub fn length(&self, array: PointerValue<'ctx>) -> Result<IntValue<'ctx>> {
        let p = self.at_const(array, ARRAY_LEN)?;
        Ok(self.b.build_load(self.u.llcx.i32_type(), p, "len")?.into_int_value())
    }

    /// Stores `v` into elements `start .. start + len` (i32s, in bounds) of an array of `storage`.
    pub fn fill(
        &self,
        array: PointerValue<'ctx>,
        storage: Storage,
        start: IntValue<'ctx>,
        len: IntValue<'ctx>,
        v: BasicValueEnum<'ctx>,
    ) -> Result<()> {
        let cx = self.u.llcx;
        let entry = self.b.get_insert_block().ok_or_else(|| internal("builder not positioned"))?;
        let body = cx.append_basic_block(self.func, "fill");
        let done = cx.append_basic_block(self.func, "filled");
        let end = self.b.build_int_add(start, len, "")?;
        let empty = self.b.build_int_compare(IntPredicate::EQ, len, cx.i32_type().const_zero(), "")?;
        self.b.build_conditional_branch(empty, done, body)?;
        self.b.position_at_end(body);
        let i = self.b.build_phi(cx.i32_type(), "i")?;
        let iv = i.as_basic_value().into_int_value();
        self.store(self.element(array, storage, iv)?, storage, v)?;
        let next = self.b.build_int_add(iv, cx.i32_type().const_int(1, false), "")?;
        i.add_incoming(&[(&start, entry), (&next, body)]);
        let more = self.b.build_int_compare(IntPredicate::NE, next, end, "")?;
        self.b.build_conditional_branch(more, body, done)?;
        self.b.position_at_end(done);
        Ok(())
    }

    /// `ref.i31`: `(x << 1) | 1` of the i32 `x`, as a pointer-sized reference.
    pub fn ref_i31(&self, x: IntValue<'ctx>) -> Result<PointerValue<'ctx>> {
        let i64t = self.u.llcx.i64_type();
        let shifted = self.b.build_left_shift(x, self.u.llcx.i32_type().const_int(1, false), "")?;
        let tagged = self.b.build_or(shifted, self.u.llcx.i32_type().const_int(1, false), "")?;
        let wide = self.b.build_int_z_extend(tagged, i64t, "")?;
        Ok(self.b.build_int_to_ptr(wide, self.u.ptr(), "i31")?)
    }

    /// `any.convert_extern` / `extern.convert_any` (the runtime boxes what needs boxing).
    pub fn convert(&self, v: PointerValue<'ctx>, to_any: bool) -> Result<PointerValue<'ctx>> {
        let rf = if to_any { RuntimeFn::GcExternToAny } else { RuntimeFn::GcAnyToExtern };
        self.call(rf, &[v.into()])
    }
}

fn mark_invariant(u: &Unit<'_, '_>, v: BasicValueEnum<'_>) -> Result<()> {
    let inst = v.as_instruction_value().ok_or_else(|| internal("a load expected"))?;
    let md = u.llcx.metadata_node(&[]);
    let kind = u.llcx.get_kind_id("invariant.load");
    inst.set_metadata(md, kind).map_err(|e| internal(e.to_string()))
}
