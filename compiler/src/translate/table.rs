//! Tables and references: get/set/size/grow/fill/copy/init, elem.drop, ref.null/is_null/func.
//! Elements are pointers (`w2n_func *` or an externref); the element array may move when a table
//! grows, so it is reloaded on every access.

use super::FuncTranslator;
use crate::abi;
use crate::error::Result;
use crate::ir::runtime_fns::RuntimeFn;
use crate::trap::Trap;
use inkwell::values::{IntValue, PointerValue};
use inkwell::IntPredicate;
use wasmparser::Operator;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_table(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::TableGet { table } => {
                let index = self.pop_index()?;
                let v = self.table_element(table, index, Trap::TableOutOfBounds)?;
                self.push(v);
            }
            Operator::TableSet { table } => {
                let value = self.pop()?;
                let index = self.pop_index()?;
                let slot = self.table_slot(table, index, Trap::TableOutOfBounds)?;
                self.builder.build_store(slot, value)?;
            }
            Operator::TableSize { table } => {
                let t = self.entity_ptr(super::Entity::Table, table)?;
                let size = self.load_at(self.unit.llcx.i64_type().into(), t, abi::TABLE_SIZE)?.into_int_value();
                self.push_index_result(size, self.unit.info.tables[table as usize].table64)?;
            }
            Operator::TableGrow { table } => {
                let delta = self.pop_index()?;
                let init = self.pop()?;
                let f = self.unit.runtime_fn(RuntimeFn::TableGrow);
                let t = self.i32_const(table as u64);
                let old = self.call_value(f, &[self.ctx.into(), t.into(), init.into(), delta.into()])?;
                self.push_index_result(old.into_int_value(), self.unit.info.tables[table as usize].table64)?;
            }
            Operator::TableFill { table } => {
                let len = self.pop_index()?;
                let value = self.pop()?;
                let dst = self.pop_index()?;
                let t = self.i32_const(table as u64);
                self.call_runtime(RuntimeFn::TableFill, &[t.into(), dst.into(), value.into(), len.into()])?;
            }
            Operator::TableCopy { dst_table, src_table } => {
                let len = self.pop_index()?;
                let src = self.pop_index()?;
                let dst = self.pop_index()?;
                let (d, s) = (self.i32_const(dst_table as u64), self.i32_const(src_table as u64));
                self.call_runtime(RuntimeFn::TableCopy, &[d.into(), s.into(), dst.into(), src.into(), len.into()])?;
            }
            Operator::TableInit { elem_index, table } => {
                let len = self.pop_index()?;
                let src = self.pop_index()?;
                let dst = self.pop_index()?;
                let t = self.i32_const(table as u64);
                let seg = self.i32_const(elem_index as u64);
                let items = self.i32_const(self.unit.layout.elem_item_offsets[elem_index as usize] as u64);
                self.call_runtime(
                    RuntimeFn::TableInit,
                    &[t.into(), seg.into(), items.into(), dst.into(), src.into(), len.into()],
                )?;
            }
            Operator::ElemDrop { elem_index } => {
                let slot = self.gep_const(self.ctx, (self.unit.layout.elem_lens + 8 * elem_index) as u64)?;
                self.builder.build_store(slot, self.i64_const(0))?;
            }
            Operator::RefNull { .. } => self.push(self.unit.ptr().const_null()),
            Operator::RefIsNull => {
                let v = self.pop_ptr()?;
                let is_null = self.builder.build_is_null(v, "")?;
                self.push(self.bool_to_i32(is_null)?);
            }
            Operator::RefAsNonNull => {
                let v = self.pop_ptr()?;
                let is_null = self.builder.build_is_null(v, "")?;
                self.trap_if(is_null, Trap::NullReference)?;
                self.push(v);
            }
            Operator::RefFunc { function_index } => {
                let record = self.ctx_slot(self.unit.layout.funcs, function_index)?;
                self.push(record);
            }
            _ => return Err(crate::error::internal(format!("not a table operator: {op:?}"))),
        }
        Ok(())
    }

    /// Address of element `index` of `table`, trapping with `oob` past its size.
    fn table_slot(&mut self, table: u32, index: IntValue<'ctx>, oob: Trap) -> Result<PointerValue<'ctx>> {
        let t = self.entity_ptr(super::Entity::Table, table)?;
        let size = self.load_at(self.unit.llcx.i64_type().into(), t, abi::TABLE_SIZE)?.into_int_value();
        let out = self.builder.build_int_compare(IntPredicate::UGE, index, size, "")?;
        self.trap_if(out, oob)?;
        let elems = self.load_at(self.unit.ptr().into(), t, abi::TABLE_ELEMS)?.into_pointer_value();
        let offset = self.builder.build_int_mul(index, self.i64_const(8), "")?;
        self.gep(elems, offset)
    }

    pub(super) fn table_element(&mut self, table: u32, index: IntValue<'ctx>, oob: Trap) -> Result<PointerValue<'ctx>> {
        let slot = self.table_slot(table, index, oob)?;
        Ok(self.builder.build_load(self.unit.ptr(), slot, "")?.into_pointer_value())
    }
}
