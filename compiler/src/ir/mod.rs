//! What translation (`translate/`) and code generation (`codegen/`) share, below both: the LLVM
//! module under construction (`Unit`), the runtime functions generated code calls (`RuntimeFn`),
//! the tags that number linear-memory loads, and IR for the runtime's records and cells. Neither
//! `translate` nor this module imports `codegen`.

pub mod cells;
pub mod gc_objects;
pub mod load_tags;
pub mod loop_marks;
pub mod runtime_fns;
pub mod unit;

/// The id of the metadata kind `name` in the context `ctx`, for code that works on raw LLVM values.
pub(crate) fn metadata_kind(ctx: inkwell::llvm_sys::prelude::LLVMContextRef, name: &str) -> u32 {
    // SAFETY: the context is live and the name's bytes outlive the call.
    unsafe { inkwell::llvm_sys::core::LLVMGetMDKindIDInContext(ctx, name.as_ptr().cast(), name.len() as u32) }
}
