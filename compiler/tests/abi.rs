//! The runtime ABI has one definition on each side of the language boundary: `w2n_runtime.h` (C) and
//! `compiler/src/abi.rs` + the `#[repr(C)]` mirrors in `host.rs` (Rust). This test compiles a C
//! program against the header that prints every offset and size the compiler relies on, and fails
//! when the two disagree.

use std::path::Path;
use std::process::Command;
use wasm2native::abi;

const PROBE: &str = r#"
#include <stddef.h>
#include <stdio.h>
#include "w2n_runtime.h"
#define P(name, value) printf("%s %zu\n", name, (size_t)(value))
int main(void) {
  P("CTX_STORE", offsetof(w2n_context_header, store));
  P("CONTEXT_HEADER_SIZE", sizeof(w2n_context_header));
  P("STORE_STACK_LIMIT", offsetof(struct w2n_store, stack_limit));
  P("MEMORY_BASE", offsetof(w2n_memory, base));
  P("MEMORY_SIZE", offsetof(w2n_memory, size));
  P("SIZEOF_MEMORY", sizeof(w2n_memory));
  P("TABLE_ELEMS", offsetof(w2n_table, elems));
  P("TABLE_SIZE", offsetof(w2n_table, size));
  P("SIZEOF_TABLE", sizeof(w2n_table));
  P("FUNC_CODE", offsetof(w2n_func, code));
  P("FUNC_CTX", offsetof(w2n_func, ctx));
  P("FUNC_TYPE_ID", offsetof(w2n_func, type_id));
  P("SIZEOF_FUNC", sizeof(w2n_func));
  P("SIZEOF_VALUE", sizeof(w2n_value));
  P("SIZEOF_IMPORT_DESC", sizeof(w2n_import_desc));
  P("SIZEOF_EXPORT_DESC", sizeof(w2n_export_desc));
  P("SIZEOF_LIMITS_DESC", sizeof(w2n_limits_desc));
  P("SIZEOF_GLOBAL_DESC", sizeof(w2n_global_desc));
  P("SIZEOF_MODULE", sizeof(w2n_module));
  P("MODULE_LAYOUT_OFFSET", offsetof(w2n_module, layout));
  P("ABI_VERSION", W2N_ABI_VERSION);
  P("EXTERN_FUNC", W2N_EXTERN_FUNC);
  P("EXTERN_TABLE", W2N_EXTERN_TABLE);
  P("EXTERN_MEMORY", W2N_EXTERN_MEMORY);
  P("EXTERN_GLOBAL", W2N_EXTERN_GLOBAL);
  P("MEM_64", W2N_MEM_64);
  P("MEM_SHARED", W2N_MEM_SHARED);
  P("MEM32_MAX_PAGES", W2N_MEM32_MAX_PAGES);
  P("sizeof_w2n_error", sizeof(w2n_error));
  P("sizeof_w2n_extern", sizeof(w2n_extern));
  P("sizeof_w2n_wasi_config", sizeof(w2n_wasi_config));
  P("sizeof_w2n_wasi_dir", sizeof(w2n_wasi_dir));
  P("sizeof_w2n_layout", sizeof(w2n_layout));
  P("SIZEOF_TAG", sizeof(w2n_tag));
  P("EXCEPTION_TAG", offsetof(w2n_exception, tag));
  P("EXCEPTION_VALUES", offsetof(w2n_exception, values));
  P("HANDLER_EXN", offsetof(w2n_handler, exn));
  P("HANDLER_JMP", offsetof(w2n_handler, jmp));
  P("SIZEOF_HANDLER", sizeof(w2n_handler));
  for (unsigned t = 1; t < W2N_TRAP_COUNT; t++) printf("trap%u %s\n", t, w2n_trap_message(t));
  return 0;
}
"#;

