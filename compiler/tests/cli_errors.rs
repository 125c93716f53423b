//! The command line's failures: malformed and invalid modules (every file of `tests/invalid/`),
//! bad options, unusable paths. Each must print `error: ...` on stderr, exit with status 1, never
//! panic, and never leave an output behind or touch the input. Malformed `.wasm` binaries are
//! reported with the byte offset of the problem.

mod common;

use common::*;
use std::path::{Path, PathBuf};

const VALID_WAT: &str = r#"(module (func (export "_start")))"#;

/// Asserts the outcome of a failing command: status 1, stderr starting with `error:`, no panic.
#[track_caller]
fn assert_error(out: &Outcome, what: &str) {
    let problems = error_problems(out);
    assert!(problems.is_empty(), "{what}: {}\n{}", problems.join("; "), out.report());
}

fn error_problems(out: &Outcome) -> Vec<String> {
    let stderr = out.stderr_text();
    let mut problems = Vec::new();
    if out.code() != Some(1) {
        problems.push(format!("{}, expected exit status 1", out.describe_status()));
    }
    if !stderr.starts_with("error:") {
        problems.push(format!(
            "stderr does not start with `error:` (first line {:?})",
            stderr.lines().next().unwrap_or("")
        ));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push("wasm2native panicked".into());
    }
    problems
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn valid_module(dir: &Path) -> PathBuf {
    write_file(dir, "m.wat", VALID_WAT)
}

#[test]
fn invalid_and_malformed_modules_are_errors() {
    let mut files = test_files("invalid", "wasm");
    files.extend(test_files("invalid", "wat"));
    let mut failures = Failures::default();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read(f).unwrap();
        let expected: Vec<String> = header(&String::from_utf8_lossy(&text), ";;")
            .into_iter()
            .filter(|(k, _)| k == "expect-error")
            .map(|(_, v)| v)
            .collect();
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("out");
        let mut problems = Vec::new();
        for (way, out) in [
            ("compile", w2n(&["compile", s(f), "-o", s(&output)])),
            ("compile --emit obj", w2n(&["compile", s(f), "--emit", "obj", "-o", s(&output)])),
            ("run", w2n(&["run", s(f)])),
        ] {
            let mut p = error_problems(&out);
            for e in &expected {
                if !out.stderr_text().contains(e.as_str()) {
                    p.push(format!("stderr does not mention {e:?}"));
                }
            }
            // A malformed binary is reported with the byte offset where decoding failed
            // (design brief, "Validation first").
            if f.extension().is_some_and(|e| e == "wasm") && !out.stderr_text().contains("offset") {
                p.push("the message gives no byte offset".into());
            }
            if output.exists() {
                p.push(format!("an output was written: {}", output.display()));
            }
            if !p.is_empty() {
                problems.push(format!("wasm2native {way}: {}\n{}", p.join("; "), out.report()));
            }
        }
        if problems.is_empty() {
            failures.pass(&name);
        } else {
            failures.add(&name, problems.join("\n"));
        }
    }
    failures.finish("invalid modules", files.len());
}

#[test]
fn missing_input_file() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("does-not-exist.wasm");
    let out = w2n(&["compile", s(&missing), "-o", s(&tmp.path().join("out"))]);
    assert_error(&out, "compile of a missing file");
    assert!(out.stderr_text().contains("does-not-exist.wasm"), "the message names the file:\n{}", out.report());
    let out = w2n(&["run", s(&missing)]);
    assert_error(&out, "run of a missing file");
}

#[test]
fn input_is_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = w2n(&["compile", s(tmp.path()), "-o", s(&tmp.path().join("out"))]);
    assert_error(&out, "compile of a directory");
}

#[test]
fn output_in_a_missing_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let output = tmp.path().join("no").join("such").join("dir").join("out");
    let out = w2n(&["compile", s(&m), "-o", s(&output)]);
    assert_error(&out, "output in a missing directory");
    assert!(!tmp.path().join("no").exists(), "no directory was created");
}

#[test]
fn output_below_a_regular_file() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let file = write_file(tmp.path(), "plain-file", "x");
    let out = w2n(&["compile", s(&m), "-o", s(&file.join("out"))]);
    assert_error(&out, "output below a regular file (ENOTDIR)");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[test]
fn output_is_an_existing_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let dir = tmp.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    write_file(&dir, "keep", "kept");
    let out = w2n(&["compile", s(&m), "-o", s(&dir)]);
    assert_error(&out, "output naming an existing directory");
    assert_eq!(std::fs::read(dir.join("keep")).unwrap(), b"kept", "the directory's contents are untouched");
}

