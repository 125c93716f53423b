//! The `w2n_module` descriptor (`<prefix>_module`) the runtime instantiates from, and for
//! executables `w2n_exe_module` and `w2n_exe_config`.
//!
//! Every C struct is built by field name: `c_struct!(d, Mirror { field: value, ... })` places each
//! value at the offset of that field in the `#[repr(C)]` mirror (`abi.rs`, `ffi/api.rs`), fails
//! when a field is missing or a value has the wrong size, and checks that LLVM's layout of the
//! result for the target puts every field where the mirror (and so C) does.

use super::ExeConfig;
use crate::abi::{
    self, valtype_code, ExeConfig as CExeConfig, ExportDesc, GlobalDesc, Layout, LimitsDesc, Module, StoreLimits,
    TypeDefDesc,
};
use crate::error::{internal, Result};
use crate::ffi::{ImportDesc, MirrorField, WasiDir};
use crate::ir::unit::{code_section_bounds, Unit};
use crate::module::{ImportKind, MemoryInfo};
use inkwell::module::Linkage;
use inkwell::targets::TargetData;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValue, BasicValueEnum, FunctionValue, GlobalValue, PointerValue, StructValue};
use wasmparser::ExternalKind;

/// `c_struct!(d, Mirror { field: value, ... })`: a constant of the C struct `Mirror` mirrors, its
/// fields named (any order) and placed by the mirror's offsets; see `Descriptor::c_struct`.
macro_rules! c_struct {
    ($d:expr, $mirror:ident { $($field:ident: $value:expr),* $(,)? }) => {
        $d.c_struct(
            $mirror::C_NAME,
            $mirror::FIELDS,
            ::std::mem::size_of::<$mirror>(),
            &[$((::std::mem::offset_of!($mirror, $field), BasicValueEnum::from($value))),*],
        )
    };
}

/// What building the descriptor's constants needs: the unit and the target's data layout.
struct Descriptor<'u, 'ctx, 'm> {
    u: &'u Unit<'ctx, 'm>,
    target_data: TargetData,
}

impl<'u, 'ctx, 'm> Descriptor<'u, 'ctx, 'm> {
    fn new(u: &'u Unit<'ctx, 'm>) -> Result<Self> {
        Ok(Descriptor { u, target_data: super::target_machine(u.opts, super::Tier::Full)?.get_target_data() })
    }

