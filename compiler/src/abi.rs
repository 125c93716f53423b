//! The runtime ABI as the compiler sees it: the `#[repr(C)]` mirrors of the structures generated
//! code and descriptors touch, the offsets derived from them, the instance context's regions, and
//! canonical signature strings.
//!
//! Mirror of `runtime-lib/include/w2n_runtime.h`. The mirrors the embedding API shares with host
//! code and generated bindings are in `ffi/api.rs`; the ones only the compiler needs are here. Every
//! mirror lists its fields once (`w2n_mirror!`); the test `every_mirrored_field_matches_c`
//! (`compiler/tests/abi.rs`) compiles a C probe of every field of every mirror against the header
//! and fails when any offset or size differs.

use crate::ffi::{w2n_mirror, Mirror, MirrorField, Tag, Value};
use crate::module::{ModuleInfo, ValType};
use std::ffi::{c_int, c_void};
use std::mem::{align_of, offset_of, size_of};

pub use crate::ffi::{Func, ImportDesc, Memory, StoreLimits, Table, WasiDir};

pub const ABI_VERSION: u32 = 6;

// The mirrors describe the C structs of 64-bit targets, the only ones wasm2native generates code
// for; a compiler built for a 32-bit host would place descriptor fields wrongly.
const _: () = assert!(size_of::<usize>() == 8, "the ABI mirrors assume 64-bit pointers");

w2n_mirror! {
    pub const ABI_MIRRORS;

    /// The first bytes of every instance.
    pub struct ContextHeader = "w2n_context_header" {
        pub store: *mut c_void,
        pub module: *const c_void,
        pub host_data: *mut c_void,
        pub runtime_data: *mut c_void,
    }

    /// The public head of a store: generated prologues compare the stack pointer with `stack_limit`.
    pub struct Store = "w2n_store" {
        pub stack_limit: usize,
        pub activation: *mut c_void,
        pub host_data: *mut c_void,
        pub reserved: *mut c_void,
        pub interrupt: u64,
        pub fuel: i64,
    }

    /// A thrown Wasm exception: the tag and the payload slots.
    pub struct Exception = "w2n_exception" {
        pub tag: *mut Tag,
        pub num_values: u32,
        pub _pad: u32,
        pub values: [Value; 0],
    }

    /// An exception handler in a generated frame.
    #[repr(align(16))]
    pub struct Handler = "w2n_handler" {
        pub prev: *mut c_void,
        pub exn: *mut Exception,
        pub jmp: [u64; 64],
    }

    /// One export of a module descriptor.
    pub struct ExportDesc = "w2n_export_desc" {
        pub name: *const c_void,
        pub kind: u32,
        pub index: u32,
        pub name_len: u64,
    }

    /// A defined memory or table of a module descriptor.
    pub struct LimitsDesc = "w2n_limits_desc" {
        pub ty: u32 => "type",
        pub _pad: u32,
        pub min: u64,
        pub max: u64,
        pub valtype: *const c_void,
    }

    /// A global of a module descriptor.
    pub struct GlobalDesc = "w2n_global_desc" {
        pub ty: u32 => "type",
        pub mutable: u32 => "mutable_",
        pub valtype: *const c_void,
    }

    /// One type of a module descriptor (`gc_types::TypeDef`).
    pub struct TypeDefDesc = "w2n_type_def" {
        pub group: *const c_void,
        pub group_start: u32,
        pub kind: u32,
        pub supertype: u32,
        pub size: u32,
        pub num_refs: u32,
        pub _pad: u32,
        pub ref_offsets: *const c_void,
    }

    /// The module descriptor (`<prefix>_module`), emitted by `codegen/descriptor.rs`.
    pub struct Module = "w2n_module" {
        pub abi_version: u32,
        pub num_types: u32,
        pub type_sigs: *const c_void,
        pub type_array_calls: *const c_void,
        pub num_imports: u32,
        pub num_exports: u32,
        pub imports: *const c_void,
        pub exports: *const c_void,
        pub num_funcs: u32,
        pub num_imported_funcs: u32,
        pub func_types: *const c_void,
        pub func_code: *const c_void,
        pub func_names: *const c_void,
        pub func_referenced: *const c_void,
        pub num_memories: u32,
        pub num_imported_memories: u32,
        pub memories: *const c_void,
        pub num_tables: u32,
        pub num_imported_tables: u32,
        pub tables: *const c_void,
        pub num_globals: u32,
        pub num_imported_globals: u32,
        pub globals: *const c_void,
        pub num_data: u32,
        pub num_elems: u32,
        pub layout: Layout,
        pub init: *const c_void,
        pub name: *const c_void,
        pub code_start: *const c_void,
        pub code_end: *const c_void,
        pub num_tags: u32,
        pub num_imported_tags: u32,
        pub tag_types: *const c_void,
        pub type_defs: *const c_void,
    }

    /// The grants baked into an executable (`w2n_exe_config`).
    pub struct ExeConfig = "w2n_exe_config" {
        pub num_dirs: c_int,
        pub dirs: *const WasiDir,
        pub envc: c_int,
        pub env: *const c_void,
        pub flags: u32,
        pub max_wasm_stack: u64,
        pub limits: StoreLimits,
        pub timeout_ns: u64,
        pub fuel: u64,
    }
}

