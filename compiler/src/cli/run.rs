//! `wasm2native run`: compile to a shared library (cached by content hash), load it into this
//! process, bind WASI with the granted capabilities, and run `_start` or the `--invoke`d export.

use super::wasm_options::WasmOptions;
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wasm2native::host::{on_wasm_stack, GrantedDir, LoadedModule, Outcome, Session, Value, WasiGrants};
use wasm2native::module::{ModuleInfo, ValType};
use wasm2native::{BoundsChecks, GuestControl, OptLevel};

#[derive(Args)]
pub struct RunArgs {
    /// Grant a host directory to the guest: HOST[::GUEST] (read-write).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,
    /// Grant a host directory to the guest read-only: HOST[::GUEST]. Preopened after the --dir ones.
    #[arg(long = "dir-ro", value_name = "HOST[::GUEST]")]
    pub dirs_ro: Vec<String>,
    /// Set an environment variable for the guest: NAME=VAL, or NAME to pass this process's value.
    #[arg(long = "env", value_name = "NAME[=VAL]")]
    pub env: Vec<String>,
    /// Call this export with the arguments that follow the module, and print its results.
    #[arg(long)]
    pub invoke: Option<String>,
    /// Optimisation level: 0, 1, 2, 3 or s.
    #[arg(short = 'O', default_value = "2", value_parser = clap::value_parser!(OptLevel))]
    pub opt_level: OptLevel,
    /// How out-of-bounds memory accesses are caught: guard or explicit.
    #[arg(long, default_value = "guard", value_parser = super::compile::parse_bounds)]
    pub bounds_checks: BoundsChecks,
    /// Bytes of stack the guest may use, N[K|M|G] (default 64M), whatever `ulimit -s` says: the
    /// guest runs on a stack of that size allocated for it (wasmtime: `-W max-wasm-stack=N`).
    #[arg(long, value_name = "BYTES", value_parser = super::parse_stack_size)]
    pub max_wasm_stack: Option<u64>,
    /// Bounds on the guest, KEY[=VALUE][,...] in wasmtime's words: timeout=2s, fuel=N,
    /// max-memory-size=BYTES, max-table-elements=N, max-instances=N, max-memories=N, max-tables=N,
    /// max-gc-heap=BYTES,
    /// trap-on-grow-failure
    #[arg(short = 'W', value_name = "KEY[=VALUE]")]
    pub wasm: Vec<String>,
    /// The module (.wasm or .wat), then the arguments for the program (or for the invoked
    /// function), all passed as they are, whatever they look like: options of wasm2native go before
    /// the module.
    #[arg(value_name = "IN [ARGS]", required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
    pub module_and_args: Vec<String>,
}

/// `run -O2 m.wasm`: clap takes a hyphenated word whose letters are not all known short options
/// as the module (the module-and-arguments list accepts hyphens), and `2` is no option. So
/// `-O<level>` before the module is split into `-O <level>` first, as `compile` reads it.
pub fn split_attached_levels(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let run_at = 1;
    if args.get(run_at).is_none_or(|a| a != "run") {
        return args;
    }
    let mut out: Vec<std::ffi::OsString> = args[..=run_at].to_vec();
    let mut rest = args[run_at + 1..].iter();
    // Options of `run` that take the next word as their value, as `RunArgs` declares them.
    let command = <RunArgs as clap::Args>::augment_args(clap::Command::new("run"));
    let with_value: Vec<String> = command
        .get_arguments()
        .filter(|a| !a.is_positional() && a.get_action().takes_values())
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            long.into_iter().chain(a.get_short().map(|c| format!("-{c}")))
        })
        .collect();
    while let Some(a) = rest.next() {
        let text = a.to_string_lossy();
        if let Some(level) = text.strip_prefix("-O").filter(|l| !l.is_empty()) {
            out.push("-O".into());
            out.push(level.into());
        } else if with_value.iter().any(|w| *w == text) {
            out.push(a.clone());
            out.extend(rest.next().cloned());
        } else if text.starts_with('-') {
            out.push(a.clone());
        } else {
            // The module: everything from here on belongs to the program.
            out.push(a.clone());
            out.extend(rest.cloned());
            break;
        }
    }
    out
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let (input, rest) = args.module_and_args.split_first().context("no module given")?;
    let input = PathBuf::from(input);
    run_module(&args, &input, rest)
}

