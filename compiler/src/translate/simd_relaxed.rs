//! Relaxed SIMD: each operator may return any of a few results the proposal lists for the inputs
//! where hardware differs (NaN, out-of-range, sign-bit-only masks...). The choice per target is the
//! fastest conforming one, fixed at compile time from `Isa` (so every execution of a module
//! compiled for one CPU agrees with itself, including constant-folded copies). ARCHITECTURE.md has
//! the table; in short, x86-64:
//! - swizzle: pshufb as is (index >= 16 gives 0 or `a[idx & 15]`); SSSE3.
//! - trunc f32x4 s, f64x2 s zero: cvttps2dq/cvttpd2dq (NaN and out-of-range give INT32_MIN);
//!   the unsigned forms keep the exact saturating lowering (x86 has no unsigned conversion).
//! - madd/nmadd: one fused `llvm.fma` with FMA3, else `fmul` + `fadd` (never contracted).
//! - laneselect: blendv on the mask's top bits (i8x16/i16x8 per byte, i32x4/i64x2 per lane) with
//!   SSE4.1, else bitselect.
//! - min/max: minps/maxps (`a < b ? a : b`: NaN or equal zeros give b).
//! - q15mulr: pmulhrsw (-32768 · -32768 gives -32768); SSSE3.
//! - dot i8x16·i7x16: pmaddubsw with the i7 operand as the unsigned one (saturating), then pmaddwd
//!   against ones for the i32x4 add form; SSSE3.
//!
//! Other targets (and x86 without the feature named): the deterministic Wasm result of the
//! non-relaxed counterpart, which every relaxed operator allows.

