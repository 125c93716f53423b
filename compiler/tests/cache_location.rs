//! Where the compile cache goes: `$WASM2NATIVE_CACHE_DIR`, else `$XDG_CACHE_HOME/wasm2native`,
//! else `~/.cache/wasm2native`. An empty `WASM2NATIVE_CACHE_DIR` or a relative `XDG_CACHE_HOME`
//! counts as unset: neither may fill the working directory with cache files.

mod common;

use std::path::Path;

/// Compiles a module to an object in `work` with `env` (and nothing else of the cache variables).
fn compile_in(work: &Path, home: &Path, env: &[(&str, &str)]) {
    std::fs::write(work.join("m.wat"), r#"(module (func (export "f") (result i32) (i32.const 7)))"#).unwrap();
    let mut cmd = common::wasm2native();
    cmd.current_dir(work)
        .args(["compile", "--emit", "obj", "m.wat", "-o", "m.o"])
        .env_remove("WASM2NATIVE_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME")
        .env("HOME", home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "compile with {env:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_empty_or_relative_cache_variable_counts_as_unset() {
    let tmp = tempfile::tempdir().unwrap();
    let (work, home) = (tmp.path().join("work"), tmp.path().join("home"));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    compile_in(&work, &home, &[("WASM2NATIVE_CACHE_DIR", ""), ("XDG_CACHE_HOME", "relative")]);
    let names: Vec<_> = std::fs::read_dir(&work).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "only the module and its object in the working directory: {names:?}");
    assert!(home.join(".cache/wasm2native/units").is_dir(), "the cache is under ~/.cache");
}

#[test]
fn the_cache_goes_where_the_variables_say() {
    let tmp = tempfile::tempdir().unwrap();
    let (work, home) = (tmp.path().join("work"), tmp.path().join("home"));
    std::fs::create_dir_all(&work).unwrap();
    let (mine, xdg) = (tmp.path().join("mine"), tmp.path().join("xdg"));
    compile_in(&work, &home, &[("WASM2NATIVE_CACHE_DIR", mine.to_str().unwrap())]);
    assert!(mine.join("units").is_dir(), "WASM2NATIVE_CACHE_DIR holds the cache");
    compile_in(&work, &home, &[("XDG_CACHE_HOME", xdg.to_str().unwrap())]);
    assert!(xdg.join("wasm2native/units").is_dir(), "else XDG_CACHE_HOME/wasm2native");
    assert!(!home.exists(), "neither touched the home directory");
}
