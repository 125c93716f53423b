//! The build-script integration (`wasm2native::Build`, generated Rust bindings, `--emit header`),
//! end to end: each test builds a real program against a compiled module, runs it and checks its
//! output.
//!
//! - `example_with_rustc`: the `examples/plugin-host` program, its module compiled by `Build` into a
//!   temporary OUT_DIR and the program compiled by `rustc` directly (seconds).
//! - `example_cargo_project`: the example as its users build it, `cargo run` (its build.rs calls
//!   `Build`), for the host and cross-compiled for aarch64 under qemu-user; Cargo's target directory
//!   is `target/plugin-host` so that rebuilds are incremental (about a minute the first time).
//! - `c_program_with_header`: a C program linked with `--emit staticlib` + `--emit header` output.
//!
//! - `rust_programs_with_bindings`: `tests/embed/*.rs` against their modules' bindings (WASI, ...).
//!
//! Expected output: `examples/plugin-host/expected-output.txt`, `tests/embed/*.{c,rs}` header comments.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;

fn expected_example_output() -> String {
    std::fs::read_to_string(repo_root().join("examples/plugin-host/expected-output.txt")).expect("expected-output.txt")
}

#[test]
fn example_with_rustc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = repo_root().join("examples/plugin-host");
    let artifacts = wasm2native::Build::new()
        .file(example.join("plugin.wat"))
        .opt_level(1)
        .out_dir(dir.path())
        .target("x86_64-unknown-linux-gnu")
        .cargo_metadata(false)
        .try_compile("plugin")
        .unwrap_or_else(|e| panic!("Build::try_compile: {e}"));
    assert!(artifacts.library.ends_with("libplugin.a"));
    assert!(artifacts.bindings.exists() && artifacts.header.exists());

    let exe = dir.path().join("plugin-host");
    let out = run(
        Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .args(["--edition", "2021", "--crate-name", "plugin_host", "-D", "warnings", "-o"])
            .arg(&exe)
            .arg(example.join("src/main.rs"))
            .arg("-L")
            .arg(dir.path())
            .args(["-l", "static=plugin"])
            .env("OUT_DIR", dir.path()),
        b"",
        Duration::from_secs(300),
    );
    assert_eq!(out.code(), Some(0), "rustc failed:\n{}", out.report());
    let ran = run(&mut Command::new(&exe), b"", Duration::from_secs(60));
    assert_eq!(ran.code(), Some(0), "the example failed:\n{}", ran.report());
    assert_eq!(ran.stdout_text(), expected_example_output(), "{}", ran.report());
}

/// `cargo run` of `examples/plugin-host`, for the host and for aarch64 (`cargo xtask setup` adds the
/// aarch64 standard library; the example's `.cargo/config.toml` names the linker and qemu runner).
#[test]
fn example_cargo_project() {
    let example = repo_root().join("examples/plugin-host");
    let target_dir = repo_root().join("target/plugin-host");
    for target in [None, Some("aarch64-unknown-linux-gnu")] {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(["run", "--quiet", "--offline"]).current_dir(&example).env("CARGO_TARGET_DIR", &target_dir);
        if let Some(t) = target {
            cmd.args(["--target", t]);
        }
        let ran = run(&mut cmd, b"", Duration::from_secs(1200));
        let what = target.unwrap_or("the host");
        assert_eq!(
            ran.code(),
            Some(0),
            "cargo run of the example for {what} failed (cargo xtask setup adds the Rust targets):\n{}",
            ran.report()
        );
        assert_eq!(ran.stdout_text(), expected_example_output(), "example for {what}: {}", ran.report());
    }
}

