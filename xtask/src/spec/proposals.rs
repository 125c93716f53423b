//! Which proposal (summary row) each spec file belongs to.

/// The summary rows, in order; rows for unknown `proposals/<dir>` directories are added after
/// these, before "other".
pub(super) const ROWS: &[&str] = &[
    "Wasm 2.0 core",
    "SIMD",
    "relaxed SIMD",
    "tail calls",
    "memory64",
    "multi-memory",
    "exceptions",
    "function references",
    "GC",
    "threads",
    "extended-const",
    "custom-page-sizes",
    "wide-arithmetic",
];
pub(super) const OTHER: &str = "other";

/// `proposals/<dir>` names (as in the WebAssembly proposal repositories) → row.
pub(super) const PROPOSAL_DIRS: &[(&str, &str)] = &[
    ("simd", "SIMD"),
    ("relaxed-simd", "relaxed SIMD"),
    ("tail-call", "tail calls"),
    ("memory64", "memory64"),
    ("multi-memory", "multi-memory"),
    ("exception-handling", "exceptions"),
    ("function-references", "function references"),
    ("gc", "GC"),
    ("threads", "threads"),
    ("extended-const", "extended-const"),
    ("custom-page-sizes", "custom-page-sizes"),
    ("wide-arithmetic", "wide-arithmetic"),
];

/// Top-level files of proposals that Wasm 3.0 merged into the core directory.
pub(super) const TAIL_CALL_FILES: &[&str] = &["return_call", "return_call_indirect"];
pub(super) const EXCEPTION_FILES: &[&str] = &["tag", "throw", "throw_ref", "try_table"];
pub(super) const FUNCREF_FILES: &[&str] = &[
    "br_on_non_null",
    "br_on_null",
    "call_ref",
    "local_init",
    "ref",
    "ref_as_non_null",
    "return_call_ref",
    "type-equivalence",
];
pub(super) const GC_FILES: &[&str] = &[
    "array",
    "array_copy",
    "array_fill",
    "array_init_data",
    "array_init_elem",
    "array_new_data",
    "array_new_elem",
    "binary-gc",
    "br_on_cast",
    "br_on_cast_fail",
    "extern",
    "i31",
    "ref_cast",
    "ref_eq",
    "ref_test",
    "struct",
    "type-canon",
    "type-rec",
    "type-subtyping",
];
/// Besides every `<name>64.wast` (except i64/f64).
pub(super) const MEMORY64_FILES: &[&str] = &["memory64-imports", "table_copy_mixed"];
/// Besides every `<name><digit>.wast` (address0, imports3, ...: the multi-memory variants).
pub(super) const MULTI_MEMORY_FILES: &[&str] = &["memory-multi", "memory_size_import"];
/// Wasm 3.0 text-format and script features that belong to none of the rows.
pub(super) const OTHER_FILES: &[&str] = &["annotations", "id", "instance"];

pub(super) const ASSIGNMENT_NOTE: &str = "\
How files are assigned: `proposals/<dir>/` files go to that proposal (directories with no row of
their own get one named after the directory). Wasm 3.0 merged several proposals into the top-level
directory, so top-level files are assigned by name: `simd_*` → SIMD; `*relaxed*` → relaxed SIMD;
`return_call`, `return_call_indirect` → tail calls; `*64` (not `i64`/`f64`), `memory64-imports`,
`table_copy_mixed` → memory64; `<name><digit>` (`address0`, `imports3`, ...), `memory-multi`,
`memory_size_import` → multi-memory; `tag`, `throw`, `throw_ref`, `try_table` → exceptions;
`call_ref`, `return_call_ref`, `br_on_null`, `br_on_non_null`, `ref_as_non_null`, `local_init`,
`ref`, `type-equivalence` → function references; `array*`, `struct`, `i31`, `ref_cast`, `ref_test`,
`ref_eq`, `br_on_cast*`, `extern`, `type-canon`, `type-rec`, `type-subtyping`, `binary-gc` → GC;
`annotations`, `id`, `instance` and everything under `legacy/` (legacy exceptions) and `custom/`
(custom annotations) → other. The remaining top-level files are the Wasm 2.0 core row (their
Wasm 3.0 versions: extended-const has no files of its own, its tests are in `global`, `data` and
`elem`).";

pub(super) fn proposal_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() >= 3 && parts[0] == "proposals" {
        let dir = parts[1];
        return PROPOSAL_DIRS
            .iter()
            .find(|(d, _)| *d == dir)
            .map(|(_, row)| row.to_string())
            .unwrap_or_else(|| dir.to_string());
    }
    if parts.len() != 1 {
        return OTHER.into();
    }
    let stem = path.strip_suffix(".wast").unwrap_or(path);
    let is = |list: &[&str]| list.contains(&stem);
    let row = if stem.starts_with("simd_") {
        "SIMD"
    } else if stem.contains("relaxed") {
        "relaxed SIMD"
    } else if is(TAIL_CALL_FILES) {
        "tail calls"
    } else if is(EXCEPTION_FILES) {
        "exceptions"
    } else if is(FUNCREF_FILES) {
        "function references"
    } else if is(GC_FILES) {
        "GC"
    } else if is(MEMORY64_FILES) || (stem.ends_with("64") && stem != "i64" && stem != "f64") {
        "memory64"
    } else if is(MULTI_MEMORY_FILES) || ends_in_one_digit(stem) {
        "multi-memory"
    } else if is(OTHER_FILES) {
        OTHER
    } else {
        "Wasm 2.0 core"
    };
    row.into()
}

/// `address0`, `imports3`: a single trailing digit (not `i32`, `f64`, ...).
pub(super) fn ends_in_one_digit(stem: &str) -> bool {
    let b = stem.as_bytes();
    b.len() >= 2 && b[b.len() - 1].is_ascii_digit() && !b[b.len() - 2].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals() {
        for (path, row) in [
            ("i32.wast", "Wasm 2.0 core"),
            ("f64.wast", "Wasm 2.0 core"),
            ("address.wast", "Wasm 2.0 core"),
            ("utf8-import-field.wast", "Wasm 2.0 core"),
            ("address0.wast", "multi-memory"),
            ("imports4.wast", "multi-memory"),
            ("address64.wast", "memory64"),
            ("binary_leb128_64.wast", "memory64"),
            ("simd_load64_lane.wast", "SIMD"),
            ("simd_memory-multi.wast", "SIMD"),
            ("relaxed_min_max.wast", "relaxed SIMD"),
            ("i8x16_relaxed_swizzle.wast", "relaxed SIMD"),
            ("return_call_ref.wast", "function references"),
            ("return_call.wast", "tail calls"),
            ("struct.wast", "GC"),
            ("try_table.wast", "exceptions"),
            ("legacy/throw.wast", "other"),
            ("custom/name_annot.wast", "other"),
            ("annotations.wast", "other"),
            ("proposals/threads/atomic.wast", "threads"),
            ("proposals/custom-descriptors/exact.wast", "custom-descriptors"),
            ("proposals/relaxed-simd/x.wast", "relaxed SIMD"),
        ] {
            assert_eq!(proposal_of(path), row, "{path}");
        }
    }
}
