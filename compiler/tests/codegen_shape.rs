//! The shape of the optimised IR where it decides speed: guard-mode loads whose value is used stay
//! ordinary loads (LLVM may combine, hoist and vectorise them), only discarded ones turn volatile,
//! the context pointer carries what LLVM needs to hoist its loads, and the default x86-64 CPU is
//! tuned generically (not for Sandy Bridge, whose tuning makes every rotate a slow `shld`), address
//! arithmetic after an access is `add nuw`, and a loop walking two arrays of one memory vectorises.

mod common;

const WAT: &str = r#"(module
  (memory 1)
  (func (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $top)))
    (local.get $s))
  (func (export "probe") (param $p i32)
    (drop (i64.load offset=8 (local.get $p))))
  (func (export "rot") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 13)))
  ;; c[j] += a * b[j], unrolled by two the way clang writes it for wasm32 (pointers bumped by 16)
  (func (export "axpy2") (param $c i32) (param $b i32) (param $n i32) (param $a f64) (local $c8 i32)
    (loop $top
      (f64.store (local.get $c)
        (f64.add (f64.mul (local.get $a) (f64.load (local.get $b))) (f64.load (local.get $c))))
      (f64.store (local.tee $c8 (i32.add (local.get $c) (i32.const 8)))
        (f64.add (f64.mul (local.get $a) (f64.load (i32.add (local.get $b) (i32.const 8))))
                 (f64.load (local.get $c8))))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br_if $top (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "after") (param $p i32) (result i32)
    (i32.add (i32.load (local.get $p)) (i32.add (local.get $p) (i32.const 4))))
  (func (export "before") (param $p i32) (result i32)
    (i32.add (i32.add (local.get $p) (i32.const 4)) (i32.load (local.get $p))))
  (func (export "far") (param $p i32) (result i32)
    (i32.add (i32.load (local.get $p)) (i32.add (local.get $p) (i32.const 0x20000))))
  (func (export "merged") (param $p i32) (result i32)
    (block $b (br_if $b (i32.eqz (i32.load (local.get $p)))) (drop (i32.load offset=4 (local.get $p))))
    (i32.add (local.get $p) (i32.const 4)))
  (func (export "around") (param $p i32) (param $c i32) (result i32)
    (block $b (br_if $b (local.get $c)) (drop (i32.load (local.get $p))))
    (i32.add (local.get $p) (i32.const 4))))"#;

fn emit(args: &[&str], what: &str) -> String {
    emit_module(WAT, args, what)
}

fn emit_module(wat: &str, args: &[&str], what: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.wat");
    std::fs::write(&input, wat).unwrap();
    let out = dir.path().join("m.out");
    let status = common::wasm2native()
        .args(["compile", "--emit", what, "-o"])
        .arg(&out)
        .args(args)
        .arg(&input)
        .env("WASM2NATIVE_CACHE_DIR", dir.path().join("cache"))
        .status()
        .unwrap();
    assert!(status.success(), "wasm2native compile --emit {what} {args:?} failed");
    std::fs::read_to_string(&out).unwrap()
}

/// The body of the function `name` in LLVM IR text.
fn function<'a>(ir: &'a str, name: &str) -> &'a str {
    let start = ir.find(&format!("@{name}(")).unwrap_or_else(|| panic!("no function {name} in:\n{ir}"));
    let end = ir[start..].find("\n}\n").map(|e| start + e).unwrap_or(ir.len());
    &ir[start..end]
}

#[test]
fn used_loads_are_ordinary_and_dropped_loads_volatile_in_guard_mode() {
    let ir = emit(&[], "llvm-ir");
    let sum = function(&ir, "w2n_m_f0");
    assert!(sum.contains("load i32"), "the loop still loads:\n{sum}");
    assert!(!sum.contains("volatile"), "a used load must be an ordinary load:\n{sum}");
    let probe = function(&ir, "w2n_m_f1");
    assert!(probe.contains("load volatile i64"), "a dropped load must be kept volatile:\n{probe}");
}

