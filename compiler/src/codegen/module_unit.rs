//! The module unit: everything about a module that is not a function body.
//! - array-call trampolines, one per function type (how the host calls any funcref);
//! - the bytes of the data segments;
//! - the init function (global initialisers, element and data segments, start function);
//! - the `w2n_module` descriptor the runtime instantiates from (`<prefix>_module`) and, for
//!   executables, `w2n_exe_module` and `w2n_exe_config`: `descriptor.rs`.

use super::ExeConfig;
use crate::abi;
use crate::error::{unsupported, CompileError, Result};
use crate::ir::cells;
use crate::ir::gc_objects::ObjectBuilder;
use crate::ir::runtime_fns::RuntimeFn;
use crate::ir::unit::Unit;
use crate::module::{ElemItem, SegmentMode};
use inkwell::builder::Builder;
use inkwell::module::Linkage;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FunctionValue, PointerValue};
use wasmparser::{ConstExpr, Operator};

pub fn build(u: &Unit<'_, '_>, exe: Option<&ExeConfig>) -> Result<()> {
    let trampolines = (0..u.info.types.len() as u32).map(|t| trampoline(u, t)).collect::<Result<Vec<_>>>()?;
    for (i, seg) in u.info.datas.iter().enumerate() {
        let g = u.data_segment(i as u32);
        g.set_initializer(&u.llcx.const_string(seg.bytes, false));
    }
    let init = init_function(u)?;
    super::descriptor::emit(u, &trampolines, init, exe)
}

// ---- trampolines ----

/// `void <prefix>_t<T>(void *code, w2n_instance *ctx, w2n_value *args_results)`.
fn trampoline<'ctx>(u: &Unit<'ctx, '_>, type_index: u32) -> Result<FunctionValue<'ctx>> {
    let ft = &u.info.types[type_index as usize];
    let p = u.ptr();
    let ty = u.llcx.void_type().fn_type(&[p.into(), p.into(), p.into()], false);
    let f = u.module.add_function(&format!("{}_t{type_index}", u.opts.prefix), ty, Some(Linkage::Internal));
    u.set_function_attributes(f);
    let b = u.llcx.create_builder();
    b.position_at_end(u.llcx.append_basic_block(f, "entry"));
    let code = f.get_nth_param(0).expect("code").into_pointer_value();
    let ctx = f.get_nth_param(1).expect("ctx");
    let slots = f.get_nth_param(2).expect("slots").into_pointer_value();
    let mut args: Vec<BasicMetadataValueEnum> = vec![ctx.into()];
    for (i, &t) in ft.params.iter().enumerate() {
        let at = slot_ptr(u, &b, slots, i)?;
        args.push(cells::load_cell(&b, u.llvm_type(t), at)?.into());
    }
    let call = b.build_indirect_call(u.wasm_fn_type(ft), code, &args, "")?;
    let results: Vec<BasicValueEnum> = match ft.results.len() {
        0 => vec![],
        1 => vec![call.try_as_basic_value().basic().expect("result")],
        n => {
            let agg = call.try_as_basic_value().basic().expect("results").into_struct_value();
            (0..n).map(|i| b.build_extract_value(agg, i as u32, "")).collect::<Result<_, _>>()?
        }
    };
    for (i, v) in results.iter().enumerate() {
        cells::store_cell(&b, slot_ptr(u, &b, slots, i)?, *v)?;
    }
    b.build_return(None)?;
    Ok(f)
}

/// `base + offset` in bytes (context slots, value slots, records).
fn byte_offset<'ctx>(
    u: &Unit<'ctx, '_>,
    b: &Builder<'ctx>,
    base: PointerValue<'ctx>,
    offset: u32,
) -> Result<PointerValue<'ctx>> {
    cells::byte_offset(u.llcx, b, base, u.llcx.i64_type().const_int(offset as u64, false))
}

fn slot_ptr<'ctx>(
    u: &Unit<'ctx, '_>,
    b: &Builder<'ctx>,
    slots: PointerValue<'ctx>,
    i: usize,
) -> Result<PointerValue<'ctx>> {
    byte_offset(u, b, slots, i as u32 * abi::SIZEOF_VALUE)
}

