//! Exception handling: `try_table`, `throw`, `throw_ref` (the legacy `try` and its clauses are in
//! `legacy_exception.rs`, on the same handlers).
//!
//! A `try_table` owns a `w2n_handler` in a slot of the function's entry block (one per nesting
//! depth): it is pushed on entry, and a setjmp (returns twice; the runtime's `w2n_setjmp` on
//! x86-64, libc's `_setjmp` elsewhere) splits control: 0 runs the body, non-zero arrives from
//! `w2n_throw` with the exception in the handler (already popped by the runtime). The dispatch code, emitted in the
//! try_table's *outer* context (catch labels are resolved there), tests the clauses in order and
//! rethrows when none matches. Leaving the body normally or by a branch pops the handler (see
//! `FuncTranslator::add_edge`). The landing loads the locals it may read from their shadows
//! (`shadow_locals.rs`): values in registers and stack slots are not preserved across `longjmp`.

use super::FuncTranslator;
use crate::abi;
use crate::error::Result;
use crate::ir::runtime_fns::RuntimeFn;
use crate::module::ValType;
use crate::trap::Trap;
use inkwell::basic_block::BasicBlock;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use wasmparser::{Catch, Operator, TryTable};

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_exception(&mut self, op: &Operator<'_>) -> Result<()> {
        match op {
            Operator::TryTable { try_table } => self.begin_try_table(try_table),
            Operator::Throw { tag_index } => self.throw(*tag_index),
            Operator::ThrowRef => {
                let exn = self.pop_ptr()?;
                let is_null = self.builder.build_is_null(exn, "")?;
                self.trap_if(is_null, Trap::NullExceptionReference)?;
                self.rethrow(exn)
            }
            _ => self.translate_legacy_exception(op),
        }
    }

    pub(super) fn tag_params(&self, tag: u32) -> Vec<ValType> {
        self.unit.info.types[self.unit.info.tags[tag as usize] as usize].params.clone()
    }

    /// Whether the exception `exn` carries `tag`.
    pub(super) fn has_tag(&self, exn: PointerValue<'ctx>, tag: u32) -> Result<IntValue<'ctx>> {
        let thrown = self.load_at(self.unit.ptr().into(), exn, abi::EXCEPTION_TAG)?.into_pointer_value();
        let want = self.ctx_slot(self.unit.layout.tags, tag)?;
        Ok(self.builder.build_int_compare(IntPredicate::EQ, thrown, want, "")?)
    }

    /// Pushes the payload of `exn`, an exception of `tag`.
    pub(super) fn push_payload(&mut self, exn: PointerValue<'ctx>, tag: u32) -> Result<()> {
        for (i, t) in self.tag_params(tag).into_iter().enumerate() {
            let off = abi::EXCEPTION_VALUES + i as u32 * abi::SIZEOF_VALUE;
            let v: BasicValueEnum = self.load_cell(self.unit.llvm_type(t), self.gep_const(exn, off as u64)?)?;
            self.push(v);
        }
        Ok(())
    }

    fn throw(&mut self, tag: u32) -> Result<()> {
        let params = self.tag_params(tag);
        let values = self.pop_n(params.len())?;
        let tag_ptr = self.ctx_slot(self.unit.layout.tags, tag)?;
        let n = self.i32_const(params.len() as u64);
        let exn = self
            .call_value(self.unit.runtime_fn(RuntimeFn::ExceptionNew), &[self.ctx.into(), tag_ptr.into(), n.into()])?;
        let exn = exn.into_pointer_value();
        for (i, v) in values.iter().enumerate() {
            let slot = self.gep_const(exn, (abi::EXCEPTION_VALUES + i as u32 * abi::SIZEOF_VALUE) as u64)?;
            self.store_cell(slot, *v)?;
        }
        self.rethrow(exn)
    }

    /// `w2n_throw` never returns: what follows is unreachable.
    pub(super) fn rethrow(&mut self, exn: PointerValue<'ctx>) -> Result<()> {
        self.build_throw(exn)?;
        self.reachable = false;
        Ok(())
    }

    /// Throws `exn` from the current block, which it terminates, whatever the state of the
    /// operator being translated (dispatch code emitted out of line).
    pub(super) fn build_throw(&self, exn: PointerValue<'ctx>) -> Result<()> {
        self.builder.build_call(self.unit.runtime_fn(RuntimeFn::Throw), &[self.ctx.into(), exn.into()], "")?;
        self.builder.build_unreachable()?;
        Ok(())
    }

    /// The frame slot of a handler pushed with `depth` of the function's handlers active: one per
    /// depth, in the entry block. Handlers active at once have different depths; one at the same
    /// depth as an earlier one starts after that one was popped (its exception already loaded),
    /// so the slot is free. A slot per try would give a C++ function with hundreds of try regions
    /// a frame of hundreds of KiB (with `returns_twice`, LLVM does not share stack slots), each
    /// try touching new cache lines.
    fn handler_slot(&mut self, depth: usize) -> Result<PointerValue<'ctx>> {
        while self.handler_slots.len() <= depth {
            let slot = self.handler_alloca()?;
            self.handler_slots.push(slot);
        }
        Ok(self.handler_slots[depth])
    }

    /// A handler's bytes in the entry block.
    fn handler_alloca(&mut self) -> Result<PointerValue<'ctx>> {
        let entry = self.func.get_first_basic_block().expect("entry block");
        let b = self.unit.llcx.create_builder();
        match entry.get_first_instruction() {
            Some(first) => b.position_before(&first),
            None => b.position_at_end(entry),
        }
        let ty = self.unit.llcx.i8_type().array_type(abi::SIZEOF_HANDLER);
        let h = b.build_alloca(ty, "handler")?;
        h.as_instruction()
            .ok_or_else(|| crate::error::internal("alloca expected"))?
            .set_alignment(16)
            .map_err(|e| crate::error::internal(e.to_string()))?;
        Ok(h)
    }

    /// Pushes a new handler and sets its landing point (`w2n_setjmp` on x86-64, libc's `_setjmp`
    /// elsewhere: `runtime-lib/src/exception.c`); continues in the body block. Returns the
    /// handler and the dispatch block, where `w2n_throw` arrives, with the exception loaded there.
    pub(super) fn enter_handler(&mut self) -> Result<(PointerValue<'ctx>, BasicBlock<'ctx>, PointerValue<'ctx>)> {
        let depth = self.active_handlers();
        let slot = self.handler_slot(depth)?;
        // Each try's own copy of its slot's address: identical `_setjmp` calls on one slot could be
        // merged by LLVM into one whose landing is another try's.
        self.tries_entered += 1;
        let h = self.opaque_copy(slot, self.tries_entered)?;
        let top = self.unit.handler_top().as_pointer_value();
        let outer = self.builder.build_load(self.unit.ptr(), top, "")?;
        self.store_at(h, abi::HANDLER_PREV, outer)?;
        self.builder.build_store(top, h)?;
        self.sync_lazy_shadows()?;
        let jmp = self.gep_const(h, abi::HANDLER_JMP as u64)?;
        let setjmp = match self.unit.opts.target.llvm_triple.starts_with("x86_64") {
            true => RuntimeFn::RuntimeSetjmp,
            false => RuntimeFn::Setjmp,
        };
        let r = self.call_value(self.unit.runtime_fn(setjmp), &[jmp.into()])?.into_int_value();
        let caught = self.builder.build_int_compare(IntPredicate::NE, r, self.i32_const(0), "caught")?;
        let body = self.unit.llcx.append_basic_block(self.func, "try_body");
        let dispatch = self.unit.llcx.append_basic_block(self.func, "try_dispatch");
        self.builder.build_conditional_branch(caught, dispatch, body)?;
        self.builder.position_at_end(dispatch);
        self.reload_shadows()?;
        let exn = self.load_at(self.unit.ptr().into(), h, abi::HANDLER_EXN)?.into_pointer_value();
        self.builder.position_at_end(body);
        Ok((h, dispatch, exn))
    }

    fn begin_try_table(&mut self, tt: &TryTable) -> Result<()> {
        let (h, dispatch, exn) = self.enter_handler()?;
        let body = self.current_block()?;

        // Dispatch in the outer context: the stack as it was below the try_table's parameters.
        let (params, _) = self.block_signature(tt.ty)?;
        let saved = self.stack.clone();
        self.stack.truncate(self.stack.len() - params.len());
        self.builder.position_at_end(dispatch);
        self.dispatch_catches(&tt.catches, exn)?;
        self.stack = saved;

        self.builder.position_at_end(body);
        self.reachable = true;
        self.begin_handler_block(tt.ty, h)
    }

    fn dispatch_catches(&mut self, catches: &[Catch], exn: PointerValue<'ctx>) -> Result<()> {
        for c in catches {
            let (tag, label, with_ref) = match *c {
                Catch::One { tag, label } => (Some(tag), label, false),
                Catch::OneRef { tag, label } => (Some(tag), label, true),
                Catch::All { label } => (None, label, false),
                Catch::AllRef { label } => (None, label, true),
            };
            let next = self.unit.llcx.append_basic_block(self.func, "catch_next");
            let height = self.stack.len();
            if let Some(tag) = tag {
                let matched = self.unit.llcx.append_basic_block(self.func, "catch");
                let same = self.has_tag(exn, tag)?;
                self.builder.build_conditional_branch(same, matched, next)?;
                self.builder.position_at_end(matched);
                self.push_payload(exn, tag)?;
            }
            if with_ref {
                self.push(exn);
            }
            let target = self.add_edge(label)?;
            self.builder.build_unconditional_branch(target)?;
            self.stack.truncate(height);
            self.builder.position_at_end(next);
            if tag.is_none() {
                // catch_all matched everything: what follows is unreachable.
                self.builder.build_unreachable()?;
                return Ok(());
            }
        }
        self.rethrow(exn)
    }
}
