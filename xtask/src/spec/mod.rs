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

mod expected;
mod pool;
mod proposals;
mod report;

use expected::{expected_text, read_expected};
use pool::run_all;
use report::{source_version, status_markdown, summarize, summary_text, RunInfo};

use crate::compiler_bin::{compiler_binary, target_dir};
use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const HOST: &str = "x86_64-unknown-linux-gnu";
/// The configurations (target, optimisation level) of the spec check in `cargo xtask test`: the
/// host at the level of `wasm2native wast`, at the default of `compile` and `run`, and at -O1
/// (its two code generation tiers, `codegen/partition.rs`), the cross targets (under qemu-user,
/// slower) at the default of `compile`, and aarch64 at -O0 too, whose instruction selector
/// (FastISel) is not the one of -O2.
pub const CONFIGS: &[(&str, &str)] = &[
    (HOST, "0"),
    (HOST, "1"),
    (HOST, "2"),
    ("aarch64-unknown-linux-gnu", "2"),
    ("aarch64-unknown-linux-gnu", "0"),
    ("riscv64gc-unknown-linux-gnu", "2"),
];
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
    let bin = compiler_binary(&root, false)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_names() {
        assert_eq!(config_suffix(HOST, "0"), "");
        assert_eq!(config_suffix("host", "2"), "-O2");
        assert_eq!(config_suffix("aarch64-unknown-linux-gnu", "0"), "-aarch64-unknown-linux-gnu");
        assert_eq!(config_suffix("riscv64gc-unknown-linux-gnu", "2"), "-riscv64gc-unknown-linux-gnu-O2");
        assert!(CONFIGS.contains(&(HOST, "0")) && CONFIGS.contains(&(HOST, "2")));
    }
}
