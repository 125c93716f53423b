//! End-to-end traps: every `tests/traps/*.wat` is a command module (`_start`) run four ways:
//! compiled to an executable with guard pages (the default) and with `--bounds-checks explicit`,
//! and through `wasm2native run` in both modes. Its header comment says what must happen:
//!
//!   ;; expect-trap: <spec message>   stderr's first line is `wasm trap: <spec message>`, status 134
//!   ;; expect-exit: N                status N, and no `wasm trap` on stderr
//!   ;; expect-frame: NAME            (optional, repeatable) a backtrace line `at ...NAME...` follows
//!   ;; expect-stdout: TEXT           (optional) stdout is TEXT plus a newline
//!   ;; ulimit-s: N|unlimited         (optional) started by `sh -c 'ulimit -s N; exec ...'`
//!   ;; max-wasm-stack: BYTES         (optional) the guest's stack size: `run --max-wasm-stack`;
//!                                    executables get `WASM2NATIVE_MAX_WASM_STACK` (guard pages,
//!                                    cross) or have it compiled in with `--max-wasm-stack` (explicit)
//!
//! A new case is a new `.wat` file. `W2N_TEST_FILTER=<part of a file name>` runs only matching cases.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

enum Expect {
    Trap(String),
    Exit(i32),
}

struct Case {
    name: String,
    expect: Expect,
    frames: Vec<String>,
    stdout: Option<String>,
    ulimit_s: Option<String>,
    max_wasm_stack: Option<String>,
}

fn parse_case(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut expect = None;
    let mut frames = Vec::new();
    let mut stdout = None;
    let (mut ulimit_s, mut max_wasm_stack) = (None, None);
    for (key, value) in header(&text, ";;") {
        match key.as_str() {
            "expect-trap" => expect = Some(Expect::Trap(value)),
            "expect-exit" => expect = Some(Expect::Exit(value.parse().expect("expect-exit: a number"))),
            "expect-frame" => frames.push(value),
            "expect-stdout" => stdout = Some(value),
            "ulimit-s" => ulimit_s = Some(value),
            "max-wasm-stack" => max_wasm_stack = Some(value),
            _ => {}
        }
    }
    let expect =
        expect.unwrap_or_else(|| panic!("{}: no `;; expect-trap:` or `;; expect-exit:` header", path.display()));
    Case { name: file_stem(path), expect, frames, stdout, ulimit_s, max_wasm_stack }
}

/// `command` as it is, or started by a shell that first sets `ulimit -s` to `limit`.
fn with_ulimit(command: Command, limit: Option<&str>) -> Command {
    let Some(limit) = limit else { return command };
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(format!("ulimit -s {limit} && exec \"$0\" \"$@\"")).arg(command.get_program());
    sh.args(command.get_args());
    for (k, v) in command.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        sh.current_dir(dir);
    }
    sh
}

#[derive(Clone, Copy)]
enum Way {
    Executable {
        explicit: bool,
    },
    Run {
        explicit: bool,
    },
    /// Cross-compiled and run under qemu-user: signal contexts and program counters differ per arch.
    Cross(Cross),
}

