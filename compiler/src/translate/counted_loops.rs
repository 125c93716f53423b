//! Counted loops: an innermost loop whose latch is `br_if 0` on `x != bound` (or on `x` itself, a
//! bound of 0), where `x` is an i32 local the loop changes only by a constant step just before
//! that test, and `bound` is a constant or a local the loop does not set. clang emits most of its
//! loops this way.
//!
//! Such a loop runs exactly `d / |step|` iterations, `d` the distance from `x0` (the value at
//! entry) to the bound in the step's direction (modulo 2^32), when `d` is a non-zero multiple of
//! the step; the fast copy of a versioned loop (`versioning.rs`) assumes this after testing it at
//! the entry. What it buys:
//! - when `x0` is also on the step's side of the bound as signed numbers, the exit test may be
//!   `x <s bound` (`x >s bound` stepping down) and the step `add nsw`, so that LLVM computes the
//!   trip count of `i += 16; i != n`, which it cannot otherwise (the index could wrap and go round
//!   forever: Wasm loops need not terminate);
//! - with `--fuel`, a loop of one straight-line piece is charged for all its iterations at once,
//!   before it, so that its body keeps no per-iteration check and still vectorises.
//!
//! Only the shape is checked here; the premise is tested at run time.

use crate::translate::guest_control::ends_piece;
use wasmparser::Operator;

/// What a counted loop's latch compares its counter with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    Const(i32),
    /// A local the loop does not set.
    Local(u32),
}

/// The counter of an innermost loop and how its latch tests it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CountedExit {
    /// The i32 local the latch tests, changed in the loop only by the step.
    pub var: u32,
    /// What the step adds to it: never 0 or `i32::MIN`.
    pub step: i32,
    pub bound: Bound,
    /// The index of the step's `i32.add`, if it is one (not an `i32.sub`).
    pub step_add: Option<usize>,
    /// The index of the operator that compares the stepped counter with the bound, and whether
    /// the counter is its first operand: the latch's `i32.ne`, or the `br_if` itself when it tests
    /// the stepped counter (`bound` 0).
    pub compare: (usize, bool),
    /// The body is one straight-line piece: nothing in it ends a piece of fuel accounting
    /// (`guest_control.rs`) before the latch.
    pub straight: bool,
    /// The index of the latch, the loop's closing `br_if 0`.
    pub latch: usize,
}

impl CountedExit {
    /// Whether LLVM gains a trip count from the fast copy's exit test: a step of more than 1 (LLVM
    /// computes those of steps of 1 itself).
    pub fn helps_llvm(&self) -> bool {
        self.step.unsigned_abs() > 1
    }
}

