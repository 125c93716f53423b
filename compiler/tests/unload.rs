//! Modules that come and go in one process: the runtime must forget a module's code when it is
//! unloaded (issue 14). `load_trap_unload_1000_modules` loads, traps in and unloads 1,000 shared
//! libraries through the in-process host API (`host::LoadedModule`, `host::Session`) and checks after
//! each unload that the fault handler no longer claims the module's code and that the library is
//! really unmapped; `wast_runs_many_files_in_one_process` runs many generated scripts, each defining
//! modules of different shapes that trap, in one `wasm2native wast` invocation (which crashed after
//! a few files while dead modules stayed registered).

mod common;

use std::ffi::c_int;
use std::path::{Path, PathBuf};
use wasm2native::host::{LoadedModule, Outcome, Session, Value, WasiGrants};
use wasm2native::{cache, compile_wasm, CompileOptions, Emit, OptLevel};

extern "C" {
    /// The fault handler's test "is this PC generated code?" (runtime-lib/src/registry.c).
    fn w2n__in_code(pc: usize) -> c_int;
}

/// Distinct compiled modules; each is loaded as many separate copies (different files, so different
/// libraries for the dynamic loader) to reach 1,000 loads without 1,000 compilations.
const SHAPES: usize = 8;
const LOADS: usize = 1000;

/// Module `k`: `k` filler functions (so code sizes and function counts differ between shapes), a
/// `trap` export that returns `1000 + k` or traps with `unreachable` one call deep, and an `oob`
/// export whose load faults in the memory reservation (a trap through the signal handler).
fn shape_wat(k: usize) -> String {
    let fillers: String = (0..k)
        .map(|j| {
            format!("  (func $fill_{k}_{j} (param i32) (result i32) (i32.mul (local.get 0) (i32.const {})))\n", j + 3)
        })
        .collect();
    format!(
        r#"(module
  (memory 1)
{fillers}  (func $inner_{k} (param i32) (result i32)
    (if (local.get 0) (then unreachable))
    (i32.const {value}))
  (func $trap_{k} (export "trap") (param i32) (result i32) (call $inner_{k} (local.get 0)))
  (func $oob_{k} (export "oob") (result i32) (i32.load (i32.const 70000))))
"#,
        value = 1000 + k
    )
}

fn compile_shape(dir: &Path, k: usize) -> PathBuf {
    let wasm = wat::parse_str(shape_wat(k)).expect("valid wat");
    let path = dir.join(format!("shape{k}.so"));
    let opts = CompileOptions {
        emit: Emit::SharedLib,
        opt_level: OptLevel::O0,
        jobs: 1,
        prefix: Some(cache::PREFIX.into()),
        shared_without_runtime: true,
        ..CompileOptions::default()
    };
    compile_wasm(&wasm, &path, &opts).unwrap_or_else(|e| panic!("compiling shape {k}: {e}"));
    path
}

fn mapped(path: &Path) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    maps.contains(path.to_str().expect("utf-8 path"))
}

fn trapped(outcome: Outcome) -> (String, Vec<String>) {
    match outcome {
        Outcome::Trapped { message, frames } => (message, frames),
        Outcome::Returned(v) => panic!("returned {} instead of trapping", unsafe { v[0].i32 }),
        Outcome::Exited(c) => panic!("exited {c} instead of trapping"),
        Outcome::Failed(m) => panic!("failed instead of trapping: {m}"),
    }
}

#[test]
fn load_trap_unload_1000_modules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shapes: Vec<PathBuf> = (0..SHAPES).map(|k| compile_shape(dir.path(), k)).collect();
    let grants = WasiGrants { args: &[], env: &[], dirs: &[], timeout: None, fuel: None };
    for i in 0..LOADS {
        let k = i % SHAPES;
        let copy = dir.path().join(format!("load{i}.so"));
        std::fs::copy(&shapes[k], &copy).expect("copy");
        let module = LoadedModule::load(&copy, cache::PREFIX).unwrap_or_else(|e| panic!("load {i}: {e}"));
        let session = Session::instantiate(&module, &grants).unwrap_or_else(|_| panic!("instantiate {i}"));
        let trap = session.export_func("trap").expect("export trap");
        let oob = session.export_func("oob").expect("export oob");
        let code = unsafe { (*trap).code } as usize;
        assert!(unsafe { w2n__in_code(code) } == 1, "load {i}: the loaded module's code is not claimed");

        let mut slots = [Value { i64: 0 }];
        match unsafe { session.call(trap, &mut slots) } {
            Outcome::Returned(v) => assert_eq!(unsafe { v[0].i32 }, 1000 + k as i32, "load {i}: wrong module"),
            _ => panic!("load {i}: trap(0) did not return"),
        }
        let mut slots = [Value { i32: 1 }];
        let (message, frames) = trapped(unsafe { session.call(trap, &mut slots) });
        assert_eq!(message, "unreachable", "load {i}");
        assert_eq!(frames, [format!("inner_{k}"), format!("trap_{k}")], "load {i}: backtrace");
        let mut slots = [Value { i64: 0 }];
        let (message, frames) = trapped(unsafe { session.call(oob, &mut slots) });
        assert_eq!(message, "out of bounds memory access", "load {i}");
        assert_eq!(frames, [format!("oob_{k}")], "load {i}: backtrace");

        drop(session);
        drop(module);
        assert!(!mapped(&copy), "load {i}: the library is still mapped after unloading");
        assert!(unsafe { w2n__in_code(code) } == 0, "load {i}: the unloaded module's code is still claimed");
        std::fs::remove_file(&copy).expect("remove copy");
    }
}

/// Script `n`: eight modules of different shapes (1 to 9 exported functions), each checked for a
/// result and four kinds of trap (`unreachable` one and several calls deep, out of bounds through
/// the signal handler, stack exhaustion). Returns the script and its number of commands.
fn script(n: usize) -> (String, usize) {
    let mut text = String::new();
    for j in 0..8 {
        let funcs: String = (0..1 + (n * 7 + j * 3) % 9)
            .map(|k| {
                let c = n * 1000 + j * 10 + k;
                format!("  (func $f{k} (export \"f{k}\") (param i32) (result i32) (i32.add (local.get 0) (i32.const {c})))\n")
            })
            .collect();
        text.push_str(&format!(
            r#"(module
  (memory 1)
{funcs}  (func $trap_{n}_{j} (export "trap") unreachable)
  (func $deep (export "deep") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "oob") (result i32) (i32.load (i32.const {oob})))
  (func $rec (export "rec") (result i32) (i32.add (call $rec) (i32.const 1))))
(assert_return (invoke "f0" (i32.const 1)) (i32.const {value}))
(assert_trap (invoke "trap") "unreachable")
(assert_trap (invoke "deep" (i32.const {depth})) "unreachable")
(assert_trap (invoke "oob") "out of bounds memory access")
(assert_exhaustion (invoke "rec") "call stack exhausted")
"#,
            value = n * 1000 + j * 10 + 1,
            oob = 65536 + n,
            depth = j + 2,
        ));
    }
    (text, 8 * 6)
}

#[test]
fn wast_runs_many_files_in_one_process() {
    const FILES: usize = 16;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["wast".to_string()];
    let mut expected = 0;
    for n in 0..FILES {
        let (text, count) = script(n);
        expected += count;
        args.push(common::write_file(dir.path(), &format!("s{n:02}.wast"), text).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::w2n(&args);
    assert!(out.code() == Some(0), "wasm2native wast over {FILES} files:\n{}", out.report());
    assert_eq!(out.stdout_text().trim_end().lines().last(), Some(format!("{expected} passed, 0 failed").as_str()));
}
