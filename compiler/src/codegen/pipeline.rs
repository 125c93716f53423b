//! Which LLVM passes each optimisation level runs on a unit.
//!
//! Wasm from clang or rustc was optimised once already: inlining, interprocedural constant
//! propagation and most scalar clean-up were done by its producer. What translation leaves for
//! LLVM is local: locals to SSA, repeated context and memory-base loads, 32-bit address arithmetic
//! that becomes 64-bit induction variables, loop-invariant code, and the vectorisers. So -O1 and
//! -O2 are pipelines of our own, built from LLVM 19's function passes, run once per function:
//!
//! - `-O2` is LLVM's function simplification pipeline without the CGSCC inliner and the
//!   interprocedural passes around it (which re-run simplification after every inlining) and
//!   without the passes that found little to do on Wasm input (reassociation, unswitching,
//!   constraint elimination, ...), followed by LLVM's own optimisation tail (loop and SLP
//!   vectorisers, unrolling, sinking). On quickjs.wasm it optimises in about three quarters of
//!   `default<O2>`'s time; on `benches/` the geometric mean of run time moved by about 1 %
//!   (`benches/RESULTS.md`). Not at -O2: versioning the loops that still need alias checks and
//!   running the SLP vectoriser again (what -O3 adds) took `gemm` from 1.84 to 1.37× native, but
//!   compiled the generated 5000-function module of `cargo xtask bench --compile` 40 % slower
//!   and yosys.wasm 10 % slower. Each pass dropped was checked on the corpus: `lcs` needs jump
//!   threading, value-range propagation and merged load/store motion (1.2× without them).
//! - `-O1` is for development builds and `run` of large modules: compile time first, run time
//!   within 15 % of -O2. Functions with a loop of at most 4 KB (the full tier, `partition.rs`) get
//!   one pass of each kind that pays on loops and the loop vectoriser, then LLVM's -O1 back end
//!   with fast instruction selection; every other function gets locals to SSA, two cheap clean-ups
//!   and the back end of -O0.
//! - At -O1 and -O2, between simplification and vectorisation, `reroll/` takes apart the bodies
//!   clang unrolled where native code has vectors (PolyBench's `gemm` 1.76 → 1.0× native).
//!   Not at -O3 and -Os, which are LLVM's pipelines whole.
//! - `-O3` and `-Os` are LLVM's own `default<O3>`/`default<Os>` with the SLP vectoriser clang runs
//!   there, and `-O3` also versions loops that still need run-time alias checks
//!   (`loop-versioning`) and runs the SLP vectoriser again over the copy that may assume no overlap:
//!   loops the producer unrolled by a factor the loop vectoriser rejects then vectorise within their
//!   body.

use super::partition::Tier;
use crate::error::{internal, Result};
use crate::OptLevel;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::TargetMachine;

/// One instcombine iteration, as LLVM's own pipelines run it.
const INSTCOMBINE: &str = "instcombine<max-iterations=1;no-use-loop-info;no-verify-fixpoint>";
/// CFG simplification that keeps loop structure (before the loop passes).
const SIMPLIFYCFG: &str = "simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond;switch-range-to-icmp;\
    no-switch-to-lookup;keep-loops;no-hoist-common-insts;no-sink-common-insts;speculate-blocks;\
    simplify-cond-branch;no-speculate-unpredictables>";
/// ... also hoisting and sinking instructions common to both arms.
const SIMPLIFYCFG_HOIST: &str = "simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond;switch-range-to-icmp;\
    no-switch-to-lookup;keep-loops;hoist-common-insts;sink-common-insts;speculate-blocks;\
    simplify-cond-branch;no-speculate-unpredictables>";
/// ... after vectorisation: switches to lookup tables, loops no longer kept.
const SIMPLIFYCFG_LATE: &str = "simplifycfg<bonus-inst-threshold=1;forward-switch-cond;switch-range-to-icmp;\
    switch-to-lookup;no-keep-loops;hoist-common-insts;sink-common-insts;speculate-blocks;\
    simplify-cond-branch;no-speculate-unpredictables>";