    fn c32(&self, v: u64) -> BasicValueEnum<'ctx> {
        self.u.llcx.i32_type().const_int(v, false).into()
    }

    fn c64(&self, v: u64) -> BasicValueEnum<'ctx> {
        self.u.llcx.i64_type().const_int(v, false).into()
    }

    /// A limit's maximum: `UINT64_MAX` when absent.
    fn max_or_none(&self, max: Option<u64>) -> BasicValueEnum<'ctx> {
        self.c64(max.unwrap_or(u64::MAX))
    }

    fn null(&self) -> BasicValueEnum<'ctx> {
        self.u.ptr().const_null().into()
    }

    /// A NUL-terminated copy of `s`. Wasm names may contain NUL bytes: the places that must see the
    /// whole name (export names) also record its length.
    fn cstring(&self, s: &str) -> BasicValueEnum<'ctx> {
        private_constant(self.u, ".str", &self.u.llcx.const_string(s.as_bytes(), true)).as_pointer_value().into()
    }

    /// A private constant array of `values` (of one type), or a null pointer when empty.
    fn array_of(&self, name: &str, values: Vec<BasicValueEnum<'ctx>>) -> BasicValueEnum<'ctx> {
        let Some(first) = values.first() else { return self.null() };
        let arr = match first.get_type() {
            BasicTypeEnum::IntType(t) => t.const_array(&values.iter().map(|v| v.into_int_value()).collect::<Vec<_>>()),
            BasicTypeEnum::PointerType(t) => {
                t.const_array(&values.iter().map(|v| v.into_pointer_value()).collect::<Vec<_>>())
            }
            BasicTypeEnum::StructType(t) => {
                t.const_array(&values.iter().map(|v| v.into_struct_value()).collect::<Vec<_>>())
            }
            _ => unreachable!("descriptor arrays hold ints, pointers or structs"),
        };
        private_constant(self.u, name, &arr).as_pointer_value().into()
    }

    /// A constant of C struct `c_name`, whose mirror has `fields` and `size` bytes, from `values`
    /// given by field offset (`c_struct!` names them): every field exactly once, each value as large
    /// as its field. The LLVM struct lists the values in offset order (LLVM's natural layout is C's)
    /// and must put each at its field's offset.
    fn c_struct(
        &self,
        c_name: &str,
        fields: &[MirrorField],
        size: usize,
        values: &[(usize, BasicValueEnum<'ctx>)],
    ) -> Result<StructValue<'ctx>> {
        let td = &self.target_data;
        let mut ordered = Vec::with_capacity(fields.len());
        for f in fields {
            let mut at = values.iter().filter(|(offset, _)| *offset == f.offset);
            let (Some(&(_, v)), None) = (at.next(), at.next()) else {
                return Err(internal(format!("descriptor: {c_name}.{} is not given exactly once", f.name)));
            };
            let bytes = td.get_abi_size(&v.get_type());
            if bytes != f.size as u64 {
                return Err(internal(format!("descriptor: {c_name}.{} is {} bytes, given {bytes}", f.name, f.size)));
            }
            ordered.push(v);
        }
        if values.len() != fields.len() {
            return Err(internal(format!("descriptor: {c_name} given {} fields, has {}", values.len(), fields.len())));
        }
        let types: Vec<BasicTypeEnum> = ordered.iter().map(|v| v.get_type()).collect();
        let ty = self.u.llcx.struct_type(&types, false);
        for (i, f) in fields.iter().enumerate() {
            if td.offset_of_element(&ty, i as u32) != Some(f.offset as u64) {
                return Err(internal(format!("descriptor: LLVM places {c_name}.{} elsewhere than C", f.name)));
            }
        }
        if td.get_abi_size(&ty) != size as u64 {
            return Err(internal(format!("descriptor: LLVM's {c_name} is not {size} bytes")));
        }
        Ok(ty.const_named_struct(&ordered))
    }
}

fn private_constant<'ctx>(u: &Unit<'ctx, '_>, name: &str, value: &dyn BasicValue<'ctx>) -> GlobalValue<'ctx> {
    let v = value.as_basic_value_enum();
    let g = u.module.add_global(v.get_type(), None, name);
    g.set_initializer(&v);
    g.set_constant(true);
    g.set_linkage(Linkage::Private);
    g
}

/// `<prefix>_module`, from the module's facts, its trampolines and init function; and for an
/// executable, `w2n_exe_module` and `w2n_exe_config`.
pub fn emit<'ctx>(
    u: &Unit<'ctx, '_>,
    trampolines: &[FunctionValue<'ctx>],
    init: FunctionValue<'ctx>,
    exe: Option<&ExeConfig>,
) -> Result<()> {
    let d = Descriptor::new(u)?;
    let module = descriptor(&d, trampolines, init)?;
    match exe {
        Some(cfg) => exe_symbols(&d, module, cfg),
        None => Ok(()),
    }
}

