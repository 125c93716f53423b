//! `cargo xtask bench`: the benchmark suite of `benches/programs/` (issue 9).
//!
//! Every `benches/programs/*.c` is built natively (`clang-19 -O2`) and to wasm32-wasi
//! (`clang-19 --target=wasm32-wasi --sysroot=/usr -O2`); the Wasm is compiled by wasm2native to an
//! executable. Each engine runs each program `--reps` times, interleaved (repetition by repetition,
//! program by program, the engine order rotating), so that load elsewhere on the machine hits all
//! engines alike; the median wall time counts. Every engine must print what the native build
//! prints (the programs print a checksum).
//!
//! Engines: `native`, `wasm2native`, `wasmtime` when installed (by `cargo xtask setup`, or on
//! PATH; `wasmtime compile`, then `wasmtime run --allow-precompiled`, so that neither AOT
//! compiler's time is measured), `node`
//! (V8 through `node:wasi`, `benches/node-wasi.mjs`). `wasm2c` is reported when present but not
//! run: it needs a WASI implementation (uvwasi glue) that the project does not carry.
//!
//! A full run (no `--quick`, no filter) writes the runtime section of `benches/RESULTS.md` and
//! `benches/ratios.svg`. `--compile` measures the compiler instead (see `compile_bench`) and writes
//! the compile section of RESULTS.md. `--gc` times the Wasm GC programs of `benches/gc/` against
//! wasmtime instead (see `gc_bench`) and writes the gc section. Everything built goes under
//! `target/bench/`.

use crate::compiler_bin::{compiler_binary, run_captured, target_dir};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The argument each program gets under `--quick` (tiny sizes for CI; no argument = full size).
const QUICK_ARGS: &[(&str, &str)] = &[
    ("atax", "1"),
    ("base64", "16"),
    ("bigint", "1000"),
    ("bintrees", "8"),
    ("cholesky", "1"),
    ("crc32", "1"),
    ("dijkstra", "2"),
    ("fannkuch", "7"),
    ("fdtd2d", "1"),
    ("fib", "22"),
    ("floyd", "50"),
    ("gemm", "1"),
    ("gemm_dyn", "40"),
    ("hashtable", "10"),
    ("heat3d", "1"),
    ("huffman", "64"),
    ("imgfilter", "200"),
    ("jacobi2d", "1"),
    ("json", "64"),
    ("lcs", "100"),
    ("lu", "1"),
    ("lu_dyn", "40"),
    ("lz", "256"),
    ("mandelbrot", "200"),
    ("matmul", "100"),
    ("mergesort", "20"),
    ("mm2", "1"),
    ("nbody", "10000"),
    ("nqueens", "7"),
    ("nw", "100"),
    ("particles", "5"),
    ("quicksort", "20"),
    ("radix", "20"),
    ("regex", "8"),
    ("rowptr", "30"),
    ("seidel2d", "1"),
    ("sha256", "1"),
    ("sieve", "100"),
    ("spectral", "100"),
    ("sph", "10"),
    ("stencil1d", "10"),
    ("strmap", "5"),
    ("strops", "128"),
    ("syrk", "1"),
    ("trisolv", "1"),
    ("utf8", "16"),
    ("vm", "1000"),
    ("wordfreq", "64"),
    ("xxhash", "1"),
];

struct Options {
    quick: bool,
    reps: usize,
    compile: bool,
    /// `--gc`: the GC programs of `benches/gc/`, wasm2native against wasmtime (time and peak memory).
    gc: bool,
    /// `--guest-control`: the cost of interruption checks and fuel, here and in wasmtime.
    guest_control: bool,
    /// `--levels`: the corpus's run time at -O1 over -O2 (the default of `compile`).
    levels: bool,
    /// Extra modules for `--compile` (`--module PATH`), compiled to executables.
    modules: Vec<PathBuf>,
    filters: Vec<String>,
}

#[derive(Clone)]
struct Engine {
    name: &'static str,
    version: String,
}

struct Program {
    name: String,
    arg: Option<String>,
    native: PathBuf,
    wasm: PathBuf,
    w2n: PathBuf,
}

pub fn main(args: &[String]) -> Result<()> {
    let mut opts = Options {
        quick: false,
        reps: 5,
        compile: false,
        gc: false,
        guest_control: false,
        levels: false,
        modules: vec![],
        filters: vec![],
    };
    let mut reps_given = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => opts.quick = true,
            "--compile" => opts.compile = true,
            "--gc" => opts.gc = true,
            "--guest-control" => opts.guest_control = true,
            "--levels" => opts.levels = true,
            "--module" => opts.modules.push(PathBuf::from(it.next().context("--module needs a path")?)),
            "--reps" => {
                let v = it.next().context("--reps needs a value")?;
                opts.reps = v.parse::<usize>().with_context(|| format!("--reps: `{v}` is not a number"))?.max(1);
                reps_given = true;
            }
            "-h" | "--help" => {
                println!("usage: cargo xtask bench [--quick] [--reps N (5)] [--compile | --gc] [FILTER...]");
                println!(
                    "  builds benches/programs/*.c natively and to wasm32-wasi, compiles the Wasm with wasm2native,"
                );
                println!(
                    "  checks every engine prints the native checksum and times native, wasm2native, wasmtime and"
                );
                println!("  node (when on PATH) side by side, N interleaved repetitions, median.");
                println!("  A full run (no --quick, no FILTER) writes benches/RESULTS.md and benches/ratios.svg.");
                println!("  --quick    tiny sizes, one repetition, debug compiler: a smoke test of the checksums");
                println!(
                    "  --compile  the compile-speed benchmark instead (jobs 1/2, cold cache, one-function recompile)"
                );
                println!(
                    "  --guest-control  the overhead of interruption checks (-W timeout) and fuel (-W fuel), here"
                );
                println!("             and in wasmtime (epochs, fuel), over the corpus; writes its RESULTS.md section");
                println!("  --levels   the corpus's run time compiled at -O1 over the default -O2 (paired ratios);");
                println!("             writes its RESULTS.md section");
                println!(
                    "  --gc       the Wasm GC programs of benches/gc/*.wat instead: wasm2native -O2 against wasmtime"
                );
                println!(
                    "             (precompiled), N interleaved repetitions, wall time and peak RSS; needs wasmtime;"
                );
                println!("             a full run writes its RESULTS.md section");
                println!("  --module PATH  with --compile: also time this module (a WASI program), e.g. quickjs.wasm");
                println!("             or yosys.wasm (README: where to get them); repeatable");
                println!("  FILTER     only programs whose name contains one of the words");
                println!("  W2N_BIN=PATH uses that wasm2native binary instead of building one");
                return Ok(());
            }
            f if f.starts_with('-') => bail!("bench: unknown option `{f}` (try --help)"),
            f => opts.filters.push(f.to_string()),
        }
    }
    if opts.quick && !reps_given {
        opts.reps = 1;
    }
    let root = crate::root();
    let out = target_dir(&root).join("bench");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    if opts.gc {
        return gc_bench(&root, &out, &opts);
    }
    let w2n = compiler_binary(&root, !opts.quick)?;
    let programs = build_programs(&root, &out, &w2n, &opts)?;
    if opts.compile {
        return compile_bench(&root, &out, &w2n, &programs, &opts.modules);
    }
    let mut engines = detect_engines(&w2n);
    if opts.guest_control {
        engines = guest_control_engines(&engines, &w2n, &programs)?;
    }
    if opts.levels {
        engines = level_engines(&engines, &w2n, &programs)?;
    }
    let results = run_all(&root, &programs, &engines, &opts)?;
    let paired = if opts.levels {
        Some(Paired { flag: "--levels", section: "levels", pairs: LEVEL_PAIRS, text: levels_section })
    } else if opts.guest_control {
        Some(Paired {
            flag: "--guest-control",
            section: "guest-control",
            pairs: GUEST_CONTROL_PAIRS,
            text: guest_control_section,
        })
    } else {
        None
    };
    if let Some(p) = paired {
        let table = ratio_table(&programs, &engines, &results, p.pairs);
        println!("\n{table}");
        if !opts.quick && opts.filters.is_empty() {
            let cmd = format!("cargo xtask bench {} --reps {}", p.flag, opts.reps);
            write_section(&root.join("benches/RESULTS.md"), p.section, &(p.text)(&engines, &table, &cmd, opts.reps))?;
            println!("wrote the {} section of benches/RESULTS.md", p.section);
        }
        return Ok(());
    }
    let table = render_table(&programs, &engines, &results);
    println!("\n{table}");
    if !opts.quick && opts.filters.is_empty() {
        let cmd = format!("cargo xtask bench --reps {}", opts.reps);
        let section = runtime_section(&engines, &programs, &results, &table, &cmd);
        write_section(&root.join("benches/RESULTS.md"), "runtime", &section)?;
        std::fs::write(root.join("benches/ratios.svg"), svg(&programs, &engines, &results))?;
        println!("wrote benches/RESULTS.md and benches/ratios.svg");
    }
    Ok(())
}