/// ... the last one, which may speculate unpredictable branches.
const SIMPLIFYCFG_FINAL: &str = "simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond;switch-range-to-icmp;\
    no-switch-to-lookup;keep-loops;no-hoist-common-insts;no-sink-common-insts;speculate-blocks;\
    simplify-cond-branch;speculate-unpredictables>";

/// Loop rotation and hoisting, with the clean-up LICM needs first.
const LOOP_HOIST: &str = "loop-mssa(loop-instsimplify,loop-simplifycfg,licm<no-allowspeculation>,\
    loop-rotate<header-duplication;no-prepare-for-lto>,licm<allowspeculation>)";
const LOOP_VECTORIZE: &str = "loop-vectorize<no-interleave-forced-only;no-vectorize-forced-only;>";

/// The passes of `-O2`, in order (see the module comment): simplification, then (after rerolling,
/// `reroll/`) LLVM's optimisation tail.
fn wasm_o2() -> (Vec<&'static str>, Vec<&'static str>) {
    let simplification = vec![
        // Locals to SSA; context and memory-base loads merged; first clean-up.
        "mem2reg",
        "sroa<modify-cfg>",
        "early-cse<memssa>",
        SIMPLIFYCFG,
        INSTCOMBINE,
        SIMPLIFYCFG,
        // Loops: rotated, invariants hoisted, 64-bit induction variables, small ones unrolled.
        LOOP_HOIST,
        SIMPLIFYCFG,
        INSTCOMBINE,
        "loop(loop-idiom,indvars,loop-deletion,loop-unroll-full)",
        "sroa<modify-cfg>",
        // A store in both arms of an `if` becomes one store of a select: branchy dynamic
        // programming (`lcs`) runs 1.3× slower without it.
        "mldst-motion<no-split-footer-bb>",
        "gvn<>",
        INSTCOMBINE,
        "jump-threading",
        "correlated-propagation",
        "dse",
        "loop-mssa(licm<allowspeculation>)",
        SIMPLIFYCFG_HOIST,
        INSTCOMBINE,
    ];
    // LLVM's optimisation tail, as in default<O2>, after the copies rerolling left are deleted,
    // less two of its four instcombines (after loop load elimination and after unrolling). On the
    // 49 programs of `benches/programs` they changed a handful of instructions each and no run
    // time beyond the noise (A/B, three interleaved runs: geometric mean 0.99 without them), and
    // each instcombine run costs about 1.6 % of an -O2 compile of yosys.wasm.
    let tail = vec![
        "dce",
        "float2int",
        "lower-constant-intrinsics",
        "loop(loop-rotate<header-duplication;no-prepare-for-lto>,loop-deletion)",
        "loop-distribute",
        "inject-tli-mappings",
        LOOP_VECTORIZE,
        "infer-alignment",
        "loop-load-elim",
        SIMPLIFYCFG_LATE,
        "slp-vectorizer",
        "vector-combine",
        INSTCOMBINE,
        "loop-unroll<O2>",
        "transform-warning",
        "sroa<preserve-cfg>",
        "infer-alignment",
        "loop-mssa(licm<allowspeculation>)",
        "alignment-from-assumptions",
        "loop-sink",
        "instsimplify",
        "div-rem-pairs",
        "tailcallelim",
        SIMPLIFYCFG_FINAL,
    ];
    (simplification, tail)
}

/// The passes of `-O1`'s full tier: one of each kind that pays on loops, the loop vectoriser
/// included (after rerolling). Left out for compile time: GVN, the SLP vectoriser and a second
/// instcombine (0.2 s of a 3.5 s quickjs.wasm compile); with fast instruction selection they took
/// the corpus from 1.02× to 1.06× its -O2 run time (`cargo xtask bench --levels`).
fn wasm_o1() -> (Vec<&'static str>, Vec<&'static str>) {
    let simplification = vec![
        "sroa<modify-cfg>",
        "early-cse<memssa>",
        SIMPLIFYCFG,
        INSTCOMBINE,
        "loop-mssa(licm<allowspeculation>)",
        "loop(loop-rotate<header-duplication;no-prepare-for-lto>,indvars)",
    ];
    let tail = vec!["dce", LOOP_VECTORIZE, SIMPLIFYCFG_FINAL];
    (simplification, tail)
}

