//! What a body to reroll may hold, and the instruction-level reads and edits rerolling makes.

use super::Iv;
use inkwell::llvm_sys::core::*;
use inkwell::llvm_sys::prelude::{LLVMBasicBlockRef, LLVMContextRef, LLVMValueRef};
use inkwell::llvm_sys::{LLVMIntPredicate, LLVMOpcode, LLVMTypeKind};

/// Intrinsics a body may call: pure functions of their operands.
const PURE_INTRINSICS: &[&str] = &[
    "llvm.fabs",
    "llvm.sqrt",
    "llvm.copysign",
    "llvm.minnum",
    "llvm.maxnum",
    "llvm.minimum",
    "llvm.maximum",
    "llvm.floor",
    "llvm.ceil",
    "llvm.trunc",
    "llvm.rint",
    "llvm.nearbyint",
    "llvm.roundeven",
    "llvm.round",
    "llvm.ctpop",
    "llvm.ctlz",
    "llvm.cttz",
    "llvm.abs",
    "llvm.smax",
    "llvm.smin",
    "llvm.umax",
    "llvm.umin",
    "llvm.fshl",
    "llvm.fshr",
    "llvm.bswap",
    "llvm.bitreverse",
];

/// `inc` as the step of `phi`, if it is one: `phi + c`, `c + phi`, `phi - c`, or a byte GEP.
pub(super) unsafe fn iv(phi: LLVMValueRef, inc: LLVMValueRef, body: LLVMBasicBlockRef) -> Option<Iv> {
    if LLVMIsAInstruction(inc).is_null() || LLVMGetInstructionParent(inc) != body || LLVMGetNumOperands(inc) != 2 {
        return None;
    }
    let constant = |i: u32| {
        let c = LLVMGetOperand(inc, i);
        let ty = LLVMTypeOf(c);
        (!LLVMIsAConstantInt(c).is_null() && LLVMGetIntTypeWidth(ty) <= 64).then(|| LLVMConstIntGetSExtValue(c))
    };
    let (step_operand, step, subtracts) = match LLVMGetInstructionOpcode(inc) {
        LLVMOpcode::LLVMAdd if LLVMGetOperand(inc, 0) == phi => (1, constant(1)?, false),
        LLVMOpcode::LLVMAdd if LLVMGetOperand(inc, 1) == phi => (0, constant(0)?, false),
        LLVMOpcode::LLVMSub if LLVMGetOperand(inc, 0) == phi => (1, constant(1)?.checked_neg()?, true),
        LLVMOpcode::LLVMGetElementPtr if LLVMGetOperand(inc, 0) == phi => {
            let source = LLVMGetGEPSourceElementType(inc);
            let bytes =
                LLVMGetTypeKind(source) == LLVMTypeKind::LLVMIntegerTypeKind && LLVMGetIntTypeWidth(source) == 8;
            if !bytes {
                return None;
            }
            (1, constant(1)?, false)
        }
        _ => return None,
    };
    (step != 0).then_some(Iv { phi, inc, step_operand, step, subtracts })
}

/// Whether the body may hold `i`: no effect but loads and stores, no call but pure intrinsics.
pub(super) unsafe fn allowed(i: LLVMValueRef) -> bool {
    use LLVMOpcode::*;
    match LLVMGetInstructionOpcode(i) {
        LLVMLoad | LLVMStore => {
            LLVMGetVolatile(i) == 0
                && LLVMGetOrdering(i) == inkwell::llvm_sys::LLVMAtomicOrdering::LLVMAtomicOrderingNotAtomic
        }
        LLVMCall => {
            let callee = LLVMGetCalledValue(i);
            let id = LLVMGetIntrinsicID(callee);
            if id == 0 {
                return false;
            }
            let mut len = 0;
            let name = LLVMIntrinsicGetName(id, &mut len);
            let name = std::slice::from_raw_parts(name.cast::<u8>(), len);
            PURE_INTRINSICS.iter().any(|p| p.as_bytes() == name)
        }
        LLVMAdd | LLVMFAdd | LLVMSub | LLVMFSub | LLVMMul | LLVMFMul | LLVMUDiv | LLVMSDiv | LLVMFDiv | LLVMURem
        | LLVMSRem | LLVMFRem | LLVMShl | LLVMLShr | LLVMAShr | LLVMAnd | LLVMOr | LLVMXor | LLVMFNeg => true,
        LLVMTrunc | LLVMZExt | LLVMSExt | LLVMFPToUI | LLVMFPToSI | LLVMUIToFP | LLVMSIToFP | LLVMFPTrunc
        | LLVMFPExt | LLVMPtrToInt | LLVMIntToPtr | LLVMBitCast => true,
        LLVMICmp | LLVMFCmp | LLVMSelect | LLVMFreeze | LLVMGetElementPtr | LLVMExtractElement | LLVMInsertElement => {
            true
        }
        LLVMPHI | LLVMBr => true,
        _ => false,
    }
}

