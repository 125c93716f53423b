//! `cargo xtask spec [--target T] [-O LEVEL] [--jobs N] [--timeout SECS] [--bless] [FILTER...]`:
//! runs every `.wast` file of the spec testsuite (`../shared/spec-testsuite`) through
//! `wasm2native wast -O LEVEL`, one process per file, N in parallel; writes
//! `spec-tests/STATUS<config>.md`; checks the results against
//! `spec-tests/expected-failures<config>.txt`.
//!
//! A configuration is a target and an optimisation level; `<config>` is empty for the host at -O0
//! and otherwise `-<target>` (not the host) followed by `-O<level>` (not 0): `STATUS-O2.md`,
//! `expected-failures-aarch64-unknown-linux-gnu-O2.txt`. Each configuration has its own list.
//! `CONFIGS` are the ones `cargo xtask test` checks; `STATUS.md` sums up the others.
//!
//! The check fails when a file that is not listed does not fully pass (a regression) and when a
//! listed file now fully passes (the list can only shrink). "Fully passes" means the runner exited
//! normally with status 0, printed its summary line, and reported 0 failed and 0 skipped. A crash
//! (signal, or no summary line) or a timeout counts as not passing.
//!
//! The last line printed is the total over all files run: `N passed, N failed, N skipped`
//! (assertions, as counted by `wasm2native wast`). The exit status is the expected-failures check.
//!
//! `W2N_BIN=/path/to/binary` runs that binary instead of building `wasm2native` (for testing this
//! command itself); `W2N_SPEC_TESTSUITE=/dir` overrides the testsuite directory.

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const HOST: &str = "x86_64-unknown-linux-gnu";
/// The configurations (target, optimisation level) of the spec check in `cargo xtask test`: the
/// host at the level of `wasm2native wast` and at the default of `compile` and `run`, the cross
/// targets (under qemu-user, slower) at the default of `compile` only.
pub const CONFIGS: &[(&str, &str)] =
    &[(HOST, "0"), (HOST, "2"), ("aarch64-unknown-linux-gnu", "2"), ("riscv64gc-unknown-linux-gnu", "2")];
/// Levels `-O` takes (as `wasm2native wast -O` does).
const LEVELS: &[&str] = &["0", "1", "2", "3", "s"];
const DEFAULT_TIMEOUT_SECS: u64 = 300;

pub struct Options {
    pub target: String,
    /// `wasm2native wast -O`: 0, 1, 2, 3 or s.
    pub opt_level: String,
    pub jobs: usize,
    pub timeout: Duration,
    pub bless: bool,
    pub filters: Vec<String>,
    /// Rewrite STATUS.md after an unfiltered run (`cargo xtask test` does not).
    pub write_status: bool,
    /// One line per finished file.
    pub progress: bool,
}

impl Options {
    pub fn new(target: &str, opt_level: &str) -> Options {
        Options {
            target: target.to_string(),
            opt_level: opt_level.to_string(),
            jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            bless: false,
            filters: vec![],
            write_status: true,
            progress: true,
        }
    }
}

/// What a run amounts to: assertion totals over all files, and whether the expected-failures
/// check passed.
pub struct Outcome {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    pub check_ok: bool,
    /// Files: fully passing; failing as expected (listed); unexpected (regressions, listed files
    /// that now pass, stale list entries).
    pub files_passing: u64,
    pub files_expected_failing: u64,
    pub files_unexpected: u64,
}

const USAGE: &str = "\
usage: cargo xtask spec [--target T] [-O LEVEL] [--jobs N] [--timeout SECS] [--bless] [FILTER...]
  runs every .wast file of ../shared/spec-testsuite through `wasm2native wast` in parallel,
  writes spec-tests/STATUS<config>.md and checks spec-tests/expected-failures<config>.txt
  (<config>: empty for the host at -O0, else -<target> unless the host, then -O<level> unless 0)
  --target T      target to run (default: the host, x86_64-unknown-linux-gnu)
  -O LEVEL        optimisation level of the modules: 0, 1, 2, 3 or s (default: 0)
  --jobs N        files run at once (default: the number of cores)
  --timeout SECS  per-file limit; the process is killed and recorded as a timeout (default: 300)
  --bless         rewrite the expected-failures list from this run's results
  FILTER...       only files whose testsuite-relative path contains one of these substrings
                  (STATUS.md is then left alone; the check covers only the files run)";

