//! SIMD lane arithmetic: integer and float operators, comparisons, shifts and the boolean
//! reductions (`all_true`, `bitmask`). Integer lanes wrap; the saturating and min/max forms are
//! LLVM's `*.sat`/`smin`... intrinsics; shifts take the count modulo the lane width; float min/max
//! follow Wasm (NaN in, canonical NaN out; -0 < +0) and pmin/pmax are the plain `b < a ? b : a`.

use super::simd::*;
use super::FuncTranslator;
use crate::error::Result;
use inkwell::values::VectorValue;
use inkwell::{FloatPredicate, IntPredicate};
use wasmparser::Operator;

#[derive(Clone, Copy)]
enum Shift {
    Left,
    RightSigned,
    RightUnsigned,
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn simd_arith(&mut self, op: &Operator<'_>) -> Result<()> {
        use IntPredicate::*;
        use Operator::*;
        match *op {
            I8x16Eq => self.v_icmp(I8x16, EQ)?,
            I8x16Ne => self.v_icmp(I8x16, NE)?,
            I8x16LtS => self.v_icmp(I8x16, SLT)?,
            I8x16LtU => self.v_icmp(I8x16, ULT)?,
            I8x16GtS => self.v_icmp(I8x16, SGT)?,
            I8x16GtU => self.v_icmp(I8x16, UGT)?,
            I8x16LeS => self.v_icmp(I8x16, SLE)?,
            I8x16LeU => self.v_icmp(I8x16, ULE)?,
            I8x16GeS => self.v_icmp(I8x16, SGE)?,
            I8x16GeU => self.v_icmp(I8x16, UGE)?,
            I16x8Eq => self.v_icmp(I16x8, EQ)?,
            I16x8Ne => self.v_icmp(I16x8, NE)?,
            I16x8LtS => self.v_icmp(I16x8, SLT)?,
            I16x8LtU => self.v_icmp(I16x8, ULT)?,
            I16x8GtS => self.v_icmp(I16x8, SGT)?,
            I16x8GtU => self.v_icmp(I16x8, UGT)?,
            I16x8LeS => self.v_icmp(I16x8, SLE)?,
            I16x8LeU => self.v_icmp(I16x8, ULE)?,
            I16x8GeS => self.v_icmp(I16x8, SGE)?,
            I16x8GeU => self.v_icmp(I16x8, UGE)?,
            I32x4Eq => self.v_icmp(I32x4, EQ)?,
            I32x4Ne => self.v_icmp(I32x4, NE)?,
            I32x4LtS => self.v_icmp(I32x4, SLT)?,
            I32x4LtU => self.v_icmp(I32x4, ULT)?,
            I32x4GtS => self.v_icmp(I32x4, SGT)?,
            I32x4GtU => self.v_icmp(I32x4, UGT)?,
            I32x4LeS => self.v_icmp(I32x4, SLE)?,
            I32x4LeU => self.v_icmp(I32x4, ULE)?,
            I32x4GeS => self.v_icmp(I32x4, SGE)?,
            I32x4GeU => self.v_icmp(I32x4, UGE)?,
            I64x2Eq => self.v_icmp(I64x2, EQ)?,
            I64x2Ne => self.v_icmp(I64x2, NE)?,
            I64x2LtS => self.v_icmp(I64x2, SLT)?,
            I64x2GtS => self.v_icmp(I64x2, SGT)?,
            I64x2LeS => self.v_icmp(I64x2, SLE)?,
            I64x2GeS => self.v_icmp(I64x2, SGE)?,
            F32x4Eq => self.v_fcmp(F32x4, FloatPredicate::OEQ)?,
            F32x4Ne => self.v_fcmp(F32x4, FloatPredicate::UNE)?,
            F32x4Lt => self.v_fcmp(F32x4, FloatPredicate::OLT)?,
            F32x4Gt => self.v_fcmp(F32x4, FloatPredicate::OGT)?,
            F32x4Le => self.v_fcmp(F32x4, FloatPredicate::OLE)?,
            F32x4Ge => self.v_fcmp(F32x4, FloatPredicate::OGE)?,
            F64x2Eq => self.v_fcmp(F64x2, FloatPredicate::OEQ)?,
            F64x2Ne => self.v_fcmp(F64x2, FloatPredicate::UNE)?,
            F64x2Lt => self.v_fcmp(F64x2, FloatPredicate::OLT)?,
            F64x2Gt => self.v_fcmp(F64x2, FloatPredicate::OGT)?,
            F64x2Le => self.v_fcmp(F64x2, FloatPredicate::OLE)?,
            F64x2Ge => self.v_fcmp(F64x2, FloatPredicate::OGE)?,

            I8x16Add => self.v_binop(I8x16, |b, x, y| b.build_int_add(x, y, ""))?,
            I16x8Add => self.v_binop(I16x8, |b, x, y| b.build_int_add(x, y, ""))?,
            I32x4Add => self.v_binop(I32x4, |b, x, y| b.build_int_add(x, y, ""))?,
            I64x2Add => self.v_binop(I64x2, |b, x, y| b.build_int_add(x, y, ""))?,
            I8x16Sub => self.v_binop(I8x16, |b, x, y| b.build_int_sub(x, y, ""))?,
            I16x8Sub => self.v_binop(I16x8, |b, x, y| b.build_int_sub(x, y, ""))?,
            I32x4Sub => self.v_binop(I32x4, |b, x, y| b.build_int_sub(x, y, ""))?,
            I64x2Sub => self.v_binop(I64x2, |b, x, y| b.build_int_sub(x, y, ""))?,
            I16x8Mul => self.v_binop(I16x8, |b, x, y| b.build_int_mul(x, y, ""))?,
            I32x4Mul => self.v_binop(I32x4, |b, x, y| b.build_int_mul(x, y, ""))?,
            I64x2Mul => self.v_binop(I64x2, |b, x, y| b.build_int_mul(x, y, ""))?,
            I8x16AddSatS => self.v_intrinsic(I8x16, "llvm.sadd.sat", 2)?,
            I8x16AddSatU => self.v_intrinsic(I8x16, "llvm.uadd.sat", 2)?,
            I8x16SubSatS => self.v_intrinsic(I8x16, "llvm.ssub.sat", 2)?,
            I8x16SubSatU => self.v_intrinsic(I8x16, "llvm.usub.sat", 2)?,
            I16x8AddSatS => self.v_intrinsic(I16x8, "llvm.sadd.sat", 2)?,
            I16x8AddSatU => self.v_intrinsic(I16x8, "llvm.uadd.sat", 2)?,
            I16x8SubSatS => self.v_intrinsic(I16x8, "llvm.ssub.sat", 2)?,
            I16x8SubSatU => self.v_intrinsic(I16x8, "llvm.usub.sat", 2)?,
            I8x16MinS => self.v_intrinsic(I8x16, "llvm.smin", 2)?,
            I8x16MinU => self.v_intrinsic(I8x16, "llvm.umin", 2)?,
            I8x16MaxS => self.v_intrinsic(I8x16, "llvm.smax", 2)?,
            I8x16MaxU => self.v_intrinsic(I8x16, "llvm.umax", 2)?,
            I16x8MinS => self.v_intrinsic(I16x8, "llvm.smin", 2)?,
            I16x8MinU => self.v_intrinsic(I16x8, "llvm.umin", 2)?,
            I16x8MaxS => self.v_intrinsic(I16x8, "llvm.smax", 2)?,
            I16x8MaxU => self.v_intrinsic(I16x8, "llvm.umax", 2)?,
            I32x4MinS => self.v_intrinsic(I32x4, "llvm.smin", 2)?,
            I32x4MinU => self.v_intrinsic(I32x4, "llvm.umin", 2)?,
            I32x4MaxS => self.v_intrinsic(I32x4, "llvm.smax", 2)?,
            I32x4MaxU => self.v_intrinsic(I32x4, "llvm.umax", 2)?,
            I8x16AvgrU => self.avgr_u(I8x16)?,
            I16x8AvgrU => self.avgr_u(I16x8)?,
            I8x16Abs => self.v_abs(I8x16)?,
            I16x8Abs => self.v_abs(I16x8)?,
            I32x4Abs => self.v_abs(I32x4)?,
            I64x2Abs => self.v_abs(I64x2)?,
            I8x16Neg => self.v_neg(I8x16)?,
            I16x8Neg => self.v_neg(I16x8)?,
            I32x4Neg => self.v_neg(I32x4)?,
            I64x2Neg => self.v_neg(I64x2)?,
            I8x16Popcnt => self.v_intrinsic(I8x16, "llvm.ctpop", 1)?,

            I8x16Shl => self.v_shift(I8x16, Shift::Left)?,
            I8x16ShrS => self.v_shift(I8x16, Shift::RightSigned)?,
            I8x16ShrU => self.v_shift(I8x16, Shift::RightUnsigned)?,
            I16x8Shl => self.v_shift(I16x8, Shift::Left)?,
            I16x8ShrS => self.v_shift(I16x8, Shift::RightSigned)?,
            I16x8ShrU => self.v_shift(I16x8, Shift::RightUnsigned)?,
            I32x4Shl => self.v_shift(I32x4, Shift::Left)?,
            I32x4ShrS => self.v_shift(I32x4, Shift::RightSigned)?,
            I32x4ShrU => self.v_shift(I32x4, Shift::RightUnsigned)?,
            I64x2Shl => self.v_shift(I64x2, Shift::Left)?,
            I64x2ShrS => self.v_shift(I64x2, Shift::RightSigned)?,
            I64x2ShrU => self.v_shift(I64x2, Shift::RightUnsigned)?,

            I8x16AllTrue => self.all_true(I8x16)?,
            I16x8AllTrue => self.all_true(I16x8)?,
            I32x4AllTrue => self.all_true(I32x4)?,
            I64x2AllTrue => self.all_true(I64x2)?,
            I8x16Bitmask => self.bitmask(I8x16)?,
            I16x8Bitmask => self.bitmask(I16x8)?,
            I32x4Bitmask => self.bitmask(I32x4)?,
            I64x2Bitmask => self.bitmask(I64x2)?,

            F32x4Add => self.v_float_binop(F32x4, |b, x, y| b.build_float_add(x, y, ""))?,
            F64x2Add => self.v_float_binop(F64x2, |b, x, y| b.build_float_add(x, y, ""))?,
            F32x4Sub => self.v_float_binop(F32x4, |b, x, y| b.build_float_sub(x, y, ""))?,
            F64x2Sub => self.v_float_binop(F64x2, |b, x, y| b.build_float_sub(x, y, ""))?,
            F32x4Mul => self.v_float_binop(F32x4, |b, x, y| b.build_float_mul(x, y, ""))?,
            F64x2Mul => self.v_float_binop(F64x2, |b, x, y| b.build_float_mul(x, y, ""))?,
            F32x4Div => self.v_float_binop(F32x4, |b, x, y| b.build_float_div(x, y, ""))?,
            F64x2Div => self.v_float_binop(F64x2, |b, x, y| b.build_float_div(x, y, ""))?,
            F32x4Min => self.v_min_max(F32x4, true)?,
            F64x2Min => self.v_min_max(F64x2, true)?,
            F32x4Max => self.v_min_max(F32x4, false)?,
            F64x2Max => self.v_min_max(F64x2, false)?,
            F32x4PMin => self.pmin_pmax(F32x4, true)?,
            F64x2PMin => self.pmin_pmax(F64x2, true)?,
            F32x4PMax => self.pmin_pmax(F32x4, false)?,
            F64x2PMax => self.pmin_pmax(F64x2, false)?,
            F32x4Abs => self.v_intrinsic(F32x4, "llvm.fabs", 1)?,
            F64x2Abs => self.v_intrinsic(F64x2, "llvm.fabs", 1)?,
            F32x4Neg => self.v_fneg(F32x4)?,
            F64x2Neg => self.v_fneg(F64x2)?,
            F32x4Sqrt => self.v_intrinsic(F32x4, "llvm.sqrt", 1)?,
            F64x2Sqrt => self.v_intrinsic(F64x2, "llvm.sqrt", 1)?,
            F32x4Ceil => self.v_rounding(F32x4, "llvm.ceil")?,
            F64x2Ceil => self.v_rounding(F64x2, "llvm.ceil")?,
            F32x4Floor => self.v_rounding(F32x4, "llvm.floor")?,
            F64x2Floor => self.v_rounding(F64x2, "llvm.floor")?,
            F32x4Trunc => self.v_rounding(F32x4, "llvm.trunc")?,
            F64x2Trunc => self.v_rounding(F64x2, "llvm.trunc")?,
            F32x4Nearest => self.v_rounding(F32x4, "llvm.roundeven")?,
            F64x2Nearest => self.v_rounding(F64x2, "llvm.roundeven")?,
            _ => return Err(crate::error::internal(format!("not a SIMD arithmetic operator: {op:?}"))),
        }
        Ok(())
    }

