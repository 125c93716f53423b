//! Build-script integration, in the manner of the `cc` crate: a Wasm module becomes a static library
//! (the module's code plus the runtime) that Cargo links like any C dependency, with generated Rust
//! bindings to `include!` and a C header.
//!
//! ```no_run
//! // build.rs of a crate with `wasm2native` as a build-dependency
//! fn main() {
//!     wasm2native::Build::new().file("plugin.wat").opt_level(2).compile("plugin");
//! }
//! ```
//!
//! `compile("plugin")` compiles for Cargo's `TARGET` (so `cargo build --target aarch64-unknown-linux-gnu`
//! cross-compiles the Wasm too), writes `libplugin.a`, `plugin.rs` (Rust bindings) and `plugin.h` (C
//! header) into `OUT_DIR`, and prints `cargo:rustc-link-lib=static=plugin`,
//! `cargo:rustc-link-search=native=OUT_DIR` and `cargo:rerun-if-changed=plugin.wat`. The crate then
//! includes the bindings, preferably in a module of their own:
//!
//! ```ignore
//! mod plugin {
//!     include!(concat!(env!("OUT_DIR"), "/plugin.rs"));
//! }
//! let mut p = plugin::Plugin::new(MyHost::default())?; // one store + instance, with its own state
//! let sum: i32 = p.add(2, 3)?;                          // one method per exported function
//! match p.divide(1, 0) {                                 // traps are errors, never aborts
//!     Err(trap) => assert_eq!(trap.kind, plugin::TrapKind::IntegerDivideByZero),
//!     Ok(_) => unreachable!(),
//! }
//! ```
//!
//! What the bindings contain is described in [`bindings`]; the C header in [`header`].

pub mod bindings;
pub mod header;

use crate::driver::{compile_wasm, write_atomically, CompileOptions, Emit};
use crate::error::{io_error, CompileError, Result};
use crate::module::{wat_to_wasm, ModuleInfo};
use crate::{BoundsChecks, GuestControl, OptLevel, TargetSpec};
use std::path::{Path, PathBuf};

/// A builder for one Wasm module → static library + bindings, for use in `build.rs`.
#[derive(Clone, Debug)]
pub struct Build {
    file: Option<PathBuf>,
    extra_files: usize,
    opt_level: OptLevel,
    target: Option<String>,
    out_dir: Option<PathBuf>,
    bounds_checks: BoundsChecks,
    cargo_metadata: bool,
    control: GuestControl,
}

impl Default for Build {
    fn default() -> Self {
        Build::new()
    }
}

/// What [`Build::try_compile`] wrote.
#[derive(Clone, Debug)]
pub struct Artifacts {
    /// `OUT_DIR/lib<name>.a`: the module's code and the runtime.
    pub library: PathBuf,
    /// `OUT_DIR/<name>.rs`: the Rust bindings.
    pub bindings: PathBuf,
    /// `OUT_DIR/<name>.h`: the C header (self-contained: it carries the runtime's header).
    pub header: PathBuf,
    /// The symbol prefix of the module (`w2n_<name>`); the descriptor is `<prefix>_module`.
    pub prefix: String,
}

impl Build {
    /// A builder with the defaults: `-O2`, guard-page bounds checks, Cargo metadata printed.
    pub fn new() -> Build {
        Build {
            file: None,
            extra_files: 0,
            opt_level: OptLevel::O2,
            target: None,
            out_dir: None,
            bounds_checks: BoundsChecks::Guard,
            cargo_metadata: true,
            control: GuestControl::default(),
        }
    }

    /// The module: a binary `.wasm` or a `.wat` text file. One module per library.
    pub fn file(&mut self, path: impl AsRef<Path>) -> &mut Build {
        if self.file.is_some() {
            self.extra_files += 1;
        }
        self.file = Some(path.as_ref().to_path_buf());
        self
    }

    /// Optimisation level 0 to 3 (as `cc::Build::opt_level`; above 3 means 3).
    pub fn opt_level(&mut self, level: u32) -> &mut Build {
        self.opt_level = match level {
            0 => OptLevel::O0,
            1 => OptLevel::O1,
            2 => OptLevel::O2,
            _ => OptLevel::O3,
        };
        self
    }

    /// Optimisation level as a string: "0", "1", "2", "3" or "s". Unknown strings keep the level.
    pub fn opt_level_str(&mut self, level: &str) -> &mut Build {
        if let Ok(l) = level.parse() {
            self.opt_level = l;
        }
        self
    }

    /// Target triple (a Rust target name or an alias of `wasm2native targets`); default: `$TARGET`,
    /// else the host.
    pub fn target(&mut self, target: &str) -> &mut Build {
        self.target = Some(target.to_string());
        self
    }

    /// Output directory; default: `$OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Explicit bounds checks instead of guard pages (for hosts that cannot have signal handlers).
    pub fn explicit_bounds_checks(&mut self, explicit: bool) -> &mut Build {
        self.bounds_checks = if explicit { BoundsChecks::Explicit } else { BoundsChecks::Guard };
        self
    }

    /// Allow interruption (`compile --interruptible`; the generated code is unchanged): the bindings
    /// gain `interrupt_handle()` (a `Send + Sync` handle another thread can stop a call with) and
    /// `set_deadline(..)`; an interrupted call returns `Err` with `TrapKind::Interrupt`.
    pub fn interruptible(&mut self, on: bool) -> &mut Build {
        self.control.interruptible = on;
        self
    }

