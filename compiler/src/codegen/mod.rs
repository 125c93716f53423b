//! From a validated module to native object files: partitions of functions, each one LLVM module
//! with its own Context and TargetMachine on its own thread, plus the module unit (descriptor,
//! init code, trampolines, data). Units are independent, so their order and contents (and so the
//! output bytes) do not depend on the number of threads.

mod descriptor;
pub mod kept_loads;
pub mod module_unit;
pub mod partition;
mod pipeline;
mod reroll;
mod schedule;
pub mod timings;
mod unit_cache;

use crate::abi::ContextLayout;
use crate::error::{catch_panic, internal, Result};
use crate::ir::unit::Unit;
use crate::module::ModuleInfo;
use crate::translate::translate_function;
use crate::{CodegenOptions, OptLevel};
use inkwell::context::Context;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple};
use inkwell::OptimizationLevel;
use partition::Tier;
use std::sync::Once;

/// What each unit produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Object,
    Assembly,
    LlvmIr,
}

/// Extra symbols of executables (`w2n_exe_module`, `w2n_exe_config`).
#[derive(Clone, Debug, Default)]
pub struct ExeConfig {
    /// (host path, guest path, read-only).
    pub dirs: Vec<(String, String, bool)>,
    /// `NAME=VALUE` entries.
    pub env: Vec<String>,
    /// Ignore the run-time grant variables (`W2N_EXE_NO_RUNTIME_GRANTS`).
    pub no_runtime_grants: bool,
    /// Bytes of stack Wasm may use (`compile --max-wasm-stack`); 0: the runtime's default
    /// (`W2N_DEFAULT_MAX_WASM_STACK`). `WASM2NATIVE_MAX_WASM_STACK` overrides it at run time.
    pub max_wasm_stack: u64,
    /// The store's limits (`compile -W max-memory-size=...`); `WASM2NATIVE_LIMITS` overrides them key
    /// by key at run time unless `no_runtime_grants`.
    pub limits: crate::ffi::StoreLimits,
    /// `-W timeout` in nanoseconds (0: none); `WASM2NATIVE_TIMEOUT` overrides it at run time.
    pub timeout_ns: u64,
    /// `-W fuel`; `WASM2NATIVE_FUEL` overrides it at run time.
    pub fuel: Option<u64>,
    /// What the module was compiled with (`W2N_EXE_INTERRUPTIBLE`, `W2N_EXE_FUEL`).
    pub control: crate::GuestControl,
}

/// Compiles `info` to one buffer per unit (function partitions first, the module unit last).
pub fn compile_units(
    info: &ModuleInfo<'_>,
    opts: &CodegenOptions,
    output: Output,
    exe: Option<&ExeConfig>,
    jobs: usize,
    report: &mut timings::Report,
) -> Result<Vec<Vec<u8>>> {
    init_llvm();
    let layout = ContextLayout::of(info);
    let partitions = partition::partition(info, opts.opt_level);
    // Mach-O objects cannot be merged with `ld -r` here (no ld64 with -r): for them everything goes
    // into one LLVM module, so that `--emit obj` is still a single object.
    let single = opts.target.os == crate::target::Os::MacOs;
    let work: Vec<Vec<Option<&partition::Partition>>> = if single {
        vec![partitions.iter().map(Some).chain(std::iter::once(None)).collect()]
    } else {
        partitions.iter().map(|p| vec![Some(p)]).chain(std::iter::once(vec![None])).collect()
    };
    // LLVM's pass timers are process-wide: they measure one unit at a time.
    let jobs = if timings::mode() == timings::Mode::Passes { 1 } else { jobs.max(1) };
    let progress = progress_bar(work.len());
    let report_ref = &*report;
    let run = |i: usize, worker: usize| -> (Result<Vec<u8>>, timings::UnitTime) {
        let parts = &work[i];
        // A partition's object is cached by content: after a change to one function only its
        // partition is compiled again.
        let key = match parts.as_slice() {
            _ if debug_ice().is_some() => None,
            [Some(p)] if output == Output::Object => Some(unit_cache::key(info, &layout, opts, &p.funcs)),
            _ => None,
        };
        let mut time = timings::UnitTime::new(i, worker, parts.iter().flatten().copied(), info, report_ref.now());
        if let Some(obj) = key.as_deref().and_then(unit_cache::get) {
            if let Some(p) = &progress {
                p.inc(1);
            }
            time.cached = true;
            time.end = report_ref.now();
            return (Ok(obj), time);
        }
        let out = compile_unit(i, parts, info, &layout, opts, output, exe, &mut time);
        time.end = report_ref.now();
        if let (Some(key), Ok(obj)) = (&key, &out) {
            unit_cache::put(key, obj);
        }
        if let Some(p) = &progress {
            p.inc(1);
        }
        (out, time)
    };
    let order = schedule::costliest_first(&work, info);
    let results = schedule::run(&order, jobs, run)?;
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let (results, times): (Vec<_>, Vec<_>) = results.into_iter().unzip();
    report.units(times, jobs);
    // The first error in unit order, so the message does not depend on scheduling.
    results.into_iter().collect()
}