    /// ceil/floor/trunc/nearest. x86 (roundps) and AArch64 (frint*) quiet a signalling NaN as Wasm
    /// requires; other lowerings (RISC-V without Zfa) may pass it through, so there NaN lanes
    /// become the canonical NaN.
    fn v_rounding(&mut self, s: Shape, intrinsic: &str) -> Result<()> {
        let x = self.pop_v(s)?;
        let v = self.v_call(intrinsic, &[self.vec_type(s).into()], &[x.into()])?;
        let quiets = self.isa().x86 || self.unit.opts.target.llvm_triple.starts_with("aarch64");
        let v = if quiets { v } else { self.quiet_nan_lanes(s, x, x, v)? };
        self.push_v(v)
    }

    /// A comparison: each lane all ones when it holds, else zero.
    fn v_icmp(&mut self, s: Shape, pred: IntPredicate) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        let c = self.builder.build_int_compare(pred, x, y, "")?;
        let v = self.builder.build_int_s_extend(c, self.vec_type(s), "")?;
        self.push_v(v)
    }

    fn v_fcmp(&mut self, s: Shape, pred: FloatPredicate) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        let c = self.builder.build_float_compare(pred, x, y, "")?;
        let v = self.builder.build_int_s_extend(c, self.vec_type(s.int()), "")?;
        self.push_v(v)
    }

    /// `llvm.abs` with `is_int_min_poison = false`: abs(MIN) is MIN in Wasm.
    fn v_abs(&mut self, s: Shape) -> Result<()> {
        let x = self.pop_v(s)?;
        let no_poison = self.unit.llcx.bool_type().const_zero();
        let v = self.v_call("llvm.abs", &[self.vec_type(s).into()], &[x.into(), no_poison.into()])?;
        self.push_v(v)
    }

    fn v_neg(&mut self, s: Shape) -> Result<()> {
        let x = self.pop_v(s)?;
        let v = self.builder.build_int_sub(self.vec_type(s).const_zero(), x, "")?;
        self.push_v(v)
    }

    /// `fneg` flips the sign bits only (NaN payloads are kept, as Wasm requires).
    fn v_fneg(&mut self, s: Shape) -> Result<()> {
        let x = self.pop_v(s)?;
        let v = self.builder.build_float_neg(x, "")?;
        self.push_v(v)
    }

    /// Rounding average `(x + y + 1) >> 1`, computed in lanes twice as wide (pavgb/pavgw on x86).
    fn avgr_u(&mut self, s: Shape) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        if self.isa().x86 {
            let name = if s == I8x16 { "llvm.x86.sse2.pavg.b" } else { "llvm.x86.sse2.pavg.w" };
            let v = self.v_call(name, &[], &[x.into(), y.into()])?;
            return self.push_v(v);
        }
        let wide = self.int_vec(2 * s.lane_bits(), s.lanes());
        let x = self.builder.build_int_z_extend(x, wide, "")?;
        let y = self.builder.build_int_z_extend(y, wide, "")?;
        let one = self.const_splat_of(wide, 1);
        let sum = self.builder.build_int_add(self.builder.build_int_add(x, y, "")?, one, "")?;
        let avg = self.builder.build_right_shift(sum, one, false, "")?;
        let v = self.builder.build_int_truncate(avg, self.vec_type(s), "")?;
        self.push_v(v)
    }

    /// Shifts by a scalar count taken modulo the lane width (LLVM's shifts are poison past it).
    fn v_shift(&mut self, s: Shape, kind: Shift) -> Result<()> {
        let count = self.pop_int()?;
        let x = self.pop_v(s)?;
        let masked = self.builder.build_and(count, self.i32_const(s.lane_bits() as u64 - 1), "")?;
        let lane_ty = self.lane_type(s).into_int_type();
        let n = self.builder.build_int_cast_sign_flag(masked, lane_ty, false, "")?;
        let n = self.splat(n.into(), s.lanes())?;
        let v = match kind {
            Shift::Left => self.builder.build_left_shift(x, n, "")?,
            Shift::RightSigned => self.builder.build_right_shift(x, n, true, "")?,
            Shift::RightUnsigned => self.builder.build_right_shift(x, n, false, "")?,
        };
        self.push_v(v)
    }

    /// 1 when every lane is non-zero.
    fn all_true(&mut self, s: Shape) -> Result<()> {
        let x = self.pop_v(s)?;
        let nonzero = self.builder.build_int_compare(IntPredicate::NE, x, self.vec_type(s).const_zero(), "")?;
        let bits = self.int_type(s.lanes());
        let bits_v = self.builder.build_bit_cast(nonzero, bits, "")?.into_int_value();
        let all = self.builder.build_int_compare(IntPredicate::EQ, bits_v, bits.const_all_ones(), "")?;
        self.push(self.bool_to_i32(all)?);
        Ok(())
    }

    /// The lanes' sign bits gathered into the low bits of an i32 (movmsk on x86).
    fn bitmask(&mut self, s: Shape) -> Result<()> {
        let x = self.pop_v(s)?;
        let negative = self.builder.build_int_compare(IntPredicate::SLT, x, self.vec_type(s).const_zero(), "")?;
        let bits = self.builder.build_bit_cast(negative, self.int_type(s.lanes()), "")?;
        let v = self.builder.build_int_z_extend(bits.into_int_value(), self.unit.llcx.i32_type(), "")?;
        self.push(v);
        Ok(())
    }

    /// Wasm min/max: NaN in either lane gives the canonical NaN; -0 < +0. On x86, minps/maxps
    /// (`a < b ? a : b`) both ways round, OR-ed for min (so min(-0, +0) = -0) and AND-ed for max,
    /// with the NaN lanes replaced: 6 instructions. Elsewhere `llvm.minimum`/`maximum` (one
    /// instruction on AArch64), whose NaN lanes are canonicalised the same way.
    fn v_min_max(&mut self, s: Shape, min: bool) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        let v = if self.isa().x86 {
            let xy = self.as_shape(self.x86_min_max(s, min, x, y)?, s.int())?;
            let yx = self.as_shape(self.x86_min_max(s, min, y, x)?, s.int())?;
            let both = if min { self.builder.build_or(xy, yx, "")? } else { self.builder.build_and(xy, yx, "")? };
            self.as_shape(both, s)?
        } else {
            let name = if min { "llvm.minimum" } else { "llvm.maximum" };
            self.v_call(name, &[self.vec_type(s).into()], &[x.into(), y.into()])?
        };
        let v = self.quiet_nan_lanes(s, x, y, v)?;
        self.push_v(v)
    }

    /// `v` with the canonical NaN in every lane where `x` or `y` is NaN.
    pub(super) fn quiet_nan_lanes(
        &self,
        s: Shape,
        x: VectorValue<'ctx>,
        y: VectorValue<'ctx>,
        v: VectorValue<'ctx>,
    ) -> Result<VectorValue<'ctx>> {
        let unordered = self.builder.build_float_compare(FloatPredicate::UNO, x, y, "")?;
        let bits = if s == F32x4 { 0x7fc0_0000 } else { 0x7ff8_0000_0000_0000 };
        let nan = self.as_shape(self.const_splat(s.int(), bits), s)?;
        Ok(self.builder.build_select(unordered, nan, v, "")?.into_vector_value())
    }

    /// `pmin(a, b) = b < a ? b : a`, `pmax(a, b) = a < b ? b : a`: minps(b, a) and maxps(b, a).
    fn pmin_pmax(&mut self, s: Shape, min: bool) -> Result<()> {
        let b = self.pop_v(s)?;
        let a = self.pop_v(s)?;
        let v = if self.isa().x86 {
            self.x86_min_max(s, min, b, a)?
        } else {
            let (l, r) = if min { (b, a) } else { (a, b) };
            let c = self.builder.build_float_compare(FloatPredicate::OLT, l, r, "")?;
            self.builder.build_select(c, b, a, "")?.into_vector_value()
        };
        self.push_v(v)
    }

    /// x86 minps/maxps (and the pd forms): `a < b ? a : b`, `a > b ? a : b`. Called as intrinsics:
    /// the equivalent compare-and-select loses its shape when LLVM moves the bitcasts to and from
    /// the canonical `<4 x i32>` across the select, and then becomes a blend.
    pub(super) fn x86_min_max(
        &self,
        s: Shape,
        min: bool,
        a: VectorValue<'ctx>,
        b: VectorValue<'ctx>,
    ) -> Result<VectorValue<'ctx>> {
        let name = match (s, min) {
            (F32x4, true) => "llvm.x86.sse.min.ps",
            (F32x4, false) => "llvm.x86.sse.max.ps",
            (_, true) => "llvm.x86.sse2.min.pd",
            (_, false) => "llvm.x86.sse2.max.pd",
        };
        self.v_call(name, &[], &[a.into(), b.into()])
    }
}
