//! `spec-tests/STATUS<config>.md`: totals per proposal, the files that do not fully pass, the
//! other configurations' figures.

use super::pool::{FileResult, Status};
use super::proposals::{proposal_of, ASSIGNMENT_NOTE, OTHER, ROWS};
use super::{config_suffix, CONFIGS, HOST};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Default, Clone)]
pub(super) struct Totals {
    pub(super) files: usize,
    pub(super) fully_passing: usize,
    pub(super) crashed: usize,
    pub(super) timed_out: usize,
    pub(super) passed: u64,
    pub(super) failed: u64,
    pub(super) skipped: u64,
}

impl Totals {
    pub(super) fn add(&mut self, r: &FileResult) {
        self.files += 1;
        self.fully_passing += r.fully_passes() as usize;
        self.crashed += matches!(r.status, Status::Crash { .. }) as usize;
        self.timed_out += (r.status == Status::Timeout) as usize;
        self.passed += r.passed;
        self.failed += r.failed;
        self.skipped += r.skipped;
    }
}

pub(super) struct Summary {
    pub(super) rows: Vec<(String, Totals)>,
    pub(super) total: Totals,
}

pub(super) struct RunInfo {
    pub(super) target: String,
    pub(super) opt_level: String,
    pub(super) version: String,
    pub(super) wall: Duration,
    pub(super) jobs: usize,
    pub(super) files_total: usize,
}

pub(super) fn summarize(results: &[FileResult]) -> Summary {
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

pub(super) fn summary_text(s: &Summary) -> String {
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
pub(super) fn source_version(root: &Path) -> String {
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
pub(super) fn other_configs_section(m: &mut String) {
    let dir = crate::root().join("spec-tests");
    let mut configs: Vec<(&str, &str)> = CONFIGS.iter().copied().filter(|c| *c != (HOST, "0")).collect();
    for target in ["aarch64-unknown-linux-gnu", "riscv64gc-unknown-linux-gnu"] {
        if !configs.contains(&(target, "0")) {
            configs.push((target, "0"));
        }
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

pub(super) fn status_markdown(info: &RunInfo, results: &[FileResult], s: &Summary) -> String {
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
pub(super) fn utc_now() -> String {
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
