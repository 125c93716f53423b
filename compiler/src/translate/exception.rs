//! Exception handling: `try_table`, `throw`, `throw_ref`.
//!
//! A `try_table` owns a `w2n_handler` in the function's entry block: it is pushed on entry, and
//! `_setjmp` (returns twice) splits control: 0 runs the body, non-zero arrives from `w2n_throw` with
//! the exception in the handler (already popped by the runtime). The dispatch code, emitted in the
//! try_table's *outer* context (catch labels are resolved there), tests the clauses in order and
//! rethrows when none matches. Leaving the body normally or by a branch pops the handler (see
//! `FuncTranslator::add_edge`). Functions with a try_table keep their locals in memory (volatile
//! accesses): values in registers are not preserved across `longjmp`.

use super::control::FrameKind;
use super::FuncTranslator;
use crate::abi;
use crate::codegen::runtime_fns::RuntimeFn;
use crate::error::Result;
use crate::module::ValType;
use crate::trap::Trap;
use inkwell::values::{BasicValueEnum, PointerValue};
use inkwell::IntPredicate;
use wasmparser::{Catch, Operator, TryTable};

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_exception(&mut self, op: &Operator<'_>) -> Result<()> {
        match op {
            Operator::TryTable { try_table } => self.begin_try_table(try_table),
            Operator::Throw { tag_index } => self.throw(*tag_index),
            Operator::ThrowRef => {
                let exn = self.pop_ptr()?;
                let is_null = self.b.build_is_null(exn, "")?;
                self.trap_if(is_null, Trap::NullExceptionReference)?;
                self.rethrow(exn)
            }
            _ => return Err(crate::error::internal(format!("not an exception operator: {op:?}"))),
        }
    }

    fn tag_params(&self, tag: u32) -> Vec<ValType> {
        self.u.info.types[self.u.info.tags[tag as usize] as usize].params.clone()
    }

    fn throw(&mut self, tag: u32) -> Result<()> {
        let params = self.tag_params(tag);
        let values = self.pop_n(params.len())?;
        let tag_ptr = self.ctx_slot(self.u.layout.tags, tag)?;
        let n = self.i32_const(params.len() as u64);
        let exn = self
            .call_value(self.u.runtime_fn(RuntimeFn::ExceptionNew), &[self.vmctx.into(), tag_ptr.into(), n.into()])?;
        let exn = exn.into_pointer_value();
        for (i, v) in values.iter().enumerate() {
            let slot = self.gep_const(exn, (abi::EXCEPTION_VALUES + i as u32 * abi::SIZEOF_VALUE) as u64)?;
            self.store_cell(slot, *v)?;
        }
        self.rethrow(exn)
    }

    /// `w2n_throw` never returns: what follows is unreachable.
    fn rethrow(&mut self, exn: PointerValue<'ctx>) -> Result<()> {
        self.b.build_call(self.u.runtime_fn(RuntimeFn::Throw), &[self.vmctx.into(), exn.into()], "")?;
        self.b.build_unreachable()?;
        self.reachable = false;
        Ok(())
    }

    /// A handler slot in the entry block (so a try_table in a loop reuses one frame slot).
    fn handler_alloca(&mut self) -> Result<PointerValue<'ctx>> {
        let entry = self.func.get_first_basic_block().expect("entry block");
        let b = self.u.llcx.create_builder();
        match entry.get_first_instruction() {
            Some(first) => b.position_before(&first),
            None => b.position_at_end(entry),
        }
        let ty = self.u.llcx.i8_type().array_type(abi::SIZEOF_HANDLER);
        let h = b.build_alloca(ty, "handler")?;
        h.as_instruction()
            .ok_or_else(|| crate::error::internal("alloca expected"))?
            .set_alignment(16)
            .map_err(|e| crate::error::internal(e.to_string()))?;
        Ok(h)
    }

    fn begin_try_table(&mut self, tt: &TryTable) -> Result<()> {
        let h = self.handler_alloca()?;
        self.b.build_call(self.u.runtime_fn(RuntimeFn::HandlerPush), &[self.vmctx.into(), h.into()], "")?;
        let jmp = self.gep_const(h, abi::HANDLER_JMP as u64)?;
        let r = self.call_value(self.u.runtime_fn(RuntimeFn::Setjmp), &[jmp.into()])?.into_int_value();
        let caught = self.b.build_int_compare(IntPredicate::NE, r, self.i32_const(0), "caught")?;
        let body = self.u.llcx.append_basic_block(self.func, "try_body");
        let dispatch = self.u.llcx.append_basic_block(self.func, "try_dispatch");
        self.b.build_conditional_branch(caught, dispatch, body)?;

        // Dispatch in the outer context: the stack as it was below the try_table's parameters.
        let (params, _) = self.block_signature(tt.ty)?;
        let saved = self.stack.clone();
        self.stack.truncate(self.stack.len() - params.len());
        self.b.position_at_end(dispatch);
        let exn = self.load_at(self.u.ptr().into(), h, abi::HANDLER_EXN)?.into_pointer_value();
        self.dispatch_catches(&tt.catches, exn)?;
        self.stack = saved;

        self.b.position_at_end(body);
        self.reachable = true;
        self.begin_block(tt.ty)?;
        let frame = self.top_frame_mut()?;
        frame.kind = FrameKind::Block;
        frame.handler = Some(h);
        Ok(())
    }

    fn dispatch_catches(&mut self, catches: &[Catch], exn: PointerValue<'ctx>) -> Result<()> {
        let thrown_tag = self.load_at(self.u.ptr().into(), exn, abi::EXCEPTION_TAG)?.into_pointer_value();
        for c in catches {
            let (tag, label, with_ref) = match *c {
                Catch::One { tag, label } => (Some(tag), label, false),
                Catch::OneRef { tag, label } => (Some(tag), label, true),
                Catch::All { label } => (None, label, false),
                Catch::AllRef { label } => (None, label, true),
            };
            let next = self.u.llcx.append_basic_block(self.func, "catch_next");
            let height = self.stack.len();
            if let Some(tag) = tag {
                let want = self.ctx_slot(self.u.layout.tags, tag)?;
                let matched = self.u.llcx.append_basic_block(self.func, "catch");
                let same = self.b.build_int_compare(IntPredicate::EQ, thrown_tag, want, "")?;
                self.b.build_conditional_branch(same, matched, next)?;
                self.b.position_at_end(matched);
                for (i, t) in self.tag_params(tag).into_iter().enumerate() {
                    let off = abi::EXCEPTION_VALUES + i as u32 * abi::SIZEOF_VALUE;
                    let v: BasicValueEnum = self.load_cell(self.u.llvm_type(t), self.gep_const(exn, off as u64)?)?;
                    self.push(v);
                }
            }
            if with_ref {
                self.push(exn);
            }
            let target = self.add_edge(label)?;
            self.b.build_unconditional_branch(target)?;
            self.stack.truncate(height);
            self.b.position_at_end(next);
            if tag.is_none() {
                // catch_all matched everything: what follows is unreachable.
                self.b.build_unreachable()?;
                return Ok(());
            }
        }
        self.rethrow(exn)
    }
}
