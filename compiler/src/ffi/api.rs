// The runtime's embedding API structs (`w2n_runtime.h`): what `compiler/src/host.rs` and generated
// Rust bindings (`build/bindings.rs`, which include this text verbatim) pass to and get from the
// runtime. Declared with `w2n_mirror!` (`mirror.rs`); `compiler/tests/abi.rs` checks every field.

use std::ffi::{c_char, c_int, c_void};

w2n_mirror! {
    pub const API_MIRRORS;

    /// One 16-byte slot: globals' cells and array-call arguments and results.
    #[derive(Clone, Copy)]
    pub union Value = "w2n_value" {
        pub i32: i32,
        pub i64: i64,
        pub f32: f32,
        pub f64: f64,
        pub r#ref: *mut c_void => "ref",
        pub v128: [u8; 16],
    }

    /// A function reference (`funcref` values point at one).
    pub struct Func = "w2n_func" {
        pub code: *const c_void,
        pub ctx: *mut c_void,
        pub type_id: u32,
        pub func_index: u32,
        pub array_call: *const c_void,
    }

    /// An exception tag: its identity is its address.
    pub struct Tag = "w2n_tag" {
        pub type_id: u32,
        pub _pad: u32,
    }

    /// A linear memory.
    pub struct Memory = "w2n_memory" {
        pub base: *mut u8,
        pub size: u64,
        pub max_pages: u64,
        pub reserved: u64,
        pub flags: u32,
        /// Runtime-private limit flags (`W2N__NO_DECLARED_MAX`).
        pub limit_flags: u32,
    }

    /// A table.
    pub struct Table = "w2n_table" {
        pub elems: *mut *mut c_void,
        pub size: u64,
        pub max: u64,
        pub capacity: u64,
        pub elem_type: u32,
        /// Runtime-private limit flags (`W2N__NO_DECLARED_MAX`).
        pub limit_flags: u32,
        pub elem_valtype: *const c_char,
    }

    /// The `global` member of `w2n_extern.of`.
    #[derive(Clone, Copy)]
    pub struct ExternGlobal = "w2n_extern.of.global" {
        pub cell: *mut Value,
        pub ty: u32 => "type",
        pub mutable: u32 => "mutable_",
        pub valtype: *const c_char,
    }

    /// `w2n_extern.of`.
    #[derive(Clone, Copy)]
    pub union ExternOf = "w2n_extern.of" {
        pub func: *mut Func,
        pub table: *mut Table,
        pub memory: *mut Memory,
        pub tag: *mut Tag,
        pub global: ExternGlobal,
    }

    /// An external value: what an import is bound to and what an export yields.
    pub struct Extern = "w2n_extern" {
        pub kind: u32,
        pub _pad: u32,
        pub of: ExternOf,
    }

    /// Trap or error details returned by the entry points.
    pub struct Error = "w2n_error" {
        pub trap: u32,
        pub message: [c_char; 512],
        pub num_frames: u32,
        pub frames: [*const c_char; 32],
    }

    /// One import of a module descriptor, as a resolver sees it.
    pub struct ImportDesc = "w2n_import_desc" {
        pub module: *const c_char,
        pub name: *const c_char,
        pub kind: u32,
        pub index: u32,
        pub ty: u32 => "type",
        pub mutable: u32 => "mutable_",
        pub min: u64,
        pub max: u64,
        pub valtype: *const c_char,
    }

    /// What a store's guests may hold (`w2n_store_set_limits`); `u64::MAX` (`W2N_NO_LIMIT`): none.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct StoreLimits = "w2n_store_limits" {
        /// Bytes any one linear memory may hold.
        pub max_memory_size: u64,
        /// Elements any one table may hold.
        pub max_table_elements: u64,
        /// Instances the store holds at once.
        pub max_instances: u64,
        /// Memories, tables the store's instances define.
        pub max_memories: u64,
        pub max_tables: u64,
        /// Bytes of GC objects (structs, arrays, exceptions) the store may hold at once.
        pub max_gc_heap: u64,
        /// `W2N_LIMITS_*` (`StoreLimits::TRAP_ON_GROW_FAILURE`).
        pub flags: u32,
        pub _pad: u32,
    }

    /// A preopened directory of the WASI configuration.
    pub struct WasiDir = "w2n_wasi_dir" {
        pub host_path: *const c_char,
        pub guest_path: *const c_char,
        pub read_only: c_int,
    }

    /// What a store's WASI instances get.
    pub struct WasiConfig = "w2n_wasi_config" {
        pub argc: c_int,
        pub argv: *const *const c_char,
        pub envc: c_int,
        pub env: *const *const c_char,
        pub num_dirs: c_int,
        pub dirs: *const WasiDir,
        pub inherit_stdio: c_int,
    }
}

impl StoreLimits {
    /// `W2N_NO_LIMIT`.
    pub const NO_LIMIT: u64 = u64::MAX;
    /// `W2N_LIMITS_TRAP_ON_GROW_FAILURE`: a failed `memory.grow`/`table.grow` traps instead of
    /// returning -1.
    pub const TRAP_ON_GROW_FAILURE: u32 = 1;
    /// `W2N_STORE_LIMITS_NONE`: no limit on anything; grow failures return -1.
    pub const NONE: StoreLimits = StoreLimits {
        max_memory_size: u64::MAX,
        max_table_elements: u64::MAX,
        max_instances: u64::MAX,
        max_memories: u64::MAX,
        max_tables: u64::MAX,
        max_gc_heap: u64::MAX,
        flags: 0,
        _pad: 0,
    };
}

impl Default for StoreLimits {
    /// No limits (`StoreLimits::NONE`).
    fn default() -> Self {
        StoreLimits::NONE
    }
}
