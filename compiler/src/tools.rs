//! The LLVM 19 tools from Debian that build the runtime and link artifacts: `clang-19` (compiler
//! and linker driver, with lld), `ld.lld-19` (relocatable merges, runtime-free shared libraries),
//! `llvm-ar-19` (archives). Found once per artifact and handed to whoever runs them.

use crate::error::{CompileError, Result};
use crate::target::{Os, TargetSpec};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Tools {
    pub clang: PathBuf,
    pub lld: PathBuf,
    pub ar: PathBuf,
}

impl Tools {
    /// Finds the tools on `PATH` (or under `/usr/lib/llvm-19/bin`), or says how to install them.
    pub fn find() -> Result<Tools> {
        let missing = |what: &str, pkg: &str| {
            CompileError::Tool(format!("{what} not found: run `cargo xtask setup` (or `apt-get install {pkg}`)"))
        };
        Ok(Tools {
            clang: find_tool("clang-19").ok_or_else(|| missing("clang-19", "clang-19"))?,
            lld: find_tool("ld.lld-19").ok_or_else(|| missing("ld.lld-19", "lld-19"))?,
            ar: find_tool("llvm-ar-19").ok_or_else(|| missing("llvm-ar-19", "llvm-19"))?,
        })
    }

    /// Creates the archive `out` for `target` from `members` (Apple's linker wants the BSD
    /// format and symbol table).
    pub fn archive(&self, target: &TargetSpec, out: &Path, members: &[String], what: &str) -> Result<()> {
        let mut args = vec!["rcs".to_string()];
        if target.os == Os::MacOs {
            args.push("--format=darwin".into());
        }
        args.push(out.display().to_string());
        args.extend(members.iter().cloned());
        run(&self.ar, &args, what)
    }
}

fn find_tool(name: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join(name));
    let debian = Path::new("/usr/lib/llvm-19/bin").join(name.trim_end_matches("-19"));
    on_path.chain([debian]).find(|p| p.is_file())
}

/// Runs `tool` with `args`; a failure says `what` was being done, with the tool's stderr.
pub fn run(tool: &Path, args: &[String], what: &str) -> Result<()> {
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
