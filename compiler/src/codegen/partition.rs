//! Splitting the defined functions into partitions, one LLVM module each.
//!
//! The split is a function of the module and the optimisation level alone (never of `--jobs` or
//! timing), so the output is the same whatever the thread count. Partitions are runs of
//! consecutive function indices, which keeps neighbours (producers emit related functions
//! together) in one module.
//!
//! At -O1 each function also gets a code generation tier, and a partition holds functions of one
//! tier. Instruction selection and register allocation are most of an -O1 compile (quickjs.wasm:
//! 70 %), and only loops repay them: a function with a loop of at most `FULL_TIER_MAX_BYTES` gets
//! LLVM's optimising back end, every other function (no loop, or too big for the back end's
//! super-linear costs) the fast one of -O0, after the same IR optimisation. At the other levels
//! every function is in the full tier.

use crate::module::ModuleInfo;
use crate::OptLevel;

/// Target body bytes per partition: small enough to keep two cores busy on mid-sized modules, large
/// enough that LLVM still sees a function's neighbours.
const TARGET_BYTES: usize = 16 * 1024;
/// Past this many partitions they grow instead (per-unit costs: an LLVM context and target machine,
/// a cache file, an object to link). A 68 MB module gets partitions of about 64 KiB; with 64 of
/// about 1 MB each, LLVM's super-linear passes on huge modules dominated its compile time.
const MAX_PARTITIONS: usize = 1024;

/// How a partition's machine code is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// The level's own back end.
    Full,
    /// At -O1: the back end of -O0 (fast instruction selection and register allocation).
    Quick,
}

/// At -O1, the largest function body (Wasm bytes) with a loop that still gets the full tier. The
/// corpus's loop kernels are below 4 KB; a parser or an interpreter loop of tens of KB costs more
/// in the optimising back end than all the small functions around it.
const FULL_TIER_MAX_BYTES: usize = 4096;

pub struct Partition {
    pub funcs: Vec<u32>,
    pub tier: Tier,
}

impl Partition {
    /// Bytes of Wasm code in the partition's function bodies (what its compile time grows with).
    pub fn code_bytes(&self, info: &ModuleInfo<'_>) -> usize {
        self.funcs.iter().map(|&f| info.bodies[(f - info.num_imported_funcs) as usize].as_bytes().len()).sum()
    }
}

pub fn partition(info: &ModuleInfo<'_>, level: OptLevel) -> Vec<Partition> {
    let sizes: Vec<usize> = info.bodies.iter().map(|b| b.as_bytes().len()).collect();
    let tiers: Vec<Tier> = if level == OptLevel::O1 {
        info.bodies.iter().zip(&sizes).map(|(b, &size)| tier_at_o1(b, size)).collect()
    } else {
        vec![Tier::Full; sizes.len()]
    };
    let total: usize = sizes.iter().sum();
    let count = total.div_ceil(TARGET_BYTES).clamp(1, MAX_PARTITIONS);
    let per = total.div_ceil(count).max(1);
    let mut parts = Vec::with_capacity(count + 1);
    for tier in [Tier::Full, Tier::Quick] {
        let mut current = Partition { funcs: vec![], tier };
        let mut bytes = 0;
        for (i, size) in sizes.iter().enumerate().filter(|&(i, _)| tiers[i] == tier) {
            current.funcs.push(info.num_imported_funcs + i as u32);
            bytes += size;
            if bytes >= per {
                parts.push(std::mem::replace(&mut current, Partition { funcs: vec![], tier }));
                bytes = 0;
            }
        }
        if !current.funcs.is_empty() {
            parts.push(current);
        }
    }
    parts
}

/// A function's tier at -O1: full for a loop of at most `FULL_TIER_MAX_BYTES`.
fn tier_at_o1(body: &wasmparser::FunctionBody<'_>, size: usize) -> Tier {
    if size > FULL_TIER_MAX_BYTES {
        return Tier::Quick;
    }
    // The body was validated already; a reader error cannot happen, and would only cost speed.
    let has_loop = body
        .get_operators_reader()
        .is_ok_and(|ops| ops.into_iter().any(|op| matches!(op, Ok(wasmparser::Operator::Loop { .. }))));
    if has_loop {
        Tier::Full
    } else {
        Tier::Quick
    }
}
