//! What translation (`translate/`) and code generation (`codegen/`) share, below both: the LLVM
//! module under construction (`Unit`), the runtime functions generated code calls (`RuntimeFn`),
//! the tags that number linear-memory loads, and IR for the runtime's records and cells. Neither
//! `translate` nor this module imports `codegen`.

pub mod cells;
pub mod load_tags;
pub mod loop_marks;
pub mod runtime_fns;
pub mod unit;
