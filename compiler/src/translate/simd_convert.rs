//! SIMD lane-width changes and conversions: extend (low/high halves), extended multiply, pairwise
//! extended add, dot product, Q15 rounding multiply, saturating narrow, and the int/float
//! conversions. Mostly plain widen-compute-narrow vector IR, which the x86 backend matches to
//! pmovsx/pmovzx, pmaddwd, pmuldq, packss/packus, cvtdq2ps...; where it does not find the short
//! sequence (pairwise adds, q15mulr, saturating float-to-int) x86 intrinsics are used with the
//! fix-ups that make them exact. Float-to-int lanes saturate and give 0 for NaN, as Wasm requires.

use super::simd::*;
use super::FuncTranslator;
use crate::error::Result;
use inkwell::types::VectorType;
use inkwell::values::VectorValue;
use inkwell::FloatPredicate::{OGE, OGT, OLT, ORD};
use inkwell::IntPredicate;
use wasmparser::Operator;

/// Which half of the lanes a widening operator reads.
#[derive(Clone, Copy)]
pub(super) enum Half {
    Low,
    High,
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn simd_convert(&mut self, op: &Operator<'_>) -> Result<()> {
        use Half::*;
        use Operator::*;
        match *op {
            I16x8ExtendLowI8x16S => self.extend_op(I8x16, Low, true)?,
            I16x8ExtendHighI8x16S => self.extend_op(I8x16, High, true)?,
            I16x8ExtendLowI8x16U => self.extend_op(I8x16, Low, false)?,
            I16x8ExtendHighI8x16U => self.extend_op(I8x16, High, false)?,
            I32x4ExtendLowI16x8S => self.extend_op(I16x8, Low, true)?,
            I32x4ExtendHighI16x8S => self.extend_op(I16x8, High, true)?,
            I32x4ExtendLowI16x8U => self.extend_op(I16x8, Low, false)?,
            I32x4ExtendHighI16x8U => self.extend_op(I16x8, High, false)?,
            I64x2ExtendLowI32x4S => self.extend_op(I32x4, Low, true)?,
            I64x2ExtendHighI32x4S => self.extend_op(I32x4, High, true)?,
            I64x2ExtendLowI32x4U => self.extend_op(I32x4, Low, false)?,
            I64x2ExtendHighI32x4U => self.extend_op(I32x4, High, false)?,
            I16x8ExtMulLowI8x16S => self.extmul(I8x16, Low, true)?,
            I16x8ExtMulHighI8x16S => self.extmul(I8x16, High, true)?,
            I16x8ExtMulLowI8x16U => self.extmul(I8x16, Low, false)?,
            I16x8ExtMulHighI8x16U => self.extmul(I8x16, High, false)?,
            I32x4ExtMulLowI16x8S => self.extmul(I16x8, Low, true)?,
            I32x4ExtMulHighI16x8S => self.extmul(I16x8, High, true)?,
            I32x4ExtMulLowI16x8U => self.extmul(I16x8, Low, false)?,
            I32x4ExtMulHighI16x8U => self.extmul(I16x8, High, false)?,
            I64x2ExtMulLowI32x4S => self.extmul(I32x4, Low, true)?,
            I64x2ExtMulHighI32x4S => self.extmul(I32x4, High, true)?,
            I64x2ExtMulLowI32x4U => self.extmul(I32x4, Low, false)?,
            I64x2ExtMulHighI32x4U => self.extmul(I32x4, High, false)?,
            I16x8ExtAddPairwiseI8x16S => self.extadd_pairwise(I8x16, true)?,
            I16x8ExtAddPairwiseI8x16U => self.extadd_pairwise(I8x16, false)?,
            I32x4ExtAddPairwiseI16x8S => self.extadd_pairwise(I16x8, true)?,
            I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(I16x8, false)?,
            I32x4DotI16x8S => self.dot_i16x8()?,
            I16x8Q15MulrSatS => self.q15mulr_sat()?,
            I8x16NarrowI16x8S => self.narrow(I16x8, true)?,
            I8x16NarrowI16x8U => self.narrow(I16x8, false)?,
            I16x8NarrowI32x4S => self.narrow(I32x4, true)?,
            I16x8NarrowI32x4U => self.narrow(I32x4, false)?,

            I32x4TruncSatF32x4S => self.trunc_sat(F32x4, true)?,
            I32x4TruncSatF32x4U => self.trunc_sat(F32x4, false)?,
            I32x4TruncSatF64x2SZero => self.trunc_sat(F64x2, true)?,
            I32x4TruncSatF64x2UZero => self.trunc_sat(F64x2, false)?,
            F32x4ConvertI32x4S => {
                let x = self.pop_v(I32x4)?;
                self.push_v(self.builder.build_signed_int_to_float(x, self.vec_type(F32x4), "")?)?
            }
            F32x4ConvertI32x4U => {
                let x = self.pop_v(I32x4)?;
                self.push_v(self.builder.build_unsigned_int_to_float(x, self.vec_type(F32x4), "")?)?
            }
            F64x2ConvertLowI32x4S | F64x2ConvertLowI32x4U => {
                let x = self.pop_v(I32x4)?;
                let low = self.half(x, Low)?;
                let v = if matches!(op, F64x2ConvertLowI32x4S) {
                    self.builder.build_signed_int_to_float(low, self.vec_type(F64x2), "")?
                } else {
                    self.builder.build_unsigned_int_to_float(low, self.vec_type(F64x2), "")?
                };
                self.push_v(v)?
            }
            F32x4DemoteF64x2Zero => {
                let x = self.pop_v(F64x2)?;
                let f32x2 = self.unit.llcx.f32_type().vec_type(2);
                let narrow = self.builder.build_float_trunc(x, f32x2, "")?;
                let v = self.shuffle(narrow, f32x2.const_zero(), &[0, 1, 2, 3])?;
                self.push_v(v)?
            }
            F64x2PromoteLowF32x4 => {
                let x = self.pop_v(F32x4)?;
                let low = self.half(x, Low)?;
                self.push_v(self.builder.build_float_ext(low, self.vec_type(F64x2), "")?)?
            }
            _ => return Err(crate::error::internal(format!("not a SIMD conversion: {op:?}"))),
        }
        Ok(())
    }

