//! The module unit: everything about a module that is not a function body.
//! - array-call trampolines, one per function type (how the host calls any funcref);
//! - the bytes of the data segments;
//! - the init function (global initialisers, element and data segments, start function);
//! - the `w2n_module` descriptor the runtime instantiates from (`<prefix>_module`);
//! - for executables, `w2n_exe_module` and `w2n_exe_config`.
//!
//! The descriptor's LLVM struct types mirror the C structs of `w2n_runtime.h` field by field.

use super::runtime_fns::RuntimeFn;
use super::unit::{code_section_bounds, Unit};
use super::ExeConfig;
use crate::abi::{self, valtype_code};
use crate::error::{unsupported, CompileError, Result};
use crate::module::{ElemItem, ImportKind, SegmentMode};
use inkwell::builder::Builder;
use inkwell::module::Linkage;
use inkwell::types::{BasicTypeEnum, StructType};
use inkwell::values::{BasicMetadataValueEnum, BasicValue, BasicValueEnum, FunctionValue, GlobalValue, PointerValue};
use wasmparser::{ConstExpr, ExternalKind, Operator};

pub fn build(u: &Unit<'_, '_>, exe: Option<&ExeConfig>) -> Result<()> {
    let trampolines = (0..u.info.types.len() as u32).map(|t| trampoline(u, t)).collect::<Result<Vec<_>>>()?;
    for (i, seg) in u.info.datas.iter().enumerate() {
        let g = u.data_segment(i as u32);
        g.set_initializer(&u.llcx.const_string(seg.bytes, false));
    }
    let init = init_function(u)?;
    let module = descriptor(u, &trampolines, init)?;
    if let Some(cfg) = exe {
        exe_symbols(u, module, cfg);
    }
    Ok(())
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
        args.push(load_value(&b, u.llvm_type(t), at)?.into());
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
        store_value(&b, slot_ptr(u, &b, slots, i)?, *v)?;
    }
    b.build_return(None)?;
    Ok(f)
}

/// Loads from a `w2n_value` (a slot or a global cell): 8-byte aligned, not 16 as a v128 would be.
fn load_value<'ctx>(
    b: &Builder<'ctx>,
    ty: BasicTypeEnum<'ctx>,
    at: PointerValue<'ctx>,
) -> Result<BasicValueEnum<'ctx>> {
    let v = b.build_load(ty, at, "")?;
    if ty.is_vector_type() {
        let inst = v.as_instruction_value().expect("load");
        inst.set_alignment(abi::ALIGNOF_VALUE).map_err(|e| crate::error::internal(e.to_string()))?;
    }
    Ok(v)
}

fn store_value<'ctx>(b: &Builder<'ctx>, at: PointerValue<'ctx>, v: BasicValueEnum<'ctx>) -> Result<()> {
    let store = b.build_store(at, v)?;
    if v.is_vector_value() {
        store.set_alignment(abi::ALIGNOF_VALUE).map_err(|e| crate::error::internal(e.to_string()))?;
    }
    Ok(())
}

fn slot_ptr<'ctx>(
    u: &Unit<'ctx, '_>,
    b: &Builder<'ctx>,
    slots: PointerValue<'ctx>,
    i: usize,
) -> Result<PointerValue<'ctx>> {
    let off = u.llcx.i64_type().const_int((i as u32 * abi::SIZEOF_VALUE) as u64, false);
    Ok(unsafe { b.build_gep(u.llcx.i8_type(), slots, &[off], "")? })
}

// ---- init ----

struct InitBuilder<'u, 'ctx, 'm> {
    u: &'u Unit<'ctx, 'm>,
    b: Builder<'ctx>,
    ctx: PointerValue<'ctx>,
}

impl<'u, 'ctx, 'm> InitBuilder<'u, 'ctx, 'm> {
    fn at(&self, offset: u32) -> Result<PointerValue<'ctx>> {
        let off = self.u.llcx.i64_type().const_int(offset as u64, false);
        Ok(unsafe { self.b.build_gep(self.u.llcx.i8_type(), self.ctx, &[off], "")? })
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

