//! The output bytes depend on the module and the options, never on the number of threads: a module
//! of 300 functions calling each other (large enough to span several partitions) compiled with
//! `--jobs 1` and `--jobs 2` gives identical objects, IR and executables.

mod common;

use common::*;
use std::fmt::Write;
use std::path::Path;

const FUNCS: usize = 300;

/// Function `i` mixes its arguments through ~40 arithmetic steps, then calls two others (only
/// while `depth` is positive, so running it terminates), some directly and some through a table.
fn generate_module() -> String {
    let mut w = String::from("(module\n  (type $sig (func (param i32 i32) (result i32)))\n");
    let _ = writeln!(w, "  (table {FUNCS} funcref)");
    w.push_str("  (memory (export \"memory\") 1)\n  (global $acc (mut i32) (i32.const 0))\n");
    w.push_str("  (elem (i32.const 0)");
    for i in 0..FUNCS {
        let _ = write!(w, " $f{i}");
    }
    w.push_str(")\n");
    for i in 0..FUNCS {
        let _ = writeln!(w, "  (func $f{i} (type $sig) (local $t i32) (local $u i64)");
        let _ = writeln!(w, "    (local.set $t (i32.add (local.get 0) (i32.const {i})))");
        for k in 0..40u32 {
            let c = (i as u32).wrapping_mul(2654435761).wrapping_add(k.wrapping_mul(40503)) | 1;
            match k % 4 {
                0 => {
                    let _ = writeln!(w, "    (local.set $t (i32.xor (i32.mul (local.get $t) (i32.const {c})) (i32.shr_u (local.get $t) (i32.const {}))))", k % 31 + 1);
                }
                1 => {
                    let _ = writeln!(w, "    (local.set $u (i64.add (i64.extend_i32_u (local.get $t)) (i64.rotl (local.get $u) (i64.const {}))))", k % 63);
                }
                2 => {
                    let _ = writeln!(w, "    (local.set $t (i32.add (local.get $t) (i32.wrap_i64 (i64.shr_u (local.get $u) (i64.const 17)))))");
                }
                _ => {
                    let _ = writeln!(
                        w,
                        "    (i32.store offset={} (i32.and (local.get $t) (i32.const 0x7ff0)) (local.get $t))",
                        (k * 4) % 64
                    );
                }
            }
        }
        let (a, b) = ((i + 1) % FUNCS, (i * 7 + 3) % FUNCS);
        let _ = writeln!(
            w,
            "    (if (result i32) (i32.gt_s (local.get 1) (i32.const 0))\n      (then (i32.add (call $f{a} (local.get $t) (i32.sub (local.get 1) (i32.const 1)))\n                     (call_indirect (type $sig) (local.get $t) (i32.sub (local.get 1) (i32.const 2)) (i32.const {b}))))\n      (else (local.get $t))))"
        );
    }
    w.push_str("  (func (export \"_start\") (global.set $acc (call $f0 (i32.const 1) (i32.const 12))))\n)\n");
    w
}

fn compile_bytes(module: &Path, out_dir: &Path, emit: &str, jobs: &str, cache: &Path) -> Vec<u8> {
    std::fs::create_dir_all(out_dir).unwrap();
    // Same file name in every directory: symbol prefixes derive from the output's name.
    let output = out_dir.join(match emit {
        "obj" => "m.o",
        "llvm-ir" => "m.ll",
        "asm" => "m.s",
        _ => "m",
    });
    let mut args: Vec<&str> = vec!["compile", module.to_str().unwrap(), "--emit", emit, "-o", output.to_str().unwrap()];
    if jobs != "default" {
        args.extend(["--jobs", jobs]);
    }
    let out = run(wasm2native().args(&args).env("WASM2NATIVE_CACHE_DIR", cache), b"", COMPILE_TIMEOUT);
    assert_eq!(out.code(), Some(0), "wasm2native {} failed:\n{}", args.join(" "), out.report());
    std::fs::read(&output).unwrap()
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("first differing byte at offset {i:#x} (sizes {} and {})", a.len(), b.len()),
        None => format!("one is a prefix of the other (sizes {} and {})", a.len(), b.len()),
    }
}

/// Compiles with --jobs 1, --jobs 2 and the default, each in a fresh cache directory so that no
/// cached partition can make the results agree by construction, and compares the bytes.
fn assert_independent_of_jobs(emit: &str) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let module = write_file(tmp.path(), "many.wat", generate_module());
    let mut results = Vec::new();
    for jobs in ["1", "2", "default", "2"] {
        let n = results.len();
        let cache = tmp.path().join(format!("cache{n}"));
        let bytes = compile_bytes(&module, &tmp.path().join(format!("out{n}")), emit, jobs, &cache);
        results.push((jobs, bytes));
    }
    let (j0, reference) = &results[0];
    for (jobs, bytes) in &results[1..] {
        assert!(
            bytes == reference,
            "--emit {emit}: --jobs {jobs} differs from --jobs {j0}: {}",
            first_difference(reference, bytes)
        );
    }
    reference.clone()
}

#[test]
fn the_generated_module_spans_several_partitions() {
    let ir = assert_independent_of_jobs("llvm-ir");
    let text = String::from_utf8_lossy(&ir);
    let units = text.matches("; ---- wasm2native unit").count();
    // One unit per partition plus the module unit: at least three partitions make the test meaningful.
    assert!(units >= 4, "expected several partitions, the IR has {units} unit(s)");
}

#[test]
fn objects_are_identical_whatever_the_jobs() {
    let obj = assert_independent_of_jobs("obj");
    assert!(obj.starts_with(b"\x7fELF"), "an ELF object");
}

#[test]
fn assembly_is_identical_whatever_the_jobs() {
    assert_independent_of_jobs("asm");
}

#[test]
fn executables_are_identical_whatever_the_jobs() {
    // Executables link the runtime, which is built into the cache: share one cache between the
    // compiles (the runtime's debug info names its build directory).
    let tmp = tempfile::tempdir().unwrap();
    let module = write_file(tmp.path(), "many.wat", generate_module());
    let cache = tmp.path().join("cache");
    let a = compile_bytes(&module, &tmp.path().join("j1"), "exe", "1", &cache);
    let b = compile_bytes(&module, &tmp.path().join("j2"), "exe", "2", &cache);
    assert!(a == b, "--emit exe: --jobs 2 differs from --jobs 1: {}", first_difference(&a, &b));
    // And the program runs: f0 recurses through direct and indirect calls to depth 12.
    let exe = tmp.path().join("j1").join("m");
    let out = run(&mut std::process::Command::new(&exe), b"", RUN_TIMEOUT);
    assert_eq!(out.code(), Some(0), "the generated program runs:\n{}", out.report());
}
