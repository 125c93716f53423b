//! Running the units on `--jobs` worker threads, costliest first.
//!
//! Units are taken from one queue in order of decreasing estimated cost (the bytes of their
//! function bodies), so a partition holding one giant function starts at once instead of last,
//! where it would leave every other thread idle until it ends. Which thread runs a unit changes
//! nothing in it: results are returned in unit order, and so is the output.

use super::partition::Partition;
use crate::error::{CompileError, Result};
use crate::module::ModuleInfo;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Worker stacks: LLVM recurses deeply on very large functions.
const WORKER_STACK_BYTES: usize = 64 << 20;

/// Unit indices, costliest first (ties in unit order). The module unit (`None`) costs what its
/// data segments weigh, scaled down: it copies them rather than compiling code.
pub fn costliest_first(work: &[Vec<Option<&Partition>>], info: &ModuleInfo<'_>) -> Vec<usize> {
    let cost = |parts: &Vec<Option<&Partition>>| -> usize {
        parts
            .iter()
            .map(|part| match part {
                Some(p) => {
                    p.funcs.iter().map(|&f| info.bodies[(f - info.num_imported_funcs) as usize].as_bytes().len()).sum()
                }
                None => info.datas.iter().map(|d| d.bytes.len()).sum::<usize>() / 64,
            })
            .sum()
    };
    let mut order: Vec<usize> = (0..work.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&work[i])));
    order
}

/// Runs `unit(index, worker)` for every index of `order`, on `jobs` threads taking the next index
/// as they finish one, and returns the results by index.
pub fn run<T: Send>(order: &[usize], jobs: usize, unit: impl Fn(usize, usize) -> T + Sync) -> Result<Vec<T>> {
    let slots: Vec<Mutex<Option<T>>> = order.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = |worker: usize| {
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let out = unit(i, worker);
            *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(out);
        }
    };
    if jobs <= 1 {
        work(0);
    } else {
        std::thread::scope(|s| -> Result<()> {
            for worker in 0..jobs.min(order.len().max(1)) {
                let work = &work;
                std::thread::Builder::new()
                    .name(format!("wasm2native-{worker}"))
                    .stack_size(WORKER_STACK_BYTES)
                    .spawn_scoped(s, move || work(worker))
                    .map_err(|e| CompileError::Tool(format!("cannot start worker threads: {e}")))?;
            }
            Ok(())
        })?;
    }
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .ok_or_else(|| crate::error::internal("a unit was never compiled"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::run;

    #[test]
    fn every_unit_runs_once_and_results_come_back_in_unit_order() {
        for jobs in [1, 2, 5] {
            let order = [3, 0, 2, 1, 4];
            let out = run(&order, jobs, |i, _| i * 10).unwrap();
            assert_eq!(out, vec![0, 10, 20, 30, 40]);
        }
    }
}
