//! Locals across a throw: in a function with a `try_table` or a legacy `try`, a throw arrives at
//! the try's landing through `longjmp` (`exception.rs`), with the registers the `setjmp` saw and
//! the stack slots as the body left them. No SSA value of a local may cross that edge: LLVM gives
//! a loop-carried value and its next value one register or spill slot, so the body may already
//! have overwritten it (`tests/wast/locals_across_throw.wast` caught a counter one step on).
//!
//! So each local that code after a landing may read has a *shadow*, a volatile stack slot, and
//! each landing loads the shadows of the locals it may read (`landing_reads.rs`) back into them
//! before it dispatches. Everywhere else the locals are SSA values. Volatile, because the shadows
//! are read only on the landing's edge, which LLVM's CFG does not connect to the stores in the body.
//!
//! INVARIANT: wherever a handler of the function is active, the shadow of each local its landing
//! reloads holds the local's current value (a throw reaches a landing only from there). A
//! shadowed local written anywhere writes its shadow too, unless it is *lazy*: written in a loop
//! with no try inside it and outside every try, where a store per iteration would cost (and keep
//! the loop from vectorising). A lazy local's shadow is written only where a handler is active,
//! and each try copies the lazy locals its landing reloads into their shadows as it is entered.
//!
//! When the reloads and copies would take more instructions than the locals' accesses (a C++
//! function with hundreds of try regions and as many locals), every local of the function stays in
//! memory instead, each access volatile: LLVM then has nothing to keep across the landing.

use super::landing_reads;
use super::FuncTranslator;
use crate::error::Result;
use inkwell::values::{BasicValueEnum, PointerValue};
use std::collections::HashMap;
use wasmparser::Operator;

/// The shadow of a local.
#[derive(Clone, Copy, Debug)]
pub struct Shadow<'ctx> {
    slot: PointerValue<'ctx>,
    /// Written only where a handler is active; copied in as each try is entered.
    lazy: bool,
}

/// How a function with a try keeps its locals across landings (see the module comment).
#[derive(Debug, Default)]
pub struct ShadowPlan {
    /// Every local in memory, each access volatile (no shadows).
    pub in_memory: bool,
    /// Per local: shadowed, and lazy.
    pub shadowed: Vec<bool>,
    pub lazy: Vec<bool>,
    /// Per try (by the index of its opener), the locals its landing reloads.
    pub landings: HashMap<usize, Vec<u32>>,
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
    /// The plan of a body with a try and `locals` locals.
    pub fn new(ops: &[Operator<'_>], locals: usize) -> ShadowPlan {
        let landings: HashMap<usize, Vec<u32>> = landing_reads::landing_reads(ops)
            .into_iter()
            .map(|(at, reads)| (at, reads.iter().filter(|&l| (l as usize) < locals).collect()))
            .collect();
        let mut shadowed = vec![false; locals];
        for &l in landings.values().flatten() {
            shadowed[l as usize] = true;
        }
        let lazy = lazy_locals(ops, &shadowed);
        // What each strategy adds: a volatile access per local access, or the reloads, the copies
        // of lazy locals at each try, and a shadow store per write of the others.
        let accesses = ops.iter().filter(|op| local_access(op).is_some()).count();
        let writes = ops
            .iter()
            .filter(|op| !matches!(op, Operator::LocalGet { .. }))
            .filter_map(local_access)
            .filter(|&l| shadowed.get(l as usize) == Some(&true) && !lazy[l as usize])
            .count();
        let at_tries: usize = landings.values().flatten().map(|&l| 1 + lazy[l as usize] as usize).sum();
        ShadowPlan { in_memory: at_tries + writes > accesses, shadowed, lazy, landings }
    }
}

/// The local an operator reads or writes.
fn local_access(op: &Operator<'_>) -> Option<u32> {
    match *op {
        Operator::LocalGet { local_index }
        | Operator::LocalSet { local_index }
        | Operator::LocalTee { local_index } => Some(local_index),
        _ => None,
    }
}

/// Per local: shadowed and written in a loop with no try inside it, outside every try.
fn lazy_locals(ops: &[Operator<'_>], shadowed: &[bool]) -> Vec<bool> {
    let mut loops_with_try = std::collections::HashSet::new();
    let mut open = Vec::new();
    for (at, op) in ops.iter().enumerate() {
        match op {
            Operator::TryTable { .. } | Operator::Try { .. } => {
                loops_with_try.extend(open.iter().filter_map(|o| match o {
                    Open::Loop(start) => Some(*start),
                    _ => None,
                }));
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
                let l = *local_index as usize;
                if outside_tries && in_loop_without_try == Some(true) && shadowed.get(l) == Some(&true) {
                    lazy[l] = true;
                }
            }
            _ => {}
        }
    }
    lazy
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Gives the locals of `plan` their shadows, holding the locals' first values.
    pub(super) fn make_shadows(&mut self, plan: ShadowPlan) -> Result<()> {
        self.shadows = vec![None; self.locals.len()];
        self.locals_in_memory = plan.in_memory;
        if plan.in_memory {
            return Ok(());
        }
        for (i, _) in plan.shadowed.iter().enumerate().filter(|(_, &s)| s) {
            let (local, ty) = self.locals[i];
            let slot = self.builder.build_alloca(ty, "shadow")?;
            let first = self.builder.build_load(ty, local, "")?;
            self.builder.build_store(slot, first)?.set_volatile(true).map_err(super::llvm)?;
            self.shadows[i] = Some(Shadow { slot, lazy: plan.lazy[i] });
        }
        self.landing_locals = plan.landings;
        Ok(())
    }

    /// Local `index` now holds `v`: its shadow too, unless it is lazy and no handler is active.
    pub(super) fn write_shadow(&mut self, index: u32, v: BasicValueEnum<'ctx>) -> Result<()> {
        if let Some(Some(shadow)) = self.shadows.get(index as usize).copied() {
            if !shadow.lazy || self.active_handlers() > 0 {
                self.builder.build_store(shadow.slot, v)?.set_volatile(true).map_err(super::llvm)?;
            }
        }
        Ok(())
    }

    /// The locals the landing of the try being entered reloads: those of its plan, or (for a try
    /// the plan does not know) every shadowed one.
    fn landing_locals_here(&self) -> Vec<(u32, Shadow<'ctx>)> {
        let shadow = |l: u32| self.shadows.get(l as usize).copied().flatten().map(|s| (l, s));
        match self.landing_locals.get(&self.op_at) {
            Some(locals) => locals.iter().filter_map(|&l| shadow(l)).collect(),
            None => (0..self.shadows.len() as u32).filter_map(shadow).collect(),
        }
    }

    /// A try is entered: the lazy locals its landing reloads take their current values.
    pub(super) fn sync_lazy_shadows(&mut self) -> Result<()> {
        for (l, shadow) in self.landing_locals_here() {
            if shadow.lazy {
                let (local, ty) = self.locals[l as usize];
                let v = self.builder.build_load(ty, local, "")?;
                self.builder.build_store(shadow.slot, v)?.set_volatile(true).map_err(super::llvm)?;
            }
        }
        Ok(())
    }

    /// At the landing of the try being entered: the locals it may read take their shadows'
    /// values, the ones they had at the throw.
    pub(super) fn reload_shadows(&mut self) -> Result<()> {
        for (l, shadow) in self.landing_locals_here() {
            let (local, ty) = self.locals[l as usize];
            let v = self.builder.build_load(ty, shadow.slot, "")?;
            super::instruction(v)?.set_volatile(true).map_err(super::llvm)?;
            self.builder.build_store(local, v)?;
        }
        Ok(())
    }
}