#[test]
fn explicit_bounds_checks_need_no_volatile_loads() {
    let ir = emit(&["--bounds-checks", "explicit"], "llvm-ir");
    assert!(!ir.contains("load volatile"), "explicit mode checks bounds before the access:\n{ir}");
}

#[test]
fn default_x86_64_cpu_is_tuned_generically_and_rotates_are_rol() {
    let ir = emit(&[], "llvm-ir");
    assert!(ir.contains("\"tune-cpu\"=\"generic\""), "default x86-64 functions tune for generic");
    let asm = emit(&[], "asm");
    let rot = &asm[asm.find("w2n_m_f2:").expect("rot in assembly")..];
    let rot = &rot[..rot.find("ret").expect("ret")];
    assert!(rot.contains("rol") || rot.contains("ror"), "rotate as rol/ror:\n{rot}");
    assert!(!rot.contains("shld"), "no shld for a rotate:\n{rot}");
    let named = emit(&["--cpu", "znver3"], "llvm-ir");
    assert!(!named.contains("tune-cpu"), "a CPU the user names is also the tuning");
    let level = emit(&["--cpu", "x86-64-v3"], "llvm-ir");
    assert!(level.contains("\"tune-cpu\"=\"generic\""), "an x86-64-vN level is tuned generically");
}

#[test]
fn the_context_parameter_is_a_dereferenceable_aligned_block() {
    let ir = emit(&[], "llvm-ir");
    let define = ir.lines().find(|l| l.contains("@w2n_m_f0(")).expect("definition of f0");
    for attr in ["nonnull", "noundef", "align 8", "dereferenceable("] {
        assert!(define.contains(attr), "context parameter lacks `{attr}`: {define}");
    }
    assert!(!define.contains("noalias"), "the context may be reached through other pointers: {define}");
}

#[test]
fn a_constant_added_to_an_address_that_did_not_trap_is_add_nuw() {
    let ir = emit(&[], "llvm-ir");
    let after = function(&ir, "w2n_m_f4");
    assert!(after.contains("add nuw i32 %1, 4"), "p + 4 after an access at p cannot wrap:\n{after}");
    let before = function(&ir, "w2n_m_f5");
    assert!(!before.contains("nuw"), "p + 4 before any access at p may wrap:\n{before}");
    let far = function(&ir, "w2n_m_f6");
    assert!(!far.contains("nuw"), "p + 2^17 may wrap even after an access at p:\n{far}");
    let merged = function(&ir, "w2n_m_f7");
    assert!(merged.contains("add nuw i32 %1, 4"), "the access precedes both edges into the block's end:\n{merged}");
    let around = function(&ir, "w2n_m_f8");
    assert!(!around.contains("add nuw"), "a branch reaches the block's end around the access:\n{around}");
}

#[test]
fn a_loop_walking_two_arrays_of_one_memory_vectorises() {
    let ir = emit(&[], "llvm-ir");
    let axpy = function(&ir, "w2n_m_f3");
    assert!(axpy.contains("x double>"), "the loop is vectorised:\n{axpy}");
    // The vector loop runs when `c` and `b` do not overlap: the run-time check compares the two
    // pointers' ranges, not c[j] with c[j+1] (which always overlap).
    assert!(axpy.contains("asm \"\""), "accesses through c and b use their own base copies:\n{axpy}");
}

/// The module of `tests/wast/address_sums.wast` (which also checks its results and traps at every
/// level): loops addressing `base + index`, `base + (index << k)`, a row pointer plus a column and
/// `base + index * 12`.
fn address_sums_module() -> String {
    module_of_script("address_sums.wast")
}