/// A comparison of builds with their plain ones (`--levels`, `--guest-control`): its flag, its
/// section of RESULTS.md, the engines compared (each over its base) and the section's text.
struct Paired {
    flag: &'static str,
    section: &'static str,
    pairs: &'static [(&'static str, &'static str)],
    text: fn(&[Engine], &str, &str, usize) -> String,
}

/// The programs of `dir` (files ending in `ext`, without it) that the filters name, sorted.
fn program_names(dir: &Path, ext: &str, opts: &Options) -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(ext)).map(String::from))
        .filter(|n| opts.filters.is_empty() || opts.filters.iter().any(|f| n.contains(f.as_str())))
        .collect();
    names.sort();
    if names.is_empty() {
        bail!("bench: no program in {} matches {:?}", dir.display(), opts.filters);
    }
    Ok(names)
}

fn build_programs(root: &Path, out: &Path, w2n: &Path, opts: &Options) -> Result<Vec<Program>> {
    let src = root.join("benches/programs");
    let names = program_names(&src, ".c", opts)?;
    eprintln!("bench: building {} programs into {}", names.len(), out.display());
    let mut programs = vec![];
    for name in names {
        let c = src.join(format!("{name}.c"));
        let p = Program {
            arg: if opts.quick {
                Some(
                    QUICK_ARGS
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, a)| a.to_string())
                        .unwrap_or_else(|| "1".into()),
                )
            } else {
                None
            },
            native: out.join(format!("{name}.native")),
            wasm: out.join(format!("{name}.wasm")),
            w2n: out.join(format!("{name}.w2n")),
            name,
        };
        run_captured(Command::new("clang-19").args(["-O2", "-o"]).arg(&p.native).arg(&c).arg("-lm"))?;
        run_captured(
            Command::new("clang-19").args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o"]).arg(&p.wasm).arg(&c),
        )?;
        run_captured(Command::new(w2n).arg("compile").arg(&p.wasm).arg("-o").arg(&p.w2n))?;
        programs.push(p);
    }
    Ok(programs)
}

fn version_of(cmd: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(cmd).args(args).stderr(Stdio::null()).output().ok()?;
    if !o.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").trim().to_string())
}