/// The counted exit of the innermost loop `ops[at..=end]` (`ops[at]` its `loop`, `ops[end]` its
/// `end`), if it has one; `is_i32` says whether a local holds an i32.
pub fn find(ops: &[Operator<'_>], at: usize, end: usize, is_i32: impl Fn(u32) -> bool) -> Option<CountedExit> {
    let latch = end.checked_sub(1)?;
    if latch <= at || !matches!(ops[latch], Operator::BrIf { relative_depth: 0 }) {
        return None;
    }
    let op = |i: usize| if i > at && i < latch { ops.get(i) } else { None };
    let bound_of = |i: usize| match op(i)? {
        Operator::I32Const { value } => Some(Bound::Const(*value)),
        Operator::LocalGet { local_index } => Some(Bound::Local(*local_index)),
        _ => None,
    };
    // `tee` is the index of the `local.tee` that stores the stepped counter.
    let (tee, bound, compare) = match op(latch - 1)? {
        Operator::I32Ne => match (op(latch - 2)?, bound_of(latch - 2)) {
            (_, Some(bound)) => (latch - 3, bound, (latch - 1, true)),
            (Operator::LocalTee { .. }, None) => (latch - 2, bound_of(latch.checked_sub(6)?)?, (latch - 1, false)),
            _ => return None,
        },
        Operator::LocalTee { .. } => (latch - 1, Bound::Const(0), (latch, true)),
        _ => return None,
    };
    let Some(Operator::LocalTee { local_index: var }) = op(tee) else { return None };
    let var = *var;
    let (Some(Operator::LocalGet { local_index: read }), Some(Operator::I32Const { value: c })) =
        (op(tee.checked_sub(3)?), op(tee - 2))
    else {
        return None;
    };
    let (step, step_add) = match op(tee - 1)? {
        Operator::I32Add => (*c, Some(tee - 1)),
        Operator::I32Sub => (c.checked_neg()?, None),
        _ => return None,
    };
    if *read != var || step == 0 || step == i32::MIN || !is_i32(var) {
        return None;
    }
    if let Bound::Local(k) = bound {
        if k == var || !is_i32(k) {
            return None;
        }
    }
    let mut straight = true;
    for (i, op) in ops.iter().enumerate().take(latch).skip(at + 1) {
        match *op {
            Operator::Loop { .. } => return None,
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index }
                if (local_index == var && i != tee) || bound == Bound::Local(local_index) =>
            {
                return None
            }
            _ => {}
        }
        straight &= !ends_piece(op);
    }
    Some(CountedExit { var, step, bound, step_add, compare, straight, latch })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{BlockType, Operator::*};

    /// `ops` as a loop body: the loop is at 0 and its `end` last.
    fn counted(body: &[Operator<'static>]) -> Option<CountedExit> {
        let mut ops = vec![Loop { blockty: BlockType::Empty }];
        ops.extend_from_slice(body);
        ops.push(End);
        find(&ops, 0, ops.len() - 1, |l| l != 9)
    }

    #[test]
    fn finds_the_latch_shapes_clang_emits() {
        // i += 16; br_if 0 (i != 3200)
        let up = [
            LocalGet { local_index: 1 },
            LocalGet { local_index: 0 },
            I32Add,
            Drop,
            LocalGet { local_index: 0 },
            I32Const { value: 16 },
            I32Add,
            LocalTee { local_index: 0 },
            I32Const { value: 3200 },
            I32Ne,
            BrIf { relative_depth: 0 },
        ];
        let c = counted(&up).expect("counted");
        assert_eq!((c.var, c.step, c.bound), (0, 16, Bound::Const(3200)));
        assert_eq!((c.step_add, c.compare, c.straight), (Some(7), (10, true), true));
        assert!(c.helps_llvm());
        // br_if 0 (n != (i -= 2)), the bound pushed first
        let down = [
            LocalGet { local_index: 5 },
            LocalGet { local_index: 0 },
            I32Const { value: 2 },
            I32Sub,
            LocalTee { local_index: 0 },
            I32Ne,
            BrIf { relative_depth: 0 },
        ];
        let c = counted(&down).expect("counted");
        assert_eq!((c.step, c.bound, c.step_add, c.compare), (-2, Bound::Local(5), None, (6, false)));
        // br_if 0 (i += -1): a count down to 0
        let to_zero = [
            LocalGet { local_index: 0 },
            I32Const { value: -1 },
            I32Add,
            LocalTee { local_index: 0 },
            BrIf { relative_depth: 0 },
        ];
        let c = counted(&to_zero).expect("counted");
        assert_eq!((c.step, c.bound, c.step_add, c.compare), (-1, Bound::Const(0), Some(3), (5, true)));
        assert!(!c.helps_llvm());
    }

    #[test]
    fn rejects_counters_the_loop_changes_otherwise() {
        let latch = [
            LocalGet { local_index: 0 },
            I32Const { value: 4 },
            I32Add,
            LocalTee { local_index: 0 },
            LocalGet { local_index: 3 },
            I32Ne,
            BrIf { relative_depth: 0 },
        ];
        let with = |before: &[Operator<'static>]| counted(&[before, &latch[..]].concat());
        assert!(with(&[]).is_some());
        assert!(with(&[I32Const { value: 0 }, LocalSet { local_index: 0 }]).is_none(), "the counter set elsewhere");
        assert!(with(&[I32Const { value: 0 }, LocalSet { local_index: 3 }]).is_none(), "the bound set in the loop");
        assert!(with(&[Loop { blockty: BlockType::Empty }, End]).is_none(), "not innermost");
        let c =
            with(&[Block { blockty: BlockType::Empty }, LocalGet { local_index: 1 }, BrIf { relative_depth: 1 }, End])
                .expect("an early exit leaves the count exact while it does not run");
        assert!(!c.straight, "but the body is more than one piece");
        let mut other_local = latch.clone();
        other_local[0] = LocalGet { local_index: 1 };
        assert!(counted(&other_local).is_none(), "the step must read the counter");
        let mut not_i32 = latch.clone();
        not_i32[4] = LocalGet { local_index: 9 };
        assert!(counted(&not_i32).is_none(), "an i64 bound");
        let mut zero = latch.clone();
        zero[1] = I32Const { value: 0 };
        assert!(counted(&zero).is_none(), "a step of 0");
        let mut branch_out = latch.clone();
        branch_out[6] = BrIf { relative_depth: 1 };
        assert!(counted(&branch_out).is_none(), "the latch must branch back");
    }
}
