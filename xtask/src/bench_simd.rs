//! `cargo xtask bench-simd`: the SIMD benchmark of `benches/simd/` (issue 6).
//!
//! One driver (`bench.c`) and four kernels (`kernels.h`), built four ways:
//! - `native`:  plain C (`kernels_plain.c`), `clang-19 -O2 -march=x86-64-v2` (auto-vectorized SSE);
//! - `simd128`: the kernels written with `wasm_simd128.h` (`kernels_simd128.c`), wasm32-wasi
//!   `-O2 -msimd128`, then `wasm2native compile --cpu x86-64-v2` (its default CPU);
//! - `autovec`: the plain C to wasm32-wasi with `-msimd128` (clang's wasm auto-vectorizer), then
//!   `wasm2native compile`;
//! - `scalar`:  the plain C to wasm32-wasi without SIMD, then `wasm2native compile`.
//!
//! Every binary prints `<kernel> <ms> <checksum>` per kernel; the checksums must agree. Each binary
//! runs `--runs` times, round-robin (so a burst of load elsewhere hits all builds alike), and the
//! fastest run of each kernel counts. The table gives milliseconds and the ratio to native (lower
//! is better; below 1 is faster than native). Everything is written under
//! `target/bench-simd/`, including `simd128.s` (`wasm2native compile --emit asm`) to inspect.
//! `--cpu x86-64-v3` compares AVX2 builds instead (`-march` and `--cpu` alike).

use crate::compiler_bin::{compiler_binary, run_captured, target_dir};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const BUILDS: [&str; 4] = ["native", "simd128", "autovec", "scalar"];

struct Options {
    runs: usize,
    scale: u32,
    /// `-march` of the native build and `--cpu` of wasm2native.
    cpu: String,
}

pub fn main(args: &[String]) -> Result<()> {
    let mut opts = Options { runs: 5, scale: 10, cpu: "x86-64-v2".into() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<u32> {
            let v = it.next().with_context(|| format!("{name} needs a value"))?;
            v.parse().with_context(|| format!("{name}: `{v}` is not a number"))
        };
        match a.as_str() {
            "--runs" => opts.runs = value("--runs")?.max(1) as usize,
            "--scale" => opts.scale = value("--scale")?.max(1),
            "--cpu" => opts.cpu = it.next().context("--cpu needs a value")?.clone(),
            "-h" | "--help" => {
                println!("usage: cargo xtask bench-simd [--runs N (5)] [--scale S (10)] [--cpu CPU (x86-64-v2)]");
                println!("  builds benches/simd natively and through wasm2native, runs each build N times,");
                println!("  prints the fastest time per kernel and the ratio to native (S scales the work;");
                println!("  CPU is clang's -march for the native build and wasm2native's --cpu)");
                return Ok(());
            }
            other => bail!("bench-simd: unknown argument `{other}` (try --help)"),
        }
    }
    let root = crate::root();
    let src = root.join("benches/simd");
    let out = target_dir(&root).join("bench-simd");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let w2n = compiler_binary(&root, false)?;
    build_all(&src, &out, &w2n, &opts.cpu)?;
    let results = run_all(&out, &opts)?;
    print_table(&results, &opts);
    println!("\nassembly of the simd128 build: {}", out.join("simd128.s").display());
    Ok(())
}

fn build_all(src: &Path, out: &Path, w2n: &Path, cpu: &str) -> Result<()> {
    let driver = src.join("bench.c");
    let plain = src.join("kernels_plain.c");
    let simd = src.join("kernels_simd128.c");
    let clang = |args: &[&str], files: [&Path; 2], exe: &Path| -> Result<()> {
        let mut cmd = Command::new("clang-19");
        cmd.args(args).args(files).arg("-o").arg(exe);
        run_captured(&mut cmd).map(drop)
    };
    eprintln!("bench-simd: building native, simd128, autovec and scalar into {}", out.display());
    clang(&["-O2", &format!("-march={cpu}")], [&driver, &plain], &out.join("native"))?;
    let wasm32 = ["--target=wasm32-wasi", "--sysroot=/usr", "-O2"];
    let with_simd: Vec<&str> = wasm32.iter().copied().chain(["-msimd128"]).collect();
    clang(&with_simd, [&driver, &simd], &out.join("simd128.wasm"))?;
    clang(&with_simd, [&driver, &plain], &out.join("autovec.wasm"))?;
    clang(&wasm32, [&driver, &plain], &out.join("scalar.wasm"))?;
    for build in &BUILDS[1..] {
        let wasm = out.join(format!("{build}.wasm"));
        run_captured(Command::new(w2n).arg("compile").arg(&wasm).args(["--cpu", cpu, "-o"]).arg(out.join(build)))?;
    }
    let asm = out.join("simd128.s");
    let simd128 = out.join("simd128.wasm");
    run_captured(Command::new(w2n).arg("compile").arg(simd128).args(["--cpu", cpu, "--emit", "asm", "-o"]).arg(asm))?;
    Ok(())
}

/// Per build, per kernel: (fastest milliseconds, checksum).
type Results = BTreeMap<&'static str, BTreeMap<String, (f64, String)>>;

fn run_all(out: &Path, opts: &Options) -> Result<Results> {
    let mut results: Results = BTreeMap::new();
    for round in 0..opts.runs {
        eprintln!("bench-simd: run {}/{}", round + 1, opts.runs);
        for build in BUILDS {
            let stdout = run_captured(Command::new(out.join(build)).arg(opts.scale.to_string()))?;
            let per_kernel = results.entry(build).or_default();
            for line in stdout.lines() {
                let parts: Vec<&str> = line.split_whitespace().collect();
                let [kernel, ms, checksum] = parts[..] else { bail!("{build}: unexpected output line `{line}`") };
                let ms: f64 = ms.parse().with_context(|| format!("{build}: bad time in `{line}`"))?;
                let entry = per_kernel.entry(kernel.to_string()).or_insert((f64::INFINITY, checksum.to_string()));
                if entry.1 != checksum {
                    bail!("{build}: {kernel} gave checksum {checksum}, then {}", entry.1);
                }
                entry.0 = entry.0.min(ms);
            }
        }
    }
    let native = &results["native"];
    for build in &BUILDS[1..] {
        for (kernel, (_, sum)) in &results[build] {
            match native.get(kernel) {
                Some((_, n)) if n == sum => {}
                _ => bail!("{build}: {kernel} checksum {sum} differs from the native build's"),
            }
        }
    }
    Ok(results)
}

fn print_table(results: &Results, opts: &Options) {
    println!(
        "\nfastest of {} runs, scale {}, CPU {}, milliseconds (ratio to native; lower is faster)\n",
        opts.runs, opts.scale, opts.cpu
    );
    println!("| kernel | native | wasm simd128.h | wasm auto-vectorized | wasm scalar |");
    println!("|---|--:|--:|--:|--:|");
    let native = &results["native"];
    let mut logs = [0.0f64; 3];
    for (kernel, (n_ms, _)) in native {
        let mut row = format!("| `{kernel}` | {n_ms:.1} |");
        for (i, build) in BUILDS[1..].iter().enumerate() {
            let ms = results[build][kernel].0;
            logs[i] += (ms / n_ms).ln();
            row.push_str(&format!(" {ms:.1} ({:.2}×) |", ms / n_ms));
        }
        println!("{row}");
    }
    let k = native.len() as f64;
    let geo: Vec<String> = logs.iter().map(|l| format!(" {:.2}× |", (l / k).exp())).collect();
    println!("| geometric mean | 1.00× |{}", geo.concat());
}
