//! The binary reader on bad bytes: mutated and truncated modules go through the `wasm2native`
//! command line, which must answer `error:` with status 1, or compile; never panic or crash.

use crate::campaign::{generate, run_limited};
use crate::features::SETS;
use crate::plan::Rng;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Figures {
    pub total: u64,
    pub rejected: u64,
    pub compiled: u64,
    pub crashed: Vec<String>,
}

pub fn run(fuzzer: &Path, dir: &Path, first_seed: u64, count: u64, deadline: Option<Instant>) -> Result<Figures> {
    let cli = fuzzer.with_file_name("wasm2native");
    if !cli.exists() {
        anyhow::bail!("{} not found: build it first (cargo xtask fuzz does)", cli.display());
    }
    std::fs::create_dir_all(dir)?;
    let mut f = Figures { total: 0, rejected: 0, compiled: 0, crashed: Vec::new() };
    for seed in first_seed..first_seed + count {
        if deadline.is_some_and(|d| Instant::now() > d) {
            break;
        }
        let set = &SETS[(seed as usize) % SETS.len()];
        let Some(valid) = generate(seed, set) else { continue };
        let bytes = mutated(&valid, seed);
        let input = dir.join(format!("mut-{seed}.wasm"));
        std::fs::write(&input, &bytes).context("writing a mutated module")?;
        f.total += 1;
        let mut cmd = Command::new(&cli);
        cmd.args(["compile", "-O0", "--emit", "obj", "-o"]).arg(dir.join("out.o")).arg(&input);
        match run_limited(&mut cmd, Duration::from_secs(120)) {
            Ok(_) => f.compiled += 1,
            Err(e) if e.starts_with("crash (exit status: 1)") && e.contains("error:") && !e.contains("panicked") => {
                f.rejected += 1
            }
            Err(e) => {
                let kept = dir.with_file_name(format!("mutated-{seed}.wasm"));
                let _ = std::fs::copy(&input, &kept);
                f.crashed.push(format!("mutated module {seed} ({}): {e}", kept.display()));
            }
        }
    }
    Ok(f)
}

/// `valid` truncated, or with a few bytes overwritten, inserted or removed.
fn mutated(valid: &[u8], seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let mut bytes = valid.to_vec();
    if rng.next() % 4 == 0 {
        let keep = (rng.next() as usize) % bytes.len().max(1);
        bytes.truncate(keep);
        return bytes;
    }
    for _ in 0..1 + rng.next() % 4 {
        if bytes.is_empty() {
            break;
        }
        let at = 8 + (rng.next() as usize) % bytes.len().saturating_sub(8).max(1);
        let at = at.min(bytes.len());
        match rng.next() % 3 {
            0 if at < bytes.len() => bytes[at] = rng.next() as u8,
            1 => bytes.insert(at, rng.next() as u8),
            _ if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => {}
        }
    }
    bytes
}