/// The first module of `tests/wast/NAME` (the text up to its first command).
fn module_of_script(name: &str) -> String {
    let path = format!("{}/../tests/wast/{name}", env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(path).unwrap();
    let start = script.find("(module").unwrap();
    let end = start + script[start..].find("\n(").unwrap();
    script[start..end].to_string()
}

#[test]
fn a_stencil_loop_vectorises_in_its_fast_copy_and_an_unproven_copy_keeps_no_assumption() {
    let ir = emit_module(&module_of_script("loop_versions.wast"), &[], "llvm-ir");
    let stencil = function(&ir, "w2n_m_f0");
    assert!(stencil.contains("icmp ult i32") && stencil.contains("-32767"), "the entry test of the sums:\n{stencil}");
    assert!(stencil.contains(" x i32>"), "b + 4*j + 4 is affine in the fast copy, which vectorises:\n{stencil}");
    let sparse = function(&ir, "w2n_m_f1");
    assert!(!sparse.contains("add nuw i32 %sum"), "a step with no access before it: no sum + c is nuw:\n{sparse}");
}

#[test]
fn a_loop_stepping_by_16_to_a_bound_gets_a_trip_count_and_vectorises() {
    // `j += 16; j != end` (LU's update loop): LLVM cannot count its trips (j could miss the bound
    // and wrap), so only the fast copy, which compares `j <s end`, vectorises.
    let ir = emit_module(&module_of_script("counted_loops.wast"), &[], "llvm-ir");
    let update = function(&ir, "w2n_m_f0");
    assert!(update.contains("icmp slt i32"), "the entry test orders the counter and the bound:\n{update}");
    assert!(update.contains(" x double>"), "the fast copy vectorises:\n{update}");
}

#[test]
fn a_loop_its_producer_unrolled_is_rerolled_and_vectorised_without_shuffles() {
    // clang's wasm32 loops carry two or four copies of the body where native code has vectors;
    // vectorised as they are, each copy is an interleaved group that is shuffled apart and back.
    let ir = emit_module(&module_of_script("rerolled_loops.wast"), &[], "llvm-ir");
    let interleaved = |body: &str| body.contains("strided.vec") || body.contains("interleaved.vec");
    for (f, shape, lanes) in
        [("w2n_m_f0", "c[j] += a * b[j], twice", " x double>"), ("w2n_m_f1", "p[j] += q[j], four times", " x i32>")]
    {
        let body = function(&ir, f);
        assert!(body.contains(lanes) && !interleaved(&body), "{shape}: one copy, vectorised plainly:\n{body}");
    }
    let swap = function(&ir, "w2n_m_f5");
    assert!(interleaved(&swap), "both copies load before either stores: not rerolled:\n{swap}");
}

#[test]
fn loops_over_sums_of_two_locals_vectorise_in_guard_mode() {
    let ir = emit_module(&address_sums_module(), &[], "llvm-ir");
    for (f, shape) in [
        ("w2n_m_f0", "c + j, b + j"),
        ("w2n_m_f1", "x + (i << 2)"),
        ("w2n_m_f2", "row + (c << 2) with a constant trip count"),
        ("w2n_m_f3", "p + i * 12"),
    ] {
        let body = function(&ir, f);
        assert!(
            body.contains(" x double>") || body.contains(" x i32>") || body.contains(" x float>"),
            "the loop over {shape} is vectorised:\n{body}"
        );
        assert!(!body.contains("volatile"), "its loads stay ordinary loads (vector loads vouch for them):\n{body}");
    }
}

#[test]
fn neighbouring_scalar_accesses_become_vector_ones_when_optimising_and_unrolled_loops_at_o3() {
    let module = module_of_script("unrolled_bodies.wast");
    let o0 = emit_module(&module, &["-O0"], "llvm-ir");
    assert!(!function(&o0, "w2n_m_f0").contains("x double>"), "-O0 runs no SLP vectoriser");
    let o2 = emit_module(&module, &["-O2"], "llvm-ir");
    let scale2 = function(&o2, "w2n_m_f0");
    assert!(scale2.contains("load <2 x double>") && scale2.contains("store <2 x double>"), "SLP at -O2:\n{scale2}");
    let o3 = emit_module(&module, &["-O3"], "llvm-ir");
    let axpy3 = function(&o3, "w2n_m_f1");
    assert!(axpy3.contains("store <2 x double>"), "the unrolled body vectorises in its versioned copy:\n{axpy3}");
}

#[test]
fn a_load_within_an_access_that_ran_is_neither_tagged_nor_pinned() {
    // At -O0 every load that may trap is volatile, so the ordinary ones are those found covered.
    let ir = emit_module(&module_of_script("covered_loads.wast"), &["-O0"], "llvm-ir");
    let reload = function(&ir, "w2n_m_f0");
    assert!(!reload.contains("load volatile") && !reload.contains("w2n.load"), "covered by the store:\n{reload}");
    let past = function(&ir, "w2n_m_f1");
    assert_eq!(past.matches("load volatile").count(), 2, "the second load ends past the first:\n{past}");
    let other = function(&ir, "w2n_m_f2");
    assert_eq!(other.matches("load volatile").count(), 2, "another memory covers nothing:\n{other}");
}

/// Interruption and fuel checks exist only when asked for: a default compile polls nothing (the
/// stack check every function has is its only contact with the store); `--interruptible` emits
/// exactly the default code (loops are interrupted by a signal, runtime-lib/src/trap.c); `--fuel`
/// charges the store's fuel.
#[test]
fn polling_and_fuel_only_when_compiled_in() {
    let trap_call = |code: u32| format!(", i32 {code})");
    let (interrupt, out_of_fuel) = (trap_call(18), trap_call(19));
    let plain = emit(&[], "llvm-ir");
    let sum = function(&plain, "w2n_m_f0");
    assert!(!plain.contains(&interrupt) && !plain.contains(&out_of_fuel), "a default compile has no check:\n{sum}");
    assert!(!sum.contains("load volatile"), "nor a volatile read of a store word:\n{sum}");
    let interruptible = emit(&["--interruptible"], "llvm-ir");
    assert_eq!(interruptible, plain, "--interruptible code is the default code");
    let fuel = emit(&["--fuel"], "llvm-ir");
    assert!(function(&fuel, "w2n_m_f0").contains(&out_of_fuel), "the loop charges fuel");
    assert!(!fuel.contains(&interrupt), "no polling without --interruptible");
}

/// `memory.copy` and `memory.fill` of a run-time length move small in-bounds ranges inline
/// (`llvm.memmove`/`llvm.memset`: what every `memcpy`/`memset` of C built with bulk memory is) and
/// call the runtime only for the rest (traps, and large sizes moved in interruptible chunks).
#[test]
fn small_bulk_memory_operations_are_inline_with_the_runtime_behind() {
    let wat = r#"(module (memory 1)
      (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
      (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2))))"#;
    let ir = emit_module(wat, &["-O2"], "llvm-ir");
    let copy = function(&ir, "w2n_m_f0");
    assert!(copy.contains("@llvm.memmove") && copy.contains("@w2n_memory_copy"), "inline, runtime behind:\n{copy}");
    let fill = function(&ir, "w2n_m_f1");
    assert!(fill.contains("@llvm.memset") && fill.contains("@w2n_memory_fill"), "inline, runtime behind:\n{fill}");
}