/// `w2n_context_header`: the first bytes of every instance.
pub const CTX_STORE: u32 = offset_of!(ContextHeader, store) as u32;
pub const CONTEXT_HEADER_SIZE: u32 = size_of::<ContextHeader>() as u32;

/// `w2n_store`: the stack limit generated prologues compare against.
pub const STORE_STACK_LIMIT: u32 = offset_of!(Store, stack_limit) as u32;
/// `w2n_store`: non-zero while an interrupt is pending (read by the runtime; generated code never polls it).
pub const STORE_INTERRUPT: u32 = offset_of!(Store, interrupt) as u32;
/// `w2n_store`: the fuel left (charged by code compiled with `--fuel`).
pub const STORE_FUEL: u32 = offset_of!(Store, fuel) as u32;

/// `w2n_memory`.
pub const MEMORY_BASE: u32 = offset_of!(Memory, base) as u32;
pub const MEMORY_SIZE: u32 = offset_of!(Memory, size) as u32;
pub const SIZEOF_MEMORY: u32 = size_of::<Memory>() as u32;

/// `W2N_MEM32_MAX_PAGES`: the most pages a 32-bit memory of 64 KiB pages ever holds (4 GiB - 64 KiB),
/// which `translate/address_facts.rs` relies on.
pub const MEM32_MAX_PAGES: u64 = 65535;

/// `w2n_table`.
pub const TABLE_ELEMS: u32 = offset_of!(Table, elems) as u32;
pub const TABLE_SIZE: u32 = offset_of!(Table, size) as u32;
pub const SIZEOF_TABLE: u32 = size_of::<Table>() as u32;

/// `w2n_func`.
pub const FUNC_CODE: u32 = offset_of!(Func, code) as u32;
pub const FUNC_CTX: u32 = offset_of!(Func, ctx) as u32;
pub const FUNC_TYPE_ID: u32 = offset_of!(Func, type_id) as u32;
pub const SIZEOF_FUNC: u32 = size_of::<Func>() as u32;

/// `w2n_value`: globals' cells and array-call slots.
pub const SIZEOF_VALUE: u32 = size_of::<Value>() as u32;
/// `_Alignof(w2n_value)`: 8 (its widest scalar members), less than a v128's natural 16, so
/// generated v128 accesses to value cells and slots say `align 8`.
pub const ALIGNOF_VALUE: u32 = align_of::<Value>() as u32;

/// `w2n_tag`.
pub const SIZEOF_TAG: u32 = size_of::<Tag>() as u32;

/// `w2n_exception`: the tag and the payload slots.
pub const EXCEPTION_TAG: u32 = offset_of!(Exception, tag) as u32;
pub const EXCEPTION_VALUES: u32 = offset_of!(Exception, values) as u32;
/// `w2n_handler`: exception handlers in generated frames.
pub const HANDLER_PREV: u32 = offset_of!(Handler, prev) as u32;
pub const HANDLER_EXN: u32 = offset_of!(Handler, exn) as u32;
pub const HANDLER_JMP: u32 = offset_of!(Handler, jmp) as u32;
pub const SIZEOF_HANDLER: u32 = size_of::<Handler>() as u32;

/// `w2n_extern_kind`.
pub const EXTERN_FUNC: u32 = 0;
pub const EXTERN_TABLE: u32 = 1;
pub const EXTERN_MEMORY: u32 = 2;
pub const EXTERN_GLOBAL: u32 = 3;
pub const EXTERN_TAG: u32 = 4;

/// `W2N_EXE_*` flags of `w2n_exe_config`.
pub const EXE_NO_RUNTIME_GRANTS: u32 = 1;
pub const EXE_INTERRUPTIBLE: u32 = 2;
pub const EXE_FUEL: u32 = 4;
pub const EXE_FUEL_BUDGET: u32 = 8;

