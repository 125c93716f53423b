//! Helpers shared by the end-to-end tests: locating the `wasm2native` binary and the test files,
//! running processes with a timeout, and reading the expectations from a test file's header comment.
//!
//! Every test works in its own `tempfile` directory; nothing is written into the source tree.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The `wasm2native` binary built by Cargo for this test run.
pub fn wasm2native() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wasm2native"))
}

/// The repository root (the parent of `compiler/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("compiler/ has a parent").to_path_buf()
}

/// The files of `tests/<dir>` with extension `ext`, sorted, filtered by `W2N_TEST_FILTER` (a
/// substring of the file name) when that variable is set.
pub fn test_files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let files = test_files_optional(dir, ext);
    if std::env::var_os("W2N_TEST_FILTER").is_none() {
        let root = repo_root().join("tests").join(dir);
        assert!(!files.is_empty(), "no *.{ext} files in {}", root.display());
    }
    files
}

/// Like `test_files`, but no file at all is fine (a directory may hold only some kinds of case).
pub fn test_files_optional(dir: &str, ext: &str) -> Vec<PathBuf> {
    let root = repo_root().join("tests").join(dir);
    let filter = std::env::var("W2N_TEST_FILTER").ok();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter(|p| filter.as_deref().is_none_or(|f| p.file_name().unwrap().to_string_lossy().contains(f)))
        .collect();
    files.sort();
    files
}

/// The `NAME=VAL` items of an `env:` header line.
pub fn env_items(value: &str, source: &Path) -> Vec<(String, String)> {
    value
        .split_whitespace()
        .map(|item| {
            let (k, v) = item
                .split_once('=')
                .unwrap_or_else(|| panic!("{}: env item `{item}` is not NAME=VAL", source.display()));
            (k.to_string(), v.to_string())
        })
        .collect()
}

pub fn file_stem(p: &Path) -> String {
    p.file_stem().expect("file name").to_string_lossy().into_owned()
}

/// The `key: value` lines of the leading comment block of a test file (lines starting with
/// `comment`, e.g. `//` or `;;`), in order. Lines without a `key:` are prose and are skipped.
pub fn header(text: &str, comment: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix(comment) else { break };
        let rest = rest.trim();
        if let Some((key, value)) = rest.split_once(':') {
            let key = key.trim();
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                out.push((key.to_string(), value.trim().to_string()));
            }
        }
    }
    out
}

/// Finished process.
pub struct Outcome {
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timed_out: bool,
}

impl Outcome {
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    /// "exit status 3", "killed by signal 11 (core dumped)", "timed out".
    pub fn describe_status(&self) -> String {
        use std::os::unix::process::ExitStatusExt;
        if self.timed_out {
            return "timed out (killed)".into();
        }
        match self.status {
            None => "did not finish".into(),
            Some(s) => match (s.code(), s.signal()) {
                (Some(c), _) => format!("exit status {c}"),
                (None, Some(sig)) => {
                    format!("killed by signal {sig}{}", if s.core_dumped() { " (core dumped)" } else { "" })
                }
                _ => format!("{s}"),
            },
        }
    }
    /// A multi-line description for failure messages (output cut to a readable length).
    pub fn report(&self) -> String {
        format!(
            "  status: {}\n  stdout ({} bytes):\n{}\n  stderr ({} bytes):\n{}",
            self.describe_status(),
            self.stdout.len(),
            indent(&clip(&self.stdout_text(), 3000)),
            self.stderr.len(),
            indent(&clip(&self.stderr_text(), 3000)),
        )
    }
}

pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}\n... ({} more bytes)", &s[..cut], s.len() - cut)
}

pub fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    | {l}")).collect::<Vec<_>>().join("\n")
}

