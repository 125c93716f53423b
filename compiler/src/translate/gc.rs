//! The GC proposal's instructions: structs, arrays, `i31ref`, `ref.eq`, casts and tests, the
//! conversions between `any` and `extern`. Objects are built by `ir::gc_objects`; this file adds
//! the checks each instruction makes (null, bounds, casts) and the control flow of `br_on_cast`.
//!
//! A cast is constant time: an object's `w2n_rtt` lists its supertypes from the root down
//! (`display`), and a type's depth is known here, so `ref.cast (ref $t)` is one comparison for a
//! final `$t` and a bounds-guarded load and comparison otherwise.

use super::FuncTranslator;
use crate::error::{internal, Result};
use crate::gc_types::{Storage, OBJECT_RTT, RTT_ARRAY, RTT_STRUCT};
use crate::ir::gc_objects::ObjectBuilder;
use crate::ir::runtime_fns::RuntimeFn;
use crate::trap::Trap;
use inkwell::values::{IntValue, PointerValue};
use inkwell::IntPredicate;
use wasmparser::{AbstractHeapType as A, HeapType, Operator, RefType};

/// `w2n_rtt` field offsets (`w2n_runtime.h`).
const RTT_KIND: u32 = 0;
const RTT_DEPTH: u32 = 4;
const RTT_DISPLAY: u32 = 8;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    fn objects(&self) -> ObjectBuilder<'_, 'u, 'ctx, 'm> {
        ObjectBuilder { u: self.unit, b: &self.builder, ctx: self.ctx, func: self.func }
    }

    pub(super) fn translate_gc(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::StructNew { struct_type_index: t } => {
                let fields = self.unit.info.type_defs[t as usize].fields().to_vec();
                let values = self.pop_n(fields.len())?;
                let obj = self.objects().new_struct(t)?;
                for (f, v) in fields.iter().zip(values) {
                    self.objects().store_field(obj, f, v)?;
                }
                self.push(obj);
            }
            Operator::StructNewDefault { struct_type_index: t } => {
                let obj = self.objects().new_struct(t)?;
                self.push(obj);
            }
            Operator::StructGet { struct_type_index: t, field_index: f } => self.struct_get(t, f, false)?,
            Operator::StructGetS { struct_type_index: t, field_index: f } => self.struct_get(t, f, true)?,
            Operator::StructGetU { struct_type_index: t, field_index: f } => self.struct_get(t, f, false)?,
            Operator::StructSet { struct_type_index: t, field_index: f } => {
                let field = self.unit.info.type_defs[t as usize].fields()[f as usize];
                let v = self.pop()?;
                let obj = self.non_null(Trap::NullStructReference)?;
                self.objects().store_field(obj, &field, v)?;
            }
            Operator::ArrayNew { array_type_index: t } => {
                let len = self.pop_int()?;
                let v = self.pop()?;
                let array = self.objects().new_array(t, len)?;
                let zero = self.i32_const(0);
                self.objects().fill(array, self.element_storage(t), zero, len, v)?;
                self.push(array);
            }
            Operator::ArrayNewDefault { array_type_index: t } => {
                let len = self.pop_int()?;
                let array = self.objects().new_array(t, len)?;
                self.push(array);
            }
            Operator::ArrayNewFixed { array_type_index: t, array_size: n } => {
                let values = self.pop_n(n as usize)?;
                let array = self.objects().new_array(t, self.i32_const(n as u64))?;
                let storage = self.element_storage(t);
                for (i, v) in values.into_iter().enumerate() {
                    let p = self.objects().element(array, storage, self.i32_const(i as u64))?;
                    self.objects().store(p, storage, v)?;
                }
                self.push(array);
            }
            Operator::ArrayNewData { array_type_index: t, array_data_index: d } => {
                let len = self.pop_int()?;
                let src = self.pop_int()?;
                let rtt = self.objects().rtt(t)?;
                let data = self.unit.data_segment(d).as_pointer_value();
                let args =
                    [self.ctx.into(), rtt.into(), self.i32_const(d as u64).into(), data.into(), src.into(), len.into()];
                let array = self.call_value(self.unit.runtime_fn(RuntimeFn::ArrayNewData), &args)?;
                self.push(array);
            }
            Operator::ArrayNewElem { array_type_index: t, array_elem_index: e } => {
                let len = self.pop_int()?;
                let src = self.pop_int()?;
                let rtt = self.objects().rtt(t)?;
                let items = self.i32_const(self.unit.layout.elem_item_offsets[e as usize] as u64);
                let seg = self.i32_const(e as u64);
                let args = [self.ctx.into(), rtt.into(), seg.into(), items.into(), src.into(), len.into()];
                let array = self.call_value(self.unit.runtime_fn(RuntimeFn::ArrayNewElem), &args)?;
                self.push(array);
            }
            Operator::ArrayGet { array_type_index: t } | Operator::ArrayGetU { array_type_index: t } => {
                self.array_get(t, false)?
            }
            Operator::ArrayGetS { array_type_index: t } => self.array_get(t, true)?,
            Operator::ArraySet { array_type_index: t } => {
                let v = self.pop()?;
                let p = self.array_element(t)?;
                self.objects().store(p, self.element_storage(t), v)?;
            }
            Operator::ArrayLen => {
                let array = self.non_null(Trap::NullArrayReference)?;
                let len = self.objects().length(array)?;
                self.push(len);
            }
            Operator::ArrayFill { array_type_index: t } => {
                let len = self.pop_int()?;
                let v = self.pop()?;
                let start = self.pop_int()?;
                let array = self.non_null(Trap::NullArrayReference)?;
                self.check_range(array, start, len)?;
                self.objects().fill(array, self.element_storage(t), start, len, v)?;
            }
            Operator::ArrayCopy { array_type_index_dst: dt, array_type_index_src: _ } => {
                let len = self.pop_int()?;
                let src_at = self.pop_int()?;
                let src = self.pop_ptr()?;
                let dst_at = self.pop_int()?;
                let dst = self.non_null(Trap::NullArrayReference)?;
                self.trap_if(self.builder.build_is_null(src, "")?, Trap::NullArrayReference)?;
                self.check_range(dst, dst_at, len)?;
                self.check_range(src, src_at, len)?;
                let storage = self.element_storage(dt);
                let to = self.objects().element(dst, storage, dst_at)?;
                let from = self.objects().element(src, storage, src_at)?;
                let i64t = self.unit.llcx.i64_type();
                let len64 = self.builder.build_int_z_extend(len, i64t, "")?;
                let bytes = self.builder.build_int_mul(len64, i64t.const_int(storage.bytes() as u64, false), "")?;
                let align = storage.bytes().min(8);
                self.builder.build_memmove(to, align, from, align, bytes).map_err(|e| internal(e.to_string()))?;
            }
            Operator::ArrayInitData { array_type_index: _, array_data_index: d } => {
                let len = self.pop_int()?;
                let src = self.pop_int()?;
                let dst = self.pop_int()?;
                let array = self.non_null(Trap::NullArrayReference)?;
                let data = self.unit.data_segment(d).as_pointer_value();
                let seg = self.i32_const(d as u64);
                self.call_runtime(
                    RuntimeFn::ArrayInitData,
                    &[array.into(), seg.into(), data.into(), dst.into(), src.into(), len.into()],
                )?;
            }
            Operator::ArrayInitElem { array_type_index: _, array_elem_index: e } => {
                let len = self.pop_int()?;
                let src = self.pop_int()?;
                let dst = self.pop_int()?;
                let array = self.non_null(Trap::NullArrayReference)?;
                let items = self.i32_const(self.unit.layout.elem_item_offsets[e as usize] as u64);
                let seg = self.i32_const(e as u64);
                self.call_runtime(
                    RuntimeFn::ArrayInitElem,
                    &[array.into(), seg.into(), items.into(), dst.into(), src.into(), len.into()],
                )?;
            }
            Operator::RefI31 => {
                let x = self.pop_int()?;
                let r = self.objects().ref_i31(x)?;
                self.push(r);
            }
            Operator::I31GetS | Operator::I31GetU => {
                let r = self.non_null(Trap::NullI31Reference)?;
                let bits = self.builder.build_ptr_to_int(r, self.unit.llcx.i64_type(), "")?;
                let bits = self.builder.build_int_truncate(bits, self.unit.llcx.i32_type(), "")?;
                let one = self.i32_const(1);
                let v = match op {
                    Operator::I31GetS => self.builder.build_right_shift(bits, one, true, "")?,
                    _ => self.builder.build_right_shift(bits, one, false, "")?,
                };
                self.push(v);
            }
            Operator::RefEq => {
                let b = self.pop_ptr()?;
                let a = self.pop_ptr()?;
                let i64t = self.unit.llcx.i64_type();
                let (a, b) = (self.builder.build_ptr_to_int(a, i64t, "")?, self.builder.build_ptr_to_int(b, i64t, "")?);
                let eq = self.builder.build_int_compare(IntPredicate::EQ, a, b, "")?;
                self.push(self.bool_to_i32(eq)?);
            }
            Operator::RefTestNonNull { hty } | Operator::RefTestNullable { hty } => {
                let nullable = matches!(op, Operator::RefTestNullable { .. });
                let v = self.pop_ptr()?;
                let ok = self.ref_test(v, hty, nullable)?;
                self.push(self.bool_to_i32(ok)?);
            }
            Operator::RefCastNonNull { hty } | Operator::RefCastNullable { hty } => {
                let nullable = matches!(op, Operator::RefCastNullable { .. });
                let v = self.pop_ptr()?;
                let ok = self.ref_test(v, hty, nullable)?;
                let failed = self.builder.build_not(ok, "")?;
                self.trap_if(failed, Trap::CastFailure)?;
                self.push(v);
            }
            Operator::BrOnCast { relative_depth, to_ref_type, .. } => {
                self.branch_on_cast(relative_depth, to_ref_type, true)?
            }
            Operator::BrOnCastFail { relative_depth, to_ref_type, .. } => {
                self.branch_on_cast(relative_depth, to_ref_type, false)?
            }
            Operator::AnyConvertExtern | Operator::ExternConvertAny => {
                let v = self.pop_ptr()?;
                let r = self.objects().convert(v, matches!(op, Operator::AnyConvertExtern))?;
                self.push(r);
            }
            _ => return Err(internal(format!("not a GC operator: {op:?}"))),
        }
        Ok(())
    }

    /// Pops a reference, trapping with `kind` when it is null.
    fn non_null(&mut self, kind: Trap) -> Result<PointerValue<'ctx>> {
        let r = self.pop_ptr()?;
        let is_null = self.builder.build_is_null(r, "")?;
        self.trap_if(is_null, kind)?;
        Ok(r)
    }

    fn element_storage(&self, t: u32) -> Storage {
        self.unit.info.type_defs[t as usize].fields()[0].storage
    }

    fn struct_get(&mut self, t: u32, f: u32, signed: bool) -> Result<()> {
        let field = self.unit.info.type_defs[t as usize].fields()[f as usize];
        let obj = self.non_null(Trap::NullStructReference)?;
        let p = self.objects().at_const(obj, field.offset)?;
        let v = self.objects().load(p, field.storage, signed)?;
        self.push(v);
        Ok(())
    }

    /// Pops an index and an array; traps on null and out of bounds; the element's address.
    fn array_element(&mut self, t: u32) -> Result<PointerValue<'ctx>> {
        let index = self.pop_int()?;
        let array = self.non_null(Trap::NullArrayReference)?;
        let len = self.objects().length(array)?;
        let out = self.builder.build_int_compare(IntPredicate::UGE, index, len, "")?;
        self.trap_if(out, Trap::ArrayOutOfBounds)?;
        self.objects().element(array, self.element_storage(t), index)
    }

    fn array_get(&mut self, t: u32, signed: bool) -> Result<()> {
        let p = self.array_element(t)?;
        let v = self.objects().load(p, self.element_storage(t), signed)?;
        self.push(v);
        Ok(())
    }

    /// Traps unless elements `start .. start + len` (i32s, summed in 64 bits) lie in `array`.
    fn check_range(&mut self, array: PointerValue<'ctx>, start: IntValue<'ctx>, len: IntValue<'ctx>) -> Result<()> {
        let i64t = self.unit.llcx.i64_type();
        let size = self.objects().length(array)?;
        let size = self.builder.build_int_z_extend(size, i64t, "")?;
        let start = self.builder.build_int_z_extend(start, i64t, "")?;
        let len = self.builder.build_int_z_extend(len, i64t, "")?;
        let end = self.builder.build_int_add(start, len, "")?;
        let out = self.builder.build_int_compare(IntPredicate::UGT, end, size, "")?;
        self.trap_if(out, Trap::ArrayOutOfBounds)
    }

    /// `br_on_cast` (`on_success`) / `br_on_cast_fail`: the reference stays on the stack either way.
    fn branch_on_cast(&mut self, depth: u32, to: RefType, on_success: bool) -> Result<()> {
        let v = self.pop_ptr()?;
        let ok = self.ref_test(v, to.heap_type(), to.is_nullable())?;
        self.push(v);
        let target = self.add_edge(depth)?;
        let cont = self.unit.llcx.append_basic_block(self.func, "br_on_cast_cont");
        match on_success {
            true => self.builder.build_conditional_branch(ok, target, cont)?,
            false => self.builder.build_conditional_branch(ok, cont, target)?,
        };
        self.builder.position_at_end(cont);
        Ok(())
    }

    /// Whether reference `v` has heap type `hty` (null passes when `nullable`), as an i1.
    pub(super) fn ref_test(&mut self, v: PointerValue<'ctx>, hty: HeapType, nullable: bool) -> Result<IntValue<'ctx>> {
        let cx = self.unit.llcx;
        let bool_const = |b: bool| cx.bool_type().const_int(b as u64, false);
        let is_null = self.builder.build_is_null(v, "")?;
        let null_ok = if nullable { is_null } else { bool_const(false) };
        let i64t = cx.i64_type();
        let bits = self.builder.build_ptr_to_int(v, i64t, "")?;
        let low = self.builder.build_and(bits, i64t.const_int(1, false), "")?;
        let is_i31 = self.builder.build_int_compare(IntPredicate::NE, low, i64t.const_zero(), "")?;
        let or = |s: &Self, a, b| s.builder.build_or(a, b, "");
        match hty {
            HeapType::Abstract { ty: A::None | A::NoFunc | A::NoExtern | A::NoExn, .. } => Ok(null_ok),
            HeapType::Abstract { ty: A::Any | A::Func | A::Extern | A::Exn, .. } => match nullable {
                true => Ok(bool_const(true)),
                false => Ok(self.builder.build_not(is_null, "")?),
            },
            HeapType::Abstract { ty: A::I31, .. } => Ok(or(self, null_ok, is_i31)?),
            HeapType::Abstract { ty: A::Eq, .. } => {
                let pre = or(self, null_ok, is_i31)?;
                self.object_test(v, is_null, is_i31, pre, |s, rtt| {
                    let kind = s.load_at(cx.i32_type().into(), rtt, RTT_KIND)?.into_int_value();
                    let st = s.builder.build_int_compare(IntPredicate::EQ, kind, s.i32_const(RTT_STRUCT as u64), "")?;
                    let ar = s.builder.build_int_compare(IntPredicate::EQ, kind, s.i32_const(RTT_ARRAY as u64), "")?;
                    Ok(s.builder.build_or(st, ar, "")?)
                })
            }
            HeapType::Abstract { ty: ty @ (A::Struct | A::Array), .. } => {
                let want = if ty == A::Struct { RTT_STRUCT } else { RTT_ARRAY };
                self.object_test(v, is_null, is_i31, null_ok, |s, rtt| {
                    let kind = s.load_at(cx.i32_type().into(), rtt, RTT_KIND)?.into_int_value();
                    Ok(s.builder.build_int_compare(IntPredicate::EQ, kind, s.i32_const(want as u64), "")?)
                })
            }
            HeapType::Concrete(i) | HeapType::Exact(i) => {
                let t = i.as_module_index().ok_or_else(|| internal("a type index that is not the module's"))?;
                let def = &self.unit.info.type_defs[t as usize];
                let (is_final, is_func) = (def.is_final, def.is_func());
                let depth = self.type_depth(t);
                if is_func {
                    return self.func_test(v, is_null, null_ok, t, is_final);
                }
                let target = self.objects().rtt(t)?;
                self.object_test(v, is_null, is_i31, null_ok, |s, rtt| {
                    if is_final {
                        return Ok(s.builder.build_int_compare(IntPredicate::EQ, rtt, target, "")?);
                    }
                    // display[min(depth, D)] is always there; equal to T only at depth D.
                    let d = s.load_at(cx.i32_type().into(), rtt, RTT_DEPTH)?.into_int_value();
                    let deep = s.builder.build_int_compare(IntPredicate::UGE, d, s.i32_const(depth as u64), "")?;
                    let at = s.builder.build_select(deep, s.i64_const(depth as u64 * 8), s.i64_const(0), "")?;
                    let display = s.load_at(s.unit.ptr().into(), rtt, RTT_DISPLAY)?.into_pointer_value();
                    let slot = s.gep(display, at.into_int_value())?;
                    let entry = s.builder.build_load(s.unit.ptr(), slot, "")?.into_pointer_value();
                    let same = s.builder.build_int_compare(IntPredicate::EQ, entry, target, "")?;
                    Ok(s.builder.build_and(deep, same, "")?)
                })
            }
            other => Err(internal(format!("heap type {other:?} in a cast"))),
        }
    }

    /// The test of a reference in the `any` hierarchy that needs the object's rtt: `pre` when `v`
    /// is null or an i31, else `on_object(rtt)`.
    fn object_test(
        &mut self,
        v: PointerValue<'ctx>,
        is_null: IntValue<'ctx>,
        is_i31: IntValue<'ctx>,
        pre: IntValue<'ctx>,
        on_object: impl FnOnce(&mut Self, PointerValue<'ctx>) -> Result<IntValue<'ctx>>,
    ) -> Result<IntValue<'ctx>> {
        let not_object = self.builder.build_or(is_null, is_i31, "")?;
        self.unless(not_object, pre, |s| {
            let rtt = s.load_at(s.unit.ptr().into(), v, OBJECT_RTT)?.into_pointer_value();
            on_object(s, rtt)
        })
    }

    /// Whether function reference `v` has concrete type `t` (null: `null_ok`).
    fn func_test(
        &mut self,
        v: PointerValue<'ctx>,
        is_null: IntValue<'ctx>,
        null_ok: IntValue<'ctx>,
        t: u32,
        is_final: bool,
    ) -> Result<IntValue<'ctx>> {
        self.unless(is_null, null_ok, |s| s.func_has_type(v, t, is_final))
    }

    /// Whether the non-null function record `record` has type `t` or (when `t` is not final) a
    /// declared subtype of it, as an i1: its type id, else the runtime's display check.
    pub(super) fn func_has_type(
        &mut self,
        record: PointerValue<'ctx>,
        t: u32,
        is_final: bool,
    ) -> Result<IntValue<'ctx>> {
        let i32t = self.unit.llcx.i32_type();
        let actual = self.load_at(i32t.into(), record, crate::abi::FUNC_TYPE_ID)?.into_int_value();
        let expected = self.load_invariant(i32t.into(), self.ctx, self.unit.layout.type_ids + 4 * t)?.into_int_value();
        let same = self.builder.build_int_compare(IntPredicate::EQ, actual, expected, "")?;
        if is_final {
            return Ok(same);
        }
        self.unless(same, same, |s| {
            let rtt = s.objects().rtt(t)?;
            let r = s.call_value(s.unit.runtime_fn(RuntimeFn::FuncTypeMatches), &[record.into(), rtt.into()])?;
            Ok(s.builder.build_int_compare(IntPredicate::NE, r.into_int_value(), i32t.const_zero(), "")?)
        })
    }

    /// An i1 that is `settled` when `done` holds, else what `compute` builds in a block of its own
    /// (the part of a test that may load, or call, only when it must).
    fn unless(
        &mut self,
        done: IntValue<'ctx>,
        settled: IntValue<'ctx>,
        compute: impl FnOnce(&mut Self) -> Result<IntValue<'ctx>>,
    ) -> Result<IntValue<'ctx>> {
        let cx = self.unit.llcx;
        let entry = self.current_block()?;
        let work = cx.append_basic_block(self.func, "test");
        let merge = cx.append_basic_block(self.func, "tested");
        self.builder.build_conditional_branch(done, merge, work)?;
        self.builder.position_at_end(work);
        let computed = compute(self)?;
        let work_end = self.current_block()?;
        self.builder.build_unconditional_branch(merge)?;
        self.builder.position_at_end(merge);
        let phi = self.builder.build_phi(cx.bool_type(), "")?;
        phi.add_incoming(&[(&settled, entry), (&computed, work_end)]);
        Ok(phi.as_basic_value().into_int_value())
    }

    /// The number of declared supertypes above type `t`: its index in a display.
    fn type_depth(&self, t: u32) -> u32 {
        let defs = &self.unit.info.type_defs;
        let mut depth = 0;
        let mut at = defs[t as usize].supertype;
        while let Some(s) = at {
            depth += 1;
            at = defs[s as usize].supertype;
        }
        depth
    }
}
