//! Values of a loop body as expressions linear in its induction variables (`Expr`), which is how
//! `super` tells that one copy of an unrolled iteration is another moved on by some steps.

use super::Loop;
use inkwell::llvm_sys::core::*;
use inkwell::llvm_sys::prelude::LLVMValueRef;
use inkwell::llvm_sys::{LLVMOpcode, LLVMTypeKind};
use std::collections::{BTreeMap, HashMap};

/// How many instructions before the loop one comparison looks into.
const OUTSIDE_BUDGET: usize = 64;

/// A value as a linear combination of atoms modulo `2^bits` (pointers: 64 bits, one pointer atom).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub(super) struct Expr {
    pub(super) bits: u32,
    pub(super) terms: BTreeMap<Atom, u64>,
    pub(super) k: u64,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub(super) enum Atom {
    /// Induction variable `i`, as at the start of an iteration.
    Iv(usize),
    /// A value from outside the loop.
    Outside(usize),
    /// A load: its type, alignment, address, and how many stores of its own copy come before it.
    Load { ty: usize, align: u32, addr: Box<Expr>, epoch: usize },
    /// Any other instruction: opcode, type, a detail (predicate, intrinsic), operands.
    Op { op: u32, ty: usize, detail: u64, args: Vec<Expr> },
    /// A value of the recurrence window (`super::Window`), fed this many copies after (positive)
    /// or before (negative) the copy looking at it.
    Window(i64),
}

pub(super) fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

impl Expr {
    fn constant(bits: u32, k: u64) -> Expr {
        Expr { bits, terms: BTreeMap::new(), k: k & mask(bits) }
    }
    fn atom(bits: u32, a: Atom) -> Expr {
        Expr { bits, terms: BTreeMap::from([(a, 1)]), k: 0 }
    }
    fn as_constant(&self) -> Option<u64> {
        self.terms.is_empty().then_some(self.k)
    }
    fn add(mut self, other: &Expr, sign: u64) -> Expr {
        let m = mask(self.bits);
        for (a, c) in &other.terms {
            let e = self.terms.entry(a.clone()).or_insert(0);
            *e = e.wrapping_add(c.wrapping_mul(sign)) & m;
            if *e == 0 {
                self.terms.remove(a);
            }
        }
        self.k = self.k.wrapping_add(other.k.wrapping_mul(sign)) & m;
        self
    }
    fn scale(mut self, by: u64) -> Expr {
        let m = mask(self.bits);
        self.terms =
            self.terms.into_iter().map(|(a, c)| (a, c.wrapping_mul(by) & m)).filter(|(_, c)| *c != 0).collect();
        self.k = self.k.wrapping_mul(by) & m;
        self
    }
}

/// Builds `Expr`s of the body's values for one copy, at one shift of the induction variables.
pub(super) struct Exprs<'l> {
    l: &'l Loop,
    /// Each induction variable moves on by `shift * step / k`.
    shift: i64,
    k: i64,
    /// Per body instruction, the copy whose stores count for a load's epoch (None: no epochs).
    epochs: Option<&'l HashMap<LLVMValueRef, usize>>,
    memo: HashMap<LLVMValueRef, Expr>,
    /// How many more instructions from outside the loop may be looked into.
    outside_budget: usize,
    /// The window's values by the copy that feeds them, and the copy looking at them.
    window: Option<(&'l HashMap<LLVMValueRef, i64>, i64)>,
    /// A window value of a later copy was looked at: no smaller loop computes that.
    pub(super) reads_ahead: bool,
}

impl<'l> Exprs<'l> {
    /// The values of `l`'s body for the copy whose stores `epochs` counts (none: no epochs),
    /// with each induction variable moved on by `shift` steps of the loop rerolled by `k`.
    pub(super) fn new(l: &'l Loop, shift: i64, k: i64, epochs: Option<&'l HashMap<LLVMValueRef, usize>>) -> Self {
        Exprs {
            l,
            shift,
            k,
            epochs,
            memo: HashMap::new(),
            outside_budget: OUTSIDE_BUDGET,
            window: None,
            reads_ahead: false,
        }
    }

