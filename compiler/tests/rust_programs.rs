//! End-to-end: Rust programs built natively and for wasm32-wasip1 must behave the same.
//!
//! For every `tests/rust/*.rs` the harness builds
//!   native:  rustc --edition 2021 -O prog.rs -o native
//!   wasm:    rustc --edition 2021 --target wasm32-wasip1 -O prog.rs -o prog.wasm
//! then runs the Wasm build through wasm2native, as a compiled executable (grants baked in) and with
//! `wasm2native run`, and asserts that stdout (byte for byte) and the exit status equal the native
//! build's. The header comment says how a program runs, as for `tests/c` (see programs.rs):
//!
//!   // args: a b c           arguments after argv[0] (split on whitespace)
//!   // env: NAME=VAL ...     the only environment variables (the native build gets an otherwise
//!                            empty environment; the Wasm build gets them through --env)
//!   // dir: yes              the native build runs in a fresh directory, the Wasm build gets another
//!                            as `--dir TMP::.`; the two must end up with the same files, links and
//!                            contents, and nothing may appear next to the granted directory
//!   // stdin: text           standard input (`\n` escapes)
//!   // expect-exit: N        the native build's status, checked so a broken program is noticed
//!
//! The wasm32-wasip1 standard library is installed with `rustup target add wasm32-wasip1` when it is
//! missing (`cargo xtask setup` does it too); without rustup the tests fail with that hint.
//! `W2N_TEST_FILTER=<part of a file name>` runs only matching cases.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

#[derive(Debug, Default)]
struct Case {
    name: String,
    source: PathBuf,
    args: Vec<String>,
    env: BTreeMap<String, String>,
    dir: bool,
    stdin: Vec<u8>,
    expect_exit: i32,
}

fn parse_case(source: &Path) -> Case {
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let mut case = Case { name: file_stem(source), source: source.to_path_buf(), ..Case::default() };
    for (key, value) in header(&text, "//") {
        match key.as_str() {
            "args" => case.args = value.split_whitespace().map(String::from).collect(),
            "env" => case.env.extend(env_items(&value, source)),
            "dir" => case.dir = value == "yes",
            "stdin" => case.stdin = value.replace("\\n", "\n").into_bytes(),
            "expect-exit" => {
                case.expect_exit = value.parse().unwrap_or_else(|_| panic!("{}: bad expect-exit", source.display()))
            }
            _ => {} // prose that happens to contain a colon
        }
    }
    case
}

/// Makes sure the wasm32-wasip1 standard library is installed (once per test binary).
fn wasip1_target() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let sysroot =
            Command::new("rustc").args(["--print", "sysroot"]).output().expect("running rustc --print sysroot");
        let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
        if sysroot.join("lib/rustlib/wasm32-wasip1/lib").is_dir() {
            return;
        }
        let o = run(Command::new("rustup").args(["target", "add", "wasm32-wasip1"]), b"", COMPILE_TIMEOUT);
        assert!(
            o.code() == Some(0),
            "the wasm32-wasip1 target is missing and `rustup target add wasm32-wasip1` failed \
             (run `cargo xtask setup`, or install it by hand):\n{}",
            o.report()
        );
    });
}

#[derive(Clone, Copy, PartialEq)]
enum Way {
    Executable,
    Run,
}

fn build(case: &Case, dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    let native = dir.join("native");
    let wasm = dir.join(format!("{}.wasm", case.name));
    let src = case.source.display().to_string();
    for (out, target) in [(&native, None), (&wasm, Some("wasm32-wasip1"))] {
        let mut args = vec![
            "--edition".to_string(),
            "2021".into(),
            "-O".into(),
            src.clone(),
            "-o".into(),
            out.display().to_string(),
        ];
        if let Some(t) = target {
            args.extend(["--target".to_string(), t.to_string()]);
        }
        let o = run(Command::new("rustc").args(&args), b"", COMPILE_TIMEOUT);
        if o.code() != Some(0) || !out.exists() {
            return Err(format!("`rustc {}` failed:\n{}", args.join(" "), o.report()));
        }
    }
    Ok((native, wasm))
}

