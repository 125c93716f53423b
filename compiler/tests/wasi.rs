//! WASI preview1 end to end: every `tests/wasi/*.c` (wasi-libc, calling the imports directly through
//! `tests/wasi/check.h`) and `tests/wasi/*.wat` is a Wasm-only case run three ways:
//!
//!   - an executable with the grants baked in (`compile --dir ... --dir-ro ... --env ...`);
//!   - an executable compiled without grants, given them at run time (`WASM2NATIVE_DIRS`,
//!     `WASM2NATIVE_DIRS_RO`, `WASM2NATIVE_ENV`), with openat2 switched off (`W2N_WASI_NO_OPENAT2=1`)
//!     so that the runtime's fallback path resolution is the one tested;
//!   - `wasm2native run --dir ... --dir-ro ... --env ...`.
//!
//! Every case gets a fresh temporary directory laid out as
//!
//!   rw/            granted read-write as "rw" (fd 3); empty but for the planted symlinks:
//!   rw/planted/etc -> /etc, rw/planted/up -> ../.. (leads out of rw), rw/planted/abs -> <tmp>/rw
//!   ro/            granted read-only as "ro" (fd 4): data.txt ("read-only data\n"), sub/inner.txt
//!                  ("inner\n"), link-to-data -> data.txt
//!   outside.txt    ("outside\n"), out/secret.txt ("outside\n"), out/x/: never reachable
//!   build/         the compiled program
//!
//! and afterwards everything but rw/ and build/ must be exactly as it was: nothing created, changed
//! or removed outside the read-write grant. Header lines (`//` or `;;`):
//!
//!   functions: NAME...     the WASI functions the case tests (each must be called in the file; every
//!                          function of the runtime's table must be tested by some case)
//!   args: A B              arguments after argv[0]
//!   env: NAME=VAL ...      the guest's environment (granted in each way's manner)
//!   stdin: TEXT            standard input, a pipe (`\n` escapes)
//!   stdin-socket: TEXT     standard input is one end of a Unix socket pair; the harness sends TEXT
//!                          on the other end, shuts it for writing, and reads what the guest sends
//!   stdin-listener: TEXT   standard input is a listening Unix socket with one connection pending;
//!                          the harness's end sends TEXT and reads what the guest sends
//!   expect-socket: TEXT    what the guest must have sent on the socket
//!   race: rename A B       while the case runs, a thread keeps renaming <tmp>/A to <tmp>/B and back
//!   race: swap A TARGET    ... keeps replacing directory <tmp>/A by a symlink to TARGET and back
//!   expect-exit: N         the exit status (default 0)
//!
//! A C case passes when it exits with the expected status, printed at least one `ok` line and no
//! `not ok` line (its checks, see check.h). A `<name>.stdout` file beside a case is its exact output.

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
enum Input {
    Bytes(Vec<u8>),
    Socket(Vec<u8>),
    Listener(Vec<u8>),
}

#[derive(Debug, Clone)]
enum Race {
    Rename(String, String),
    Swap(String, String),
}

#[derive(Debug)]
struct Case {
    name: String,
    source: PathBuf,
    functions: Vec<String>,
    args: Vec<String>,
    env: BTreeMap<String, String>,
    input: Input,
    expect_socket: Option<Vec<u8>>,
    races: Vec<Race>,
    expect_exit: i32,
}

fn unescape(s: &str) -> Vec<u8> {
    s.replace("\\n", "\n").replace("\\t", "\t").into_bytes()
}

