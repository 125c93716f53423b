//! Reading a module: validation of the whole module first (function bodies in parallel), then the
//! read-only facts the translator needs (`ModuleInfo`: types, imports, globals, segments, names).

use crate::error::{unsupported, CompileError, Result};
use rayon::prelude::*;
use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FunctionBody, Parser, Payload, RefType, TableInit,
    TypeRef, Validator, WasmFeatures,
};

/// The value types this compiler translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
    /// `exnref`: a `w2n_exception *` (exception-handling proposal).
    ExnRef,
    /// The GC proposal's internal references (`any`, `eq`, `i31`, `struct`, `array`, `none`, and
    /// concrete struct and array types): null, an `i31ref` (`(value << 1) | 1`) or a heap object.
    AnyRef,
}

impl ValType {
    /// `is_func(i)`: whether type index `i` is a function type (concrete references to it are
    /// `FuncRef`, to struct and array types `AnyRef`).
    pub fn from_wasm(t: wasmparser::ValType, is_func: &dyn Fn(u32) -> bool) -> Result<ValType> {
        Ok(match t {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::from_ref(r, is_func)?,
        })
    }

    /// The representation of a reference type: function references (abstract `func`, `nofunc`, or a
    /// concrete function type, nullable or not) are `w2n_func *`; `extern`/`noextern` are host
    /// pointers (or GC references made external); `exn` a `w2n_exception *`; the rest are GC
    /// references.
    pub fn from_ref(r: RefType, is_func: &dyn Fn(u32) -> bool) -> Result<ValType> {
        use wasmparser::{AbstractHeapType as A, HeapType as H};
        match r.heap_type() {
            H::Concrete(i) | H::Exact(i) => match i.as_module_index() {
                Some(i) if is_func(i) => Ok(ValType::FuncRef),
                Some(_) => Ok(ValType::AnyRef),
                None => Err(crate::error::internal("a type index that is not the module's")),
            },
            H::Abstract { shared: false, ty: A::Func | A::NoFunc } => Ok(ValType::FuncRef),
            H::Abstract { shared: false, ty: A::Extern | A::NoExtern } => Ok(ValType::ExternRef),
            H::Abstract { shared: false, ty: A::Exn | A::NoExn } => Ok(ValType::ExnRef),
            H::Abstract { shared: false, ty: A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None } => {
                Ok(ValType::AnyRef)
            }
            _ => unsupported(format!("reference type `{r}` (GC proposal)")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
    /// Canonical signature (`abi::canonical_signature`): equal strings mean equal types, across
    /// modules, including the exact reference types.
    pub sig: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Func { type_index: u32 },
    Table(TableInfo),
    Memory(MemoryInfo),
    Global(GlobalType),
    Tag { type_index: u32 },
}

#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
    /// Index in the kind's index space.
    pub index: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableInfo {
    pub elem: ValType,
    /// A 64-bit table (memory64 proposal): indices are i64.
    pub table64: bool,
    pub min: u64,
    pub max: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryInfo {
    /// In pages of `1 << page_size_log2` bytes (16, or 0 with the custom-page-sizes proposal).
    pub min: u64,
    pub max: Option<u64>,
    pub memory64: bool,
    pub shared: bool,
    pub page_size_log2: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalType {
    pub ty: ValType,
    pub mutable: bool,
}

#[derive(Clone, Debug)]
pub struct Global<'a> {
    pub ty: GlobalType,
    /// Canonical code of the exact value type (`abi::canonical_valtype_code`).
    pub valtype: String,
    /// None for imported globals.
    pub init: Option<ConstExpr<'a>>,
}

#[derive(Clone, Debug)]
pub struct Export {
    pub name: String,
    pub kind: ExternalKind,
    pub index: u32,
}

#[derive(Clone, Debug)]
pub enum SegmentMode<'a> {
    Passive,
    Active { index: u32, offset: ConstExpr<'a> },
    Declared,
}

#[derive(Clone, Debug)]
pub enum ElemItem<'a> {
    Func(u32),
    Expr(ConstExpr<'a>),
}

#[derive(Clone, Debug)]
pub struct ElemSegment<'a> {
    pub mode: SegmentMode<'a>,
    pub items: Vec<ElemItem<'a>>,
}

#[derive(Clone, Debug)]
pub struct DataSegment<'a> {
    pub mode: SegmentMode<'a>,
    pub bytes: &'a [u8],
}

/// Read-only facts about a validated module, shared by every translation worker.
#[derive(Debug, Default)]
pub struct ModuleInfo<'a> {
    /// Every type's signature (empty for struct and array types).
    pub types: Vec<FuncType>,
    /// Every type's kind, supertype, rec group and object layout.
    pub type_defs: Vec<crate::gc_types::TypeDef>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableInfo>,
    /// Canonical code of each table's exact type (`abi::table_type_code`).
    pub table_valtypes: Vec<String>,
    /// The type section as read, for canonical codes of reference types.
    pub raw_types: Vec<crate::abi::RawType>,
    /// Initial value expression of defined tables (function-references proposal); None = null.
    pub table_inits: Vec<Option<ConstExpr<'a>>>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryInfo>,
    pub num_imported_memories: u32,
    pub globals: Vec<Global<'a>>,
    pub num_imported_globals: u32,
    pub exports: Vec<Export>,
    /// Function type index of every tag, imported ones first.
    pub tags: Vec<u32>,
    pub num_imported_tags: u32,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment<'a>>,
    pub datas: Vec<DataSegment<'a>>,
    pub bodies: Vec<FunctionBody<'a>>,
    /// Names from the name section, by function index.
    pub func_names: Vec<Option<String>>,
    pub module_name: Option<String>,
    /// Functions that may become funcrefs: exported, in element segments, or in constant expressions.
    pub referenced: Vec<bool>,
}

impl<'a> ModuleInfo<'a> {
    pub fn num_defined_funcs(&self) -> u32 {
        self.func_types.len() as u32 - self.num_imported_funcs
    }
    pub fn num_defined_memories(&self) -> u32 {
        self.memories.len() as u32 - self.num_imported_memories
    }
    pub fn num_defined_tables(&self) -> u32 {
        self.tables.len() as u32 - self.num_imported_tables
    }
    pub fn num_defined_globals(&self) -> u32 {
        self.globals.len() as u32 - self.num_imported_globals
    }
    pub fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.func_types[func as usize] as usize]
    }
    /// A name for messages: the name section's, else `wasm-function[N]`.
    pub fn display_name(&self, func: u32) -> String {
        match self.func_names.get(func as usize) {
            Some(Some(n)) => n.clone(),
            _ => format!("wasm-function[{func}]"),
        }
    }

    /// Validates `wasm` completely (all Wasm 3.0 features), then reads it.
    pub fn parse(wasm: &'a [u8]) -> Result<ModuleInfo<'a>> {
        validate(wasm)?;
        read(wasm)
    }
}

