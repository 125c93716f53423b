//! Running the `.wast` files: one `wasm2native wast` process per file, `jobs` at a time, each
//! with a timeout; what each run amounts to.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Status {
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
pub(super) struct FileResult {
    pub(super) path: String,
    pub(super) status: Status,
    pub(super) passed: u64,
    pub(super) failed: u64,
    pub(super) skipped: u64,
    pub(super) time: Duration,
}

impl FileResult {
    pub(super) fn fully_passes(&self) -> bool {
        self.status == Status::Ok && self.skipped == 0
    }

    pub(super) fn status_word(&self) -> String {
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

    pub(super) fn describe(&self) -> String {
        format!("{}: {} passed, {} failed, {} skipped", self.status_word(), self.passed, self.failed, self.skipped)
    }
}

pub(super) fn signal_name(s: i32) -> String {
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
pub(super) fn parse_summary(stdout: &str) -> Option<(u64, u64, u64)> {
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
pub(super) fn run_all(
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

pub(super) fn run_one(
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
pub(super) fn kill_tree(pid: u32) {
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
}