/// A stencil as clang leaves it for wasm32, `a[e-1]` and `a[e]` carried in locals from one element
/// to the next (a recurrence) and the body unrolled by 2, 4 or 8: rerolled with the window in
/// phis, LLVM vectorises it as a fixed-order recurrence. Unrolled, the first copy's store sat
/// between the window's load and its use, and the loop stayed scalar.
#[test]
fn a_stencil_carrying_loaded_values_is_rerolled_and_vectorised() {
    let ir = emit_module(&module_of_script("rerolled_recurrences.wast"), &[], "llvm-ir");
    for (f, shape) in [
        ("w2n_m_f3", "x[e-1] + 2 x[e] + x[e+1], two copies"),
        ("w2n_m_f4", "x[e-1] + 2 x[e] + x[e+1], four copies"),
        ("w2n_m_f5", "3 x[e-1] - x[e], two copies"),
        ("w2n_m_f6", "3 x[e-1] - x[e], eight copies"),
    ] {
        let body = function(&ir, f);
        assert!(body.contains("vector.recur") && body.contains(" x i32>"), "{shape}: vectorised:\n{body}");
    }
}

/// Entering a try_table costs a few stores and a setjmp: the handler is pushed on the runtime's
/// thread-local `w2n_handler_top` inline, sibling try regions share one frame slot (a slot per
/// try gave a C++ function hundreds of KiB of frame), each through its own copy of the address,
/// and x86-64 lands through the runtime's `w2n_setjmp` (libc's `_setjmp` elsewhere).
#[test]
fn try_tables_push_their_handlers_inline_into_one_slot_per_depth() {
    let wat = r#"(module
      (tag $e)
      (func $may_throw (param i32) (if (local.get 0) (then (throw $e))))
      (func (export "f") (param i32) (result i32)
        (block $h (try_table (catch_all $h) (call $may_throw (local.get 0))))
        (block $h (try_table (catch_all $h) (call $may_throw (local.get 0))
          (block $i (try_table (catch_all $i) (call $may_throw (local.get 0))))))
        (block $h (try_table (catch_all $h) (call $may_throw (local.get 0))))
        (local.get 0)))"#;
    let ir = emit_module(wat, &["-O2"], "llvm-ir");
    let f = function(&ir, "w2n_m_f1");
    assert!(f.contains("@w2n_handler_top") && !f.contains("call void @w2n_handler"), "inline push:\n{f}");
    assert_eq!(f.matches("call i32 @w2n_setjmp").count(), 4, "each try its own landing:\n{f}");
    assert_eq!(f.matches("alloca [528 x i8]").count(), 2, "one slot per depth:\n{f}");
    let arm = emit_module(wat, &["-O2", "--target", "aarch64-unknown-linux-gnu"], "llvm-ir");
    let g = function(&arm, "w2n_m_f1");
    assert_eq!(g.matches("call i32 @_setjmp").count(), 4, "libc's on aarch64:\n{g}");
}

