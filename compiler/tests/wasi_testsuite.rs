//! The official WASI preview1 test suite (WebAssembly/wasi-testsuite), read from
//! `../shared/wasi-testsuite/preview1.tar.xz` beside the repository (`$W2N_WASI_TESTSUITE` names
//! another directory holding that archive). It is never copied into the repository: each test
//! extracts it into a temporary directory. A missing archive fails the tests, with what to do.
//!
//! Every `NAME.wasm` of the archive's `tests/*/testsuite/wasm32-wasip1/` directories is a case; its
//! `NAME.json` (optional) says how to run it and what it must do, as the suite's `specification.md`
//! describes: the legacy form (`args`, `env`, `root`, `exit_code`, `stdout`, `stderr`, and the older
//! `dirs`) or the operation-based one (`run`, `wait`, `read`). Each case runs in a copy of its fixture
//! directory, one per way of running (tests create and remove files there, so cases can run side by
//! side and a leftover cannot pass from one way to the next), preopened as the guest's `/`, with
//! exactly the given environment and arguments, standard input an empty pipe:
//!
//!   - x86-64: the executable of `wasm2native compile` with the grants baked in, and `wasm2native run`
//!     with the same grants (`--dir ROOT::/ --env K=V`). Both must meet the same expectations (an
//!     output the specification leaves open may differ between runs: `poll_oneoff_stdio` prints a
//!     hash map, whose order follows `random_get`);
//!   - aarch64: the executable of `wasm2native compile --target aarch64-unknown-linux-gnu` under
//!     `qemu-aarch64 -L /usr/aarch64-linux-gnu`.
//!
//! Standard output and error are compared only where the specification gives them, as the suite's
//! reference runner does (`path_open_preopen` prints the preopen's rights and names no output). The
//! socket operations (`connect`, `send`, `recv`) and WASI proposals are not preview1 and fail the case
//! as unsupported, so a suite that starts using them cannot pass silently.
//!
//! Modules are compiled at -O0: the Rust modules are 2 MB debug builds, which -O1 takes six times as
//! long to compile (-O2 eight), adding time, not coverage (the spec and program tests cover the
//! optimiser). `W2N_TEST_FILTER=NAME` runs the cases whose
//! `dir/name` contains NAME.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const OPT: &str = "0";
const CROSS_RUN_TIMEOUT: Duration = Duration::from_secs(300);

/// The archive: `$W2N_WASI_TESTSUITE/preview1.tar.xz`, by default `../shared/wasi-testsuite/` from the
/// repository root.
fn archive() -> PathBuf {
    let dir = match std::env::var_os("W2N_WASI_TESTSUITE") {
        Some(d) => PathBuf::from(d),
        None => repo_root().join("../shared/wasi-testsuite"),
    };
    let archive = dir.join("preview1.tar.xz");
    assert!(
        archive.is_file(),
        "the WASI test suite is missing: no {}. Put the prebuilt preview1 modules of \
         WebAssembly/wasi-testsuite there (a tar.xz holding tests/*/testsuite/wasm32-wasip1/), or set \
         W2N_WASI_TESTSUITE to the directory that holds preview1.tar.xz.",
        archive.display()
    );
    archive
}

/// Extracts the archive into `into`; returns the test directories (`tests/*/testsuite/wasm32-wasip1`).
fn extract(into: &Path) -> Vec<PathBuf> {
    let archive = archive();
    let o = run(Command::new("tar").arg("-xJf").arg(&archive).arg("-C").arg(into), b"", COMPILE_TIMEOUT);
    assert!(o.code() == Some(0), "extracting {} failed (tar and xz installed?):\n{}", archive.display(), o.report());
    let tests = into.join("tests");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&tests)
        .unwrap_or_else(|e| panic!("{}: no tests/ directory in the archive: {e}", archive.display()))
        .map(|e| e.expect("entry").path().join("testsuite/wasm32-wasip1"))
        .filter(|d| d.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "{}: no tests/*/testsuite/wasm32-wasip1 directory", archive.display());
    dirs
}

/// What a case is run with and must do.
#[derive(Debug, Default)]
struct Spec {
    args: Vec<String>,
    env: BTreeMap<String, String>,
    /// Directory (relative to the test directory) preopened as `/`.
    root: Option<String>,
    /// Directories (relative to the test directory) preopened under their own names (older suites).
    dirs: Vec<String>,
    exit_code: i64,
    stdout: Option<String>,
    stderr: Option<String>,
}

#[derive(Debug)]
struct Case {
    /// `c/lseek`: the language directory and the module's name.
    name: String,
    wasm: PathBuf,
    spec: Result<Spec, String>,
}

fn strings(v: &Value, what: &str) -> Result<Vec<String>, String> {
    v.as_array()
        .ok_or(format!("`{what}` is not an array"))?
        .iter()
        .map(|a| a.as_str().map(String::from).ok_or(format!("`{what}` holds a non-string")))
        .collect()
}

