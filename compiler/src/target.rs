//! Compilation targets: the names users write, and for each the LLVM triple, the portable default CPU
//! and features, the clang flags that build the runtime and link, the artifacts it can produce, and
//! where its C library comes from.

use crate::error::{CompileError, Result};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Os {
    Linux,
    MacOs,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TargetSpec {
    /// The name users write, e.g. `x86_64-unknown-linux-gnu`.
    pub name: String,
    /// The triple given to LLVM.
    pub llvm_triple: String,
    /// The triple given to `clang --target` when building the runtime and linking.
    pub clang_triple: String,
    pub os: Os,
    pub cpu: Option<String>,
    /// The CPU LLVM schedules and picks instructions for, when it differs from `cpu`.
    pub tune_cpu: Option<String>,
    pub features: String,
    /// Extra clang flags for this target (ABI selection).
    pub clang_flags: Vec<String>,
    /// LLVM's `target-abi` module flag, when the target needs one (RISC-V: lp64d).
    pub abi: Option<String>,
}

/// A target the compiler knows, with what it needs on the machine.
pub struct TargetInfo {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    llvm_triple: &'static str,
    clang_triple: &'static str,
    os: Os,
    /// Portable default CPU and features.
    cpu: &'static str,
    /// Tuning for the default CPU. x86-64-vN alone tunes for Sandy Bridge, which turns every
    /// rotate into a slow `shld` on current cores (sha256 ran 1.9x native); clang tunes generic.
    tune_cpu: Option<&'static str>,
    features: &'static str,
    clang_flags: &'static [&'static str],
    abi: Option<&'static str>,
    /// A file whose presence shows the target's C library is installed, and the packages that
    /// provide it (empty for the host).
    libc_probe: Option<&'static str>,
    pub libc_packages: &'static str,
    /// How to run its executables on this machine (empty: natively).
    pub runner: &'static [&'static str],
}

pub const HOST: &str = "x86_64-unknown-linux-gnu";

/// `--cpu native` and `--cpu host` (wasmtime's word) both name the CPU of the compiling machine.
pub fn is_host_cpu_name(cpu: &str) -> bool {
    cpu == "native" || cpu == "host"
}

const TARGETS: &[TargetInfo] = &[
    TargetInfo {
        name: "x86_64-unknown-linux-gnu",
        aliases: &["x86_64-linux", "x86_64", "host"],
        llvm_triple: "x86_64-unknown-linux-gnu",
        clang_triple: "x86_64-linux-gnu",
        os: Os::Linux,
        // x86-64-v2 (SSE4.2, POPCNT): the portable baseline that still has `roundss` & co.
        cpu: "x86-64-v2",
        tune_cpu: Some("generic"),
        features: "",
        clang_flags: &[],
        abi: None,
        libc_probe: None,
        libc_packages: "",
        runner: &[],
    },
    TargetInfo {
        name: "aarch64-unknown-linux-gnu",
        aliases: &["aarch64-linux", "aarch64", "arm64-linux"],
        llvm_triple: "aarch64-unknown-linux-gnu",
        clang_triple: "aarch64-linux-gnu",
        os: Os::Linux,
        cpu: "generic",
        tune_cpu: None,
        features: "+neon",
        clang_flags: &[],
        abi: None,
        libc_probe: Some("/usr/aarch64-linux-gnu/lib/libc.so.6"),
        libc_packages: "libc6-dev-arm64-cross gcc-aarch64-linux-gnu",
        runner: &["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"],
    },
    TargetInfo {
        // LLVM spells it `riscv64`: `riscv64gc-...` is the Rust-style name users know.
        name: "riscv64gc-unknown-linux-gnu",
        aliases: &["riscv64-linux", "riscv64", "riscv64gc-linux", "riscv64-unknown-linux-gnu"],
        llvm_triple: "riscv64-unknown-linux-gnu",
        clang_triple: "riscv64-linux-gnu",
        os: Os::Linux,
        cpu: "generic-rv64",
        tune_cpu: None,
        features: "+m,+a,+f,+d,+c",
        clang_flags: &["-march=rv64gc", "-mabi=lp64d"],
        abi: Some("lp64d"),
        libc_probe: Some("/usr/riscv64-linux-gnu/lib/libc.so.6"),
        libc_packages: "libc6-dev-riscv64-cross gcc-riscv64-linux-gnu",
        runner: &["qemu-riscv64", "-L", "/usr/riscv64-linux-gnu"],
    },
    TargetInfo {
        name: "x86_64-apple-darwin",
        aliases: &["x86_64-macos"],
        llvm_triple: "x86_64-apple-macosx11.0.0",
        clang_triple: "x86_64-apple-macosx11.0.0",
        os: Os::MacOs,
        cpu: "x86-64-v2",
        tune_cpu: Some("generic"),
        features: "",
        clang_flags: &[],
        abi: None,
        libc_probe: None,
        libc_packages: "",
        runner: &[],
    },
    TargetInfo {
        name: "aarch64-apple-darwin",
        aliases: &["aarch64-macos", "arm64-macos", "arm64-apple-darwin"],
        llvm_triple: "arm64-apple-macosx11.0.0",
        clang_triple: "arm64-apple-macosx11.0.0",
        os: Os::MacOs,
        cpu: "apple-m1",
        tune_cpu: None,
        features: "",
        clang_flags: &[],
        abi: None,
        libc_probe: None,
        libc_packages: "",
        runner: &[],
    },
];

