//! A campaign: seeds × feature sets, each module judged against its oracle; figures per set.

use crate::features::{FeatureSet, Oracle, SETS};
use crate::plan::{self, Rng};
use crate::trace::first_difference;
use crate::{mutate, wasmi_engine};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The wasm2native configurations every module is compiled and run with.
const CONFIGS: &[(&str, &str)] = &[("0", "guard"), ("1", "guard"), ("2", "guard"), ("2", "explicit")];

/// How long one child (compile + run of one configuration) may take.
const CHILD_LIMIT: Duration = Duration::from_secs(120);

pub struct Options {
    pub sets: Vec<&'static FeatureSet>,
    pub seeds: std::ops::Range<u64>,
    pub time_limit: Option<Duration>,
    pub jobs: usize,
    pub mutations: u64,
    pub keep: PathBuf,
    pub wasmtime: Option<PathBuf>,
    /// `--cross TARGET`: each module's host run (checked against its oracle) also becomes a spec
    /// script that `wasm2native wast --target TARGET` must pass at -O0 (guard) and -O2 (explicit
    /// checks, exact trap order), under qemu-user; not for sets with relaxed SIMD.
    pub cross: Vec<String>,
}

const USAGE: &str = "usage: w2n-fuzz [--sets NAME,NAME|all] [--seeds START..END] [--time SECS] [--jobs N] \
                     [--mutations N] [--keep DIR] [--wasmtime PATH] [--cross TARGET,TARGET]";

impl Options {
    pub fn parse(args: &[String]) -> Result<Options> {
        let mut o = Options {
            sets: SETS.iter().collect(),
            seeds: 0..20,
            time_limit: None,
            jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            mutations: 200,
            keep: PathBuf::from("target/fuzz-failures"),
            wasmtime: None,
            cross: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = || it.next().with_context(|| format!("{flag} needs a value\n{USAGE}"));
            match flag.as_str() {
                "--sets" => {
                    let v = value()?;
                    if v != "all" {
                        o.sets = v
                            .split(',')
                            .map(|n| {
                                FeatureSet::by_name(n).with_context(|| {
                                    let names: Vec<_> = SETS.iter().map(|s| s.name).collect();
                                    format!("unknown feature set `{n}` (known: {})", names.join(", "))
                                })
                            })
                            .collect::<Result<_>>()?;
                    }
                }
                "--seeds" => {
                    let v = value()?;
                    let (a, b) = v.split_once("..").with_context(|| format!("--seeds takes START..END, not `{v}`"))?;
                    o.seeds = a.parse().context("--seeds start")?..b.parse().context("--seeds end")?;
                }
                "--time" => o.time_limit = Some(Duration::from_secs(value()?.parse().context("--time SECS")?)),
                "--jobs" => o.jobs = value()?.parse::<usize>().context("--jobs N")?.max(1),
                "--mutations" => o.mutations = value()?.parse().context("--mutations N")?,
                "--keep" => o.keep = PathBuf::from(value()?),
                "--wasmtime" => o.wasmtime = Some(PathBuf::from(value()?)),
                "--cross" => o.cross.extend(value()?.split(',').map(str::to_string)),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => bail!("unknown option `{other}`\n{USAGE}"),
            }
        }
        Ok(o)
    }
}

/// Figures of one feature set.
#[derive(Default, Clone)]
struct Figures {
    modules: u64,
    invocations: u64,
    divergences: u64,
    crashes: u64,
    compile_errors: u64,
    incomparable: u64,
    /// -O1/-O2 guard-mode differences where explicit checks agree with the oracle and the difference
    /// is which trap comes first or whether a trapping load's trap came (see `is_trap_order`).
    guard_order: u64,
}

struct Shared<'a> {
    options: &'a Options,
    figures: Mutex<BTreeMap<&'static str, Figures>>,
    failures: Mutex<Vec<String>>,
    deadline: Option<Instant>,
    /// The wasmtime binary, when a chosen set needs it.
    wasmtime: Option<PathBuf>,
}