/// `cargo xtask spec ARGS`: exits non-zero when the expected-failures check fails.
pub fn main(args: &[String]) -> Result<()> {
    let mut opts = Options::new(HOST, "0");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Result<String> {
            it.next().cloned().with_context(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--target" => opts.target = value("--target")?,
            "-O" | "--opt-level" => opts.opt_level = value("-O")?,
            s if s.starts_with("-O") => opts.opt_level = s[2..].to_string(),
            "--jobs" | "-j" => {
                opts.jobs = value("--jobs")?.parse().context("--jobs: not a number")?;
                if opts.jobs == 0 {
                    bail!("--jobs must be at least 1");
                }
            }
            "--timeout" => {
                opts.timeout =
                    Duration::from_secs(value("--timeout")?.parse().context("--timeout: not a number of seconds")?)
            }
            "--bless" => opts.bless = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            s if s.starts_with('-') => bail!("unknown option {s}\n{USAGE}"),
            s => opts.filters.push(s.to_string()),
        }
    }
    if !LEVELS.contains(&opts.opt_level.as_str()) {
        bail!("-O {}: the level is one of {}\n{USAGE}", opts.opt_level, LEVELS.join(", "));
    }
    let outcome = run(&opts)?;
    if !outcome.check_ok {
        std::process::exit(1);
    }
    Ok(())
}

fn canonical_target(t: &str) -> String {
    match t {
        "host" | "x86_64-linux" | "x86_64" => HOST.to_string(),
        t => t.to_string(),
    }
}

/// `-<target>-O<level>`, leaving out the host and -O0: what STATUS and the expected-failures list
/// of a configuration are named after.
pub fn config_suffix(target: &str, opt_level: &str) -> String {
    let target = canonical_target(target);
    let mut s = String::new();
    if target != HOST {
        s += &format!("-{target}");
    }
    if opt_level != "0" {
        s += &format!("-O{opt_level}");
    }
    s
}

