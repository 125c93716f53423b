//! The mark translation puts on a loop whose trip count it made exact, read by
//! `codegen/reroll/`.
//!
//! The fast copy of a counted loop (`translate/versioning.rs`) runs only when the distance from
//! its counter's entry value to the bound is a non-zero multiple of the step, with the counter on
//! the step's side of the bound as a signed number. Its exit test then fires exactly when the
//! stepped counter reaches the bound, and never wraps before it: a loop with a smaller step
//! that divides this one, testing the same bound, runs exactly `step / smaller` times as many
//! iterations. The mark says so. It is an `!llvm.loop` property, which LLVM keeps on the latch
//! through its loop passes.

use inkwell::context::Context;
use inkwell::llvm_sys::core::{
    LLVMGetMDNodeNumOperands, LLVMGetMDNodeOperands, LLVMGetMDString, LLVMGetMetadata, LLVMMDNodeInContext2,
    LLVMMDStringInContext2, LLVMMetadataAsValue, LLVMSetMetadata,
};
use inkwell::llvm_sys::debuginfo::{LLVMMetadataReplaceAllUsesWith, LLVMTemporaryMDNode};
use inkwell::llvm_sys::prelude::{LLVMContextRef, LLVMValueRef};
use inkwell::values::{AsValueRef, InstructionValue};

/// The loop property: the latch's test is exact for any step dividing the loop's.
const EVENLY_COUNTED: &str = "w2n.evenly_counted";
const LOOP_ID: &str = "llvm.loop";

/// Marks the loop that `latch` (its back edge's conditional branch) closes.
pub fn mark_evenly_counted(llcx: &Context, latch: InstructionValue<'_>) {
    let ctx = llcx.raw();
    // SAFETY: all metadata is created in the live context `ctx`; the loop id refers to itself, as
    // LLVM's loop ids do, through a temporary node replaced (and freed) right after.
    unsafe {
        let name = LLVMMDStringInContext2(ctx, EVENLY_COUNTED.as_ptr().cast(), EVENLY_COUNTED.len());
        let property = LLVMMDNodeInContext2(ctx, [name].as_mut_ptr(), 1);
        let temporary = LLVMTemporaryMDNode(ctx, std::ptr::null_mut(), 0);
        let id = LLVMMDNodeInContext2(ctx, [temporary, property].as_mut_ptr(), 2);
        LLVMMetadataReplaceAllUsesWith(temporary, id);
        LLVMSetMetadata(latch.as_value_ref(), super::metadata_kind(ctx, LOOP_ID), LLVMMetadataAsValue(ctx, id));
    }
}

/// Whether the branch `latch` closes a loop marked by `mark_evenly_counted`.
///
/// # Safety
/// `latch` must be a live instruction of a module in the context `ctx`.
pub unsafe fn is_evenly_counted(ctx: LLVMContextRef, latch: LLVMValueRef) -> bool {
    let id = LLVMGetMetadata(latch, super::metadata_kind(ctx, LOOP_ID));
    if id.is_null() {
        return false;
    }
    operands(id).into_iter().skip(1).any(|property| {
        let Some(&first) = operands(property).first() else { return false };
        let mut len = 0;
        let s = LLVMGetMDString(first, &mut len);
        !s.is_null() && std::slice::from_raw_parts(s.cast::<u8>(), len as usize) == EVENLY_COUNTED.as_bytes()
    })
}

/// The operands of the metadata node `node` (as values), empty when it is not a node.
unsafe fn operands(node: LLVMValueRef) -> Vec<LLVMValueRef> {
    if inkwell::llvm_sys::core::LLVMIsAMDNode(node).is_null() {
        return Vec::new();
    }
    let n = LLVMGetMDNodeNumOperands(node) as usize;
    let mut out = vec![std::ptr::null_mut(); n];
    LLVMGetMDNodeOperands(node, out.as_mut_ptr());
    out
}
