//! `w2n-fuzz`: differential fuzzing of wasm2native (run it through `cargo xtask fuzz`).
//!
//! For each seed and feature set, wasm-smith generates a valid, terminating module; its exports are
//! called in order (arguments drawn from the seed) by an oracle and by wasm2native at -O0, -O1 and
//! -O2 with guard pages and at -O2 with explicit bounds checks, each in a child process. Results, trap
//! classes and a hash of the exported memories and globals after every call must agree. The
//! binary reader is also fed mutated and truncated modules through the `wasm2native` command line:
//! they must give `error:` and status 1, or compile, never panic or crash.

mod campaign;
mod features;
mod mutate;
mod native_engine;
mod plan;
mod trace;
mod wasmi_engine;
mod wast_script;

use anyhow::{bail, Context, Result};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..])
    } else if args.first().map(String::as_str) == Some("--print") {
        print(&args[1..])
    } else {
        campaign::Options::parse(&args).and_then(|o| campaign::run(&o))
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `--print FILE.wasm`: the module as text, to read or minimise a failure by hand.
fn print(args: &[String]) -> Result<bool> {
    let [wasm] = args else { bail!("usage: --print FILE.wasm") };
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {wasm}"))?;
    println!("{}", wasmprinter::print_bytes(&bytes)?);
    Ok(true)
}

/// `--child WASM SEED OPT CHECKS [SCRIPT.wast]`: compile and run one configuration, print the trace
/// (and write the run as a spec script for wasmtime).
fn child(args: &[String]) -> Result<bool> {
    let (wasm, seed, opt, checks, script_path) = match args {
        [w, s, o, c] => (w, s, o, c, None),
        [w, s, o, c, p] => (w, s, o, c, Some(p)),
        _ => bail!("usage: --child WASM SEED OPT guard|explicit [SCRIPT.wast]"),
    };
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {wasm}"))?;
    let exports = plan::exports(&bytes)?;
    let opt = opt.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let checks = match checks.as_str() {
        "guard" => wasm2native::BoundsChecks::Guard,
        "explicit" => wasm2native::BoundsChecks::Explicit,
        other => bail!("bounds checks `{other}`"),
    };
    let dir = std::path::Path::new(wasm).parent().context("module directory")?;
    let mut script = script_path.map(|_| wast_script::Script::new(&bytes));
    for line in native_engine::run(&bytes, &exports, seed.parse()?, opt, checks, dir, script.as_mut())? {
        println!("{line}");
    }
    if let (Some(path), Some(script)) = (script_path, script) {
        std::fs::write(path, script.text()).with_context(|| format!("writing {path}"))?;
    }
    Ok(true)
}