/// The spec check: build, run, report, compare with the expected failures (or bless them).
pub fn run(opts: &Options) -> Result<Outcome> {
    let root = crate::root();
    let target = canonical_target(&opts.target);
    let suite = match std::env::var_os("W2N_SPEC_TESTSUITE") {
        Some(dir) => PathBuf::from(dir),
        None => root.join("../shared/spec-testsuite"),
    };
    if !suite.is_dir() {
        bail!("spec: the testsuite is not at {} (expected ../shared/spec-testsuite)", suite.display());
    }
    let suite = suite.canonicalize()?;
    let version = source_version(&root);
    let bin = compiler_binary(&root)?;
    let mut target_args: Vec<String> = vec!["-O".into(), opts.opt_level.clone()];
    if target != HOST {
        let help = Command::new(&bin).args(["wast", "--help"]).output().context("running wasm2native wast --help")?;
        if !String::from_utf8_lossy(&help.stdout).contains("--target") {
            bail!("spec: `wasm2native wast` runs only the host target ({HOST}) today, not {target}");
        }
        target_args.extend(["--target".into(), target.clone()]);
    }

    let all = collect_wast(&suite)?;
    let files: Vec<String> = all
        .iter()
        .filter(|f| opts.filters.is_empty() || opts.filters.iter().any(|s| f.contains(s.as_str())))
        .cloned()
        .collect();
    if files.is_empty() {
        bail!("spec: no .wast file under {} matches {:?}", suite.display(), opts.filters);
    }
    let filtered = !opts.filters.is_empty();
    let jobs = opts.jobs.max(1).min(files.len());
    let level = &opts.opt_level;
    let logs = target_dir(&root).join("spec").join(&target).join(format!("O{level}")).join("logs");
    println!(
        "spec: {} of {} files from {} with {} -O{level} ({jobs} at a time, {} s timeout each)",
        files.len(),
        all.len(),
        suite.display(),
        bin.display(),
        opts.timeout.as_secs()
    );

    let start = Instant::now();
    let results = run_all(&bin, &target_args, &suite, &files, jobs, opts.timeout, &logs, opts.progress)?;
    let wall = start.elapsed();

    let ctx = RunInfo { target: target.clone(), opt_level: level.clone(), version, wall, jobs, files_total: all.len() };
    let summary = summarize(&results);
    let suffix = config_suffix(&target, level);
    let spec_dir = root.join("spec-tests");
    if filtered {
        println!("spec: a filtered run; spec-tests/STATUS{suffix}.md left unchanged");
    } else if !opts.write_status {
        println!("spec: spec-tests/STATUS{suffix}.md left unchanged (cargo xtask spec rewrites it)");
    } else {
        let status_path = spec_dir.join(format!("STATUS{suffix}.md"));
        std::fs::write(&status_path, status_markdown(&ctx, &results, &summary))
            .with_context(|| format!("writing {}", status_path.display()))?;
        println!("spec: wrote {}", status_path.display());
    }

    println!();
    println!(
        "spec: wall time {:.1} s for {} files ({jobs} at a time); per-file logs in {}",
        wall.as_secs_f64(),
        results.len(),
        logs.display()
    );
    print!("{}", summary_text(&summary));

    // The expected-failures check.
    let list_path = spec_dir.join(format!("expected-failures{suffix}.txt"));
    let expected = read_expected(&list_path)?;
    let ran: BTreeSet<&str> = results.iter().map(|r| r.path.as_str()).collect();
    let existing: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    let mut regressions = vec![];
    let mut now_passing = vec![];
    for r in &results {
        let listed = expected.contains(&r.path);
        if !r.fully_passes() && !listed {
            regressions.push(r);
        } else if r.fully_passes() && listed {
            now_passing.push(r.path.as_str());
        }
    }
    let stale: Vec<&str> =
        if filtered { vec![] } else { expected.iter().map(String::as_str).filter(|p| !existing.contains(p)).collect() };
    let list_name = list_path.file_name().unwrap().to_string_lossy().into_owned();

    let check_ok;
    if opts.bless {
        let mut new: BTreeSet<String> =
            expected.iter().filter(|p| !ran.contains(p.as_str()) && existing.contains(p.as_str())).cloned().collect();
        new.extend(results.iter().filter(|r| !r.fully_passes()).map(|r| r.path.clone()));
        let added: Vec<&String> = new.difference(&expected).collect();
        let removed: Vec<&String> = expected.difference(&new).collect();
        std::fs::write(&list_path, expected_text(&new, &target, level))
            .with_context(|| format!("writing {}", list_path.display()))?;
        println!(
            "spec: blessed {} ({} files listed): {} added, {} removed",
            list_path.display(),
            new.len(),
            added.len(),
            removed.len()
        );
        for p in added {
            println!("  + {p}");
        }
        for p in removed {
            println!("  - {p}");
        }
        check_ok = true;
    } else {
        for r in &regressions {
            println!(
                "spec: REGRESSION: {} did not fully pass ({}), and it is not in {list_name}",
                r.path,
                r.describe()
            );
        }
        for p in &now_passing {
            println!("spec: {p} now passes, remove it from {list_name}");
        }
        for p in &stale {
            println!("spec: {p} is listed in {list_name} but is not in the testsuite; remove it");
        }
        check_ok = regressions.is_empty() && now_passing.is_empty() && stale.is_empty();
        if check_ok {
            let listed = results.iter().filter(|r| expected.contains(&r.path)).count();
            println!(
                "spec: expected-failures check passed ({} files fully pass, {listed} listed in {list_name} still fail)",
                summary.total.fully_passing
            );
        } else {
            println!(
                "spec: expected-failures check FAILED: {} regressions, {} files newly passing, {} stale entries \
                 (after a deliberate change: cargo xtask spec --bless)",
                regressions.len(),
                now_passing.len(),
                stale.len()
            );
        }
    }
    let t = &summary.total;
    println!("{} passed, {} failed, {} skipped", t.passed, t.failed, t.skipped);
    let files_passing = t.fully_passing as u64;
    let files_unexpected = if opts.bless { 0 } else { (regressions.len() + now_passing.len() + stale.len()) as u64 };
    let files_expected_failing = (results.len() as u64).saturating_sub(files_passing + files_unexpected);
    Ok(Outcome {
        passed: t.passed,
        failed: t.failed,
        skipped: t.skipped,
        check_ok,
        files_passing,
        files_expected_failing,
        files_unexpected,
    })
}

// ---------------------------------------------------------------------------------------------
// Building and collecting

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root.join(d),
        None => root.join("target"),
    }
}

/// `$W2N_BIN`, or `cargo build -p wasm2native` (the profile the tests use) and its binary.
fn compiler_binary(root: &Path) -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("W2N_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--quiet", "-p", "wasm2native", "--bin", "wasm2native"])
        .status()
        .context("running cargo build -p wasm2native")?;
    if !status.success() {
        bail!("spec: cargo build -p wasm2native failed ({status})");
    }
    let bin = target_dir(root).join("debug/wasm2native");
    if !bin.is_file() {
        bail!("spec: {} is missing after the build", bin.display());
    }
    Ok(bin)
}