    /// The low or high half of the lanes of `x`, as a vector of half as many lanes.
    pub(super) fn half(&self, x: VectorValue<'ctx>, half: Half) -> Result<VectorValue<'ctx>> {
        let n = x.get_type().get_size();
        let start = match half {
            Half::Low => 0,
            Half::High => n / 2,
        };
        let idx: Vec<u32> = (start..start + n / 2).collect();
        self.shuffle(x, x.get_type().get_poison(), &idx)
    }

    /// Sign- or zero-extends each lane of `x` to `bits`.
    pub(super) fn widen(&self, x: VectorValue<'ctx>, bits: u32, signed: bool) -> Result<VectorValue<'ctx>> {
        let ty = self.int_vec(bits, x.get_type().get_size());
        Ok(if signed {
            self.builder.build_int_s_extend(x, ty, "")?
        } else {
            self.builder.build_int_z_extend(x, ty, "")?
        })
    }

    /// The even-numbered and odd-numbered lanes of `x`.
    pub(super) fn even_odd(&self, x: VectorValue<'ctx>) -> Result<(VectorValue<'ctx>, VectorValue<'ctx>)> {
        let n = x.get_type().get_size();
        let poison = x.get_type().get_poison();
        let even: Vec<u32> = (0..n / 2).map(|i| 2 * i).collect();
        let odd: Vec<u32> = (0..n / 2).map(|i| 2 * i + 1).collect();
        Ok((self.shuffle(x, poison, &even)?, self.shuffle(x, poison, &odd)?))
    }

    /// Lanes of `s`, half of them, extended to twice their width.
    fn extend_op(&mut self, s: Shape, half: Half, signed: bool) -> Result<()> {
        let x = self.pop_v(s)?;
        let h = self.half(x, half)?;
        let v = self.widen(h, 2 * s.lane_bits(), signed)?;
        self.push_v(v)
    }

    fn extmul(&mut self, s: Shape, half: Half, signed: bool) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        let x = self.widen(self.half(x, half)?, 2 * s.lane_bits(), signed)?;
        let y = self.widen(self.half(y, half)?, 2 * s.lane_bits(), signed)?;
        let v = self.builder.build_int_mul(x, y, "")?;
        self.push_v(v)
    }

    /// Adjacent lanes extended and summed. x86: pmaddubsw against ones (SSSE3) for i8 lanes, with
    /// the ones as its signed operand for unsigned lanes and as its unsigned one for signed lanes
    /// (no pair can saturate); pmaddwd against ones for signed i16 lanes.
    fn extadd_pairwise(&mut self, s: Shape, signed: bool) -> Result<()> {
        let x = self.pop_v(s)?;
        let isa = self.isa();
        let v = match (s, signed) {
            (I8x16, _) if isa.ssse3 => {
                let ones = self.const_splat(I8x16, 1);
                let (u, i) = if signed { (ones, x) } else { (x, ones) };
                self.v_call("llvm.x86.ssse3.pmadd.ub.sw.128", &[], &[u.into(), i.into()])?
            }
            (I16x8, true) if isa.x86 => {
                let ones = self.const_splat(I16x8, 1);
                self.v_call("llvm.x86.sse2.pmadd.wd", &[], &[x.into(), ones.into()])?
            }
            _ => {
                let (even, odd) = self.even_odd(x)?;
                let even = self.widen(even, 2 * s.lane_bits(), signed)?;
                let odd = self.widen(odd, 2 * s.lane_bits(), signed)?;
                self.builder.build_int_add(even, odd, "")?
            }
        };
        self.push_v(v)
    }

    /// `i32x4.dot_i16x8_s`: products of adjacent signed lanes, summed in pairs (wrapping, like
    /// pmaddwd: only -32768² · 2 overflows).
    /// On x86, pmaddwd itself: the pattern below is matched in isolation, but inside a loop LLVM
    /// folds the accumulating add into the pair sum and the match is lost.
    fn dot_i16x8(&mut self) -> Result<()> {
        let y = self.pop_v(I16x8)?;
        let x = self.pop_v(I16x8)?;
        if self.isa().x86 {
            let v = self.v_call("llvm.x86.sse2.pmadd.wd", &[], &[x.into(), y.into()])?;
            return self.push_v(v);
        }
        let p = self.builder.build_int_mul(self.widen(x, 32, true)?, self.widen(y, 32, true)?, "")?;
        let (even, odd) = self.even_odd(p)?;
        let v = self.builder.build_int_add(even, odd, "")?;
        self.push_v(v)
    }

    /// `(x * y + 0x4000) >> 15`, saturated: only -32768 · -32768 exceeds i16 (and becomes 32767).
    fn q15mulr_sat(&mut self) -> Result<()> {
        let y = self.pop_v(I16x8)?;
        let x = self.pop_v(I16x8)?;
        let v = self.q15mulr_exact(x, y)?;
        self.push_v(v)
    }

    /// pmulhrsw rounds exactly like Wasm but wraps the one overflow (-32768² → -32768, the only
    /// way it returns -32768): with SSSE3, flip those lanes to 32767.
    pub(super) fn q15mulr_exact(&self, x: VectorValue<'ctx>, y: VectorValue<'ctx>) -> Result<VectorValue<'ctx>> {
        if self.isa().ssse3 {
            let r = self.v_call("llvm.x86.ssse3.pmul.hr.sw.128", &[], &[x.into(), y.into()])?;
            let wrapped = self.builder.build_int_compare(IntPredicate::EQ, r, self.const_splat(I16x8, 0x8000), "")?;
            let flip = self.builder.build_int_s_extend(wrapped, r.get_type(), "")?;
            return Ok(self.builder.build_xor(r, flip, "")?);
        }
        let p = self.builder.build_int_mul(self.widen(x, 32, true)?, self.widen(y, 32, true)?, "")?;
        let i32x8 = p.get_type();
        let rounded = self.builder.build_int_add(p, self.const_splat_of(i32x8, 0x4000), "")?;
        let shifted = self.builder.build_right_shift(rounded, self.const_splat_of(i32x8, 15), true, "")?;
        let max = self.const_splat_of(i32x8, 0x7fff);
        let clamped = self.v_call("llvm.smin", &[i32x8.into()], &[shifted.into(), max.into()])?;
        Ok(self.builder.build_int_truncate(clamped, self.vec_type(I16x8), "")?)
    }

