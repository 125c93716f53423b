//! `wasm2native wast FILE...`: run spec scripts through the AOT pipeline; the last line of output is
//! `N passed, N failed` (with `, N skipped` when commands were skipped).

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use wasm2native::wast::{run_file, RunnerOptions, Summary};
use wasm2native::{BoundsChecks, OptLevel};

#[derive(Args)]
pub struct WastArgs {
    /// Optimisation level for the scripts' modules (low by default: they are many and small).
    #[arg(short = 'O', default_value = "0", value_parser = clap::value_parser!(OptLevel))]
    pub opt_level: OptLevel,
    /// How out-of-bounds memory accesses are caught: guard or explicit.
    #[arg(long, default_value = "guard", value_parser = super::compile::parse_bounds)]
    pub bounds_checks: BoundsChecks,
    /// Compile the modules for this target; other than the host, they run under qemu-user.
    #[arg(long, default_value = wasm2native::target::HOST)]
    pub target: String,
    /// CPU to generate the modules' code for (default: the target's portable baseline).
    #[arg(long)]
    pub cpu: Option<String>,
    /// Extra CPU features, e.g. `+avx2,+fma` or `-ssse3`.
    #[arg(long = "cpu-features")]
    pub cpu_features: Option<String>,
    /// The scripts.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: WastArgs) -> Result<ExitCode> {
    let start = std::time::Instant::now();
    let target = wasm2native::TargetSpec::parse(&args.target)?;
    target.require_linkable("running spec scripts")?;
    let target = target.with_cpu(args.cpu.as_deref(), args.cpu_features.as_deref());
    let opts = RunnerOptions { opt_level: args.opt_level, bounds_checks: args.bounds_checks, target };
    let mut total = Summary::default();
    let mut unreadable = 0;
    for file in &args.files {
        match run_file(file, &opts) {
            Ok(s) => {
                total.passed += s.passed;
                total.failed += s.failed;
                total.skipped += s.skipped;
            }
            Err(e) => {
                eprintln!("error: {e}");
                unreadable += 1;
            }
        }
    }
    eprintln!("wall time: {:.2}s", start.elapsed().as_secs_f64());
    let failed = total.failed + unreadable;
    if total.skipped > 0 {
        println!("{} passed, {} failed, {} skipped", total.passed, failed, total.skipped);
    } else {
        println!("{} passed, {} failed", total.passed, failed);
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
