//! End-to-end: C programs built natively and to Wasm must behave the same.
//!
//! For every `tests/c/*.c` the harness builds
//!   native:  clang-19 -O2 prog.c -o native -lm
//!   wasm:    clang-19 --target=wasm32-wasi --sysroot=/usr -O2 prog.c -o prog.wasm -lm
//! then runs the Wasm build through wasm2native (one test per way: a compiled executable, and
//! `wasm2native run`) and asserts that stdout (byte for byte) and the exit status equal the native
//! build's. A program's header comment says how it is run:
//!
//!   // args: a b c           arguments after argv[0] (split on whitespace)
//!   // env: NAME=VAL ...     the only environment variables (the native build gets an otherwise
//!                            empty environment; the Wasm build gets them through --env)
//!   // dir: yes              the program uses files by relative paths: the native build runs in a
//!                            fresh directory, the Wasm build gets another fresh one as `--dir TMP::.`;
//!                            the two directories must end up with the same files and contents
//!   // stdin: text           standard input (`\n`, `\t` and `\\` escapes)
//!   // expect-exit: N        the native build's status, checked so a broken program is noticed
//!   // native: no            Wasm only (e.g. the sandbox, where native behaviour differs): stdout
//!                            must equal the file `<name>.stdout` beside the program and the status
//!                            must be expect-exit
//!
//! With `dir: yes` the granted directory's parent must hold nothing new afterwards: a program never
//! writes outside what it was granted.
//! A new case is a new `.c` file. `W2N_TEST_FILTER=<part of a file name>` runs only matching cases.
//! Needs clang-19, wasi-libc and libclang-rt-19-dev-wasm32 (`cargo xtask setup`).

mod common;

use common::*;
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Emulation is slow: cross-compiled programs get more time.
const CROSS_RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

#[derive(Debug, Default)]
struct Case {
    name: String,
    source: PathBuf,
    args: Vec<String>,
    env: BTreeMap<String, String>,
    dir: bool,
    stdin: Vec<u8>,
    expect_exit: Option<i32>,
    /// False for Wasm-only cases, whose expected stdout is in `<name>.stdout`.
    native: bool,
}

fn unescape(s: &str) -> Vec<u8> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => panic!("unknown escape \\{other} in a stdin: header"),
            None => out.push('\\'),
        }
    }
    out.into_bytes()
}

fn parse_case(source: &Path) -> Case {
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let mut case = Case { name: file_stem(source), source: source.to_path_buf(), native: true, ..Case::default() };
    for (key, value) in header(&text, "//") {
        match key.as_str() {
            "args" => case.args = value.split_whitespace().map(String::from).collect(),
            "env" => case.env.extend(env_items(&value, source)),
            "dir" => case.dir = value == "yes",
            "native" => case.native = value != "no",
            "stdin" => case.stdin = unescape(&value),
            "expect-exit" => {
                case.expect_exit =
                    Some(value.parse().unwrap_or_else(|_| panic!("{}: bad expect-exit", source.display())))
            }
            _ => {} // prose that happens to contain a colon
        }
    }
    if !case.native && case.expect_exit.is_none() {
        panic!("{}: a `native: no` case needs `expect-exit:`", source.display());
    }
    case
}

#[derive(Clone, Copy, PartialEq)]
enum Way {
    /// `wasm2native compile prog.wasm -o prog [FLAGS]` (grants baked in), then `./prog ARGS`.
    Executable(&'static [&'static str]),
    /// `wasm2native run [grants] prog.wasm ARGS`.
    Run,
    /// `wasm2native compile --target T prog.wasm -o prog`, run under qemu-user.
    Cross(Cross),
}

struct Builds {
    native: Option<PathBuf>,
    wasm: PathBuf,
}

