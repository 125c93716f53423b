//! File-driven spec-style scripts: every `tests/wast/*.wast` runs through `wasm2native wast` at
//! every optimisation level on the host (and at -O2 with explicit bounds checks), and at -O0 and
//! -O2 for aarch64 and riscv64 under qemu-user; each run must end with `N passed, 0 failed`. These
//! hold what the spec testsuite does not pin down on its own (such as NaN quieting through an
//! inlined constant argument) and the bugs the fuzzer found (`cargo xtask fuzz`; each script opens
//! with a comment saying what went wrong).
//!
//! A new case is a new `.wast` file. `W2N_TEST_FILTER=<part of a file name>` runs only matching cases.
//! A file that opens with `;; levels: 0 1 2` runs at those levels only (a level alone: in either
//! bounds-check mode; `2/explicit`: that level in that mode only); its next lines say why (a bug or
//! limit at the other levels, named in the README's list of what is not supported yet).

mod common;

use common::*;
use std::path::Path;

/// Optimisation level and bounds-check mode.
const HOST_CONFIGS: &[(&str, &str)] =
    &[("0", "guard"), ("1", "guard"), ("2", "guard"), ("3", "guard"), ("s", "guard"), ("2", "explicit")];
const CROSS_CONFIGS: &[(&str, &str)] = &[("0", "guard"), ("2", "guard")];

fn check(file: &Path, target: Option<&Cross>, level: &str, bounds: &str) -> Result<(), String> {
    let mut cmd = wasm2native();
    cmd.args(["wast", "-O", level, "--bounds-checks", bounds]);
    if let Some(c) = target {
        cmd.args(["--target", c.target]);
    }
    let out = run(cmd.arg(file), b"", std::time::Duration::from_secs(300));
    let stdout = out.stdout_text();
    let last = stdout.lines().last().unwrap_or("");
    if out.code() == Some(0) && last.ends_with(" passed, 0 failed") {
        Ok(())
    } else {
        Err(out.report())
    }
}

/// The levels a file's `;; levels:` header names, if it has one.
fn levels_of(file: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(file).ok()?;
    let header = text.lines().next()?.strip_prefix(";; levels:")?;
    Some(header.split_whitespace().map(String::from).collect())
}

fn run_all(targets: &[Option<&Cross>]) {
    let files = test_files("wast", "wast");
    let mut failures = Failures::default();
    let mut total = 0;
    for f in &files {
        let levels = levels_of(f);
        for target in targets {
            let configs = if target.is_some() { CROSS_CONFIGS } else { HOST_CONFIGS };
            for (level, bounds) in configs {
                let named = |x: &String| x == level || *x == format!("{level}/{bounds}");
                if levels.as_ref().is_some_and(|l| !l.iter().any(named)) {
                    eprintln!("{} -O{level} {bounds}: not run (its `;; levels:` header)", file_stem(f));
                    continue;
                }
                total += 1;
                let name = format!("{} -O{level} {bounds} {}", file_stem(f), target.map_or("host", |c| c.target));
                match check(f, *target, level, bounds) {
                    Ok(()) => failures.pass(&name),
                    Err(e) => failures.add(&name, e),
                }
            }
        }
    }
    failures.finish("wast files", total);
}

#[test]
fn wast_files_pass_on_the_host_at_every_level() {
    run_all(&[None]);
}

#[test]
fn wast_files_pass_on_aarch64_and_riscv64() {
    run_all(&[Some(&AARCH64), Some(&RISCV64)]);
}
