//! Turning unit objects into the artifact the user asked for. A [`Linker`] is prepared once per
//! artifact, before code generation, so that a target that cannot produce it here fails before any
//! work: it checks the target, finds the tools and builds (or finds) the target's runtime; then it
//! links with what it holds.

use crate::error::{io_error, CompileError, Result};
use crate::runtime::{runtime_for, BuiltRuntime};
use crate::target::TargetSpec;
use crate::tools::{self, Tools};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The kinds of artifact made from objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Artifact {
    /// One relocatable object.
    Object,
    /// A native executable: the units, the runtime and its program entry, the target's libc
    /// (statically linked with `static_link`, for shipping without a matching libc on the target).
    Executable { static_link: bool },
    /// A shared library; without the runtime, its symbols stay undefined, to be bound to the host
    /// process (how `run` and `wast` load modules).
    SharedLib { with_runtime: bool },
    /// A static library: the units plus the runtime's objects, in one archive.
    StaticLib,
}

impl Artifact {
    fn needs_runtime(self) -> bool {
        match self {
            Artifact::Executable { .. } | Artifact::StaticLib => true,
            Artifact::SharedLib { with_runtime } => with_runtime,
            Artifact::Object => false,
        }
    }
}

/// What linking one artifact for one target needs, prepared once.
pub struct Linker<'t> {
    target: &'t TargetSpec,
    artifact: Artifact,
    tools: Tools,
    /// The target's runtime, when the artifact includes it.
    runtime: Option<BuiltRuntime>,
}

impl<'t> Linker<'t> {
    /// Fails clearly when `target` cannot produce `artifact` here; else finds the tools and the
    /// runtime the artifact includes (building it at first use).
    pub fn prepare(target: &'t TargetSpec, artifact: Artifact) -> Result<Linker<'t>> {
        match artifact {
            Artifact::Executable { .. } => target.require_linkable("an executable")?,
            Artifact::SharedLib { .. } => target.require_linkable("a shared library")?,
            Artifact::StaticLib => target.require_runtime()?,
            Artifact::Object => {}
        }
        let tools = Tools::find()?;
        let runtime = match artifact.needs_runtime() {
            true => Some(runtime_for(target, &tools)?),
            false => None,
        };
        Ok(Linker { target, artifact, tools, runtime })
    }

    /// Links `objects` (in unit order) into the artifact at `out`; `scratch` is a directory the
    /// linker may fill.
    pub fn link(&self, objects: &[String], out: &Path, scratch: &Path) -> Result<()> {
        match (self.artifact, &self.runtime) {
            (Artifact::Object, _) => self.merge_objects(objects, out),
            (Artifact::Executable { static_link }, Some(rt)) => self.link_executable(rt, objects, out, static_link),
            (Artifact::SharedLib { .. }, rt) => self.link_shared(rt.as_ref(), objects, out),
            (Artifact::StaticLib, Some(rt)) => self.archive_static(rt, objects, out, scratch),
            (_, None) => Err(crate::error::internal("linking an artifact that includes the runtime without it")),
        }
    }

    /// One relocatable object from several (`ld.lld -r`).
    fn merge_objects(&self, objects: &[String], out: &Path) -> Result<()> {
        if let [only] = objects {
            return std::fs::copy(only, out).map(|_| ()).map_err(|e| io_error(out, e));
        }
        let mut args = vec!["-r".to_string(), "-o".into(), out.display().to_string()];
        args.extend(objects.iter().cloned());
        tools::run(&self.tools.lld, &args, "merging objects")
    }

    /// The clang driver's arguments common to linked artifacts.
    fn driver_args(&self, out: &Path) -> Vec<String> {
        let mut args = vec![
            format!("--target={}", self.target.clang_triple),
            "-fuse-ld=lld".into(),
            "-o".into(),
            out.display().to_string(),
        ];
        args.extend(self.target.clang_flags.iter().cloned());
        args
    }

    fn link_executable(&self, rt: &BuiltRuntime, objects: &[String], out: &Path, static_link: bool) -> Result<()> {
        let mut args = self.driver_args(out);
        if static_link {
            args.push("-static".into());
        }
        args.extend(objects.iter().cloned());
        args.push(rt.main_object.display().to_string());
        args.push(rt.archive.display().to_string());
        args.extend(["-lm".into(), "-lpthread".into()]);
        tools::run(&self.tools.clang, &args, &format!("linking for {}", self.target.name))
    }

    fn link_shared(&self, rt: Option<&BuiltRuntime>, objects: &[String], out: &Path) -> Result<()> {
        let what = format!("linking a shared library for {}", self.target.name);
        let script = version_script()?.display().to_string();
        let Some(rt) = rt else {
            // No libc, no runtime: lld alone (no driver process) keeps in-process loading fast.
            let mut args = vec!["-shared".to_string(), "-o".into(), out.display().to_string()];
            args.extend(objects.iter().cloned());
            args.push(format!("--version-script={script}"));
            return tools::run(&self.tools.lld, &args, &what);
        };
        let mut args = self.driver_args(out);
        args.push("-shared".into());
        args.extend(objects.iter().cloned());
        args.push(format!("-Wl,--version-script={script}"));
        args.push("-Wl,--whole-archive".into());
        args.push(rt.archive.display().to_string());
        args.push("-Wl,--no-whole-archive".into());
        args.extend(["-lm".into(), "-lpthread".into()]);
        tools::run(&self.tools.clang, &args, &what)
    }

    fn archive_static(&self, rt: &BuiltRuntime, objects: &[String], out: &Path, scratch: &Path) -> Result<()> {
        // The runtime archive's members join the units: extracted, then archived again.
        let rt_dir = scratch.join("runtime-objs");
        std::fs::create_dir_all(&rt_dir).map_err(|e| io_error(&rt_dir, e))?;
        let out_of_ar = Command::new(&self.tools.ar)
            .arg("x")
            .arg(&rt.archive)
            .current_dir(&rt_dir)
            .output()
            .map_err(|e| CompileError::Tool(format!("cannot run {}: {e}", self.tools.ar.display())))?;
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
        let all: Vec<String> = objects.iter().cloned().chain(members).collect();
        self.tools.archive(self.target, out, &all, "creating the static library")
    }
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

/// The export list of shared libraries (`linker-scripts/sharedlib.ver`), written to the cache.
fn version_script() -> Result<PathBuf> {
    const SCRIPT: &str = include_str!("../../linker-scripts/sharedlib.ver");
    let dir = crate::cache::cache_dir();
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    let path = dir.join(format!("sharedlib-{:x}.ver", SCRIPT.len()));
    if !path.exists() {
        crate::driver::write_atomically(&path, SCRIPT.as_bytes())?;
    }
    Ok(path)
}