/// Builds the program natively and to Wasm in `dir`, or returns the reason it could not.
fn build(case: &Case, dir: &Path) -> Result<Builds, String> {
    let clang = clang();
    let native = dir.join("native");
    let wasm = dir.join(format!("{}.wasm", case.name));
    let src = case.source.to_str().expect("UTF-8 path");
    let mut jobs: Vec<(&Path, Vec<&str>)> =
        vec![(&wasm, vec!["--target=wasm32-wasi", "--sysroot=/usr", "-O2", src, "-o", wasm.to_str().unwrap(), "-lm"])];
    if case.native {
        jobs.push((&native, vec!["-O2", src, "-o", native.to_str().unwrap(), "-lm"]));
    }
    for (out, args) in jobs {
        let o = run(Command::new(&clang).args(&args), b"", COMPILE_TIMEOUT);
        if o.code() != Some(0) || !out.exists() {
            return Err(format!(
                "building {} with `{} {}` failed (for wasm32-wasi this needs wasi-libc and \
                 libclang-rt-19-dev-wasm32: run `cargo xtask setup`):\n{}",
                out.display(),
                clang.display(),
                args.join(" "),
                o.report()
            ));
        }
    }
    Ok(Builds { native: case.native.then_some(native), wasm })
}

/// Every file under `root` with its contents (directories as `name/`), sorted by path.
fn snapshot(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                out.insert(format!("{rel}/"), None);
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).ok());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn describe_snapshot(s: &BTreeMap<String, Option<Vec<u8>>>) -> String {
    s.iter()
        .map(|(k, v)| match v {
            Some(b) => format!("    {k} ({} bytes)", b.len()),
            None => format!("    {k}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first line where two outputs differ, with a little context.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let e = String::from_utf8_lossy(expected);
    let a = String::from_utf8_lossy(actual);
    let (el, al): (Vec<&str>, Vec<&str>) = (e.split('\n').collect(), a.split('\n').collect());
    for i in 0..el.len().max(al.len()) {
        let (x, y) = (el.get(i), al.get(i));
        if x != y {
            return format!(
                "first difference at line {}:\n    native: {}\n    wasm:   {}",
                i + 1,
                x.map_or("<end of output>".to_string(), |s| format!("{s:?}")),
                y.map_or("<end of output>".to_string(), |s| format!("{s:?}"))
            );
        }
    }
    "outputs differ".into()
}

fn grants(case: &Case, wasm_work: &Path) -> Vec<String> {
    let mut args = Vec::new();
    if case.dir {
        args.push("--dir".to_string());
        args.push(format!("{}::.", wasm_work.display()));
    }
    for (k, v) in &case.env {
        args.push("--env".to_string());
        args.push(format!("{k}={v}"));
    }
    args
}

/// Runs one case one way; Err describes the failure.
fn check(case: &Case, way: Way) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let build_dir = tmp.path().join("build");
    let native_work = tmp.path().join("native-work");
    let wasm_work = tmp.path().join("wasm-work");
    for d in [&build_dir, &native_work, &wasm_work] {
        std::fs::create_dir(d).expect("mkdir");
    }
    let builds = build(case, &build_dir)?;

    // The reference: the native build, with only the case's environment and the fresh directory
    // as working directory; or, for Wasm-only cases, the `.stdout` file and expect-exit.
    let native = match &builds.native {
        Some(exe) => {
            let native = run(
                Command::new(exe).args(&case.args).env_clear().envs(&case.env).current_dir(&native_work),
                &case.stdin,
                RUN_TIMEOUT,
            );
            if native.status.is_none() || native.timed_out || native.code().is_none() {
                return Err(format!("the native build did not finish normally:\n{}", native.report()));
            }
            if let Some(want) = case.expect_exit {
                if native.code() != Some(want) {
                    return Err(format!(
                        "the native build exited {:?}, the file says expect-exit: {want}:\n{}",
                        native.code(),
                        native.report()
                    ));
                }
            }
            native
        }
        None => {
            let expected = case.source.with_extension("stdout");
            let stdout = std::fs::read(&expected).unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
            let status = std::process::ExitStatus::from_raw(case.expect_exit.unwrap() << 8);
            Outcome { status: Some(status), stdout, stderr: Vec::new(), timed_out: false }
        }
    };

    // The Wasm build, with this process's environment (none of which the guest may see).
    let wasm = match way {
        Way::Executable(flags) => {
            let exe = build_dir.join(&case.name);
            let mut args =
                vec!["compile".to_string(), builds.wasm.display().to_string(), "-o".into(), exe.display().to_string()];
            args.extend(flags.iter().map(|f| f.to_string()));
            args.extend(grants(case, &wasm_work));
            let c = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
            if c.code() != Some(0) {
                return Err(format!("`wasm2native {}` failed:\n{}", args.join(" "), c.report()));
            }
            run(Command::new(&exe).args(&case.args).current_dir(&build_dir), &case.stdin, RUN_TIMEOUT)
        }
        Way::Cross(cross) => {
            let exe = build_dir.join(format!("{}-{}", case.name, cross.target));
            let mut args =
                vec!["compile".to_string(), builds.wasm.display().to_string(), "-o".into(), exe.display().to_string()];
            args.extend(["--target".to_string(), cross.target.to_string()]);
            args.extend(grants(case, &wasm_work));
            let c = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
            if c.code() != Some(0) {
                return Err(format!(
                    "`wasm2native {}` failed:
{}",
                    args.join(" "),
                    c.report()
                ));
            }
            run(cross.command(&exe).args(&case.args).current_dir(&build_dir), &case.stdin, CROSS_RUN_TIMEOUT)
        }
        Way::Run => {
            let mut args = vec!["run".to_string()];
            args.extend(grants(case, &wasm_work));
            args.push(builds.wasm.display().to_string());
            args.extend(case.args.iter().cloned());
            run(wasm2native().args(&args).current_dir(&build_dir), &case.stdin, RUN_TIMEOUT)
        }
    };

    let mut problems = Vec::new();
    if wasm.code() != native.code() || wasm.timed_out {
        problems.push(format!("status: native {}, wasm {}", native.describe_status(), wasm.describe_status()));
    }
    if wasm.stdout != native.stdout {
        problems.push(format!(
            "stdout differs ({} bytes native, {} wasm); {}",
            native.stdout.len(),
            wasm.stdout.len(),
            first_difference(&native.stdout, &wasm.stdout)
        ));
    }
    let mut around: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read tempdir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    around.sort();
    if around != ["build", "native-work", "wasm-work"] {
        problems.push(format!("files appeared next to the granted directory: {around:?}"));
    }
    if case.dir && case.native {
        let (n, w) = (snapshot(&native_work), snapshot(&wasm_work));
        if n != w {
            problems.push(format!(
                "the granted directory differs from the native working directory:\n  native:\n{}\n  wasm:\n{}",
                describe_snapshot(&n),
                describe_snapshot(&w)
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!("{}\n  native:\n{}\n  wasm:\n{}", problems.join("\n"), native.report(), wasm.report()))
}

fn run_all(way: Way, suite: &str) {
    clang(); // panics with the setup hint when clang-19 is missing
    let files = test_files("c", "c");
    Failures::run_each(suite, &files, |f| {
        let case = parse_case(f);
        (case.name.clone(), check(&case, way))
    });
}

#[test]
fn c_programs_as_compiled_executables() {
    run_all(Way::Executable(&[]), "C programs, native vs `wasm2native compile` executable");
}

/// Unoptimised code and explicit bounds checks take other paths through the translator.
#[test]
fn c_programs_as_executables_at_o0_with_explicit_bounds_checks() {
    run_all(
        Way::Executable(&["-O", "0", "--bounds-checks", "explicit"]),
        "C programs, native vs `wasm2native compile -O 0 --bounds-checks explicit` executable",
    );
}

/// Cross-compiled executables run under qemu must give exactly the native outputs and statuses.
#[test]
fn c_programs_cross_compiled_for_aarch64_under_qemu() {
    run_all(
        Way::Cross(AARCH64),
        "C programs, native vs `wasm2native compile --target aarch64-unknown-linux-gnu` under qemu",
    );
}

#[test]
fn c_programs_cross_compiled_for_riscv64_under_qemu() {
    run_all(
        Way::Cross(RISCV64),
        "C programs, native vs `wasm2native compile --target riscv64gc-unknown-linux-gnu` under qemu",
    );
}

#[test]
fn c_programs_with_wasm2native_run() {
    run_all(Way::Run, "C programs, native vs `wasm2native run`");
}