/// Translates and finishes one unit: the partitions in `parts`, `None` standing for the module unit.
#[allow(clippy::too_many_arguments)]
fn compile_unit(
    index: usize,
    parts: &[Option<&partition::Partition>],
    info: &ModuleInfo<'_>,
    layout: &ContextLayout,
    opts: &CodegenOptions,
    output: Output,
    exe: Option<&ExeConfig>,
    time: &mut timings::UnitTime,
) -> Result<Vec<u8>> {
    let started = std::time::Instant::now();
    let llcx = Context::create();
    // The module unit, and all of them in one (Mach-O), get the level's own back end.
    let tier = match parts {
        [Some(p)] => p.tier,
        _ => Tier::Full,
    };
    let mut unit = Unit::new(&llcx, &format!("{}_unit{index}", opts.prefix), info, layout, opts);
    unit.volatile_loads |= tier == Tier::Quick;
    for part in parts {
        match part {
            Some(p) => {
                for &f in &p.funcs {
                    let body = &info.bodies[(f - info.num_imported_funcs) as usize];
                    // A panic is a compiler bug like any other internal error: it fails this
                    // function, with its name, never the process.
                    catch_panic(|| {
                        debug_ice_hook(f)?;
                        translate_function(&unit, f, body)
                    })
                    .map_err(|e| e.in_function(f, || info.display_name(f)))?;
                }
            }
            None => catch_panic(|| module_unit::build(&unit, exe))?,
        }
    }
    time.translate = started.elapsed();
    catch_panic(|| finish_unit(&unit, tier, output, time))
}

/// Test hook, for checking how internal compiler errors are reported without a real compiler bug:
/// `WASM2NATIVE_DEBUG_ICE=N` makes the translation of function `N` (an index in the function index
/// space) fail with an internal error, `WASM2NATIVE_DEBUG_ICE=panic:N` makes it panic. While set,
/// the unit cache is bypassed (a cached object would skip translation).
pub(crate) fn debug_ice() -> Option<&'static (bool, u32)> {
    static HOOK: std::sync::OnceLock<Option<(bool, u32)>> = std::sync::OnceLock::new();
    HOOK.get_or_init(|| {
        let v = std::env::var("WASM2NATIVE_DEBUG_ICE").ok()?;
        let (panic, n) = match v.strip_prefix("panic:") {
            Some(n) => (true, n),
            None => (false, v.as_str()),
        };
        Some((panic, n.trim().parse().ok()?))
    })
    .as_ref()
}

fn debug_ice_hook(func: u32) -> Result<()> {
    match debug_ice() {
        Some(&(false, f)) if f == func => Err(internal("WASM2NATIVE_DEBUG_ICE raised an internal error")),
        Some(&(true, f)) if f == func => panic!("WASM2NATIVE_DEBUG_ICE raised a panic"),
        _ => Ok(()),
    }
}

/// A progress bar on long compiles, only when stderr is a terminal (never in logs or pipes).
fn progress_bar(units: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if units < 8 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(units as u64);
    let style = indicatif::ProgressStyle::with_template("compiling {bar:30} {pos}/{len} units ({elapsed})")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// x86-64 innermost loops start on a 64-byte boundary (LLVM's default is 16): a small hot loop that
/// straddles a cache line runs up to a third slower on the AMD EPYC machines measured (`floyd`,
/// `lcs`, `vm` in `benches/`: 20-25 % faster aligned, the corpus's geometric mean 1 % faster, code
/// 1-2 % larger). The option is global to LLVM but read only by the x86 back end.
const INNERMOST_LOOP_ALIGNMENT: &str = "-x86-experimental-pref-innermost-loop-alignment=6";

/// Sets LLVM's process-wide command-line options (each at most once per process).
pub(crate) fn set_llvm_options(options: &[&str]) {
    let args: Vec<std::ffi::CString> = std::iter::once("wasm2native")
        .chain(options.iter().copied())
        .filter_map(|a| std::ffi::CString::new(a).ok())
        .collect();
    let ptrs: Vec<*const std::ffi::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    // SAFETY: the strings outlive the call, which copies what it keeps.
    unsafe {
        inkwell::llvm_sys::support::LLVMParseCommandLineOptions(ptrs.len() as i32, ptrs.as_ptr(), std::ptr::null())
    };
}

pub(crate) fn init_llvm() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let config = InitializationConfig::default();
        Target::initialize_x86(&config);
        Target::initialize_aarch64(&config);
        Target::initialize_riscv(&config);
        set_llvm_options(&[INNERMOST_LOOP_ALIGNMENT]);
    });
}