#[test]
fn abi_layout_matches_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("probe.c");
    std::fs::write(&src, PROBE).unwrap();
    let exe = dir.path().join("probe");
    let mut cmd = Command::new("clang-19");
    cmd.args(["-std=c11", "-D_GNU_SOURCE", "-O1"])
        .arg(format!("-I{}", root.join("runtime-lib/include").display()))
        .arg(format!("-I{}", root.join("runtime-lib/src").display()))
        .arg(&src);
    for entry in std::fs::read_dir(root.join("runtime-lib/src")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "c") && !p.ends_with("main.c") {
            cmd.arg(p);
        }
    }
    let out = cmd
        .arg("-o")
        .arg(&exe)
        .arg("-lm")
        .arg("-lpthread")
        .output()
        .expect("clang-19 not found: run `cargo xtask setup`");
    assert!(out.status.success(), "probe build failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(&exe).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let c: std::collections::HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once(' ')).collect();
    let num = |k: &str| -> u64 { c.get(k).unwrap_or_else(|| panic!("probe did not print {k}")).parse().unwrap() };

    let rust: &[(&str, u64)] = &[
        ("CTX_STORE", abi::CTX_STORE as u64),
        ("CONTEXT_HEADER_SIZE", abi::CONTEXT_HEADER_SIZE as u64),
        ("STORE_STACK_LIMIT", abi::STORE_STACK_LIMIT as u64),
        ("MEMORY_BASE", abi::MEMORY_BASE as u64),
        ("MEMORY_SIZE", abi::MEMORY_SIZE as u64),
        ("SIZEOF_MEMORY", abi::SIZEOF_MEMORY as u64),
        ("TABLE_ELEMS", abi::TABLE_ELEMS as u64),
        ("TABLE_SIZE", abi::TABLE_SIZE as u64),
        ("SIZEOF_TABLE", abi::SIZEOF_TABLE as u64),
        ("FUNC_CODE", abi::FUNC_CODE as u64),
        ("FUNC_CTX", abi::FUNC_CTX as u64),
        ("FUNC_TYPE_ID", abi::FUNC_TYPE_ID as u64),
        ("SIZEOF_FUNC", abi::SIZEOF_FUNC as u64),
        ("SIZEOF_VALUE", abi::SIZEOF_VALUE as u64),
        ("SIZEOF_IMPORT_DESC", abi::SIZEOF_IMPORT_DESC as u64),
        ("SIZEOF_EXPORT_DESC", abi::SIZEOF_EXPORT_DESC as u64),
        ("SIZEOF_LIMITS_DESC", abi::SIZEOF_LIMITS_DESC as u64),
        ("SIZEOF_GLOBAL_DESC", abi::SIZEOF_GLOBAL_DESC as u64),
        ("SIZEOF_MODULE", abi::SIZEOF_MODULE as u64),
        ("MODULE_LAYOUT_OFFSET", abi::MODULE_LAYOUT_OFFSET as u64),
        ("ABI_VERSION", abi::ABI_VERSION as u64),
        ("EXTERN_FUNC", abi::EXTERN_FUNC as u64),
        ("EXTERN_TABLE", abi::EXTERN_TABLE as u64),
        ("EXTERN_MEMORY", abi::EXTERN_MEMORY as u64),
        ("EXTERN_GLOBAL", abi::EXTERN_GLOBAL as u64),
        ("MEM_64", abi::MEM_64 as u64),
        ("MEM_SHARED", abi::MEM_SHARED as u64),
        ("MEM32_MAX_PAGES", abi::MEM32_MAX_PAGES),
        ("sizeof_w2n_error", std::mem::size_of::<wasm2native::host::Error>() as u64),
        ("sizeof_w2n_extern", std::mem::size_of::<wasm2native::host::Extern>() as u64),
        ("sizeof_w2n_wasi_config", std::mem::size_of::<wasm2native::host::WasiConfig>() as u64),
        ("sizeof_w2n_wasi_dir", std::mem::size_of::<wasm2native::host::WasiDir>() as u64),
        ("sizeof_w2n_layout", 16 * 4),
        ("SIZEOF_TAG", abi::SIZEOF_TAG as u64),
        ("EXCEPTION_TAG", abi::EXCEPTION_TAG as u64),
        ("EXCEPTION_VALUES", abi::EXCEPTION_VALUES as u64),
        ("HANDLER_EXN", abi::HANDLER_EXN as u64),
        ("HANDLER_JMP", abi::HANDLER_JMP as u64),
        ("SIZEOF_HANDLER", abi::SIZEOF_HANDLER as u64),
    ];
    let mismatches: Vec<String> = rust
        .iter()
        .filter(|(k, v)| num(k) != *v)
        .map(|(k, v)| format!("{k}: C says {}, Rust says {v}", num(k)))
        .collect();
    assert!(mismatches.is_empty(), "ABI mismatch between w2n_runtime.h and abi.rs:\n{}", mismatches.join("\n"));

    for trap in wasm2native::trap::Trap::ALL {
        let key = format!("trap{}", trap.code());
        let msg = text.lines().find_map(|l| l.strip_prefix(&format!("{key} "))).unwrap_or("");
        assert_eq!(msg, trap.message(), "trap {} message differs between trap.rs and the runtime", trap.code());
    }
}

/// The descriptor's LLVM layout must match the C struct: the offsets used by the runtime come from
/// the module the compiler emits, so check one compiled module's `w2n_layout` against ContextLayout.
#[test]
fn layout_regions_are_ordered_and_aligned() {
    let wat = r#"(module (memory 1) (table 3 funcref) (global (mut i32) (i32.const 1))
        (func $f) (elem (i32.const 0) $f $f) (data (i32.const 0) "hi") (export "f" (func $f)))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let info = wasm2native::module::ModuleInfo::parse(&wasm).unwrap();
    let l = abi::ContextLayout::of(&info);
    let starts = [
        l.memories,
        l.tables,
        l.globals,
        l.funcs,
        l.type_ids,
        l.data_lens,
        l.elem_lens,
        l.elem_items,
        l.def_funcs,
        l.def_memories,
        l.def_tables,
        l.def_globals,
        l.tags,
        l.def_tags,
        l.size,
    ];
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "regions out of order: {l:?}");
    assert!(l.memories >= abi::CONTEXT_HEADER_SIZE);
    for off in [l.def_funcs, l.def_memories, l.def_tables, l.def_globals, l.size] {
        assert_eq!(off % 16, 0, "16-byte aligned region expected: {l:?}");
    }
    assert_eq!(l.elem_item_offsets, vec![0]);
}