/// Turns `.wat` text into binary; binary input passes through.
pub fn wat_to_wasm(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>> {
    if bytes.starts_with(b"\0asm") {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => wat::parse_str(crate::legacy_syntax::unfold(text)).map(std::borrow::Cow::Owned),
        Err(_) => wat::parse_bytes(bytes),
    };
    parsed.map_err(|e| CompileError::Malformed(e.to_string()))
}

/// The features the validator accepts: Wasm 3.0 and the proposals finished since (custom page sizes,
/// wide arithmetic) plus the legacy exception instructions. Unfinished proposals (stack switching,
/// custom descriptors, shared-everything threads) stay off: they change what is valid (e.g. tags
/// with results). Parts the translator does not lower yet are rejected with an `unsupported:` error.
pub fn features() -> WasmFeatures {
    WasmFeatures::WASM3
        | WasmFeatures::CUSTOM_PAGE_SIZES
        | WasmFeatures::WIDE_ARITHMETIC
        | WasmFeatures::LEGACY_EXCEPTIONS
}

fn binary_error(e: wasmparser::BinaryReaderError) -> CompileError {
    let text = e.to_string();
    // wasmparser reports both malformed encodings and validation failures through one type; its
    // messages for type errors are the validation ones.
    if is_validation_message(e.message()) {
        CompileError::Invalid(text)
    } else {
        CompileError::Malformed(text)
    }
}

fn is_validation_message(m: &str) -> bool {
    const MALFORMED: [&str; 12] = [
        "unexpected end",
        "malformed",
        "invalid leb",
        "integer representation too long",
        "integer too large",
        "magic header",
        "unknown binary version",
        "section size mismatch",
        "invalid section",
        "unexpected content",
        "bad magic",
        "invalid utf-8",
    ];
    !MALFORMED.iter().any(|p| m.to_ascii_lowercase().contains(p))
}

/// Validates the whole module: module-level sections in order, then every function body in parallel.
/// The error reported is always the one of the lowest function index, whatever the thread count.
pub fn validate(wasm: &[u8]) -> Result<()> {
    // A component's header: the magic, the component encoding's version 0x0d, then layer 1 (a
    // core module is version 1, layer 0; any other header is malformed).
    if wasm.len() >= 8 && wasm[..8] == *b"\0asm\x0d\0\x01\0" {
        return unsupported("the component model (a component or nested module was given)");
    }
    let mut validator = Validator::new_with_features(features());
    let mut funcs = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(binary_error)?;
        if let Payload::ModuleSection { .. } | Payload::ComponentSection { .. } = payload {
            return unsupported("the component model (a component or nested module was given)");
        }
        match validator.payload(&payload).map_err(binary_error)? {
            wasmparser::ValidPayload::Func(f, body) => funcs.push((f, body)),
            wasmparser::ValidPayload::End(_) => break,
            _ => {}
        }
    }
    let errors: Vec<_> = funcs
        .into_par_iter()
        .enumerate()
        .filter_map(|(i, (f, body))| {
            let mut v = f.into_validator(Default::default());
            v.validate(&body).err().map(|e| (i, e))
        })
        .collect();
    match errors.into_iter().min_by_key(|(i, _)| *i) {
        Some((_, e)) => Err(binary_error(e)),
        None => Ok(()),
    }
}