fn run_module(args: &RunArgs, input: &Path, program_args: &[String]) -> Result<ExitCode> {
    let wasm_options = WasmOptions::parse(&args.wasm).map_err(anyhow::Error::msg)?;
    let limits = wasm_options.store_limits();
    let wasm = super::read_module(input)?;
    let info = ModuleInfo::parse(&wasm).with_context(|| format!("compiling {}", input.display()))?;
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The checks the bounds need, compiled in only then (a separate cache entry).
    let control = GuestControl { interruptible: wasm_options.timeout.is_some(), fuel: wasm_options.fuel.is_some() };
    let library = wasm2native::cache::shared_library(&wasm, args.opt_level, args.bounds_checks, control, jobs)
        .with_context(|| format!("compiling {}", input.display()))?;
    let module = LoadedModule::load(&library, wasm2native::cache::PREFIX).map_err(anyhow::Error::msg)?;

    let mut env = Vec::new();
    for e in &args.env {
        let (k, v) = super::parse_env(e).with_context(|| format!("--env {e}: not set in this environment"))?;
        if k.is_empty() {
            bail!("--env {e}: the variable has no name");
        }
        env.push((k, v));
    }
    let dirs = granted_dirs(&args.dirs, &args.dirs_ro)?;
    for d in &dirs {
        if !Path::new(&d.host).is_dir() {
            bail!("--dir{} {}: not a directory", if d.read_only { "-ro" } else { "" }, d.host);
        }
    }
    let program = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut argv = vec![program];
    if args.invoke.is_none() {
        argv.extend(program_args.iter().cloned());
    }
    let grants =
        WasiGrants { args: &argv, env: &env, dirs: &dirs, timeout: wasm_options.timeout, fuel: wasm_options.fuel };
    // Instantiation (the start function) and the call run on the guest's own stack.
    on_wasm_stack(args.max_wasm_stack.unwrap_or(0), || {
        let session = match Session::instantiate_with_limits(&module, &grants, &limits) {
            Ok(s) => s,
            Err(outcome) => return Ok(report(outcome, &[])),
        };
        match &args.invoke {
            Some(name) => invoke(&session, &info, name, program_args),
            None => {
                let Some(start) = session.export_func("_start").or_else(|| session.export_func("_initialize")) else {
                    return Ok(ExitCode::SUCCESS);
                };
                let mut slots = [Value { i64: 0 }; 1];
                // SAFETY: `start` is this session's export, called with its (empty) signature's slots.
                Ok(report(unsafe { session.call(start, &mut slots) }, &[]))
            }
        }
    })
    .map_err(anyhow::Error::msg)?
}

/// The `--dir` grants, then the `--dir-ro` ones, checked for empty host or guest paths.
pub fn granted_dirs(rw: &[String], ro: &[String]) -> Result<Vec<GrantedDir>> {
    let mut dirs = Vec::new();
    for (list, read_only, flag) in [(rw, false, "--dir"), (ro, true, "--dir-ro")] {
        for d in list {
            let (host, guest) = super::parse_dir(d);
            if host.is_empty() || guest.is_empty() {
                bail!("{flag} {d}: expected HOST[::GUEST] with non-empty paths");
            }
            dirs.push(GrantedDir { host, guest, read_only });
        }
    }
    Ok(dirs)
}

