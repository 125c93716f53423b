//! `WASM2NATIVE_TIMINGS`: where compile time goes, as one table on stderr.
//!
//! `WASM2NATIVE_TIMINGS=1` reports the phases (read, translate, optimise, the guard-mode re-runs of
//! `kept_loads`, emit, link), each unit's share, and how busy each worker thread was until the end
//! (the single-thread tail of a partition that came last). `WASM2NATIVE_TIMINGS=passes` adds LLVM's
//! own pass timers summed over all units — the optimisation passes, instruction selection, register
//! allocation — and, so that the timers are not shared between threads, runs one unit at a time.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Once;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Off,
    Phases,
    Passes,
}

pub fn mode() -> Mode {
    match std::env::var("WASM2NATIVE_TIMINGS") {
        Err(_) => Mode::Off,
        Ok(v) if v.is_empty() || v == "0" => Mode::Off,
        Ok(v) if v.eq_ignore_ascii_case("passes") => Mode::Passes,
        Ok(_) => Mode::Phases,
    }
}

/// What one unit cost. `optimise` covers every round of the pass pipeline, `rounds` of them.
#[derive(Clone, Debug)]
pub struct UnitTime {
    pub index: usize,
    pub thread: usize,
    pub functions: usize,
    pub code_bytes: usize,
    /// Whether the unit's code came from -O1's quick tier (`partition.rs`).
    pub quick: bool,
    pub cached: bool,
    pub start: Duration,
    pub translate: Duration,
    pub optimise: Duration,
    pub rounds: u32,
    pub emit: Duration,
    pub end: Duration,
}

impl UnitTime {
    /// A unit about to start on `thread`, made of the partitions `parts`.
    pub fn new<'a>(
        index: usize,
        thread: usize,
        parts: impl Iterator<Item = &'a super::partition::Partition>,
        info: &crate::module::ModuleInfo<'_>,
        start: Duration,
    ) -> UnitTime {
        let (mut functions, mut code_bytes, mut quick) = (0, 0, false);
        for p in parts {
            functions += p.funcs.len();
            code_bytes += p.code_bytes(info);
            quick = p.tier == super::partition::Tier::Quick;
        }
        UnitTime {
            index,
            thread,
            functions,
            code_bytes,
            quick,
            cached: false,
            start,
            translate: Duration::ZERO,
            optimise: Duration::ZERO,
            rounds: 0,
            emit: Duration::ZERO,
            end: Duration::ZERO,
        }
    }
}

/// The times of one compile, gathered by the driver and printed at its end.
pub struct Report {
    started: Instant,
    phases: Vec<(&'static str, Duration)>,
    units: Vec<UnitTime>,
    threads: usize,
}

impl Report {
    pub fn start() -> Report {
        if mode() == Mode::Passes {
            llvm_pass_timers::enable();
        }
        Report { started: Instant::now(), phases: vec![], units: vec![], threads: 1 }
    }

