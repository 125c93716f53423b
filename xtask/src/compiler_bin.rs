//! What the spec check and the benchmarks drive: the `wasm2native` binary, built on demand, and
//! helper commands whose output they read.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Cargo's target directory for the workspace at `root`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root.join(d),
        None => root.join("target"),
    }
}

/// `$W2N_BIN`, or `cargo build [--release] -p wasm2native` (its messages shown as they come) and
/// the binary it built.
pub fn compiler_binary(root: &Path, release: bool) -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("W2N_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(root).args(["build", "--quiet", "-p", "wasm2native", "--bin", "wasm2native"]);
    if release {
        build.arg("--release");
    }
    let status = build.status().context("running cargo build -p wasm2native")?;
    if !status.success() {
        bail!("cargo build -p wasm2native failed ({status})");
    }
    let bin = target_dir(root).join(if release { "release" } else { "debug" }).join("wasm2native");
    if !bin.is_file() {
        bail!("{} is missing after the build", bin.display());
    }
    Ok(bin)
}

/// Runs `cmd` and returns its standard output; a failure names the command and shows its stderr.
pub fn run_captured(cmd: &mut Command) -> Result<String> {
    let shown = format!("{cmd:?}");
    let output = cmd.output().with_context(|| format!("running {shown} (clang-19 missing? run cargo xtask setup)"))?;
    if !output.status.success() {
        bail!("{shown} failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