pub fn run(options: &Options) -> Result<bool> {
    let exe = std::env::current_exe().context("locating the fuzzer")?;
    let scratch = std::env::temp_dir().join(format!("w2n-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let wasmtime = if options.sets.iter().any(|s| s.oracle == Oracle::Wasmtime) {
        Some(find_wasmtime(options, &exe)?)
    } else {
        None
    };
    let shared = Shared {
        wasmtime,
        options,
        figures: Mutex::new(BTreeMap::new()),
        failures: Mutex::new(Vec::new()),
        deadline: options.time_limit.map(|t| Instant::now() + t),
    };
    let work: Vec<(u64, &'static FeatureSet)> =
        options.seeds.clone().flat_map(|s| options.sets.iter().map(move |f| (s, *f))).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for worker in 0..options.jobs {
            let (shared, work, next, exe, scratch) = (&shared, &work, &next, &exe, &scratch);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(seed, set)) = work.get(i) else { break };
                if shared.deadline.is_some_and(|d| Instant::now() > d) {
                    break;
                }
                let dir = scratch.join(format!("w{worker}"));
                if let Err(e) = one_module(shared, exe, &dir, seed, set) {
                    shared.failures.lock().unwrap().push(format!("{}/{seed}: harness error: {e:#}", set.name));
                }
            });
        }
    });
    let mut ok = true;
    println!(
        "\n{:<18} {:>8} {:>12} {:>12} {:>8} {:>15} {:>13} {:>12}",
        "feature set",
        "modules",
        "invocations",
        "divergences",
        "crashes",
        "compile errors",
        "incomparable",
        "guard order"
    );
    for (name, f) in shared.figures.lock().unwrap().iter() {
        println!(
            "{name:<18} {:>8} {:>12} {:>12} {:>8} {:>15} {:>13} {:>12}",
            f.modules, f.invocations, f.divergences, f.crashes, f.compile_errors, f.incomparable, f.guard_order
        );
        ok &= f.divergences == 0 && f.crashes == 0 && f.compile_errors == 0;
    }
    if options.mutations > 0 {
        let m = mutate::run(&exe, &scratch.join("mutate"), options.seeds.start, options.mutations, shared.deadline)?;
        println!(
            "mutated modules: {} run, {} rejected with error:, {} compiled, {} crashed",
            m.total,
            m.rejected,
            m.compiled,
            m.crashed.len()
        );
        for c in &m.crashed {
            shared.failures.lock().unwrap().push(c.clone());
        }
        ok &= m.crashed.is_empty();
    }
    let failures = shared.failures.lock().unwrap();
    for f in failures.iter() {
        println!("FAIL {f}");
    }
    ok &= failures.is_empty();
    let _ = std::fs::remove_dir_all(&scratch);
    let (passed, failed) = if ok { (1, 0) } else { (0, 1) };
    println!("{passed} passed, {failed} failed");
    Ok(ok)
}

/// The wasmtime the sets without a wasmi oracle need: `--wasmtime`, `$WASM2NATIVE_WASMTIME`, the
/// copy `cargo xtask setup` unpacks into `target/tools/wasmtime/`, or `wasmtime` on PATH.
fn find_wasmtime(options: &Options, exe: &Path) -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let candidates = options
        .wasmtime
        .clone()
        .into_iter()
        .chain(std::env::var_os("WASM2NATIVE_WASMTIME").map(PathBuf::from))
        .chain(exe.parent().and_then(Path::parent).map(|target| target.join("tools/wasmtime/wasmtime")))
        .chain(std::env::split_paths(&path).map(|d| d.join("wasmtime")));
    for c in candidates {
        if c.is_file() {
            return Ok(c);
        }
    }
    bail!("wasmtime not found (the oracle of the exceptions and threads sets): run `cargo xtask setup`, or pass --wasmtime PATH")
}

/// The module of `seed` in `set`: wasm-smith over seeded bytes, made to terminate.
pub fn generate(seed: u64, set: &FeatureSet) -> Option<Vec<u8>> {
    let mut rng = Rng::new(seed ^ set.name.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64)));
    let data = rng.bytes(8192);
    let mut u = arbitrary::Unstructured::new(&data);
    let mut module = wasm_smith::Module::new(set.config(), &mut u).ok()?;
    module.ensure_termination(1000).ok()?;
    Some(module.to_bytes())
}