fn read_err(e: wasmparser::BinaryReaderError) -> CompileError {
    CompileError::Malformed(e.to_string())
}

fn read(wasm: &[u8]) -> Result<ModuleInfo<'_>> {
    let mut m = ModuleInfo::default();
    let mut names_section = None;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(read_err)? {
            Payload::TypeSection(r) => m.read_types(r)?,
            Payload::ImportSection(r) => m.read_imports(r)?,
            Payload::FunctionSection(r) => {
                for t in r {
                    m.func_types.push(t.map_err(read_err)?);
                }
            }
            Payload::TableSection(r) => m.read_tables(r)?,
            Payload::MemorySection(r) => {
                for t in r {
                    m.memories.push(memory_info(t.map_err(read_err)?)?);
                }
            }
            Payload::TagSection(r) => {
                for t in r {
                    m.tags.push(t.map_err(read_err)?.func_type_idx);
                }
            }
            Payload::GlobalSection(r) => m.read_globals(r)?,
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(read_err)?;
                    m.exports.push(Export { name: e.name.to_string(), kind: e.kind, index: e.index });
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(r) => m.read_elements(r)?,
            Payload::DataSection(r) => m.read_data(r)?,
            Payload::CodeSectionEntry(body) => m.bodies.push(body),
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(r) = c.as_known() {
                    names_section = Some(r);
                }
            }
            _ => {}
        }
    }
    m.func_names = vec![None; m.func_types.len()];
    if let Some(r) = names_section {
        m.read_names(r);
    }
    m.referenced = referenced_funcs(&m)?;
    Ok(m)
}

/// Reading one section into the facts (`read` calls them in section order).
impl<'a> ModuleInfo<'a> {
    fn read_types(&mut self, r: wasmparser::TypeSectionReader<'a>) -> Result<()> {
        use crate::abi::RawType;
        use wasmparser::CompositeInnerType as C;
        for group in r {
            let group: Vec<_> = group.map_err(read_err)?.into_types().collect();
            let start = self.raw_types.len() as u32;
            for t in &group {
                self.raw_types.push(match &t.composite_type.inner {
                    C::Func(ft) => RawType::Func(ft.clone()),
                    C::Array(_) => RawType::Array,
                    _ => RawType::Struct,
                });
            }
            let raw = &self.raw_types;
            let is_func = |i: u32| matches!(raw.get(i as usize), Some(RawType::Func(_)));
            self.type_defs.extend(crate::gc_types::read_group(&group, start, &is_func)?);
            for (k, t) in group.iter().enumerate() {
                let ty = match &t.composite_type.inner {
                    C::Func(ft) => {
                        let vals = |ts: &[wasmparser::ValType]| {
                            ts.iter().map(|&t| ValType::from_wasm(t, &is_func)).collect::<Result<Vec<_>>>()
                        };
                        let sig = crate::abi::canonical_signature(raw, start + k as u32);
                        FuncType { params: vals(ft.params())?, results: vals(ft.results())?, sig }
                    }
                    _ => FuncType { params: vec![], results: vec![], sig: String::new() },
                };
                self.types.push(ty);
            }
        }
        Ok(())
    }

