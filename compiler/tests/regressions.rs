//! Regression scripts (`tests/regressions/*.wast`), mostly found by the fuzzer (`cargo xtask fuzz`):
//! each runs through `wasm2native wast` at -O0 and -O2 with guard pages and at -O2 with explicit
//! bounds checks; every assertion must pass and the runner must exit 0.

mod common;

use common::*;

const CONFIGS: &[&[&str]] = &[&["-O", "0"], &["-O", "2"], &["-O", "2", "--bounds-checks", "explicit"]];

#[test]
fn regression_scripts_pass_at_every_level() {
    let mut failures = Vec::new();
    for file in test_files("regressions", "wast") {
        for config in CONFIGS {
            let mut args = vec!["wast"];
            args.extend_from_slice(config);
            args.push(file.to_str().expect("UTF-8 path"));
            let out = w2n(&args);
            let last = out.stdout_text().lines().last().unwrap_or("").to_string();
            if out.code() != Some(0) || !last.ends_with(" 0 failed") {
                failures.push(format!("{} {}:\n{}", file_stem(&file), config.join(" "), out.report()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