/// Every entry under `root` (type and contents or link target), sorted by path.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
            let what = if meta.file_type().is_symlink() {
                format!("symlink -> {}", std::fs::read_link(&p).map(|t| t.display().to_string()).unwrap_or_default())
            } else if meta.is_dir() {
                walk(root, &p, out);
                "directory".to_string()
            } else {
                format!("file {:?}", String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default()))
            };
            out.insert(rel, what);
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn check(case: &Case, way: Way) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (build_dir, native_work, wasm_work) =
        (tmp.path().join("build"), tmp.path().join("native-work"), tmp.path().join("wasm-work"));
    for d in [&build_dir, &native_work, &wasm_work] {
        std::fs::create_dir(d).expect("mkdir");
    }
    let (native_exe, wasm) = build(case, &build_dir)?;
    let native = run(
        Command::new(&native_exe).args(&case.args).env_clear().envs(&case.env).current_dir(&native_work),
        &case.stdin,
        RUN_TIMEOUT,
    );
    if native.code() != Some(case.expect_exit) {
        return Err(format!(
            "the native build exited {}, the file says expect-exit: {}:\n{}",
            native.describe_status(),
            case.expect_exit,
            native.report()
        ));
    }
    let mut grants = Vec::new();
    if case.dir {
        grants.extend(["--dir".to_string(), format!("{}::.", wasm_work.display())]);
    }
    for (k, v) in &case.env {
        grants.extend(["--env".to_string(), format!("{k}={v}")]);
    }
    let out = match way {
        Way::Executable => {
            let exe = build_dir.join(&case.name);
            let mut args =
                vec!["compile".to_string(), wasm.display().to_string(), "-o".into(), exe.display().to_string()];
            args.extend(grants);
            let c = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
            if c.code() != Some(0) {
                return Err(format!("`wasm2native {}` failed:\n{}", args.join(" "), c.report()));
            }
            run(Command::new(&exe).args(&case.args).current_dir(&build_dir), &case.stdin, RUN_TIMEOUT)
        }
        Way::Run => {
            let mut args = vec!["run".to_string()];
            args.extend(grants);
            args.push(wasm.display().to_string());
            args.extend(case.args.iter().cloned());
            run(wasm2native().args(&args).current_dir(&build_dir), &case.stdin, RUN_TIMEOUT)
        }
    };
    let mut problems = Vec::new();
    if out.code() != native.code() || out.timed_out {
        problems.push(format!("status: native {}, wasm {}", native.describe_status(), out.describe_status()));
    }
    if out.stdout != native.stdout {
        problems.push("stdout differs".to_string());
    }
    let mut around: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read tempdir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    around.sort();
    if around != ["build", "native-work", "wasm-work"] {
        problems.push(format!("files appeared next to the granted directory: {around:?}"));
    }
    if case.dir {
        let (n, w) = (snapshot(&native_work), snapshot(&wasm_work));
        if n != w {
            problems.push(format!(
                "the granted directory differs from the native working directory:\n  native: {n:?}\n  wasm:   {w:?}"
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!("{}\n  native:\n{}\n  wasm:\n{}", problems.join("\n"), native.report(), out.report()))
}

fn run_all(way: Way, suite: &str) {
    wasip1_target();
    let files = test_files("rust", "rs");
    Failures::run_each(suite, &files, |f| {
        let case = parse_case(f);
        (case.name.clone(), check(&case, way))
    });
}

#[test]
fn rust_programs_as_compiled_executables() {
    run_all(Way::Executable, "Rust programs, native vs `wasm2native compile` executable");
}

#[test]
fn rust_programs_with_wasm2native_run() {
    run_all(Way::Run, "Rust programs, native vs `wasm2native run`");
}