    /// Whether type index `i` is a function type.
    pub fn is_func_type(&self, i: u32) -> bool {
        matches!(self.raw_types.get(i as usize), Some(crate::abi::RawType::Func(_)))
    }

    /// The representation of a value type of this module.
    pub fn val_type(&self, t: wasmparser::ValType) -> Result<ValType> {
        ValType::from_wasm(t, &|i| self.is_func_type(i))
    }

    /// The representation of a reference type of this module.
    pub fn ref_type(&self, r: RefType) -> Result<ValType> {
        ValType::from_ref(r, &|i| self.is_func_type(i))
    }

    fn read_imports(&mut self, r: wasmparser::ImportSectionReader<'a>) -> Result<()> {
        for imp in r.into_imports() {
            let imp = imp.map_err(read_err)?;
            let (kind, index) = match imp.ty {
                TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                    self.func_types.push(t);
                    self.num_imported_funcs += 1;
                    (ImportKind::Func { type_index: t }, self.func_types.len() - 1)
                }
                TypeRef::Table(t) => {
                    let info = self.table_info(t)?;
                    self.tables.push(info);
                    self.table_valtypes.push(crate::abi::table_type_code(&self.raw_types, &t));
                    self.num_imported_tables += 1;
                    (ImportKind::Table(info), self.tables.len() - 1)
                }
                TypeRef::Memory(t) => {
                    let info = memory_info(t)?;
                    self.memories.push(info);
                    self.num_imported_memories += 1;
                    (ImportKind::Memory(info), self.memories.len() - 1)
                }
                TypeRef::Global(g) => {
                    let ty = self.global_type(g)?;
                    let valtype = crate::abi::canonical_valtype_code(&self.raw_types, g.content_type);
                    self.globals.push(Global { ty, valtype, init: None });
                    self.num_imported_globals += 1;
                    (ImportKind::Global(ty), self.globals.len() - 1)
                }
                TypeRef::Tag(t) => {
                    self.tags.push(t.func_type_idx);
                    self.num_imported_tags += 1;
                    (ImportKind::Tag { type_index: t.func_type_idx }, self.tags.len() - 1)
                }
            };
            self.imports.push(Import {
                module: imp.module.to_string(),
                name: imp.name.to_string(),
                kind,
                index: index as u32,
            });
        }
        Ok(())
    }

    fn read_tables(&mut self, r: wasmparser::TableSectionReader<'a>) -> Result<()> {
        for t in r {
            let t = t.map_err(read_err)?;
            self.tables.push(self.table_info(t.ty)?);
            self.table_valtypes.push(crate::abi::table_type_code(&self.raw_types, &t.ty));
            self.table_inits.push(match t.init {
                TableInit::RefNull => None,
                TableInit::Expr(e) => Some(e),
            });
        }
        Ok(())
    }

    fn table_info(&self, t: wasmparser::TableType) -> Result<TableInfo> {
        if t.shared {
            return unsupported("shared tables (shared-everything-threads proposal)");
        }
        Ok(TableInfo { elem: self.ref_type(t.element_type)?, table64: t.table64, min: t.initial, max: t.maximum })
    }

    /// A global's type; shared globals are not translated.
    fn global_type(&self, g: wasmparser::GlobalType) -> Result<GlobalType> {
        if g.shared {
            return unsupported("shared globals (threads proposal)");
        }
        Ok(GlobalType { ty: self.val_type(g.content_type)?, mutable: g.mutable })
    }

    fn read_globals(&mut self, r: wasmparser::GlobalSectionReader<'a>) -> Result<()> {
        for g in r {
            let g = g.map_err(read_err)?;
            let ty = self.global_type(g.ty)?;
            let valtype = crate::abi::canonical_valtype_code(&self.raw_types, g.ty.content_type);
            self.globals.push(Global { ty, valtype, init: Some(g.init_expr) });
        }
        Ok(())
    }

    fn read_elements(&mut self, r: wasmparser::ElementSectionReader<'a>) -> Result<()> {
        for e in r {
            let e = e.map_err(read_err)?;
            let mode = match e.kind {
                ElementKind::Passive => SegmentMode::Passive,
                ElementKind::Declared => SegmentMode::Declared,
                ElementKind::Active { table_index, offset_expr } => {
                    SegmentMode::Active { index: table_index.unwrap_or(0), offset: offset_expr }
                }
            };
            let items = match e.items {
                ElementItems::Functions(r) => {
                    r.into_iter().map(|f| f.map(ElemItem::Func).map_err(read_err)).collect::<Result<_>>()?
                }
                ElementItems::Expressions(ty, r) => {
                    self.ref_type(ty)?;
                    r.into_iter().map(|x| x.map(ElemItem::Expr).map_err(read_err)).collect::<Result<_>>()?
                }
            };
            self.elems.push(ElemSegment { mode, items });
        }
        Ok(())
    }

    fn read_data(&mut self, r: wasmparser::DataSectionReader<'a>) -> Result<()> {
        for d in r {
            let d = d.map_err(read_err)?;
            let mode = match d.kind {
                DataKind::Passive => SegmentMode::Passive,
                DataKind::Active { memory_index, offset_expr } => {
                    SegmentMode::Active { index: memory_index, offset: offset_expr }
                }
            };
            self.datas.push(DataSegment { mode, bytes: d.data });
        }
        Ok(())
    }

    /// Function and module names. The name section is advisory: a malformed one is ignored, as
    /// the spec requires.
    fn read_names(&mut self, r: wasmparser::NameSectionReader<'a>) {
        for name in r.into_iter().flatten() {
            match name {
                wasmparser::Name::Function(map) => {
                    for n in map.into_iter().flatten() {
                        if let Some(slot) = self.func_names.get_mut(n.index as usize) {
                            *slot = Some(n.name.to_string());
                        }
                    }
                }
                wasmparser::Name::Module { name, .. } => self.module_name = Some(name.to_string()),
                _ => {}
            }
        }
    }
}

