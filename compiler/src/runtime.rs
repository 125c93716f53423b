//! The C runtime for a target, built by clang at first use from the sources embedded in the
//! compiler, and cached by content hash under the user's cache directory.

use crate::cache::cache_dir;
use crate::error::{io_error, CompileError, Result};
use crate::target::{Os, TargetSpec};
use crate::tools::{self, Tools};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/runtime_sources.rs"));

/// A runtime built for one target.
pub struct BuiltRuntime {
    /// Static archive of everything but the program entry.
    pub archive: PathBuf,
    /// The object with `main` (executables only).
    pub main_object: PathBuf,
    /// The public header.
    pub header: PathBuf,
}

const CFLAGS: &[&str] = &["-std=c11", "-D_GNU_SOURCE", "-O2", "-fPIC", "-Wall", "-g"];

fn sources_hash(target: &TargetSpec) -> String {
    let mut h = Sha256::new();
    h.update(target.clang_triple.as_bytes());
    for flag in CFLAGS.iter().copied().chain(target.clang_flags.iter().map(String::as_str)) {
        h.update(flag.as_bytes());
    }
    if target.os == Os::MacOs {
        // Another SDK, another runtime.
        h.update(std::env::var_os(MACOS_SDK_ENV).unwrap_or_default().as_encoded_bytes());
    }
    for (name, bytes) in RUNTIME_SOURCES {
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let digest = h.finalize();
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// Returns the runtime for `target`, building it with `tools` if the cache does not have it.
pub fn runtime_for(target: &TargetSpec, tools: &Tools) -> Result<BuiltRuntime> {
    let dir = cache_dir().join("runtime").join(format!("{}-{}", target.name, sources_hash(target)));
    let built = BuiltRuntime {
        archive: dir.join("libw2n_runtime.a"),
        main_object: dir.join("main.o"),
        header: dir.join("include").join("w2n_runtime.h"),
    };
    if built.archive.exists() && built.main_object.exists() {
        return Ok(built);
    }
    target.require_runtime()?;
    // Build in a private directory and rename it into place, so concurrent builds never see half a
    // runtime; the loser of a race simply discards its copy.
    let parent = dir.parent().expect("runtime dir has a parent");
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    let tmp = tempdir_in(parent)?;
    build_into(tools, target, &tmp)?;
    if std::fs::rename(&tmp, &dir).is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    if !built.archive.exists() {
        return Err(CompileError::Tool(format!("runtime build did not produce {}", built.archive.display())));
    }
    Ok(built)
}

fn build_into(tools: &Tools, target: &TargetSpec, dir: &Path) -> Result<()> {
    for (name, bytes) in RUNTIME_SOURCES {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).map_err(|e| io_error(&p, e))?;
        std::fs::write(&p, bytes).map_err(|e| io_error(&p, e))?;
    }
    let mut objects = Vec::new();
    for (name, _) in RUNTIME_SOURCES.iter().filter(|(n, _)| n.starts_with("src/") && n.ends_with(".c")) {
        let src = dir.join(name);
        let stem = Path::new(name).file_stem().expect("stem").to_string_lossy().to_string();
        let obj = dir.join(format!("{stem}.o"));
        let mut args: Vec<String> = vec![format!("--target={}", target.clang_triple)];
        args.extend(CFLAGS.iter().map(|s| s.to_string()));
        args.extend(target.clang_flags.iter().cloned());
        if target.os == Os::MacOs {
            args.extend(["-isysroot".to_string(), macos_sdk()?.display().to_string()]);
        }
        args.extend([
            format!("-I{}", dir.join("include").display()),
            format!("-I{}", dir.join("src").display()),
            "-c".into(),
            src.display().to_string(),
            "-o".into(),
            obj.display().to_string(),
        ]);
        tools::run(&tools.clang, &args, &format!("building the runtime for {}", target.name))?;
        if stem != "main" {
            objects.push(obj.display().to_string());
        }
    }
    tools.archive(target, &dir.join("libw2n_runtime.a"), &objects, "archiving the runtime")
}

/// The environment variable naming a macOS SDK (or any directory with the macOS C headers under
/// `usr/include`) to build the runtime for macOS targets with.
pub const MACOS_SDK_ENV: &str = "WASM2NATIVE_MACOS_SDK";

/// The macOS SDK the runtime is compiled against for macOS targets (`-isysroot`): a real
/// `MacOSX.sdk`, or the headers `cargo xtask setup` unpacks (from PyPI's `ziglang`).
pub fn macos_sdk() -> Result<PathBuf> {
    let missing = |why: String| {
        CompileError::Tool(format!(
            "the macOS C headers are needed to build the runtime for macOS ({why}): set {MACOS_SDK_ENV} to a \
             macOS SDK (a directory with usr/include/stdio.h); `cargo xtask setup` unpacks one into \
             target/macos-sdk"
        ))
    };
    let Some(dir) = std::env::var_os(MACOS_SDK_ENV) else {
        return Err(missing(format!("{MACOS_SDK_ENV} is not set")));
    };
    let dir = PathBuf::from(dir);
    if !dir.join("usr/include/stdio.h").is_file() {
        return Err(missing(format!("{} has no usr/include/stdio.h", dir.display())));
    }
    Ok(dir)
}

fn tempdir_in(parent: &Path) -> Result<PathBuf> {
    for i in 0..1000u32 {
        let p = parent.join(format!(".tmp-{}-{i}", std::process::id()));
        if std::fs::create_dir(&p).is_ok() {
            return Ok(p);
        }
    }
    Err(CompileError::Io(format!("cannot create a temporary directory in {}", parent.display())))
}

/// The `w2n_agent` executable for `target`, which runs compiled modules on behalf of
/// `wasm2native wast --target` (under qemu-user); built at first use and cached.
pub fn agent_for(target: &TargetSpec) -> Result<PathBuf> {
    let tools = Tools::find()?;
    let rt = runtime_for(target, &tools)?;
    let dir = rt.archive.parent().expect("runtime dir").to_path_buf();
    let agent = dir.join("w2n_agent");
    if agent.exists() {
        return Ok(agent);
    }
    let staged = dir.join(format!(".w2n_agent-{}", std::process::id()));
    let mut args: Vec<String> = vec![format!("--target={}", target.clang_triple), "-fuse-ld=lld".into()];
    args.extend(CFLAGS.iter().map(|s| s.to_string()));
    args.extend(target.clang_flags.iter().cloned());
    args.extend([
        format!("-I{}", dir.join("include").display()),
        // Export the runtime to the modules the agent loads.
        "-rdynamic".into(),
        dir.join("agent").join("w2n_agent.c").display().to_string(),
        "-Wl,--whole-archive".into(),
        rt.archive.display().to_string(),
        "-Wl,--no-whole-archive".into(),
        "-ldl".into(),
        "-lm".into(),
        "-lpthread".into(),
        "-o".into(),
        staged.display().to_string(),
    ]);
    tools::run(&tools.clang, &args, &format!("building the wast agent for {}", target.name))?;
    std::fs::rename(&staged, &agent).map_err(|e| io_error(&agent, e))?;
    Ok(agent)
}
