//! v128 loads and stores. Addresses and bounds come from `effective_address` of `memory.rs`, so
//! the rules of its banner hold unchanged: the access size is 16 for `v128.load`/`store`, 8 for the
//! extending loads, the lane's size for splat, zero and lane forms. Every v128 load is volatile in
//! guard mode (`load_kept`): LLVM would otherwise narrow a load to the lanes used, or delete it.

use super::simd::*;
use super::FuncTranslator;
use crate::error::Result;
use wasmparser::{MemArg, Operator};

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn simd_memory(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        match *op {
            V128Load { memarg } => {
                let v = self.load_kept(memarg, self.v128_type().into())?;
                self.push(v)
            }
            V128Store { memarg } => {
                let v = self.pop()?;
                self.store_raw(memarg, v)?
            }
            V128Load8x8S { memarg } => self.load_extend(memarg, I8x16, true)?,
            V128Load8x8U { memarg } => self.load_extend(memarg, I8x16, false)?,
            V128Load16x4S { memarg } => self.load_extend(memarg, I16x8, true)?,
            V128Load16x4U { memarg } => self.load_extend(memarg, I16x8, false)?,
            V128Load32x2S { memarg } => self.load_extend(memarg, I32x4, true)?,
            V128Load32x2U { memarg } => self.load_extend(memarg, I32x4, false)?,
            V128Load8Splat { memarg } => self.load_splat(memarg, I8x16)?,
            V128Load16Splat { memarg } => self.load_splat(memarg, I16x8)?,
            V128Load32Splat { memarg } => self.load_splat(memarg, I32x4)?,
            V128Load64Splat { memarg } => self.load_splat(memarg, I64x2)?,
            V128Load32Zero { memarg } => self.load_zero(memarg, I32x4)?,
            V128Load64Zero { memarg } => self.load_zero(memarg, I64x2)?,
            V128Load8Lane { memarg, lane } => self.load_lane(memarg, I8x16, lane)?,
            V128Load16Lane { memarg, lane } => self.load_lane(memarg, I16x8, lane)?,
            V128Load32Lane { memarg, lane } => self.load_lane(memarg, I32x4, lane)?,
            V128Load64Lane { memarg, lane } => self.load_lane(memarg, I64x2, lane)?,
            V128Store8Lane { memarg, lane } => self.store_lane(memarg, I8x16, lane)?,
            V128Store16Lane { memarg, lane } => self.store_lane(memarg, I16x8, lane)?,
            V128Store32Lane { memarg, lane } => self.store_lane(memarg, I32x4, lane)?,
            V128Store64Lane { memarg, lane } => self.store_lane(memarg, I64x2, lane)?,
            _ => return Err(crate::error::internal(format!("not a SIMD memory operator: {op:?}"))),
        }
        Ok(())
    }

    /// 8 bytes read as half a vector of `from` lanes, each extended to twice its width.
    fn load_extend(&mut self, memarg: MemArg, from: Shape, signed: bool) -> Result<()> {
        let half = self.int_vec(from.lane_bits(), from.lanes() / 2);
        let v = self.load_kept(memarg, half.into())?.into_vector_value();
        let v = self.widen(v, 2 * from.lane_bits(), signed)?;
        self.push_v(v)
    }

    fn load_splat(&mut self, memarg: MemArg, s: Shape) -> Result<()> {
        let x = self.load_kept(memarg, self.lane_type(s))?;
        let v = self.splat(x, s.lanes())?;
        self.push_v(v)
    }

    /// One lane loaded into lane 0, the others zero.
    fn load_zero(&mut self, memarg: MemArg, s: Shape) -> Result<()> {
        let x = self.load_kept(memarg, self.lane_type(s))?;
        let v = self.builder.build_insert_element(self.vec_type(s).const_zero(), x, self.i32_const(0), "")?;
        self.push_v(v)
    }

    /// The vector operand is on top of the address: pop it first.
    fn load_lane(&mut self, memarg: MemArg, s: Shape, lane: u8) -> Result<()> {
        let v = self.pop_v(s)?;
        let x = self.load_kept(memarg, self.lane_type(s))?;
        let v = self.builder.build_insert_element(v, x, self.i32_const(lane as u64), "")?;
        self.push_v(v)
    }

    fn store_lane(&mut self, memarg: MemArg, s: Shape, lane: u8) -> Result<()> {
        let v = self.pop_v(s)?;
        let x = self.builder.build_extract_element(v, self.i32_const(lane as u64), "")?;
        self.store_raw(memarg, x)
    }
}