fn detect_engines(w2n: &Path) -> Vec<Engine> {
    let mut e = vec![
        Engine { name: "native", version: version_of("clang-19", &["--version"]).unwrap_or_default() },
        Engine {
            name: "wasm2native",
            version: format!(
                "{} (git {})",
                version_of(w2n.to_str().unwrap_or("wasm2native"), &["--version"])
                    .unwrap_or_else(|| "wasm2native".into()),
                version_of("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_default()
            ),
        },
    ];
    if let Some(v) = version_of(&wasmtime_cli(), &["--version"]) {
        e.push(Engine { name: "wasmtime", version: format!("{v} (precompiled, -W {WASMTIME_STACK})") });
    }
    if let Some(v) = version_of("node", &["--version"]) {
        e.push(Engine { name: "node", version: format!("node {v} (V8, node:wasi, --single-threaded)") });
    }
    if version_of("wasm2c", &["--version"]).is_some() {
        eprintln!("bench: wasm2c found but not run (no WASI glue for wasm2c output in this project)");
    }
    e
}

/// The wasmtime CLI: the one `cargo xtask setup` unpacked, else whatever `wasmtime` is on PATH.
fn wasmtime_cli() -> String {
    let installed = crate::wasmtime_dir().join("wasmtime");
    if installed.is_file() {
        installed.to_string_lossy().into_owned()
    } else {
        "wasmtime".to_string()
    }
}

/// fib's Ackermann recursion needs more than wasmtime's default 512 KiB of Wasm stack; native code
/// and wasm2native get the 8 MiB main-thread stack.
const WASMTIME_STACK: &str = "max-wasm-stack=7000000";

fn command_for(root: &Path, engine: &str, p: &Program) -> Command {
    let mut cmd = match engine {
        "native" => Command::new(&p.native),
        "wasm2native" => Command::new(&p.w2n),
        "wasm2native-timeout" => Command::new(p.w2n.with_extension("w2n-timeout")),
        "wasm2native-fuel" => Command::new(p.w2n.with_extension("w2n-fuel")),
        "wasm2native-O1" => Command::new(p.w2n.with_extension("w2n-O1")),
        "wasmtime" | "wasmtime-epochs" | "wasmtime-fuel" => {
            // Ahead of time, like wasm2native: the Cranelift compile is not timed.
            let mut c = Command::new(wasmtime_cli());
            c.args(["run", "-W", WASMTIME_STACK]);
            let cwasm = match engine {
                "wasmtime-epochs" => {
                    c.args(["-W", &format!("timeout={GUEST_CONTROL_TIMEOUT}")]);
                    p.wasm.with_extension("epochs.cwasm")
                }
                "wasmtime-fuel" => {
                    c.args(["-W", &format!("fuel={GUEST_CONTROL_FUEL}")]);
                    p.wasm.with_extension("fuel.cwasm")
                }
                _ => p.wasm.with_extension("cwasm"),
            };
            c.arg("--allow-precompiled").arg(cwasm);
            c
        }
        "node" => {
            let mut c = Command::new("node");
            // Node 20 segfaults at exit in a V8 worker thread after some of these programs (the
            // checksum is already out); with one thread it does not. TurboFan then tiers up on the
            // main thread, which the timing includes.
            c.args(["--no-warnings", "--single-threaded"]).arg(root.join("benches/node-wasi.mjs")).arg(&p.wasm);
            c
        }
        other => unreachable!("engine {other}"),
    };
    if let Some(a) = &p.arg {
        cmd.arg(a);
    }
    cmd
}

/// Results: program -> engine -> repetition -> wall time.
type Results = BTreeMap<String, BTreeMap<&'static str, BTreeMap<usize, Duration>>>;

fn run_all(root: &Path, programs: &[Program], engines: &[Engine], opts: &Options) -> Result<Results> {
    let mut results: Results = BTreeMap::new();
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let mut failures = vec![];
    if engines.iter().any(|e| e.name == "wasmtime") {
        for p in programs {
            run_captured(
                Command::new(wasmtime_cli()).arg("compile").arg(&p.wasm).arg("-o").arg(p.wasm.with_extension("cwasm")),
            )?;
        }
    }
    for rep in 0..opts.reps {
        eprintln!("bench: repetition {}/{}", rep + 1, opts.reps);
        for p in programs {
            // Rotate the engine order each repetition; native first on the first one, for the checksum.
            let n = engines.len();
            for k in 0..n {
                let e = &engines[(k + rep) % n];
                let start = Instant::now();
                let output = command_for(root, e.name, p)
                    .stderr(Stdio::piped())
                    .output()
                    .with_context(|| format!("running {} under {}", p.name, e.name))?;
                let elapsed = start.elapsed();
                let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
                if !output.status.success() && !matches!(e.name, "native" | "wasm2native") {
                    // Another engine failing is reported and left out of its figures, not fatal.
                    eprintln!("bench: warning: {} under {} failed ({}); left out", p.name, e.name, output.status);
                    continue;
                }
                if !output.status.success() {
                    failures.push(format!(
                        "{} under {}: {}\n{}",
                        p.name,
                        e.name,
                        output.status,
                        String::from_utf8_lossy(&output.stderr)
                    ));
                    continue;
                }
                match expected.get(&p.name) {
                    None => {
                        expected.insert(p.name.clone(), stdout.clone());
                    }
                    Some(want) if *want != stdout => {
                        failures.push(format!(
                            "{} under {}: printed {:?}, another engine {:?}",
                            p.name,
                            e.name,
                            stdout.trim(),
                            want.trim()
                        ));
                        continue;
                    }
                    _ => {}
                }
                results.entry(p.name.clone()).or_default().entry(e.name).or_default().insert(rep, elapsed);
            }
            if rep == 0 {
                eprintln!("  {:<12} {}", p.name, expected.get(&p.name).map(|s| s.trim()).unwrap_or("?"));
            }
        }
    }
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("bench: FAILED: {f}");
        }
        bail!("bench: {} runs failed or printed a different checksum", failures.len());
    }
    println!("bench: every engine printed the same checksum for all {} programs", programs.len());
    Ok(results)
}

/// A deadline no program reaches, and a budget no program spends: the checks run, never fire.
const GUEST_CONTROL_TIMEOUT: &str = "3600s";
const GUEST_CONTROL_FUEL: &str = "9000000000000000000";

/// Each checked build beside the plain one it is compared with.
const GUEST_CONTROL_PAIRS: &[(&str, &str)] = &[
    ("wasm2native-timeout", "wasm2native"),
    ("wasm2native-fuel", "wasm2native"),
    ("wasmtime-epochs", "wasmtime"),
    ("wasmtime-fuel", "wasmtime"),
];

