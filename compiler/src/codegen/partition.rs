//! Splitting the defined functions into partitions, one LLVM module each.
//!
//! The split is a function of the module alone (never of `--jobs` or timing), so the output is the
//! same whatever the thread count. Partitions are runs of consecutive function indices, which keeps
//! neighbours (producers emit related functions together) in one module where LLVM can inline them.

use crate::module::ModuleInfo;

/// Target body bytes per partition: small enough to keep two cores busy on mid-sized modules, large
/// enough that LLVM still sees a function's neighbours.
const TARGET_BYTES: usize = 16 * 1024;
/// Past this many partitions they grow instead (per-unit costs: an LLVM context and target machine,
/// a cache file, an object to link). A 68 MB module gets partitions of about 64 KiB; with 64 of
/// about 1 MB each, LLVM's super-linear passes on huge modules dominated its compile time.
const MAX_PARTITIONS: usize = 1024;

pub struct Partition {
    pub funcs: Vec<u32>,
}

impl Partition {
    /// Bytes of Wasm code in the partition's function bodies (what its compile time grows with).
    pub fn code_bytes(&self, info: &ModuleInfo<'_>) -> usize {
        self.funcs.iter().map(|&f| info.bodies[(f - info.num_imported_funcs) as usize].as_bytes().len()).sum()
    }
}

pub fn partition(info: &ModuleInfo<'_>) -> Vec<Partition> {
    let sizes: Vec<usize> = info
        .bodies
        .iter()
        .map(|b| {
            let r = b.range();
            (r.end - r.start) as usize
        })
        .collect();
    let total: usize = sizes.iter().sum();
    let count = total.div_ceil(TARGET_BYTES).clamp(1, MAX_PARTITIONS);
    let per = total.div_ceil(count).max(1);
    let mut parts = Vec::with_capacity(count);
    let mut current = Partition { funcs: vec![] };
    let mut bytes = 0;
    for (i, size) in sizes.iter().enumerate() {
        current.funcs.push(info.num_imported_funcs + i as u32);
        bytes += size;
        if bytes >= per {
            parts.push(std::mem::replace(&mut current, Partition { funcs: vec![] }));
            bytes = 0;
        }
    }
    if !current.funcs.is_empty() {
        parts.push(current);
    }
    parts
}
