//! Calls: direct calls to defined functions, calls to imports through their `w2n_func` record,
//! `call_indirect` with its three checks (index in bounds, non-null, signature), `call_ref`, and the
//! tail-call forms (`return_call*`), which become LLVM `musttail` calls when caller and callee have
//! the same native type (the common case: mutual recursion between same-typed functions), and a
//! call followed by a return otherwise. A function holding a `try_table` calls `_setjmp`, and
//! LLVM's backends cannot tail-call out of a function that calls a returns-twice function (a
//! `musttail` there aborts code generation): its tail calls are plain calls, so tail recursion
//! through such a function uses stack and ends in `call stack exhausted` rather than running
//! forever. The same holds where the target's calling convention passes part of the signature in
//! memory, which LLVM cannot tail-call either (`musttail_fits`): x86-64 returns at most 3 integers
//! and 4 float/vector values in registers; RISC-V returns 2 of each, takes 8 integer arguments
//! (floats past 8 go there too) and passes v128 by reference; AArch64 has no such limit.

use super::FuncTranslator;
use crate::abi;
use crate::error::Result;
use crate::trap::Trap;
use inkwell::types::FunctionType;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, CallSiteValue, PointerValue};
use wasmparser::Operator;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_call(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::Call { function_index } => self.call_function(function_index, false),
            Operator::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index, false),
            Operator::CallRef { type_index } => self.call_ref(type_index, false),
            Operator::ReturnCall { function_index } => self.call_function(function_index, true),
            Operator::ReturnCallIndirect { type_index, table_index } => {
                self.call_indirect(type_index, table_index, true)
            }
            Operator::ReturnCallRef { type_index } => self.call_ref(type_index, true),
            _ => Err(crate::error::internal(format!("not a call: {op:?}"))),
        }
    }

    fn call_function(&mut self, index: u32, tail: bool) -> Result<()> {
        let ft = self.unit.info.func_type(index).clone();
        let args = self.pop_n(ft.params.len())?;
        let fn_ty = self.unit.wasm_fn_type(&ft);
        if index < self.unit.info.num_imported_funcs {
            let record = self.ctx_slot(self.unit.layout.funcs, index)?;
            return self.call_record(record, fn_ty, args, tail);
        }
        let callee = self.unit.wasm_function(index);
        let mut all: Vec<BasicMetadataValueEnum> = vec![self.ctx.into()];
        all.extend(args.iter().map(|&a| BasicMetadataValueEnum::from(a)));
        if tail {
            self.leave_all_handlers()?;
        }
        let call = self.builder.build_call(callee, &all, "")?;
        self.finish_call(call, fn_ty, tail)
    }

    /// Calls through a `w2n_func` record: its code with its own context.
    fn call_record(
        &mut self,
        record: PointerValue<'ctx>,
        fn_ty: FunctionType<'ctx>,
        args: Vec<BasicValueEnum<'ctx>>,
        tail: bool,
    ) -> Result<()> {
        let p = self.unit.ptr();
        let code = self.load_at(p.into(), record, abi::FUNC_CODE)?.into_pointer_value();
        let callee_ctx = self.load_at(p.into(), record, abi::FUNC_CTX)?;
        let mut all: Vec<BasicMetadataValueEnum> = vec![callee_ctx.into()];
        all.extend(args.iter().map(|&a| BasicMetadataValueEnum::from(a)));
        if tail {
            self.leave_all_handlers()?;
        }
        let call = self.builder.build_indirect_call(fn_ty, code, &all, "")?;
        self.finish_call(call, fn_ty, tail)
    }

    /// Pushes the results of a call, or for a tail call returns them at once (as a `musttail` call
    /// when the native types allow it, so that unbounded tail recursion runs in constant stack).
    fn finish_call(&mut self, call: CallSiteValue<'ctx>, fn_ty: FunctionType<'ctx>, tail: bool) -> Result<()> {
        if tail {
            if fn_ty == self.func.get_type()
                && !self.has_try_table
                && musttail_fits(&self.unit.opts.target.llvm_triple, fn_ty)
            {
                call.set_tail_call_kind(inkwell::values::LLVMTailCallKind::LLVMTailCallKindMustTail);
            }
            match call.try_as_basic_value().basic() {
                Some(v) => self.builder.build_return(Some(&v))?,
                None => self.builder.build_return(None)?,
            };
            self.reachable = false;
            return Ok(());
        }
        let n = fn_ty.get_return_type().map_or(0, |t| {
            if t.is_struct_type() {
                t.into_struct_type().count_fields() as usize
            } else {
                1
            }
        });
        self.push_call_results(call, n)
    }

    fn push_call_results(&mut self, call: CallSiteValue<'ctx>, n: usize) -> Result<()> {
        match n {
            0 => {}
            1 => self.push(
                call.try_as_basic_value().basic().ok_or_else(|| crate::error::internal("call without a result"))?,
            ),
            _ => {
                let agg = call
                    .try_as_basic_value()
                    .basic()
                    .ok_or_else(|| crate::error::internal("call without a result"))?
                    .into_struct_value();
                for i in 0..n {
                    let v = self.builder.build_extract_value(agg, i as u32, "")?;
                    self.push(v);
                }
            }
        }
        Ok(())
    }

    /// `call_ref`: the reference is statically typed, so only null needs checking.
    fn call_ref(&mut self, type_index: u32, tail: bool) -> Result<()> {
        let record = self.pop_ptr()?;
        let ft = self.unit.info.types[type_index as usize].clone();
        let args = self.pop_n(ft.params.len())?;
        let is_null = self.builder.build_is_null(record, "")?;
        self.trap_if(is_null, Trap::NullFunctionReference)?;
        let fn_ty = self.unit.wasm_fn_type(&ft);
        self.call_record(record, fn_ty, args, tail)
    }

    fn call_indirect(&mut self, type_index: u32, table_index: u32, tail: bool) -> Result<()> {
        let index = self.pop_index()?;
        let ft = self.unit.info.types[type_index as usize].clone();
        let args = self.pop_n(ft.params.len())?;
        let record = self.table_element(table_index, index, Trap::UndefinedElement)?;
        let is_null = self.builder.build_is_null(record, "")?;
        self.trap_if(is_null, Trap::UninitializedElement)?;
        let is_final = self.unit.info.type_defs[type_index as usize].is_final;
        let matches = self.func_has_type(record, type_index, is_final)?;
        let mismatch = self.builder.build_not(matches, "")?;
        self.trap_if(mismatch, Trap::IndirectCallTypeMismatch)?;
        let fn_ty = self.unit.wasm_fn_type(&ft);
        self.call_record(record, fn_ty, args, tail)
    }
}

