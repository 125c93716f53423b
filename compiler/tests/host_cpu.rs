//! `compile --cpu native` / `--cpu host` select this machine's CPU; `run` compiles for it too (as
//! wasmtime does), while `compile` keeps the portable baseline by default.

mod common;

use common::{run, w2n, wasm2native, write_file, RUN_TIMEOUT};

/// A module whose `f64.mul` becomes `mulsd` (SSE2) or `vmulsd` (AVX, VEX-encoded).
const WAT: &str = r#"(module
  (func (export "mul") (param f64 f64) (result f64) (f64.mul (local.get 0) (local.get 1)))
  (func (export "_start")))"#;

fn host_has_avx() -> bool {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    cpuinfo.lines().any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == "avx"))
}

fn disassemble(path: &std::path::Path) -> String {
    let out = std::process::Command::new("llvm-objdump-19").arg("-d").arg(path).output().expect("llvm-objdump-19");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn compile_cpu_native_uses_the_host_cpu_and_the_default_stays_portable() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "m.wat", WAT);
    for (cpu, avx) in [(None, false), (Some("native"), host_has_avx()), (Some("host"), host_has_avx())] {
        let obj = dir.path().join(format!("m-{}.o", cpu.unwrap_or("default")));
        let mut args = vec!["compile", "--emit", "obj", "-o", obj.to_str().unwrap(), input.to_str().unwrap()];
        if let Some(cpu) = cpu {
            args.extend(["--cpu", cpu]);
        }
        let out = w2n(&args);
        assert_eq!(out.code(), Some(0), "{}", out.report());
        let asm = disassemble(&obj);
        assert_eq!(
            asm.contains("vmulsd"),
            avx,
            "--cpu {cpu:?}: AVX code exactly when asked for a CPU with AVX:\n{asm}"
        );
        assert!(asm.contains("mulsd"), "{asm}");
    }
}

#[test]
fn cpu_native_needs_the_host_target() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "m.wat", WAT);
    let out = w2n(&["compile", "--cpu", "native", "--target", "aarch64-unknown-linux-gnu", input.to_str().unwrap()]);
    assert_eq!(out.code(), Some(1), "{}", out.report());
    assert!(out.stderr_text().contains("error: --cpu native means this machine's CPU"), "{}", out.report());
}

#[test]
fn run_compiles_for_the_host_cpu() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "m.wat", WAT);
    let cache = dir.path().join("cache");
    let mut cmd = wasm2native();
    cmd.args(["run", "--invoke", "mul"]).arg(&input).args(["1.5", "4"]).env("WASM2NATIVE_CACHE_DIR", &cache);
    let out = run(&mut cmd, b"", RUN_TIMEOUT);
    assert_eq!(out.code(), Some(0), "{}", out.report());
    assert!(out.stdout_text().contains('6'), "{}", out.report());
    let libraries: Vec<_> = std::fs::read_dir(cache.join("modules")).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(libraries.len(), 1, "one cached module: {libraries:?}");
    let asm = disassemble(&libraries[0]);
    assert_eq!(asm.contains("vmulsd"), host_has_avx(), "run's code uses the host's AVX when it has it:\n{asm}");
}