#[test]
fn output_in_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let dir = tmp.path().join("read-only");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    // root ignores directory permissions: check that a write really is refused before relying on it.
    let probe = dir.join("probe");
    if std::fs::write(&probe, "x").is_ok() {
        let _ = std::fs::remove_file(&probe);
        eprintln!("note: running as root, a read-only directory is writable; checked only that compile succeeds or fails cleanly");
        let out = w2n(&["compile", s(&m), "-o", s(&dir.join("out"))]);
        assert!(!out.stderr_text().contains("panicked"), "{}", out.report());
    } else {
        let out = w2n(&["compile", s(&m), "-o", s(&dir.join("out"))]);
        assert_error(&out, "output in a read-only directory");
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn unknown_emit_value() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let out = w2n(&["compile", s(&m), "--emit", "bogus", "-o", s(&tmp.path().join("out"))]);
    assert_error(&out, "--emit bogus");
    assert!(out.stderr_text().contains("bogus"), "{}", out.report());
}

#[test]
fn unknown_opt_level() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    for level in ["4", "fast", "z"] {
        let out = w2n(&["compile", s(&m), "-O", level, "-o", s(&tmp.path().join("out"))]);
        assert_error(&out, &format!("-O {level}"));
    }
}

#[test]
fn unknown_bounds_checks_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let out = w2n(&["compile", s(&m), "--bounds-checks", "none", "-o", s(&tmp.path().join("out"))]);
    assert_error(&out, "--bounds-checks none");
}

#[test]
fn unsupported_target_fails_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let output = tmp.path().join("out");
    // A known target that cannot produce this artifact here: a macOS executable needs the SDK.
    let out = w2n(&["compile", s(&m), "--target", "aarch64-apple-darwin", "-o", s(&output)]);
    assert_error(&out, "--target aarch64-apple-darwin");
    assert!(out.stderr_text().contains("aarch64-apple-darwin"), "the message names the target:\n{}", out.report());
    assert!(!output.exists(), "no output for an unsupported target");
    let out = w2n(&["compile", s(&m), "--target", "sparc-sun-solaris", "-o", s(&output)]);
    assert_error(&out, "--target sparc-sun-solaris");
    assert!(
        out.stderr_text().contains("x86_64-unknown-linux-gnu"),
        "the message lists the known targets:\n{}",
        out.report()
    );
}

#[test]
fn zero_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let output = tmp.path().join("out");
    let out = w2n(&["compile", s(&m), "--jobs", "0", "-o", s(&output)]);
    assert_error(&out, "--jobs 0");
    assert!(!output.exists());
}