/// `<prefix>_module`.
fn descriptor<'ctx>(
    d: &Descriptor<'_, 'ctx, '_>,
    trampolines: &[FunctionValue<'ctx>],
    init: FunctionValue<'ctx>,
) -> Result<GlobalValue<'ctx>> {
    let (u, info) = (d.u, d.u.info);
    let sigs = info.types.iter().map(|t| d.cstring(&t.sig)).collect();
    let type_sigs = d.array_of("type_sigs", sigs);
    let tramps = trampolines.iter().map(|f| f.as_global_value().as_pointer_value().into()).collect();
    let type_array_calls = d.array_of("type_array_calls", tramps);
    let imports = imports(d)?;
    let exports = exports(d)?;
    let (func_types, func_code, func_names, func_referenced) = function_tables(d);
    let (memories, tables, globals) = (memories(d)?, tables(d)?, globals(d)?);
    let layout = layout(d)?;
    let (start, end) = code_section_bounds(u.opts.target.os);
    let (code_start, code_end) = (section_bound(u, &start), section_bound(u, &end));
    let name = d.cstring(info.module_name.as_deref().unwrap_or(&u.opts.prefix));
    let tag_types = d.array_of("tag_types", info.tags.iter().map(|&t| d.c32(t as u64)).collect());
    let type_defs = type_defs(d)?;
    let value = c_struct!(
        d,
        Module {
            abi_version: d.c32(abi::ABI_VERSION as u64),
            num_types: d.c32(info.types.len() as u64),
            type_sigs: type_sigs,
            type_array_calls: type_array_calls,
            num_imports: d.c32(info.imports.len() as u64),
            num_exports: d.c32(info.exports.len() as u64),
            imports: imports,
            exports: exports,
            num_funcs: d.c32(info.func_types.len() as u64),
            num_imported_funcs: d.c32(info.num_imported_funcs as u64),
            func_types: func_types,
            func_code: func_code,
            func_names: func_names,
            func_referenced: func_referenced,
            num_memories: d.c32(info.memories.len() as u64),
            num_imported_memories: d.c32(info.num_imported_memories as u64),
            memories: memories,
            num_tables: d.c32(info.tables.len() as u64),
            num_imported_tables: d.c32(info.num_imported_tables as u64),
            tables: tables,
            num_globals: d.c32(info.globals.len() as u64),
            num_imported_globals: d.c32(info.num_imported_globals as u64),
            globals: globals,
            num_data: d.c32(info.datas.len() as u64),
            num_elems: d.c32(info.elems.len() as u64),
            layout: layout,
            init: init.as_global_value().as_pointer_value(),
            name: name,
            code_start: code_start,
            code_end: code_end,
            num_tags: d.c32(info.tags.len() as u64),
            num_imported_tags: d.c32(info.num_imported_tags as u64),
            tag_types: tag_types,
            type_defs: type_defs,
        }
    )?;
    let g = u.module.add_global(value.get_type(), None, &format!("{}_module", u.opts.prefix));
    g.set_initializer(&value);
    g.set_constant(true);
    Ok(g)
}

/// `w2n_import_desc[num_imports]`.
fn imports<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> Result<BasicValueEnum<'ctx>> {
    let info = d.u.info;
    let mut values = Vec::with_capacity(info.imports.len());
    for imp in &info.imports {
        let (kind, ty, mutable, min, max) = match imp.kind {
            ImportKind::Func { type_index } => (abi::EXTERN_FUNC, type_index, 0, 0, None),
            ImportKind::Table(t) => (abi::EXTERN_TABLE, valtype_code(t.elem) as u32, 0, t.min, t.max),
            ImportKind::Memory(m) => (abi::EXTERN_MEMORY, mem_flags(m), 0, m.min, m.max),
            ImportKind::Global(g) => (abi::EXTERN_GLOBAL, valtype_code(g.ty) as u32, g.mutable as u32, 0, None),
            ImportKind::Tag { type_index } => (abi::EXTERN_TAG, type_index, 0, 0, None),
        };
        let valtype = match imp.kind {
            ImportKind::Global(_) => d.cstring(&info.globals[imp.index as usize].valtype),
            ImportKind::Table(_) => d.cstring(&info.table_valtypes[imp.index as usize]),
            _ => d.null(),
        };
        let value = c_struct!(
            d,
            ImportDesc {
                module: d.cstring(&imp.module),
                name: d.cstring(&imp.name),
                kind: d.c32(kind as u64),
                index: d.c32(imp.index as u64),
                ty: d.c32(ty as u64),
                mutable: d.c32(mutable as u64),
                min: d.c64(min),
                max: d.max_or_none(max),
                valtype: valtype,
            }
        )?;
        values.push(value.into());
    }
    Ok(d.array_of("imports", values))
}

