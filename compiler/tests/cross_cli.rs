//! The cross-compilation options: `--cpu`, `--cpu-features` (with `help`), `--static`.

mod common;

use common::*;
use std::process::Command;

const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "static hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 13))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

#[test]
fn static_aarch64_executable_runs_without_the_target_libc() {
    let dir = tempfile::tempdir().unwrap();
    let wat = write_file(dir.path(), "hello.wat", HELLO);
    let exe = dir.path().join("hello");
    let args = ["compile", "--target", "aarch64-linux", "--static", "--cpu", "cortex-a72"];
    let out = wasm2native().args(args).arg(&wat).arg("-o").arg(&exe).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // No `-L /usr/aarch64-linux-gnu`: a static executable needs no loader or libc from the target.
    let run = Command::new("qemu-aarch64").arg(&exe).output().expect("qemu-aarch64: run `cargo xtask setup`");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "static hello\n");
    assert!(run.status.success());
}

#[test]
fn cpu_help_lists_llvm_cpus_for_the_target() {
    let out = w2n(&["compile", "--target", "riscv64-linux", "--cpu", "help", "unused.wasm"]);
    assert_eq!(out.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("generic-rv64") && text.contains("sifive-u74"), "{text}");
    let out = w2n(&["compile", "--cpu-features", "help", "unused.wasm"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("avx2"));
}

#[test]
fn unknown_cpu_or_feature_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let wat = write_file(dir.path(), "hello.wat", HELLO);
    let wat = wat.display().to_string();
    for args in [["--cpu", "pentium9000"], ["--cpu-features", "+warp-drive"], ["--cpu-features", "avx2"]] {
        let out = w2n(&["compile", &wat, "--emit", "obj", "-o", "/dev/null", args[0], args[1]]);
        assert_eq!(out.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: unknown CPU"), "{args:?}");
    }
    let out = w2n(&[
        "compile",
        &wat,
        "--emit",
        "obj",
        "-o",
        &format!("{wat}.o"),
        "--cpu",
        "haswell",
        "--cpu-features",
        "+avx2",
    ]);
    assert_eq!(out.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