    /// Saturating narrow of two vectors of shape `s` (lanes read as signed) into one vector of
    /// lanes half as wide: to the signed or the unsigned range. x86's packss/packus are exactly
    /// this; elsewhere clamp and truncate.
    fn narrow(&mut self, s: Shape, signed: bool) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        let isa = self.isa();
        let pack = match (s, signed) {
            (I16x8, true) if isa.x86 => Some("llvm.x86.sse2.packsswb.128"),
            (I16x8, false) if isa.x86 => Some("llvm.x86.sse2.packuswb.128"),
            (I32x4, true) if isa.x86 => Some("llvm.x86.sse2.packssdw.128"),
            (I32x4, false) if isa.sse41 => Some("llvm.x86.sse41.packusdw"),
            _ => None,
        };
        if let Some(pack) = pack {
            let v = self.v_call(pack, &[], &[x.into(), y.into()])?;
            return self.push_v(v);
        }
        let idx: Vec<u32> = (0..2 * s.lanes()).collect();
        let both = self.shuffle(x, y, &idx)?;
        let bits = s.lane_bits() / 2;
        let (lo, hi) =
            if signed { ((-(1i64 << (bits - 1))) as u64, (1u64 << (bits - 1)) - 1) } else { (0, (1u64 << bits) - 1) };
        let ty = both.get_type();
        let v = self.v_call("llvm.smax", &[ty.into()], &[both.into(), self.const_splat_of(ty, lo).into()])?;
        let v = self.v_call("llvm.smin", &[ty.into()], &[v.into(), self.const_splat_of(ty, hi).into()])?;
        let narrow: VectorType = self.int_vec(bits, 2 * s.lanes());
        let v = self.builder.build_int_truncate(v, narrow, "")?;
        self.push_v(v)
    }

    /// Saturating float-to-i32 lanes: NaN → 0, out of range → the nearer bound. From f64x2 the
    /// two results fill the low lanes and the high lanes are zero.
    fn trunc_sat(&mut self, from: Shape, signed: bool) -> Result<()> {
        let x = self.pop_v(from)?;
        let v = self.trunc_sat_lanes(x, signed)?;
        self.push_v(v)
    }

    /// The x86 backend scalarises vector `llvm.fpto[su]i.sat`, so there the f32x4 lowering is
    /// spelled out around cvttps2dq (which gives INT32_MIN for NaN and out-of-range lanes). f64x2
    /// lanes are clamped first, exactly (every i32/u32 bound is a double), then converted in range.
    pub(super) fn trunc_sat_lanes(&self, x: VectorValue<'ctx>, signed: bool) -> Result<VectorValue<'ctx>> {
        let v = match (x.get_type().get_size(), signed, self.isa().x86) {
            (4, true, true) => return self.trunc_f32x4_s_x86(x),
            (4, false, true) => return self.trunc_f32x4_u_x86(x),
            (4, _, false) => {
                let name = if signed { "llvm.fptosi.sat" } else { "llvm.fptoui.sat" };
                return self.v_call(name, &[self.vec_type(I32x4).into(), x.get_type().into()], &[x.into()]);
            }
            (_, true, _) => {
                let x = self.clamp(self.nan_to_zero(x)?, -2147483648.0, 2147483647.0)?;
                self.builder.build_float_to_signed_int(x, self.int_vec(32, 2), "")?
            }
            (_, false, _) => {
                let x = self.clamp(self.nan_to_zero(x)?, 0.0, 4294967295.0)?;
                self.builder.build_float_to_unsigned_int(x, self.int_vec(32, 2), "")?
            }
        };
        self.shuffle(v, self.int_vec(32, 2).const_zero(), &[0, 1, 2, 3])
    }

    /// cvttps2dq, then the lanes >= 2^31 flipped from INT32_MIN to INT32_MAX and NaN lanes zeroed.
    fn trunc_f32x4_s_x86(&self, x: VectorValue<'ctx>) -> Result<VectorValue<'ctx>> {
        let r = self.v_call("llvm.x86.sse2.cvttps2dq", &[], &[x.into()])?;
        let over = self.builder.build_float_compare(OGE, x, self.f_splat(x, 2147483648.0), "")?;
        let r = self.builder.build_xor(r, self.lane_mask(over)?, "")?;
        let ordered = self.builder.build_float_compare(ORD, x, x, "")?;
        Ok(self.builder.build_and(r, self.lane_mask(ordered)?, "")?)
    }

    /// With `a = maxps(x, 0)` (NaN, negative lanes and -0 → +0): `lo = cvttps2dq(a)` is right below 2^31 and INT32_MIN
    /// above; `hi = cvttps2dq(a - 2^31)` is the exact remainder in [2^31, 2^32) (floats there are
    /// integers), INT32_MIN from 2^32 on (flipped to INT32_MAX), negative below 2^31 (clamped to
    /// 0). `lo + hi` is then the saturated result in every case.
    fn trunc_f32x4_u_x86(&self, x: VectorValue<'ctx>) -> Result<VectorValue<'ctx>> {
        let a = self.x86_min_max(F32x4, false, x, x.get_type().const_zero())?;
        let lo = self.v_call("llvm.x86.sse2.cvttps2dq", &[], &[a.into()])?;
        let b = self.builder.build_float_sub(a, self.f_splat(x, 2147483648.0), "")?;
        let hi = self.v_call("llvm.x86.sse2.cvttps2dq", &[], &[b.into()])?;
        let over = self.builder.build_float_compare(OGE, b, self.f_splat(x, 2147483648.0), "")?;
        let hi = self.builder.build_xor(hi, self.lane_mask(over)?, "")?;
        let ty = hi.get_type();
        let hi = self.v_call("llvm.smax", &[ty.into()], &[hi.into(), ty.const_zero().into()])?;
        Ok(self.builder.build_int_add(lo, hi, "")?)
    }

    /// A float vector like `like` with every lane `v`.
    pub(super) fn f_splat(&self, like: VectorValue<'ctx>, v: f64) -> VectorValue<'ctx> {
        let t = like.get_type().get_element_type().into_float_type();
        VectorType::const_vector(&vec![t.const_float(v); like.get_type().get_size() as usize])
    }

    /// An i1 lane mask widened to all-ones/zero lanes as wide as the compared floats.
    fn lane_mask(&self, m: VectorValue<'ctx>) -> Result<VectorValue<'ctx>> {
        let n = m.get_type().get_size();
        Ok(self.builder.build_int_s_extend(m, self.int_vec(128 / n, n), "")?)
    }

    fn nan_to_zero(&self, x: VectorValue<'ctx>) -> Result<VectorValue<'ctx>> {
        let ordered = self.builder.build_float_compare(ORD, x, x, "")?;
        Ok(self.builder.build_select(ordered, x, x.get_type().const_zero(), "")?.into_vector_value())
    }

    /// `x` (no NaN lanes) clamped to [lo, hi].
    fn clamp(&self, x: VectorValue<'ctx>, lo: f64, hi: f64) -> Result<VectorValue<'ctx>> {
        let (lo, hi) = (self.f_splat(x, lo), self.f_splat(x, hi));
        let below = self.builder.build_float_compare(OLT, x, lo, "")?;
        let x = self.builder.build_select(below, lo, x, "")?.into_vector_value();
        let above = self.builder.build_float_compare(OGT, x, hi, "")?;
        Ok(self.builder.build_select(above, hi, x, "")?.into_vector_value())
    }
}