/// `W2N_MEM_*` flags.
pub const MEM_64: u32 = 1;
pub const MEM_SHARED: u32 = 2;
pub const MEM_PAGE1: u32 = 4;

/// One region of the instance context: the `w2n_layout` field holding its offset, its alignment
/// and its size for a module.
pub struct Region {
    pub name: &'static str,
    pub align: u32,
    pub bytes: fn(&ModuleInfo<'_>) -> u32,
    pub start: fn(&mut Layout) -> &mut u32,
}

/// Lists the context's regions once, in context order: each becomes a field of the `w2n_layout`
/// mirror (`Layout`, between `size` and `_pad`) and an entry of `REGIONS`, which
/// `ContextLayout::of` lays out and the descriptor and the tests read.
macro_rules! context_regions {
    ($($(#[$doc:meta])* $region:ident: $bytes:expr, align $align:literal;)*) => {
        w2n_mirror! {
            pub const LAYOUT_MIRROR;

            /// Byte offsets (from the instance pointer) of each region of one module's instance
            /// context; the runtime reads them from the descriptor and never computes them.
            #[derive(Clone, Debug, Default, PartialEq, Eq)]
            pub struct Layout = "w2n_layout" {
                /// Total bytes of the context (a multiple of 16).
                pub size: u32,
                $($(#[$doc])* pub $region: u32,)*
                pub _pad: u32,
            }
        }

        impl Layout {
            /// Every field's offset and value, in order.
            pub fn values(&self) -> Vec<(usize, u32)> {
                let mut values = vec![(offset_of!(Layout, size), self.size)];
                $(values.push((offset_of!(Layout, $region), self.$region));)*
                values.push((offset_of!(Layout, _pad), self._pad));
                values
            }
        }

        /// The context's regions, in the order they follow each other after the header.
        pub const REGIONS: &[Region] = &[$(Region {
            name: stringify!($region),
            align: $align,
            bytes: $bytes,
            start: |l| &mut l.$region,
        },)*];
    };
}

context_regions! {
    /// `w2n_memory *[num_memories]`.
    memories: |m| 8 * m.memories.len() as u32, align 8;
    /// `w2n_table *[num_tables]`.
    tables: |m| 8 * m.tables.len() as u32, align 8;
    /// `w2n_value *[num_globals]`: the cells.
    globals: |m| 8 * m.globals.len() as u32, align 8;
    /// `w2n_func *[num_funcs]` (NULL for defined functions never referenced).
    funcs: |m| 8 * m.func_types.len() as u32, align 8;
    /// `uint32_t[num_types]`: canonical type ids.
    type_ids: |m| 4 * m.types.len() as u32, align 8;
    /// `uint64_t[num_data]`: each data segment's current length (0 once dropped).
    data_lens: |m| 8 * m.datas.len() as u32, align 8;
    /// `uint64_t[num_elems]`: each element segment's current length.
    elem_lens: |m| 8 * m.elems.len() as u32, align 8;
    /// `void *[]`: the evaluated items of all element segments, back to back.
    elem_items: |m| 8 * m.elems.iter().map(|e| e.items.len() as u32).sum::<u32>(), align 8;
    /// `w2n_func[num_funcs - num_imported_funcs]`.
    def_funcs: |m| SIZEOF_FUNC * m.num_defined_funcs(), align 16;
    /// `w2n_memory[num_memories - num_imported_memories]`.
    def_memories: |m| SIZEOF_MEMORY * m.num_defined_memories(), align 16;
    /// `w2n_table[num_tables - num_imported_tables]`.
    def_tables: |m| SIZEOF_TABLE * m.num_defined_tables(), align 16;
    /// `w2n_value[num_globals - num_imported_globals]`.
    def_globals: |m| SIZEOF_VALUE * m.num_defined_globals(), align 16;
    /// `w2n_tag *[num_tags]`.
    tags: |m| 8 * m.tags.len() as u32, align 8;
    /// `w2n_tag[num_tags - num_imported_tags]`.
    def_tags: |m| SIZEOF_TAG * (m.tags.len() as u32 - m.num_imported_tags), align 8;
    /// `const w2n_rtt *[num_types]`: each type's canonical runtime type.
    rtts: |m| 8 * m.types.len() as u32, align 8;
}

/// `w2n_module` size and the offset of its `layout` field.
pub const SIZEOF_MODULE: u32 = size_of::<Module>() as u32;
pub const MODULE_LAYOUT_OFFSET: u32 = offset_of!(Module, layout) as u32;

/// One module's instance context: the offset of each region (`Layout`, which this dereferences
/// to: `layout.memories`...) and where each element segment's items start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContextLayout {
    pub regions: Layout,
    /// Offset of each element segment's first item, relative to the `elem_items` region (the
    /// `items_offset` argument of `w2n_table_init`).
    pub elem_item_offsets: Vec<u32>,
}

impl std::ops::Deref for ContextLayout {
    type Target = Layout;
    fn deref(&self) -> &Layout {
        &self.regions
    }
}

impl ContextLayout {
    /// The layout is a function of the module alone: after the header, `REGIONS` in order, each at
    /// its alignment; the size rounded up to 16.
    pub fn of(m: &ModuleInfo) -> ContextLayout {
        let mut regions = Layout::default();
        let mut at = CONTEXT_HEADER_SIZE;
        for r in REGIONS {
            at = at.next_multiple_of(r.align);
            *(r.start)(&mut regions) = at;
            at += (r.bytes)(m);
        }
        regions.size = at.next_multiple_of(16);
        let mut elem_item_offsets = Vec::with_capacity(m.elems.len());
        let mut off = 0;
        for e in &m.elems {
            elem_item_offsets.push(off);
            off += 8 * e.items.len() as u32;
        }
        ContextLayout { regions, elem_item_offsets }
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

/// A type of the type section as canonical codes see it: function types in full (their
/// signatures are spelt out), struct and array types by kind.
#[derive(Clone, Debug)]
pub enum RawType {
    Func(wasmparser::FuncType),
    Struct,
    Array,
}

/// The canonical signature of function type `index` of a type section: `PARAMS:RESULTS`, one code
/// per value type. Numbers use `valtype_code`; references use a letter for the heap type, upper case
/// when non-nullable (`a`/`A` func, `r`/`R` extern, `z`/`Z` nofunc, `y`/`Y` noextern, `x` exn, `w`
/// noexn, `n` any, `q` eq, `j` i31, `s` struct, `g` array, `o` none), a concrete function type is
/// `c[...]`/`C[...]` around its own signature (`^N` refers back to the type N levels up, for
/// recursive types), and a concrete struct or array type is `ctN;`/`CtN;` (type index N), which the
/// runtime resolves to the type's canonical id (`c#ID;`) before matching imports. The runtime
/// counts arity at bracket depth 0 (`w2n_signature_arity`).
pub fn canonical_signature(types: &[RawType], index: u32) -> String {
    let mut out = String::new();
    canonical_into(types, index, &mut vec![], &mut out);
    out
}

fn canonical_into(types: &[RawType], index: u32, stack: &mut Vec<u32>, out: &mut String) {
    stack.push(index);
    if let Some(RawType::Func(ft)) = types.get(index as usize) {
        for &t in ft.params() {
            canonical_valtype(types, t, stack, out);
        }
        out.push(':');
        for &t in ft.results() {
            canonical_valtype(types, t, stack, out);
        }
    }
    stack.pop();
}

/// The canonical code of one value type (the `valtype` of globals and tables in descriptors).
pub fn canonical_valtype_code(types: &[RawType], t: wasmparser::ValType) -> String {
    let mut out = String::new();
    canonical_valtype(types, t, &mut vec![], &mut out);
    out
}

/// The exact type of a table for import matching: its element type's canonical code, followed by
/// `/64` for a 64-bit table (a 32-bit table never matches a 64-bit import, nor the reverse).
pub fn table_type_code(types: &[RawType], t: &wasmparser::TableType) -> String {
    let mut code = canonical_valtype_code(types, t.element_type.into());
    if t.table64 {
        code.push_str("/64");
    }
    code
}

fn canonical_valtype(types: &[RawType], t: wasmparser::ValType, stack: &mut Vec<u32>, out: &mut String) {
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
        H::Concrete(idx) | H::Exact(idx) => match idx.as_module_index().and_then(|i| Some((i, types.get(i as usize)?)))
        {
            // The runtime replaces `tN;` with the canonical id of the instance's type N (`#ID;`).
            Some((i, RawType::Struct | RawType::Array)) => {
                out.push(case('c'));
                out.push_str(&format!("t{i};"));
            }
            Some((i, RawType::Func(_))) => {
                out.push(case('c'));
                out.push('[');
                if stack.contains(&i) {
                    let depth = stack.len() - 1 - stack.iter().rposition(|&s| s == i).expect("on stack");
                    out.push_str(&format!("^{depth}"));
                } else {
                    canonical_into(types, i, stack, out);
                }
                out.push(']');
            }
            None => out.push('?'),
        },
        // Other heap types are rejected before code generation.
        _ => out.push('?'),
    }
}