    /// Evaluates a constant expression (Wasm 2.0 plus extended-const arithmetic).
    fn eval(&self, expr: &ConstExpr<'_>) -> Result<BasicValueEnum<'ctx>> {
        let cx = self.u.llcx;
        let mut stack: Vec<BasicValueEnum<'ctx>> = Vec::new();
        for op in expr.get_operators_reader() {
            let op = op.map_err(|e| CompileError::Malformed(e.to_string()))?;
            let v: BasicValueEnum = match op {
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
                    load_value(&self.b, ty, cell)?
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
    let info = u.info;
    let ty = u.llcx.void_type().fn_type(&[u.ptr().into()], false);
    let f = u.module.add_function(&format!("{}_init", u.opts.prefix), ty, Some(Linkage::Internal));
    u.set_function_attributes(f);
    let b = u.llcx.create_builder();
    b.position_at_end(u.llcx.append_basic_block(f, "entry"));
    let ib = InitBuilder { u, b, ctx: f.get_nth_param(0).expect("ctx").into_pointer_value() };

    for (i, g) in info.globals.iter().enumerate().skip(info.num_imported_globals as usize) {
        let v = ib.eval(g.init.as_ref().expect("defined global"))?;
        store_value(&ib.b, ib.slot(u.layout.globals, i as u32)?, v)?;
    }
    for (i, init) in info.table_inits.iter().enumerate() {
        if let Some(expr) = init {
            let t = info.num_imported_tables + i as u32;
            let v = ib.eval(expr)?;
            let size = ib.i64(info.tables[t as usize].min);
            ib.call(RuntimeFn::TableFill, &[ib.i32(t as u64), ib.i64(0), v.into(), size])?;
        }
    }
    // Element segments: evaluate every item into the context, then apply the active ones in order.
    for (s, seg) in info.elems.iter().enumerate() {
        let base = u.layout.elem_items + u.layout.elem_item_offsets[s];
        for (k, item) in seg.items.iter().enumerate() {
            let v: BasicValueEnum = match item {
                ElemItem::Func(fi) => ib.slot(u.layout.funcs, *fi)?.into(),
                ElemItem::Expr(e) => ib.eval(e)?,
            };
            ib.b.build_store(ib.at(base + 8 * k as u32)?, v)?;
        }
        let len = if matches!(seg.mode, SegmentMode::Declared) { 0 } else { seg.items.len() as u64 };
        ib.b.build_store(ib.at(u.layout.elem_lens + 8 * s as u32)?, u.llcx.i64_type().const_int(len, false))?;
    }
    for (s, seg) in info.elems.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            let dst = ib.offset_i64(offset)?;
            let args = [
                ib.i32(*index as u64),
                ib.i32(s as u64),
                ib.i32(u.layout.elem_item_offsets[s] as u64),
                dst,
                ib.i64(0),
                ib.i64(seg.items.len() as u64),
            ];
            ib.call(RuntimeFn::TableInit, &args)?;
            ib.b.build_store(ib.at(u.layout.elem_lens + 8 * s as u32)?, u.llcx.i64_type().const_zero())?;
        }
    }
    for (s, seg) in info.datas.iter().enumerate() {
        let len = u.llcx.i64_type().const_int(seg.bytes.len() as u64, false);
        ib.b.build_store(ib.at(u.layout.data_lens + 8 * s as u32)?, len)?;
    }
    for (s, seg) in info.datas.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            let dst = ib.offset_i64(offset)?;
            let data = u.data_segment(s as u32).as_pointer_value();
            let args =
                [ib.i32(*index as u64), ib.i32(s as u64), data.into(), dst, ib.i64(0), ib.i64(seg.bytes.len() as u64)];
            ib.call(RuntimeFn::MemoryInit, &args)?;
            ib.b.build_store(ib.at(u.layout.data_lens + 8 * s as u32)?, u.llcx.i64_type().const_zero())?;
        }
    }
    if let Some(start) = info.start {
        if start < info.num_imported_funcs {
            let record = ib.slot(u.layout.funcs, start)?;
            let code = ib.b.build_load(u.ptr(), record, "")?.into_pointer_value();
            let callee_ctx = ib.b.build_load(
                u.ptr(),
                unsafe {
                    ib.b.build_gep(
                        u.llcx.i8_type(),
                        record,
                        &[u.llcx.i64_type().const_int(abi::FUNC_CTX as u64, false)],
                        "",
                    )?
                },
                "",
            )?;
            ib.b.build_indirect_call(u.wasm_fn_type(info.func_type(start)), code, &[callee_ctx.into()], "")?;
        } else {
            ib.b.build_call(u.wasm_function(start), &[ib.ctx.into()], "")?;
        }
    }
    ib.b.build_return(None)?;
    Ok(f)
}