use super::simd::*;
use super::FuncTranslator;
use crate::error::Result;
use inkwell::values::VectorValue;
use inkwell::IntPredicate;
use wasmparser::Operator;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn simd_relaxed(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        match *op {
            I8x16RelaxedSwizzle => self.relaxed_swizzle()?,
            I32x4RelaxedTruncF32x4S => self.relaxed_trunc(F32x4, true)?,
            I32x4RelaxedTruncF32x4U => self.relaxed_trunc(F32x4, false)?,
            I32x4RelaxedTruncF64x2SZero => self.relaxed_trunc(F64x2, true)?,
            I32x4RelaxedTruncF64x2UZero => self.relaxed_trunc(F64x2, false)?,
            F32x4RelaxedMadd => self.relaxed_madd(F32x4, false)?,
            F32x4RelaxedNmadd => self.relaxed_madd(F32x4, true)?,
            F64x2RelaxedMadd => self.relaxed_madd(F64x2, false)?,
            F64x2RelaxedNmadd => self.relaxed_madd(F64x2, true)?,
            I8x16RelaxedLaneselect => self.relaxed_laneselect(I8x16)?,
            I16x8RelaxedLaneselect => self.relaxed_laneselect(I16x8)?,
            I32x4RelaxedLaneselect => self.relaxed_laneselect(I32x4)?,
            I64x2RelaxedLaneselect => self.relaxed_laneselect(I64x2)?,
            F32x4RelaxedMin => self.relaxed_min_max(F32x4, true)?,
            F32x4RelaxedMax => self.relaxed_min_max(F32x4, false)?,
            F64x2RelaxedMin => self.relaxed_min_max(F64x2, true)?,
            F64x2RelaxedMax => self.relaxed_min_max(F64x2, false)?,
            I16x8RelaxedQ15mulrS => self.relaxed_q15mulr()?,
            I16x8RelaxedDotI8x16I7x16S => self.relaxed_dot(false)?,
            I32x4RelaxedDotI8x16I7x16AddS => self.relaxed_dot(true)?,
            _ => return Err(crate::error::internal(format!("not a relaxed SIMD operator: {op:?}"))),
        }
        Ok(())
    }

    fn relaxed_swizzle(&mut self) -> Result<()> {
        let idx = self.pop_v(I8x16)?;
        let a = self.pop_v(I8x16)?;
        let v = if self.isa().ssse3 {
            self.v_call("llvm.x86.ssse3.pshuf.b.128", &[], &[a.into(), idx.into()])?
        } else {
            self.swizzle(a, idx)?
        };
        self.push_v(v)
    }

    fn relaxed_trunc(&mut self, from: Shape, signed: bool) -> Result<()> {
        let x = self.pop_v(from)?;
        let v = match (self.isa().x86 && signed, from) {
            (true, F32x4) => self.v_call("llvm.x86.sse2.cvttps2dq", &[], &[x.into()])?,
            (true, _) => self.v_call("llvm.x86.sse2.cvttpd2dq", &[], &[x.into()])?,
            (false, _) => self.trunc_sat_lanes(x, signed)?,
        };
        self.push_v(v)
    }

    /// `a * b + c` (`-(a * b) + c` for nmadd), fused exactly when the target has FMA.
    fn relaxed_madd(&mut self, s: Shape, negate: bool) -> Result<()> {
        let c = self.pop_v(s)?;
        let b = self.pop_v(s)?;
        let a = self.pop_v(s)?;
        let a = if negate { self.builder.build_float_neg(a, "")? } else { a };
        let v = if self.fused_madd() {
            self.v_call("llvm.fma", &[self.vec_type(s).into()], &[a.into(), b.into(), c.into()])?
        } else {
            let p = self.builder.build_float_mul(a, b, "")?;
            self.builder.build_float_add(p, c, "")?
        };
        self.push_v(v)
    }

    /// Where a fused multiply-add is one instruction: x86 with FMA3; AArch64 always.
    fn fused_madd(&self) -> bool {
        let isa = self.isa();
        isa.fma || (!isa.x86 && self.unit.opts.target.llvm_triple.starts_with("aarch64"))
    }

    fn relaxed_laneselect(&mut self, s: Shape) -> Result<()> {
        let m = self.pop_v(s)?;
        let b = self.pop_v(s)?;
        let a = self.pop_v(s)?;
        if !self.isa().sse41 {
            let v = self.bitselect(a, b, m)?;
            return self.push_v(v);
        }
        // blendv reads only the top bit of each byte (pblendvb) or lane (blendvps/pd).
        let by = if s == I16x8 { I8x16 } else { s };
        let (a, b, m) = (self.as_shape(a, by)?, self.as_shape(b, by)?, self.as_shape(m, by)?);
        let top = self.builder.build_int_compare(IntPredicate::SLT, m, self.vec_type(by).const_zero(), "")?;
        let v = self.builder.build_select(top, a, b, "")?.into_vector_value();
        self.push_v(v)
    }

    /// x86: minps/maxps semantics (`a < b ? a : b`, `a > b ? a : b`); else Wasm's min/max.
    fn relaxed_min_max(&mut self, s: Shape, min: bool) -> Result<()> {
        let b = self.pop_v(s)?;
        let a = self.pop_v(s)?;
        let v = if self.isa().x86 {
            self.x86_min_max(s, min, a, b)?
        } else {
            let name = if min { "llvm.minimum" } else { "llvm.maximum" };
            let v = self.v_call(name, &[self.vec_type(s).into()], &[a.into(), b.into()])?;
            self.quiet_nan_lanes(s, a, b, v)?
        };
        self.push_v(v)
    }

    fn relaxed_q15mulr(&mut self) -> Result<()> {
        let y = self.pop_v(I16x8)?;
        let x = self.pop_v(I16x8)?;
        let v = if self.isa().ssse3 {
            self.v_call("llvm.x86.ssse3.pmul.hr.sw.128", &[], &[x.into(), y.into()])?
        } else {
            self.q15mulr_exact(x, y)?
        };
        self.push_v(v)
    }

    /// `i16x8.relaxed_dot_i8x16_i7x16_s` and, with `add`, `i32x4.relaxed_dot_i8x16_i7x16_add_s`.
    fn relaxed_dot(&mut self, add: bool) -> Result<()> {
        let c = if add { Some(self.pop_v(I32x4)?) } else { None };
        let b = self.pop_v(I8x16)?;
        let a = self.pop_v(I8x16)?;
        let pairs = if self.isa().ssse3 {
            // pmaddubsw(unsigned x, signed y): the i7 operand b is the unsigned one.
            self.v_call("llvm.x86.ssse3.pmadd.ub.sw.128", &[], &[b.into(), a.into()])?
        } else {
            self.dot_pairs_exact(a, b)?
        };
        let Some(c) = c else { return self.push_v(pairs) };
        let quads = if self.isa().x86 {
            let ones = self.const_splat(I16x8, 1);
            self.v_call("llvm.x86.sse2.pmadd.wd", &[], &[pairs.into(), ones.into()])?
        } else {
            let (even, odd) = self.even_odd(pairs)?;
            self.builder.build_int_add(self.widen(even, 32, true)?, self.widen(odd, 32, true)?, "")?
        };
        let v = self.builder.build_int_add(quads, c, "")?;
        self.push_v(v)
    }

    /// Signed products of adjacent i8 lanes summed in pairs, wrapping to i16.
    fn dot_pairs_exact(&self, a: VectorValue<'ctx>, b: VectorValue<'ctx>) -> Result<VectorValue<'ctx>> {
        let p = self.builder.build_int_mul(self.widen(a, 16, true)?, self.widen(b, 16, true)?, "")?;
        let (even, odd) = self.even_odd(p)?;
        Ok(self.builder.build_int_add(even, odd, "")?)
    }
}