fn memory_info(t: wasmparser::MemoryType) -> Result<MemoryInfo> {
    let page_size_log2 = t.page_size_log2.unwrap_or(16);
    if page_size_log2 != 16 && page_size_log2 != 0 {
        return unsupported(format!("page size 2^{page_size_log2} (only 1 and 65536 are defined)"));
    }
    Ok(MemoryInfo { min: t.initial, max: t.maximum, memory64: t.memory64, shared: t.shared, page_size_log2 })
}

/// Functions whose `w2n_func` record must exist: the ones a funcref can name. Validation guarantees
/// that `ref.func` in code only names functions declared this way.
fn referenced_funcs(m: &ModuleInfo) -> Result<Vec<bool>> {
    let mut referenced = vec![false; m.func_types.len()];
    let mark_expr = |e: &ConstExpr, referenced: &mut Vec<bool>| -> Result<()> {
        for op in e.get_operators_reader() {
            if let wasmparser::Operator::RefFunc { function_index } = op.map_err(read_err)? {
                referenced[function_index as usize] = true;
            }
        }
        Ok(())
    };
    for e in &m.exports {
        if e.kind == ExternalKind::Func {
            referenced[e.index as usize] = true;
        }
    }
    for seg in &m.elems {
        for item in &seg.items {
            match item {
                ElemItem::Func(f) => referenced[*f as usize] = true,
                ElemItem::Expr(e) => mark_expr(e, &mut referenced)?,
            }
        }
    }
    for g in &m.globals {
        if let Some(e) = &g.init {
            mark_expr(e, &mut referenced)?;
        }
    }
    for e in m.table_inits.iter().flatten() {
        mark_expr(e, &mut referenced)?;
    }
    // Imported functions always have a record (the exporter's or the host's).
    for r in referenced.iter_mut().take(m.num_imported_funcs as usize) {
        *r = true;
    }
    Ok(referenced)
}