fn parse_case(source: &Path) -> Case {
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let comment = if source.extension().is_some_and(|e| e == "wat") { ";;" } else { "//" };
    let mut case = Case {
        name: file_stem(source),
        source: source.to_path_buf(),
        functions: Vec::new(),
        args: Vec::new(),
        env: BTreeMap::new(),
        input: Input::Bytes(Vec::new()),
        expect_socket: None,
        races: Vec::new(),
        expect_exit: 0,
    };
    let bad = |what: &str| -> ! { panic!("{}: bad header line `{what}`", source.display()) };
    for (key, value) in header(&text, comment) {
        match key.as_str() {
            "functions" => case.functions = value.split_whitespace().map(String::from).collect(),
            "args" => case.args = value.split_whitespace().map(String::from).collect(),
            "env" => {
                for item in value.split_whitespace() {
                    let (k, v) = item.split_once('=').unwrap_or_else(|| bad(item));
                    case.env.insert(k.to_string(), v.to_string());
                }
            }
            "stdin" => case.input = Input::Bytes(unescape(&value)),
            "stdin-socket" => case.input = Input::Socket(unescape(&value)),
            "stdin-listener" => case.input = Input::Listener(unescape(&value)),
            "expect-socket" => case.expect_socket = Some(unescape(&value)),
            "race" => {
                let words: Vec<&str> = value.split_whitespace().collect();
                case.races.push(match words.as_slice() {
                    ["rename", a, b] => Race::Rename(a.to_string(), b.to_string()),
                    ["swap", a, target] => Race::Swap(a.to_string(), target.to_string()),
                    _ => bad(&value),
                });
            }
            "expect-exit" => case.expect_exit = value.parse().unwrap_or_else(|_| bad(&value)),
            _ => {} // prose that happens to contain a colon
        }
    }
    case
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Way {
    /// Grants baked in at compile time.
    Executable,
    /// Grants through WASM2NATIVE_* at run time, and the fallback resolver (no openat2).
    ExecutableRuntimeGrants,
    /// `wasm2native run`.
    Run,
}

/// Creates the sandbox layout (see the module comment) in `root`.
fn lay_out(root: &Path) {
    let mkdir = |p: &str| std::fs::create_dir_all(root.join(p)).expect("mkdir");
    for d in ["build", "rw/planted", "ro/sub", "out/x"] {
        mkdir(d);
    }
    write_file(root, "outside.txt", "outside\n");
    write_file(root, "out/secret.txt", "outside\n");
    write_file(root, "ro/data.txt", "read-only data\n");
    write_file(root, "ro/sub/inner.txt", "inner\n");
    let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, root.join(name)).expect("symlink");
    link(Path::new("data.txt"), "ro/link-to-data");
    link(Path::new("/etc"), "rw/planted/etc");
    link(Path::new("../.."), "rw/planted/up");
    link(&root.join("rw"), "rw/planted/abs");
}

/// Every entry under `root` but `skip` (type, and contents or link target), sorted by path.
fn snapshot(root: &Path, skip: &[&str]) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, skip: &[&str], out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if skip.contains(&rel.as_str()) {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
            let what = if meta.file_type().is_symlink() {
                format!("symlink -> {}", std::fs::read_link(&p).map(|t| t.display().to_string()).unwrap_or_default())
            } else if meta.is_dir() {
                walk(root, &p, skip, out);
                "directory".to_string()
            } else {
                use std::os::unix::fs::MetadataExt;
                format!(
                    "file {:?} mode {:o} mtime {}",
                    String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default()),
                    meta.mode(),
                    meta.mtime()
                )
            };
            out.insert(rel, what);
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, skip, &mut out);
    out
}

/// Builds the case into `build/`: a C case with clang-19 for wasm32-wasi, a .wat as it is.
fn build(case: &Case, build: &Path) -> Result<PathBuf, String> {
    if case.source.extension().is_some_and(|e| e == "wat") {
        return Ok(case.source.clone());
    }
    let wasm = build.join(format!("{}.wasm", case.name));
    let include = repo_root().join("tests/wasi");
    let args = [
        "--target=wasm32-wasi".to_string(),
        "--sysroot=/usr".into(),
        "-O2".into(),
        "-Wall".into(),
        "-Werror".into(),
        format!("-I{}", include.display()),
        case.source.display().to_string(),
        "-o".into(),
        wasm.display().to_string(),
    ];
    let o = run(Command::new(clang()).args(&args), b"", COMPILE_TIMEOUT);
    if o.code() != Some(0) {
        return Err(format!("clang-19 {} failed (run `cargo xtask setup`?):\n{}", args.join(" "), o.report()));
    }
    Ok(wasm)
}

/// Keeps doing `race` in `root` until `stop`, then puts things back.
fn racer(root: PathBuf, race: Race, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut rounds = 0u64;
        match &race {
            Race::Rename(a, b) => {
                let (a, b) = (root.join(a), root.join(b));
                while !stop.load(Ordering::Relaxed) {
                    if std::fs::rename(&a, &b).is_ok() {
                        rounds += 1;
                    }
                    let _ = std::fs::rename(&b, &a);
                }
                let _ = std::fs::rename(&b, &a);
            }
            Race::Swap(a, target) => {
                let a = root.join(a);
                let aside = a.with_extension("aside");
                while !stop.load(Ordering::Relaxed) {
                    if std::fs::rename(&a, &aside).is_ok() {
                        if std::os::unix::fs::symlink(target, &a).is_ok() {
                            rounds += 1;
                            std::thread::yield_now();
                            let _ = std::fs::remove_file(&a);
                        }
                        let _ = std::fs::rename(&aside, &a);
                    } else {
                        std::thread::yield_now();
                    }
                }
            }
        }
        rounds
    })
}

