//! The one Rust copy of the runtime's C structs (`runtime-lib/include/w2n_runtime.h`).
//!
//! - `mirror.rs`: `w2n_mirror!`, which declares a `#[repr(C)]` mirror with its C name and the C
//!   name, offset and size of every field (`FIELDS`);
//! - `api.rs`: the embedding API's structs (values, functions, memories, tables, externs, errors,
//!   WASI configuration), used by `host.rs` and written verbatim into every generated Rust bindings
//!   file (`build/bindings.rs`: the crates that include bindings do not depend on wasm2native);
//! - the structs only the compiler needs (descriptors, the context header, exceptions) are in
//!   `abi.rs`, declared with the same macro.
//!
//! Both files are text shared with generated code, hence `include!` rather than modules.
//! `compiler/tests/abi.rs` checks every field of every mirror against C.

include!("mirror.rs");
pub(crate) use w2n_mirror;

include!("api.rs");

/// The text of the mirrors generated bindings carry: the macro, then the embedding API's structs.
pub const BINDINGS_TEXT: [&str; 2] = [include_str!("mirror.rs"), include_str!("api.rs")];