/// The target machine that generates the code of `tier` at `opts`'s level.
pub(crate) fn target_machine(opts: &CodegenOptions, tier: Tier) -> Result<TargetMachine> {
    let triple = TargetTriple::create(&opts.target.llvm_triple);
    let target = Target::from_triple(&triple).map_err(|e| crate::error::internal(e.to_string()))?;
    let level = match (opts.opt_level, tier) {
        (OptLevel::O0, _) | (_, Tier::Quick) => OptimizationLevel::None,
        (OptLevel::O1, Tier::Full) => OptimizationLevel::Less,
        (OptLevel::O2 | OptLevel::Os, Tier::Full) => OptimizationLevel::Default,
        (OptLevel::O3, Tier::Full) => OptimizationLevel::Aggressive,
    };
    let tm = target
        .create_target_machine(
            &triple,
            opts.target.cpu.as_deref().unwrap_or("generic"),
            &opts.target.features,
            level,
            RelocMode::PIC,
            CodeModel::Default,
        )
        .ok_or_else(|| crate::error::internal(format!("no target machine for {}", opts.target.llvm_triple)))?;
    if opts.opt_level == OptLevel::O1 {
        // Instruction selection was a quarter of an -O1 compile; the fast selector (falling back to
        // the DAG selector for what it does not cover, vectors among them) costs the corpus's loops
        // a few percent.
        // SAFETY: the target machine is live; this only sets one of its options.
        unsafe { inkwell::llvm_sys::target_machine::LLVMSetTargetMachineFastISel(tm.as_mut_ptr(), 1) };
    }
    let aarch64 = ["aarch64", "arm64"].iter().any(|a| opts.target.llvm_triple.starts_with(a));
    if aarch64 && level == OptimizationLevel::None {
        // LLVM 19's GlobalISel, AArch64's -O0 default, folds `zext(shl i32 k, 2)` into the access
        // as `[base, wk, uxtw #2]`, which drops the wrap of the 32-bit shift: `(-1 << 2)` reaches
        // base + 16 GiB - 4, past the guard region. FastISel (what -O0 falls back to) and
        // SelectionDAG keep the wrap (`compiler/tests/wast_files.rs`, `wrapped_address_at_o0.wast`).
        // SAFETY: the target machine is live; this only sets one of its options.
        unsafe { inkwell::llvm_sys::target_machine::LLVMSetTargetMachineGlobalISel(tm.as_mut_ptr(), 0) };
    }
    Ok(tm)
}

/// Verifies, optimises and emits one unit.
fn finish_unit(unit: &Unit<'_, '_>, tier: Tier, output: Output, time: &mut timings::UnitTime) -> Result<Vec<u8>> {
    let tm = target_machine(unit.opts, tier)?;
    unit.module.set_triple(&tm.get_triple());
    unit.module.set_data_layout(&tm.get_target_data().get_data_layout());
    unit.verify()?;
    let rounds = std::cell::Cell::new((0, std::time::Duration::ZERO));
    let optimise = |m: &inkwell::module::Module<'_>| {
        let started = std::time::Instant::now();
        let done = pipeline::optimise(m, &tm, unit.opts.opt_level, tier);
        let (n, took) = rounds.get();
        rounds.set((n + 1, took + started.elapsed()));
        done
    };
    let kept = kept_loads::optimise_keeping_loads(unit.llcx, &unit.module, optimise)?;
    (time.rounds, time.optimise) = rounds.get();
    let emitting = std::time::Instant::now();
    let module = kept.as_ref().unwrap_or(&unit.module);
    let bytes = match output {
        Output::LlvmIr => module.print_to_string().to_bytes().to_vec(),
        Output::Object | Output::Assembly => {
            let ft = if output == Output::Object { FileType::Object } else { FileType::Assembly };
            let buf = tm.write_to_memory_buffer(module, ft).map_err(|e| crate::error::internal(e.to_string()))?;
            buf.as_slice().to_vec()
        }
    };
    time.emit = emitting.elapsed();
    Ok(bytes)
}
