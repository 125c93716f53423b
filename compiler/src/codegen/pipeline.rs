//! Which LLVM passes each optimisation level runs on a unit.
//!
//! The levels start from LLVM's own per-module pipelines, with the tuning clang gives them (the C
//! API's defaults leave the SLP vectoriser off, which clang turns on from -O2: straight-line code
//! such as a producer-unrolled loop body or a struct copy then gets vector loads and stores).
//! `-O3` also versions loops that still need run-time alias checks (`loop-versioning`) and runs the
//! SLP vectoriser again over the copy that may assume no overlap: loops the producer unrolled by a
//! factor the loop vectoriser rejects then vectorise within their body. It costs about 10 % more
//! compile time on large modules, which is why -O2 does not do it.

use crate::error::{internal, Result};
use crate::OptLevel;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::TargetMachine;

/// The pass pipelines of one level: the main one, then an optional clean-up run after it.
struct Pipeline {
    main: &'static str,
    slp: bool,
    after: Option<&'static str>,
}

fn pipeline(level: OptLevel) -> Pipeline {
    match level {
        // Even unoptimised code gets its locals out of memory: it is much smaller and faster.
        OptLevel::O0 => Pipeline { main: "function(mem2reg)", slp: false, after: None },
        OptLevel::O1 => Pipeline { main: "default<O1>", slp: false, after: None },
        OptLevel::O2 => Pipeline { main: "default<O2>", slp: true, after: None },
        OptLevel::O3 => Pipeline {
            main: "default<O3>",
            slp: true,
            after: Some(
                "function(loop-versioning,slp-vectorizer,vector-combine,instcombine<max-iterations=1>,simplifycfg)",
            ),
        },
        OptLevel::Os => Pipeline { main: "default<Os>", slp: true, after: None },
    }
}

/// Runs `level`'s passes on `module`.
pub fn optimise(module: &Module<'_>, tm: &TargetMachine, level: OptLevel) -> Result<()> {
    let p = pipeline(level);
    let run = |passes: &str| {
        let options = PassBuilderOptions::create();
        options.set_loop_slp_vectorization(p.slp);
        module.run_passes(passes, tm, options).map_err(|e| internal(e.to_string()))
    };
    run(p.main)?;
    match p.after {
        Some(after) => run(after),
        None => Ok(()),
    }
}