/// `w2n_export_desc[num_exports]`.
fn exports<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> Result<BasicValueEnum<'ctx>> {
    let mut values = Vec::with_capacity(d.u.info.exports.len());
    for e in &d.u.info.exports {
        let kind = match e.kind {
            ExternalKind::Func | ExternalKind::FuncExact => abi::EXTERN_FUNC,
            ExternalKind::Table => abi::EXTERN_TABLE,
            ExternalKind::Memory => abi::EXTERN_MEMORY,
            ExternalKind::Global => abi::EXTERN_GLOBAL,
            ExternalKind::Tag => abi::EXTERN_TAG,
        };
        let value = c_struct!(
            d,
            ExportDesc {
                name: d.cstring(&e.name),
                kind: d.c32(kind as u64),
                index: d.c32(e.index as u64),
                name_len: d.c64(e.name.len() as u64),
            }
        )?;
        values.push(value.into());
    }
    Ok(d.array_of("exports", values))
}

/// The per-function arrays: type index, code (NULL for imports), name, whether referenced.
type FunctionTables<'ctx> = (BasicValueEnum<'ctx>, BasicValueEnum<'ctx>, BasicValueEnum<'ctx>, BasicValueEnum<'ctx>);

fn function_tables<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> FunctionTables<'ctx> {
    let (u, info) = (d.u, d.u.info);
    let types = d.array_of("func_types", info.func_types.iter().map(|&t| d.c32(t as u64)).collect());
    let code = (0..info.func_types.len() as u32)
        .map(|i| match i < info.num_imported_funcs {
            true => d.null(),
            false => u.wasm_function(i).as_global_value().as_pointer_value().into(),
        })
        .collect();
    let code = d.array_of("func_code", code);
    let names = info.func_names.iter().map(|n| n.as_deref().map_or_else(|| d.null(), |n| d.cstring(n))).collect();
    let names = d.array_of("func_names", names);
    let i8t = u.llcx.i8_type();
    let referenced = info.referenced.iter().map(|&r| i8t.const_int(r as u64, false).into()).collect();
    (types, code, names, d.array_of("func_referenced", referenced))
}

/// `w2n_limits_desc` of each defined memory.
fn memories<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> Result<BasicValueEnum<'ctx>> {
    let info = d.u.info;
    let mut values = Vec::new();
    for m in &info.memories[info.num_imported_memories as usize..] {
        let value = c_struct!(
            d,
            LimitsDesc {
                ty: d.c32(mem_flags(*m) as u64),
                _pad: d.c32(0),
                min: d.c64(m.min),
                max: d.max_or_none(m.max),
                valtype: d.null(),
            }
        )?;
        values.push(value.into());
    }
    Ok(d.array_of("memories", values))
}

/// `w2n_limits_desc` of each defined table.
fn tables<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> Result<BasicValueEnum<'ctx>> {
    let info = d.u.info;
    let first = info.num_imported_tables as usize;
    let mut values = Vec::new();
    for (t, valtype) in info.tables[first..].iter().zip(&info.table_valtypes[first..]) {
        let value = c_struct!(
            d,
            LimitsDesc {
                ty: d.c32(valtype_code(t.elem) as u64),
                _pad: d.c32(0),
                min: d.c64(t.min),
                max: d.max_or_none(t.max),
                valtype: d.cstring(valtype),
            }
        )?;
        values.push(value.into());
    }
    Ok(d.array_of("tables", values))
}

/// `w2n_global_desc` of every global.
fn globals<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> Result<BasicValueEnum<'ctx>> {
    let mut values = Vec::new();
    for g in &d.u.info.globals {
        let value = c_struct!(
            d,
            GlobalDesc {
                ty: d.c32(valtype_code(g.ty.ty) as u64),
                mutable: d.c32(g.ty.mutable as u64),
                valtype: d.cstring(&g.valtype),
            }
        )?;
        values.push(value.into());
    }
    Ok(d.array_of("globals", values))
}

