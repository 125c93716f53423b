//! Turning unit objects into the artifact the user asked for, with the LLVM 19 tools from Debian:
//! `clang-19` (driver and linker front end, with lld), `ld.lld-19` (relocatable merge), `llvm-ar-19`.

use crate::error::{CompileError, Result};
use crate::runtime::{io_error, runtime_for};
use crate::target::TargetSpec;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Tools {
    pub clang: PathBuf,
    pub lld: PathBuf,
    pub ar: PathBuf,
}

fn find_tool(candidates: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in candidates {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        let p = Path::new("/usr/lib/llvm-19/bin").join(name.trim_end_matches("-19"));
        if p.is_file() {
            return Some(p);
        }
    }
    None
}

/// Finds the tools, or says how to install them.
pub fn tools() -> Result<Tools> {
    let missing = |what: &str, pkg: &str| {
        CompileError::Tool(format!("{what} not found: run `cargo xtask setup` (or `apt-get install {pkg}`)"))
    };
    Ok(Tools {
        clang: find_tool(&["clang-19"]).ok_or_else(|| missing("clang-19", "clang-19"))?,
        lld: find_tool(&["ld.lld-19"]).ok_or_else(|| missing("ld.lld-19", "lld-19"))?,
        ar: find_tool(&["llvm-ar-19"]).ok_or_else(|| missing("llvm-ar-19", "llvm-19"))?,
    })
}

pub fn run_tool(tool: &Path, args: &[String], what: &str) -> Result<()> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| CompileError::Tool(format!("{what}: cannot run {}: {e}", tool.display())))?;
    if !out.status.success() {
        return Err(CompileError::Tool(format!(
            "{what}: {} failed ({}):\n{}",
            tool.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        )));
    }
    Ok(())
}

/// Writes unit objects into `dir` and returns their paths, in unit order.
pub fn write_objects(dir: &Path, objects: &[Vec<u8>]) -> Result<Vec<String>> {
    objects
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let p = dir.join(format!("unit{i}.o"));
            std::fs::write(&p, bytes).map_err(|e| io_error(&p, e))?;
            Ok(p.display().to_string())
        })
        .collect()
}

/// One relocatable object from several (`ld.lld -r`).
pub fn merge_objects(objects: &[String], out: &Path) -> Result<()> {
    let t = tools()?;
    let mut args = vec!["-r".to_string(), "-o".into(), out.display().to_string()];
    args.extend(objects.iter().cloned());
    run_tool(&t.lld, &args, "merging objects")
}

/// A native executable: the units, the runtime and its program entry, the target's libc
/// (statically linked with `static_link`, for shipping without a matching libc on the target).
pub fn link_executable(target: &TargetSpec, objects: &[String], out: &Path, static_link: bool) -> Result<()> {
    target.require_linkable("an executable")?;
    let t = tools()?;
    let rt = runtime_for(target)?;
    let mut args = vec![
        format!("--target={}", target.clang_triple),
        "-fuse-ld=lld".into(),
        "-o".into(),
        out.display().to_string(),
    ];
    args.extend(target.clang_flags.iter().cloned());
    if static_link {
        args.push("-static".into());
    }
    args.extend(objects.iter().cloned());
    args.push(rt.main_object.display().to_string());
    args.push(rt.archive.display().to_string());
    args.extend(["-lm".into(), "-lpthread".into()]);
    run_tool(&t.clang, &args, &format!("linking for {}", target.name))
}

/// A shared library. `with_runtime` false leaves the runtime's symbols undefined, to be bound to the
/// host process (how `run` and `wast` load modules).
pub fn link_shared(target: &TargetSpec, objects: &[String], out: &Path, with_runtime: bool) -> Result<()> {
    target.require_linkable("a shared library")?;
    let t = tools()?;
    if !with_runtime {
        // No libc, no runtime: lld alone (no driver process) keeps in-process loading fast.
        let mut args = vec!["-shared".to_string(), "-o".into(), out.display().to_string()];
        args.extend(objects.iter().cloned());
        args.push(format!("--version-script={}", version_script()?.display()));
        return run_tool(&t.lld, &args, &format!("linking a shared library for {}", target.name));
    }
    let mut args = vec![
        format!("--target={}", target.clang_triple),
        "-fuse-ld=lld".into(),
        "-shared".into(),
        "-o".into(),
        out.display().to_string(),
    ];
    args.extend(target.clang_flags.iter().cloned());
    args.extend(objects.iter().cloned());
    args.push(format!("-Wl,--version-script={}", version_script()?.display()));
    let rt = runtime_for(target)?;
    args.push("-Wl,--whole-archive".into());
    args.push(rt.archive.display().to_string());
    args.push("-Wl,--no-whole-archive".into());
    args.extend(["-lm".into(), "-lpthread".into()]);
    run_tool(&t.clang, &args, &format!("linking a shared library for {}", target.name))
}

/// The export list of shared libraries (`linker-scripts/sharedlib.ver`), written to the cache.
fn version_script() -> Result<PathBuf> {
    const SCRIPT: &str = include_str!("../../linker-scripts/sharedlib.ver");
    let dir = crate::runtime::cache_dir();
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    let path = dir.join(format!("sharedlib-{:x}.ver", SCRIPT.len()));
    if !path.exists() {
        crate::driver::write_atomically(&path, SCRIPT.as_bytes())?;
    }
    Ok(path)
}

/// A static library: the units plus the runtime's objects, in one archive.
pub fn archive_static(target: &TargetSpec, objects: &[String], out: &Path, scratch: &Path) -> Result<()> {
    target.require_runtime()?;
    let t = tools()?;
    let rt = runtime_for(target)?;
    // Merge the runtime archive's members in with an MRI-free approach: extract, then re-archive.
    let rt_dir = scratch.join("runtime-objs");
    std::fs::create_dir_all(&rt_dir).map_err(|e| io_error(&rt_dir, e))?;
    let out_of_ar = Command::new(&t.ar)
        .arg("x")
        .arg(&rt.archive)
        .current_dir(&rt_dir)
        .output()
        .map_err(|e| CompileError::Tool(format!("cannot run {}: {e}", t.ar.display())))?;
    if !out_of_ar.status.success() {
        return Err(CompileError::Tool(format!(
            "extracting the runtime: {}",
            String::from_utf8_lossy(&out_of_ar.stderr)
        )));
    }
    let mut members: Vec<String> = std::fs::read_dir(&rt_dir)
        .map_err(|e| io_error(&rt_dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .collect();
    members.sort();
    if out.exists() {
        std::fs::remove_file(out).map_err(|e| io_error(out, e))?;
    }
    let mut args = crate::runtime::archive_args(target, out);
    args.extend(objects.iter().cloned());
    args.extend(members);
    run_tool(&t.ar, &args, "creating the static library")
}