pub fn known_targets() -> &'static [TargetInfo] {
    TARGETS
}

impl TargetInfo {
    /// What `--emit` kinds this target supports here.
    pub fn emits(&self) -> &'static str {
        match self.os {
            Os::Linux => "exe, obj, staticlib, sharedlib, header, llvm-ir, asm",
            // Executables and shared libraries need the macOS linker and libSystem, which are not
            // here; a static library only needs the macOS C headers to build the runtime.
            Os::MacOs => "obj, staticlib, header, llvm-ir, asm",
        }
    }

    /// None when the target's C library is present (or not needed), else the packages to install.
    pub fn missing_libc(&self) -> Option<&'static str> {
        match self.libc_probe {
            Some(probe) if !Path::new(probe).exists() => Some(self.libc_packages),
            _ => None,
        }
    }
}

impl TargetSpec {
    pub fn host() -> TargetSpec {
        TargetSpec::parse(HOST).expect("host target")
    }

    /// Resolves a target name or alias.
    pub fn parse(name: &str) -> Result<TargetSpec> {
        let Some(t) = TARGETS.iter().find(|t| t.name == name || t.aliases.contains(&name)) else {
            let names: Vec<_> = TARGETS.iter().map(|t| t.name).collect();
            return Err(CompileError::Unsupported(format!(
                "unknown target `{name}`; known targets: {} (see `wasm2native targets`)",
                names.join(", ")
            )));
        };
        Ok(TargetSpec {
            name: t.name.to_string(),
            llvm_triple: t.llvm_triple.to_string(),
            clang_triple: t.clang_triple.to_string(),
            os: t.os,
            cpu: Some(t.cpu.to_string()),
            tune_cpu: t.tune_cpu.map(str::to_string),
            features: t.features.to_string(),
            clang_flags: t.clang_flags.iter().map(|s| s.to_string()).collect(),
            abi: t.abi.map(str::to_string),
        })
    }

    /// The same target with a user-chosen CPU and/or extra features (`+feat,-feat`).
    pub fn with_cpu(mut self, cpu: Option<&str>, features: Option<&str>) -> TargetSpec {
        if cpu.is_some_and(is_host_cpu_name) {
            // The machine this compiler runs on: its CPU, with exactly the features it reports
            // (LLVM does not resolve `native` itself; clang does the same as this).
            self.cpu = Some(inkwell::targets::TargetMachine::get_host_cpu_name().to_string());
            self.features = inkwell::targets::TargetMachine::get_host_cpu_features().to_string();
            self.tune_cpu = None;
        } else if let Some(cpu) = cpu {
            self.cpu = Some(cpu.to_string());
            // A CPU the user names is also the one to tune for, but for the x86-64-vN levels,
            // which are ISA levels, not CPUs (clang tunes those generically too).
            self.tune_cpu = cpu.starts_with("x86-64").then(|| "generic".to_string());
        }
        if let Some(extra) = features.filter(|f| !f.is_empty()) {
            self.features =
                if self.features.is_empty() { extra.to_string() } else { format!("{},{extra}", self.features) };
        }
        self
    }

    /// This machine's CPU (`--cpu native`), the choice of `run`, which compiles for where it runs.
    pub fn host_cpu() -> TargetSpec {
        TargetSpec::host().with_cpu(Some("native"), None)
    }

    pub fn info(&self) -> &'static TargetInfo {
        TARGETS.iter().find(|t| t.name == self.name).expect("known target")
    }

    pub fn is_host(&self) -> bool {
        self.name == HOST
    }

    /// Fails clearly when the target's C library is not installed.
    pub fn require_libc(&self) -> Result<()> {
        match self.info().missing_libc() {
            Some(pkgs) => Err(CompileError::Tool(format!(
                "the C library for {} is not installed: run `cargo xtask setup` (or `apt-get install {pkgs}`)",
                self.name
            ))),
            None => Ok(()),
        }
    }

    /// Fails clearly for linked artifacts (executables, shared libraries) this target cannot
    /// produce here.
    pub fn require_linkable(&self, what: &str) -> Result<()> {
        if self.os == Os::MacOs {
            return Err(CompileError::Unsupported(format!(
                "{what} for {}: linking for macOS needs Apple's linker and the macOS SDK, which are not \
                 available here; use --emit staticlib (the module and the runtime) or --emit obj, and link \
                 on a Mac",
                self.name
            )));
        }
        self.require_libc()
    }

    /// Fails clearly when the runtime cannot be built for this target here: the C library on
    /// Linux, the macOS C headers for macOS (`runtime::macos_sdk`).
    pub fn require_runtime(&self) -> Result<()> {
        match self.os {
            Os::MacOs => crate::runtime::macos_sdk().map(|_| ()),
            Os::Linux => self.require_libc(),
        }
    }
}
