//! The one list of trap kinds: the `traps!` table below. Everything else is made from it:
//!
//! - the `Trap` enum, `Trap::ALL`, `code`, `message`, `c_name`, `from_code` (Rust);
//! - the `w2n_trap_code` enum of `runtime-lib/include/w2n_runtime.h` (`c_header_section`) and the
//!   body of `w2n_trap_message` in `runtime-lib/src/trap.c` (`c_message_section`), both checked in
//!   between `BEGIN GENERATED` / `END GENERATED` markers. `compiler/tests/runtime_decls.rs` fails
//!   when a checked-in copy differs from what this table generates; `W2N_BLESS=1` on that test
//!   rewrites them.
//!
//! The codes are stable (generated code, the C runtime and embedders' bindings all carry them): add a
//! trap with a new code, never renumber one.

macro_rules! traps {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $c_name:ident, $message:literal, $note:literal; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        pub enum Trap {
            $( $(#[$doc])* $variant = $code, )*
        }

        impl Trap {
            /// Every trap kind, in code order.
            pub const ALL: &'static [Trap] = &[$( Trap::$variant, )*];

            /// The spec testsuite's words for the trap (a host trap's own message replaces
            /// `"host trap"`).
            pub fn message(self) -> &'static str {
                match self {
                    $( Trap::$variant => $message, )*
                }
            }

            /// The C enumerator, `W2N_TRAP_*`.
            pub fn c_name(self) -> &'static str {
                match self {
                    $( Trap::$variant => stringify!($c_name), )*
                }
            }

            /// What the C header's comment says beyond the message ("" if nothing).
            fn note(self) -> &'static str {
                match self {
                    $( Trap::$variant => $note, )*
                }
            }

            /// The trap of a `W2N_TRAP_*` code; `None` for `W2N_TRAP_NONE` and unknown codes.
            pub fn from_code(code: u32) -> Option<Trap> {
                match code {
                    $( $code => Some(Trap::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

traps! {
    Unreachable = 1, W2N_TRAP_UNREACHABLE, "unreachable", "";
    IntegerDivideByZero = 2, W2N_TRAP_INT_DIV_BY_ZERO, "integer divide by zero", "";
    IntegerOverflow = 3, W2N_TRAP_INT_OVERFLOW, "integer overflow", "";
    BadConversionToInteger = 4, W2N_TRAP_BAD_CONVERSION, "invalid conversion to integer", "";
    MemoryOutOfBounds = 5, W2N_TRAP_MEMORY_OOB, "out of bounds memory access", "";
    TableOutOfBounds = 6, W2N_TRAP_TABLE_OOB, "out of bounds table access", "";
    UndefinedElement = 7, W2N_TRAP_UNDEFINED_ELEMENT, "undefined element", "call_indirect index past the table";
    UninitializedElement = 8, W2N_TRAP_UNINITIALIZED_ELEMENT, "uninitialized element", "call_indirect through null";
    IndirectCallTypeMismatch = 9, W2N_TRAP_INDIRECT_CALL_TYPE, "indirect call type mismatch", "";
    StackExhausted = 10, W2N_TRAP_STACK_EXHAUSTED, "call stack exhausted", "";
    NullReference = 11, W2N_TRAP_NULL_REFERENCE, "null reference", "";
    /// A host function failed (`w2n_trap_host`); the host's message replaces this one's.
    Host = 12, W2N_TRAP_HOST, "host trap", "a host function failed; its message replaces this one";
    NullFunctionReference = 13, W2N_TRAP_NULL_FUNC_REF, "null function reference", "call_ref through null";
    UncaughtException = 14, W2N_TRAP_UNCAUGHT_EXCEPTION, "uncaught exception", "a Wasm exception left the activation";
    NullExceptionReference = 15, W2N_TRAP_NULL_EXN_REF, "null exception reference", "throw_ref of null";
    UnalignedAtomic = 16, W2N_TRAP_UNALIGNED_ATOMIC, "unaligned atomic", "";
    ExpectedSharedMemory = 17, W2N_TRAP_EXPECTED_SHARED, "expected shared memory", "memory.atomic.wait on unshared memory";
    /// The store was interrupted (`w2n_store_interrupt`, a deadline): wasmtime's word.
    Interrupt = 18, W2N_TRAP_INTERRUPT, "interrupt", "w2n_store_interrupt or the store's deadline stopped the guest";
    /// The store's fuel ran out (modules compiled with `--fuel`): wasmtime's message.
    OutOfFuel = 19, W2N_TRAP_OUT_OF_FUEL, "all fuel consumed by WebAssembly", "the store's fuel budget ran out";
    /// `memory.grow` failed in a store with `W2N_LIMITS_TRAP_ON_GROW_FAILURE` (`-W trap-on-grow-failure`).
    /// Codes 18 and 19 are left to the interruption traps being added beside these.
    MemoryGrowFailed = 20, W2N_TRAP_MEMORY_GROW_FAILED, "memory.grow failed", "trap-on-grow-failure: past a store limit or the maximum";
    /// `table.grow` failed in a store with `W2N_LIMITS_TRAP_ON_GROW_FAILURE`.
    TableGrowFailed = 21, W2N_TRAP_TABLE_GROW_FAILED, "table.grow failed", "trap-on-grow-failure: past a store limit or the maximum";
    NullStructReference = 22, W2N_TRAP_NULL_STRUCT_REF, "null structure reference", "";
    NullArrayReference = 23, W2N_TRAP_NULL_ARRAY_REF, "null array reference", "";
    NullI31Reference = 24, W2N_TRAP_NULL_I31_REF, "null i31 reference", "";
    ArrayOutOfBounds = 25, W2N_TRAP_ARRAY_OOB, "out of bounds array access", "";
    CastFailure = 26, W2N_TRAP_CAST_FAILURE, "cast failure", "ref.cast to a type the value does not have";
    /// An allocation would pass the store's `max_gc_heap`, or memory ran out: wasmtime's words.
    GcOutOfMemory = 27, W2N_TRAP_GC_OOM, "GC heap out of memory", "past the store's max-gc-heap, or no memory left";
    /// One GC object over 4 GiB (an array's length times its element size): wasmtime's words.
    AllocationTooLarge = 28, W2N_TRAP_ALLOC_TOO_LARGE, "allocation size too large", "one GC object over 4 GiB";
}

/// `W2N_TRAP_NONE`'s message, and `w2n_trap_message`'s for a code no trap has.
const NO_TRAP: &str = "no trap";
const UNKNOWN_TRAP: &str = "unknown trap";

impl Trap {
    pub fn code(self) -> u32 {
        self as u32
    }
}

/// What the user sees of a trap, on stderr: `wasm trap: <message>`, then one `    at <function>`
/// line per Wasm frame, innermost first. `run` prints it; executables print the same lines from C
/// (`w2n__print_trap` in `runtime-lib/src/trap.c`).
pub fn report(message: &str, frames: &[String]) -> String {
    let mut text = format!("wasm trap: {message}\n");
    for f in frames {
        text.push_str(&format!("    at {f}\n"));
    }
    text
}

/// Markers around the generated parts of the C files.
pub const BEGIN_GENERATED: &str = "/* BEGIN GENERATED from compiler/src/trap.rs (traps!): do not edit by hand */";
pub const END_GENERATED: &str = "/* END GENERATED */";

/// The `w2n_trap_code` enum of `w2n_runtime.h`, between the markers (excluded).
pub fn c_header_section() -> String {
    let mut lines = vec![(format!("{} = 0,", "W2N_TRAP_NONE"), String::new())];
    for &t in Trap::ALL {
        let comment = match t.note() {
            "" => format!("/* \"{}\" */", t.message()),
            note => format!("/* \"{}\": {note} */", t.message()),
        };
        lines.push((format!("{} = {},", t.c_name(), t.code()), comment));
    }
    let width = lines.iter().map(|(d, _)| d.len()).max().unwrap_or(0);
    let mut text = String::from("typedef enum w2n_trap_code {\n");
    for (decl, comment) in lines {
        if comment.is_empty() {
            text.push_str(&format!("  {decl}\n"));
        } else {
            text.push_str(&format!("  {decl:width$} {comment}\n"));
        }
    }
    text.push_str("  W2N_TRAP_COUNT\n} w2n_trap_code;\n");
    text
}

/// `w2n_trap_message` of `trap.c`, between the markers (excluded).
pub fn c_message_section() -> String {
    let mut text = String::from("const char *w2n_trap_message(uint32_t code) {\n  switch (code) {\n");
    text.push_str(&format!("  case W2N_TRAP_NONE: return \"{NO_TRAP}\";\n"));
    for &t in Trap::ALL {
        text.push_str(&format!("  case {}: return \"{}\";\n", t.c_name(), t.message()));
    }
    text.push_str(&format!("  default: return \"{UNKNOWN_TRAP}\";\n  }}\n}}\n"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_ascending_and_round_trip() {
        assert!(Trap::ALL.windows(2).all(|w| w[0].code() < w[1].code()));
        for &t in Trap::ALL {
            assert_eq!(Trap::from_code(t.code()), Some(t));
            assert!(t.c_name().starts_with("W2N_TRAP_"));
        }
        assert_eq!(Trap::from_code(0), None);
    }

    #[test]
    fn report_lines() {
        let frames = vec!["f".to_string(), "g".to_string()];
        assert_eq!(report("unreachable", &frames), "wasm trap: unreachable\n    at f\n    at g\n");
        assert_eq!(report("unreachable", &[]), "wasm trap: unreachable\n");
    }
}
