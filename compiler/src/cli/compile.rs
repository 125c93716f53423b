use super::wasm_options::WasmOptions;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use wasm2native::codegen::ExeConfig;
use wasm2native::{BoundsChecks, CompileOptions, Emit, GuestControl, OptLevel, TargetSpec};

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
    /// CPU to generate code for (default: the target's portable baseline; `native` or `host`:
    /// this machine's CPU and all its features, when compiling for this machine; `help` lists them).
    #[arg(long)]
    pub cpu: Option<String>,
    /// Extra CPU features, e.g. `+avx2,+fma` (`help` lists them).
    #[arg(long = "cpu-features")]
    pub cpu_features: Option<String>,
    /// Executables: link the C library statically (nothing to install on the target machine).
    #[arg(long = "static")]
    pub static_link: bool,
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
    /// Executables: ignore WASM2NATIVE_DIRS, WASM2NATIVE_DIRS_RO, WASM2NATIVE_ENV and
    /// WASM2NATIVE_LIMITS at run time, so that the baked-in grants and limits are all the guest gets.
    #[arg(long)]
    pub no_runtime_grants: bool,
    /// Executables: bytes of stack the guest may use, N[K|M|G] (default 64M), baked in; the
    /// WASM2NATIVE_MAX_WASM_STACK variable overrides it at run time.
    #[arg(long, value_name = "BYTES", value_parser = super::parse_stack_size)]
    pub max_wasm_stack: Option<u64>,
    /// Allow interruption: `w2n_store_interrupt` and deadlines (`-W timeout`) stop any loop, not
    /// only calls. Emits the same code as without it (the runtime interrupts loops with a signal,
    /// function entries by their stack check); the executable accepts WASM2NATIVE_TIMEOUT.
    #[arg(long)]
    pub interruptible: bool,
    /// Compile in fuel accounting: every Wasm instruction costs fuel from the store's budget
    /// (`w2n_store_set_fuel`, `-W fuel=N`), the same on every target and optimisation level.
    #[arg(long)]
    pub fuel: bool,
    /// Bounds on the guest, KEY[=VALUE][,...] in wasmtime's words: timeout=2s, fuel=N,
    /// max-memory-size=BYTES, max-table-elements=N, max-instances=N, max-memories=N, max-tables=N,
    /// max-gc-heap=BYTES,
    /// trap-on-grow-failure (executables: baked in; WASM2NATIVE_LIMITS overrides the limits key by key)
    #[arg(short = 'W', value_name = "KEY[=VALUE]")]
    pub wasm: Vec<String>,
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
    if args.cpu.as_deref() == Some("help") || args.cpu_features.as_deref() == Some("help") {
        return list_cpus_or_features(&target, args.cpu.as_deref() == Some("help"));
    }
    check_cpu_and_features(&target, args.cpu.as_deref(), args.cpu_features.as_deref())?;
    let target = target.with_cpu(args.cpu.as_deref(), args.cpu_features.as_deref());
    let wasm_options = WasmOptions::parse(&args.wasm).map_err(anyhow::Error::msg)?;
    if (wasm_options.timeout.is_some() || wasm_options.fuel.is_some()) && args.emit != Emit::Exe {
        anyhow::bail!(
            "-W timeout and -W fuel are baked into executables only; a library's host sets them \
             (w2n_store_set_deadline, w2n_store_set_fuel) on code compiled with --interruptible / --fuel"
        );
    }
    // A bound baked in needs its checks compiled in.
    let control = GuestControl {
        interruptible: args.interruptible || wasm_options.timeout.is_some(),
        fuel: args.fuel || wasm_options.fuel.is_some(),
    };
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
    let opts = CompileOptions {
        emit: args.emit,
        target,
        opt_level: args.opt_level,
        jobs: args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        bounds_checks: args.bounds_checks,
        prefix: args.prefix.clone(),
        exe: ExeConfig {
            dirs: granted.into_iter().map(|d| (d.host, d.guest, d.read_only)).collect(),
            env,
            no_runtime_grants: args.no_runtime_grants,
            max_wasm_stack: args.max_wasm_stack.unwrap_or(0),
            limits: wasm_options.store_limits(),
            timeout_ns: wasm_options.timeout.map_or(0, |t| u64::try_from(t.as_nanos()).unwrap_or(u64::MAX).max(1)),
            fuel: wasm_options.fuel,
            control,
        },
        shared_without_runtime: false,
        static_link: args.static_link,
        control,
    };
    wasm2native::compile_wasm(&input, &output, &opts).with_context(|| format!("compiling {}", args.input.display()))
}

