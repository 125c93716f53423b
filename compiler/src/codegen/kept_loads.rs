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
use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::values::{BasicMetadataValueEnum, FunctionValue, InstructionOpcode, InstructionValue};
use std::collections::{BTreeMap, BTreeSet};

/// The metadata kind that numbers linear-memory loads.
pub const LOAD_ID: &str = "w2n.load";

/// After this many rounds every tagged load of the unit is made volatile (never seen in practice:
/// each round only adds volatile loads, which LLVM keeps).
const MAX_ROUNDS: usize = 4;

/// Per function name, the load ids it contains.
type LoadIds = BTreeMap<String, BTreeSet<u32>>;

/// The alias-scope domain of the scopes that name loads (see `tag`).
const SCOPE_DOMAIN: &str = "w2n.loads";
/// A load's scope is named this prefix, its id and its width in bytes: `w2n.load.7.8`.
const SCOPE_PREFIX: &str = "w2n.load.";

/// Tags `load` (of `width` bytes) with `id`, twice: `!w2n.load`, which LLVM drops whenever it
/// rewrites the load (narrowing it too), and an alias scope of its own, which LLVM carries over
/// when it merges loads — the union of their scopes on the load that replaces them: a load of the
/// same address found redundant (GVN), neighbouring loads combined, a group widened to a vector
/// load. A survivor that reads at least the bytes of a load in its scopes vouches for it
/// (`covered_ids`); a narrowed load is narrower than its own scope says, and vouches for nothing
/// wider. The scopes change no alias analysis: nothing carries `!noalias` in their domain.
pub fn tag(llcx: &Context, load: InstructionValue<'_>, id: u32, width: u32) -> Result<()> {
    let node = llcx.metadata_node(&[llcx.i32_type().const_int(id as u64, false).into()]);
    let internal = |e: inkwell::values::InstructionValueError| crate::error::internal(e.to_string());
    load.set_metadata(node, llcx.get_kind_id(LOAD_ID)).map_err(internal)?;
    let domain = llcx.metadata_node(&[llcx.metadata_string(SCOPE_DOMAIN).into()]);
    let name = format!("{SCOPE_PREFIX}{id}.{width}");
    let scope = llcx.metadata_node(&[llcx.metadata_string(&name).into(), domain.into()]);
    let scopes = llcx.metadata_node(&[scope.into()]);
    load.set_metadata(scopes, llcx.get_kind_id("alias.scope")).map_err(internal)
}

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

/// Whether `inst` is a tagged (linear-memory) load.
pub fn is_tagged(llcx: &Context, inst: InstructionValue<'_>) -> bool {
    load_id(inst, llcx.get_kind_id(LOAD_ID)).is_some()
}

fn load_id(inst: InstructionValue<'_>, kind: u32) -> Option<u32> {
    if !inst.has_metadata() {
        return None;
    }
    let values = inst.get_metadata(kind)?.get_node_values()?;
    match values.first() {
        Some(BasicMetadataValueEnum::IntValue(v)) => v.get_zero_extended_constant().map(|n| n as u32),
        _ => None,
    }
}

/// The ids of the loads that the load `inst` stands for: those in its scopes no wider than it. A
/// plain load reads every byte it covers, so it faults wherever one of them would; a vector load
/// (the loop or SLP vectoriser widened a group) covers all its lanes' loads.
fn covered_ids(inst: InstructionValue<'_>, scope_kind: u32) -> Vec<u32> {
    if inst.get_opcode() != InstructionOpcode::Load || !inst.has_metadata() {
        return Vec::new();
    }
    let width = match inst.get_type() {
        inkwell::types::AnyTypeEnum::VectorType(_) => u32::MAX,
        inkwell::types::AnyTypeEnum::IntType(t) => t.get_bit_width() / 8,
        inkwell::types::AnyTypeEnum::FloatType(t) if t == t.get_context().f32_type() => 4,
        inkwell::types::AnyTypeEnum::FloatType(t) if t == t.get_context().f64_type() => 8,
        _ => return Vec::new(),
    };
    let Some(scopes) = inst.get_metadata(scope_kind).and_then(|m| m.get_node_values()) else { return Vec::new() };
    scopes
        .iter()
        .filter_map(|scope| match scope {
            BasicMetadataValueEnum::MetadataValue(m) => m.get_node_values()?.first().copied(),
            _ => None,
        })
        .filter_map(|name| match name {
            BasicMetadataValueEnum::MetadataValue(m) => {
                let name = std::str::from_utf8(m.get_string_value()?).ok()?.strip_prefix(SCOPE_PREFIX)?;
                let (id, bytes) = name.split_once('.')?;
                (bytes.parse::<u32>().ok()? <= width).then(|| id.parse().ok()).flatten()
            }
            _ => None,
        })
        .collect()
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