/// Runs `cmd` with `input` as its standard input; returns the outcome and what the guest sent on a
/// socket input.
fn run_case(cmd: &mut Command, input: &Input, build: &Path) -> (Outcome, Option<Vec<u8>>) {
    let (stdin, peer): (Stdio, Option<UnixStream>) = match input {
        Input::Bytes(bytes) => return (run(cmd, bytes, RUN_TIMEOUT), None),
        Input::Socket(text) => {
            let (ours, theirs) = UnixStream::pair().expect("socketpair");
            (&ours).write_all(text).expect("write to the socket");
            ours.shutdown(std::net::Shutdown::Write).expect("shutdown");
            (Stdio::from(std::os::fd::OwnedFd::from(theirs)), Some(ours))
        }
        Input::Listener(text) => {
            let path = build.join("listener.sock");
            let _ = std::fs::remove_file(&path);
            let listener = UnixListener::bind(&path).expect("bind");
            let client = UnixStream::connect(&path).expect("connect");
            (&client).write_all(text).expect("write to the socket");
            client.shutdown(std::net::Shutdown::Write).expect("shutdown");
            (Stdio::from(std::os::fd::OwnedFd::from(listener)), Some(client))
        }
    };
    let child = cmd.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let outcome = collect(child, RUN_TIMEOUT);
    let mut sent = Vec::new();
    if let Some(mut peer) = peer {
        peer.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let _ = peer.read_to_end(&mut sent);
    }
    (outcome, Some(sent))
}

fn check(case: &Case, way: Way) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    lay_out(root);
    let build_dir = root.join("build");
    let wasm = build(case, &build_dir)?;
    let before = snapshot(root, &["rw", "build"]);
    let (rw, ro) = (format!("{}::rw", root.join("rw").display()), format!("{}::ro", root.join("ro").display()));
    let env_args: Vec<String> = case.env.iter().flat_map(|(k, v)| ["--env".to_string(), format!("{k}={v}")]).collect();

    let mut cmd = match way {
        Way::Executable | Way::ExecutableRuntimeGrants => {
            let exe = build_dir.join(&case.name);
            let mut args =
                vec!["compile".to_string(), wasm.display().to_string(), "-o".into(), exe.display().to_string()];
            if way == Way::Executable {
                args.extend(["--dir".to_string(), rw.clone(), "--dir-ro".into(), ro.clone()]);
                args.extend(env_args.iter().cloned());
            }
            let c = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
            if c.code() != Some(0) {
                return Err(format!("`wasm2native {}` failed:\n{}", args.join(" "), c.report()));
            }
            let mut cmd = Command::new(&exe);
            cmd.args(&case.args);
            for v in ["WASM2NATIVE_DIRS", "WASM2NATIVE_DIRS_RO", "WASM2NATIVE_ENV", "W2N_WASI_NO_OPENAT2"] {
                cmd.env_remove(v);
            }
            if way == Way::ExecutableRuntimeGrants {
                cmd.env("WASM2NATIVE_DIRS", &rw).env("WASM2NATIVE_DIRS_RO", &ro).env("W2N_WASI_NO_OPENAT2", "1");
                cmd.env("WASM2NATIVE_ENV", case.env.keys().cloned().collect::<Vec<_>>().join(","));
                cmd.envs(&case.env);
            }
            cmd
        }
        Way::Run => {
            let mut cmd = wasm2native();
            cmd.args(["run", "--dir", &rw, "--dir-ro", &ro]).args(&env_args).arg(&wasm).args(&case.args);
            cmd.env_remove("W2N_WASI_NO_OPENAT2");
            cmd
        }
    };
    cmd.current_dir(&build_dir);

    let stop = Arc::new(AtomicBool::new(false));
    let racers: Vec<_> = case.races.iter().map(|r| racer(root.to_path_buf(), r.clone(), stop.clone())).collect();
    let (out, sent) = run_case(&mut cmd, &case.input, &build_dir);
    stop.store(true, Ordering::Relaxed);
    let rounds: Vec<u64> = racers.into_iter().map(|t| t.join().expect("racer")).collect();

    let mut problems = Vec::new();
    if out.timed_out || out.code() != Some(case.expect_exit) {
        problems.push(format!("status: {}, expected exit status {}", out.describe_status(), case.expect_exit));
    }
    let stdout = out.stdout_text();
    let expected_stdout = case.source.with_extension("stdout");
    if expected_stdout.exists() {
        let want = std::fs::read_to_string(&expected_stdout).expect("read .stdout");
        if stdout != want {
            problems.push(format!("stdout differs from {}", expected_stdout.display()));
        }
    } else if case.source.extension().is_some_and(|e| e == "c") {
        if stdout.lines().any(|l| l.starts_with("not ok")) || !stdout.lines().any(|l| l.starts_with("ok ")) {
            problems.push("a check failed (a `not ok` line), or none ran".to_string());
        }
    }
    if let Some(want) = &case.expect_socket {
        let got = sent.unwrap_or_default();
        if &got != want {
            problems.push(format!(
                "the guest sent {:?} on the socket, expected {:?}",
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(want)
            ));
        }
    }
    if rounds.iter().any(|&r| r == 0) {
        problems.push("a race thread never got to change anything: the case tested nothing".to_string());
    }
    let after = snapshot(root, &["rw", "build"]);
    if after != before {
        let changed: Vec<String> = before
            .keys()
            .chain(after.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| format!("    {k}: {:?} -> {:?}", before.get(k), after.get(k)))
            .collect();
        problems.push(format!("outside the read-write grant, something changed:\n{}", changed.join("\n")));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!("{}\n{}", problems.join("\n"), out.report()))
}