    /// Compile in fuel accounting (`compile --fuel`): the bindings gain `fuel()` and
    /// `set_fuel(n)`; a call that runs out returns `Err` with `TrapKind::OutOfFuel`.
    pub fn fuel(&mut self, on: bool) -> &mut Build {
        self.control.fuel = on;
        self
    }

    /// Whether to print the `cargo:` lines (default true).
    pub fn cargo_metadata(&mut self, print: bool) -> &mut Build {
        self.cargo_metadata = print;
        self
    }

    /// Compiles, writes the artifacts and prints the Cargo lines; panics with the error's message on
    /// failure, as `cc::Build::compile` does (a build script has nothing better to do).
    pub fn compile(&self, name: &str) {
        if let Err(e) = self.try_compile(name) {
            panic!("wasm2native: {e}");
        }
    }

    /// Like [`Build::compile`], returning the error instead of panicking.
    pub fn try_compile(&self, name: &str) -> Result<Artifacts> {
        check_library_name(name)?;
        let file = self
            .file
            .as_ref()
            .ok_or_else(|| CompileError::Io("no module: call .file(\"module.wasm\") first".into()))?;
        if self.extra_files > 0 {
            return Err(CompileError::Io(format!(
                "one module per library: .file() was called {} times (call compile once per module)",
                self.extra_files + 1
            )));
        }
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                CompileError::Io("OUT_DIR is not set: run from a build script or call .out_dir()".into())
            })?,
        };
        let target_name = self.target.clone().or_else(|| std::env::var("TARGET").ok());
        let target = match &target_name {
            Some(t) => TargetSpec::parse(t)?,
            None => TargetSpec::host(),
        };
        let bytes = std::fs::read(file).map_err(|e| io_error(file, e))?;
        let wasm = wat_to_wasm(&bytes)?;
        let info = ModuleInfo::parse(&wasm)?;
        let prefix = format!("w2n_{name}");
        let source = file.display().to_string();
        // Generate the bindings first: a module the bindings cannot express fails before the long part.
        let rust = bindings::generate(&info, name, &prefix, &source, self.control)?;
        let c = header::generate(&info, &prefix, &source)?;

        std::fs::create_dir_all(&out_dir).map_err(|e| io_error(&out_dir, e))?;
        let library = out_dir.join(format!("lib{name}.a"));
        let jobs = std::env::var("NUM_JOBS")
            .ok()
            .and_then(|j| j.parse().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let opts = CompileOptions {
            emit: Emit::StaticLib,
            target,
            opt_level: self.opt_level,
            jobs: jobs.max(1),
            bounds_checks: self.bounds_checks,
            prefix: Some(prefix.clone()),
            control: self.control,
            ..CompileOptions::default()
        };
        compile_wasm(&wasm, &library, &opts)?;
        let bindings = out_dir.join(format!("{name}.rs"));
        write_atomically(&bindings, rust.as_bytes())?;
        let header = out_dir.join(format!("{name}.h"));
        write_atomically(&header, c.as_bytes())?;

        if self.cargo_metadata {
            println!("cargo:rustc-link-lib=static={name}");
            println!("cargo:rustc-link-search=native={}", out_dir.display());
            println!("cargo:rerun-if-changed={}", file.display());
            println!("cargo:rerun-if-env-changed=WASM2NATIVE_CACHE_DIR");
        }
        Ok(Artifacts { library, bindings, header, prefix })
    }
}

/// Library names become file names, symbol prefixes and Rust type names: `[A-Za-z_][A-Za-z0-9_]*`.
fn check_library_name(name: &str) -> Result<()> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(CompileError::Io(format!(
            "library name `{name}` must be letters, digits and underscores, not starting with a digit"
        )))
    }
}

/// `my_plugin` → `MyPlugin`.
pub(crate) fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c == '_' || !c.is_ascii_alphanumeric() {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'M');
    }
    out
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// An identifier (Rust and C) for an export or import name: other characters become `_`; a leading
/// digit or a keyword gets a `_` added.
pub(crate) fn identifier(name: &str) -> String {
    let mut id: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    if RUST_KEYWORDS.contains(&id.as_str()) {
        id.push('_');
    }
    id
}

/// Hands out identifiers that are unique within one namespace (methods of a type, functions of a
/// header): a taken name gets `_2`, `_3`, ...
#[derive(Default)]
pub(crate) struct Names(std::collections::HashSet<String>);

impl Names {
    pub fn reserve(&mut self, names: &[&str]) {
        self.0.extend(names.iter().map(|s| s.to_string()));
    }
    pub fn unique(&mut self, base: &str) -> String {
        let mut candidate = base.to_string();
        let mut n = 2;
        while self.0.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        self.0.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(camel_case("my_plugin"), "MyPlugin");
        assert_eq!(camel_case("plugin"), "Plugin");
        assert_eq!(identifier("do-thing"), "do_thing");
        assert_eq!(identifier("fn"), "fn_");
        assert_eq!(identifier("1x"), "_1x");
        let mut n = Names::default();
        n.reserve(&["new"]);
        assert_eq!(n.unique("new"), "new_2");
        assert_eq!(n.unique("add"), "add");
        assert_eq!(n.unique("add"), "add_2");
        assert!(check_library_name("plugin_1").is_ok());
        assert!(check_library_name("my-plugin").is_err());
        assert!(check_library_name("").is_err());
    }
}
