//! The one list of functions generated code calls outside itself: the `runtime_fns!` table below,
//! each with its symbol, LLVM signature and function attributes. `Unit::runtime_fn(RuntimeFn::X)`
//! declares it from here, so a misspelt entry point does not compile.
//!
//! The C side of each runtime entry point is its prototype in `runtime-lib/include/w2n_runtime.h`;
//! `compiler/tests/runtime_decls.rs` parses the header and fails when a prototype is missing or its
//! types (pointer → `Ptr`, `int32_t`/`uint32_t` → `I32`, `int64_t`/`uint64_t` → `I64`, `void`) or its
//! `_Noreturn` disagree with the table. Entries marked `libc` are not the runtime's and are not checked.

/// A type of a runtime entry point's signature, as LLVM sees it (signedness lives in the C header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtType {
    Void,
    I32,
    I64,
    Ptr,
}

/// An LLVM function attribute of a runtime entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtAttr {
    NoUnwind,
    NoReturn,
    Cold,
    ReturnsTwice,
}

impl RtAttr {
    /// LLVM's name for the attribute.
    pub fn llvm_name(self) -> &'static str {
        match self {
            RtAttr::NoUnwind => "nounwind",
            RtAttr::NoReturn => "noreturn",
            RtAttr::Cold => "cold",
            RtAttr::ReturnsTwice => "returns_twice",
        }
    }
}

/// Who defines a function generated code calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtOrigin {
    /// `runtime-lib`, declared in `w2n_runtime.h`.
    Runtime,
    /// The C library.
    Libc,
}

