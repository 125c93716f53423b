//! Calls into the C runtime (`runtime-lib/`) from generated code: the context pointer goes first
//! (`w2n_instance *ctx`), and addresses, indices and lengths travel as 64-bit operands whatever the
//! index type of the memory or table (i32 zero-extended; results truncated back for 32-bit ones).
//! Used by the memory, table and atomic families.

use super::FuncTranslator;
use crate::error::Result;
use crate::ir::runtime_fns::RuntimeFn;
use inkwell::values::{BasicMetadataValueEnum, IntValue};

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Pops an address, index or length (i32, or i64 for 64-bit memories and tables) as the runtime's
    /// 64-bit operand.
    pub(super) fn pop_index(&mut self) -> Result<IntValue<'ctx>> {
        let v = self.pop_int()?;
        Ok(self.builder.build_int_z_extend_or_bit_cast(v, self.unit.llcx.i64_type(), "")?)
    }

    /// Pushes a 64-bit size or old size as i64 (64-bit memories and tables) or i32.
    pub(super) fn push_index_result(&mut self, v: IntValue<'ctx>, is64: bool) -> Result<()> {
        if is64 {
            self.push(v);
        } else {
            self.push(self.builder.build_int_truncate(v, self.unit.llcx.i32_type(), "")?);
        }
        Ok(())
    }

    /// Calls runtime entry `name` with the context and `args`.
    pub(super) fn call_runtime(&mut self, rf: RuntimeFn, args: &[BasicMetadataValueEnum<'ctx>]) -> Result<()> {
        let mut all = vec![self.ctx.into()];
        all.extend_from_slice(args);
        self.builder.build_call(self.unit.runtime_fn(rf), &all, "")?;
        Ok(())
    }
}