/// The passes of -O1's quick tier (`partition.rs`): functions without a loop, or too big for the
/// optimising back end, whose code the fast back end of -O0 generates. Locals to SSA and two cheap
/// clean-ups, which shrink what the fast register allocator spills; the loop passes, vectorisers
/// and instcombine cost more here than that back end would keep of their gains.
fn wasm_o1_quick() -> Vec<&'static str> {
    vec!["mem2reg", "early-cse", SIMPLIFYCFG_FINAL]
}

/// The passes `-O3` runs after `default<O3>`: loops still guarded by run-time alias checks are
/// versioned, and the SLP vectoriser sees the copy that may assume no overlap. `loop-versioning`
/// takes only loops in simplified form (with a preheader of their own, which the two copies of a
/// loop versioned at translation do not have once `simplifycfg` has run).
fn o3_versioned_slp() -> Vec<&'static str> {
    vec!["loop-simplify", "loop-versioning", "slp-vectorizer", "vector-combine", INSTCOMBINE, SIMPLIFYCFG_FINAL]
}

/// One step of a level's pipeline.
enum Stage {
    /// A pass pipeline, in LLVM's syntax.
    Passes(String),
    /// Rerolling unrolled loops (`reroll/`).
    Reroll,
}

/// What one level runs, in order, and whether LLVM's own pipelines run the SLP vectoriser.
struct Pipeline {
    stages: Vec<Stage>,
    slp: bool,
}

fn pipeline(level: OptLevel, tier: Tier) -> Pipeline {
    use Stage::*;
    let functions = |passes: Vec<&str>| Passes(format!("function<eager-inv>({})", passes.join(",")));
    let ours = |(simplification, tail): (Vec<&str>, Vec<&str>)| Pipeline {
        stages: vec![functions(simplification), Reroll, functions(tail)],
        slp: false,
    };
    match level {
        // Even unoptimised code gets its locals out of memory: it is much smaller and faster.
        OptLevel::O0 => Pipeline { stages: vec![Passes("function(mem2reg)".into())], slp: false },
        OptLevel::O1 if tier == Tier::Quick => Pipeline { stages: vec![functions(wasm_o1_quick())], slp: false },
        OptLevel::O1 => ours(wasm_o1()),
        OptLevel::O2 => ours(wasm_o2()),
        OptLevel::O3 => {
            Pipeline { stages: vec![Passes("default<O3>".into()), functions(o3_versioned_slp())], slp: true }
        }
        OptLevel::Os => Pipeline { stages: vec![Passes("default<Os>".into())], slp: true },
    }
}

/// Runs `level`'s passes on `module`.
pub fn optimise(module: &Module<'_>, tm: &TargetMachine, level: OptLevel, tier: Tier) -> Result<()> {
    let p = pipeline(level, tier);
    for stage in &p.stages {
        match stage {
            Stage::Passes(passes) => {
                let options = PassBuilderOptions::create();
                // Only LLVM's `default<..>` pipelines read this; ours name the SLP vectoriser themselves.
                options.set_loop_slp_vectorization(p.slp);
                module.run_passes(passes, tm, options).map_err(|e| internal(e.to_string()))?;
            }
            Stage::Reroll => {
                super::reroll::reroll(module);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_names_passes_llvm_knows() {
        let llcx = inkwell::context::Context::create();
        crate::codegen::init_llvm();
        let module = llcx.create_module("t");
        let opts = crate::CodegenOptions {
            target: crate::target::TargetSpec::host(),
            opt_level: OptLevel::O2,
            bounds_checks: crate::BoundsChecks::Guard,
            prefix: "t".into(),
            control: Default::default(),
        };
        let tm = crate::codegen::target_machine(&opts, crate::codegen::partition::Tier::Full).unwrap();
        for level in [OptLevel::O0, OptLevel::O1, OptLevel::O2, OptLevel::O3, OptLevel::Os] {
            for tier in [Tier::Full, Tier::Quick] {
                optimise(&module, &tm, level, tier).unwrap_or_else(|e| panic!("{level:?} {tier:?}: {e}"));
            }
        }
    }
}
