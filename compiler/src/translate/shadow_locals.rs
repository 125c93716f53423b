//! Locals across a throw: in a function with a `try_table` or a legacy `try`, a throw arrives at
//! the try's landing through `longjmp` (`exception.rs`), with the registers the `setjmp` saw and
//! the stack slots as the body left them. No SSA value of a local may cross that edge: LLVM gives
//! a loop-carried value and its next value one register or spill slot, so the body may already
//! have overwritten it (`tests/wast/locals_across_throw.wast` caught a counter one step on).
//!
//! So each local that code after a landing may read has a *shadow*, a volatile stack slot, and
//! each landing loads every shadow back into its local before it dispatches. Everywhere else the
//! locals are SSA values. Volatile, because the shadows are read only on the landing's edge, which
//! LLVM's CFG does not connect to the stores in the body.
//!
//! INVARIANT: wherever one of the function's handlers is active, a shadow holds its local's
//! current value (a throw reaches a landing of this function only from there). A local written
//! anywhere else writes its shadow too, unless it is *lazy*: written in a loop with no try inside
//! it and outside every try, where a store per iteration would cost (and keep the loop from
//! vectorising). A lazy local's shadow is written only where a handler is active, and every try
//! copies the lazy locals into their shadows as it is entered.
//!
//! Which locals have shadows: those read at or after the first operator a landing can come back
//! to, that is the first try or the start of the outermost loop around a try, whichever is first.
//! Code before it runs once, before any landing; code after it may follow one.

use super::FuncTranslator;
use crate::error::{CompileError, Result};
use inkwell::values::{BasicValueEnum, PointerValue};
use wasmparser::Operator;

/// The shadow of a local.
#[derive(Clone, Copy, Debug)]
pub struct Shadow<'ctx> {
    slot: PointerValue<'ctx>,
    /// Written only where a handler is active; copied in as each try is entered.
    lazy: bool,
}

/// Per local, whether it needs a shadow and whether the shadow is lazy (see the module comment).
#[derive(Debug, Default)]
pub struct ShadowPlan {
    pub shadowed: Vec<bool>,
    pub lazy: Vec<bool>,
}

/// An open construct, as the plan needs it.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Try,
    /// A loop: the index of its `loop`.
    Loop(usize),
    Other,
}

impl ShadowPlan {
    /// The plan of a body with a try; `last_read[i]` is the index of the last `local.get` of local
    /// `i`.
    pub fn new(ops: &[Operator<'_>], last_read: &[Option<usize>]) -> ShadowPlan {
        // The loops with a try inside, and where a landing can first come back to.
        let mut loops_with_try = std::collections::HashSet::new();
        let mut reach = None;
        let mut open = Vec::new();
        for (at, op) in ops.iter().enumerate() {
            match op {
                Operator::TryTable { .. } | Operator::Try { .. } => {
                    for o in &open {
                        if let Open::Loop(start) = o {
                            loops_with_try.insert(*start);
                        }
                    }
                    let outermost_loop = open.iter().find_map(|o| match o {
                        Open::Loop(start) => Some(*start),
                        _ => None,
                    });
                    reach.get_or_insert(outermost_loop.unwrap_or(at));
                    open.push(Open::Try);
                }
                Operator::Loop { .. } => open.push(Open::Loop(at)),
                Operator::Block { .. } | Operator::If { .. } => open.push(Open::Other),
                Operator::End | Operator::Delegate { .. } => {
                    open.pop();
                }
                _ => {}
            }
        }
        let shadowed: Vec<bool> =
            last_read.iter().map(|r| matches!((r, reach), (Some(r), Some(f)) if *r >= f)).collect();
        // Lazy: written in a loop with no try inside it, outside every try.
        let mut lazy = vec![false; shadowed.len()];
        let mut open = Vec::new();
        for (at, op) in ops.iter().enumerate() {
            match op {
                Operator::TryTable { .. } | Operator::Try { .. } => open.push(Open::Try),
                Operator::Loop { .. } => open.push(Open::Loop(at)),
                Operator::Block { .. } | Operator::If { .. } => open.push(Open::Other),
                Operator::End | Operator::Delegate { .. } => {
                    open.pop();
                }
                Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                    let outside_tries = !open.contains(&Open::Try);
                    let in_loop_without_try = open.iter().rev().find_map(|o| match o {
                        Open::Loop(start) => Some(!loops_with_try.contains(start)),
                        _ => None,
                    });
                    if outside_tries && in_loop_without_try == Some(true) {
                        if let Some(l) = lazy.get_mut(*local_index as usize) {
                            *l = true;
                        }
                    }
                }
                _ => {}
            }
        }
        for (l, s) in lazy.iter_mut().zip(&shadowed) {
            *l &= *s;
        }
        ShadowPlan { shadowed, lazy }
    }
}

fn llvm(e: inkwell::values::InstructionValueError) -> CompileError {
    crate::error::internal(e.to_string())
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Gives the locals of `plan` their shadows, holding the locals' first values.
    pub(super) fn make_shadows(&mut self, plan: &ShadowPlan) -> Result<()> {
        self.shadows = vec![None; self.locals.len()];
        for (i, _) in plan.shadowed.iter().enumerate().filter(|(_, &s)| s) {
            let (local, ty) = self.locals[i];
            let slot = self.builder.build_alloca(ty, "shadow")?;
            let first = self.builder.build_load(ty, local, "")?;
            self.builder.build_store(slot, first)?.set_volatile(true).map_err(llvm)?;
            self.shadows[i] = Some(Shadow { slot, lazy: plan.lazy[i] });
        }
        Ok(())
    }

    /// Local `index` now holds `v`: its shadow too, unless it is lazy and no handler is active.
    pub(super) fn write_shadow(&mut self, index: u32, v: BasicValueEnum<'ctx>) -> Result<()> {
        if let Some(Some(shadow)) = self.shadows.get(index as usize).copied() {
            if !shadow.lazy || self.active_handlers() > 0 {
                self.builder.build_store(shadow.slot, v)?.set_volatile(true).map_err(llvm)?;
            }
        }
        Ok(())
    }

    /// A try is entered: the lazy locals' shadows take their current values.
    pub(super) fn sync_lazy_shadows(&mut self) -> Result<()> {
        for (i, shadow) in self.shadows.iter().enumerate() {
            if let Some(Shadow { slot, lazy: true }) = shadow {
                let (local, ty) = self.locals[i];
                let v = self.builder.build_load(ty, local, "")?;
                self.builder.build_store(*slot, v)?.set_volatile(true).map_err(llvm)?;
            }
        }
        Ok(())
    }

    /// At a landing: every shadowed local takes its shadow's value, the one it had at the throw.
    pub(super) fn reload_shadows(&mut self) -> Result<()> {
        for (i, shadow) in self.shadows.iter().enumerate() {
            if let Some(shadow) = shadow {
                let (local, ty) = self.locals[i];
                let v = self.builder.build_load(ty, shadow.slot, "")?;
                super::instruction(v)?.set_volatile(true).map_err(llvm)?;
                self.builder.build_store(local, v)?;
            }
        }
        Ok(())
    }
}