pub(super) fn is_load(i: LLVMValueRef) -> bool {
    // SAFETY: `i` is a live instruction.
    unsafe { LLVMGetInstructionOpcode(i) == LLVMOpcode::LLVMLoad }
}

pub(super) fn is_access(i: LLVMValueRef) -> bool {
    // SAFETY: `i` is a live instruction.
    unsafe { matches!(LLVMGetInstructionOpcode(i), LLVMOpcode::LLVMLoad | LLVMOpcode::LLVMStore) }
}

pub(super) unsafe fn users(v: LLVMValueRef) -> Vec<LLVMValueRef> {
    let mut out = vec![];
    let mut u = LLVMGetFirstUse(v);
    while !u.is_null() {
        out.push(LLVMGetUser(u));
        u = LLVMGetNextUse(u);
    }
    out
}

/// Drops what held of copy 0's values only: the flags that make a result poison when they fail.
pub(super) unsafe fn drop_value_facts(ctx: LLVMContextRef, i: LLVMValueRef) {
    use LLVMOpcode::*;
    match LLVMGetInstructionOpcode(i) {
        LLVMAdd | LLVMSub | LLVMMul | LLVMShl => {
            LLVMSetNUW(i, 0);
            LLVMSetNSW(i, 0);
        }
        LLVMUDiv | LLVMSDiv | LLVMLShr | LLVMAShr => LLVMSetExact(i, 0),
        LLVMOr => LLVMSetIsDisjoint(i, 0),
        LLVMZExt => LLVMSetNNeg(i, 0),
        LLVMGetElementPtr => LLVMSetIsInBounds(i, 0),
        // `trunc nuw`/`nsw` and `uitofp nneg` have no setter: build them afresh, without.
        LLVMTrunc | LLVMUIToFP => {
            let builder = LLVMCreateBuilderInContext(ctx);
            LLVMPositionBuilderBefore(builder, i);
            let (x, ty) = (LLVMGetOperand(i, 0), LLVMTypeOf(i));
            let plain = if LLVMGetInstructionOpcode(i) == LLVMTrunc {
                LLVMBuildTrunc(builder, x, ty, c"".as_ptr())
            } else {
                LLVMBuildUIToFP(builder, x, ty, c"".as_ptr())
            };
            LLVMDisposeBuilder(builder);
            LLVMReplaceAllUsesWith(i, plain);
            LLVMInstructionEraseFromParent(i);
        }
        _ => {}
    }
}

pub(super) fn inverse(p: LLVMIntPredicate) -> LLVMIntPredicate {
    use LLVMIntPredicate::*;
    match p {
        LLVMIntEQ => LLVMIntNE,
        LLVMIntNE => LLVMIntEQ,
        LLVMIntUGT => LLVMIntULE,
        LLVMIntUGE => LLVMIntULT,
        LLVMIntULT => LLVMIntUGE,
        LLVMIntULE => LLVMIntUGT,
        LLVMIntSGT => LLVMIntSLE,
        LLVMIntSGE => LLVMIntSLT,
        LLVMIntSLT => LLVMIntSGE,
        LLVMIntSLE => LLVMIntSGT,
    }
}

pub(super) fn swapped(p: LLVMIntPredicate) -> LLVMIntPredicate {
    use LLVMIntPredicate::*;
    match p {
        LLVMIntUGT => LLVMIntULT,
        LLVMIntUGE => LLVMIntULE,
        LLVMIntULT => LLVMIntUGT,
        LLVMIntULE => LLVMIntUGE,
        LLVMIntSGT => LLVMIntSLT,
        LLVMIntSGE => LLVMIntSLE,
        LLVMIntSLT => LLVMIntSGT,
        LLVMIntSLE => LLVMIntSGE,
        same => same,
    }
}
