//! How grants reach the guest: `compile --dir/--dir-ro/--env` (baked in), the run-time variables of
//! executables (`WASM2NATIVE_DIRS`, `WASM2NATIVE_DIRS_RO`, `WASM2NATIVE_ENV`), `compile
//! --no-runtime-grants`, `run --dir/--dir-ro/--env`: the order of the preopens, which are
//! read-only, which variables the guest sees, that the executable's argv reaches the guest
//! unchanged, and the errors for bad grants (exit status 1 with a message, never a crash).
//!
//! The guest is `tests/wasi-grants/show_grants.c`: it prints its arguments, its preopens (fd, name,
//! rw or ro) and its environment.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Fixture {
    tmp: tempfile::TempDir,
    wasm: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        for d in ["a", "b", "c", "d", "e"] {
            std::fs::create_dir(tmp.path().join(d)).expect("mkdir");
        }
        let wasm = tmp.path().join("show_grants.wasm");
        let src = repo_root().join("tests/wasi-grants/show_grants.c");
        let o = run(
            Command::new(clang())
                .args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2"])
                .arg(&src)
                .arg("-o")
                .arg(&wasm),
            b"",
            COMPILE_TIMEOUT,
        );
        assert_eq!(o.code(), Some(0), "building show_grants.c:\n{}", o.report());
        Fixture { tmp, wasm }
    }
    fn path(&self, name: &str) -> String {
        self.tmp.path().join(name).display().to_string()
    }
    /// `wasm2native compile show_grants.wasm -o NAME FLAGS...`
    fn compile(&self, name: &str, flags: &[String]) -> PathBuf {
        let exe = self.tmp.path().join(name);
        let mut args =
            vec!["compile".to_string(), self.wasm.display().to_string(), "-o".into(), exe.display().to_string()];
        args.extend(flags.iter().cloned());
        let o = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
        assert_eq!(o.code(), Some(0), "wasm2native {}:\n{}", args.join(" "), o.report());
        exe
    }
}

/// Runs `exe ARGS` with exactly the WASM2NATIVE_* variables in `vars` (and `extra` set).
fn run_exe(exe: &Path, args: &[&str], vars: &[(&str, &str)]) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    for v in ["WASM2NATIVE_DIRS", "WASM2NATIVE_DIRS_RO", "WASM2NATIVE_ENV", "W2N_WASI_NO_OPENAT2"] {
        cmd.env_remove(v);
    }
    cmd.envs(vars.iter().copied());
    run(&mut cmd, b"", RUN_TIMEOUT)
}