fn string_map(v: &Value, what: &str) -> Result<BTreeMap<String, String>, String> {
    v.as_object()
        .ok_or(format!("`{what}` is not an object"))?
        .iter()
        .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or(format!("`{what}.{k}` is not a string"))?.to_string())))
        .collect()
}

fn string(v: &Value, what: &str) -> Result<String, String> {
    v.as_str().map(String::from).ok_or(format!("`{what}` is not a string"))
}

fn exit_code(v: &Value) -> Result<i64, String> {
    v.as_i64().ok_or("`exit_code` is not an integer".into())
}

/// Reads a specification (see the module comment); an unknown field or operation is an error.
fn parse_spec(json: &Value) -> Result<Spec, String> {
    let obj = json.as_object().ok_or("the specification is not a JSON object")?;
    let mut spec = Spec::default();
    if obj.contains_key("operations") {
        let proposals = obj.get("proposals").map(|p| strings(p, "proposals")).transpose()?.unwrap_or_default();
        if !proposals.is_empty() {
            return Err(format!("needs WASI proposals {proposals:?}: not preview1, unsupported"));
        }
        let ops = obj["operations"].as_array().ok_or("`operations` is not an array")?;
        let (mut runs, mut waits) = (0, 0);
        for op in ops {
            let op = op.as_object().ok_or("an operation is not an object")?;
            let kind = op.get("type").and_then(Value::as_str).ok_or("an operation has no `type`")?;
            for key in op.keys() {
                let known: &[&str] = match kind {
                    "run" => &["type", "args", "env", "root"],
                    "wait" => &["type", "exit_code"],
                    "read" => &["type", "id", "payload"],
                    _ => return Err(format!("operation `{kind}` is unsupported (sockets, http)")),
                };
                if !known.contains(&key.as_str()) {
                    return Err(format!("operation `{kind}` has an unknown field `{key}`"));
                }
            }
            match kind {
                "run" => {
                    runs += 1;
                    if let Some(a) = op.get("args") {
                        spec.args = strings(a, "args")?;
                    }
                    if let Some(e) = op.get("env") {
                        spec.env = string_map(e, "env")?;
                    }
                    spec.root = op.get("root").filter(|r| !r.is_null()).map(|r| string(r, "root")).transpose()?;
                }
                "wait" => {
                    waits += 1;
                    spec.exit_code = op.get("exit_code").map(exit_code).transpose()?.unwrap_or(0);
                }
                _ => {
                    let payload = op.get("payload").map(|p| string(p, "payload")).transpose()?.unwrap_or_default();
                    match op.get("id").and_then(Value::as_str).unwrap_or("stdout") {
                        "stdout" => spec.stdout = Some(payload),
                        "stderr" => spec.stderr = Some(payload),
                        id => return Err(format!("`read` from unknown stream `{id}`")),
                    }
                }
            }
        }
        if runs != 1 || waits != 1 {
            return Err(format!("{runs} `run` and {waits} `wait` operations: one of each is supported"));
        }
        return Ok(spec);
    }
    for (key, v) in obj {
        match key.as_str() {
            "args" => spec.args = strings(v, "args")?,
            "env" => spec.env = string_map(v, "env")?,
            "root" if v.is_null() => {}
            "root" => spec.root = Some(string(v, "root")?),
            "dirs" => spec.dirs = strings(v, "dirs")?,
            "exit_code" => spec.exit_code = exit_code(v)?,
            "stdout" => spec.stdout = Some(string(v, "stdout")?),
            "stderr" => spec.stderr = Some(string(v, "stderr")?),
            _ => return Err(format!("unknown field `{key}`")),
        }
    }
    Ok(spec)
}

fn cases(dirs: &[PathBuf]) -> Vec<Case> {
    let filter = std::env::var("W2N_TEST_FILTER").ok();
    let mut cases = Vec::new();
    for dir in dirs {
        let lang = dir.ancestors().nth(2).map(file_stem).unwrap_or_default();
        for e in std::fs::read_dir(dir).expect("read test directory") {
            let wasm = e.expect("entry").path();
            if wasm.extension().is_none_or(|x| x != "wasm") {
                continue;
            }
            let name = format!("{lang}/{}", file_stem(&wasm));
            if filter.as_deref().is_some_and(|f| !name.contains(f)) {
                continue;
            }
            let json = wasm.with_extension("json");
            let spec = if json.exists() {
                std::fs::read_to_string(&json)
                    .map_err(|e| e.to_string())
                    .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| format!("{}: {e}", json.display())))
                    .and_then(|v| parse_spec(&v))
            } else {
                Ok(Spec::default())
            };
            cases.push(Case { name, wasm, spec });
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    if filter.is_none() {
        assert!(!cases.is_empty(), "the WASI test suite holds no *.wasm");
    }
    cases
}

/// Copies a fixture directory (files, directories, symlinks), leaving out `*.cleanup` leftovers.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("mkdir {}: {e}", to.display()));
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let e = e.expect("entry");
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.extension().is_some_and(|x| x == "cleanup") {
            continue;
        }
        let t = e.file_type().expect("file type");
        if t.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).expect("readlink"), &dst).expect("symlink");
        } else if t.is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    Host,
    Cross(Cross),
}