/// Whether the native signature `fn_ty` is passed entirely in registers on the target of
/// `llvm_triple`, so that LLVM can lower a `musttail` call of it (a demoted return or an argument
/// passed by reference makes it abort code generation).
pub(super) fn musttail_fits(llvm_triple: &str, fn_ty: FunctionType<'_>) -> bool {
    use inkwell::types::BasicTypeEnum;
    #[derive(Default)]
    struct Count {
        int: usize,
        float: usize,
        vector: usize,
    }
    fn count<'a>(types: impl IntoIterator<Item = BasicTypeEnum<'a>>) -> Count {
        let mut c = Count::default();
        for t in types {
            match t {
                BasicTypeEnum::FloatType(_) => c.float += 1,
                BasicTypeEnum::VectorType(_) => c.vector += 1,
                _ => c.int += 1,
            }
        }
        c
    }
    let results = count(fn_ty.get_return_type().into_iter().flat_map(|r| match r {
        BasicTypeEnum::StructType(s) => s.get_field_types(),
        other => vec![other],
    }));
    let params = count(fn_ty.get_param_types().into_iter().filter_map(|t| BasicTypeEnum::try_from(t).ok()));
    if llvm_triple.starts_with("x86_64") {
        results.int <= 3 && results.float + results.vector <= 4
    } else if llvm_triple.starts_with("riscv64") {
        let spilled_floats = params.float.saturating_sub(8);
        results.vector == 0
            && params.vector == 0
            && results.int <= 2
            && results.float <= 2
            && params.int + spilled_floats <= 8
    } else {
        true
    }
}
