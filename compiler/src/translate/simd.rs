//! SIMD: the fixed-width 128-bit proposal and relaxed SIMD. This file holds the lane shapes and the
//! constant, lane, shuffle and bitwise operators. `ops.rs` sends each operator to its family:
//! `simd_arith.rs` (lane arithmetic, comparisons, shifts, reductions), `simd_convert.rs`
//! (widening, narrowing, dot products, int/float conversions), `simd_memory.rs` (v128 loads and
//! stores) and `simd_relaxed.rs` (relaxed SIMD, whose choices depend on `simd_target.rs`).
//!
//! Representation: a `v128` is an LLVM `<4 x i32>` everywhere (value stack, locals, globals,
//! signatures, block parameters), like `v128_t` in clang's `wasm_simd128.h`. An operator bitcasts
//! its operands to its lane shape (`<16 x i8>` ... `<2 x double>`), computes with generic LLVM
//! vector operations, and bitcasts the result back. Bitcasts cost nothing: the backend chooses
//! SSE/AVX (or NEON) instructions from the function's target CPU and features.
//!
//! Where LLVM's operations differ from Wasm's, the difference is handled next to the operator:
//! shift counts are masked to the lane width (LLVM shifts are poison past it), out-of-range
//! swizzle indices give 0 (an `extractelement` past the end is poison), float-to-int
//! conversions saturate (`llvm.fpto[su]i.sat`), float min/max return the canonical NaN. No
//! fast-math flags, as everywhere.

use super::simd_target::Isa;
use super::FuncTranslator;
use crate::error::Result;
use crate::module::ValType;
use inkwell::builder::{Builder, BuilderError};
use inkwell::types::{BasicTypeEnum, VectorType};
use inkwell::values::{BasicMetadataValueEnum, BasicValue, BasicValueEnum, IntValue, VectorValue};
use inkwell::IntPredicate;
use wasmparser::Operator;

/// The lane interpretation of a v128.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Shape {
    I8x16,
    I16x8,
    I32x4,
    I64x2,
    F32x4,
    F64x2,
}
pub(super) use Shape::*;

impl Shape {
    pub(super) fn lanes(self) -> u32 {
        match self {
            I8x16 => 16,
            I16x8 => 8,
            I32x4 | F32x4 => 4,
            I64x2 | F64x2 => 2,
        }
    }

    pub(super) fn lane_bits(self) -> u32 {
        128 / self.lanes()
    }

    /// The integer shape with the same lanes: the shape of a float comparison's mask.
    pub(super) fn int(self) -> Shape {
        match self {
            F32x4 => I32x4,
            F64x2 => I64x2,
            s => s,
        }
    }
}

