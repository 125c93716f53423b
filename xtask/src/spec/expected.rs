//! The expected-failures list of a configuration: read, and written by `--bless`.

use super::proposals::{proposal_of, OTHER, ROWS};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// Paths listed (one per line; `#` starts a comment). A missing file is an empty list.
pub(super) fn read_expected(path: &Path) -> Result<BTreeSet<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

pub(super) fn expected_text(list: &BTreeSet<String>, target: &str, opt_level: &str) -> String {
    let mut t = format!(
        "# Spec testsuite files (paths relative to ../shared/spec-testsuite) that do not fully pass yet\n\
         # on {target} at -O{opt_level}: a failed or skipped assertion, a crash or a timeout.\n\
         #\n\
         # `cargo xtask spec` (and `cargo xtask test`) fails when a file NOT listed here does not fully\n\
         # pass (a regression), and when a listed file now fully passes: remove it, the list only shrinks.\n\
         # `cargo xtask spec --bless` rewrites this file from a run's results. Details: STATUS.md.\n"
    );
    let mut by: BTreeMap<usize, Vec<&String>> = BTreeMap::new();
    let row_index = |p: &str| {
        let row = proposal_of(p);
        ROWS.iter().position(|r| *r == row).unwrap_or(if row == OTHER { usize::MAX } else { ROWS.len() })
    };
    for p in list {
        by.entry(row_index(p)).or_default().push(p);
    }
    for paths in by.values() {
        let mut rows: Vec<String> = paths.iter().map(|p| proposal_of(p)).collect();
        rows.dedup();
        let _ = writeln!(t, "\n# {}", rows.join(", "));
        for p in paths {
            let _ = writeln!(t, "{p}");
        }
    }
    t
}