/// Runs `cmd` with `stdin` as its standard input, capturing stdout and stderr; kills it after
/// `timeout`.
pub fn run(cmd: &mut Command, stdin: &[u8], timeout: Duration) -> Outcome {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The program may exit without reading its input: a broken pipe is fine.
        let _ = input.write_all(&data);
    });
    let outcome = collect(child, timeout);
    let _ = writer.join();
    outcome
}

/// Waits for a spawned `child` (stdout and stderr piped), capturing both; kills it after `timeout`.
pub fn collect(mut child: std::process::Child, timeout: Duration) -> Outcome {
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("waiting for a child process: {e}"),
        }
    };
    Outcome {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        timed_out,
    }
}

/// Generous limits: the machine may be busy with other test binaries.
pub const COMPILE_TIMEOUT: Duration = Duration::from_secs(600);
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `wasm2native` with `args` (no stdin).
pub fn w2n(args: &[&str]) -> Outcome {
    run(wasm2native().args(args), b"", COMPILE_TIMEOUT)
}

/// `wasm2native compile`, panicking with the full output when it fails.
pub fn compile_ok(args: &[&str]) {
    let mut all = vec!["compile"];
    all.extend_from_slice(args);
    let out = w2n(&all);
    assert!(out.code() == Some(0), "wasm2native {} failed:\n{}", all.join(" "), out.report());
}

/// Finds `clang-19`, or panics telling how to install it: the end-to-end C tests never pass
/// silently without their compiler.
pub fn clang() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let candidates =
        std::env::split_paths(&path).map(|d| d.join("clang-19")).chain([PathBuf::from("/usr/lib/llvm-19/bin/clang")]);
    for p in candidates {
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "clang-19 not found: these tests build C programs natively and for wasm32-wasi. \
         Run `cargo xtask setup` (or `apt-get install clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32`)."
    )
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("writing {}: {e}", p.display()));
    p
}

/// Collects per-case failures so one run reports every failing case, not just the first.
#[derive(Default)]
pub struct Failures(Vec<String>);

impl Failures {
    pub fn add(&mut self, case: &str, what: String) {
        eprintln!("FAIL {case}: {}", what.lines().next().unwrap_or(""));
        self.0.push(format!("---- {case}\n{what}"));
    }
    pub fn pass(&self, case: &str) {
        eprintln!("ok   {case}");
    }
    /// Checks every case file with `check` (which names its case), then fails with all failures.
    pub fn run_each(suite: &str, files: &[PathBuf], check: impl Fn(&Path) -> (String, Result<(), String>)) {
        let mut failures = Failures::default();
        for f in files {
            match check(f) {
                (name, Ok(())) => failures.pass(&name),
                (name, Err(e)) => failures.add(&name, e),
            }
        }
        failures.finish(suite, files.len());
    }

    pub fn finish(self, suite: &str, total: usize) {
        if !self.0.is_empty() {
            panic!(
                "{suite}: {} of {total} case(s) failed (set W2N_TEST_FILTER=<name> to run one):\n\n{}",
                self.0.len(),
                self.0.join("\n\n")
            );
        }
    }
}

/// A cross target: its `--target` name and how this machine runs its executables (qemu-user with
/// the target's C library), as `wasm2native targets` prints.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cross {
    pub target: &'static str,
    pub runner: &'static [&'static str],
}

pub const AARCH64: Cross =
    Cross { target: "aarch64-unknown-linux-gnu", runner: &["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"] };
pub const RISCV64: Cross =
    Cross { target: "riscv64gc-unknown-linux-gnu", runner: &["qemu-riscv64", "-L", "/usr/riscv64-linux-gnu"] };

impl Cross {
    /// The command that runs `exe` for this target; panics with the setup hint when qemu is missing.
    pub fn command(&self, exe: &Path) -> Command {
        let qemu = self.runner[0];
        let found = std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(qemu).is_file()));
        assert!(found, "{qemu} not found: run `cargo xtask setup` (package qemu-user)");
        let mut c = Command::new(qemu);
        c.args(&self.runner[1..]).arg(exe);
        c
    }
}
