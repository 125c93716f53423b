//! Integer and float arithmetic, comparisons and constants, with Wasm's exact semantics: shift counts
//! are masked, division traps instead of hitting LLVM's undefined cases, min/max/nearest use the
//! IEEE intrinsics whose NaN and signed-zero behaviour matches Wasm. No fast-math flags anywhere.

use super::analyses::I32Add;
use super::FuncTranslator;
use crate::error::Result;
use crate::trap::Trap;
use inkwell::builder::{Builder, BuilderError};
use inkwell::values::{BasicValue, BasicValueEnum, FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};
use wasmparser::Operator;

type IntOp<'ctx> = fn(&Builder<'ctx>, IntValue<'ctx>, IntValue<'ctx>) -> Result<IntValue<'ctx>, BuilderError>;
type FloatOp<'ctx> = fn(&Builder<'ctx>, FloatValue<'ctx>, FloatValue<'ctx>) -> Result<FloatValue<'ctx>, BuilderError>;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    pub(super) fn translate_numeric(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        let cx = self.unit.llcx;
        match *op {
            I32Const { value } => self.push(cx.i32_type().const_int(value as u32 as u64, false)),
            I64Const { value } => self.push(cx.i64_type().const_int(value as u64, false)),
            F32Const { value } => self.push(self.float_const(cx.f32_type(), value.bits() as u64)?),
            F64Const { value } => self.push(self.float_const(cx.f64_type(), value.bits())?),

            I32Eqz | I64Eqz => {
                let x = self.pop_int()?;
                let z = self.builder.build_int_compare(IntPredicate::EQ, x, x.get_type().const_zero(), "")?;
                self.push(self.bool_to_i32(z)?)
            }
            I32Eq | I64Eq => self.int_cmp(IntPredicate::EQ)?,
            I32Ne | I64Ne => self.int_cmp(IntPredicate::NE)?,
            I32LtS | I64LtS => self.int_cmp(IntPredicate::SLT)?,
            I32LtU | I64LtU => self.int_cmp(IntPredicate::ULT)?,
            I32GtS | I64GtS => self.int_cmp(IntPredicate::SGT)?,
            I32GtU | I64GtU => self.int_cmp(IntPredicate::UGT)?,
            I32LeS | I64LeS => self.int_cmp(IntPredicate::SLE)?,
            I32LeU | I64LeU => self.int_cmp(IntPredicate::ULE)?,
            I32GeS | I64GeS => self.int_cmp(IntPredicate::SGE)?,
            I32GeU | I64GeU => self.int_cmp(IntPredicate::UGE)?,

            F32Eq | F64Eq => self.float_cmp(FloatPredicate::OEQ)?,
            F32Ne | F64Ne => self.float_cmp(FloatPredicate::UNE)?,
            F32Lt | F64Lt => self.float_cmp(FloatPredicate::OLT)?,
            F32Gt | F64Gt => self.float_cmp(FloatPredicate::OGT)?,
            F32Le | F64Le => self.float_cmp(FloatPredicate::OLE)?,
            F32Ge | F64Ge => self.float_cmp(FloatPredicate::OGE)?,

            I32Clz | I64Clz => self.bit_count("llvm.ctlz", true)?,
            I32Ctz | I64Ctz => self.bit_count("llvm.cttz", true)?,
            I32Popcnt | I64Popcnt => self.bit_count("llvm.ctpop", false)?,

            I32Add => self.i32_add_or_sub(true)?,
            I64Add => self.int_binop(|b, x, y| b.build_int_add(x, y, ""))?,
            I32Sub => self.i32_add_or_sub(false)?,
            I64Sub => self.int_binop(|b, x, y| b.build_int_sub(x, y, ""))?,
            I32Mul => self.i32_scale(false)?,
            I64Mul => self.int_binop(|b, x, y| b.build_int_mul(x, y, ""))?,
            I32And | I64And => self.int_binop(|b, x, y| b.build_and(x, y, ""))?,
            I32Or | I64Or => self.int_binop(|b, x, y| b.build_or(x, y, ""))?,
            I32Xor | I64Xor => self.int_binop(|b, x, y| b.build_xor(x, y, ""))?,
            I32Shl => self.i32_scale(true)?,
            I64Shl => self.shift(|b, x, y| b.build_left_shift(x, y, ""))?,
            I32ShrS | I64ShrS => self.shift(|b, x, y| b.build_right_shift(x, y, true, ""))?,
            I32ShrU | I64ShrU => self.shift(|b, x, y| b.build_right_shift(x, y, false, ""))?,
            I32Rotl | I64Rotl => self.rotate("llvm.fshl")?,
            I32Rotr | I64Rotr => self.rotate("llvm.fshr")?,
            I32DivS | I64DivS => self.div_rem(true, false)?,
            I32DivU | I64DivU => self.div_rem(false, false)?,
            I32RemS | I64RemS => self.div_rem(true, true)?,
            I32RemU | I64RemU => self.div_rem(false, true)?,

            F32Abs | F64Abs => self.float_unary("llvm.fabs")?,
            F32Neg | F64Neg => {
                let x = self.pop_float()?;
                self.push(self.builder.build_float_neg(x, "")?)
            }
            F32Ceil | F64Ceil => self.float_rounding("llvm.ceil")?,
            F32Floor | F64Floor => self.float_rounding("llvm.floor")?,
            F32Trunc | F64Trunc => self.float_rounding("llvm.trunc")?,
            F32Nearest | F64Nearest => self.float_rounding("llvm.roundeven")?,
            F32Sqrt | F64Sqrt => self.float_unary("llvm.sqrt")?,
            F32Add | F64Add => self.float_binop(|b, x, y| b.build_float_add(x, y, ""))?,
            F32Sub | F64Sub => self.float_binop(|b, x, y| b.build_float_sub(x, y, ""))?,
            F32Mul | F64Mul => self.float_binop(|b, x, y| b.build_float_mul(x, y, ""))?,
            F32Div | F64Div => self.float_binop(|b, x, y| b.build_float_div(x, y, ""))?,
            F32Min | F64Min => self.float_min_max("llvm.minimum")?,
            F32Max | F64Max => self.float_min_max("llvm.maximum")?,
            F32Copysign | F64Copysign => self.float_binary_intrinsic("llvm.copysign")?,

            I64Add128 => self.wide_add_sub(true)?,
            I64Sub128 => self.wide_add_sub(false)?,
            I64MulWideS => self.mul_wide(true)?,
            I64MulWideU => self.mul_wide(false)?,

            _ => return Err(crate::error::internal(format!("not a numeric operator: {op:?}"))),
        }
        Ok(())
    }

    /// i32 `add` or `sub`, the address arithmetic: an `add` the address facts prove cannot wrap is
    /// `add nuw` (`address_facts.rs`), and a constant step keeps a pointer's alias stream.
    fn i32_add_or_sub(&mut self, add: bool) -> Result<()> {
        let y = self.pop_int()?;
        let x = self.pop_int()?;
        let v = if add {
            let (nuw, nsw) = match self.i32_add_reached(x, y)? {
                I32Add::Sum(v) => {
                    self.push(v);
                    return Ok(());
                }
                I32Add::Add { nuw, nsw } => (nuw, nsw),
            };
            let v =
                if nuw { self.builder.build_int_nuw_add(x, y, "")? } else { self.builder.build_int_add(x, y, "")? };
            if let Some(add) = v.as_instruction().filter(|_| nsw) {
                add.set_no_signed_wrap_flag(true).map_err(|e| crate::error::internal(e.to_string()))?;
            }
            self.i32_added(x, y, v, nuw);
            v
        } else {
            let v = self.builder.build_int_sub(x, y, "")?;
            self.i32_subtracted(x, y, v);
            v
        };
        self.push(v);
        Ok(())
    }

    /// i32 `shl` or `mul`, which scale an index: a local's value times a constant may be part of
    /// an address sum (`address_sums.rs`).
    fn i32_scale(&mut self, shl: bool) -> Result<()> {
        let operands = self.peek_n(2)?;
        let (x, y) = (operands[0], operands[1]);
        if shl {
            self.shift(|b, x, y| b.build_left_shift(x, y, ""))?;
        } else {
            self.int_binop(|b, x, y| b.build_int_mul(x, y, ""))?;
        }
        let (BasicValueEnum::IntValue(x), BasicValueEnum::IntValue(y)) = (x, y) else { return Ok(()) };
        let Some(c) = y.get_zero_extended_constant() else { return Ok(()) };
        let scale = if shl { 1u64.wrapping_shl(c as u32 & 31) & 0xffff_ffff } else { c };
        let v = super::int_value(self.peek_n(1)?[0])?;
        self.i32_scaled(x, scale, v);
        Ok(())
    }

    fn int_binop(&mut self, f: IntOp<'ctx>) -> Result<()> {
        let y = self.pop_int()?;
        let x = self.pop_int()?;
        let v = f(&self.builder, x, y)?;
        self.push(v);
        Ok(())
    }

    /// Wasm shifts count modulo the bit width; LLVM's are poison past it, so mask first.
    fn shift(&mut self, f: IntOp<'ctx>) -> Result<()> {
        let y = self.pop_int()?;
        let x = self.pop_int()?;
        let ty = x.get_type();
        let mask = ty.const_int(ty.get_bit_width() as u64 - 1, false);
        let y = self.builder.build_and(y, mask, "")?;
        let v = f(&self.builder, x, y)?;
        self.push(v);
        Ok(())
    }

    /// Rotations are funnel shifts of a value with itself (which take the count modulo the width).
    fn rotate(&mut self, intrinsic: &str) -> Result<()> {
        let y = self.pop_int()?;
        let x = self.pop_int()?;
        let f = self.unit.intrinsic(intrinsic, &[x.get_type().into()])?;
        let v = self.call_value(f, &[x.into(), x.into(), y.into()])?;
        self.push(v);
        Ok(())
    }

    fn int_cmp(&mut self, pred: IntPredicate) -> Result<()> {
        let pred = self.int_compare_reached(pred);
        let y = self.pop_int()?;
        let x = self.pop_int()?;
        let c = self.builder.build_int_compare(pred, x, y, "")?;
        self.push(self.bool_to_i32(c)?);
        Ok(())
    }

    fn float_cmp(&mut self, pred: FloatPredicate) -> Result<()> {
        let y = self.pop_float()?;
        let x = self.pop_float()?;
        let c = self.builder.build_float_compare(pred, x, y, "")?;
        self.push(self.bool_to_i32(c)?);
        Ok(())
    }

    /// clz/ctz are defined for zero in Wasm: the `is_zero_poison` flag is false.
    fn bit_count(&mut self, intrinsic: &str, has_zero_flag: bool) -> Result<()> {
        let x = self.pop_int()?;
        let f = self.unit.intrinsic(intrinsic, &[x.get_type().into()])?;
        let v = if has_zero_flag {
            let no_poison = self.unit.llcx.bool_type().const_zero();
            self.call_value(f, &[x.into(), no_poison.into()])?
        } else {
            self.call_value(f, &[x.into()])?
        };
        self.push(v);
        Ok(())
    }

    /// Division and remainder: trap on a zero divisor, and for signed division on MIN / -1. Signed
    /// remainder by -1 is 0 in Wasm but undefined in LLVM (it overflows), so divide by 1 instead.
    fn div_rem(&mut self, signed: bool, rem: bool) -> Result<()> {
        let y = self.pop_int()?;
        let x = self.pop_int()?;
        let ty = x.get_type();
        let bits = ty.get_bit_width();
        let zero = ty.const_zero();
        let is_zero = self.builder.build_int_compare(IntPredicate::EQ, y, zero, "")?;
        self.trap_if(is_zero, Trap::IntegerDivideByZero)?;
        let v = match (signed, rem) {
            (false, false) => self.builder.build_int_unsigned_div(x, y, "")?,
            (false, true) => self.builder.build_int_unsigned_rem(x, y, "")?,
            (true, false) => {
                let min = ty.const_int(1u64 << (bits - 1), false);
                let minus_one = ty.const_all_ones();
                let x_min = self.builder.build_int_compare(IntPredicate::EQ, x, min, "")?;
                let y_m1 = self.builder.build_int_compare(IntPredicate::EQ, y, minus_one, "")?;
                let overflow = self.builder.build_and(x_min, y_m1, "")?;
                self.trap_if(overflow, Trap::IntegerOverflow)?;
                self.builder.build_int_signed_div(x, y, "")?
            }
            (true, true) => {
                let minus_one = ty.const_all_ones();
                let y_m1 = self.builder.build_int_compare(IntPredicate::EQ, y, minus_one, "")?;
                let safe_y = self.builder.build_select(y_m1, ty.const_int(1, false), y, "")?.into_int_value();
                self.builder.build_int_signed_rem(x, safe_y, "")?
            }
        };
        self.push(v);
        Ok(())
    }

    /// wide-arithmetic: 128-bit values as (low, high) i64 pairs, computed in LLVM's i128.
    fn join128(&self, lo: IntValue<'ctx>, hi: IntValue<'ctx>) -> Result<IntValue<'ctx>> {
        let i128t = self.unit.llcx.i128_type();
        let lo = self.builder.build_int_z_extend(lo, i128t, "")?;
        let hi = self.builder.build_int_z_extend(hi, i128t, "")?;
        let hi = self.builder.build_left_shift(hi, i128t.const_int(64, false), "")?;
        Ok(self.builder.build_or(lo, hi, "")?)
    }

    fn push_split128(&mut self, v: IntValue<'ctx>) -> Result<()> {
        let i64t = self.unit.llcx.i64_type();
        let lo = self.builder.build_int_truncate(v, i64t, "lo")?;
        let hi = self.builder.build_right_shift(v, self.unit.llcx.i128_type().const_int(64, false), false, "")?;
        let hi = self.builder.build_int_truncate(hi, i64t, "hi")?;
        self.push(lo);
        self.push(hi);
        Ok(())
    }

    fn wide_add_sub(&mut self, add: bool) -> Result<()> {
        let b_hi = self.pop_int()?;
        let b_lo = self.pop_int()?;
        let a_hi = self.pop_int()?;
        let a_lo = self.pop_int()?;
        let a = self.join128(a_lo, a_hi)?;
        let b = self.join128(b_lo, b_hi)?;
        let r = if add { self.builder.build_int_add(a, b, "")? } else { self.builder.build_int_sub(a, b, "")? };
        self.push_split128(r)
    }

    fn mul_wide(&mut self, signed: bool) -> Result<()> {
        let y = self.pop_int()?;
        let x = self.pop_int()?;
        let i128t = self.unit.llcx.i128_type();
        let (x, y) = if signed {
            (self.builder.build_int_s_extend(x, i128t, "")?, self.builder.build_int_s_extend(y, i128t, "")?)
        } else {
            (self.builder.build_int_z_extend(x, i128t, "")?, self.builder.build_int_z_extend(y, i128t, "")?)
        };
        let r = self.builder.build_int_mul(x, y, "")?;
        self.push_split128(r)
    }

    fn float_binop(&mut self, f: FloatOp<'ctx>) -> Result<()> {
        let y = self.pop_float()?;
        let x = self.pop_float()?;
        let v = f(&self.builder, x, y)?;
        self.push(self.unfoldable(v)?);
        Ok(())
    }

    fn float_unary(&mut self, intrinsic: &str) -> Result<()> {
        let x = self.pop_float()?;
        let f = self.unit.intrinsic(intrinsic, &[x.get_type().into()])?;
        let v = self.call_value(f, &[x.into()])?;
        self.push(v);
        Ok(())
    }

    /// min/max: `llvm.minimum`/`maximum` have Wasm's ordering of zeros and NaN propagation, but may
    /// hand a signalling NaN input back unquieted; Wasm wants an arithmetic (quiet) NaN, so any NaN
    /// result is replaced by the canonical one.
    fn float_min_max(&mut self, intrinsic: &str) -> Result<()> {
        let y = self.pop_float()?;
        let x = self.pop_float()?;
        let f = self.unit.intrinsic(intrinsic, &[x.get_type().into()])?;
        let v = self.call_value(f, &[x.into(), y.into()])?.into_float_value();
        let unordered = self.builder.build_float_compare(FloatPredicate::UNO, x, y, "")?;
        let nan = self.canonical_nan(x.get_type())?;
        let r = self.builder.build_select(unordered, nan, v, "")?;
        self.push(r);
        Ok(())
    }

    pub(super) fn canonical_nan(&self, ty: inkwell::types::FloatType<'ctx>) -> Result<FloatValue<'ctx>> {
        let cx = self.unit.llcx;
        let bits = if ty == cx.f32_type() {
            cx.i32_type().const_int(0x7fc0_0000, false)
        } else {
            cx.i64_type().const_int(0x7ff8_0000_0000_0000, false)
        };
        Ok(self.builder.build_bit_cast(bits, ty, "")?.into_float_value())
    }

    /// ceil/floor/trunc/nearest: LLVM may lower them to code that hands a signalling NaN back
    /// unquieted (RISC-V without Zfa does); Wasm wants an arithmetic NaN, so NaN inputs give the
    /// canonical NaN.
    fn float_rounding(&mut self, intrinsic: &str) -> Result<()> {
        let x = self.pop_float()?;
        let f = self.unit.intrinsic(intrinsic, &[x.get_type().into()])?;
        let r = self.call_value(f, &[x.into()])?.into_float_value();
        let is_nan = self.builder.build_float_compare(FloatPredicate::UNO, x, x, "")?;
        let nan = self.canonical_nan(x.get_type())?;
        let v = self.builder.build_select(is_nan, nan, r, "")?;
        self.push(v);
        Ok(())
    }

    fn float_binary_intrinsic(&mut self, intrinsic: &str) -> Result<()> {
        let y = self.pop_float()?;
        let x = self.pop_float()?;
        let f = self.unit.intrinsic(intrinsic, &[x.get_type().into()])?;
        let v = self.call_value(f, &[x.into(), y.into()])?;
        self.push(v.as_basic_value_enum());
        Ok(())
    }
}