fn one_module(shared: &Shared<'_>, exe: &Path, dir: &Path, seed: u64, set: &'static FeatureSet) -> Result<()> {
    let Some(wasm) = generate(seed, set) else { return Ok(()) };
    std::fs::create_dir_all(dir)?;
    let path = dir.join("m.wasm");
    std::fs::write(&path, &wasm)?;
    let exports = plan::exports(&wasm)?;
    let mut fig = Figures { modules: 1, ..Figures::default() };
    let mut failures = Vec::new();
    let mut reference: Option<(String, Vec<String>)> = match set.oracle {
        Oracle::Wasmi => match wasmi_engine::run(&wasm, &exports, seed) {
            Some(t) => Some(("wasmi".into(), t)),
            None => {
                fig.incomparable += 1;
                None
            }
        },
        Oracle::SelfConsistency | Oracle::Wasmtime => None,
    };
    let script = dir.join("m.wast");
    let _ = std::fs::remove_file(&script);
    // Every configuration first, then the comparisons: a guard-mode difference is judged against
    // explicit mode at the same level.
    let mut traces: Vec<(String, Option<Vec<String>>)> = Vec::new();
    for (opt, checks) in CONFIGS {
        let label = format!("-O{opt} {checks}");
        let wants_script = set.oracle == Oracle::Wasmtime || !shared.options.cross.is_empty();
        let script_out = (wants_script && label == "-O0 guard").then_some(script.as_path());
        match run_child(exe, &path, seed, opt, checks, script_out) {
            Ok(trace) => {
                if let Some(line) = trace.iter().find(|l| l.starts_with("compile error")) {
                    fig.compile_errors += 1;
                    failures.push(format!("{}/{seed} {label}: {line}", set.name));
                    traces.push((label, None));
                } else {
                    fig.invocations += trace.iter().filter(|l| l.starts_with("call ")).count() as u64;
                    traces.push((label, Some(trace)));
                }
            }
            Err(e) => {
                fig.crashes += 1;
                failures.push(format!("{}/{seed} {label}: {e}", set.name));
                traces.push((label, None));
            }
        }
    }
    if reference.is_none() {
        reference = traces.iter().find_map(|(l, t)| t.clone().map(|t| (l.clone(), t)));
    }
    if set.oracle == Oracle::Wasmtime && script.exists() {
        let wasmtime = shared.wasmtime.as_ref().context("wasmtime")?;
        let mut cmd = Command::new(wasmtime);
        cmd.args(["wast", "-W", "all-proposals=y"]).arg(&script);
        match run_limited(&mut cmd, CHILD_LIMIT) {
            // wasmtime's GC heap has a capacity; ours is only bounded by -W max-gc-heap. An
            // allocation the oracle cannot make is an implementation limit, not a verdict.
            Err(e) if e.to_string().contains("GC heap out of memory") => fig.incomparable += 1,
            Err(e) => {
                fig.divergences += 1;
                let kept = shared.options.keep.join(format!("{}-{seed}.wast", set.name));
                std::fs::create_dir_all(&shared.options.keep)?;
                std::fs::copy(&script, &kept)?;
                failures.push(format!("{}/{seed} -O0 guard: wasmtime disagrees ({}): {e}", set.name, kept.display()));
            }
            Ok(_) => {}
        }
    }
    // Relaxed SIMD may answer differently on another target (the proposal allows it).
    if script.exists() && failures.is_empty() && !set.config().relaxed_simd_enabled {
        cross_check(shared, exe, &script, set, seed, &mut fig, &mut failures)?;
    }
    if let Some((who, expected)) = &reference {
        let agrees = |t: &Option<Vec<String>>| t.as_ref().is_some_and(|t| first_difference(expected, t).is_none());
        let explicit_o2_agrees = traces.iter().any(|(l, t)| l == "-O2 explicit" && agrees(t));
        for (label, trace) in &traces {
            let Some(trace) = trace else { continue };
            let Some((line, want, got)) = first_difference(expected, trace) else { continue };
            let optimised_guard = label == "-O1 guard" || label == "-O2 guard";
            if optimised_guard && explicit_o2_agrees && is_trap_order(&want, &got) {
                fig.guard_order += 1;
                println!(
                    "{}/{seed} {label}: guard-mode trap order: line {line}: {who} `{want}`, wasm2native `{got}`",
                    set.name
                );
                continue;
            }
            fig.divergences += 1;
            failures.push(format!("{}/{seed} {label}: line {line}: {who} `{want}`, wasm2native `{got}`", set.name));
        }
    }
    if !failures.is_empty() {
        std::fs::create_dir_all(&shared.options.keep)?;
        let kept = shared.options.keep.join(format!("{}-{seed}.wasm", set.name));
        std::fs::write(&kept, &wasm)?;
        failures.iter_mut().for_each(|f| f.push_str(&format!(" (module kept in {})", kept.display())));
        println!("{}", failures.join("\n"));
    }
    let mut figures = shared.figures.lock().unwrap();
    let f = figures.entry(set.name).or_default();
    f.modules += fig.modules;
    f.invocations += fig.invocations;
    f.divergences += fig.divergences;
    f.crashes += fig.crashes;
    f.compile_errors += fig.compile_errors;
    f.incomparable += fig.incomparable;
    f.guard_order += fig.guard_order;
    shared.failures.lock().unwrap().extend(failures);
    Ok(())
}

