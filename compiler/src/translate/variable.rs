//! Locals (allocas that mem2reg promotes; in a function with a try, written through to shadows
//! or all kept in memory: `shadow_locals.rs`) and globals (cells reached through the context).

use super::FuncTranslator;
use crate::error::Result;
use inkwell::values::BasicValueEnum;
use wasmparser::Operator;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_variable(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::LocalGet { local_index } => {
                let (slot, ty) = self.locals[local_index as usize];
                let v = self.builder.build_load(ty, slot, "")?;
                if self.locals_in_memory {
                    super::instruction(v)?.set_volatile(true).map_err(super::llvm)?;
                }
                self.local_read(local_index, v);
                self.push(v);
            }
            Operator::LocalSet { local_index } => {
                let v = self.pop()?;
                self.store_local(local_index, v)?;
            }
            Operator::LocalTee { local_index } => {
                let v = self.peek_n(1)?[0];
                self.store_local(local_index, v)?;
                // The value left on the stack is now the local's.
                self.local_read(local_index, v);
            }
            Operator::GlobalGet { global_index } => {
                let cell = self.entity_ptr(super::Entity::Global, global_index)?;
                let ty = self.unit.llvm_type(self.unit.info.globals[global_index as usize].ty.ty);
                let v = self.load_cell(ty, cell)?;
                self.push(v);
            }
            Operator::GlobalSet { global_index } => {
                let v = self.pop()?;
                let cell = self.entity_ptr(super::Entity::Global, global_index)?;
                self.store_cell(cell, v)?;
            }
            _ => return Err(crate::error::internal(format!("not a variable operator: {op:?}"))),
        }
        Ok(())
    }

    fn store_local(&mut self, index: u32, v: BasicValueEnum<'ctx>) -> Result<()> {
        let store = self.builder.build_store(self.locals[index as usize].0, v)?;
        if self.locals_in_memory {
            store.set_volatile(true).map_err(super::llvm)?;
        }
        self.write_shadow(index, v)?;
        self.local_set(index, v)
    }
}
