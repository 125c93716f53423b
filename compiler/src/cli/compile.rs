use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use wasm2native::codegen::ExeConfig;
use wasm2native::{BoundsChecks, CompileOptions, Emit, OptLevel, TargetSpec};

#[derive(Args)]
pub struct CompileArgs {
    /// The module: .wasm binary or .wat text.
    pub input: PathBuf,
    /// Output file (default: the input's name with the output kind's extension).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// What to produce.
    #[arg(long, default_value = "exe", value_parser = clap::value_parser!(Emit))]
    pub emit: Emit,
    /// Target triple (see `wasm2native targets`).
    #[arg(long, default_value = wasm2native::target::HOST)]
    pub target: String,
    /// Optimisation level: 0, 1, 2, 3 or s.
    #[arg(short = 'O', default_value = "2", value_parser = clap::value_parser!(OptLevel))]
    pub opt_level: OptLevel,
    /// Worker threads (default: all cores). Does not change the output.
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// How out-of-bounds memory accesses are caught: guard (guard pages) or explicit (checks).
    #[arg(long, default_value = "guard", value_parser = parse_bounds)]
    pub bounds_checks: BoundsChecks,
    /// Symbol prefix for libraries (default: derived from the output name).
    #[arg(long)]
    pub prefix: Option<String>,
    /// Executables: grant a host directory, HOST[::GUEST], baked in (read-write; HOST as written,
    /// so a relative path is relative to the working directory at run time).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,
    /// Executables: grant a host directory read-only, HOST[::GUEST], baked in (after the --dir ones).
    #[arg(long = "dir-ro", value_name = "HOST[::GUEST]")]
    pub dirs_ro: Vec<String>,
    /// Executables: set an environment variable for the guest, NAME=VAL (or NAME: its value here), baked in.
    #[arg(long = "env", value_name = "NAME[=VAL]")]
    pub env: Vec<String>,
    /// Executables: ignore WASM2NATIVE_DIRS, WASM2NATIVE_DIRS_RO and WASM2NATIVE_ENV at run time, so
    /// that the baked-in grants are all the guest can ever get.
    #[arg(long)]
    pub no_runtime_grants: bool,
}

pub fn parse_bounds(s: &str) -> Result<BoundsChecks, String> {
    match s {
        "guard" => Ok(BoundsChecks::Guard),
        "explicit" => Ok(BoundsChecks::Explicit),
        other => Err(format!("unknown bounds-check mode `{other}` (expected guard or explicit)")),
    }
}

fn default_output(input: &std::path::Path, emit: Emit) -> PathBuf {
    let ext = match emit {
        Emit::Exe => "",
        Emit::Obj => "o",
        Emit::StaticLib => "a",
        Emit::SharedLib => "so",
        Emit::LlvmIr => "ll",
        Emit::Asm => "s",
        Emit::Header => "h",
    };
    let stem = input.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    match (emit, ext) {
        (Emit::StaticLib | Emit::SharedLib, _) => input.with_file_name(format!("lib{stem}.{ext}")),
        (_, "") => input.with_file_name(stem),
        _ => input.with_file_name(format!("{stem}.{ext}")),
    }
}

pub fn run(args: CompileArgs) -> Result<()> {
    let target = TargetSpec::parse(&args.target)?;
    let input = super::read_module(&args.input)?;
    let output = args.output.clone().unwrap_or_else(|| default_output(&args.input, args.emit));
    if output == args.input || super::same_file(&output, &args.input) {
        anyhow::bail!("the output {} would overwrite the input; choose another with -o", output.display());
    }
    if args.jobs == Some(0) {
        anyhow::bail!("--jobs must be at least 1");
    }
    let mut env = Vec::new();
    for e in &args.env {
        let (k, v) = super::parse_env(e).with_context(|| format!("--env {e}: not set in this environment"))?;
        if k.is_empty() {
            anyhow::bail!("--env {e}: the variable has no name");
        }
        env.push(format!("{k}={v}"));
    }
    let granted = super::run::granted_dirs(&args.dirs, &args.dirs_ro)?;
    // The runtime's `w2n_exe_config` has no fields for these settings yet: they travel as entries of
    // the baked environment without '=' (never a variable), which runtime-lib/src/main.c reads and
    // removes before the guest sees its environment.
    for (i, d) in granted.iter().enumerate() {
        if d.read_only {
            env.push(format!("w2n:dir-ro:{i}"));
        }
    }
    if args.no_runtime_grants {
        env.push("w2n:no-runtime-grants".to_string());
    }
    let opts = CompileOptions {
        emit: args.emit,
        target,
        opt_level: args.opt_level,
        jobs: args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        bounds_checks: args.bounds_checks,
        prefix: args.prefix.clone(),
        exe: ExeConfig { dirs: granted.into_iter().map(|d| (d.host, d.guest)).collect(), env },
        shared_without_runtime: false,
        static_link: false,
    };
    wasm2native::compile_wasm(&input, &output, &opts).with_context(|| format!("compiling {}", args.input.display()))
}
