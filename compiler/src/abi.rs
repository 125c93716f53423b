//! The runtime ABI as the compiler sees it: field offsets of the structures generated code touches,
//! the instance context layout, and canonical signature strings.
//!
//! Mirror of `runtime-lib/include/w2n_runtime.h`. The test `abi_layout_matches_runtime`
//! (`compiler/tests/abi.rs`) compiles a C file against the header and fails when they disagree.

use crate::module::{ModuleInfo, ValType};

pub const ABI_VERSION: u32 = 5;

/// `w2n_context_header`: the first bytes of every instance.
pub const CTX_STORE: u32 = 0;
pub const CONTEXT_HEADER_SIZE: u32 = 32;

/// `w2n_store`: the stack limit generated prologues compare against.
pub const STORE_STACK_LIMIT: u32 = 0;

/// `w2n_memory`.
pub const MEMORY_BASE: u32 = 0;
pub const MEMORY_SIZE: u32 = 8;
pub const SIZEOF_MEMORY: u32 = 40;

/// `W2N_MEM32_MAX_PAGES`: the most pages a 32-bit memory of 64 KiB pages ever holds (4 GiB - 64 KiB),
/// which `translate/address_facts.rs` relies on.
pub const MEM32_MAX_PAGES: u64 = 65535;

/// `w2n_table`.
pub const TABLE_ELEMS: u32 = 0;
pub const TABLE_SIZE: u32 = 8;
pub const SIZEOF_TABLE: u32 = 48;

/// `w2n_func`.
pub const FUNC_CODE: u32 = 0;
pub const FUNC_CTX: u32 = 8;
pub const FUNC_TYPE_ID: u32 = 16;
pub const SIZEOF_FUNC: u32 = 32;

/// `w2n_value`: globals' cells and array-call slots.
pub const SIZEOF_VALUE: u32 = 16;
/// `_Alignof(w2n_value)`: 8 (its widest scalar members), less than a v128's natural 16, so
/// generated v128 accesses to value cells and slots say `align 8`.
pub const ALIGNOF_VALUE: u32 = 8;

/// `w2n_import_desc`, `w2n_export_desc`, `w2n_limits_desc`, `w2n_global_desc` sizes.
pub const SIZEOF_IMPORT_DESC: u32 = 56;
pub const SIZEOF_EXPORT_DESC: u32 = 24;
pub const SIZEOF_LIMITS_DESC: u32 = 32;
pub const SIZEOF_GLOBAL_DESC: u32 = 16;
/// `w2n_module` size and the offset of its `layout` field.
pub const SIZEOF_MODULE: u32 = 256;
/// `w2n_tag`.
pub const SIZEOF_TAG: u32 = 8;

/// `w2n_exception`: the tag and the payload slots.
pub const EXCEPTION_TAG: u32 = 0;
pub const EXCEPTION_VALUES: u32 = 16;
/// `w2n_handler`: exception handlers in generated frames.
pub const HANDLER_EXN: u32 = 8;
pub const HANDLER_JMP: u32 = 16;
pub const SIZEOF_HANDLER: u32 = 528;
pub const MODULE_LAYOUT_OFFSET: u32 = 144;

/// `w2n_extern_kind`.
pub const EXTERN_FUNC: u32 = 0;
pub const EXTERN_TABLE: u32 = 1;
pub const EXTERN_MEMORY: u32 = 2;
pub const EXTERN_GLOBAL: u32 = 3;
pub const EXTERN_TAG: u32 = 4;

/// `W2N_EXE_*` flags of `w2n_exe_config`.
pub const EXE_NO_RUNTIME_GRANTS: u32 = 1;

/// `W2N_MEM_*` flags.
pub const MEM_64: u32 = 1;
pub const MEM_SHARED: u32 = 2;
pub const MEM_PAGE1: u32 = 4;

/// Byte offsets of each region of one module's instance context (`w2n_layout`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContextLayout {
    pub size: u32,
    pub memories: u32,
    pub tables: u32,
    pub globals: u32,
    pub funcs: u32,
    pub type_ids: u32,
    pub data_lens: u32,
    pub elem_lens: u32,
    pub elem_items: u32,
    pub def_funcs: u32,
    pub def_memories: u32,
    pub def_tables: u32,
    pub def_globals: u32,
    pub tags: u32,
    pub def_tags: u32,
    /// Offset of each element segment's first item, relative to the `elem_items` region (the
    /// `items_offset` argument of `w2n_table_init`).
    pub elem_item_offsets: Vec<u32>,
}

impl ContextLayout {
    /// The layout is a function of the module alone; regions follow each other in a fixed order.
    pub fn of(m: &ModuleInfo) -> ContextLayout {
        let mut at = CONTEXT_HEADER_SIZE;
        let mut region = |bytes: u32, align: u32| {
            at = at.next_multiple_of(align);
            let start = at;
            at += bytes;
            start
        };
        let memories = region(8 * m.memories.len() as u32, 8);
        let tables = region(8 * m.tables.len() as u32, 8);
        let globals = region(8 * m.globals.len() as u32, 8);
        let funcs = region(8 * m.func_types.len() as u32, 8);
        let type_ids = region(4 * m.types.len() as u32, 8);
        let data_lens = region(8 * m.datas.len() as u32, 8);
        let elem_lens = region(8 * m.elems.len() as u32, 8);
        let total_items: u32 = m.elems.iter().map(|e| e.items.len() as u32).sum();
        let elem_items = region(8 * total_items, 8);
        let def_funcs = region(SIZEOF_FUNC * m.num_defined_funcs(), 16);
        let def_memories = region(SIZEOF_MEMORY * m.num_defined_memories(), 16);
        let def_tables = region(SIZEOF_TABLE * m.num_defined_tables(), 16);
        let def_globals = region(SIZEOF_VALUE * m.num_defined_globals(), 16);
        let tags = region(8 * m.tags.len() as u32, 8);
        let def_tags = region(SIZEOF_TAG * (m.tags.len() as u32 - m.num_imported_tags), 8);
        let size = at.next_multiple_of(16);
        let mut elem_item_offsets = Vec::with_capacity(m.elems.len());
        let mut off = 0;
        for e in &m.elems {
            elem_item_offsets.push(off);
            off += 8 * e.items.len() as u32;
        }
        ContextLayout {
            size,
            memories,
            tables,
            globals,
            funcs,
            type_ids,
            data_lens,
            elem_lens,
            elem_items,
            def_funcs,
            def_memories,
            def_tables,
            def_globals,
            tags,
            def_tags,
            elem_item_offsets,
        }
    }
}

