//! Internal compiler errors (compiler bugs) as users see them: `error: internal compiler error in
//! function N (NAME): ...` on stderr, exit status 70, and never Rust's panic text or a backtrace,
//! from `compile`, `run` and `wast` (which reports the module as a failure and carries on).
//!
//! Without a real bug to trigger, the tests use the translator's test hook:
//! `WASM2NATIVE_DEBUG_ICE=N` fails function N with an internal error, `=panic:N` panics in it.

mod common;

use common::*;
use std::path::Path;

/// Function 0 is named by the name section, function 1 is not.
const MODULE: &str = r#"(module
  (func $helper (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func (export "main") (result i32) i32.const 41 call $helper))"#;

/// Runs wasm2native with the hook set to `hook`, in a cache of its own.
fn w2n_with_hook(cache: &Path, hook: &str, args: &[&str]) -> Outcome {
    let mut cmd = wasm2native();
    cmd.args(args).env("WASM2NATIVE_DEBUG_ICE", hook).env("WASM2NATIVE_CACHE_DIR", cache);
    run(&mut cmd, b"", COMPILE_TIMEOUT)
}

fn panic_text(stderr: &str) -> bool {
    stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") || stderr.contains("thread '")
}

/// Asserts exit status 70 and exactly one line `error: ... <expected>` on stderr, without panic text.
#[track_caller]
fn assert_internal(out: &Outcome, expected: &str) {
    let stderr = out.stderr_text();
    let mut problems = Vec::new();
    if out.code() != Some(70) {
        problems.push(format!("{}, expected exit status 70", out.describe_status()));
    }
    if !(stderr.starts_with("error:") && stderr.lines().count() == 1 && stderr.contains(expected)) {
        problems.push(format!("expected one line `error: ...{expected}...` on stderr"));
    }
    if panic_text(&stderr) || stderr.contains("LLVM error") {
        problems.push("panic or LLVM text on stderr".into());
    }
    assert!(problems.is_empty(), "{}\n{}", problems.join("; "), out.report());
}

#[test]
fn compile_reports_an_internal_error_with_the_function() {
    let tmp = tempfile::tempdir().unwrap();
    let m = write_file(tmp.path(), "m.wat", MODULE);
    let o = tmp.path().join("m.out");
    let args = ["compile", m.to_str().unwrap(), "-o", o.to_str().unwrap()];
    let out = w2n_with_hook(tmp.path(), "0", &args);
    assert_internal(&out, "internal compiler error in function 0 (helper): ");
    assert!(!o.exists(), "no output after an internal error");
    let out = w2n_with_hook(tmp.path(), "panic:1", &args);
    assert_internal(
        &out,
        "internal compiler error in function 1 (wasm-function[1]): WASM2NATIVE_DEBUG_ICE raised a panic",
    );
    assert!(!o.exists(), "no output after an internal error");
    // The hook names a function the module does not have: a normal compile.
    let out = w2n_with_hook(tmp.path(), "7", &args);
    assert_eq!(out.code(), Some(0), "{}", out.report());
}

#[test]
fn run_reports_an_internal_error_with_the_function() {
    let tmp = tempfile::tempdir().unwrap();
    let m = write_file(tmp.path(), "m.wat", MODULE);
    let args = ["run", "--invoke", "main", m.to_str().unwrap()];
    let out = w2n_with_hook(tmp.path(), "1", &args);
    assert_internal(&out, "internal compiler error in function 1 (wasm-function[1]): ");
    let out = w2n_with_hook(tmp.path(), "panic:0", &args);
    assert_internal(&out, "internal compiler error in function 0 (helper): WASM2NATIVE_DEBUG_ICE raised a panic");
    // The same module, compiled before without the hook, is not taken from the cache.
    let out = w2n_with_hook(tmp.path(), "", &args);
    assert_eq!((out.code(), out.stdout_text().trim()), (Some(0), "42"), "{}", out.report());
    let out = w2n_with_hook(tmp.path(), "panic:0", &args);
    assert_internal(&out, "internal compiler error in function 0 (helper): ");
}

#[test]
fn wast_reports_the_module_and_carries_on() {
    let tmp = tempfile::tempdir().unwrap();
    // The first module has a function 7, the second (and `spectest`, 7 functions) do not: only
    // the first fails.
    let script = r#"(module (func) (func) (func) (func) (func) (func) (func)
          (func (export "main") (result i32) i32.const 42))
        (assert_return (invoke "main") (i32.const 42))
        (module (func (export "one") (result i32) i32.const 1))
        (assert_return (invoke "one") (i32.const 1))"#;
    let w = write_file(tmp.path(), "ice.wast", script);
    for hook in ["7", "panic:7"] {
        let out = w2n_with_hook(tmp.path(), hook, &["wast", w.to_str().unwrap()]);
        let (stdout, stderr) = (out.stdout_text(), out.stderr_text());
        let all = format!("{stdout}{stderr}");
        assert!(
            all.contains("module failed to compile: internal compiler error in function 7 (wasm-function[7]): ")
                && stdout.trim_end().ends_with("2 passed, 2 failed")
                && out.code() == Some(1)
                && !panic_text(&all),
            "hook {hook}:\n{}",
            out.report()
        );
    }
}
