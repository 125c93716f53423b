//! Compiled modules cached by content: `<cache>/modules/<hash>.so`, shared libraries without the
//! runtime, for loading into this process (`run`, `wast`). The key covers the module bytes, the
//! options that shape code, and the compiler build, so a stale entry is never reused.

use crate::driver::{compile_wasm, CompileOptions, Emit};
use crate::error::{io_error, Result};
use crate::{BoundsChecks, GuestControl, OptLevel, TargetSpec};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The user's cache directory for wasm2native (`$WASM2NATIVE_CACHE_DIR`, else XDG, else ~/.cache).
/// An empty variable counts as unset (an empty path would put the cache in the current directory),
/// and so does a relative `XDG_CACHE_HOME`, as the XDG specification says.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("WASM2NATIVE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|d| d.is_absolute()) {
        return d.join("wasm2native");
    }
    match std::env::var_os("HOME") {
        Some(h) => PathBuf::from(h).join(".cache").join("wasm2native"),
        None => std::env::temp_dir().join("wasm2native-cache"),
    }
}

/// The symbol prefix of cached in-process libraries (their descriptor is `<PREFIX>_module`).
pub const PREFIX: &str = "w2n_inproc";

/// Returns the path of the shared library for `wasm`, compiled for this machine's CPU (it runs
/// here), compiling it on a cache miss.
/// `control` adds interruption and fuel checks (part of the key).
pub fn shared_library(
    wasm: &[u8],
    opt_level: OptLevel,
    bounds_checks: BoundsChecks,
    control: GuestControl,
    jobs: usize,
) -> Result<PathBuf> {
    shared_library_with(&TargetSpec::host_cpu(), wasm, opt_level, bounds_checks, control, jobs)
}

/// The same for another target (loaded by that target's `w2n_agent` under qemu).
pub fn shared_library_for(
    target: &TargetSpec,
    wasm: &[u8],
    opt_level: OptLevel,
    bounds_checks: BoundsChecks,
    jobs: usize,
) -> Result<PathBuf> {
    shared_library_with(target, wasm, opt_level, bounds_checks, GuestControl::default(), jobs)
}

fn shared_library_with(
    target: &TargetSpec,
    wasm: &[u8],
    opt_level: OptLevel,
    bounds_checks: BoundsChecks,
    control: GuestControl,
    jobs: usize,
) -> Result<PathBuf> {
    let mut h = Sha256::new();
    h.update(env!("W2N_BUILD_ID").as_bytes());
    h.update(target.name.as_bytes());
    h.update(format!("{:?}/{}", target.cpu, target.features).as_bytes());
    h.update(format!("{opt_level:?}/{bounds_checks:?}").as_bytes());
    if control != GuestControl::default() {
        // Only then: the keys of modules compiled without checks stay what they were.
        h.update(format!("{control:?}").as_bytes());
    }
    h.update(wasm);
    if let Some(hook) = crate::codegen::debug_ice() {
        h.update(format!("debug-ice {hook:?}").as_bytes());
    }
    let key: String = h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
    let dir = cache_dir().join("modules");
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    let path = dir.join(format!("{key}.so"));
    if !path.exists() {
        let opts = CompileOptions {
            emit: Emit::SharedLib,
            target: target.clone(),
            opt_level,
            bounds_checks,
            jobs,
            prefix: Some(PREFIX.into()),
            shared_without_runtime: true,
            control,
            ..CompileOptions::default()
        };
        // write_atomically renames into place: concurrent compiles of one module are harmless.
        compile_wasm(wasm, &path, &opts)?;
    }
    Ok(path)
}