/// The letter of a value type in canonical signatures (`enum w2n_valtype`).
pub fn valtype_code(t: ValType) -> u8 {
    match t {
        ValType::I32 => b'i',
        ValType::I64 => b'I',
        ValType::F32 => b'f',
        ValType::F64 => b'F',
        ValType::V128 => b'v',
        ValType::FuncRef => b'a',
        ValType::ExternRef => b'r',
        ValType::ExnRef => b'x',
        ValType::AnyRef => b'n',
    }
}

/// Canonical signature string `PARAMS:RESULTS`, e.g. `iI:f`; equal strings mean equal types.
pub fn signature_string(params: &[ValType], results: &[ValType]) -> String {
    let mut s = String::with_capacity(params.len() + results.len() + 1);
    s.extend(params.iter().map(|&t| valtype_code(t) as char));
    s.push(':');
    s.extend(results.iter().map(|&t| valtype_code(t) as char));
    s
}

/// The canonical signature of function type `index` of a type section: `PARAMS:RESULTS`, one code
/// per value type. Numbers use `valtype_code`; references use a letter for the heap type, upper case
/// when non-nullable (`a`/`A` func, `r`/`R` extern, `z`/`Z` nofunc, `y`/`Y` noextern), and a concrete
/// function type is `c[...]`/`C[...]` around its own signature (`^N` refers back to the type N levels
/// up, for recursive types). The runtime counts arity at bracket depth 0 (`w2n_signature_arity`).
pub fn canonical_signature(types: &[wasmparser::FuncType], index: u32) -> String {
    let mut out = String::new();
    canonical_into(types, index, &mut vec![], &mut out);
    out
}

fn canonical_into(types: &[wasmparser::FuncType], index: u32, stack: &mut Vec<u32>, out: &mut String) {
    stack.push(index);
    let ft = &types[index as usize];
    for &t in ft.params() {
        canonical_valtype(types, t, stack, out);
    }
    out.push(':');
    for &t in ft.results() {
        canonical_valtype(types, t, stack, out);
    }
    stack.pop();
}

/// The canonical code of one value type (the `valtype` of globals and tables in descriptors).
pub fn canonical_valtype_code(types: &[wasmparser::FuncType], t: wasmparser::ValType) -> String {
    let mut out = String::new();
    canonical_valtype(types, t, &mut vec![], &mut out);
    out
}

/// The exact type of a table for import matching: its element type's canonical code, followed by
/// `/64` for a 64-bit table (a 32-bit table never matches a 64-bit import, nor the reverse).
pub fn table_type_code(types: &[wasmparser::FuncType], t: &wasmparser::TableType) -> String {
    let mut code = canonical_valtype_code(types, t.element_type.into());
    if t.table64 {
        code.push_str("/64");
    }
    code
}

fn canonical_valtype(types: &[wasmparser::FuncType], t: wasmparser::ValType, stack: &mut Vec<u32>, out: &mut String) {
    use wasmparser::{AbstractHeapType as A, HeapType as H, ValType as V};
    let r = match t {
        V::I32 => return out.push('i'),
        V::I64 => return out.push('I'),
        V::F32 => return out.push('f'),
        V::F64 => return out.push('F'),
        V::V128 => return out.push('v'),
        V::Ref(r) => r,
    };
    let case = |c: char| if r.is_nullable() { c } else { c.to_ascii_uppercase() };
    match r.heap_type() {
        H::Abstract { ty: A::Func, .. } => out.push(case('a')),
        H::Abstract { ty: A::Extern, .. } => out.push(case('r')),
        H::Abstract { ty: A::NoFunc, .. } => out.push(case('z')),
        H::Abstract { ty: A::NoExtern, .. } => out.push(case('y')),
        H::Abstract { ty: A::Exn, .. } => out.push(case('x')),
        H::Abstract { ty: A::NoExn, .. } => out.push(case('w')),
        H::Abstract { ty: A::Any, .. } => out.push(case('n')),
        H::Abstract { ty: A::Eq, .. } => out.push(case('q')),
        H::Abstract { ty: A::I31, .. } => out.push(case('j')),
        H::Abstract { ty: A::Struct, .. } => out.push(case('s')),
        H::Abstract { ty: A::Array, .. } => out.push(case('g')),
        H::Abstract { ty: A::None, .. } => out.push(case('o')),
        H::Concrete(idx) | H::Exact(idx) => {
            out.push(case('c'));
            out.push('[');
            match idx.as_module_index() {
                Some(i) if stack.contains(&i) => {
                    let depth = stack.len() - 1 - stack.iter().rposition(|&s| s == i).expect("on stack");
                    out.push_str(&format!("^{depth}"));
                }
                Some(i) if (i as usize) < types.len() => canonical_into(types, i, stack, out),
                _ => out.push('?'),
            }
            out.push(']');
        }
        // Other heap types are rejected before code generation.
        _ => out.push('?'),
    }
}