/// Each `tests/embed/NAME.rs` names its module (`module: NAME.wat`, built by `Build` as library
/// `NAME`; `build: interruptible fuel` turns those on) and its expected stdout (`stdout: ...`
/// lines) in its header comment.
#[test]
fn rust_programs_with_bindings() {
    for rs in test_files("embed", "rs") {
        let text = std::fs::read_to_string(&rs).expect("read");
        let fields = header(&text, "//");
        let get = |k: &str| fields.iter().filter(|(key, _)| key == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
        let module = rs.parent().unwrap().join(&get("module")[0]);
        let expected: String = get("stdout").iter().map(|l| format!("{l}\n")).collect();
        let name = file_stem(&rs);
        let build = get("build").join(" ");
        let dir = tempfile::tempdir().expect("tempdir");
        wasm2native::Build::new()
            .file(&module)
            .interruptible(build.contains("interruptible"))
            .fuel(build.contains("fuel"))
            .out_dir(dir.path())
            .target("x86_64-unknown-linux-gnu")
            .cargo_metadata(false)
            .try_compile(&name)
            .unwrap_or_else(|e| panic!("{}: {e}", rs.display()));
        let exe = dir.path().join("prog");
        let out = run(
            Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
                .args(["--edition", "2021", "-D", "warnings", "-o"])
                .arg(&exe)
                .arg(&rs)
                .arg("-L")
                .arg(dir.path())
                .args(["-l", &format!("static={name}")])
                .env("OUT_DIR", dir.path()),
            b"",
            Duration::from_secs(300),
        );
        assert_eq!(out.code(), Some(0), "{}: rustc failed:\n{}", rs.display(), out.report());
        let ran = run(&mut Command::new(&exe), b"", Duration::from_secs(60));
        assert_eq!(ran.code(), Some(0), "{}:\n{}", rs.display(), ran.report());
        assert_eq!(ran.stdout_text(), expected, "{}: {}", rs.display(), ran.report());
    }
}

#[test]
fn build_errors_are_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut b = wasm2native::Build::new();
    b.out_dir(dir.path()).cargo_metadata(false);
    let no_file = b.try_compile("plugin").expect_err("no file");
    assert!(no_file.to_string().contains(".file("), "{no_file}");
    let missing = b.clone().file(dir.path().join("missing.wasm")).try_compile("plugin").expect_err("missing file");
    assert!(missing.to_string().contains("missing.wasm"), "{missing}");
    let bad = dir.path().join("bad.wat");
    std::fs::write(&bad, "(module (func (result i32)))").unwrap();
    let invalid = b.clone().file(&bad).try_compile("plugin").expect_err("invalid module");
    assert!(invalid.to_string().contains("invalid module"), "{invalid}");
    let name = b.clone().file(&bad).try_compile("my-plugin").expect_err("bad name");
    assert!(name.to_string().contains("my-plugin"), "{name}");
    let mem_import = dir.path().join("mem.wat");
    std::fs::write(&mem_import, "(module (import \"env\" \"m\" (memory 1)))").unwrap();
    let unsupported = b.clone().file(&mem_import).try_compile("plugin").expect_err("memory import");
    assert!(unsupported.to_string().contains("env.m"), "{unsupported}");
    let panicked = std::panic::catch_unwind(|| b.clone().file(&bad).compile("plugin"));
    assert!(panicked.is_err(), "compile panics on errors, as cc does");
}

/// Each `tests/embed/NAME.c` names its module in a header comment (`module: NAME.wat`) and its expected
/// stdout (`stdout: ...` lines); it is compiled against `NAME.h` of `--emit header` and linked with
/// `libNAME.a` of `--emit staticlib`, both with prefix `w2n_NAME` (`build: interruptible fuel` adds
/// `--interruptible` and `--fuel`).
#[test]
fn c_program_with_header() {
    for c_file in test_files("embed", "c") {
        let text = std::fs::read_to_string(&c_file).expect("read");
        let fields = header(&text, "//");
        let get = |k: &str| fields.iter().filter(|(key, _)| key == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
        let module = c_file.parent().unwrap().join(&get("module")[0]);
        let expected: String = get("stdout").iter().map(|l| format!("{l}\n")).collect();
        let dir = tempfile::tempdir().expect("tempdir");
        let name = file_stem(&c_file);
        let lib = dir.path().join(format!("lib{name}.a"));
        let h = dir.path().join(format!("{name}.h"));
        let m = module.to_str().unwrap();
        let prefix = format!("w2n_{name}");
        let build = get("build").join(" ");
        let mut control = Vec::new();
        control.extend(build.contains("interruptible").then_some("--interruptible"));
        control.extend(build.contains("fuel").then_some("--fuel"));
        let mut args = vec![m, "--emit", "staticlib", "--prefix", &prefix, "-o", lib.to_str().unwrap()];
        args.extend(&control);
        compile_ok(&args);
        compile_ok(&[m, "--emit", "header", "--prefix", &prefix, "-o", h.to_str().unwrap()]);
        let exe = dir.path().join("prog");
        let cc = run(
            Command::new(clang())
                .args(["-std=c11", "-Wall", "-Werror", "-O1", "-I"])
                .arg(dir.path())
                .arg(&c_file)
                .arg(&lib)
                .args(["-lm", "-lpthread", "-o"])
                .arg(&exe),
            b"",
            Duration::from_secs(120),
        );
        assert_eq!(cc.code(), Some(0), "{}: clang failed:\n{}", c_file.display(), cc.report());
        let ran = run(&mut Command::new(&exe), b"", Duration::from_secs(60));
        assert_eq!(ran.code(), Some(0), "{}:\n{}", c_file.display(), ran.report());
        assert_eq!(ran.stdout_text(), expected, "{}: {}", c_file.display(), ran.report());
    }
}
