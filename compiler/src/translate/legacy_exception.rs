//! The legacy exception instructions: `try`, `catch`, `catch_all`, `rethrow`, `delegate`, on the
//! handlers of `try_table` (`exception.rs`), so the two kinds nest in each other freely and an
//! exception caught by one is the same `w2n_exception` (the same `exnref`) for the other.
//!
//! - `try bt` pushes a handler and calls `_setjmp`, like a try_table; its body is a block whose
//!   handler is popped whenever control leaves it. The dispatch block, where `w2n_throw` arrives
//!   (the runtime has popped the handler), loads the exception and is left open: it becomes a chain
//!   of tests, one per clause, emitted as the clauses come.
//! - `catch tag` / `catch_all` end the previous arm (it flows to the try's end) and start a catch arm
//!   at the end of the chain: a test of the tag (whose payload is pushed) or none. The catch arms run
//!   with the try's handler inactive, so branches out of them pop nothing and an exception thrown in
//!   them goes to the handlers outside. At `end`, a chain that no `catch_all` closed rethrows.
//! - `rethrow N` throws again the exception of the try N labels out, in whose catch arm it is: the
//!   value loaded in that try's dispatch block, which dominates all its catch arms (and is not a
//!   mutable local, so `longjmp` into a nested handler does not lose it).
//! - `delegate L` ends the body; its dispatch pops the handlers of the frames between the try and
//!   the frame L labels out (counted from the frame enclosing the try), then rethrows: the exception
//!   is thrown as if from directly inside that frame, so that frame's own handler receives it (a
//!   try body or a try_table), or if it has none (a block, a loop, a catch arm) the next one
//!   outside. `w2n_handler_pop` of the outermost of those pops all of them. With L the function's
//!   label, that pops every handler of the function: the exception goes to the caller.

use super::FuncTranslator;
use crate::error::{internal, Result};
use inkwell::basic_block::BasicBlock;
use inkwell::values::PointerValue;
use wasmparser::{BlockType, Operator};

/// A legacy `try` between its `try` and its `end` (or `delegate`).
pub(super) struct OpenTry<'ctx> {
    /// Its frame's index in `FuncTranslator::frames`.
    frame: usize,
    /// The exception, loaded in the dispatch block.
    exn: PointerValue<'ctx>,
    /// Where the next clause's test goes: the end of the dispatch chain, until a `catch_all`.
    chain: Option<BasicBlock<'ctx>>,
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_legacy_exception(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::Try { blockty } => self.begin_try(blockty),
            Operator::Catch { tag_index } => self.begin_catch(Some(tag_index)),
            Operator::CatchAll => self.begin_catch(None),
            Operator::Rethrow { relative_depth } => {
                let idx = self.frames.len() - 1 - relative_depth as usize;
                let exn = self
                    .tries
                    .iter()
                    .find(|t| t.frame == idx)
                    .map(|t| t.exn)
                    .ok_or_else(|| internal("`rethrow` to a frame that is not a try"))?;
                self.rethrow(exn)
            }
            Operator::Delegate { relative_depth } => self.delegate(relative_depth),
            _ => Err(internal(format!("not an exception operator: {op:?}"))),
        }
    }

    fn begin_try(&mut self, bt: BlockType) -> Result<()> {
        let (h, dispatch, exn) = self.enter_handler()?;
        self.begin_handler_block(bt, h)?;
        self.tries.push(OpenTry { frame: self.frames.len() - 1, exn, chain: Some(dispatch) });
        Ok(())
    }

    /// The innermost open try, which the current clause belongs to.
    fn innermost_try(&mut self) -> Result<&mut OpenTry<'ctx>> {
        let top = self.frames.len() - 1;
        self.tries.last_mut().filter(|t| t.frame == top).ok_or_else(|| internal("catch clause outside a try"))
    }

    /// `catch tag` (`Some`) or `catch_all`.
    fn begin_catch(&mut self, tag: Option<u32>) -> Result<()> {
        self.begin_catch_arm()?;
        let t = self.innermost_try()?;
        let (exn, chain) = (t.exn, t.chain.ok_or_else(|| internal("catch clause after catch_all"))?);
        self.builder.position_at_end(chain);
        match tag {
            Some(tag) => {
                let matched = self.unit.llcx.append_basic_block(self.func, "catch");
                let next = self.unit.llcx.append_basic_block(self.func, "catch_next");
                let same = self.has_tag(exn, tag)?;
                self.builder.build_conditional_branch(same, matched, next)?;
                self.innermost_try()?.chain = Some(next);
                self.builder.position_at_end(matched);
                self.push_payload(exn, tag)
            }
            None => {
                self.innermost_try()?.chain = None;
                Ok(())
            }
        }
    }

    /// At the `end` of a frame (`control.rs`): if it is a try, an exception no clause caught
    /// propagates.
    pub(super) fn end_try_dispatch(&mut self) -> Result<()> {
        let top = self.frames.len() - 1;
        if self.tries.last().is_none_or(|t| t.frame != top) {
            return Ok(());
        }
        let t = self.tries.pop().ok_or_else(|| internal("try stack underflow"))?;
        if let Some(chain) = t.chain {
            let here = self.current_block()?;
            self.builder.position_at_end(chain);
            self.build_throw(t.exn)?;
            self.builder.position_at_end(here);
        }
        Ok(())
    }

    /// `delegate depth`: the body ends like a block's; its dispatch sends the exception on to the
    /// frame `depth` labels out of the try (see the banner).
    fn delegate(&mut self, depth: u32) -> Result<()> {
        let t = self.tries.pop().ok_or_else(|| internal("`delegate` outside a try"))?;
        let chain = t.chain.ok_or_else(|| internal("`delegate` after a catch clause"))?;
        let here = self.current_block()?;
        self.builder.position_at_end(chain);
        if let Some(h) = self.handler_left_by_delegate(depth) {
            self.pop_handler(h)?;
        }
        self.build_throw(t.exn)?;
        self.builder.position_at_end(here);
        self.end_frame()
    }
}