/// `w2n_type_def[num_types]`; a rec group's string on its first type only.
fn type_defs<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> Result<BasicValueEnum<'ctx>> {
    let defs = &d.u.info.type_defs;
    let mut values = Vec::with_capacity(defs.len());
    for (i, t) in defs.iter().enumerate() {
        let group = if t.group_start == i as u32 { d.cstring(&t.group) } else { d.null() };
        let refs = t.ref_offsets();
        let value = c_struct!(
            d,
            TypeDefDesc {
                group: group,
                group_start: d.c32(t.group_start as u64),
                kind: d.c32(t.rtt_kind() as u64),
                supertype: d.c32(t.supertype.unwrap_or(u32::MAX) as u64),
                size: d.c32(t.rtt_size() as u64),
                num_refs: d.c32(refs.len() as u64),
                _pad: d.c32(0),
                ref_offsets: d.array_of("ref_offsets", refs.iter().map(|&o| d.c32(o as u64)).collect()),
            }
        )?;
        values.push(value.into());
    }
    Ok(d.array_of("type_defs", values))
}

/// `w2n_layout`: each field from the `Layout` the compiler computed (`abi::ContextLayout::of`).
fn layout<'ctx>(d: &Descriptor<'_, 'ctx, '_>) -> Result<StructValue<'ctx>> {
    let values: Vec<(usize, BasicValueEnum)> =
        d.u.layout.values().into_iter().map(|(offset, v)| (offset, d.c32(v as u64))).collect();
    d.c_struct(Layout::C_NAME, Layout::FIELDS, std::mem::size_of::<Layout>(), &values)
}

fn mem_flags(m: MemoryInfo) -> u32 {
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
fn exe_symbols<'ctx>(d: &Descriptor<'_, 'ctx, '_>, module: GlobalValue<'ctx>, cfg: &ExeConfig) -> Result<()> {
    let u = d.u;
    let g = u.module.add_global(u.ptr(), None, "w2n_exe_module");
    g.set_initializer(&module.as_pointer_value());
    g.set_constant(true);

    let mut dirs = Vec::with_capacity(cfg.dirs.len());
    for (host, guest, read_only) in &cfg.dirs {
        let dir = c_struct!(
            d,
            WasiDir { host_path: d.cstring(host), guest_path: d.cstring(guest), read_only: d.c32(*read_only as u64) }
        )?;
        dirs.push(dir.into());
    }
    let flags = [
        (cfg.no_runtime_grants, abi::EXE_NO_RUNTIME_GRANTS),
        (cfg.control.interruptible, abi::EXE_INTERRUPTIBLE),
        (cfg.control.fuel, abi::EXE_FUEL),
        (cfg.fuel.is_some(), abi::EXE_FUEL_BUDGET),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .fold(0, |acc, (_, flag)| acc | flag);
    let l = &cfg.limits;
    let limits = c_struct!(
        d,
        StoreLimits {
            max_memory_size: d.c64(l.max_memory_size),
            max_table_elements: d.c64(l.max_table_elements),
            max_instances: d.c64(l.max_instances),
            max_memories: d.c64(l.max_memories),
            max_tables: d.c64(l.max_tables),
            max_gc_heap: d.c64(l.max_gc_heap),
            flags: d.c32(l.flags as u64),
            _pad: d.c32(0),
        }
    )?;
    let value = c_struct!(
        d,
        CExeConfig {
            num_dirs: d.c32(cfg.dirs.len() as u64),
            dirs: d.array_of("exe_dirs", dirs),
            envc: d.c32(cfg.env.len() as u64),
            env: d.array_of("exe_env", cfg.env.iter().map(|e| d.cstring(e)).collect()),
            flags: d.c32(flags as u64),
            max_wasm_stack: d.c64(cfg.max_wasm_stack),
            limits: limits,
            timeout_ns: d.c64(cfg.timeout_ns),
            fuel: d.c64(cfg.fuel.unwrap_or(0)),
        }
    )?;
    let g = u.module.add_global(value.get_type(), None, "w2n_exe_config");
    g.set_initializer(&value);
    g.set_constant(true);
    Ok(())
}
