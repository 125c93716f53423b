//! The CI's fuzzing smoke campaign: a fixed seed range over every feature set, bounded in time,
//! plus mutated modules through the command line. Any divergence, crash or compile error fails.
//! Long campaigns: `cargo xtask fuzz --seeds 0..5000` (see README).

use std::process::Command;

#[test]
fn smoke_campaign_finds_nothing() {
    let fuzzer = env!("CARGO_BIN_EXE_w2n-fuzz");
    let cli = std::path::Path::new(fuzzer).with_file_name("wasm2native");
    assert!(cli.exists(), "{} is missing: run the workspace's tests (`cargo test --workspace`)", cli.display());
    let keep = tempdir();
    let out = Command::new(fuzzer)
        .args(["--seeds", "0..16", "--time", "420", "--mutations", "150", "--keep"])
        .arg(&keep)
        .output()
        .expect("running w2n-fuzz");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "fuzzing found failures:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l.starts_with("core ")), "no campaign table:\n{stdout}");
    let _ = std::fs::remove_dir_all(&keep);
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("w2n-fuzz-smoke-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temporary directory");
    d
}
