//! Guard mode: no load that Wasm executes may vanish in optimisation.
//!
//! An out-of-bounds load traps in guard mode only if its machine instruction runs, but LLVM deletes
//! a load whose value turns out unused (`x * 0`, a comparison nobody reads, a second load of the
//! same address). `translate/pin.rs` makes the obvious cases volatile while translating; this
//! module checks the outcome. Every linear-memory load carries `!w2n.load !{i32 id}`; after the
//! pass pipeline, each function must still contain every id it was given. The functions where some
//! vanished are optimised again from a pristine copy with those loads volatile, until none
//! vanishes, and their new bodies replace the old ones. Inlined copies of a callee's loads are not
//! checked against the callee: a call whose result the program discards is never inlined
//! (`pin.rs`), so those copies stay used.
//!
//! Only the offending functions run again: the pipelines are function passes (`pipeline.rs`), so a
//! function optimises the same alone as among its unit, and a unit of a hundred functions does not
//! pay a hundred re-runs for one vanished load (on yosys.wasm, whole-unit re-runs were 30 % of an
//! -O2 compile). The copy keeps only those functions' bodies; the others become declarations, and
//! it is linked back into the unit in place of their first bodies. That needs every function of
//! the unit to be visible outside it (function units: one symbol per Wasm function) and no local
//! writable variable; any other unit is optimised again whole.

use crate::error::{internal, Result};
use crate::ir::load_tags::{covered_ids, load_id, LOAD_ID};
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::values::{FunctionValue, InstructionOpcode, InstructionValue};
use std::collections::{BTreeMap, BTreeSet};

/// After this many rounds every tagged load of the functions still re-run is made volatile (never
/// seen in practice: each round only adds volatile loads, which LLVM keeps).
const MAX_ROUNDS: usize = 4;

/// Per function name, the load ids it contains.
type LoadIds = BTreeMap<String, BTreeSet<u32>>;

/// Runs `optimise` on a copy of `module`, then again on the functions where a tagged load
/// vanished, until none did, and returns that copy; or, when `module` has no tagged load, optimises
/// `module` itself and returns `None`.
pub fn optimise_keeping_loads<'ctx>(
    llcx: &'ctx Context,
    module: &Module<'ctx>,
    optimise: impl Fn(&Module<'ctx>) -> Result<()>,
) -> Result<Option<Module<'ctx>>> {
    let kind = llcx.get_kind_id(LOAD_ID);
    let expected = load_ids(module, kind);
    if expected.is_empty() {
        optimise(module)?;
        return Ok(None);
    }
    let partial = splittable(module);
    let mut pinned = BTreeSet::new();
    let mut result = module.clone();
    optimise(&result)?;
    let mut redo = vanished(&expected, &load_ids(&result, kind), None, &mut pinned);
    for round in 1..=MAX_ROUNDS {
        if redo.is_empty() {
            break;
        }
        let candidate = module.clone();
        if partial {
            declare_all_but(&candidate, |name| redo.contains(name));
        }
        pin(&candidate, kind, |id| round == MAX_ROUNDS || pinned.contains(&id))?;
        optimise(&candidate)?;
        let again = vanished(&expected, &load_ids(&candidate, kind), Some(&redo), &mut pinned);
        if partial {
            declare_all_but(&result, |name| !redo.contains(name));
            result.link_in_module(candidate).map_err(|e| internal(e.to_string()))?;
        } else {
            result = candidate;
        }
        redo = again;
    }
    Ok(Some(result))
}

/// The functions among `checked` (all of `expected` when `None`) some of whose loads are missing
/// from `found` and not already volatile; their missing ids are added to `pinned`.
fn vanished(
    expected: &LoadIds,
    found: &LoadIds,
    checked: Option<&BTreeSet<String>>,
    pinned: &mut BTreeSet<u32>,
) -> BTreeSet<String> {
    let none = BTreeSet::new();
    let mut functions = BTreeSet::new();
    for (f, ids) in expected {
        if checked.is_some_and(|c| !c.contains(f)) {
            continue;
        }
        let have = found.get(f).unwrap_or(&none);
        let missing: Vec<u32> = ids.iter().filter(|id| !have.contains(id) && !pinned.contains(id)).copied().collect();
        if !missing.is_empty() {
            functions.insert(f.clone());
            pinned.extend(missing);
        }
    }
    functions
}

/// Whether functions of `module` can be optimised apart and linked back: every defined function
/// is visible outside the unit (a local one would be duplicated and renamed by the link), and no
/// local variable is writable (the copy linked back would get a second one).
fn splittable(module: &Module<'_>) -> bool {
    let local = |l: Linkage| matches!(l, Linkage::Internal | Linkage::Private);
    module.get_functions().all(|f| f.count_basic_blocks() == 0 || !local(f.get_linkage()))
        && module.get_globals().all(|g| !local(g.get_linkage()) || g.is_constant())
}

/// Turns into declarations the function definitions of `module` whose name `keep` rejects, and
/// drops the private constants (switch tables, ...) that only their bodies used.
fn declare_all_but<'ctx>(module: &Module<'ctx>, keep: impl Fn(&str) -> bool) {
    let dropped: Vec<FunctionValue<'ctx>> = module
        .get_functions()
        .filter(|f| f.count_basic_blocks() > 0 && !keep(&f.get_name().to_string_lossy()))
        .collect();
    for f in dropped {
        to_declaration(module, f);
    }
    let unused: Vec<_> = module
        .get_globals()
        .filter(|g| {
            g.get_linkage() == Linkage::Private
                && inkwell::values::BasicValue::get_first_use(&g.as_pointer_value()).is_none()
        })
        .collect();
    for g in unused {
        // SAFETY: `g` has no uses.
        unsafe { g.delete() };
    }
}