/// `--cpu help` / `--cpu-features help`: LLVM's own list for the target (from `llc-19`).
fn list_cpus_or_features(target: &TargetSpec, cpus: bool) -> Result<()> {
    let llc = ["llc-19", "/usr/lib/llvm-19/bin/llc"]
        .into_iter()
        .find(|c| std::process::Command::new(c).arg("--version").output().is_ok())
        .context("llc-19 not found: run `cargo xtask setup`")?;
    let flag = if cpus { "-mcpu=help" } else { "-mattr=help" };
    let out = std::process::Command::new(llc)
        .args([format!("-mtriple={}", target.llvm_triple), flag.to_string()])
        .stdin(std::process::Stdio::null())
        .output()
        .context("running llc-19")?;
    // llc prints the table on stderr; keep the section asked for.
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let section = if cpus { "Available CPUs for this target:" } else { "Available features for this target:" };
    let body = text.split(section).nth(1).unwrap_or(&text);
    let body = body.split("Available ").next().unwrap_or(body);
    println!("{section} ({}; default CPU: {})", target.name, target.cpu.as_deref().unwrap_or("generic"));
    println!("{}", body.trim());
    Ok(())
}

/// The names LLVM knows for `--cpu` (or `--cpu-features`) on `target`, from `llc-19`.
fn llvm_names(target: &TargetSpec, cpus: bool) -> Result<Vec<String>> {
    let flag = if cpus { "-mcpu=help" } else { "-mattr=help" };
    let out = std::process::Command::new("llc-19")
        .args([format!("-mtriple={}", target.llvm_triple), flag.to_string()])
        .stdin(std::process::Stdio::null())
        .output()
        .context("llc-19 not found: run `cargo xtask setup`")?;
    let text = String::from_utf8_lossy(&out.stderr).to_string();
    let section = if cpus { "Available CPUs for this target:" } else { "Available features for this target:" };
    let body = text.split(section).nth(1).unwrap_or("");
    let body = body.split("Available ").next().unwrap_or(body);
    Ok(body
        .lines()
        .filter_map(|l| l.split(" - ").next())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect())
}

/// Rejects CPU and feature names LLVM does not know (it would only warn and carry on).
fn check_cpu_and_features(target: &TargetSpec, cpu: Option<&str>, features: Option<&str>) -> Result<()> {
    if let Some(cpu) = cpu.filter(|&c| wasm2native::target::is_host_cpu_name(c)) {
        if !target.is_host() {
            anyhow::bail!("--cpu {cpu} means this machine's CPU, so it needs --target {}", wasm2native::target::HOST);
        }
    } else if let Some(cpu) = cpu {
        if !llvm_names(target, true)?.iter().any(|n| n == cpu) {
            anyhow::bail!("unknown CPU `{cpu}` for {} (see --cpu help)", target.name);
        }
    }
    if let Some(features) = features.filter(|f| !f.is_empty()) {
        let known = llvm_names(target, false)?;
        for f in features.split(',') {
            let name = f.strip_prefix(['+', '-']).unwrap_or("");
            if name.is_empty() || !known.iter().any(|n| n == name) {
                anyhow::bail!(
                    "unknown CPU feature `{f}` for {} (write +name or -name; see --cpu-features help)",
                    target.name
                );
            }
        }
    }
    Ok(())
}
