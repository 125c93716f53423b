//! Calls: direct calls to defined functions, calls to imports through their `w2n_func` record, and
//! `call_indirect` with its three checks (index in bounds, non-null, signature).

use super::FuncTranslator;
use crate::abi;
use crate::error::Result;
use crate::trap::Trap;
use inkwell::types::FunctionType;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, CallSiteValue, PointerValue};
use inkwell::IntPredicate;
use wasmparser::Operator;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_call(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::Call { function_index } => self.call_function(function_index),
            Operator::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index),
            Operator::CallRef { type_index } => self.call_ref(type_index),
            _ => unreachable!("not a call: {op:?}"),
        }
    }

    fn call_function(&mut self, index: u32) -> Result<()> {
        let ft = self.u.info.func_type(index).clone();
        let args = self.pop_n(ft.params.len())?;
        if index < self.u.info.num_imported_funcs {
            let record = self.ctx_slot(self.u.layout.funcs, index)?;
            let fn_ty = self.u.wasm_fn_type(&ft);
            return self.call_record(record, fn_ty, args);
        }
        let callee = self.u.wasm_function(index);
        let mut all: Vec<BasicMetadataValueEnum> = vec![self.vmctx.into()];
        all.extend(args.iter().map(|&a| BasicMetadataValueEnum::from(a)));
        let call = self.b.build_call(callee, &all, "")?;
        self.push_call_results(call, ft.results.len())
    }

    /// Calls through a `w2n_func` record: its code with its own context.
    fn call_record(&mut self, record: PointerValue<'ctx>, fn_ty: FunctionType<'ctx>, args: Vec<BasicValueEnum<'ctx>>) -> Result<()> {
        let p = self.u.ptr();
        let code = self.load_at(p.into(), record, abi::FUNC_CODE)?.into_pointer_value();
        let callee_ctx = self.load_at(p.into(), record, abi::FUNC_CTX)?;
        let mut all: Vec<BasicMetadataValueEnum> = vec![callee_ctx.into()];
        all.extend(args.iter().map(|&a| BasicMetadataValueEnum::from(a)));
        let call = self.b.build_indirect_call(fn_ty, code, &all, "")?;
        let n = fn_ty.get_return_type().map_or(0, |t| if t.is_struct_type() { t.into_struct_type().count_fields() as usize } else { 1 });
        self.push_call_results(call, n)
    }

    fn push_call_results(&mut self, call: CallSiteValue<'ctx>, n: usize) -> Result<()> {
        match n {
            0 => {}
            1 => self.push(call.try_as_basic_value().basic().expect("one result")),
            _ => {
                let agg = call.try_as_basic_value().basic().expect("results").into_struct_value();
                for i in 0..n {
                    let v = self.b.build_extract_value(agg, i as u32, "")?;
                    self.push(v);
                }
            }
        }
        Ok(())
    }

    /// `call_ref`: the reference is statically typed, so only null needs checking.
    fn call_ref(&mut self, type_index: u32) -> Result<()> {
        let record = self.pop()?.into_pointer_value();
        let ft = self.u.info.types[type_index as usize].clone();
        let args = self.pop_n(ft.params.len())?;
        let is_null = self.b.build_is_null(record, "")?;
        self.trap_if(is_null, Trap::NullFunctionReference)?;
        let fn_ty = self.u.wasm_fn_type(&ft);
        self.call_record(record, fn_ty, args)
    }

    fn call_indirect(&mut self, type_index: u32, table_index: u32) -> Result<()> {
        let index = self.pop_index()?;
        let ft = self.u.info.types[type_index as usize].clone();
        let args = self.pop_n(ft.params.len())?;
        let record = self.table_element(table_index, index, Trap::UndefinedElement)?;
        let is_null = self.b.build_is_null(record, "")?;
        self.trap_if(is_null, Trap::UninitializedElement)?;
        let i32t = self.u.llcx.i32_type();
        let actual = self.load_at(i32t.into(), record, abi::FUNC_TYPE_ID)?.into_int_value();
        let expected = self.load_invariant(i32t.into(), self.vmctx, self.u.layout.type_ids + 4 * type_index)?.into_int_value();
        let mismatch = self.b.build_int_compare(IntPredicate::NE, actual, expected, "")?;
        self.trap_if(mismatch, Trap::IndirectCallTypeMismatch)?;
        let fn_ty = self.u.wasm_fn_type(&ft);
        self.call_record(record, fn_ty, args)
    }
}
