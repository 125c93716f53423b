//! Conversions between value types. Float-to-int truncation traps on NaN ("invalid conversion to
//! integer") and out-of-range values ("integer overflow") before the `fptosi`/`fptoui`, which are
//! poison out of range in LLVM; the saturating forms use `llvm.fpto[su]i.sat`, which match Wasm.

use super::FuncTranslator;
use crate::error::Result;
use crate::trap::Trap;
use inkwell::types::{BasicTypeEnum, IntType};
use inkwell::values::FloatValue;
use inkwell::FloatPredicate;
use wasmparser::Operator;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_conversion(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        let cx = self.unit.llcx;
        let (i32t, i64t, f32t, f64t) = (cx.i32_type(), cx.i64_type(), cx.f32_type(), cx.f64_type());
        match *op {
            I32TruncF32S | I32TruncF64S => self.trunc_trapping(i32t, true)?,
            I32TruncF32U | I32TruncF64U => self.trunc_trapping(i32t, false)?,
            I64TruncF32S | I64TruncF64S => self.trunc_trapping(i64t, true)?,
            I64TruncF32U | I64TruncF64U => self.trunc_trapping(i64t, false)?,
            I32TruncSatF32S | I32TruncSatF64S => self.trunc_saturating(i32t, true)?,
            I32TruncSatF32U | I32TruncSatF64U => self.trunc_saturating(i32t, false)?,
            I64TruncSatF32S | I64TruncSatF64S => self.trunc_saturating(i64t, true)?,
            I64TruncSatF32U | I64TruncSatF64U => self.trunc_saturating(i64t, false)?,
            I32WrapI64 => {
                let x = self.pop_int()?;
                self.push(self.builder.build_int_truncate(x, i32t, "")?);
            }
            I64ExtendI32S => {
                let x = self.pop_int()?;
                self.push(self.builder.build_int_s_extend(x, i64t, "")?);
            }
            I64ExtendI32U => {
                let x = self.pop_int()?;
                self.push(self.builder.build_int_z_extend(x, i64t, "")?);
            }
            F32ConvertI32S | F32ConvertI64S => {
                let x = self.pop_int()?;
                self.push(self.unfoldable(self.builder.build_signed_int_to_float(x, f32t, "")?)?);
            }
            F32ConvertI32U | F32ConvertI64U => {
                let x = self.pop_int()?;
                self.push(self.unfoldable(self.builder.build_unsigned_int_to_float(x, f32t, "")?)?);
            }
            F64ConvertI32S | F64ConvertI64S => {
                let x = self.pop_int()?;
                self.push(self.unfoldable(self.builder.build_signed_int_to_float(x, f64t, "")?)?);
            }
            F64ConvertI32U | F64ConvertI64U => {
                let x = self.pop_int()?;
                self.push(self.unfoldable(self.builder.build_unsigned_int_to_float(x, f64t, "")?)?);
            }
            F32DemoteF64 => {
                let x = self.pop_float()?;
                self.push(self.unfoldable(self.demote(x)?)?);
            }
            F64PromoteF32 => {
                let x = self.pop_float()?;
                self.push(self.unfoldable(self.builder.build_float_ext(x, f64t, "")?)?);
            }
            I32ReinterpretF32 => self.reinterpret(i32t.into())?,
            I64ReinterpretF64 => self.reinterpret(i64t.into())?,
            F32ReinterpretI32 => self.reinterpret(f32t.into())?,
            F64ReinterpretI64 => self.reinterpret(f64t.into())?,
            I32Extend8S => self.sign_extend_low(8)?,
            I32Extend16S => self.sign_extend_low(16)?,
            I64Extend8S => self.sign_extend_low(8)?,
            I64Extend16S => self.sign_extend_low(16)?,
            I64Extend32S => self.sign_extend_low(32)?,
            _ => return Err(crate::error::internal(format!("not a conversion: {op:?}"))),
        }
        Ok(())
    }

    fn reinterpret(&mut self, to: BasicTypeEnum<'ctx>) -> Result<()> {
        let x = self.pop()?;
        let v = self.builder.build_bit_cast(x, to, "")?;
        if v.is_float_value() {
            self.push(self.unfoldable(v.into_float_value())?);
        } else {
            self.push(v);
        }
        Ok(())
    }

    fn sign_extend_low(&mut self, bits: u32) -> Result<()> {
        let x = self.pop_int()?;
        let narrow_ty = match bits {
            8 => self.unit.llcx.i8_type(),
            16 => self.unit.llcx.i16_type(),
            _ => self.unit.llcx.i32_type(),
        };
        let narrow = self.builder.build_int_truncate(x, narrow_ty, "")?;
        self.push(self.builder.build_int_s_extend(narrow, x.get_type(), "")?);
        Ok(())
    }

    /// `trunc` with traps: valid iff trunc(x) lies in [-2^(N-1), 2^(N-1)) (signed) or [0, 2^N)
    /// (unsigned). The bounds are powers of two, exact in both f32 and f64.
    fn trunc_trapping(&mut self, to: IntType<'ctx>, signed: bool) -> Result<()> {
        let x = self.pop_float()?;
        let is_nan = self.builder.build_float_compare(FloatPredicate::UNO, x, x, "")?;
        self.trap_if(is_nan, Trap::BadConversionToInteger)?;
        let trunc = self.unit.intrinsic("llvm.trunc", &[x.get_type().into()])?;
        let t = self.call_value(trunc, &[x.into()])?.into_float_value();
        let bits = to.get_bit_width() as i32;
        let (lo, hi) = if signed { (-(2f64.powi(bits - 1)), 2f64.powi(bits - 1)) } else { (0.0, 2f64.powi(bits)) };
        let lo = self.float_const_like(x, lo);
        let hi = self.float_const_like(x, hi);
        let below = self.builder.build_float_compare(FloatPredicate::OLT, t, lo, "")?;
        let above = self.builder.build_float_compare(FloatPredicate::OGE, t, hi, "")?;
        let out = self.builder.build_or(below, above, "")?;
        self.trap_if(out, Trap::IntegerOverflow)?;
        let v = if signed {
            self.builder.build_float_to_signed_int(t, to, "")?
        } else {
            self.builder.build_float_to_unsigned_int(t, to, "")?
        };
        self.push(v);
        Ok(())
    }

    fn trunc_saturating(&mut self, to: IntType<'ctx>, signed: bool) -> Result<()> {
        let x = self.pop_float()?;
        let name = if signed { "llvm.fptosi.sat" } else { "llvm.fptoui.sat" };
        let f = self.unit.intrinsic(name, &[to.into(), x.get_type().into()])?;
        let v = self.call_value(f, &[x.into()])?;
        self.push(v);
        Ok(())
    }

    fn float_const_like(&self, like: FloatValue<'ctx>, v: f64) -> FloatValue<'ctx> {
        like.get_type().const_float(v)
    }
}
