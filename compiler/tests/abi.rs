//! The runtime ABI has one definition on each side of the language boundary: `w2n_runtime.h` (C) and
//! the `#[repr(C)]` mirrors (Rust: `compiler/src/ffi/api.rs`, shared with host code and generated
//! bindings, and `compiler/src/abi.rs`), each declared once with `w2n_mirror!`, which records every
//! field's C name, offset and size. These tests compile C programs against the header and fail when
//! the two disagree on any field of any mirrored struct, on a constant, or on a trap message.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use wasm2native::abi;
use wasm2native::ffi::{Mirror, API_MIRRORS};

/// Every mirrored C type.
fn mirrors() -> Vec<Mirror> {
    [API_MIRRORS, abi::ABI_MIRRORS, abi::LAYOUT_MIRROR].concat()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Compiles `source` (C) with the runtime (`with_runtime`) or alone, runs it, returns its stdout.
fn run_c(source: &str, with_runtime: bool) -> String {
    let root = root();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("probe.c");
    std::fs::write(&src, source).unwrap();
    let exe = dir.path().join("probe");
    let mut cmd = Command::new("clang-19");
    cmd.args(["-std=c11", "-D_GNU_SOURCE", "-O1"])
        .arg(format!("-I{}", root.join("runtime-lib/include").display()))
        .arg(format!("-I{}", root.join("runtime-lib/src").display()))
        .arg(&src);
    if with_runtime {
        for entry in std::fs::read_dir(root.join("runtime-lib/src")).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "c") && !p.ends_with("main.c") {
                cmd.arg(p);
            }
        }
        cmd.args(["-lm", "-lpthread"]);
    }
    let out = cmd.arg("-o").arg(&exe).output().expect("clang-19 not found: run `cargo xtask setup`");
    assert!(out.status.success(), "probe build failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(&exe).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// C expressions for a mirror named `T` or `T.path` (a member without a type name of its own):
/// (the type to apply `offsetof` to, the member path prefix, an lvalue of the mirrored type).
fn c_access(c_name: &str) -> (String, String, String) {
    match c_name.split_once('.') {
        None => (c_name.to_string(), String::new(), format!("(*({c_name} *)0)")),
        Some((ty, path)) => (ty.to_string(), format!("{path}."), format!("(((({ty} *)0))->{path})")),
    }
}

/// A C program printing, for every field of every mirror, `F <c type>.<field> <offset> <size>`, and
/// for every mirror `S <c type> <size> <align>`.
fn field_probe(mirrors: &[Mirror]) -> String {
    let mut c = String::from("#include <stddef.h>\n#include <stdio.h>\n#include \"w2n_runtime.h\"\nint main(void) {\n");
    for m in mirrors {
        let (ty, prefix, lvalue) = c_access(m.c_name);
        let base = match prefix.strip_suffix('.') {
            Some(path) => format!("offsetof({ty}, {path})"),
            None => "0".to_string(),
        };
        c += &format!("  printf(\"S {} %zu %zu\\n\", sizeof({lvalue}), _Alignof(__typeof__({lvalue})));\n", m.c_name);
        for f in m.fields {
            // A flexible array member has no size in C; Rust's zero-length array stands for it.
            let size = if f.size == 0 { "(size_t)0".to_string() } else { format!("sizeof({lvalue}.{})", f.name) };
            c += &format!(
                "  printf(\"F {}.{} %zu %zu\\n\", (size_t)(offsetof({ty}, {prefix}{}) - {base}), {size});\n",
                m.c_name, f.name, f.name
            );
        }
    }
    c + "  return 0;\n}\n"
}

/// The top-level field names of every struct and union of the header, in order, as clang lays
/// them out (`-fdump-record-layouts-complete`): `struct w2n_memory` → [base, size, ...].
fn c_record_fields() -> HashMap<String, Vec<String>> {
    let root = root();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("records.c");
    std::fs::write(&src, "#include \"w2n_runtime.h\"\n").unwrap();
    let out = Command::new("clang-19")
        .args(["-std=c11", "-fsyntax-only", "-Xclang", "-fdump-record-layouts-complete"])
        .arg(format!("-I{}", root.join("runtime-lib/include").display()))
        .arg(&src)
        .output()
        .expect("clang-19 not found: run `cargo xtask setup`");
    assert!(out.status.success(), "record dump failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut records = HashMap::new();
    for dump in text.split("*** Dumping AST Record Layout").skip(1) {
        let mut lines = dump.lines().filter_map(|l| l.split_once(" | ").map(|(_, rest)| rest));
        let Some(name) = lines.next() else { continue };
        // Top-level fields are indented by two spaces; members of nested records by more.
        let fields = lines
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .filter_map(|l| l.split_whitespace().last().map(str::to_string))
            .collect();
        records.insert(name.trim().to_string(), fields);
    }
    records
}

/// Every field of every mirror sits at the same offset with the same size in C and Rust, every
/// mirror has C's size and alignment, and every named mirror lists exactly C's fields in C's order:
/// a field reordered, resized, added or removed on either side fails here.
#[test]
fn every_mirrored_field_matches_c() {
    let mirrors = mirrors();
    let text = run_c(&field_probe(&mirrors), false);
    // "S name size align" and "F name.field offset size", by "S name" / "F name.field".
    let c: HashMap<String, (usize, usize)> = text
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            Some((format!("{} {}", w.first()?, w.get(1)?), (w.get(2)?.parse().ok()?, w.get(3)?.parse().ok()?)))
        })
        .collect();
    let records = c_record_fields();
    let mut mismatches = Vec::new();
    for m in &mirrors {
        let (size, align) = c[&format!("S {}", m.c_name)];
        if (size, align) != (m.size, m.align) {
            mismatches.push(format!(
                "{}: C has size {size} align {align}, Rust has size {} align {}",
                m.c_name, m.size, m.align
            ));
        }
        for f in m.fields {
            let (offset, size) = c[&format!("F {}.{}", m.c_name, f.name)];
            if (offset, size) != (f.offset, f.size) {
                mismatches.push(format!(
                    "{}.{}: C has offset {offset} size {size}, Rust has offset {} size {}",
                    m.c_name, f.name, f.offset, f.size
                ));
            }
        }
        if !m.c_name.contains('.') {
            let c_fields = ["struct", "union"]
                .iter()
                .find_map(|kind| records.get(&format!("{kind} {}", m.c_name)))
                .unwrap_or_else(|| panic!("no record {} in w2n_runtime.h", m.c_name));
            let rust_fields: Vec<&str> = m.fields.iter().map(|f| f.name).collect();
            if *c_fields != rust_fields {
                let at = c_fields.iter().zip(&rust_fields).take_while(|(c, r)| c == r).count();
                let from = |fields: &[&str]| fields.iter().skip(at).take(3).copied().collect::<Vec<_>>().join(", ");
                let c_here: Vec<&str> = c_fields.iter().map(String::as_str).collect();
                mismatches.push(format!(
                    "{}: the field lists differ from field {at}: C has [{}, ...], Rust has [{}, ...]",
                    m.c_name,
                    from(&c_here),
                    from(&rust_fields)
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "w2n_runtime.h and the Rust mirrors disagree:\n{}", mismatches.join("\n"));
}

/// The constants and trap messages both sides define.
#[test]
fn constants_and_trap_messages_match_c() {
    let rust: &[(&str, u64)] = &[
        ("W2N_ABI_VERSION", abi::ABI_VERSION as u64),
        ("W2N_CONTEXT_HEADER_SIZE", abi::CONTEXT_HEADER_SIZE as u64),
        ("W2N_EXTERN_FUNC", abi::EXTERN_FUNC as u64),
        ("W2N_EXTERN_TABLE", abi::EXTERN_TABLE as u64),
        ("W2N_EXTERN_MEMORY", abi::EXTERN_MEMORY as u64),
        ("W2N_EXTERN_GLOBAL", abi::EXTERN_GLOBAL as u64),
        ("W2N_EXTERN_TAG", abi::EXTERN_TAG as u64),
        ("W2N_MEM_64", abi::MEM_64 as u64),
        ("W2N_MEM_SHARED", abi::MEM_SHARED as u64),
        ("W2N_MEM_PAGE1", abi::MEM_PAGE1 as u64),
        ("W2N_MEM32_MAX_PAGES", abi::MEM32_MAX_PAGES),
        ("W2N_EXE_NO_RUNTIME_GRANTS", abi::EXE_NO_RUNTIME_GRANTS as u64),
    ];
    let mut probe = String::from("#include <stdio.h>\n#include \"w2n_runtime.h\"\nint main(void) {\n");
    for (name, _) in rust {
        probe += &format!("  printf(\"{name} %llu\\n\", (unsigned long long)({name}));\n");
    }
    probe += "  for (unsigned t = 1; t < W2N_TRAP_COUNT; t++) printf(\"trap%u %s\\n\", t, w2n_trap_message(t));\n";
    probe += "  return 0;\n}\n";
    let text = run_c(&probe, true);
    let c: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once(' ')).collect();
    let mismatches: Vec<String> = rust
        .iter()
        .filter(|(k, v)| c[k].parse::<u64>().ok() != Some(*v))
        .map(|(k, v)| format!("{k}: C says {}, Rust says {v}", c[k]))
        .collect();
    assert!(mismatches.is_empty(), "ABI mismatch between w2n_runtime.h and abi.rs:\n{}", mismatches.join("\n"));

    for trap in wasm2native::trap::Trap::ALL {
        let key = format!("trap{}", trap.code());
        assert_eq!(c.get(key.as_str()).copied().unwrap_or(""), trap.message(), "trap {} message differs", trap.code());
    }
}

/// `ContextLayout::of` places every region of `abi::REGIONS` at its alignment, after the header,
/// without overlap, inside the context's size; checked on a module where every region is non-empty.
#[test]
fn context_regions_are_aligned_and_disjoint() {
    let wat = r#"(module (import "m" "t" (tag)) (tag) (memory 1) (table 3 funcref) (global (mut i32) (i32.const 1))
        (func $f) (elem (i32.const 0) $f $f) (elem func $f) (data (i32.const 0) "hi") (export "f" (func $f)))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let info = wasm2native::module::ModuleInfo::parse(&wasm).unwrap();
    let mut l = abi::ContextLayout::of(&info);
    assert_eq!(l.size % 16, 0, "{l:?}");
    let mut end = abi::CONTEXT_HEADER_SIZE;
    for r in abi::REGIONS {
        let bytes = (r.bytes)(&info);
        assert!(bytes > 0, "region {} is empty in the test module", r.name);
        let start = *(r.start)(&mut l.regions);
        assert_eq!(start % r.align, 0, "region {} misaligned: {l:?}", r.name);
        assert!(start >= end, "region {} overlaps the one before: {l:?}", r.name);
        end = start + bytes;
    }
    assert!(end <= l.size, "regions run past the context's size: {l:?}");
    assert_eq!(l.elem_item_offsets, vec![0, 16]);
}