    /// The values of the recurrence window (`super::Window::copy_of`) are atoms, seen from copy
    /// `copy`.
    pub(super) fn seeing_window(mut self, copy_of: &'l HashMap<LLVMValueRef, i64>, copy: i64) -> Self {
        self.window = Some((copy_of, copy));
        self
    }

    /// Values from before the loop are atoms, whatever they are computed from.
    pub(super) fn looking_at_nothing_outside(mut self) -> Self {
        self.outside_budget = 0;
        self
    }

    pub(super) unsafe fn of(&mut self, v: LLVMValueRef) -> Expr {
        if let Some(&fed) = self.window.and_then(|(copy_of, _)| copy_of.get(&v)) {
            let from = fed - self.window.map_or(0, |(_, copy)| copy);
            self.reads_ahead |= from > 0;
            return Expr::atom(0, Atom::Window(from));
        }
        if let Some(e) = self.memo.get(&v) {
            return e.clone();
        }
        let e = self.build(v);
        self.memo.insert(v, e.clone());
        e
    }

    /// What `v` is computed from, even when it is a window value (a load feeding the window is
    /// compared by its address like any other).
    pub(super) unsafe fn definition(&mut self, v: LLVMValueRef) -> Expr {
        self.build(v)
    }

    unsafe fn build(&mut self, v: LLVMValueRef) -> Expr {
        let ty = LLVMTypeOf(v);
        let bits = match LLVMGetTypeKind(ty) {
            LLVMTypeKind::LLVMIntegerTypeKind => LLVMGetIntTypeWidth(ty),
            LLVMTypeKind::LLVMPointerTypeKind => 64,
            _ => 0,
        };
        if !LLVMIsAConstantInt(v).is_null() && bits <= 64 {
            return Expr::constant(bits, LLVMConstIntGetZExtValue(v));
        }
        if LLVMIsAInstruction(v).is_null() {
            return Expr::atom(bits, Atom::Outside(v as usize));
        }
        let outside = LLVMGetInstructionParent(v) != self.l.body;
        if outside {
            // Invariant: only its linear part is looked into (`base + 8` before the loop), so
            // that copies whose addresses LICM hoisted at different offsets still compare.
            let op = LLVMGetInstructionOpcode(v);
            let linear = matches!(op, LLVMOpcode::LLVMAdd | LLVMOpcode::LLVMSub | LLVMOpcode::LLVMGetElementPtr);
            if !linear || self.outside_budget == 0 {
                return Expr::atom(bits, Atom::Outside(v as usize));
            }
            self.outside_budget -= 1;
        }
        if let Some(i) = self.l.ivs.iter().position(|iv| iv.phi == v) {
            let moved = (self.shift * (self.l.ivs[i].step / self.k)) as u64;
            return Expr::atom(bits, Atom::Iv(i)).add(&Expr::constant(bits, moved), 1);
        }
        if !LLVMIsAPHINode(v).is_null() {
            // A recurrence outside a window's view: nothing to compare it by.
            return Expr::atom(bits, Atom::Outside(v as usize));
        }
        let op = LLVMGetInstructionOpcode(v);
        let arg = |s: &mut Self, i: u32| s.of(LLVMGetOperand(v, i));
        let fallback = |s: &mut Self| -> Expr {
            if outside {
                return Expr::atom(bits, Atom::Outside(v as usize));
            }
            s.opaque(v, op, ty, bits)
        };
        use LLVMOpcode::*;
        let linear = bits > 0 && bits <= 64;
        match op {
            LLVMAdd | LLVMSub if linear => {
                let (a, b) = (arg(self, 0), arg(self, 1));
                return a.add(&b, if op == LLVMAdd { 1 } else { u64::MAX });
            }
            LLVMOr if linear && LLVMGetIsDisjoint(v) != 0 => {
                let (a, b) = (arg(self, 0), arg(self, 1));
                return a.add(&b, 1);
            }
            LLVMMul | LLVMShl if linear => {
                let (a, b) = (arg(self, 0), arg(self, 1));
                let by = |c: u64| if op == LLVMMul { Some(c) } else { (c < bits as u64).then(|| 1u64 << c) };
                if let Some(c) = b.as_constant().and_then(by) {
                    return a.scale(c);
                }
                if let (LLVMMul, Some(c)) = (op, a.as_constant()) {
                    return b.scale(c);
                }
            }
            LLVMGetElementPtr if LLVMGetNumOperands(v) == 2 => {
                let source = LLVMGetGEPSourceElementType(v);
                let size = match LLVMGetTypeKind(source) {
                    LLVMTypeKind::LLVMIntegerTypeKind if LLVMGetIntTypeWidth(source).is_multiple_of(8) => {
                        Some(LLVMGetIntTypeWidth(source) as u64 / 8)
                    }
                    LLVMTypeKind::LLVMFloatTypeKind => Some(4),
                    LLVMTypeKind::LLVMDoubleTypeKind => Some(8),
                    _ => None,
                };
                let index = arg(self, 1);
                if let (Some(size), 64) = (size, index.bits) {
                    let base = arg(self, 0);
                    return base.add(&index.scale(size), 1);
                }
            }
            LLVMLoad => {
                let addr = Box::new(arg(self, 0));
                let epoch = self.epochs.map_or(0, |e| e.get(&v).copied().unwrap_or(usize::MAX));
                return Expr::atom(bits, Atom::Load { ty: ty as usize, align: LLVMGetAlignment(v), addr, epoch });
            }
            _ => {}
        }
        fallback(self)
    }