    /// Time since the compile started (units record their start and end on this clock).
    pub fn now(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn phase(&mut self, name: &'static str, took: Duration) {
        self.phases.push((name, took));
    }

    pub fn units(&mut self, units: Vec<UnitTime>, threads: usize) {
        self.units = units;
        self.threads = threads;
    }

    /// Prints the table when `WASM2NATIVE_TIMINGS` asks for it.
    pub fn print(&self) {
        if mode() == Mode::Off {
            return;
        }
        eprint!("{}", self.render(llvm_pass_timers::collect()));
    }

    fn render(&self, passes: Vec<(String, f64)>) -> String {
        let s = |d: Duration| d.as_secs_f64();
        let total = s(self.started.elapsed());
        let compiled: Vec<&UnitTime> = self.units.iter().filter(|u| !u.cached).collect();
        let sum = |f: fn(&UnitTime) -> Duration| compiled.iter().map(|u| s(f(u))).sum::<f64>();
        let (translate, optimise, emit) = (sum(|u| u.translate), sum(|u| u.optimise), sum(|u| u.emit));
        let reruns: Vec<&&UnitTime> = compiled.iter().filter(|u| u.rounds > 1).collect();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "timings: {} units ({} from the cache, {} in -O1's quick tier) on {} thread{}, {total:.3} s in all",
            self.units.len(),
            self.units.len() - compiled.len(),
            self.units.iter().filter(|u| u.quick).count(),
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        );
        let _ = writeln!(out, "  {:<44} {:>9} {:>6}", "phase", "seconds", "share");
        let mut row = |name: &str, secs: f64, of: f64| {
            let _ = writeln!(out, "  {name:<44} {secs:>9.3} {:>5.1}%", 100.0 * secs / of.max(1e-9));
        };
        let busy = translate + optimise + emit;
        for (name, d) in self.phases.iter().filter(|(n, _)| BEFORE_CODEGEN.contains(n)) {
            row(name, s(*d), total);
        }
        row("translate (all units, summed over threads)", translate, busy);
        row("optimise (all pipeline rounds)", optimise, busy);
        row(&format!("  of which kept-loads re-runs ({} units)", reruns.len()), rerun_share(&reruns), busy);
        row("emit (isel, register allocation, object)", emit, busy);
        for (name, d) in self.phases.iter().filter(|(n, _)| !BEFORE_CODEGEN.contains(n)) {
            row(name, s(*d), total);
        }
        self.render_threads(&mut out);
        let mut slowest = compiled.clone();
        slowest.sort_by(|a, b| (b.end - b.start).cmp(&(a.end - a.start)).then(a.index.cmp(&b.index)));
        let _ = writeln!(out, "  slowest units: unit (functions, code bytes): translate/optimise/emit s, rounds");
        for u in slowest.iter().take(5) {
            let _ = writeln!(
                out,
                "    unit {} ({}, {} B{}): {:.3}/{:.3}/{:.3}, {}",
                u.index,
                u.functions,
                u.code_bytes,
                if u.quick { ", quick tier" } else { "" },
                s(u.translate),
                s(u.optimise),
                s(u.emit),
                u.rounds
            );
        }
        if mode() == Mode::Passes {
            let all: f64 = passes.iter().map(|(_, t)| t).sum();
            let _ = writeln!(out, "  LLVM passes over all units (wall s; units ran one at a time):");
            for (name, t) in passes.iter().take(30) {
                let _ = writeln!(out, "    {t:>9.3} {:>5.1}%  {name}", 100.0 * t / all.max(1e-9));
            }
        }
        out
    }

    /// Busy time per worker thread and the tail where only some threads had work.
    fn render_threads(&self, out: &mut String) {
        let mut busy: HashMap<usize, f64> = HashMap::new();
        let mut last_end: HashMap<usize, Duration> = HashMap::new();
        for u in &self.units {
            *busy.entry(u.thread).or_default() += (u.end - u.start).as_secs_f64();
            let e = last_end.entry(u.thread).or_default();
            *e = (*e).max(u.end);
        }
        let mut threads: Vec<usize> = busy.keys().copied().collect();
        threads.sort_unstable();
        let first_idle = last_end.values().min().copied().unwrap_or_default();
        let done = last_end.values().max().copied().unwrap_or_default();
        let list: Vec<String> = threads.iter().map(|t| format!("{:.3}", busy[t])).collect();
        let _ = writeln!(
            out,
            "  busy seconds per thread: {}; tail with an idle thread: {:.3} s",
            list.join(", "),
            if threads.len() < self.threads { done.as_secs_f64() } else { (done - first_idle).as_secs_f64() }
        );
    }
}

/// The part of `optimise` spent in rounds after the first (a unit's rounds cost about the same).
fn rerun_share(units: &[&&UnitTime]) -> f64 {
    // A fold from +0.0: an empty f64 `sum` is -0.0, which would print as "-0.000".
    units
        .iter()
        .map(|u| u.optimise.as_secs_f64() * f64::from(u.rounds - 1) / f64::from(u.rounds))
        .fold(0.0, |a, b| a + b)
}

/// The phases the driver runs before code generation, listed above it.
const BEFORE_CODEGEN: [&str; 2] = ["validate+read", "toolchain+runtime"];

/// LLVM's `-time-passes`, written to a file and summed by pass name.
mod llvm_pass_timers {
    use super::*;