// ---- init ----

struct InitBuilder<'u, 'ctx, 'm> {
    u: &'u Unit<'ctx, 'm>,
    b: Builder<'ctx>,
    ctx: PointerValue<'ctx>,
}

impl<'u, 'ctx, 'm> InitBuilder<'u, 'ctx, 'm> {
    /// The context's byte at `offset`.
    fn at(&self, offset: u32) -> Result<PointerValue<'ctx>> {
        byte_offset(self.u, &self.b, self.ctx, offset)
    }

    /// Stores an `i64` at the context's byte `offset` (a segment's current length).
    fn store_i64(&self, offset: u32, v: u64) -> Result<()> {
        self.b.build_store(self.at(offset)?, self.u.llcx.i64_type().const_int(v, false))?;
        Ok(())
    }

    fn slot(&self, region: u32, index: u32) -> Result<PointerValue<'ctx>> {
        Ok(self.b.build_load(self.u.ptr(), self.at(region + 8 * index)?, "")?.into_pointer_value())
    }

    fn i32(&self, v: u64) -> BasicMetadataValueEnum<'ctx> {
        self.u.llcx.i32_type().const_int(v, false).into()
    }

    fn i64(&self, v: u64) -> BasicMetadataValueEnum<'ctx> {
        self.u.llcx.i64_type().const_int(v, false).into()
    }

    /// GC objects built in the init function.
    fn objects(&self) -> Result<ObjectBuilder<'_, 'u, 'ctx, 'm>> {
        let func = self.b.get_insert_block().and_then(|bb| bb.get_parent());
        let func = func.ok_or_else(|| crate::error::internal("init builder not positioned"))?;
        Ok(ObjectBuilder { u: self.u, b: &self.b, ctx: self.ctx, func })
    }

    /// Evaluates a constant expression (Wasm 2.0, extended-const arithmetic, GC allocations).
    fn eval(&self, expr: &ConstExpr<'_>) -> Result<BasicValueEnum<'ctx>> {
        let cx = self.u.llcx;
        let mut stack: Vec<BasicValueEnum<'ctx>> = Vec::new();
        let pop = |stack: &mut Vec<BasicValueEnum<'ctx>>| {
            stack.pop().ok_or_else(|| CompileError::Malformed("constant expression stack underflow".into()))
        };
        for op in expr.get_operators_reader() {
            let op = op.map_err(|e| CompileError::Malformed(e.to_string()))?;
            let v: BasicValueEnum = match op {
                Operator::StructNew { struct_type_index: t } => {
                    let fields = self.u.info.type_defs[t as usize].fields().to_vec();
                    let values = stack.split_off(stack.len().saturating_sub(fields.len()));
                    let obj = self.objects()?.new_struct(t)?;
                    for (f, v) in fields.iter().zip(values) {
                        self.objects()?.store_field(obj, f, v)?;
                    }
                    obj.into()
                }
                Operator::StructNewDefault { struct_type_index: t } => self.objects()?.new_struct(t)?.into(),
                Operator::ArrayNew { array_type_index: t } => {
                    let len = pop(&mut stack)?.into_int_value();
                    let v = pop(&mut stack)?;
                    let array = self.objects()?.new_array(t, len)?;
                    let storage = self.u.info.type_defs[t as usize].fields()[0].storage;
                    self.objects()?.fill(array, storage, cx.i32_type().const_zero(), len, v)?;
                    array.into()
                }
                Operator::ArrayNewDefault { array_type_index: t } => {
                    let len = pop(&mut stack)?.into_int_value();
                    self.objects()?.new_array(t, len)?.into()
                }
                Operator::ArrayNewFixed { array_type_index: t, array_size: n } => {
                    let values = stack.split_off(stack.len().saturating_sub(n as usize));
                    let array = self.objects()?.new_array(t, cx.i32_type().const_int(n as u64, false))?;
                    let storage = self.u.info.type_defs[t as usize].fields()[0].storage;
                    for (i, v) in values.into_iter().enumerate() {
                        let p = self.objects()?.element(array, storage, cx.i32_type().const_int(i as u64, false))?;
                        self.objects()?.store(p, storage, v)?;
                    }
                    array.into()
                }
                Operator::RefI31 => {
                    let x = pop(&mut stack)?.into_int_value();
                    self.objects()?.ref_i31(x)?.into()
                }
                Operator::AnyConvertExtern | Operator::ExternConvertAny => {
                    let v = pop(&mut stack)?.into_pointer_value();
                    self.objects()?.convert(v, matches!(op, Operator::AnyConvertExtern))?.into()
                }
                Operator::I32Const { value } => cx.i32_type().const_int(value as u32 as u64, false).into(),
                Operator::I64Const { value } => cx.i64_type().const_int(value as u64, false).into(),
                Operator::F32Const { value } => {
                    self.b.build_bit_cast(cx.i32_type().const_int(value.bits() as u64, false), cx.f32_type(), "")?
                }
                Operator::F64Const { value } => {
                    self.b.build_bit_cast(cx.i64_type().const_int(value.bits(), false), cx.f64_type(), "")?
                }
                Operator::V128Const { value } => self.u.v128_const(value.bytes()).into(),
                Operator::RefNull { .. } => self.u.ptr().const_null().into(),
                Operator::RefFunc { function_index } => self.slot(self.u.layout.funcs, function_index)?.into(),
                Operator::GlobalGet { global_index } => {
                    let cell = self.slot(self.u.layout.globals, global_index)?;
                    let ty = self.u.llvm_type(self.u.info.globals[global_index as usize].ty.ty);
                    cells::load_cell(&self.b, ty, cell)?
                }
                Operator::I32Add
                | Operator::I64Add
                | Operator::I32Sub
                | Operator::I64Sub
                | Operator::I32Mul
                | Operator::I64Mul => {
                    let y = stack.pop().expect("validated").into_int_value();
                    let x = stack.pop().expect("validated").into_int_value();
                    match op {
                        Operator::I32Add | Operator::I64Add => self.b.build_int_add(x, y, "")?.into(),
                        Operator::I32Sub | Operator::I64Sub => self.b.build_int_sub(x, y, "")?.into(),
                        _ => self.b.build_int_mul(x, y, "")?.into(),
                    }
                }
                Operator::End => break,
                other => return unsupported(format!("constant expression operator {other:?}")),
            };
            stack.push(v);
        }
        stack.pop().ok_or_else(|| CompileError::Malformed("empty constant expression".into()))
    }

    fn call(&self, rf: RuntimeFn, args: &[BasicMetadataValueEnum<'ctx>]) -> Result<()> {
        let mut all = vec![self.ctx.into()];
        all.extend_from_slice(args);
        self.b.build_call(self.u.runtime_fn(rf), &all, "")?;
        Ok(())
    }

    fn offset_i64(&self, expr: &ConstExpr<'_>) -> Result<BasicMetadataValueEnum<'ctx>> {
        let v = self.eval(expr)?.into_int_value();
        Ok(self.b.build_int_z_extend_or_bit_cast(v, self.u.llcx.i64_type(), "")?.into())
    }
}

/// `void <prefix>_init(w2n_instance *ctx)`: the instantiation steps the spec orders after binding
/// imports: globals, table initialisers, element segments, data segments, start function.
fn init_function<'ctx>(u: &Unit<'ctx, '_>) -> Result<FunctionValue<'ctx>> {
    let ty = u.llcx.void_type().fn_type(&[u.ptr().into()], false);
    let f = u.module.add_function(&format!("{}_init", u.opts.prefix), ty, Some(Linkage::Internal));
    u.set_function_attributes(f);
    let b = u.llcx.create_builder();
    b.position_at_end(u.llcx.append_basic_block(f, "entry"));
    let ib = InitBuilder { u, b, ctx: f.get_nth_param(0).expect("ctx").into_pointer_value() };
    ib.globals()?;
    ib.table_initialisers()?;
    ib.element_segments()?;
    ib.data_segments()?;
    ib.start()?;
    ib.b.build_return(None)?;
    Ok(f)
}

impl<'u, 'ctx, 'm> InitBuilder<'u, 'ctx, 'm> {
    /// Defined globals' initial values, in order (each may read the ones before).
    fn globals(&self) -> Result<()> {
        let (u, info) = (self.u, self.u.info);
        for (i, g) in info.globals.iter().enumerate().skip(info.num_imported_globals as usize) {
            let v = self.eval(g.init.as_ref().expect("defined global"))?;
            cells::store_cell(&self.b, self.slot(u.layout.globals, i as u32)?, v)?;
        }
        Ok(())
    }

    /// Tables with an initial element expression are filled with it.
    fn table_initialisers(&self) -> Result<()> {
        let info = self.u.info;
        for (i, init) in info.table_inits.iter().enumerate() {
            if let Some(expr) = init {
                let t = info.num_imported_tables + i as u32;
                let v = self.eval(expr)?;
                let size = self.i64(info.tables[t as usize].min);
                self.call(RuntimeFn::TableFill, &[self.i32(t as u64), self.i64(0), v.into(), size])?;
            }
        }
        Ok(())
    }

    /// Evaluates every element segment's items into the context, then applies the active ones in
    /// order (and drops them).
    fn element_segments(&self) -> Result<()> {
        let (u, info) = (self.u, self.u.info);
        for (s, seg) in info.elems.iter().enumerate() {
            let base = u.layout.elem_items + u.layout.elem_item_offsets[s];
            for (k, item) in seg.items.iter().enumerate() {
                let v: BasicValueEnum = match item {
                    ElemItem::Func(fi) => self.slot(u.layout.funcs, *fi)?.into(),
                    ElemItem::Expr(e) => self.eval(e)?,
                };
                self.b.build_store(self.at(base + 8 * k as u32)?, v)?;
            }
            let len = if matches!(seg.mode, SegmentMode::Declared) { 0 } else { seg.items.len() as u64 };
            self.store_i64(u.layout.elem_lens + 8 * s as u32, len)?;
        }
        for (s, seg) in info.elems.iter().enumerate() {
            if let SegmentMode::Active { index, offset } = &seg.mode {
                let dst = self.offset_i64(offset)?;
                let args = [
                    self.i32(*index as u64),
                    self.i32(s as u64),
                    self.i32(u.layout.elem_item_offsets[s] as u64),
                    dst,
                    self.i64(0),
                    self.i64(seg.items.len() as u64),
                ];
                self.call(RuntimeFn::TableInit, &args)?;
                self.store_i64(u.layout.elem_lens + 8 * s as u32, 0)?;
            }
        }
        Ok(())
    }

    /// Records every data segment's length, then copies the active ones in order (and drops them).
    fn data_segments(&self) -> Result<()> {
        let (u, info) = (self.u, self.u.info);
        for (s, seg) in info.datas.iter().enumerate() {
            self.store_i64(u.layout.data_lens + 8 * s as u32, seg.bytes.len() as u64)?;
        }
        for (s, seg) in info.datas.iter().enumerate() {
            if let SegmentMode::Active { index, offset } = &seg.mode {
                let dst = self.offset_i64(offset)?;
                let data = u.data_segment(s as u32).as_pointer_value();
                let len = self.i64(seg.bytes.len() as u64);
                let args = [self.i32(*index as u64), self.i32(s as u64), data.into(), dst, self.i64(0), len];
                self.call(RuntimeFn::MemoryInit, &args)?;
                self.store_i64(u.layout.data_lens + 8 * s as u32, 0)?;
            }
        }
        Ok(())
    }

    /// Calls the start function: directly when defined, through its record when imported.
    fn start(&self) -> Result<()> {
        let (u, info) = (self.u, self.u.info);
        let Some(start) = info.start else { return Ok(()) };
        if start < info.num_imported_funcs {
            let record = self.slot(u.layout.funcs, start)?;
            let code = self.b.build_load(u.ptr(), record, "")?.into_pointer_value();
            let callee_ctx = self.b.build_load(u.ptr(), byte_offset(u, &self.b, record, abi::FUNC_CTX)?, "")?;
            self.b.build_indirect_call(u.wasm_fn_type(info.func_type(start)), code, &[callee_ctx.into()], "")?;
        } else {
            self.b.build_call(u.wasm_function(start), &[self.ctx.into()], "")?;
        }
        Ok(())
    }
}