/// The engines of `--guest-control`: wasm2native with and without `-W timeout` (interruption
/// checks) and `-W fuel`, and wasmtime with and without epochs and fuel, each built here.
fn guest_control_engines(engines: &[Engine], w2n: &Path, programs: &[Program]) -> Result<Vec<Engine>> {
    let has_wasmtime = engines.iter().any(|e| e.name == "wasmtime");
    for p in programs {
        for (ext, flag) in [
            ("w2n-timeout", format!("timeout={GUEST_CONTROL_TIMEOUT}")),
            ("w2n-fuel", format!("fuel={GUEST_CONTROL_FUEL}")),
        ] {
            run_captured(
                Command::new(w2n).arg("compile").arg(&p.wasm).args(["-W", &flag, "-o"]).arg(p.w2n.with_extension(ext)),
            )?;
        }
        if has_wasmtime {
            for (ext, flag) in [("epochs.cwasm", "epoch-interruption=y"), ("fuel.cwasm", "fuel=1")] {
                run_captured(
                    Command::new(wasmtime_cli())
                        .args(["compile", "-W", flag])
                        .arg(&p.wasm)
                        .arg("-o")
                        .arg(p.wasm.with_extension(ext)),
                )?;
            }
        }
    }
    let mut out = vec![];
    for e in engines.iter().filter(|e| e.name != "node") {
        out.push(e.clone());
        match e.name {
            "wasm2native" => {
                out.push(Engine {
                    name: "wasm2native-timeout",
                    version: format!("compile -W timeout={GUEST_CONTROL_TIMEOUT}"),
                });
                out.push(Engine { name: "wasm2native-fuel", version: format!("compile -W fuel={GUEST_CONTROL_FUEL}") });
            }
            "wasmtime" => {
                out.push(Engine {
                    name: "wasmtime-epochs",
                    version: format!("compile -W epoch-interruption=y, run -W timeout={GUEST_CONTROL_TIMEOUT}"),
                });
                out.push(Engine {
                    name: "wasmtime-fuel",
                    version: format!("compile -W fuel=1, run -W fuel={GUEST_CONTROL_FUEL}"),
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `--levels`: each engine over the one it is compared with.
const LEVEL_PAIRS: &[(&str, &str)] = &[("wasm2native-O1", "wasm2native")];

/// `--levels`: native (its output is the checksum every build must print first), wasm2native at
/// -O2 (its executables, built already) and at -O1, built here.
fn level_engines(engines: &[Engine], w2n: &Path, programs: &[Program]) -> Result<Vec<Engine>> {
    for p in programs {
        run_captured(
            Command::new(w2n).arg("compile").arg(&p.wasm).args(["-O1", "-o"]).arg(p.w2n.with_extension("w2n-O1")),
        )?;
    }
    let mut out: Vec<Engine> = engines.iter().filter(|e| e.name == "native").cloned().collect();
    let version = engines.iter().find(|e| e.name == "wasm2native").map(|e| e.version.clone()).unwrap_or_default();
    out.push(Engine { name: "wasm2native", version: format!("{version}, `compile` (-O2)") });
    out.push(Engine { name: "wasm2native-O1", version: format!("{version}, `compile -O1`") });
    Ok(out)
}

fn levels_section(engines: &[Engine], table: &str, cmd: &str, reps: usize) -> String {
    let date = version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let mut s = String::from("## Run time at -O1\n\n");
    s += &format!(
        "Measured {date} on {}. Command: `{cmd}` (after `cargo build --release -p wasm2native`).\n\n",
        machine()
    );
    s += &format!(
        "What -O1 costs at run time: each program compiled at -O1 over the same program at -O2, the \
         default of `compile` (the median over {reps} interleaved repetitions of the paired ratio; \
         lower is better). -O1 gives LLVM's optimising back end only to functions with a loop of at \
         most 4 KB of Wasm and the fast back end of -O0 to all others (`compiler/src/codegen/partition.rs`); \
         issue 16's bar is a geometric mean of at most 1.15.\n\n"
    );
    s += table;
    s += "\nEngines:\n\n";
    for e in engines {
        s += &format!("- `{}`: {}\n", e.name, e.version);
    }
    s
}

/// The median over repetitions of `engine`'s time over `base`'s in the same repetition.
fn ratio_to(results: &Results, program: &str, engine: &str, base: &str) -> Option<f64> {
    let r = results.get(program)?;
    let (runs, baseline) = (r.get(engine)?, r.get(base)?);
    let paired: Vec<f64> =
        runs.iter().filter_map(|(rep, t)| baseline.get(rep).map(|b| t.as_secs_f64() / b.as_secs_f64())).collect();
    (!paired.is_empty()).then(|| median_of(paired))
}

/// Per program, each engine of `pairs` over its base; then the geometric mean and the worst.
fn ratio_table(programs: &[Program], engines: &[Engine], results: &Results, pairs: &[(&str, &str)]) -> String {
    let pairs: Vec<&(&str, &str)> = pairs.iter().filter(|(e, _)| engines.iter().any(|x| x.name == *e)).collect();
    let mut t = String::from("| program |");
    for (e, base) in &pairs {
        t += &format!(" {e} / {base} |");
    }
    t += "\n|---|";
    t += &"---:|".repeat(pairs.len());
    t += "\n";
    let mut columns: Vec<Vec<(f64, &str)>> = vec![vec![]; pairs.len()];
    for p in programs {
        t += &format!("| {} |", p.name);
        for (i, (e, base)) in pairs.iter().enumerate() {
            let r = ratio_to(results, &p.name, e, base);
            if let Some(r) = r {
                columns[i].push((r, &p.name));
            }
            t += &format!(" {} |", r.map(|r| format!("{r:.3}")).unwrap_or("-".into()));
        }
        t += "\n";
    }
    t += "| **geometric mean** |";
    for c in &columns {
        let g = (!c.is_empty()).then(|| (c.iter().map(|(r, _)| r.ln()).sum::<f64>() / c.len() as f64).exp());
        t += &format!(" **{}** |", g.map(|g| format!("{g:.3}")).unwrap_or("-".into()));
    }
    t += "\n| **worst** |";
    for c in &columns {
        let w = c
            .iter()
            .copied()
            .fold(None, |acc: Option<(f64, &str)>, x| if acc.is_none_or(|a| x.0 > a.0) { Some(x) } else { acc });
        t += &format!(" {} |", w.map(|(r, n)| format!("{r:.3} ({n})")).unwrap_or("-".into()));
    }
    t += "\n";
    t
}

fn guest_control_section(engines: &[Engine], table: &str, cmd: &str, reps: usize) -> String {
    let date = version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let mut s = String::from("## Guest control: interruption checks and fuel\n\n");
    s += &format!(
        "Measured {date} on {}. Command: `{cmd}` (after `cargo build --release -p wasm2native`).\n\n",
        machine()
    );
    s += &format!(
        "What bounding a guest costs at run time: each program built with the checks and run with a \
         deadline it never reaches or a budget it never spends, over the same engine without them \
         (the median over {reps} interleaved repetitions of the paired ratio; lower is better, 1.000 \
         is free). wasm2native: `compile -W timeout=...` (no poll: loops are stopped by a \
         signal, function entries by the stack check) and `compile -W fuel=...` (fuel charged per straight-line piece of \
         Wasm). wasmtime: epoch interruption (`-W timeout` at run time) and fuel (`-W fuel`), \
         precompiled.\n\n"
    );
    s += table;
    s += "\nEngines:\n\n";
    for e in engines {
        s += &format!("- `{}`: {}\n", e.name, e.version);
    }
    s
}

fn median(runs: &BTreeMap<usize, Duration>) -> f64 {
    median_of(runs.values().map(|d| d.as_secs_f64()).collect())
}

fn median_of(mut s: Vec<f64>) -> f64 {
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// The median over repetitions of the engine's time over native's in the same repetition: the two
/// runs are seconds apart, so a load that comes and goes on the machine mostly cancels out.
fn ratio(results: &Results, program: &str, engine: &str) -> Option<f64> {
    ratio_to(results, program, engine, "native")
}

fn geomean(results: &Results, programs: &[Program], engine: &str) -> Option<f64> {
    let rs: Vec<f64> = programs.iter().filter_map(|p| ratio(results, &p.name, engine)).collect();
    if rs.is_empty() {
        return None;
    }
    Some((rs.iter().map(|r| r.ln()).sum::<f64>() / rs.len() as f64).exp())
}

fn render_table(programs: &[Program], engines: &[Engine], results: &Results) -> String {
    let mut t = String::from("| program |");
    for e in engines {
        t += &format!(" {} s |", e.name);
        if e.name != "native" {
            t += &format!(" {} / native |", e.name);
        }
    }
    t += "\n|---|";
    for e in engines {
        t += if e.name == "native" { "---:|" } else { "---:|---:|" };
    }
    t += "\n";
    for p in programs {
        t += &format!("| {} |", p.name);
        for e in engines {
            let m = results.get(&p.name).and_then(|r| r.get(e.name)).map(median);
            t += &format!(" {} |", m.map(|m| format!("{m:.3}")).unwrap_or("-".into()));
            if e.name != "native" {
                t +=
                    &format!(" {} |", ratio(results, &p.name, e.name).map(|r| format!("{r:.2}")).unwrap_or("-".into()));
            }
        }
        t += "\n";
    }
    t += "| **geometric mean** |";
    for e in engines {
        if e.name == "native" {
            t += " |";
        } else {
            t += &format!(
                " | **{}** |",
                geomean(results, programs, e.name).map(|g| format!("{g:.3}")).unwrap_or("-".into())
            );
        }
    }
    t += "\n";
    t
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let nproc = version_of("nproc", &[]).unwrap_or_default();
    let kernel = version_of("uname", &["-sr"]).unwrap_or_default();
    format!("{nproc} cores ({cpu}), {kernel}")
}

fn runtime_section(engines: &[Engine], programs: &[Program], results: &Results, table: &str, cmd: &str) -> String {
    let date = version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let mut s = String::from("## Run time\n\n");
    s += &format!(
        "Measured {date} on {}. Command: `{cmd}` (after `cargo build --release -p wasm2native`).\n\n",
        machine()
    );
    s += &format!(
        "Median wall time of {} interleaved repetitions per engine, in seconds, and the ratio to native \
         (lower is better): the median over the repetitions of the engine's time over native's in the \
         same repetition (the runs are seconds apart, so a load that comes and goes on the \
         machine mostly cancels out). Every engine printed the native build's checksum. The machine \
         is shared and noisy (other virtual machines' load on the same host): the ratios come from \
         one run and single programs still move by 5-15 % from run to run.\n\n",
        results.values().next().and_then(|r| r.get("native")).map(|v| v.len()).unwrap_or(0)
    );
    s += table;
    s += "\n(`-`: the engine failed on that program; the geometric mean is over the programs it ran.)\n";
    s += "\n![ratios to native](ratios.svg)\n\nEngines:\n\n";
    for e in engines {
        s += &format!("- `{}`: {}\n", e.name, e.version);
    }
    let have = |n: &str| engines.iter().any(|e| e.name == n);
    if !have("wasmtime") {
        s += "- `wasmtime`: not installed, so not measured (`cargo xtask setup` puts it in target/tools/wasmtime).\n";
    }
    if !have("node") {
        s += "- `node`: not on PATH on this machine, so not measured.\n";
    }
    s += "- `wasm2c`: not measured (not installed; the project carries no WASI glue for wasm2c output).\n";
    let worst = programs
        .iter()
        .filter_map(|p| ratio(results, &p.name, "wasm2native").map(|r| (r, &p.name)))
        .fold(None, |acc: Option<(f64, &String)>, x| if acc.is_none_or(|a| x.0 > a.0) { Some(x) } else { acc });
    if let Some((r, n)) = worst {
        s += &format!("\nWorst wasm2native ratio: `{n}` at {r:.2}.\n");
    }
    s
}

/// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in `path` (appending
/// the section when it is not there yet); the rest of the file is kept as written.
pub fn write_section(path: &Path, name: &str, body: &str) -> Result<()> {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmark results\n\n".to_string());
    let block = format!("{begin}\n{body}{end}");
    let new = match (old.find(&begin), old.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{}{}", &old[..b], block, &old[e + end.len()..]),
        _ => format!("{}\n{}\n", old.trim_end(), block),
    };
    std::fs::write(path, new).with_context(|| format!("writing {}", path.display()))
}

fn svg(programs: &[Program], engines: &[Engine], results: &Results) -> String {
    let others: Vec<&Engine> = engines.iter().filter(|e| e.name != "native").collect();
    let colors = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"];
    let mut rows: Vec<(String, Vec<Option<f64>>)> = programs
        .iter()
        .map(|p| (p.name.clone(), others.iter().map(|e| ratio(results, &p.name, e.name)).collect()))
        .collect();
    rows.push(("geomean".into(), others.iter().map(|e| geomean(results, programs, e.name)).collect()));
    let max = rows.iter().flat_map(|r| r.1.iter().flatten()).fold(1.5f64, |a, &b| a.max(b)).ceil();
    let (left, top, bar_h, gap, width) = (110.0, 40.0, 12.0, 10.0, 520.0);
    let group = bar_h * others.len() as f64 + gap;
    let height = top + group * rows.len() as f64 + 40.0;
    let x = |v: f64| left + v / max * width;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Run time relative to native clang -O2 (lower is better)</text>\n",
        left + width + 60.0
    );
    for (i, e) in others.iter().enumerate() {
        let lx = left + i as f64 * 110.0;
        s += &format!(
            "<rect x=\"{lx}\" y=\"24\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"33\">{}</text>\n",
            colors[i % colors.len()],
            lx + 14.0,
            e.name
        );
    }
    let mut t = 0.0;
    while t <= max + 1e-9 {
        let gx = x(t);
        s += &format!(
            "<line x1=\"{gx}\" y1=\"{top}\" x2=\"{gx}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/><text x=\"{gx}\" y=\"{}\" text-anchor=\"middle\">{t:.1}</text>\n",
            height - 30.0,
            if (t - 1.0).abs() < 1e-9 { "#000" } else { "#ddd" },
            if (t - 1.0).abs() < 1e-9 { 1.5 } else { 1.0 },
            height - 18.0
        );
        t += 0.5;
    }
    for (r, (name, vals)) in rows.iter().enumerate() {
        let y0 = top + r as f64 * group + gap / 2.0;
        s += &format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\"{}>{name}</text>\n",
            left - 6.0,
            y0 + group / 2.0,
            if name == "geomean" { " font-weight=\"bold\"" } else { "" }
        );
        for (i, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                let y = y0 + i as f64 * bar_h;
                s += &format!(
                    "<rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"9\">{v:.2}</text>\n",
                    x(*v) - left,
                    bar_h - 2.0,
                    colors[i % colors.len()],
                    x(*v) + 3.0,
                    y + bar_h - 4.0
                );
            }
        }
    }
    s += "</svg>\n";
    s
}

// ---------------------------------------------------------------------------------------------
// Compile speed

/// One `wasm2native compile --emit obj` under `/usr/bin/time -f %M`: (wall seconds, peak KiB).
/// One cold or warm compile: wall seconds and peak resident KiB. `obj` compiles to an object,
/// otherwise to an executable (the module is a WASI program).
fn timed_compile(w2n: &Path, input: &Path, out: &Path, how: &Compile, cache: &Path) -> Result<(f64, u64)> {
    let start = Instant::now();
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%M"]).arg(w2n).arg("compile").arg(input);
    if how.obj {
        cmd.args(["--emit", "obj"]);
    }
    let o = cmd
        .args(["-O", how.level, "--jobs", &how.jobs.to_string(), "-o"])
        .arg(out)
        .env("WASM2NATIVE_CACHE_DIR", cache)
        .stdout(Stdio::null())
        .output()
        .context("running /usr/bin/time (apt-get install time)")?;
    let wall = start.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr);
    if !o.status.success() {
        bail!("compiling {} failed: {err}", input.display());
    }
    let kib = err.lines().rev().find_map(|l| l.trim().parse::<u64>().ok()).unwrap_or(0);
    Ok((wall, kib))
}

struct Compile {
    level: &'static str,
    jobs: u32,
    obj: bool,
}

/// Modules above this size are compiled at `--jobs 2` only (each run takes minutes).
const JOBS1_LIMIT_BYTES: u64 = 20 << 20;

fn fresh_dir(base: &Path, name: &str) -> Result<PathBuf> {
    let d = base.join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

/// A large generated module: `n` functions with loops, memory traffic, branches and calls, as WAT.
/// `variant` changes the body of one function (the middle one).
fn generated_wat(n: usize, variant: u32) -> String {
    let mut s = String::from("(module\n  (memory (export \"memory\") 4)\n  (global $g (mut i32) (i32.const 7))\n");
    for i in 0..n {
        let k = if i == n / 2 { 1000 + variant } else { (i as u32).wrapping_mul(2654435761) >> 20 };
        let callee = if i == 0 {
            String::new()
        } else {
            format!("(local.set $acc (i32.add (local.get $acc) (call $f{} (local.get $i))))", i - 1)
        };
        s += &format!(
            "  (func $f{i} (export \"f{i}\") (param $n i32) (result i32) (local $i i32) (local $acc i32) (local $x i64)
    (local.set $acc (i32.const {k}))
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (i32.and (local.get $n) (i32.const 15))))
      (local.set $x (i64.mul (i64.extend_i32_u (local.get $acc)) (i64.const {k})))
      (i32.store offset={off} (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 4092))
        (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 7))) (local.get $i)))
      (local.set $acc (i32.add (local.get $acc)
        (i32.load offset={off} (i32.and (i32.shl (local.get $n) (i32.const 2)) (i32.const 4092)))))
      (if (i32.eqz (i32.rem_u (local.get $acc) (i32.const {m})))
        (then (global.set $g (i32.add (global.get $g) (local.get $acc))))
        (else (local.set $acc (i32.rotl (local.get $acc) (i32.const 5)))))
      (local.set $acc (select (local.get $acc) (i32.div_u (local.get $acc) (i32.const 3)) (i32.lt_u (local.get $acc) (i32.const {k}))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    {callee}
    (local.get $acc))\n",
            off = (i % 64) * 4096,
            m = 3 + i % 29,
        );
    }
    s += ")\n";
    s
}