/// Compares one run with the specification; returns the problems found.
fn expectations(spec: &Spec, out: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    if out.timed_out || out.code().map(i64::from) != Some(spec.exit_code) {
        problems.push(format!("{}, expected exit status {}", out.describe_status(), spec.exit_code));
    }
    for (stream, want, got) in [("stdout", &spec.stdout, &out.stdout), ("stderr", &spec.stderr, &out.stderr)] {
        if let Some(want) = want {
            if want.as_bytes() != got.as_slice() {
                problems.push(format!("{stream} {:?}, expected {want:?}", String::from_utf8_lossy(got)));
            }
        }
    }
    problems
}

/// Runs one case for `target`: Ok, or what went wrong with the full output.
fn check(case: &Case, target: Target) -> Result<(), String> {
    let spec = case.spec.as_ref().map_err(|e| format!("cannot read the specification: {e}"))?;
    let test_dir = case.wasm.parent().expect("test directory");
    let tmp = tempfile::tempdir().expect("tempdir");
    // Grants: fresh copies of the fixtures for each way of running (`root` as `/`, `dirs` under their
    // names), and the environment.
    let grants = |way: &str| {
        let mut grants = Vec::new();
        if let Some(root) = &spec.root {
            let copy = tmp.path().join(way).join("root");
            copy_tree(&test_dir.join(root), &copy);
            grants.extend(["--dir".to_string(), format!("{}::/", copy.display())]);
        }
        for d in &spec.dirs {
            let copy = tmp.path().join(way).join("dirs").join(d);
            copy_tree(&test_dir.join(d), &copy);
            grants.extend(["--dir".to_string(), format!("{}::{d}", copy.display())]);
        }
        for (k, v) in &spec.env {
            grants.extend(["--env".to_string(), format!("{k}={v}")]);
        }
        grants
    };
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).expect("mkdir work");
    let wasm = case.wasm.display().to_string();

    let exe = work.join("case");
    let mut args: Vec<String> = vec!["compile".into(), wasm.clone(), "-o".into(), exe.display().to_string()];
    args.extend(["-O".into(), OPT.into(), "--jobs".into(), "1".into()]);
    if let Target::Cross(cross) = target {
        args.extend(["--target".into(), cross.target.into()]);
    }
    args.extend(grants("executable"));
    let c = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
    if c.code() != Some(0) {
        return Err(format!("`wasm2native {}` failed:\n{}", args.join(" "), c.report()));
    }
    let mut problems = Vec::new();
    let executable = match target {
        Target::Cross(cross) => {
            let mut cmd = cross.command(&exe);
            cmd.args(&spec.args).current_dir(&work).env_clear();
            run(&mut cmd, b"", CROSS_RUN_TIMEOUT)
        }
        Target::Host => {
            let mut cmd = Command::new(&exe);
            cmd.args(&spec.args).current_dir(&work).env_clear();
            run(&mut cmd, b"", RUN_TIMEOUT)
        }
    };
    problems.extend(expectations(spec, &executable).into_iter().map(|p| format!("executable: {p}")));
    let mut report = format!("  executable:\n{}", executable.report());

    if target == Target::Host {
        let mut cmd = wasm2native();
        cmd.args(["run", "-O", OPT]).args(grants("run")).arg(&wasm).args(&spec.args).current_dir(&work);
        let ran = run(&mut cmd, b"", RUN_TIMEOUT);
        problems.extend(expectations(spec, &ran).into_iter().map(|p| format!("wasm2native run: {p}")));
        report = format!("  wasm2native run:\n{}\n{report}", ran.report());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{report}", problems.join("\n")))
    }
}

/// Runs every case on `target`, as many at a time as there are cores (at most 4; each compiles with
/// `--jobs 1`), and fails naming every failing case.
fn run_suite(target: Target, suite: &str) {
    let start = Instant::now();
    let tmp = tempfile::tempdir().expect("tempdir");
    let cases = cases(&extract(tmp.path()));
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    let mut results: Vec<(usize, Result<(), String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        done.push((i, check(case, target)));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    let mut failures = Failures::default();
    for (i, result) in results {
        match result {
            Ok(()) => failures.pass(&cases[i].name),
            Err(e) => failures.add(&cases[i].name, e),
        }
    }
    eprintln!("{suite}: {} cases in {:.1} s", cases.len(), start.elapsed().as_secs_f64());
    failures.finish(suite, cases.len());
}

#[test]
fn wasi_testsuite_x86_64_run_and_executable() {
    run_suite(Target::Host, "wasi-testsuite preview1, `wasm2native run` and executables");
}

#[test]
fn wasi_testsuite_aarch64_executables_under_qemu() {
    run_suite(Target::Cross(AARCH64), "wasi-testsuite preview1, aarch64 executables under qemu");
}