// ---- descriptor ----

fn private_constant<'ctx>(u: &Unit<'ctx, '_>, name: &str, value: &dyn BasicValue<'ctx>) -> GlobalValue<'ctx> {
    let v = value.as_basic_value_enum();
    let g = u.module.add_global(v.get_type(), None, name);
    g.set_initializer(&v);
    g.set_constant(true);
    g.set_linkage(Linkage::Private);
    g
}

/// A NUL-terminated copy of `s`. Wasm names may contain NUL bytes: the places that must see the
/// whole name (export names) also record its length.
fn cstring<'ctx>(u: &Unit<'ctx, '_>, s: &str) -> PointerValue<'ctx> {
    private_constant(u, ".str", &u.llcx.const_string(s.as_bytes(), true)).as_pointer_value()
}

/// A private constant array of `values`, or a null pointer when empty.
fn array_of<'ctx>(
    u: &Unit<'ctx, '_>,
    name: &str,
    elem: BasicTypeEnum<'ctx>,
    values: Vec<BasicValueEnum<'ctx>>,
) -> PointerValue<'ctx> {
    if values.is_empty() {
        return u.ptr().const_null();
    }
    let arr = match elem {
        BasicTypeEnum::IntType(t) => t.const_array(&values.iter().map(|v| v.into_int_value()).collect::<Vec<_>>()),
        BasicTypeEnum::PointerType(t) => {
            t.const_array(&values.iter().map(|v| v.into_pointer_value()).collect::<Vec<_>>())
        }
        BasicTypeEnum::StructType(t) => {
            t.const_array(&values.iter().map(|v| v.into_struct_value()).collect::<Vec<_>>())
        }
        _ => unreachable!("descriptor arrays hold ints, pointers or structs"),
    };
    private_constant(u, name, &arr).as_pointer_value()
}

fn struct_ty<'ctx>(u: &Unit<'ctx, '_>, fields: &[BasicTypeEnum<'ctx>]) -> StructType<'ctx> {
    u.llcx.struct_type(fields, false)
}