/// Bytes of Wasm in the module whose peak compile memory is measured (issue 9: a 10 MB module).
const BIG_MODULE_BYTES: u64 = 10_500_000;

fn compile_bench(root: &Path, out: &Path, w2n: &Path, programs: &[Program], modules: &[PathBuf]) -> Result<()> {
    let dir = out.join("compile");
    std::fs::create_dir_all(&dir)?;
    let largest = programs
        .iter()
        .max_by_key(|p| std::fs::metadata(&p.wasm).map(|m| m.len()).unwrap_or(0))
        .context("no program")?;
    let nfuncs = 5000;
    let gen_a = dir.join("generated.wasm");
    let gen_b = dir.join("generated-changed.wasm");
    std::fs::write(&gen_a, wat::parse_str(generated_wat(nfuncs, 0))?)?;
    std::fs::write(&gen_b, wat::parse_str(generated_wat(nfuncs, 1))?)?;
    let wasm_size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut rows = vec![];
    // (label, module, to an object)
    let mut inputs: Vec<(String, PathBuf, bool)> = vec![
        (
            format!("`{}.wasm` (largest of the suite, {} bytes)", largest.name, wasm_size(&largest.wasm)),
            largest.wasm.clone(),
            true,
        ),
        (format!("generated, {nfuncs} functions ({} bytes)", wasm_size(&gen_a)), gen_a.clone(), true),
    ];
    for m in modules {
        let name = m.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if wasm_size(m) == 0 {
            bail!("--module {}: not a readable, non-empty file", m.display());
        }
        inputs.push((format!("`{name}` ({} bytes, to an executable)", wasm_size(m)), m.clone(), false));
    }
    let obj = dir.join("out.o");
    let exe = dir.join("out.exe");
    for (label, input, to_obj) in &inputs {
        for level in ["0", "1", "2"] {
            let mut cold = vec![];
            for jobs in [1u32, 2] {
                if jobs == 1 && wasm_size(input) > JOBS1_LIMIT_BYTES {
                    cold.push(None);
                    continue;
                }
                let cache = fresh_dir(&dir, &format!("cache-j{jobs}"))?;
                if !to_obj {
                    // The runtime library is built into the cache on first use: build it first,
                    // so that the cold compile measures the module's units and the link only.
                    let warm_up = Compile { level: "0", jobs: 1, obj: false };
                    timed_compile(w2n, &root.join("examples/hello.wat"), &exe, &warm_up, &cache)?;
                }
                eprintln!("bench: compiling {} at -O{level} --jobs {jobs}, cold unit cache", input.display());
                let how = Compile { level, jobs, obj: *to_obj };
                cold.push(Some(timed_compile(w2n, input, if *to_obj { &obj } else { &exe }, &how, &cache)?));
            }
            let cell = |c: &Option<(f64, u64)>| match c {
                Some((t, kib)) => format!("{t:.2} s, {} MiB", kib / 1024),
                None => "not run (over 20 MB)".to_string(),
            };
            let speedup = match (&cold[0], &cold[1]) {
                (Some(a), Some(b)) => format!("{:.2}×", a.0 / b.0),
                _ => "".to_string(),
            };
            rows.push(format!("| {label} | -O{level} | {} | {} | {speedup} |", cell(&cold[0]), cell(&cold[1])));
        }
    }
    // Recompile after a one-function change, with the cache the unchanged module filled.
    eprintln!("bench: recompiling the generated module after changing one function");
    let o2j2 = Compile { level: "2", jobs: 2, obj: true };
    let warm = fresh_dir(&dir, "cache-warm")?;
    timed_compile(w2n, &gen_a, &obj, &o2j2, &warm)?;
    let (again, _) = timed_compile(w2n, &gen_a, &obj, &o2j2, &warm)?;
    let (changed, changed_kib) = timed_compile(w2n, &gen_b, &obj, &o2j2, &warm)?;
    let cold_j2 = {
        let c = fresh_dir(&dir, "cache-cold")?;
        timed_compile(w2n, &gen_b, &obj, &o2j2, &c)?.0
    };
    // Peak memory on a module of at least 10 MB (issue 9's bar: under 2 GiB), at --jobs 2.
    let big = dir.join("generated-10mb.wasm");
    let big_funcs = (BIG_MODULE_BYTES * nfuncs as u64).div_ceil(wasm_size(&gen_a).max(1)) as usize;
    std::fs::write(&big, wat::parse_str(generated_wat(big_funcs, 0))?)?;
    eprintln!("bench: compiling {} ({} bytes) at --jobs 2, cold cache", big.display(), wasm_size(&big));
    let (big_t, big_kib) = timed_compile(w2n, &big, &obj, &o2j2, &fresh_dir(&dir, "cache-big")?)?;
    let mut wasmtime = String::new();
    if version_of(&wasmtime_cli(), &["--version"]).is_some() {
        for (label, input, _) in &inputs {
            let start = Instant::now();
            let st = Command::new("/usr/bin/time")
                .args(["-f", "%M"])
                .arg(wasmtime_cli())
                .arg("compile")
                // yosys.wasm uses exception handling; the flag changes nothing for other modules
                .args(["-W", "exceptions=y"])
                .arg(input)
                .arg("-o")
                .arg(dir.join("out.cwasm"))
                .output()?;
            let kib = String::from_utf8_lossy(&st.stderr)
                .lines()
                .rev()
                .find_map(|l| l.trim().parse::<u64>().ok())
                .unwrap_or(0);
            wasmtime += &format!("| {label} | {:.2} s, {} MiB |\n", start.elapsed().as_secs_f64(), kib / 1024);
        }
    }
    let date = version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let mut s = String::from("## Compile speed\n\n");
    s += &format!(
        "Measured {date} on {}. Command: `cargo xtask bench --compile` (release compiler, git {}). \
         `wasm2native compile IN -O L --jobs J` (`--emit obj` for the first two, an executable for \
         the programs given with `--module`), wall time and peak resident memory \
         (`/usr/bin/time -f %M`), each cold run with a fresh `WASM2NATIVE_CACHE_DIR` (for executables, \
         one holding only the runtime library, which is built there once); one run each \
         on a shared, noisy machine. `WASM2NATIVE_TIMINGS=1` (or `=passes`) on any compile prints \
         where the time went.\n\n",
        machine(),
        version_of("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_default()
    );
    s += "| module | level | --jobs 1 (cold) | --jobs 2 (cold) | speed-up |\n|---|---|---:|---:|---:|\n";
    for r in &rows {
        s += r;
        s += "\n";
    }
    s += &format!(
        "\nRecompiling the generated module with a warm cache (`--jobs 2`): unchanged {again:.2} s; after \
         changing the body of one function {changed:.2} s ({} MiB peak), against {cold_j2:.2} s cold for the \
         same changed module: {:.2} of a cold compile.\n",
        changed_kib / 1024,
        changed / cold_j2
    );
    s += &format!(
        "\nA generated module of {} bytes ({big_funcs} functions), `--jobs 2`, cold cache: {big_t:.1} s, \
         peak {} MiB.\n",
        wasm_size(&big),
        big_kib / 1024
    );
    if wasmtime.is_empty() {
        s += "\n`wasmtime compile`: not measured (wasmtime is not installed: `cargo xtask setup`).\n";
    } else {
        s += "\n`wasmtime compile` (default settings, all cores):\n\n| module | wall, peak |\n|---|---:|\n";
        s += &wasmtime;
    }
    println!("\n{s}");
    write_section(&root.join("benches/RESULTS.md"), "compile", &s)?;
    println!("wrote the compile section of benches/RESULTS.md");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// GC programs (issue 18)

/// wasmtime's switches for the GC programs, the same at compile and at run time.
const WASMTIME_GC: &str = "gc=y,function-references=y,exceptions=y";

/// The engines of `--gc`, in the order of the first repetition.
const GC_ENGINES: [&str; 2] = ["wasm2native", "wasmtime"];

struct GcProgram {
    name: String,
    /// `wasm2native compile -O2`'s executable.
    exe: PathBuf,
    /// `wasmtime compile`'s output.
    cwasm: PathBuf,
}

/// Peak resident KiB per program and engine: the largest over the repetitions.
type Peaks = BTreeMap<String, BTreeMap<&'static str, u64>>;

/// `--gc`: every `benches/gc/*.wat` (a WASI command that prints a checksum and traps when it is
/// wrong) compiled by `wasm2native compile -O2` to an executable and by `wasmtime compile` to a
/// `.cwasm` run with `--allow-precompiled` (neither compile timed), both run `--reps` times,
/// alternately, each run under `/usr/bin/time -f %M` for its peak resident memory. Both must exit
/// 0 and print the same line. The ratio is the median over the repetitions of wasm2native's time
/// over wasmtime's in the same repetition; a full run writes the gc section of RESULTS.md.
fn gc_bench(root: &Path, out: &Path, opts: &Options) -> Result<()> {
    let Some(wasmtime_version) = version_of(&wasmtime_cli(), &["--version"]) else {
        eprintln!(
            "error: bench --gc compares with wasmtime, which is not installed (neither {} nor `wasmtime` on \
             PATH); `cargo xtask setup` installs it",
            crate::wasmtime_dir().join("wasmtime").display()
        );
        std::process::exit(1);
    };
    if !Path::new("/usr/bin/time").is_file() {
        eprintln!("error: bench --gc measures peak memory with /usr/bin/time, which is missing (apt-get install time)");
        std::process::exit(1);
    }
    let src = root.join("benches/gc");
    let dir = out.join("gc");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let names = program_names(&src, ".wat", opts)?;
    let w2n = compiler_binary(root, !opts.quick)?;
    eprintln!("bench: compiling {} GC programs into {}", names.len(), dir.display());
    let mut programs = vec![];
    for name in names {
        let wat = src.join(format!("{name}.wat"));
        let p = GcProgram { exe: dir.join(format!("{name}.w2n")), cwasm: dir.join(format!("{name}.cwasm")), name };
        run_captured(Command::new(&w2n).arg("compile").arg(&wat).args(["-O", "2", "-o"]).arg(&p.exe))?;
        run_captured(
            Command::new(wasmtime_cli()).args(["compile", "-W", WASMTIME_GC]).arg(&wat).arg("-o").arg(&p.cwasm),
        )?;
        programs.push(p);
    }
    let (results, peaks) = gc_run_all(&programs, opts.reps)?;
    let table = gc_table(&programs, &results, &peaks);
    println!("\n{table}");
    if !opts.quick && opts.filters.is_empty() {
        let cmd = format!("cargo xtask bench --gc --reps {}", opts.reps);
        // The compiler and its runtime as built from the tree, which may differ from HEAD.
        let dirty = Command::new("git")
            .args(["status", "--porcelain", "--", "compiler", "runtime-lib"])
            .current_dir(root)
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(false);
        let w2n_version = format!(
            "{} (git {}{})",
            version_of(w2n.to_str().unwrap_or("wasm2native"), &["--version"]).unwrap_or_else(|| "wasm2native".into()),
            version_of("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_default(),
            if dirty { ", built with uncommitted changes to compiler/ or runtime-lib/" } else { "" }
        );
        let section = gc_section(&programs, &results, &table, &cmd, opts.reps, &w2n_version, &wasmtime_version);
        write_section(&root.join("benches/RESULTS.md"), "gc", &section)?;
        println!("wrote the gc section of benches/RESULTS.md");
    }
    Ok(())
}

/// One run under `/usr/bin/time -f %M`: exit status, stdout, stderr (time's line taken out), wall
/// time and peak resident KiB.
fn gc_run_once(engine: &str, p: &GcProgram) -> Result<(std::process::ExitStatus, String, String, Duration, u64)> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%M"]);
    match engine {
        "wasm2native" => {
            cmd.arg(&p.exe);
        }
        "wasmtime" => {
            cmd.arg(wasmtime_cli()).args(["run", "-W", WASMTIME_GC, "--allow-precompiled"]).arg(&p.cwasm);
        }
        other => unreachable!("engine {other}"),
    }
    let start = Instant::now();
    let output = cmd
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {} under {engine} (through /usr/bin/time)", p.name))?;
    let elapsed = start.elapsed();
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut lines: Vec<&str> = err.lines().collect();
    let kib = lines.last().and_then(|l| l.trim().parse::<u64>().ok());
    if kib.is_some() {
        lines.pop();
    }
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    Ok((output.status, stdout, lines.join("\n"), elapsed, kib.unwrap_or(0)))
}

fn gc_run_all(programs: &[GcProgram], reps: usize) -> Result<(Results, Peaks)> {
    let mut results: Results = BTreeMap::new();
    let mut peaks: Peaks = BTreeMap::new();
    let mut expected: BTreeMap<&str, (&str, String)> = BTreeMap::new();
    let mut failures = vec![];
    for rep in 0..reps {
        eprintln!("bench: repetition {}/{}", rep + 1, reps);
        for p in programs {
            for k in 0..GC_ENGINES.len() {
                let engine = GC_ENGINES[(k + rep) % GC_ENGINES.len()];
                let (status, stdout, stderr, elapsed, kib) = gc_run_once(engine, p)?;
                if !status.success() {
                    if engine == "wasm2native" {
                        failures.push(format!("{} under {engine}: {status}\n{stderr}", p.name));
                    } else {
                        // wasmtime failing is reported and left out of the figures, not fatal.
                        eprintln!("bench: warning: {} under {engine} failed ({status}); left out\n{stderr}", p.name);
                    }
                    continue;
                }
                match expected.get(p.name.as_str()) {
                    None => {
                        expected.insert(&p.name, (engine, stdout.clone()));
                    }
                    Some((first, want)) if *want != stdout => {
                        failures.push(format!(
                            "{} under {engine}: printed {:?}, under {first} {:?}",
                            p.name,
                            stdout.trim(),
                            want.trim()
                        ));
                        continue;
                    }
                    _ => {}
                }
                results.entry(p.name.clone()).or_default().entry(engine).or_default().insert(rep, elapsed);
                let peak = peaks.entry(p.name.clone()).or_default().entry(engine).or_default();
                *peak = (*peak).max(kib);
            }
            if rep == 0 {
                eprintln!("  {:<12} {}", p.name, expected.get(p.name.as_str()).map(|(_, s)| s.trim()).unwrap_or("?"));
            }
        }
    }
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("bench: FAILED: {f}");
        }
        bail!("bench --gc: {} runs failed or printed a different checksum", failures.len());
    }
    println!("bench: both engines printed the same checksum for all {} GC programs", programs.len());
    Ok((results, peaks))
}