fn cases() -> Vec<PathBuf> {
    let mut files = test_files("wasi", "c");
    files.extend(test_files_optional("wasi", "wat"));
    files.sort();
    files
}

fn run_all(way: Way, suite: &str) {
    clang(); // panics with the setup hint when clang-19 is missing
    let files = cases();
    Failures::run_each(suite, &files, |f| {
        let case = parse_case(f);
        (case.name.clone(), check(&case, way))
    });
}

#[test]
fn wasi_cases_as_executables_with_baked_grants() {
    run_all(Way::Executable, "tests/wasi, executables with --dir/--dir-ro/--env baked in");
}

#[test]
fn wasi_cases_as_executables_with_runtime_grants_without_openat2() {
    run_all(
        Way::ExecutableRuntimeGrants,
        "tests/wasi, executables with WASM2NATIVE_* grants and W2N_WASI_NO_OPENAT2=1",
    );
}

#[test]
fn wasi_cases_with_wasm2native_run() {
    run_all(Way::Run, "tests/wasi, wasm2native run --dir/--dir-ro/--env");
}

/// The names of the runtime's WASI functions, from its import table in runtime-lib/src/wasi.c.
fn runtime_functions() -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("runtime-lib/src/wasi.c")).expect("read wasi.c");
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("{\"")?.split_once('"').map(|(name, _)| name.to_string()))
        .filter(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

/// Every function of wasi_snapshot_preview1 the runtime provides is tested by a case that says so in
/// its `functions:` line and calls it.
#[test]
fn every_wasi_function_has_a_case() {
    if std::env::var("W2N_TEST_FILTER").is_ok() {
        use std::io::Write;
        // Past the harness's capture: a filtered run does not check completeness, and says so.
        let _ = writeln!(std::io::stderr(), "SKIPPED every_wasi_function_has_a_case: W2N_TEST_FILTER is set");
        return;
    }
    let functions = runtime_functions();
    assert_eq!(functions.len(), 46, "wasi_snapshot_preview1 has 46 functions; the table in wasi.c has {functions:?}");
    let mut covered = BTreeSet::new();
    let mut problems = Vec::new();
    for f in cases() {
        let case = parse_case(&f);
        let text = std::fs::read_to_string(&f).expect("read case");
        for name in &case.functions {
            let c_name = format!("w_{name}");
            let called = text
                .match_indices(&c_name)
                .any(|(i, _)| !text[i + c_name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
                || text.contains(&format!("\"{name}\""));
            if !called {
                problems.push(format!("{}: lists {name} in `functions:` but never calls it", case.name));
            }
            if !functions.contains(name) {
                problems.push(format!("{}: `functions:` names {name}, which the runtime does not have", case.name));
            }
            covered.insert(name.clone());
        }
    }
    for name in &functions {
        if !covered.contains(name) {
            problems.push(format!("no case in tests/wasi tests {name}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
