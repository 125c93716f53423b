//! wasm2native: an ahead-of-time WebAssembly to native compiler through LLVM.
//!
//! The pipeline: [`module::ModuleInfo::parse`] validates and reads a module; [`codegen::compile_units`]
//! translates its functions in parallel partitions to native objects; [`link`] turns objects plus the
//! C runtime ([`runtime`]) into executables and libraries with the LLVM tools ([`tools`]). [`driver::compile`] runs it all from [`CompileOptions`].
//! [`Build`] does it from a Cargo build script and generates Rust bindings ([`build::bindings`]).
//! See ARCHITECTURE.md for the map and the invariants.

pub mod abi;
pub mod build;
pub mod cache;
pub mod codegen;
pub mod driver;
pub mod error;
pub mod ffi;
pub mod gc_types;
pub mod host;
pub mod ir;
pub mod legacy_syntax;
pub mod link;
pub mod module;
pub mod runtime;
pub mod target;
pub mod tools;
pub mod translate;
pub mod trap;
pub mod wast;

pub use build::Build;
pub use driver::{compile, compile_wasm, CompileOptions, Emit};
pub use error::{CompileError, Result};
pub use target::TargetSpec;

/// How out-of-bounds memory accesses are caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoundsChecks {
    /// Guard-page reservations: no per-access check; the fault becomes a trap.
    Guard,
    /// An explicit compare and branch before every access.
    Explicit,
}

/// Optimisation level, as `-O`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptLevel {
    O0,
    O1,
    O2,
    O3,
    Os,
}

impl std::str::FromStr for OptLevel {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "0" => OptLevel::O0,
            "1" => OptLevel::O1,
            "2" => OptLevel::O2,
            "3" => OptLevel::O3,
            "s" => OptLevel::Os,
            other => return Err(format!("unknown optimisation level `{other}` (expected 0, 1, 2, 3 or s)")),
        })
    }
}

/// The checks that let a host stop a guest it does not trust, compiled in only when asked for
/// (`compile --interruptible`, `--fuel`): a default compile has neither and pays nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct GuestControl {
    /// Loop headers read the store's `interrupt` word (function entries always notice an interrupt
    /// through the stack limit), so `w2n_store_interrupt` and deadlines stop any loop.
    pub interruptible: bool,
    /// Every Wasm block charges its instruction count to the store's fuel (`translate/fuel.rs`).
    pub fuel: bool,
}

/// Everything that shapes the generated code. Deliberately excludes the number of threads: the
/// output bytes depend on the module and these options only.
#[derive(Clone, Debug)]
pub struct CodegenOptions {
    pub target: TargetSpec,
    pub opt_level: OptLevel,
    pub bounds_checks: BoundsChecks,
    /// Prefix of every symbol of this module (a C identifier).
    pub prefix: String,
    /// Interruption and fuel checks.
    pub control: GuestControl,
}