/// The geometric mean of wasm2native's time over wasmtime's, over the programs both ran.
fn gc_geomean(programs: &[GcProgram], results: &Results) -> Option<f64> {
    let rs: Vec<f64> = programs.iter().filter_map(|p| ratio_to(results, &p.name, "wasm2native", "wasmtime")).collect();
    (!rs.is_empty()).then(|| (rs.iter().map(|r| r.ln()).sum::<f64>() / rs.len() as f64).exp())
}

fn gc_table(programs: &[GcProgram], results: &Results, peaks: &Peaks) -> String {
    let mut t = String::from(
        "| program | wasm2native s | wasmtime s | wasm2native / wasmtime | wasm2native peak MiB | wasmtime peak MiB |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let dash = || "-".to_string();
    for p in programs {
        t += &format!("| {} |", p.name);
        for e in GC_ENGINES {
            let m = results.get(&p.name).and_then(|r| r.get(e)).map(median);
            t += &format!(" {} |", m.map(|m| format!("{m:.3}")).unwrap_or_else(dash));
        }
        let r = ratio_to(results, &p.name, "wasm2native", "wasmtime");
        t += &format!(" {} |", r.map(|r| format!("{r:.2}")).unwrap_or_else(dash));
        for e in GC_ENGINES {
            let kib = peaks.get(&p.name).and_then(|r| r.get(e)).copied().filter(|&k| k > 0);
            t += &format!(" {} |", kib.map(|k| format!("{:.1}", k as f64 / 1024.0)).unwrap_or_else(dash));
        }
        t += "\n";
    }
    let g = gc_geomean(programs, results);
    t += &format!("| **geometric mean** | | | **{}** | | |\n", g.map(|g| format!("{g:.3}")).unwrap_or_else(dash));
    t
}

fn gc_section(
    programs: &[GcProgram],
    results: &Results,
    table: &str,
    cmd: &str,
    reps: usize,
    w2n_version: &str,
    wasmtime_version: &str,
) -> String {
    let date = version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let mut s = String::from("## GC programs (issue 18)\n\n");
    s += &format!("Measured {date} on {}. Command: `{cmd}`.\n\n", machine());
    s += &format!(
        "The Wasm GC programs of `benches/gc/` (WAT, written here: `bintrees`, `linked_list`, `arrays`, \
         `casts`; see `benches/README.md`), each compiled by `wasm2native compile -O2` to an executable \
         and by `wasmtime compile -W {WASMTIME_GC}` to a `.cwasm` run with `wasmtime run -W {WASMTIME_GC} \
         --allow-precompiled` (neither compile timed; wasmtime's default collector). Median wall time of \
         {reps} alternating repetitions in seconds; the ratio is the median over the repetitions of \
         wasm2native's time over wasmtime's in the same repetition (lower is better: below 1 is faster \
         than wasmtime); peak resident memory of the whole process (`/usr/bin/time -f %M`, the largest \
         over the repetitions; wasmtime's includes its own runtime and the compiled code it maps). Both \
         engines printed the same checksum, which each program checks itself (a wrong one traps). The \
         machine is shared and noisy: single ratios move by 5-15 % from run to run.\n\n"
    );
    s += table;
    if let Some(g) = gc_geomean(programs, results) {
        s += &format!(
            "\nOn the geometric mean wasm2native takes **{g:.3}** of wasmtime's time (issue 18's bar: at most \
             1, wasmtime's time): {}.\n",
            if g <= 1.0 { "met" } else { "not met" }
        );
    }
    s += &format!("\nEngines:\n\n- `wasm2native`: {w2n_version}, `compile -O2`\n- `wasmtime`: {wasmtime_version}\n");
    s
}
