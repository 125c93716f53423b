//! The whole pipeline behind `wasm2native compile`: read, validate, translate, emit, link.

use crate::codegen::{self, ExeConfig, Output};
use crate::error::{io_error, CompileError, Result};
use crate::link::{self, Artifact, Linker};
use crate::module::{wat_to_wasm, ModuleInfo};
use crate::{BoundsChecks, CodegenOptions, GuestControl, OptLevel, TargetSpec};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    Exe,
    Obj,
    StaticLib,
    SharedLib,
    LlvmIr,
    Asm,
    /// A C header with the instance API and the exported functions (`build::header`).
    Header,
}

impl std::str::FromStr for Emit {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "exe" => Emit::Exe,
            "obj" => Emit::Obj,
            "staticlib" => Emit::StaticLib,
            "sharedlib" => Emit::SharedLib,
            "llvm-ir" => Emit::LlvmIr,
            "asm" => Emit::Asm,
            "header" => Emit::Header,
            other => {
                return Err(format!(
                    "unknown output kind `{other}` (expected exe, obj, staticlib, sharedlib, llvm-ir, asm or header)"
                ))
            }
        })
    }
}

#[derive(Clone, Debug)]
pub struct CompileOptions {
    pub emit: Emit,
    pub target: TargetSpec,
    pub opt_level: OptLevel,
    pub jobs: usize,
    pub bounds_checks: BoundsChecks,
    /// Symbol prefix; derived from the output name when None.
    pub prefix: Option<String>,
    /// Grants baked into executables.
    pub exe: ExeConfig,
    /// For shared libraries: leave the runtime out (the loading process provides it).
    pub shared_without_runtime: bool,
    /// Executables: link the C library statically.
    pub static_link: bool,
    /// Interruption and fuel checks (`--interruptible`, `--fuel`).
    pub control: GuestControl,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            emit: Emit::Exe,
            target: TargetSpec::host(),
            opt_level: OptLevel::O2,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            bounds_checks: BoundsChecks::Guard,
            prefix: None,
            exe: ExeConfig::default(),
            shared_without_runtime: false,
            static_link: false,
            control: GuestControl::default(),
        }
    }
}

/// A C identifier from a file name: `my-plugin.wasm` -> `my_plugin`.
pub fn prefix_from(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let mut p: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if p.is_empty() || p.starts_with(|c: char| c.is_ascii_digit()) {
        p.insert_str(0, "m_");
    }
    format!("w2n_{p}")
}

/// Compiles the module in `input` (binary, or text when it does not start with the binary magic) to
/// `output`.
pub fn compile(input: &[u8], output: &Path, opts: &CompileOptions) -> Result<()> {
    compile_wasm(&wat_to_wasm(input)?, output, opts)
}

/// Compiles a binary module to `output`.
pub fn compile_wasm(wasm: &[u8], output: &Path, opts: &CompileOptions) -> Result<()> {
    let mut report = codegen::timings::Report::start();
    let info = ModuleInfo::parse(wasm)?;
    report.phase("validate+read", report.now());
    let cg = CodegenOptions {
        target: opts.target.clone(),
        opt_level: opts.opt_level,
        bounds_checks: opts.bounds_checks,
        prefix: opts.prefix.clone().unwrap_or_else(|| prefix_from(output)),
        control: opts.control,
    };
    if opts.emit == Emit::Header {
        let source = output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let text = crate::build::header::generate(&info, &cg.prefix, &format!("module {source}"))?;
        return write_atomically(output, text.as_bytes());
    }
    let unit_output = match opts.emit {
        Emit::LlvmIr => Output::LlvmIr,
        Emit::Asm => Output::Assembly,
        _ => Output::Object,
    };
    let exe = (opts.emit == Emit::Exe).then_some(&opts.exe);
    if exe.is_some() {
        check_executable_imports(&info)?;
    }
    let preparing = std::time::Instant::now();
    let linker = artifact(opts).map(|a| Linker::prepare(&opts.target, a)).transpose()?;
    report.phase("toolchain+runtime", preparing.elapsed());
    let units = codegen::compile_units(&info, &cg, unit_output, exe, opts.jobs, &mut report)?;
    let linking = std::time::Instant::now();
    match linker {
        Some(linker) => link_artifact(&linker, &units, output, opts.emit)?,
        None => write_text(&units, output, opts.emit)?,
    }
    report.phase("link/write", linking.elapsed());
    report.print();
    Ok(())
}

/// Executables bind imports to WASI only: anything else could never be satisfied.
fn check_executable_imports(info: &ModuleInfo<'_>) -> Result<()> {
    if let Some(imp) = info.imports.iter().find(|i| i.module != "wasi_snapshot_preview1") {
        return Err(CompileError::Unsupported(format!(
            "import `{}.{}` cannot be satisfied in an executable (only wasi_snapshot_preview1 imports are provided); \
             build a library with --emit staticlib or sharedlib and supply it from the host",
            imp.module, imp.name
        )));
    }
    Ok(())
}

/// The artifact `opts.emit` links from objects (none for text output).
fn artifact(opts: &CompileOptions) -> Option<Artifact> {
    match opts.emit {
        Emit::Obj => Some(Artifact::Object),
        Emit::Exe => Some(Artifact::Executable { static_link: opts.static_link }),
        Emit::SharedLib => Some(Artifact::SharedLib { with_runtime: !opts.shared_without_runtime }),
        Emit::StaticLib => Some(Artifact::StaticLib),
        Emit::LlvmIr | Emit::Asm | Emit::Header => None,
    }
}

/// LLVM IR or assembly: the units' text, one after the other.
fn write_text(units: &[Vec<u8>], output: &Path, emit: Emit) -> Result<()> {
    let comment = if emit == Emit::LlvmIr { ";" } else { "#" };
    let mut text = Vec::new();
    for (i, u) in units.iter().enumerate() {
        text.extend_from_slice(format!("{comment} ---- wasm2native unit {i} ----\n").as_bytes());
        text.extend_from_slice(u);
    }
    write_atomically(output, &text)
}

fn link_artifact(linker: &Linker<'_>, units: &[Vec<u8>], output: &Path, emit: Emit) -> Result<()> {
    let scratch = ScratchDir::new()?;
    let objects = link::write_objects(scratch.path(), units)?;
    let staged = scratch.path().join("artifact");
    linker.link(&objects, &staged, scratch.path())?;
    let bytes = std::fs::read(&staged).map_err(|e| io_error(&staged, e))?;
    write_atomically(output, &bytes)?;
    if emit == Emit::Exe {
        set_executable(output)?;
    }
    Ok(())
}

/// Writes through a temporary file and a rename, so a failed compile never leaves half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.w2n-tmp-{}",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, e)
    })
}

fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(path).map_err(|e| io_error(path, e))?.permissions();
    perm.set_mode(perm.mode() | 0o111);
    std::fs::set_permissions(path, perm).map_err(|e| io_error(path, e))
}

/// A temporary directory removed on drop.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new() -> Result<ScratchDir> {
        let base = std::env::temp_dir();
        for i in 0..10_000u32 {
            let p = base.join(format!("wasm2native-{}-{i}", std::process::id()));
            if std::fs::create_dir(&p).is_ok() {
                return Ok(ScratchDir(p));
            }
        }
        Err(CompileError::Io(format!("cannot create a temporary directory in {}", base.display())))
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
