//! Compilation targets: the user-facing names, the LLVM triple, CPU and features of each.

use crate::error::{CompileError, Result};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TargetSpec {
    /// The name users write, e.g. `x86_64-unknown-linux-gnu`.
    pub name: String,
    /// The triple given to LLVM.
    pub llvm_triple: String,
    /// The triple given to `clang --target` when linking.
    pub clang_triple: String,
    pub cpu: Option<String>,
    pub features: String,
}

/// One row of `wasm2native targets`.
pub struct TargetInfo {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub available: bool,
    pub note: &'static str,
}

pub const HOST: &str = "x86_64-unknown-linux-gnu";

pub fn known_targets() -> Vec<TargetInfo> {
    vec![
        TargetInfo {
            name: "x86_64-unknown-linux-gnu",
            aliases: &["x86_64-linux", "host"],
            available: true,
            note: "exe, obj, staticlib, sharedlib, llvm-ir, asm",
        },
        TargetInfo {
            name: "aarch64-unknown-linux-gnu",
            aliases: &["aarch64-linux"],
            available: false,
            note: "not yet supported (cross-compilation is planned)",
        },
        TargetInfo {
            name: "riscv64gc-unknown-linux-gnu",
            aliases: &["riscv64-linux"],
            available: false,
            note: "not yet supported (cross-compilation is planned)",
        },
        TargetInfo {
            name: "x86_64-apple-darwin",
            aliases: &["x86_64-macos"],
            available: false,
            note: "not yet supported (Mach-O output is planned)",
        },
        TargetInfo {
            name: "aarch64-apple-darwin",
            aliases: &["aarch64-macos"],
            available: false,
            note: "not yet supported (Mach-O output is planned)",
        },
    ]
}

impl TargetSpec {
    pub fn host() -> TargetSpec {
        TargetSpec::parse(HOST).expect("host target")
    }

    /// Resolves a user-given target name or alias. Targets other than the host fail clearly for now.
    pub fn parse(name: &str) -> Result<TargetSpec> {
        let targets = known_targets();
        let Some(t) = targets.iter().find(|t| t.name == name || t.aliases.contains(&name)) else {
            let names: Vec<_> = targets.iter().map(|t| t.name).collect();
            return Err(CompileError::Unsupported(format!(
                "unknown target `{name}`; known targets: {}",
                names.join(", ")
            )));
        };
        if !t.available {
            return Err(CompileError::Unsupported(format!(
                "target `{}` is not supported yet: only {HOST} can be compiled for in this version",
                t.name
            )));
        }
        Ok(TargetSpec {
            name: t.name.to_string(),
            llvm_triple: "x86_64-unknown-linux-gnu".into(),
            clang_triple: "x86_64-linux-gnu".into(),
            // x86-64-v2 (SSE4.2, POPCNT): the portable baseline that still has `roundss` & co.
            cpu: Some("x86-64-v2".into()),
            features: String::new(),
        })
    }
}