fn invoke(session: &Session, info: &ModuleInfo<'_>, name: &str, raw: &[String]) -> Result<ExitCode> {
    let export = info
        .exports
        .iter()
        .find(|e| e.name == name && matches!(e.kind, wasmparser::ExternalKind::Func))
        .with_context(|| format!("no exported function `{name}`"))?;
    let ft = info.func_type(export.index).clone();
    if raw.len() != ft.params.len() {
        bail!("`{name}` takes {} argument(s), {} given", ft.params.len(), raw.len());
    }
    let mut slots = vec![Value { v128: [0; 16] }; ft.params.len().max(ft.results.len()).max(1)];
    for (i, (text, ty)) in raw.iter().zip(&ft.params).enumerate() {
        slots[i] = parse_value(text, *ty).with_context(|| format!("argument {} of `{name}`", i + 1))?;
    }
    let func = session.export_func(name).context("export not found in the instance")?;
    // SAFETY: `func` is this session's export; `slots` holds its parameters and results.
    let outcome = unsafe { session.call(func, &mut slots) };
    Ok(report(outcome, &ft.results))
}

fn parse_value(text: &str, ty: ValType) -> Result<Value> {
    Ok(match ty {
        ValType::I32 => Value { i32: parse_int(text)? as i32 },
        ValType::I64 => Value { i64: parse_int(text)? as i64 },
        ValType::F32 => Value { f32: text.parse().with_context(|| format!("`{text}` is not an f32"))? },
        ValType::F64 => Value { f64: text.parse().with_context(|| format!("`{text}` is not an f64"))? },
        ValType::FuncRef | ValType::ExternRef | ValType::ExnRef | ValType::AnyRef if text == "null" => {
            Value { r#ref: std::ptr::null_mut() }
        }
        other => bail!("cannot pass a {other:?} from the command line (of references, only `null`)"),
    })
}

fn parse_int(text: &str) -> Result<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let v = match digits.strip_prefix("0x") {
        Some(hex) => i128::from_str_radix(hex, 16),
        None => digits.parse::<i128>(),
    }
    .with_context(|| format!("`{text}` is not an integer"))?;
    Ok(if neg { -v } else { v })
}

/// An `anyref` result in the spec scripts' notation: `null`, `(ref.i31 N)` (its signed value),
/// `(ref.struct)`, `(ref.array)`, `(ref.host 0x...)` for a host reference made internal.
fn any_ref_text(r: *mut std::ffi::c_void) -> String {
    let mut host = std::ptr::null_mut();
    use wasm2native::host::ref_kind;
    // SAFETY: `r` is an anyref the call just returned: null, an i31 or a live object.
    match unsafe { wasm2native::host::w2n_ref_kind(r, &mut host) } {
        ref_kind::NULL => "null".into(),
        ref_kind::I31 => format!("(ref.i31 {})", ((r as usize as u32) as i32) >> 1),
        ref_kind::STRUCT => "(ref.struct)".into(),
        ref_kind::ARRAY => "(ref.array)".into(),
        ref_kind::HOST => format!("(ref.host {host:p})"),
        _ => format!("{r:p}"),
    }
}

/// Prints results or the trap, and picks the exit status (134 for traps, as wasmtime on Unix).
fn report(outcome: Outcome, results: &[ValType]) -> ExitCode {
    match outcome {
        Outcome::Returned(slots) => {
            for (v, ty) in slots.iter().zip(results) {
                // SAFETY: the slot holds a value of the declared result type.
                let text = unsafe {
                    match ty {
                        ValType::I32 => v.i32.to_string(),
                        ValType::I64 => v.i64.to_string(),
                        ValType::F32 => v.f32.to_string(),
                        ValType::F64 => v.f64.to_string(),
                        // All 16 bytes, most significant first (wasmtime prints v128 the same way).
                        ValType::V128 => {
                            format!("0x{}", v.v128.iter().rev().map(|b| format!("{b:02x}")).collect::<String>())
                        }
                        ValType::AnyRef => any_ref_text(v.r#ref),
                        _ => {
                            if v.r#ref.is_null() {
                                "null".into()
                            } else {
                                format!("{:p}", v.r#ref)
                            }
                        }
                    }
                };
                println!("{text}");
            }
            ExitCode::SUCCESS
        }
        Outcome::Exited(code) => ExitCode::from(code as u8),
        Outcome::Failed(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Outcome::Trapped { message, frames } => {
            eprint!("{}", wasm2native::trap::report(&message, &frames));
            ExitCode::from(134)
        }
    }
}