/// Every `.wast` file under `dir`, as sorted `/`-separated paths relative to it.
fn collect_wast(dir: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            let ty = entry.file_type()?;
            if ty.is_dir() {
                walk(&entry.path(), &path, out)?;
            } else if name.ends_with(".wast") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = vec![];
    walk(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Running

#[derive(Clone, Debug, PartialEq, Eq)]
enum Status {
    Ok,
    Fail,
    /// Killed by a signal (`Some(n)`), or ended without a summary line (`None`, with its exit code).
    Crash {
        signal: Option<i32>,
        code: Option<i32>,
    },
    Timeout,
}

#[derive(Clone, Debug)]
struct FileResult {
    path: String,
    status: Status,
    passed: u64,
    failed: u64,
    skipped: u64,
    time: Duration,
}

impl FileResult {
    fn fully_passes(&self) -> bool {
        self.status == Status::Ok && self.skipped == 0
    }

    fn status_word(&self) -> String {
        match &self.status {
            Status::Ok => "ok".into(),
            Status::Fail => "fail".into(),
            Status::Crash { signal: Some(s), .. } => format!("crash ({})", signal_name(*s)),
            Status::Crash { signal: None, code } => match code {
                Some(c) => format!("crash (no summary, exit {c})"),
                None => "crash (no summary)".into(),
            },
            Status::Timeout => "timeout".into(),
        }
    }

    fn describe(&self) -> String {
        format!("{}: {} passed, {} failed, {} skipped", self.status_word(), self.passed, self.failed, self.skipped)
    }
}

fn signal_name(s: i32) -> String {
    let name = match s {
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => return format!("signal {s}"),
    };
    name.into()
}

/// The last `N passed, N failed[, N skipped]` line of the output.
fn parse_summary(stdout: &str) -> Option<(u64, u64, u64)> {
    stdout.lines().rev().find_map(|line| {
        let parts: Vec<&str> = line.trim().split(", ").collect();
        if !(parts.len() == 2 || parts.len() == 3) {
            return None;
        }
        let mut nums = [0u64; 3];
        for (i, (part, label)) in parts.iter().zip(["passed", "failed", "skipped"]).enumerate() {
            let (n, l) = part.split_once(' ')?;
            if l != label {
                return None;
            }
            nums[i] = n.parse().ok()?;
        }
        Some((nums[0], nums[1], nums[2]))
    })
}

/// Runs the files, `jobs` at a time, the biggest first (they take longest); prints one line per
/// finished file.
#[allow(clippy::too_many_arguments)]
fn run_all(
    bin: &Path,
    extra: &[String],
    suite: &Path,
    files: &[String],
    jobs: usize,
    timeout: Duration,
    logs: &Path,
    progress: bool,
) -> Result<Vec<FileResult>> {
    let mut order: Vec<(u64, &String)> =
        files.iter().map(|f| (std::fs::metadata(suite.join(f)).map(|m| m.len()).unwrap_or(0), f)).collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let queue: Mutex<VecDeque<&String>> = Mutex::new(order.into_iter().map(|(_, f)| f).collect());
    let (tx, rx) = mpsc::channel::<Result<FileResult>>();
    let total = files.len();
    let mut results = Vec::with_capacity(total);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let queue = &queue;
            scope.spawn(move || loop {
                let Some(file) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let r = run_one(bin, extra, suite, file, timeout, logs);
                if tx.send(r).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for r in rx {
            match r {
                Ok(r) => {
                    if progress {
                        println!(
                            "[{:>3}/{total}] {}: {} ({:.1} s)",
                            results.len() + 1,
                            r.path,
                            r.describe(),
                            r.time.as_secs_f64()
                        );
                    }
                    results.push(r);
                }
                Err(e) => {
                    // Could not even start the process: stop handing out work.
                    queue.lock().unwrap().clear();
                    return Err(e);
                }
            }
        }
        Ok(())
    })?;
    results.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(results)
}

fn run_one(
    bin: &Path,
    extra: &[String],
    suite: &Path,
    file: &str,
    timeout: Duration,
    logs: &Path,
) -> Result<FileResult> {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .arg("wast")
        .args(extra)
        .arg(file)
        .current_dir(suite)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {} wast {file}", bin.display()))?;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = vec![];
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = vec![];
        let _ = err.read_to_end(&mut v);
        v
    });
    let mut timed_out = false;
    let exit = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() >= timeout {
            timed_out = true;
            kill_tree(child.id());
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let time = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();

    let summary = parse_summary(&stdout);
    let (passed, failed, skipped) = summary.unwrap_or((0, 0, 0));
    let status = if timed_out {
        Status::Timeout
    } else if let Some(sig) = exit.signal() {
        Status::Crash { signal: Some(sig), code: None }
    } else if summary.is_none() {
        Status::Crash { signal: None, code: exit.code() }
    } else if failed > 0 || !exit.success() {
        Status::Fail
    } else {
        Status::Ok
    };
    let result = FileResult { path: file.to_string(), status, passed, failed, skipped, time };

    let log = logs.join(format!("{file}.log"));
    if let Some(dir) = log.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let mut text =
        format!("$ wasm2native wast {file}\n# {} in {:.1} s, {exit}\n", result.describe(), time.as_secs_f64());
    if timed_out {
        let _ = writeln!(text, "# killed after the {} s timeout", timeout.as_secs());
    }
    let _ = write!(text, "--- stdout\n{stdout}--- stderr\n{stderr}");
    let _ = std::fs::write(&log, text);
    Ok(result)
}

/// SIGKILLs `pid` and all its descendants (found through `/proc`), so that nothing the runner
/// started keeps the output pipes open.
fn kill_tree(pid: u32) {
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(p) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ppid ...`; comm may contain spaces and parentheses.
            let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                children.entry(ppid).or_default().push(p);
            }
        }
    }
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        all.extend(children.get(&all[i]).cloned().unwrap_or_default());
        i += 1;
    }
    let _ =
        Command::new("kill").arg("-KILL").arg("--").args(all.iter().map(u32::to_string)).stderr(Stdio::null()).status();
}

// ---------------------------------------------------------------------------------------------
// Proposals

/// The summary rows, in order; rows for unknown `proposals/<dir>` directories are added after
/// these, before "other".
const ROWS: &[&str] = &[
    "Wasm 2.0 core",
    "SIMD",
    "relaxed SIMD",
    "tail calls",
    "memory64",
    "multi-memory",
    "exceptions",
    "function references",
    "GC",
    "threads",
    "extended-const",
    "custom-page-sizes",
    "wide-arithmetic",
];
const OTHER: &str = "other";

/// `proposals/<dir>` names (as in the WebAssembly proposal repositories) → row.
const PROPOSAL_DIRS: &[(&str, &str)] = &[
    ("simd", "SIMD"),
    ("relaxed-simd", "relaxed SIMD"),
    ("tail-call", "tail calls"),
    ("memory64", "memory64"),
    ("multi-memory", "multi-memory"),
    ("exception-handling", "exceptions"),
    ("function-references", "function references"),
    ("gc", "GC"),
    ("threads", "threads"),
    ("extended-const", "extended-const"),
    ("custom-page-sizes", "custom-page-sizes"),
    ("wide-arithmetic", "wide-arithmetic"),
];

/// Top-level files of proposals that Wasm 3.0 merged into the core directory.
const TAIL_CALL_FILES: &[&str] = &["return_call", "return_call_indirect"];
const EXCEPTION_FILES: &[&str] = &["tag", "throw", "throw_ref", "try_table"];
const FUNCREF_FILES: &[&str] = &[
    "br_on_non_null",
    "br_on_null",
    "call_ref",
    "local_init",
    "ref",
    "ref_as_non_null",
    "return_call_ref",
    "type-equivalence",
];
const GC_FILES: &[&str] = &[
    "array",
    "array_copy",
    "array_fill",
    "array_init_data",
    "array_init_elem",
    "array_new_data",
    "array_new_elem",
    "binary-gc",
    "br_on_cast",
    "br_on_cast_fail",
    "extern",
    "i31",
    "ref_cast",
    "ref_eq",
    "ref_test",
    "struct",
    "type-canon",
    "type-rec",
    "type-subtyping",
];
/// Besides every `<name>64.wast` (except i64/f64).
const MEMORY64_FILES: &[&str] = &["memory64-imports", "table_copy_mixed"];
/// Besides every `<name><digit>.wast` (address0, imports3, ...: the multi-memory variants).
const MULTI_MEMORY_FILES: &[&str] = &["memory-multi", "memory_size_import"];
/// Wasm 3.0 text-format and script features that belong to none of the rows.
const OTHER_FILES: &[&str] = &["annotations", "id", "instance"];

const ASSIGNMENT_NOTE: &str = "\
How files are assigned: `proposals/<dir>/` files go to that proposal (directories with no row of
their own get one named after the directory). Wasm 3.0 merged several proposals into the top-level
directory, so top-level files are assigned by name: `simd_*` → SIMD; `*relaxed*` → relaxed SIMD;
`return_call`, `return_call_indirect` → tail calls; `*64` (not `i64`/`f64`), `memory64-imports`,
`table_copy_mixed` → memory64; `<name><digit>` (`address0`, `imports3`, ...), `memory-multi`,
`memory_size_import` → multi-memory; `tag`, `throw`, `throw_ref`, `try_table` → exceptions;
`call_ref`, `return_call_ref`, `br_on_null`, `br_on_non_null`, `ref_as_non_null`, `local_init`,
`ref`, `type-equivalence` → function references; `array*`, `struct`, `i31`, `ref_cast`, `ref_test`,
`ref_eq`, `br_on_cast*`, `extern`, `type-canon`, `type-rec`, `type-subtyping`, `binary-gc` → GC;
`annotations`, `id`, `instance` and everything under `legacy/` (legacy exceptions) and `custom/`
(custom annotations) → other. The remaining top-level files are the Wasm 2.0 core row (their
Wasm 3.0 versions: extended-const has no files of its own, its tests are in `global`, `data` and
`elem`).";

fn proposal_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() >= 3 && parts[0] == "proposals" {
        let dir = parts[1];
        return PROPOSAL_DIRS
            .iter()
            .find(|(d, _)| *d == dir)
            .map(|(_, row)| row.to_string())
            .unwrap_or_else(|| dir.to_string());
    }
    if parts.len() != 1 {
        return OTHER.into();
    }
    let stem = path.strip_suffix(".wast").unwrap_or(path);
    let is = |list: &[&str]| list.contains(&stem);
    let row = if stem.starts_with("simd_") {
        "SIMD"
    } else if stem.contains("relaxed") {
        "relaxed SIMD"
    } else if is(TAIL_CALL_FILES) {
        "tail calls"
    } else if is(EXCEPTION_FILES) {
        "exceptions"
    } else if is(FUNCREF_FILES) {
        "function references"
    } else if is(GC_FILES) {
        "GC"
    } else if is(MEMORY64_FILES) || (stem.ends_with("64") && stem != "i64" && stem != "f64") {
        "memory64"
    } else if is(MULTI_MEMORY_FILES) || ends_in_one_digit(stem) {
        "multi-memory"
    } else if is(OTHER_FILES) {
        OTHER
    } else {
        "Wasm 2.0 core"
    };
    row.into()
}

/// `address0`, `imports3`: a single trailing digit (not `i32`, `f64`, ...).
fn ends_in_one_digit(stem: &str) -> bool {
    let b = stem.as_bytes();
    b.len() >= 2 && b[b.len() - 1].is_ascii_digit() && !b[b.len() - 2].is_ascii_digit()
}

// ---------------------------------------------------------------------------------------------
// Reporting

#[derive(Default, Clone)]
struct Totals {
    files: usize,
    fully_passing: usize,
    crashed: usize,
    timed_out: usize,
    passed: u64,
    failed: u64,
    skipped: u64,
}

impl Totals {
    fn add(&mut self, r: &FileResult) {
        self.files += 1;
        self.fully_passing += r.fully_passes() as usize;
        self.crashed += matches!(r.status, Status::Crash { .. }) as usize;
        self.timed_out += (r.status == Status::Timeout) as usize;
        self.passed += r.passed;
        self.failed += r.failed;
        self.skipped += r.skipped;
    }
}

struct Summary {
    rows: Vec<(String, Totals)>,
    total: Totals,
}

struct RunInfo {
    target: String,
    opt_level: String,
    version: String,
    wall: Duration,
    jobs: usize,
    files_total: usize,
}

fn summarize(results: &[FileResult]) -> Summary {
    let mut by: BTreeMap<String, Totals> = BTreeMap::new();
    let mut total = Totals::default();
    for r in results {
        by.entry(proposal_of(&r.path)).or_default().add(r);
        total.add(r);
    }
    let mut rows: Vec<(String, Totals)> =
        ROWS.iter().map(|name| (name.to_string(), by.remove(*name).unwrap_or_default())).collect();
    let other = by.remove(OTHER).unwrap_or_default();
    rows.extend(by);
    rows.push((OTHER.into(), other));
    Summary { rows, total }
}

fn summary_text(s: &Summary) -> String {
    let mut t = String::new();
    let w = s.rows.iter().map(|(n, _)| n.len()).max().unwrap_or(5).max(8);
    let _ = writeln!(
        t,
        "{:<w$}  {:>5}  {:>7}  {:>13}  {:>8}  {:>7}  {:>7}",
        "proposal", "files", "passing", "crash/timeout", "passed", "failed", "skipped"
    );
    for (name, r) in
        s.rows.iter().filter(|(_, r)| r.files > 0).chain(std::iter::once(&("total".to_string(), s.total.clone())))
    {
        let _ = writeln!(
            t,
            "{:<w$}  {:>5}  {:>7}  {:>13}  {:>8}  {:>7}  {:>7}",
            name,
            r.files,
            r.fully_passing,
            r.crashed + r.timed_out,
            r.passed,
            r.failed,
            r.skipped
        );
    }
    let _ = writeln!(t, "(files: how many, how many fully pass, crashed or timed out; then assertions)");
    t
}

/// The compiler's source version, taken before the build: `abc1234`, with a note when `compiler/`
/// or `runtime-lib/` has uncommitted changes.
fn source_version(root: &Path) -> String {
    let commit = Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let dirty = Command::new("git")
        .current_dir(root)
        .args(["status", "--porcelain", "--", "compiler", "runtime-lib"])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    if dirty {
        format!("{commit}` plus uncommitted changes in `compiler/` or `runtime-lib/")
    } else {
        commit
    }
}

/// The other configurations' figures beside the host's at -O0, read from their own
/// STATUS<config>.md (written by `cargo xtask spec --target T -O LEVEL`).
fn other_configs_section(m: &mut String) {
    let dir = crate::root().join("spec-tests");
    let mut configs: Vec<(&str, &str)> = CONFIGS.iter().copied().filter(|c| *c != (HOST, "0")).collect();
    for target in ["aarch64-unknown-linux-gnu", "riscv64gc-unknown-linux-gnu"] {
        configs.push((target, "0"));
    }
    let mut rows = Vec::new();
    for (target, level) in configs {
        let name = format!("STATUS{}.md", config_suffix(target, level));
        let Ok(text) = std::fs::read_to_string(dir.join(&name)) else { continue };
        let line = |prefix: &str| text.lines().find_map(|l| l.strip_prefix(prefix)).unwrap_or("?").to_string();
        let core = text.lines().find(|l| l.starts_with("| Wasm 2.0 core |")).unwrap_or("").to_string();
        let how = if target == HOST { "native" } else { "qemu-user" };
        rows.push(format!(
            "| `{target}` | -O{level} | {how} | {} | {} | {} | [{name}]({name}) |",
            line("- files: "),
            line("- assertions: "),
            core.trim_start_matches("| Wasm 2.0 core |")
                .trim_end_matches('|')
                .split('|')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" / ")
        ));
    }
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(m, "## Other configurations (optimisation levels; cross-compiled modules run under qemu-user)\n");
    let _ =
        writeln!(m, "`cargo xtask test` checks the host at -O0 (this page) and -O2, and aarch64 and riscv64 at -O2.\n");
    let _ = writeln!(
        m,
        "| target | level | run | files | assertions | Wasm 2.0 core (files / passing / crashed / timed out / passed / failed / skipped) | details |"
    );
    let _ = writeln!(m, "|---|---|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(m, "{r}");
    }
    let _ = writeln!(m);
}

fn status_markdown(info: &RunInfo, results: &[FileResult], s: &Summary) -> String {
    let mut m = String::new();
    let t = &s.total;
    let _ = writeln!(m, "# Spec testsuite status\n");
    let _ = writeln!(m, "Generated by `cargo xtask spec` — do not edit by hand; regenerate after a change.\n");
    let _ = writeln!(m, "- date: {}", utc_now());
    let _ = writeln!(m, "- target: `{}`", info.target);
    let _ = writeln!(
        m,
        "- optimisation level of the modules: `-O{}` (`wasm2native wast -O{}`)",
        info.opt_level, info.opt_level
    );
    let _ = writeln!(m, "- compiler: `wasm2native wast` (debug build) at commit `{}`", info.version);
    let _ = writeln!(m, "- testsuite: `../shared/spec-testsuite`, {} `.wast` files", info.files_total);
    let _ = writeln!(
        m,
        "- wall time: {:.1} s ({} files at a time on {} cores)",
        info.wall.as_secs_f64(),
        info.jobs,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let _ = writeln!(
        m,
        "- files: {} run, {} fully passing, {} crashed, {} timed out",
        t.files, t.fully_passing, t.crashed, t.timed_out
    );
    let _ = writeln!(m, "- assertions: {} passed, {} failed, {} skipped\n", t.passed, t.failed, t.skipped);
    let list = format!("expected-failures{}.txt", config_suffix(&info.target, &info.opt_level));
    let _ = writeln!(
        m,
        "A file *fully passes* when `wasm2native wast` ran it to the end with 0 failed and 0 skipped. \
         Status `crash` is a runner killed by a signal or ending without its summary line; `timeout` \
         a runner killed after the per-file limit. Files that do not fully pass are listed in \
         [`{list}`]({list}).\n"
    );
    let _ = writeln!(m, "## Summary per proposal\n");
    let _ = writeln!(
        m,
        "| proposal | files | fully passing | crashed / timed out | assertions passed | failed | skipped |"
    );
    let _ = writeln!(m, "|---|--:|--:|--:|--:|--:|--:|");
    for (name, r) in &s.rows {
        let _ = writeln!(
            m,
            "| {name} | {} | {} | {} / {} | {} | {} | {} |",
            r.files, r.fully_passing, r.crashed, r.timed_out, r.passed, r.failed, r.skipped
        );
    }
    let _ = writeln!(
        m,
        "| **total** | **{}** | **{}** | **{} / {}** | **{}** | **{}** | **{}** |\n",
        t.files, t.fully_passing, t.crashed, t.timed_out, t.passed, t.failed, t.skipped
    );
    let _ = writeln!(
        m,
        "The assertions of a file that crashed or timed out are not counted (the runner prints its \
         counts only at the end).\n"
    );
    let _ = writeln!(m, "{ASSIGNMENT_NOTE}\n");
    if info.target == HOST && info.opt_level == "0" {
        other_configs_section(&mut m);
    }
    let _ = writeln!(m, "## Per file\n");
    let _ = writeln!(m, "| file | proposal | status | passed | failed | skipped |");
    let _ = writeln!(m, "|---|---|---|--:|--:|--:|");
    for r in results {
        let _ = writeln!(
            m,
            "| `{}` | {} | {} | {} | {} | {} |",
            r.path,
            proposal_of(&r.path),
            r.status_word(),
            r.passed,
            r.failed,
            r.skipped
        );
    }
    m
}

/// `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

// ---------------------------------------------------------------------------------------------
// The expected-failures list

/// Paths listed (one per line; `#` starts a comment). A missing file is an empty list.
fn read_expected(path: &Path) -> Result<BTreeSet<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

fn expected_text(list: &BTreeSet<String>, target: &str, opt_level: &str) -> String {
    let mut t = format!(
        "# Spec testsuite files (paths relative to ../shared/spec-testsuite) that do not fully pass yet\n\
         # on {target} at -O{opt_level}: a failed or skipped assertion, a crash or a timeout.\n\
         #\n\
         # `cargo xtask spec` (and `cargo xtask test`) fails when a file NOT listed here does not fully\n\
         # pass (a regression), and when a listed file now fully passes: remove it, the list only shrinks.\n\
         # `cargo xtask spec --bless` rewrites this file from a run's results. Details: STATUS.md.\n"
    );
    let mut by: BTreeMap<usize, Vec<&String>> = BTreeMap::new();
    let row_index = |p: &str| {
        let row = proposal_of(p);
        ROWS.iter().position(|r| *r == row).unwrap_or(if row == OTHER { usize::MAX } else { ROWS.len() })
    };
    for p in list {
        by.entry(row_index(p)).or_default().push(p);
    }
    for paths in by.values() {
        let mut rows: Vec<String> = paths.iter().map(|p| proposal_of(p)).collect();
        rows.dedup();
        let _ = writeln!(t, "\n# {}", rows.join(", "));
        for p in paths {
            let _ = writeln!(t, "{p}");
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines() {
        assert_eq!(parse_summary("a\n3 passed, 1 failed\n"), Some((3, 1, 0)));
        assert_eq!(parse_summary("x.wast:3: skipped: foo\n3 passed, 0 failed, 2 skipped"), Some((3, 0, 2)));
        assert_eq!(parse_summary("3 passed, 1 failed\nerror: boom\n"), Some((3, 1, 0)));
        assert_eq!(parse_summary("passed, failed\n"), None);
        assert_eq!(parse_summary(""), None);
    }

    #[test]
    fn configuration_names() {
        assert_eq!(config_suffix(HOST, "0"), "");
        assert_eq!(config_suffix("host", "2"), "-O2");
        assert_eq!(config_suffix("aarch64-unknown-linux-gnu", "0"), "-aarch64-unknown-linux-gnu");
        assert_eq!(config_suffix("riscv64gc-unknown-linux-gnu", "2"), "-riscv64gc-unknown-linux-gnu-O2");
        assert!(CONFIGS.contains(&(HOST, "0")) && CONFIGS.contains(&(HOST, "2")));
    }

    #[test]
    fn proposals() {
        for (path, row) in [
            ("i32.wast", "Wasm 2.0 core"),
            ("f64.wast", "Wasm 2.0 core"),
            ("address.wast", "Wasm 2.0 core"),
            ("utf8-import-field.wast", "Wasm 2.0 core"),
            ("address0.wast", "multi-memory"),
            ("imports4.wast", "multi-memory"),
            ("address64.wast", "memory64"),
            ("binary_leb128_64.wast", "memory64"),
            ("simd_load64_lane.wast", "SIMD"),
            ("simd_memory-multi.wast", "SIMD"),
            ("relaxed_min_max.wast", "relaxed SIMD"),
            ("i8x16_relaxed_swizzle.wast", "relaxed SIMD"),
            ("return_call_ref.wast", "function references"),
            ("return_call.wast", "tail calls"),
            ("struct.wast", "GC"),
            ("try_table.wast", "exceptions"),
            ("legacy/throw.wast", "other"),
            ("custom/name_annot.wast", "other"),
            ("annotations.wast", "other"),
            ("proposals/threads/atomic.wast", "threads"),
            ("proposals/custom-descriptors/exact.wast", "custom-descriptors"),
            ("proposals/relaxed-simd/x.wast", "relaxed SIMD"),
        ] {
            assert_eq!(proposal_of(path), row, "{path}");
        }
    }
}