    extern "C" {
        /// `llvm::reportAndResetTimings(raw_ostream *)`: prints the legacy pass manager's timers
        /// (the code generator's passes) to `-info-output-file` when given no stream. The new
        /// pass manager prints its own at the end of every pipeline run.
        #[link_name = "_ZN4llvm21reportAndResetTimingsEPNS_11raw_ostreamE"]
        fn report_and_reset_timings(stream: *mut std::ffi::c_void);
    }

    fn file() -> PathBuf {
        std::env::temp_dir().join(format!("wasm2native-pass-timings-{}.txt", std::process::id()))
    }

    pub fn enable() {
        static ENABLE: Once = Once::new();
        ENABLE.call_once(|| {
            let output = format!("-info-output-file={}", file().display());
            crate::codegen::set_llvm_options(&["-time-passes", &output]);
        });
    }

    /// The summed wall time of each pass (`#2` copies merged), largest first; empty when the
    /// timers are off.
    pub fn collect() -> Vec<(String, f64)> {
        if mode() != Mode::Passes {
            return vec![];
        }
        // SAFETY: a null stream selects the info output file; nothing else runs LLVM now.
        unsafe { report_and_reset_timings(std::ptr::null_mut()) };
        let text = std::fs::read_to_string(file()).unwrap_or_default();
        let _ = std::fs::remove_file(file());
        let mut sums: HashMap<String, f64> = HashMap::new();
        let mut analysis = false;
        for line in text.lines() {
            if line.contains("execution timing report") {
                analysis = line.contains("Analysis");
            }
            if let Some((name, wall)) = parse_row(line).filter(|(name, _)| name != "Total") {
                let name = if analysis { format!("(analysis) {name}") } else { name };
                *sums.entry(name).or_default() += wall;
            }
        }
        let mut rows: Vec<(String, f64)> = sums.into_iter().collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        rows
    }

    /// `   0.0462 ( 26.4%)   0.0020 ( 26.6%)   0.0481 ( 26.4%)   0.0480 ( 26.3%)  InstCombinePass`:
    /// the last column before the name is the wall time.
    pub(super) fn parse_row(line: &str) -> Option<(String, f64)> {
        let (times, name) = line.rsplit_once("%)")?;
        let (times, _) = times.rsplit_once('(')?;
        let wall: f64 = times.split_whitespace().last()?.parse().ok()?;
        let name = name.trim();
        let name = match name.rsplit_once(" #") {
            Some((base, n)) if n.chars().all(|c| c.is_ascii_digit()) => base,
            _ => name,
        };
        (!name.is_empty()).then(|| (name.to_string(), wall))
    }
}

#[cfg(test)]
mod tests {
    use super::llvm_pass_timers::parse_row;

    #[test]
    fn pass_rows_give_their_wall_time_and_merge_numbered_copies() {
        let row =
            "   0.0198 ( 10.6%)   0.0044 ( 10.8%)   0.0242 ( 10.6%)   0.0242 ( 10.6%)  Greedy Register Allocator #2";
        assert_eq!(parse_row(row), Some(("Greedy Register Allocator".to_string(), 0.0242)));
        let short = "   0.0107 (  6.1%)   0.0107 (  5.9%)  IPSCCPPass";
        assert_eq!(parse_row(short), Some(("IPSCCPPass".to_string(), 0.0107)));
        assert_eq!(parse_row("  Total Execution Time: 0.1824 seconds (0.1824 wall clock)"), None);
    }
}
