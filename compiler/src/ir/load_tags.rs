//! The tags that number linear-memory loads in guard mode: written by the translator
//! (`translate/pin.rs`, through the analyses' hooks), read after optimisation by
//! `codegen/kept_loads.rs`, which checks that no load Wasm executes vanished.

use crate::error::Result;
use inkwell::context::Context;
use inkwell::values::{BasicMetadataValueEnum, InstructionOpcode, InstructionValue};

/// The metadata kind that numbers linear-memory loads.
pub const LOAD_ID: &str = "w2n.load";

/// The alias-scope domain of the scopes that name loads (see `tag`).
const SCOPE_DOMAIN: &str = "w2n.loads";
/// A load's scope is named this prefix, its id and its width in bytes: `w2n.load.7.8`.
const SCOPE_PREFIX: &str = "w2n.load.";
/// The scope of the loads that are not tagged (`mark_covered`).
const COVERED_SCOPE: &str = "w2n.load.covered";

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
    set_scope(llcx, load, &format!("{SCOPE_PREFIX}{id}.{width}"))
}

/// Gives `load`, an access within one that already ran (so it cannot trap, and is not tagged), the
/// scope every such load shares. LLVM keeps the scopes of a merged load only when both loads had
/// some (`MDNode::getMostGenericAliasScope`): GVN replacing an untagged load by a tagged one used
/// to strip the survivor's scope, and its whole unit was optimised again. The shared scope names no
/// id (`covered_ids` skips it).
pub fn mark_covered(llcx: &Context, load: InstructionValue<'_>) -> Result<()> {
    set_scope(llcx, load, COVERED_SCOPE)
}

/// Gives `load` the one alias scope `name` of the loads' domain.
fn set_scope(llcx: &Context, load: InstructionValue<'_>, name: &str) -> Result<()> {
    let domain = llcx.metadata_node(&[llcx.metadata_string(SCOPE_DOMAIN).into()]);
    let scope = llcx.metadata_node(&[llcx.metadata_string(name).into(), domain.into()]);
    let scopes = llcx.metadata_node(&[scope.into()]);
    load.set_metadata(scopes, llcx.get_kind_id("alias.scope")).map_err(|e| crate::error::internal(e.to_string()))
}

/// Whether `inst` is a tagged (linear-memory) load.
pub fn is_tagged(llcx: &Context, inst: InstructionValue<'_>) -> bool {
    load_id(inst, llcx.get_kind_id(LOAD_ID)).is_some()
}

pub fn load_id(inst: InstructionValue<'_>, kind: u32) -> Option<u32> {
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
pub fn covered_ids(inst: InstructionValue<'_>, scope_kind: u32) -> Vec<u32> {
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

/// Lets `load` vouch for `others` too: its alias scopes become the union of theirs and its own,
/// as when LLVM merges loads. For a load that performs the others' accesses itself (a rerolled
/// loop's copy 0 does its copies' in later iterations).
///
/// # Safety
/// `load` and `others` must be live loads of a module in the context `ctx`.
pub unsafe fn merge_scopes(
    ctx: inkwell::llvm_sys::prelude::LLVMContextRef,
    load: inkwell::llvm_sys::prelude::LLVMValueRef,
    others: &[inkwell::llvm_sys::prelude::LLVMValueRef],
) {
    use inkwell::llvm_sys::core::*;
    let scope_kind = super::metadata_kind(ctx, "alias.scope");
    let mut scopes = vec![];
    for &l in std::iter::once(&load).chain(others) {
        let node = LLVMGetMetadata(l, scope_kind);
        if node.is_null() || LLVMIsAMDNode(node).is_null() {
            continue;
        }
        let mut operands = vec![std::ptr::null_mut(); LLVMGetMDNodeNumOperands(node) as usize];
        LLVMGetMDNodeOperands(node, operands.as_mut_ptr());
        for o in operands {
            let m = LLVMValueAsMetadata(o);
            if !scopes.contains(&m) {
                scopes.push(m);
            }
        }
    }
    if !scopes.is_empty() {
        let union = LLVMMDNodeInContext2(ctx, scopes.as_mut_ptr(), scopes.len());
        LLVMSetMetadata(load, scope_kind, LLVMMetadataAsValue(ctx, union));
    }
}
