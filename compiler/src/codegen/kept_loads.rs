//! Guard mode: no load that Wasm executes may vanish in optimisation.
//!
//! An out-of-bounds load traps in guard mode only if its machine instruction runs, but LLVM deletes
//! a load whose value turns out unused (`x * 0`, a comparison nobody reads, a second load of the
//! same address). `translate/pin.rs` makes the obvious cases volatile while translating; this
//! module checks the outcome. Every linear-memory load carries `!w2n.load !{i32 id}`; after the
//! pass pipeline, each function must still contain every id it was given. If some vanished, those
//! loads become volatile in a pristine copy of the unit and the pipeline runs again, until none
//! vanishes. Inlined copies of a callee's loads are not checked against the callee: a call whose
//! result the program discards is never inlined (`pin.rs`), so those copies stay used.

use crate::error::Result;
use crate::ir::load_tags::{covered_ids, load_id, LOAD_ID};
use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::values::{FunctionValue, InstructionOpcode, InstructionValue};
use std::collections::{BTreeMap, BTreeSet};

/// After this many rounds every tagged load of the unit is made volatile (never seen in practice:
/// each round only adds volatile loads, which LLVM keeps).
const MAX_ROUNDS: usize = 4;

/// Per function name, the load ids it contains.
type LoadIds = BTreeMap<String, BTreeSet<u32>>;

/// Runs `optimise` on a copy of `module` until no tagged load vanished, and returns that copy; or,
/// when `module` has no tagged load, optimises `module` itself and returns `None`.
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
    let mut pinned = BTreeSet::new();
    for round in 0.. {
        let candidate = module.clone();
        if round == MAX_ROUNDS {
            pin(&candidate, kind, |_| true)?;
            optimise(&candidate)?;
            return Ok(Some(candidate));
        }
        pin(&candidate, kind, |id| pinned.contains(&id))?;
        optimise(&candidate)?;
        let found = load_ids(&candidate, kind);
        let vanished: Vec<u32> = expected
            .iter()
            .flat_map(|(f, ids)| {
                let have = found.get(f);
                ids.iter().filter(move |id| have.is_none_or(|h| !h.contains(id))).copied()
            })
            .filter(|id| !pinned.contains(id))
            .collect();
        if vanished.is_empty() {
            return Ok(Some(candidate));
        }
        pinned.extend(vanished);
    }
    unreachable!("the loop returns by MAX_ROUNDS")
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