/// In a function with a try, locals are SSA values like anywhere else: a loop after the try
/// vectorises, and only the landing reads the locals' shadows back (`shadow_locals.rs`). The
/// loop's locals are lazy: their shadows are written as the try is entered, not per iteration.
#[test]
fn locals_of_a_function_with_a_try_stay_in_registers_and_its_loops_vectorise() {
    let wat = r#"(module
      (tag $e)
      (memory 1)
      (func $may_throw (param i32) (if (local.get 0) (then (throw $e))))
      (func (export "f") (param $p i32) (param $n i32) (result i32)
        (local $s i32) (local $i i32)
        (block $h (try_table (catch_all $h) (call $may_throw (local.get $n))))
        (loop $l
          (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.get $s)))"#;
    let ir = emit_module(wat, &["-O2"], "llvm-ir");
    let f = function(&ir, "w2n_m_f1");
    assert!(f.contains("vector.body") && f.contains("load <4 x i32>"), "the loop vectorises:\n{f}");
    assert_eq!(f.matches("load volatile").count(), 4, "the landing reloads the four locals:\n{f}");
    let loop_body = &f[f.find("\nloop:").unwrap_or_else(|| panic!("no loop block:\n{f}"))..];
    assert!(!loop_body.contains("volatile"), "no shadow traffic in the loop:\n{f}");
}

