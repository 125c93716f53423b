//! Store limits (`-W max-memory-size=...`, wasmtime's words): every `tests/limits/*.wat` is a command
//! module run three ways: `wasm2native run -W LIMITS`, an executable compiled with `compile -W
//! LIMITS`, and an executable compiled without limits and given them at run time through
//! `WASM2NATIVE_LIMITS=LIMITS`. Its header comment says what must happen:
//!
//!   ;; limits: KEY=VALUE[,...]     the `-W` value (and `WASM2NATIVE_LIMITS`'s)
//!   ;; expect-exit: N              status N, nothing on stderr
//!   ;; expect-trap: MESSAGE        stderr's first line is `wasm trap: MESSAGE`, status 134
//!   ;; expect-error: TEXT          stderr is `error: TEXT` (instantiation refused), status 1
//!
//! A new case is a new `.wat` file. `W2N_TEST_FILTER=<part of a file name>` runs only matching cases.
//! The tests below the file cases pin how the variable and the baked-in limits combine.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

struct Case {
    limits: String,
    expect: Expect,
}

enum Expect {
    Exit(i32),
    Trap(String),
    Error(String),
}

fn parse_case(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut limits, mut expect) = (None, None);
    for (key, value) in header(&text, ";;") {
        match key.as_str() {
            "limits" => limits = Some(value),
            "expect-exit" => expect = Some(Expect::Exit(value.parse().expect("expect-exit: a number"))),
            "expect-trap" => expect = Some(Expect::Trap(value)),
            "expect-error" => expect = Some(Expect::Error(value)),
            _ => {}
        }
    }
    let limits = limits.unwrap_or_else(|| panic!("{}: no `;; limits:` header", path.display()));
    let expect = expect.unwrap_or_else(|| panic!("{}: no `;; expect-*:` header", path.display()));
    Case { limits, expect }
}

fn check(out: &Outcome, expect: &Expect) -> Result<(), String> {
    let stderr = out.stderr_text();
    let ok = match expect {
        Expect::Exit(n) => out.code() == Some(*n) && stderr.is_empty(),
        Expect::Trap(m) => out.code() == Some(134) && stderr.lines().next() == Some(&format!("wasm trap: {m}")),
        Expect::Error(m) => out.code() == Some(1) && stderr.trim_end() == format!("error: {m}"),
    };
    if ok {
        Ok(())
    } else {
        Err(out.report())
    }
}

fn compile(m: &Path, exe: &Path, limits: Option<&str>, extra: &[&str]) {
    let mut args = vec![m.to_str().unwrap(), "-o", exe.to_str().unwrap()];
    if let Some(l) = limits {
        args.extend(["-W", l]);
    }
    args.extend_from_slice(extra);
    compile_ok(&args);
}

fn run_exe(exe: &Path, limits_var: Option<&str>) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.env_remove("WASM2NATIVE_LIMITS");
    if let Some(v) = limits_var {
        cmd.env("WASM2NATIVE_LIMITS", v);
    }
    run(&mut cmd, b"", RUN_TIMEOUT)
}

#[test]
fn limit_cases() {
    Failures::run_each("limits", &test_files("limits", "wat"), |path| {
        let name = file_stem(path);
        let case = parse_case(path);
        let tmp = tempfile::tempdir().unwrap();
        let m = path.to_str().unwrap();
        let mut errors = Vec::new();

        let out = w2n(&["run", "-W", &case.limits, m]);
        if let Err(e) = check(&out, &case.expect) {
            errors.push(format!("run -W {}:\n{e}", case.limits));
        }
        let baked = tmp.path().join("baked");
        compile(path, &baked, Some(&case.limits), &[]);
        if let Err(e) = check(&run_exe(&baked, None), &case.expect) {
            errors.push(format!("compile -W {}:\n{e}", case.limits));
        }
        let plain = tmp.path().join("plain");
        compile(path, &plain, None, &[]);
        if let Err(e) = check(&run_exe(&plain, Some(&case.limits)), &case.expect) {
            errors.push(format!("WASM2NATIVE_LIMITS={}:\n{e}", case.limits));
        }
        (name, if errors.is_empty() { Ok(()) } else { Err(errors.join("\n")) })
    });
}

fn case_path(name: &str) -> std::path::PathBuf {
    repo_root().join("tests/limits").join(name)
}

/// The variable overrides the baked-in limits key by key; the keys it does not name keep theirs.
#[test]
fn variable_overrides_baked_in_limits_key_by_key() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = tmp.path().join("grow");
    // Baked in: 64 KiB, so the first grow fails and the case would hit `unreachable`.
    compile(&case_path("memory_grow_past_limit.wat"), &exe, Some("max-memory-size=64K,max-memories=0"), &[]);
    let out = run_exe(&exe, None);
    assert!(out.code() == Some(1) && out.stderr_text().contains("max-memories limit of 0"), "{}", out.report());
    let out = run_exe(&exe, Some("max-memories=5"));
    assert!(out.code() == Some(134) && out.stderr_text().starts_with("wasm trap: unreachable"), "{}", out.report());
    let out = run_exe(&exe, Some("max-memories=5,max-memory-size=128K"));
    assert!(out.code() == Some(0), "{}", out.report());
    let out = run_exe(&exe, Some("max-memories=1,max-memory-size=128K,trap-on-grow-failure"));
    assert!(
        out.code() == Some(134) && out.stderr_text().starts_with("wasm trap: memory.grow failed"),
        "{}",
        out.report()
    );
}

/// `--no-runtime-grants`: the baked-in limits are final, the variable is not even parsed.
#[test]
fn no_runtime_grants_ignores_the_variable() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = tmp.path().join("grow");
    compile(
        &case_path("memory_grow_trap.wat"),
        &exe,
        Some("max-memory-size=128K,trap-on-grow-failure"),
        &["--no-runtime-grants"],
    );
    let out = run_exe(&exe, Some("max-memory-size=1G,trap-on-grow-failure=n,bogus"));
    assert!(
        out.code() == Some(134) && out.stderr_text().starts_with("wasm trap: memory.grow failed"),
        "{}",
        out.report()
    );
}

/// A bad `WASM2NATIVE_LIMITS` is `error:` and status 1 before anything runs.
#[test]
fn bad_variable_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = tmp.path().join("ok");
    compile(&case_path("within_every_limit.wat"), &exe, None, &[]);
    for (value, words) in [
        ("bogus=1", "unknown key `bogus`"),
        ("max-memory-size=lots", "expected max-memory-size=BYTES"),
        ("max-instances", "expected max-instances=N"),
        ("max-memory-size=99999999999T", "expected max-memory-size=BYTES"),
        ("trap-on-grow-failure=maybe", "expected y or n"),
    ] {
        let out = run_exe(&exe, Some(value));
        assert!(
            out.code() == Some(1)
                && out.stderr_text().contains("WASM2NATIVE_LIMITS")
                && out.stderr_text().contains(words),
            "WASM2NATIVE_LIMITS={value}:\n{}",
            out.report()
        );
    }
    let out = run_exe(&exe, Some("max-memory-size=1_048_576,max-instances=1,trap-on-grow-failure=yes"));
    assert!(out.code() == Some(0), "{}", out.report());
}