#[test]
fn output_equal_to_input_never_overwrites_it() {
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let wat = valid_module(tmp.path());
    let wat_abs = s(&wat).to_string();
    // The same file, spelled several ways (run from `tmp`).
    let spellings: Vec<(&str, String)> = vec![
        ("m.wat", "m.wat".into()),
        ("m.wat", "./m.wat".into()),
        ("./m.wat", "m.wat".into()),
        ("m.wat", wat_abs.clone()),
        (&wat_abs, "m.wat".into()),
        ("m.wat", "sub/../m.wat".into()),
    ];
    let mut failures = Vec::new();
    for (input, output) in &spellings {
        for emit in ["exe", "obj", "llvm-ir"] {
            let out = run(
                wasm2native().args(["compile", input, "--emit", emit, "-o", output]).current_dir(tmp.path()),
                b"",
                COMPILE_TIMEOUT,
            );
            let after = std::fs::read_to_string(&wat).unwrap_or_else(|e| format!("<unreadable: {e}>"));
            let mut p = error_problems(&out);
            if after != VALID_WAT {
                p.push(format!("THE INPUT WAS OVERWRITTEN (now {} bytes)", after.len()));
                std::fs::write(&wat, VALID_WAT).unwrap();
            }
            if !p.is_empty() {
                failures.push(format!("compile {input} --emit {emit} -o {output}: {}\n{}", p.join("; "), out.report()));
            }
        }
    }
    // A binary input without an extension: the default output for `exe` is the same name.
    let bare = tmp.path().join("module");
    std::fs::write(&bare, b"\0asm\x01\0\0\0").unwrap();
    let out = run(wasm2native().args(["compile", "module"]).current_dir(tmp.path()), b"", COMPILE_TIMEOUT);
    let mut p = error_problems(&out);
    if std::fs::read(&bare).unwrap() != b"\0asm\x01\0\0\0" {
        p.push("THE INPUT WAS OVERWRITTEN".into());
    }
    if !p.is_empty() {
        failures.push(format!("compile module (default output = input): {}\n{}", p.join("; "), out.report()));
    }
    assert!(failures.is_empty(), "{} case(s):\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn executables_cannot_have_non_wasi_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let m =
        write_file(tmp.path(), "imp.wat", r#"(module (import "env" "f" (func)) (func (export "_start") (call 0)))"#);
    let output = tmp.path().join("out");
    let out = w2n(&["compile", s(&m), "-o", s(&output)]);
    assert_error(&out, "an executable importing env.f");
    assert!(out.stderr_text().contains("env.f") || out.stderr_text().contains("`env`"), "{}", out.report());
    assert!(!output.exists());
    let out = w2n(&["run", s(&m)]);
    assert_error(&out, "run of a module importing env.f");
}

#[test]
fn run_with_a_missing_granted_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let missing = tmp.path().join("missing-dir");
    let out = w2n(&["run", "--dir", &format!("{}::.", s(&missing)), s(&m)]);
    assert_error(&out, "run --dir <missing>");
}

#[test]
fn run_with_a_memory_past_the_implementation_limit() {
    // Instantiation fails without a trap: an error (status 1), not `wasm trap:` (134).
    let tmp = tempfile::tempdir().unwrap();
    let m = write_file(tmp.path(), "big.wat", r#"(module (memory 65536) (func (export "_start")))"#);
    let out = w2n(&["run", s(&m)]);
    assert_error(&out, "run (memory 65536)");
    assert!(out.stderr_text().contains("implementation limit of 65535 pages"), "{}", out.report());
}

#[test]
fn run_with_an_unknown_export() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let out = w2n(&["run", "--invoke", "nope", s(&m)]);
    assert_error(&out, "run --invoke nope");
    assert!(out.stderr_text().contains("nope"), "{}", out.report());
}

#[test]
fn targets_lists_the_host() {
    let out = w2n(&["targets"]);
    assert_eq!(out.code(), Some(0), "{}", out.report());
    let text = out.stdout_text();
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some("x86_64-unknown-linux-gnu"))
        .unwrap_or_else(|| panic!("no x86_64-unknown-linux-gnu row:\n{text}"));
    assert!(
        line.contains("exe") && line.contains("ok"),
        "the host emits executables and its toolchain is here: {line}"
    );
    for t in ["aarch64-unknown-linux-gnu", "riscv64gc-unknown-linux-gnu", "x86_64-apple-darwin", "aarch64-apple-darwin"]
    {
        assert!(text.contains(t), "{t} is listed:\n{text}");
    }
}

#[test]
fn a_valid_compile_leaves_the_input_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let output = tmp.path().join("prog");
    compile_ok(&[s(&m), "-o", s(&output)]);
    assert_eq!(std::fs::read_to_string(&m).unwrap(), VALID_WAT);
    let out = run(&mut std::process::Command::new(&output), b"", RUN_TIMEOUT);
    assert_eq!(out.code(), Some(0), "the empty program runs:\n{}", out.report());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("w2n-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left next to the output: {leftovers:?}");
}

#[test]
fn bad_wasm_stack_sizes() {
    let tmp = tempfile::tempdir().unwrap();
    let m = valid_module(tmp.path());
    let exe = tmp.path().join("out");
    for size in ["0", "abc", "-1", "16X", "1.5M", "2T", "2048G", "99999999999999999999", ""] {
        assert_error(&w2n(&["run", "--max-wasm-stack", size, s(&m)]), &format!("run --max-wasm-stack {size:?}"));
        assert_error(
            &w2n(&["compile", s(&m), "--max-wasm-stack", size, "-o", s(&exe)]),
            &format!("compile --max-wasm-stack {size:?}"),
        );
        assert!(!exe.exists());
    }
    let out = w2n(&["compile", s(&m), "-o", s(&exe)]);
    assert_eq!(out.code(), Some(0), "{}", out.report());
    for size in ["0", "abc", "16X", "2048G", ""] {
        let out = run(std::process::Command::new(&exe).env("WASM2NATIVE_MAX_WASM_STACK", size), b"", RUN_TIMEOUT);
        assert_error(&out, &format!("WASM2NATIVE_MAX_WASM_STACK={size:?}"));
        assert!(out.stderr_text().contains("WASM2NATIVE_MAX_WASM_STACK"), "{}", out.report());
    }
    for size in ["4096", "16k", "8M", "256m"] {
        let out = run(std::process::Command::new(&exe).env("WASM2NATIVE_MAX_WASM_STACK", size), b"", RUN_TIMEOUT);
        assert_eq!(out.code(), Some(0), "WASM2NATIVE_MAX_WASM_STACK={size}: {}", out.report());
        let out = w2n(&["run", "--max-wasm-stack", size, s(&m)]);
        assert_eq!(out.code(), Some(0), "run --max-wasm-stack {size}: {}", out.report());
    }
}