/// A landing reloads only the locals code after it may read: a cleanup that rethrows reads two
/// locals of four. Where reloading at every landing would cost more than the locals' accesses,
/// the function keeps every local in memory instead.
#[test]
fn a_landing_reloads_only_the_locals_read_after_it() {
    let wat = r#"(module
      (tag $e)
      (func $may_throw (param i32) (if (local.get 0) (then (throw $e))))
      (func (export "cleanup") (param $a i32) (param $b i32) (param $c i32) (result i32)
        (local $x exnref)
        (block $done
          (block $cleanup (result exnref)
            (try_table (catch_all_ref $cleanup)
              (call $may_throw (i32.add (local.get $a) (local.get $b))))
            (br $done))
          (local.set $x)
          (call $may_throw (i32.sub (local.get $c) (i32.const 1)))
          (throw_ref (local.get $x)))
        (i32.add (local.get $a) (local.get $c)))
      (func (export "many") (param $p i32) (result i32)
        (local $a i32) (local $b i32) (local $c i32)
        (block $h (try_table (catch_all $h) (local.set $a (i32.const 1)) (call $may_throw (local.get $p))))
        (block $h (try_table (catch_all $h) (local.set $b (i32.const 2)) (call $may_throw (local.get $p))))
        (block $h (try_table (catch_all $h) (local.set $c (i32.const 3)) (call $may_throw (local.get $p))))
        (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $p)))))"#;
    let ir = emit_module(wat, &["-O2"], "llvm-ir");
    let cleanup = function(&ir, "w2n_m_f1");
    // $c and $x (the analysis does not see that the cleanup sets $x before it reads it), not $a or $b.
    assert_eq!(cleanup.matches("load volatile").count(), 2, "the cleanup reads only $c and $x:\n{cleanup}");
    let many = function(&ir, "w2n_m_f2");
    assert!(!many.contains("%shadow"), "no shadows when every landing would reload everything:\n{many}");
    assert!(many.contains("store volatile i32 1"), "the locals stay in memory:\n{many}");
}

/// A defined memory or global lives in the instance's context, so its address is a constant
/// offset from it: reading the memory base or the shadow stack pointer takes one load, not two
/// (the context's slot holds its address only for imported ones).
#[test]
fn defined_memories_and_globals_are_reached_without_loading_their_slots() {
    let wat = r#"(module
      (memory 1)
      (global $g (mut i32) (i32.const 0))
      (func (export "f")
        (global.set $g (i32.add (global.get $g) (i32.load (i32.const 16))))))"#;
    let ir = emit_module(wat, &["-O2"], "llvm-ir");
    let f = function(&ir, "w2n_m_f0");
    // The stack check's store pointer and the memory base; before, also the memory's and the
    // global's slots.
    assert_eq!(f.matches("load ptr").count(), 2, "no slot loads:\n{f}");
}

/// The timings report of compiling `wat` with `args` (`WASM2NATIVE_TIMINGS=1`, cold cache).
fn timings(wat: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.wat");
    std::fs::write(&input, wat).unwrap();
    let out = common::wasm2native()
        .args(["compile", "--emit", "obj", "-o"])
        .arg(dir.path().join("m.o"))
        .args(args)
        .arg(&input)
        .env("WASM2NATIVE_CACHE_DIR", dir.path().join("cache"))
        .env("WASM2NATIVE_TIMINGS", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "wasm2native compile {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Compiles `wat` at -O2 in guard mode and checks that no unit was optimised twice: no tagged
/// load vanished (`codegen/kept_loads.rs`).
fn assert_no_load_vanishes_at_o2(wat: &str) {
    let report = timings(wat, &["-O2"]);
    assert!(report.contains("kept-loads re-runs (0 units)"), "no load vanished, nothing ran twice:\n{report}");
}

#[test]
fn a_tagged_load_merged_with_a_covered_one_keeps_its_tag() {
    // The second `offset=4` load is within the first (not tagged). GVN replaces it on one path by
    // the first and loads it again on the other; the first survives with the merged metadata.
    // Before covered loads had a scope of their own, the merge stripped the survivor's scope and
    // the unit was optimised twice.
    let wat = r#"(module
      (memory 1)
      (global $g (mut i32) (i32.const 0))
      (func $touch (param $p i32) (result i32)
        (i32.store (local.get $p) (global.get $g))
        (global.get $g))
      (func (export "f") (param $p i32) (param $n i32)
        (local $a i32)
        (local.set $a (i32.add (i32.load offset=4 (local.get $p)) (local.get $n)))
        (if (i32.gt_u (local.get $a) (i32.load offset=8 (local.get $p)))
          (then (if (call $touch (local.get $p)) (then (return)))))
        (if (i32.eqz (local.get $n)) (then (return)))
        (drop (call $touch (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))))
        (global.set $g (i32.add (i32.load offset=4 (local.get $p)) (local.get $n)))))"#;
    assert_no_load_vanishes_at_o2(wat);
}