    /// An instruction of the body that is not linear: an atom of its own.
    unsafe fn opaque(
        &mut self,
        v: LLVMValueRef,
        op: LLVMOpcode,
        ty: inkwell::llvm_sys::prelude::LLVMTypeRef,
        bits: u32,
    ) -> Expr {
        use LLVMOpcode::*;
        let arg = |s: &mut Self, i: u32| s.of(LLVMGetOperand(v, i));
        let detail = match op {
            LLVMICmp => LLVMGetICmpPredicate(v) as u64,
            LLVMFCmp => LLVMGetFCmpPredicate(v) as u64,
            LLVMCall => LLVMGetIntrinsicID(LLVMGetCalledValue(v)) as u64,
            LLVMGetElementPtr => LLVMGetGEPSourceElementType(v) as u64,
            _ => 0,
        };
        let n = if op == LLVMCall { LLVMGetNumArgOperands(v) } else { LLVMGetNumOperands(v) as u32 };
        let args = (0..n).map(|i| arg(self, i)).collect();
        Expr::atom(bits, Atom::Op { op: op as u32, ty: ty as usize, detail, args })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(bits: u32) -> Expr {
        Expr::atom(bits, Atom::Iv(0))
    }

    #[test]
    fn sums_wrap_at_their_width_and_cancelled_terms_vanish() {
        let x = iv(32).add(&Expr::constant(32, 0xffff_fff8), 1).add(&Expr::constant(32, 16), 1);
        assert_eq!(x, iv(32).add(&Expr::constant(32, 8), 1), "(iv - 8) + 16 is iv + 8 modulo 2^32");
        let d = x.add(&iv(32), u64::MAX);
        assert_eq!(d.as_constant(), Some(8), "(iv + 8) - iv is the constant 8");
        assert_eq!(Expr::constant(8, 0x1ff).k, 0xff, "constants are kept modulo 2^bits");
    }

    #[test]
    fn scaling_distributes_and_drops_terms_that_wrap_to_zero() {
        let x = iv(64).add(&Expr::constant(64, 3), 1).scale(8);
        assert_eq!(x, iv(64).scale(8).add(&Expr::constant(64, 24), 1), "(iv + 3) * 8 is 8 iv + 24");
        let gone = iv(8).scale(256);
        assert_eq!(gone.as_constant(), Some(0), "an 8-bit iv times 256 is 0");
    }
}