fn check(path: &Path, case: &Case, way: Way) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = match way {
        Way::Executable { explicit } => {
            let exe = tmp.path().join(&case.name);
            let mut args =
                vec!["compile".to_string(), path.display().to_string(), "-o".into(), exe.display().to_string()];
            if explicit {
                args.extend(["--bounds-checks".to_string(), "explicit".to_string()]);
            }
            let mut command = Command::new(&exe);
            match (&case.max_wasm_stack, explicit) {
                (Some(size), true) => args.extend(["--max-wasm-stack".to_string(), size.clone()]),
                (Some(size), false) => _ = command.env("WASM2NATIVE_MAX_WASM_STACK", size),
                (None, _) => _ = command.env_remove("WASM2NATIVE_MAX_WASM_STACK"),
            }
            let c = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
            if c.code() != Some(0) {
                return Err(format!("`wasm2native {}` failed:\n{}", args.join(" "), c.report()));
            }
            command.current_dir(tmp.path());
            run(&mut with_ulimit(command, case.ulimit_s.as_deref()), b"", RUN_TIMEOUT)
        }
        Way::Cross(cross) => {
            let exe = tmp.path().join(&case.name);
            let args =
                ["compile", &path.display().to_string(), "--target", cross.target, "-o", &exe.display().to_string()]
                    .map(str::to_string);
            let c = run(wasm2native().args(&args), b"", COMPILE_TIMEOUT);
            if c.code() != Some(0) {
                return Err(format!("`wasm2native {}` failed:\n{}", args.join(" "), c.report()));
            }
            let mut command = cross.command(&exe);
            match &case.max_wasm_stack {
                Some(size) => command.env("WASM2NATIVE_MAX_WASM_STACK", size),
                None => command.env_remove("WASM2NATIVE_MAX_WASM_STACK"),
            };
            command.current_dir(tmp.path());
            run(&mut with_ulimit(command, case.ulimit_s.as_deref()), b"", std::time::Duration::from_secs(120))
        }
        Way::Run { explicit } => {
            let mut args = vec!["run".to_string()];
            if explicit {
                args.extend(["--bounds-checks".to_string(), "explicit".to_string()]);
            }
            if let Some(size) = &case.max_wasm_stack {
                args.extend(["--max-wasm-stack".to_string(), size.clone()]);
            }
            args.push(path.display().to_string());
            let mut command = wasm2native();
            command.args(&args).current_dir(tmp.path());
            run(&mut with_ulimit(command, case.ulimit_s.as_deref()), b"", RUN_TIMEOUT)
        }
    };
    let stderr = out.stderr_text();
    let first = stderr.lines().next().unwrap_or("");
    let mut problems = Vec::new();
    match &case.expect {
        Expect::Trap(message) => {
            let want = format!("wasm trap: {message}");
            if first != want {
                problems.push(format!("stderr's first line is {first:?}, expected {want:?}"));
            }
            if out.code() != Some(134) {
                problems.push(format!("{}, expected exit status 134", out.describe_status()));
            }
            let frame_lines: Vec<&str> =
                stderr.lines().skip(1).map(str::trim).filter(|l| l.starts_with("at ")).collect();
            for f in &case.frames {
                if !frame_lines.iter().any(|l| l.contains(f.as_str())) {
                    problems.push(format!("no backtrace line `at ...{f}...` (backtrace lines: {frame_lines:?})"));
                }
            }
        }
        Expect::Exit(code) => {
            if out.code() != Some(*code) {
                problems.push(format!("{}, expected exit status {code}", out.describe_status()));
            }
            if stderr.contains("wasm trap") {
                problems.push(format!("unexpected trap: {first:?}"));
            }
        }
    }
    if let Some(text) = &case.stdout {
        if out.stdout_text() != format!("{text}\n") {
            problems.push(format!("stdout is {:?}, expected {:?}", out.stdout_text(), format!("{text}\n")));
        }
    }
    if stderr.contains("panicked") {
        problems.push("wasm2native panicked".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{}", problems.join("\n"), out.report()))
    }
}

fn run_all(way: Way, suite: &str) {
    let files = test_files("traps", "wat");
    Failures::run_each(suite, &files, |f| {
        let case = parse_case(f);
        (case.name.clone(), check(f, &case, way))
    });
}

#[test]
fn traps_in_executables_with_guard_pages() {
    run_all(Way::Executable { explicit: false }, "traps, compiled executable, --bounds-checks guard");
}

#[test]
fn traps_in_executables_with_explicit_bounds_checks() {
    run_all(Way::Executable { explicit: true }, "traps, compiled executable, --bounds-checks explicit");
}

#[test]
fn traps_in_executables_cross_compiled_for_aarch64() {
    run_all(Way::Cross(AARCH64), "traps, aarch64 executables under qemu");
}

#[test]
fn traps_in_executables_cross_compiled_for_riscv64() {
    run_all(Way::Cross(RISCV64), "traps, riscv64 executables under qemu");
}

#[test]
fn traps_with_wasm2native_run() {
    run_all(Way::Run { explicit: false }, "traps, wasm2native run");
}

#[test]
fn traps_with_wasm2native_run_explicit_bounds_checks() {
    run_all(Way::Run { explicit: true }, "traps, wasm2native run --bounds-checks explicit");
}