#[test]
fn code_behind_a_constant_condition_is_not_translated() {
    // What the linker left of `if (weak_function)` and friends: branches on constants. Their dead
    // arms' loads would vanish in optimisation, and guard mode would optimise the unit again.
    let wat = r#"(module
      (memory 1)
      (func (export "f") (param $p i32) (result i32) (local $s i32)
        (block $b
          (br_if $b (i32.const 0))
          (local.set $s (i32.load offset=4 (local.get $p))))
        (block $c
          (br_if $c (i32.const 1))
          (local.set $s (i32.load offset=8 (local.get $p))))
        (if (i32.const 0) (then (local.set $s (i32.load offset=12 (local.get $p)))))
        (if (i32.const 7)
          (then (local.set $s (i32.add (local.get $s) (i32.const 1))))
          (else (local.set $s (i32.load offset=16 (local.get $p)))))
        (block $d (block $e
          (br_table $e $d (i32.const 1))))
        (local.get $s)))"#;
    assert_no_load_vanishes_at_o2(wat);
}

#[test]
fn a_versioned_loop_whose_premise_is_constant_gets_one_copy() {
    // The counter starts at a constant and counts to 0 by 4 (what yosys.wasm's C++ has by the
    // hundred): the counted exit's premise holds before the loop runs, so only the fast copy is
    // translated. Two copies left LLVM an exact one whose loads vanished with it, and guard mode
    // optimised the unit again.
    let wat = r#"(module
      (memory 1)
      (func $use (param i32) (drop (local.get 0)))
      (func (export "f") (param $p i32)
        (local $i i32)
        (local.set $i (i32.const -4000))
        (loop $l
          (call $use (i32.load offset=4000 (i32.add (local.get $p) (local.get $i))))
          (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))))"#;
    assert_no_load_vanishes_at_o2(wat);
}

#[test]
fn o1_gives_the_optimising_back_end_to_small_loops_only() {
    // A small loop (full tier), a function without a loop and one whose loop is past 4 KB of Wasm
    // (both quick): two function partitions and the module unit, one of them quick.
    let big_body = "(local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))".repeat(1200);
    let wat = format!(
        r#"(module
      (memory 1)
      (func (export "loop") (param $p i32) (param $n i32) (result i32) (local $s i32)
        (loop $top
          (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $top (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $s))
      (func (export "straight") (param $p i32) (result i32)
        (i32.add (i32.load (local.get $p)) (i32.load offset=8 (local.get $p))))
      (func (export "big") (param $p i32) (param $n i32) (result i32) (local $s i32)
        (loop $top
          {big_body}
          (br_if $top (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $s)))"#
    );
    let o1 = timings(&wat, &["-O1"]);
    assert!(o1.contains("timings: 3 units (0 from the cache, 1 in -O1's quick tier)"), "at -O1:\n{o1}");
    let o2 = timings(&wat, &["-O2"]);
    assert!(o2.contains("timings: 2 units (0 from the cache, 0 in -O1's quick tier)"), "at -O2:\n{o2}");
}