fn descriptor<'ctx>(
    u: &Unit<'ctx, '_>,
    trampolines: &[FunctionValue<'ctx>],
    init: FunctionValue<'ctx>,
) -> Result<GlobalValue<'ctx>> {
    let info = u.info;
    let (i8t, i32t, i64t, p) = (u.llcx.i8_type(), u.llcx.i32_type(), u.llcx.i64_type(), u.ptr());
    let c32 = |v: u64| -> BasicValueEnum<'ctx> { i32t.const_int(v, false).into() };
    let c64 = |v: u64| -> BasicValueEnum<'ctx> { i64t.const_int(v, false).into() };
    let max_or_none = |m: Option<u64>| c64(m.unwrap_or(u64::MAX));

    let sigs = info.types.iter().map(|t| cstring(u, &t.sig).into()).collect();
    let type_sigs = array_of(u, "type_sigs", p.into(), sigs);
    let tramps = trampolines.iter().map(|f| f.as_global_value().as_pointer_value().into()).collect();
    let type_array_calls = array_of(u, "type_array_calls", p.into(), tramps);

    let import_ty = struct_ty(
        u,
        &[p.into(), p.into(), i32t.into(), i32t.into(), i32t.into(), i32t.into(), i64t.into(), i64t.into(), p.into()],
    );
    let imports = info
        .imports
        .iter()
        .map(|imp| {
            let (kind, ty, mutable, min, max) = match imp.kind {
                ImportKind::Func { type_index } => (abi::EXTERN_FUNC, type_index, 0, 0, None),
                ImportKind::Table(t) => (abi::EXTERN_TABLE, valtype_code(t.elem) as u32, 0, t.min, t.max),
                ImportKind::Memory(m) => (abi::EXTERN_MEMORY, mem_flags(m), 0, m.min, m.max),
                ImportKind::Global(g) => (abi::EXTERN_GLOBAL, valtype_code(g.ty) as u32, g.mutable as u32, 0, None),
                ImportKind::Tag { type_index } => (abi::EXTERN_TAG, type_index, 0, 0, None),
            };
            let valtype = match imp.kind {
                ImportKind::Global(_) => cstring(u, &info.globals[imp.index as usize].valtype),
                ImportKind::Table(_) => cstring(u, &info.table_valtypes[imp.index as usize]),
                _ => p.const_null(),
            };
            let fields = [
                cstring(u, &imp.module).into(),
                cstring(u, &imp.name).into(),
                c32(kind as u64),
                c32(imp.index as u64),
                c32(ty as u64),
                c32(mutable as u64),
                c64(min),
                max_or_none(max),
                valtype.into(),
            ];
            import_ty.const_named_struct(&fields).into()
        })
        .collect();
    let imports = array_of(u, "imports", import_ty.into(), imports);

    let export_ty = struct_ty(u, &[p.into(), i32t.into(), i32t.into(), i64t.into()]);
    let exports = info
        .exports
        .iter()
        .map(|e| {
            let kind = match e.kind {
                ExternalKind::Func | ExternalKind::FuncExact => abi::EXTERN_FUNC,
                ExternalKind::Table => abi::EXTERN_TABLE,
                ExternalKind::Memory => abi::EXTERN_MEMORY,
                ExternalKind::Global => abi::EXTERN_GLOBAL,
                ExternalKind::Tag => abi::EXTERN_TAG,
            };
            let fields = [cstring(u, &e.name).into(), c32(kind as u64), c32(e.index as u64), c64(e.name.len() as u64)];
            export_ty.const_named_struct(&fields).into()
        })
        .collect();
    let exports = array_of(u, "exports", export_ty.into(), exports);

    let nfuncs = info.func_types.len();
    let func_types = array_of(u, "func_types", i32t.into(), info.func_types.iter().map(|&t| c32(t as u64)).collect());
    let code = (0..nfuncs as u32)
        .map(|i| match i < info.num_imported_funcs {
            true => p.const_null().into(),
            false => u.wasm_function(i).as_global_value().as_pointer_value().into(),
        })
        .collect();
    let func_code = array_of(u, "func_code", p.into(), code);
    let names = info
        .func_names
        .iter()
        .map(|n| match n {
            Some(n) => cstring(u, n).into(),
            None => p.const_null().into(),
        })
        .collect();
    let func_names = array_of(u, "func_names", p.into(), names);
    let referenced = array_of(
        u,
        "func_referenced",
        i8t.into(),
        info.referenced.iter().map(|&r| i8t.const_int(r as u64, false).into()).collect(),
    );

    let limits_ty = struct_ty(u, &[i32t.into(), i32t.into(), i64t.into(), i64t.into(), p.into()]);
    let memories = info.memories[info.num_imported_memories as usize..]
        .iter()
        .map(|m| {
            let fields = [c32(mem_flags(*m) as u64), c32(0), c64(m.min), max_or_none(m.max), p.const_null().into()];
            limits_ty.const_named_struct(&fields).into()
        })
        .collect();
    let memories = array_of(u, "memories", limits_ty.into(), memories);
    let tables = info.tables[info.num_imported_tables as usize..]
        .iter()
        .zip(&info.table_valtypes[info.num_imported_tables as usize..])
        .map(|(t, vt)| {
            let fields =
                [c32(valtype_code(t.elem) as u64), c32(0), c64(t.min), max_or_none(t.max), cstring(u, vt).into()];
            limits_ty.const_named_struct(&fields).into()
        })
        .collect();
    let tables = array_of(u, "tables", limits_ty.into(), tables);
    let global_ty = struct_ty(u, &[i32t.into(), i32t.into(), p.into()]);
    let globals = info
        .globals
        .iter()
        .map(|g| {
            let fields = [c32(valtype_code(g.ty.ty) as u64), c32(g.ty.mutable as u64), cstring(u, &g.valtype).into()];
            global_ty.const_named_struct(&fields).into()
        })
        .collect();
    let globals = array_of(u, "globals", global_ty.into(), globals);

    let l = u.layout;
    let layout_fields: Vec<BasicValueEnum> = [
        l.size,
        l.memories,
        l.tables,
        l.globals,
        l.funcs,
        l.type_ids,
        l.data_lens,
        l.elem_lens,
        l.elem_items,
        l.def_funcs,
        l.def_memories,
        l.def_tables,
        l.def_globals,
        l.tags,
        l.def_tags,
        0,
    ]
    .iter()
    .map(|&v| c32(v as u64))
    .collect();
    let layout_ty = struct_ty(u, &vec![i32t.into(); layout_fields.len()]);
    let layout = layout_ty.const_named_struct(&layout_fields);

    let (start, end) = code_section_bounds(u.opts.target.os);
    let (code_start, code_end) = (section_bound(u, &start), section_bound(u, &end));
    let name = cstring(u, info.module_name.as_deref().unwrap_or(&u.opts.prefix));
    let fields: Vec<BasicValueEnum> = vec![
        c32(abi::ABI_VERSION as u64),
        c32(info.types.len() as u64),
        type_sigs.into(),
        type_array_calls.into(),
        c32(info.imports.len() as u64),
        c32(info.exports.len() as u64),
        imports.into(),
        exports.into(),
        c32(nfuncs as u64),
        c32(info.num_imported_funcs as u64),
        func_types.into(),
        func_code.into(),
        func_names.into(),
        referenced.into(),
        c32(info.memories.len() as u64),
        c32(info.num_imported_memories as u64),
        memories.into(),
        c32(info.tables.len() as u64),
        c32(info.num_imported_tables as u64),
        tables.into(),
        c32(info.globals.len() as u64),
        c32(info.num_imported_globals as u64),
        globals.into(),
        c32(info.datas.len() as u64),
        c32(info.elems.len() as u64),
        layout.into(),
        init.as_global_value().as_pointer_value().into(),
        name.into(),
        code_start.into(),
        code_end.into(),
        c32(info.tags.len() as u64),
        c32(info.num_imported_tags as u64),
        array_of(u, "tag_types", i32t.into(), info.tags.iter().map(|&t| c32(t as u64)).collect()).into(),
    ];
    let types: Vec<BasicTypeEnum> = fields.iter().map(|v| v.get_type()).collect();
    let module_ty = struct_ty(u, &types);
    let g = u.module.add_global(module_ty, None, &format!("{}_module", u.opts.prefix));
    g.set_initializer(&module_ty.const_named_struct(&fields));
    g.set_constant(true);
    Ok(g)
}

