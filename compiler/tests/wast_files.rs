//! File-driven spec-style scripts: every `tests/wast/*.wast` runs through `wasm2native wast` at
//! every optimisation level on the host, and at -O0 and -O2 for aarch64 and riscv64 under
//! qemu-user; each run must end with `N passed, 0 failed`. These hold what the spec testsuite
//! does not pin down on its own (such as NaN quieting through an inlined constant argument).
//!
//! A new case is a new `.wast` file. `W2N_TEST_FILTER=<part of a file name>` runs only matching cases.

mod common;

use common::*;
use std::path::Path;

const HOST_LEVELS: &[&str] = &["0", "1", "2", "3", "s"];
const CROSS_LEVELS: &[&str] = &["0", "2"];

fn check(file: &Path, target: Option<&Cross>, level: &str) -> Result<(), String> {
    let mut cmd = wasm2native();
    cmd.args(["wast", "-O", level]);
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

fn run_all(targets: &[Option<&Cross>]) {
    let files = test_files("wast", "wast");
    let mut failures = Failures::default();
    let mut total = 0;
    for f in &files {
        for target in targets {
            let levels = if target.is_some() { CROSS_LEVELS } else { HOST_LEVELS };
            for level in levels {
                total += 1;
                let name = format!("{} -O{level} {}", file_stem(f), target.map_or("host", |c| c.target));
                match check(f, *target, level) {
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