/// A difference guard mode is known to make at -O1 and above: the oracle trapped out of bounds
/// where wasm2native trapped later or differently. The backend may sink a used load past a later
/// trap check into the only block that uses it (see `compiler/src/translate/pin.rs`); explicit
/// bounds checks are exact.
fn is_trap_order(want: &str, got: &str) -> bool {
    want.ends_with("-> trap oob-memory") && want.split(" -> ").next() == got.split(" -> ").next()
}

/// Runs one configuration in a child; a non-zero exit, a signal or a hang is an error.
fn run_child(
    exe: &Path,
    wasm: &Path,
    seed: u64,
    opt: &str,
    checks: &str,
    script: Option<&Path>,
) -> Result<Vec<String>, String> {
    let mut cmd = Command::new(exe);
    cmd.arg("--child").arg(wasm).arg(seed.to_string()).arg(opt).arg(checks);
    if let Some(s) = script {
        cmd.arg(s);
    }
    let out = run_limited(&mut cmd, CHILD_LIMIT)?;
    Ok(String::from_utf8_lossy(&out).lines().map(str::to_string).collect())
}

/// Runs `cmd` with a time limit; its stdout on success, else what went wrong (with its stderr).
/// The cross targets' runs of the host's script (`Options::cross`); a failure keeps the script.
fn cross_check(
    shared: &Shared<'_>,
    exe: &Path,
    script: &Path,
    set: &FeatureSet,
    seed: u64,
    fig: &mut Figures,
    failures: &mut Vec<String>,
) -> Result<()> {
    let compiler = exe.with_file_name("wasm2native");
    for target in &shared.options.cross {
        for (opt, checks) in [("0", "guard"), ("2", "explicit")] {
            let mut cmd = Command::new(&compiler);
            cmd.args(["wast", "--target", target, "-O", opt, "--bounds-checks", checks]).arg(script);
            let passed = match run_limited(&mut cmd, CHILD_LIMIT) {
                Ok(out) => {
                    String::from_utf8_lossy(&out).lines().last().is_some_and(|l| l.ends_with(" passed, 0 failed"))
                }
                Err(_) => false,
            };
            if !passed {
                fig.divergences += 1;
                let kept = shared.options.keep.join(format!("{}-{seed}-{target}-O{opt}.wast", set.name));
                std::fs::create_dir_all(&shared.options.keep)?;
                std::fs::copy(script, &kept)?;
                failures.push(format!(
                    "{}/{seed} {target} -O{opt} {checks}: differs from the host's run ({})",
                    set.name,
                    kept.display()
                ));
            }
        }
    }
    Ok(())
}

pub fn run_limited(cmd: &mut Command, limit: Duration) -> Result<Vec<u8>, String> {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| format!("spawning: {e}"))?;
    let start = Instant::now();
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let read_out = std::thread::spawn(move || read_all(stdout));
    let read_err = std::thread::spawn(move || read_all(stderr));
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("hang: no answer after {}s", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting: {e}")),
        }
    };
    let (out, err) = (read_out.join().unwrap_or_default(), read_err.join().unwrap_or_default());
    if status.success() {
        return Ok(out);
    }
    let err = String::from_utf8_lossy(&err);
    let tail: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).take(6).collect();
    Err(format!("crash ({status}): {}", tail.join(" | ")))
}

fn read_all(mut r: impl std::io::Read) -> Vec<u8> {
    let mut v = Vec::new();
    let _ = r.read_to_end(&mut v);
    v
}