macro_rules! runtime_fns {
    ($( $(#[$doc:meta])* $variant:ident = $origin:ident $name:literal
        ($($param:ident),*) -> $result:ident [$($attr:ident),*]; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum RuntimeFn {
            $( $(#[$doc])* $variant, )*
        }

        impl RuntimeFn {
            pub const ALL: &'static [RuntimeFn] = &[$( RuntimeFn::$variant, )*];

            /// The symbol.
            pub const fn name(self) -> &'static str {
                match self {
                    $( RuntimeFn::$variant => $name, )*
                }
            }

            pub const fn origin(self) -> RtOrigin {
                match self {
                    $( RuntimeFn::$variant => RtOrigin::$origin, )*
                }
            }

            pub const fn params(self) -> &'static [RtType] {
                match self {
                    $( RuntimeFn::$variant => &[$( RtType::$param ),*], )*
                }
            }

            pub const fn result(self) -> RtType {
                match self {
                    $( RuntimeFn::$variant => RtType::$result, )*
                }
            }

            /// Function attributes, in the order they are added to the declaration.
            pub const fn attrs(self) -> &'static [RtAttr] {
                match self {
                    $( RuntimeFn::$variant => &[$( RtAttr::$attr ),*], )*
                }
            }
        }

        // A parameter cannot be void: refused at compile time.
        const _: () = {
            let mut i = 0;
            while i < RuntimeFn::ALL.len() {
                let params = RuntimeFn::ALL[i].params();
                let mut j = 0;
                while j < params.len() {
                    assert!(!matches!(params[j], RtType::Void), "a runtime function parameter cannot be void");
                    j += 1;
                }
                i += 1;
            }
        };
    };
}

// Every entry point is `nounwind`: traps and exceptions unwind with longjmp, never with the C++/DWARF
// unwinder. The first parameter of the runtime's entry points is the instance (`w2n_instance *ctx`).
runtime_fns! {
    /// `w2n_trap(ctx, code)`: raises trap `code` (`trap.rs`); never returns.
    Trap = Runtime "w2n_trap" (Ptr, I32) -> Void [NoUnwind, NoReturn, Cold];
    /// `memory.grow`: (ctx, memory, delta pages) → old size in pages, or -1.
    MemoryGrow = Runtime "w2n_memory_grow" (Ptr, I32, I64) -> I64 [NoUnwind];
    /// `memory.fill`: (ctx, memory, dst, value, len).
    MemoryFill = Runtime "w2n_memory_fill" (Ptr, I32, I64, I32, I64) -> Void [NoUnwind];
    /// `memory.copy`: (ctx, dst memory, src memory, dst, src, len).
    MemoryCopy = Runtime "w2n_memory_copy" (Ptr, I32, I32, I64, I64, I64) -> Void [NoUnwind];
    /// `memory.init`, and active data segments: (ctx, memory, segment, segment bytes, dst, src, len).
    MemoryInit = Runtime "w2n_memory_init" (Ptr, I32, I32, Ptr, I64, I64, I64) -> Void [NoUnwind];
    /// `table.grow`: (ctx, table, init, delta) → old size, or -1.
    TableGrow = Runtime "w2n_table_grow" (Ptr, I32, Ptr, I64) -> I64 [NoUnwind];
    /// `table.fill`, and tables' initial values: (ctx, table, dst, value, len).
    TableFill = Runtime "w2n_table_fill" (Ptr, I32, I64, Ptr, I64) -> Void [NoUnwind];
    /// `table.copy`: (ctx, dst table, src table, dst, src, len).
    TableCopy = Runtime "w2n_table_copy" (Ptr, I32, I32, I64, I64, I64) -> Void [NoUnwind];
    /// `table.init`, and active element segments: (ctx, table, segment, items offset, dst, src, len).
    TableInit = Runtime "w2n_table_init" (Ptr, I32, I32, I32, I64, I64, I64) -> Void [NoUnwind];
    /// `throw`'s exception: (ctx, tag, number of values) → exception.
    ExceptionNew = Runtime "w2n_exception_new" (Ptr, Ptr, I32) -> Ptr [NoUnwind];
    /// `throw` / `throw_ref`: (ctx, exception); never returns.
    Throw = Runtime "w2n_throw" (Ptr, Ptr) -> Void [NoUnwind, NoReturn, Cold];
    /// GC: allocation (zeroed, header set), conversions, function subtyping, segment reads.
    GcAllocStruct = Runtime "w2n_gc_alloc_struct" (Ptr, Ptr) -> Ptr [NoUnwind];
    GcAllocArray = Runtime "w2n_gc_alloc_array" (Ptr, Ptr, I32) -> Ptr [NoUnwind];
    GcExternToAny = Runtime "w2n_gc_extern_to_any" (Ptr, Ptr) -> Ptr [NoUnwind];
    GcAnyToExtern = Runtime "w2n_gc_any_to_extern" (Ptr, Ptr) -> Ptr [NoUnwind];
    FuncTypeMatches = Runtime "w2n_func_type_matches" (Ptr, Ptr) -> I32 [NoUnwind];
    ArrayNewData = Runtime "w2n_array_new_data" (Ptr, Ptr, I32, Ptr, I32, I32) -> Ptr [NoUnwind];
    ArrayNewElem = Runtime "w2n_array_new_elem" (Ptr, Ptr, I32, I32, I32, I32) -> Ptr [NoUnwind];
    ArrayInitData = Runtime "w2n_array_init_data" (Ptr, Ptr, I32, Ptr, I32, I32, I32) -> Void [NoUnwind];
    ArrayInitElem = Runtime "w2n_array_init_elem" (Ptr, Ptr, I32, I32, I32, I32, I32) -> Void [NoUnwind];
    /// libc's `_setjmp(jmp_buf)` (not the runtime's, so not in `w2n_runtime.h`): a `try_table`'s
    /// landing point, which `w2n_throw` longjmps to, on targets other than x86-64.
    Setjmp = Libc "_setjmp" (Ptr) -> I32 [NoUnwind, ReturnsTwice];
    /// The runtime's own landing point on x86-64 (`exception.c`): what `_setjmp` saves, without
    /// pointer mangling or the signal-mask call.
    RuntimeSetjmp = Runtime "w2n_setjmp" (Ptr) -> I32 [NoUnwind, ReturnsTwice];
    /// `memory.atomic.wait32/64`: (ctx, memory, addr, expected, timeout ns, is64) → 0, 1 or 2.
    AtomicWait = Runtime "w2n_atomic_wait" (Ptr, I32, I64, I64, I64, I32) -> I32 [NoUnwind];
    /// `memory.atomic.notify`: (ctx, memory, addr, count) → waiters woken.
    AtomicNotify = Runtime "w2n_atomic_notify" (Ptr, I32, I64, I32) -> I32 [NoUnwind];
}