/// stdout without the first line (argv[0], which depends on how the program was started).
fn after_argv0(o: &Outcome) -> String {
    let text = o.stdout_text();
    assert!(text.starts_with("arg "), "unexpected output:\n{}", o.report());
    text.split_once('\n').map(|(_, rest)| rest.to_string()).unwrap_or_default()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn baked_then_runtime_grants_in_order_and_argv_unchanged() {
    let f = Fixture::new();
    let exe = f.compile(
        "prog",
        &s(&[
            "--dir",
            &format!("{}::a", f.path("a")),
            "--dir-ro",
            &format!("{}::b", f.path("b")),
            "--env",
            "X=1",
            "--env",
            "Y=baked",
        ]),
    );
    let dirs = format!("{}::c:{}", f.path("c"), f.path("d"));
    let ro = format!("{}::e", f.path("e"));
    let o = run_exe(
        &exe,
        &["--dir", "/etc", "--env", "A=B", "--", "last"],
        &[
            ("WASM2NATIVE_DIRS", &dirs),
            ("WASM2NATIVE_DIRS_RO", &ro),
            ("WASM2NATIVE_ENV", "Y,Z,UNSET_VAR"),
            ("Y", "runtime"),
            ("Z", "3"),
        ],
    );
    assert_eq!(o.code(), Some(0), "{}", o.report());
    let want = format!(
        "arg --dir\narg /etc\narg --env\narg A=B\narg --\narg last\n\
         dir 3 a rw\ndir 4 b ro\ndir 5 c rw\ndir 6 {} rw\ndir 7 e ro\n\
         env X=1\nenv Y=runtime\nenv Z=3\n",
        f.path("d")
    );
    assert_eq!(after_argv0(&o), want, "{}", o.report());
}

#[test]
fn nothing_is_granted_by_default() {
    let f = Fixture::new();
    let exe = f.compile("prog", &[]);
    let o = run_exe(&exe, &[], &[("HOME", "/root"), ("WASM2NATIVE_UNRELATED", "x")]);
    assert_eq!(o.code(), Some(0), "{}", o.report());
    assert_eq!(after_argv0(&o), "", "no preopens, no environment:\n{}", o.report());
    let r = run(wasm2native().arg("run").arg(&f.wasm).env("HOME", "/root"), b"", RUN_TIMEOUT);
    assert_eq!(after_argv0(&r), "", "`run` without grants:\n{}", r.report());
}

#[test]
fn no_runtime_grants_ignores_the_variables() {
    let f = Fixture::new();
    let exe =
        f.compile("prog", &s(&["--dir-ro", &format!("{}::b", f.path("b")), "--env", "X=1", "--no-runtime-grants"]));
    let dirs = f.path("c");
    let o = run_exe(&exe, &[], &[("WASM2NATIVE_DIRS", &dirs), ("WASM2NATIVE_ENV", "X,Y"), ("X", "2"), ("Y", "3")]);
    assert_eq!(o.code(), Some(0), "{}", o.report());
    assert_eq!(after_argv0(&o), "dir 3 b ro\nenv X=1\n", "{}", o.report());
    // Bad values are not even looked at.
    let o = run_exe(&exe, &[], &[("WASM2NATIVE_DIRS", "/nonexistent")]);
    assert_eq!(o.code(), Some(0), "{}", o.report());
}

#[test]
fn bad_runtime_grants_are_errors() {
    let f = Fixture::new();
    let exe = f.compile("prog", &[]);
    let a = f.path("a");
    let cases: &[(&str, String, &str)] = &[
        ("WASM2NATIVE_DIRS", "/nonexistent/dir".to_string(), "WASM2NATIVE_DIRS: /nonexistent/dir is not a directory"),
        ("WASM2NATIVE_DIRS_RO", format!("{a}::x::y"), "WASM2NATIVE_DIRS_RO: `::` twice in one entry"),
        ("WASM2NATIVE_DIRS", "::guest".to_string(), "WASM2NATIVE_DIRS: an entry has no host directory"),
        ("WASM2NATIVE_DIRS", format!("{a}::"), "has no guest path"),
        ("WASM2NATIVE_ENV", "A=B".to_string(), "WASM2NATIVE_ENV: `A=B`: list variable names only"),
    ];
    for (var, value, message) in cases {
        let o = run_exe(&exe, &[], &[(var, value)]);
        assert_eq!(o.code(), Some(1), "{var}={value}: expected exit status 1:\n{}", o.report());
        assert!(
            o.stderr_text().starts_with("error: ") && o.stderr_text().contains(message),
            "{var}={value}: expected `{message}`:\n{}",
            o.report()
        );
        assert!(o.stdout.is_empty(), "{var}={value}: the guest must not run:\n{}", o.report());
    }
    // Empty entries (leading, trailing or doubled separators) are nothing.
    let value = format!(":{a}:");
    let o = run_exe(&exe, &[], &[("WASM2NATIVE_DIRS", &value), ("WASM2NATIVE_ENV", ",,")]);
    assert_eq!(after_argv0(&o), format!("dir 3 {a} rw\n"), "{}", o.report());
}

#[test]
fn run_grants_and_their_errors() {
    let f = Fixture::new();
    let (a, b) = (f.path("a"), f.path("b"));
    let o = run(
        wasm2native()
            .args(["run", "--dir-ro", &format!("{b}::b"), "--dir", &format!("{a}::a"), "--env", "K=V"])
            .arg(&f.wasm)
            .args(["--dir", "x"]),
        b"",
        RUN_TIMEOUT,
    );
    assert_eq!(o.code(), Some(0), "{}", o.report());
    assert_eq!(
        after_argv0(&o),
        "arg --dir\narg x\ndir 3 a rw\ndir 4 b ro\nenv K=V\n",
        "--dir first, then --dir-ro:\n{}",
        o.report()
    );
    for (flags, message) in [
        (vec!["--dir-ro", "/nonexistent"], "--dir-ro /nonexistent: not a directory"),
        (vec!["--dir", "::x"], "--dir ::x: expected HOST[::GUEST] with non-empty paths"),
        (vec!["--env", "=x"], "--env =x: the variable has no name"),
    ] {
        let o = run(wasm2native().arg("run").args(&flags).arg(&f.wasm), b"", RUN_TIMEOUT);
        assert_eq!(o.code(), Some(1), "run {flags:?}:\n{}", o.report());
        assert!(o.stderr_text().contains(message), "run {flags:?}: expected `{message}`:\n{}", o.report());
    }
    let o =
        run(wasm2native().arg("compile").arg(&f.wasm).args(["-o", &f.path("x"), "--dir-ro", "a::"]), b"", RUN_TIMEOUT);
    assert!(o.code() == Some(1) && o.stderr_text().contains("--dir-ro a::: expected HOST[::GUEST]"), "{}", o.report());
}
