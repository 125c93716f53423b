//! Subcommands, following wasmtime's conventions (`compile`, `run`, `targets`).

mod compile;
mod run;
mod wasm_options;
mod wast;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "wasm2native",
    version,
    about = "Compile WebAssembly ahead of time to native executables and libraries"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a .wasm or .wat module to a native executable, object or library.
    Compile(compile::CompileArgs),
    /// Compile (cached) and run a module, or invoke one of its exports. Compiles for this machine's
    /// CPU (all its features, like `compile --cpu native`), as wasmtime does.
    Run(run::RunArgs),
    /// List the targets and what each can emit.
    Targets,
    /// Run WebAssembly spec scripts (.wast), compiling every module ahead of time.
    Wast(wast::WastArgs),
}

pub fn main() -> Result<ExitCode> {
    // Usage errors exit 1 like every other error (help and version exit 0).
    let cli = match Cli::try_parse_from(run::split_attached_levels(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() { ExitCode::from(1) } else { ExitCode::SUCCESS });
        }
    };
    match cli.command {
        Command::Compile(args) => compile::run(args).map(|_| ExitCode::SUCCESS),
        Command::Run(args) => run::run(args),
        Command::Wast(args) => wast::run(args),
        Command::Targets => {
            targets();
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `wasm2native targets`: each target, what it can emit, and whether its toolchain is here.
fn targets() {
    let tools = wasm2native::tools::Tools::find();
    println!("{:<30} {:<40} toolchain on this machine", "target", "emits");
    for t in wasm2native::target::known_targets() {
        let toolchain = match (&tools, t.missing_libc()) {
            (Err(e), _) => format!("missing: {e}"),
            (Ok(_), Some(pkgs)) => format!("C library missing (apt-get install {pkgs})"),
            (Ok(_), None) if t.emits().contains("exe") => match t.runner.is_empty() {
                false => format!("ok (clang-19 + lld; run with {})", t.runner.join(" ")),
                true => "ok (clang-19 + lld)".to_string(),
            },
            (Ok(_), None) => match wasm2native::runtime::macos_sdk() {
                Ok(sdk) => format!("ok for obj and staticlib (headers: {}); no macOS linker here", sdk.display()),
                Err(_) => format!("objects only; staticlib needs {}", wasm2native::runtime::MACOS_SDK_ENV),
            },
        };
        println!("{:<30} {:<40} {}", t.name, t.emits(), toolchain);
        println!("{:<30} aliases: {}", "", t.aliases.join(", "));
    }
}

/// The largest `--max-wasm-stack`: `W2N_MAX_WASM_STACK_LIMIT` of the runtime (1 TiB).
pub const MAX_WASM_STACK_LIMIT: u64 = 1 << 40;

/// Parses a stack size, `N[K|M|G]` (binary multiples), from 1 byte to 1 TiB: the syntax of
/// `--max-wasm-stack` and of executables' `WASM2NATIVE_MAX_WASM_STACK` (`parse_stack_size` in main.c).
pub fn parse_stack_size(s: &str) -> Result<u64, String> {
    let bad = || {
        format!("`{s}`: expected a size in bytes from 1 to 1T, optionally with a K, M or G suffix (e.g. 65536, 16M)")
    };
    let (digits, shift) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 10),
        Some((i, 'm' | 'M')) => (&s[..i], 20),
        Some((i, 'g' | 'G')) => (&s[..i], 30),
        _ => (s, 0),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    if n == 0 || n > MAX_WASM_STACK_LIMIT >> shift {
        return Err(bad());
    }
    Ok(n << shift)
}

/// Parses `HOST[::GUEST]` as wasmtime does.
pub fn parse_dir(s: &str) -> (String, String) {
    match s.split_once("::") {
        Some((host, guest)) => (host.to_string(), guest.to_string()),
        None => (s.to_string(), s.to_string()),
    }
}

/// Parses `NAME[=VAL]`; a bare NAME takes the value from this process's environment.
pub fn parse_env(s: &str) -> Option<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) => Some((k.to_string(), v.to_string())),
        None => std::env::var(s).ok().map(|v| (s.to_string(), v)),
    }
}

/// Reads a module file. A `.wasm` file, or any file that is not UTF-8 text, is taken as binary so
/// that malformed binaries are reported by the binary reader (with a byte offset), not the text parser.
pub fn read_module(path: &std::path::Path) -> Result<std::borrow::Cow<'static, [u8]>> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let binary = path.extension().is_some_and(|e| e == "wasm") || std::str::from_utf8(&bytes).is_err();
    if binary || bytes.starts_with(b"\0asm") {
        return Ok(std::borrow::Cow::Owned(bytes));
    }
    let wasm = wasm2native::module::wat_to_wasm(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(std::borrow::Cow::Owned(wasm.into_owned()))
}

/// True when `a` and `b` name the same existing file, however they are spelled.
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}