fn mem_flags(m: crate::module::MemoryInfo) -> u32 {
    (if m.memory64 { abi::MEM_64 } else { 0 })
        | (if m.shared { abi::MEM_SHARED } else { 0 })
        | (if m.page_size_log2 == 0 { abi::MEM_PAGE1 } else { 0 })
}

/// A symbol the linker defines at one end of the code section (see `code_section_bounds`).
fn section_bound<'ctx>(u: &Unit<'ctx, '_>, name: &str) -> PointerValue<'ctx> {
    let g = u.module.get_global(name).unwrap_or_else(|| {
        let g = u.module.add_global(u.llcx.i8_type(), None, name);
        g.set_linkage(Linkage::ExternalWeak);
        g
    });
    g.as_pointer_value()
}

/// `w2n_exe_module` (pointer to the descriptor) and `w2n_exe_config` (grants baked in at compile time).
fn exe_symbols<'ctx>(u: &Unit<'ctx, '_>, module: GlobalValue<'ctx>, cfg: &ExeConfig) {
    let (i32t, p) = (u.llcx.i32_type(), u.ptr());
    let g = u.module.add_global(p, None, "w2n_exe_module");
    g.set_initializer(&module.as_pointer_value());
    g.set_constant(true);

    let dir_ty = struct_ty(u, &[p.into(), p.into(), i32t.into()]);
    let dirs = cfg
        .dirs
        .iter()
        .map(|(host, guest, read_only)| {
            let ro = i32t.const_int(*read_only as u64, false);
            dir_ty.const_named_struct(&[cstring(u, host).into(), cstring(u, guest).into(), ro.into()]).into()
        })
        .collect();
    let dirs = array_of(u, "exe_dirs", dir_ty.into(), dirs);
    let env = array_of(u, "exe_env", p.into(), cfg.env.iter().map(|e| cstring(u, e).into()).collect());
    let i64t = u.llcx.i64_type();
    let cfg_ty = struct_ty(u, &[i32t.into(), p.into(), i32t.into(), p.into(), i32t.into(), i64t.into()]);
    let flags = if cfg.no_runtime_grants { abi::EXE_NO_RUNTIME_GRANTS } else { 0 };
    let value = cfg_ty.const_named_struct(&[
        i32t.const_int(cfg.dirs.len() as u64, false).into(),
        dirs.into(),
        i32t.const_int(cfg.env.len() as u64, false).into(),
        env.into(),
        i32t.const_int(flags as u64, false).into(),
        i64t.const_int(cfg.max_wasm_stack, false).into(),
    ]);
    let g = u.module.add_global(cfg_ty, None, "w2n_exe_config");
    g.set_initializer(&value);
    g.set_constant(true);
}