/// A vector operation of the builder, for the one-line helpers (`v_binop`).
pub(super) type VecOp<'ctx> =
    fn(&Builder<'ctx>, VectorValue<'ctx>, VectorValue<'ctx>) -> Result<VectorValue<'ctx>, BuilderError>;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// Constants, splats, lanes, shuffles and the bitwise operators (`Family::SimdLanes`).
    pub(super) fn simd_lanes(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator::*;
        match *op {
            V128Const { value } => self.push_v(self.unit.v128_const(value.bytes()))?,
            I8x16Shuffle { lanes } => self.shuffle_op(&lanes)?,
            I8x16Swizzle => {
                let idx = self.pop_v(I8x16)?;
                let a = self.pop_v(I8x16)?;
                let v = self.swizzle(a, idx)?;
                self.push_v(v)?
            }
            I8x16Splat => self.splat_op(I8x16)?,
            I16x8Splat => self.splat_op(I16x8)?,
            I32x4Splat => self.splat_op(I32x4)?,
            I64x2Splat => self.splat_op(I64x2)?,
            F32x4Splat => self.splat_op(F32x4)?,
            F64x2Splat => self.splat_op(F64x2)?,
            I8x16ExtractLaneS { lane } => self.extract_lane(I8x16, lane, Some(true))?,
            I8x16ExtractLaneU { lane } => self.extract_lane(I8x16, lane, Some(false))?,
            I16x8ExtractLaneS { lane } => self.extract_lane(I16x8, lane, Some(true))?,
            I16x8ExtractLaneU { lane } => self.extract_lane(I16x8, lane, Some(false))?,
            I32x4ExtractLane { lane } => self.extract_lane(I32x4, lane, None)?,
            I64x2ExtractLane { lane } => self.extract_lane(I64x2, lane, None)?,
            F32x4ExtractLane { lane } => self.extract_lane(F32x4, lane, None)?,
            F64x2ExtractLane { lane } => self.extract_lane(F64x2, lane, None)?,
            I8x16ReplaceLane { lane } => self.replace_lane(I8x16, lane)?,
            I16x8ReplaceLane { lane } => self.replace_lane(I16x8, lane)?,
            I32x4ReplaceLane { lane } => self.replace_lane(I32x4, lane)?,
            I64x2ReplaceLane { lane } => self.replace_lane(I64x2, lane)?,
            F32x4ReplaceLane { lane } => self.replace_lane(F32x4, lane)?,
            F64x2ReplaceLane { lane } => self.replace_lane(F64x2, lane)?,
            V128Not => {
                let x = self.pop_v(I64x2)?;
                self.push_v(self.builder.build_not(x, "")?)?
            }
            V128And => self.v_binop(I64x2, |b, x, y| b.build_and(x, y, ""))?,
            V128Or => self.v_binop(I64x2, |b, x, y| b.build_or(x, y, ""))?,
            V128Xor => self.v_binop(I64x2, |b, x, y| b.build_xor(x, y, ""))?,
            V128AndNot => self.v_binop(I64x2, |b, x, y| b.build_and(x, b.build_not(y, "")?, ""))?,
            V128Bitselect => {
                let c = self.pop_v(I64x2)?;
                let y = self.pop_v(I64x2)?;
                let x = self.pop_v(I64x2)?;
                let v = self.bitselect(x, y, c)?;
                self.push_v(v)?
            }
            V128AnyTrue => {
                let x = self.pop()?;
                let wide = self.builder.build_bit_cast(x, self.unit.llcx.i128_type(), "")?.into_int_value();
                let zero = self.unit.llcx.i128_type().const_zero();
                let any = self.builder.build_int_compare(IntPredicate::NE, wide, zero, "")?;
                self.push(self.bool_to_i32(any)?)
            }
            _ => return Err(crate::error::internal(format!("not a SIMD lane operator: {op:?}"))),
        }
        Ok(())
    }

    // ---- types, stack and constants ----

    /// The canonical v128 type (`<4 x i32>`).
    pub(super) fn v128_type(&self) -> VectorType<'ctx> {
        self.unit.llvm_type(ValType::V128).into_vector_type()
    }

    pub(super) fn lane_type(&self, s: Shape) -> BasicTypeEnum<'ctx> {
        let cx = self.unit.llcx;
        match s {
            I8x16 => cx.i8_type().into(),
            I16x8 => cx.i16_type().into(),
            I32x4 => cx.i32_type().into(),
            I64x2 => cx.i64_type().into(),
            F32x4 => cx.f32_type().into(),
            F64x2 => cx.f64_type().into(),
        }
    }

    pub(super) fn vec_type(&self, s: Shape) -> VectorType<'ctx> {
        match self.lane_type(s) {
            BasicTypeEnum::IntType(t) => t.vec_type(s.lanes()),
            BasicTypeEnum::FloatType(t) => t.vec_type(s.lanes()),
            _ => unreachable!("lanes are ints or floats"),
        }
    }

    /// `<lanes x iBITS>`, for intermediate results of other widths than a v128's.
    pub(super) fn int_vec(&self, bits: u32, lanes: u32) -> VectorType<'ctx> {
        self.int_type(bits).vec_type(lanes)
    }

    /// `v` (a v128 of any shape, or any 128-bit vector) seen as shape `s`.
    pub(super) fn as_shape(&self, v: impl BasicValue<'ctx>, s: Shape) -> Result<VectorValue<'ctx>> {
        let v = v.as_basic_value_enum();
        let ty = self.vec_type(s);
        if v.get_type() == ty.into() {
            return Ok(v.into_vector_value());
        }
        Ok(self.builder.build_bit_cast(v, ty, "")?.into_vector_value())
    }

    pub(super) fn pop_v(&mut self, s: Shape) -> Result<VectorValue<'ctx>> {
        let v = self.pop_vector()?;
        self.as_shape(v, s)
    }

    /// Pushes a 128-bit vector of any shape as the canonical v128.
    pub(super) fn push_v(&mut self, v: VectorValue<'ctx>) -> Result<()> {
        let ty = self.v128_type();
        let v = if v.get_type() == ty { v.into() } else { self.builder.build_bit_cast(v, ty, "")? };
        self.push(v);
        Ok(())
    }

    /// An integer shape with every lane `bits` (truncated to the lane width).
    pub(super) fn const_splat(&self, s: Shape, bits: u64) -> VectorValue<'ctx> {
        self.const_splat_of(self.vec_type(s), bits)
    }

    /// A constant integer vector of type `ty` with every lane `bits`.
    pub(super) fn const_splat_of(&self, ty: VectorType<'ctx>, bits: u64) -> VectorValue<'ctx> {
        let t = ty.get_element_type().into_int_type();
        VectorType::const_vector(&vec![t.const_int(bits, false); ty.get_size() as usize])
    }

    /// A vector of `n` copies of `scalar` (`insertelement` + zero-mask `shufflevector`, the form
    /// every backend recognises).
    pub(super) fn splat(&self, scalar: BasicValueEnum<'ctx>, n: u32) -> Result<VectorValue<'ctx>> {
        let ty = match scalar.get_type() {
            BasicTypeEnum::IntType(t) => t.vec_type(n),
            BasicTypeEnum::FloatType(t) => t.vec_type(n),
            _ => unreachable!("lanes are ints or floats"),
        };
        let one = self.builder.build_insert_element(ty.get_poison(), scalar, self.i32_const(0), "")?;
        let mask = self.unit.llcx.i32_type().vec_type(n).const_zero();
        Ok(self.builder.build_shuffle_vector(one, ty.get_poison(), mask, "splat")?)
    }

    /// `shufflevector a, b, idx` with constant indices (into the concatenation of a and b).
    pub(super) fn shuffle(&self, a: VectorValue<'ctx>, b: VectorValue<'ctx>, idx: &[u32]) -> Result<VectorValue<'ctx>> {
        let i32t = self.unit.llcx.i32_type();
        let mask: Vec<IntValue> = idx.iter().map(|&i| i32t.const_int(i as u64, false)).collect();
        Ok(self.builder.build_shuffle_vector(a, b, VectorType::const_vector(&mask), "")?)
    }

    /// Calls an intrinsic returning a vector (`types` are its overloaded types, if any).
    pub(super) fn v_call(
        &self,
        name: &str,
        types: &[BasicTypeEnum<'ctx>],
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> Result<VectorValue<'ctx>> {
        let f = self.unit.intrinsic(name, types)?;
        Ok(self.call_value(f, args)?.into_vector_value())
    }

    /// What the target offers the SIMD lowering (see `simd_target.rs`).
    pub(super) fn isa(&self) -> Isa {
        Isa::of(&self.unit.opts.target)
    }

    // ---- operator shapes ----

    /// `x op y` lane-wise in shape `s`.
    pub(super) fn v_binop(&mut self, s: Shape, f: VecOp<'ctx>) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        let v = f(&self.builder, x, y)?;
        self.push_v(v)
    }

    /// An overloaded intrinsic applied lane-wise to the top `arity` operands.
    pub(super) fn v_intrinsic(&mut self, s: Shape, name: &str, arity: usize) -> Result<()> {
        let args = self.pop_n(arity)?;
        let args: Vec<BasicMetadataValueEnum> =
            args.into_iter().map(|a| self.as_shape(a, s).map(Into::into)).collect::<Result<_>>()?;
        let v = self.v_call(name, &[self.vec_type(s).into()], &args)?;
        self.push_v(v)
    }

    fn splat_op(&mut self, s: Shape) -> Result<()> {
        let x = self.pop()?;
        let lane = match (s, x) {
            (I8x16 | I16x8, BasicValueEnum::IntValue(i)) => {
                self.builder.build_int_truncate(i, self.lane_type(s).into_int_type(), "")?.into()
            }
            _ => x,
        };
        let v = self.splat(lane, s.lanes())?;
        self.push_v(v)
    }

    /// `extract_lane`; the narrow integer shapes extend to i32 (`signed` is `Some` for them).
    fn extract_lane(&mut self, s: Shape, lane: u8, signed: Option<bool>) -> Result<()> {
        let x = self.pop_v(s)?;
        let e = self.builder.build_extract_element(x, self.i32_const(lane as u64), "")?;
        let i32t = self.unit.llcx.i32_type();
        let e: BasicValueEnum = match signed {
            Some(true) => self.builder.build_int_s_extend(e.into_int_value(), i32t, "")?.into(),
            Some(false) => self.builder.build_int_z_extend(e.into_int_value(), i32t, "")?.into(),
            None => e,
        };
        self.push(e);
        Ok(())
    }

    fn replace_lane(&mut self, s: Shape, lane: u8) -> Result<()> {
        let x = self.pop()?;
        let v = self.pop_v(s)?;
        let x: BasicValueEnum = match (s, x) {
            (I8x16 | I16x8, BasicValueEnum::IntValue(i)) => {
                self.builder.build_int_truncate(i, self.lane_type(s).into_int_type(), "")?.into()
            }
            _ => x,
        };
        let r = self.builder.build_insert_element(v, x, self.i32_const(lane as u64), "")?;
        self.push_v(r)
    }

    /// `i8x16.shuffle`: lane indices 0..31 into the concatenation (validated immediates).
    fn shuffle_op(&mut self, lanes: &[u8; 16]) -> Result<()> {
        let b = self.pop_v(I8x16)?;
        let a = self.pop_v(I8x16)?;
        let idx: Vec<u32> = lanes.iter().map(|&l| l as u32).collect();
        let v = self.shuffle(a, b, &idx)?;
        self.push_v(v)
    }

    /// `i8x16.swizzle`: lane `i` is `a[idx[i]]`, or 0 when `idx[i] >= 16`.
    pub(super) fn swizzle(&mut self, a: VectorValue<'ctx>, idx: VectorValue<'ctx>) -> Result<VectorValue<'ctx>> {
        if self.isa().ssse3 {
            // pshufb zeroes a lane whose index byte has bit 7 set, else reads lane `index & 15`;
            // adding 0x70 with unsigned saturation sets bit 7 exactly for the indices >= 16.
            let bias = self.const_splat(I8x16, 0x70);
            let ty = self.vec_type(I8x16).into();
            let biased = self.v_call("llvm.uadd.sat", &[ty], &[idx.into(), bias.into()])?;
            return self.v_call("llvm.x86.ssse3.pshuf.b.128", &[], &[a.into(), biased.into()]);
        }
        // Portable: lane by lane, the index masked before the extract and the lane zeroed after.
        let (i8t, i32t) = (self.unit.llcx.i8_type(), self.unit.llcx.i32_type());
        let mut r = self.vec_type(I8x16).const_zero();
        for i in 0..16 {
            let k = self.builder.build_extract_element(idx, self.i32_const(i), "")?.into_int_value();
            let in_range = self.builder.build_int_compare(IntPredicate::ULT, k, i8t.const_int(16, false), "")?;
            let k = self.builder.build_and(k, i8t.const_int(15, false), "")?;
            let k = self.builder.build_int_z_extend(k, i32t, "")?;
            let e = self.builder.build_extract_element(a, k, "")?;
            let e = self.builder.build_select(in_range, e, i8t.const_zero().into(), "")?;
            r = self.builder.build_insert_element(r, e, self.i32_const(i), "")?;
        }
        Ok(r)
    }

    /// `(x & c) | (y & !c)`.
    pub(super) fn bitselect(
        &self,
        x: VectorValue<'ctx>,
        y: VectorValue<'ctx>,
        c: VectorValue<'ctx>,
    ) -> Result<VectorValue<'ctx>> {
        let xc = self.builder.build_and(x, c, "")?;
        let yc = self.builder.build_and(y, self.builder.build_not(c, "")?, "")?;
        Ok(self.builder.build_or(xc, yc, "")?)
    }
}
