//! Subcommands, following wasmtime's conventions (`compile`, `run`, `targets`).

mod compile;
mod run;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "wasm2native", version, about = "Compile WebAssembly ahead of time to native executables and libraries")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a .wasm or .wat module to a native executable, object or library.
    Compile(compile::CompileArgs),
    /// Compile (cached) and run a module, or invoke one of its exports.
    Run(run::RunArgs),
    /// List the targets and what each can emit.
    Targets,
}

pub fn main() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Compile(args) => compile::run(args).map(|_| ExitCode::SUCCESS),
        Command::Run(args) => run::run(args),
        Command::Targets => {
            println!("{:<30} {:<12} {:<28} emits", "target", "status", "aliases");
            for t in wasm2native::target::known_targets() {
                let status = if t.available { "supported" } else { "planned" };
                println!("{:<30} {:<12} {:<28} {}", t.name, status, t.aliases.join(", "), t.note);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
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

pub fn read_input(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}