/// Replaces the definition `f` of `module` by a declaration of the same name, type and visibility.
fn to_declaration<'ctx>(module: &Module<'ctx>, f: FunctionValue<'ctx>) {
    let name = f.get_name().to_string_lossy().into_owned();
    let decl = module.add_function("", f.get_type(), Some(Linkage::External));
    decl.as_global_value().set_visibility(f.as_global_value().get_visibility());
    f.replace_all_uses_with(decl);
    // SAFETY: `f` has no uses left and nothing here holds on to it.
    unsafe { f.delete() };
    decl.as_global_value().set_name(&name);
}

fn load_ids(module: &Module<'_>, kind: u32) -> LoadIds {
    let scope_kind = module.get_context().get_kind_id("alias.scope");
    let mut ids = LoadIds::new();
    for f in module.get_functions() {
        let mut mine = BTreeSet::new();
        for_each_instruction(f, |inst| {
            if let Some(id) = load_id(inst, kind) {
                mine.insert(id);
            }
            mine.extend(covered_ids(inst, scope_kind));
        });
        if !mine.is_empty() {
            ids.insert(f.get_name().to_string_lossy().into_owned(), mine);
        }
    }
    ids
}

/// Makes volatile the tagged loads whose id `which` selects.
fn pin(module: &Module<'_>, kind: u32, which: impl Fn(u32) -> bool) -> Result<()> {
    let mut result = Ok(());
    for f in module.get_functions() {
        for_each_instruction(f, |inst| {
            if inst.get_opcode() == InstructionOpcode::Load && load_id(inst, kind).is_some_and(&which) {
                if let Err(e) = inst.set_volatile(true) {
                    result = Err(crate::error::internal(e.to_string()));
                }
            }
        });
    }
    result
}

fn for_each_instruction(f: FunctionValue<'_>, mut visit: impl FnMut(InstructionValue<'_>)) {
    for bb in f.get_basic_block_iter() {
        let mut next = bb.get_first_instruction();
        while let Some(inst) = next {
            visit(inst);
            next = inst.get_next_instruction();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkwell::passes::PassBuilderOptions;
    use std::cell::RefCell;

    /// `a` multiplies its tagged load by zero (instcombine deletes the load), `b` returns its own.
    fn unit<'ctx>(llcx: &'ctx Context, linkage: Linkage) -> Module<'ctx> {
        let m = llcx.create_module("u");
        let i32t = llcx.i32_type();
        let ty = i32t.fn_type(&[llcx.ptr_type(Default::default()).into()], false);
        for (id, name) in [(0, "a"), (1, "b")] {
            let f = m.add_function(name, ty, Some(linkage));
            let b = llcx.create_builder();
            b.position_at_end(llcx.append_basic_block(f, "entry"));
            let p = f.get_nth_param(0).unwrap().into_pointer_value();
            let v = b.build_load(i32t, p, "v").unwrap().into_int_value();
            crate::ir::load_tags::tag(llcx, v.as_instruction().unwrap(), id, 4).unwrap();
            let r = if name == "a" { b.build_int_mul(v, i32t.const_zero(), "z").unwrap() } else { v };
            b.build_return(Some(&r)).unwrap();
        }
        m
    }

    /// Runs `optimise_keeping_loads` with instcombine as the pipeline; returns the result's IR and
    /// the functions each round had bodies for.
    fn run(linkage: Linkage) -> (String, Vec<Vec<String>>) {
        crate::codegen::init_llvm();
        let llcx = Context::create();
        let m = unit(&llcx, linkage);
        let opts = crate::CodegenOptions {
            target: crate::target::TargetSpec::host(),
            opt_level: crate::OptLevel::O2,
            bounds_checks: crate::BoundsChecks::Guard,
            prefix: "t".into(),
            control: Default::default(),
        };
        let tm = crate::codegen::target_machine(&opts, crate::codegen::partition::Tier::Full).unwrap();
        let rounds = RefCell::new(vec![]);
        let out = optimise_keeping_loads(&llcx, &m, |m: &Module<'_>| {
            let defined = m.get_functions().filter(|f| f.count_basic_blocks() > 0);
            rounds.borrow_mut().push(defined.map(|f| f.get_name().to_string_lossy().into_owned()).collect());
            m.run_passes("function(instcombine)", &tm, PassBuilderOptions::create())
                .map_err(|e| internal(e.to_string()))
        })
        .unwrap()
        .expect("the unit has tagged loads");
        let ir = out.print_to_string().to_string();
        (ir, rounds.into_inner())
    }

    #[test]
    fn only_the_function_that_lost_a_load_runs_again() {
        let (ir, rounds) = run(Linkage::External);
        assert_eq!(rounds, vec![vec!["a", "b"], vec!["a"]]);
        assert!(ir.contains("load volatile i32"), "a's load is back, volatile:\n{ir}");
        assert_eq!(ir.matches("define").count(), 2, "both functions defined once:\n{ir}");
        assert!(!ir.contains("declare"), "the link resolved every declaration:\n{ir}");
    }

    #[test]
    fn a_unit_with_local_functions_runs_again_whole() {
        let (ir, rounds) = run(Linkage::Internal);
        assert_eq!(rounds, vec![vec!["a", "b"], vec!["a", "b"]]);
        assert!(ir.contains("load volatile i32"), "a's load is back, volatile:\n{ir}");
        assert_eq!(ir.matches("define").count(), 2, "both functions defined once:\n{ir}");
    }
}
