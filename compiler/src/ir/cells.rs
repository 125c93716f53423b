//! IR for the runtime's memory as the translator and the init function both reach it: byte
//! offsets into records, and `w2n_value` cells.

use crate::abi;
use crate::error::Result;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValue, BasicValueEnum, IntValue, PointerValue};

/// `base + offset` in bytes: an `i8` GEP, not `inbounds` (context slots, value slots, records).
pub fn byte_offset<'ctx>(
    llcx: &'ctx Context,
    b: &Builder<'ctx>,
    base: PointerValue<'ctx>,
    offset: IntValue<'ctx>,
) -> Result<PointerValue<'ctx>> {
    // SAFETY (of the IR): an i8 GEP computes an address; inbounds is not claimed.
    Ok(unsafe { b.build_gep(llcx.i8_type(), base, &[offset], "")? })
}

/// Loads a value of type `ty` from a `w2n_value` cell (a global, a value slot, an exception
/// payload slot). Cells are 8-byte aligned (`w2n_value`'s C alignment), less than a v128's 16.
pub fn load_cell<'ctx>(
    b: &Builder<'ctx>,
    ty: BasicTypeEnum<'ctx>,
    cell: PointerValue<'ctx>,
) -> Result<BasicValueEnum<'ctx>> {
    let v = b.build_load(ty, cell, "")?;
    if ty.is_vector_type() {
        let inst = v.as_instruction_value().ok_or_else(|| crate::error::internal("a load expected"))?;
        inst.set_alignment(abi::ALIGNOF_VALUE).map_err(|e| crate::error::internal(e.to_string()))?;
    }
    Ok(v)
}

/// Stores `v` into a `w2n_value` cell (see `load_cell`).
pub fn store_cell<'ctx>(b: &Builder<'ctx>, cell: PointerValue<'ctx>, v: BasicValueEnum<'ctx>) -> Result<()> {
    let store = b.build_store(cell, v)?;
    if v.is_vector_value() {
        store.set_alignment(abi::ALIGNOF_VALUE).map_err(|e| crate::error::internal(e.to_string()))?;
    }
    Ok(())
}
