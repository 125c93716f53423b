//! Exact float arithmetic under optimisation: NaN quieting through identity operands.
//!
//! Wasm wants the result of arithmetic on a signalling NaN to be a quiet ("arithmetic") NaN. LLVM
//! assumes signalling NaNs need not be quieted (outside constrained FP), so it folds an operation
//! with an identity operand into its other operand or into a sign flip: `x - 0.0`, `x + -0.0`,
//! `x * 1.0`, `x / 1.0` → `x`; `-0.0 - x`, `-1.0 * x`, `x / -1.0` → `fneg x`; `fptrunc (fpext x)`
//! → `x`. InstSimplify/InstCombine do it at -O1 and above, and SelectionDAG at every level, so
//! targets without FastISel (RISC-V) pass a signalling NaN through even at -O0.
//!
//! The mechanism, chosen from:
//! - constrained FP intrinsics (`fpexcept.maytrap`): exact, but they stop vectorisation and most
//!   scalar optimisation of every float operation: rejected;
//! - `llvm.canonicalize` (or a NaN check and select) after every arithmetic result: exact and
//!   general, but one more instruction or two per float operation, in every loop: rejected, except
//!   for demotion (below), which is rare and not folded otherwise;
//! - opaque identity constants (taken): a float constant of the program whose value is ±0.0 or
//!   ±1.0 (every identity or sign-flip operand of fadd/fsub/fmul/fdiv) is the result of an empty
//!   inline asm that returns its operand in a float register (`opaque_float`). The folder then
//!   sees an unknown value, the operation stays and the hardware quiets the NaN. The asm reads no
//!   memory, so LLVM hoists it out of loops and merges equal copies; it costs at most a register
//!   (x86 can no longer take the constant as a memory operand) and the folds of those four values.
//!   The wrap is done where the constant enters the function (`f32.const`/`f64.const`), so it
//!   holds wherever the value flows: through locals, block results, `select`, and into a callee
//!   after inlining (a call with `f32.const 0` as argument stays opaque inside the inlined body).
//!   Float values the translator itself folds to such a constant (`f32.convert_i32_s (i32.const
//!   1)`, `f64.reinterpret_i64 (i64.const 0)`, arithmetic of constants) go through the same
//!   `unfoldable`. Integer constants are left alone.
//! - `f32.demote_f64` gives the canonical NaN for a NaN input (a compare and a select), so
//!   `demote(promote x)` folded to `x` still quiets (`demote`).
//! - SIMD: a `v128.const` is typeless and its zero is everywhere in integer code, so it is not made
//!   opaque. Instead f32x4/f64x2 add/sub/mul/div whose operand is a constant with a ±0.0 or ±1.0
//!   lane canonicalise the NaN lanes of their result (`v_float_binop`), which stays exact when
//!   the lane is folded.
//! - min/max replace any NaN result by the canonical NaN already (`numeric.rs`,
//!   `simd_arith.rs`), so `min(x, x)` folded to `x` stays exact.
//!
//! Not covered: identity values that LLVM derives while optimising rather than reads from the
//! program or the translator's folding — an integer that becomes constant only after inlining or
//! mem2reg and is then converted or reinterpreted, GVN replacing `y` by `1.0` under
//! `if (y == 1.0)`, intrinsics folded late (`ceil(0.5)`), and a `v128.const` that reaches a SIMD
//! float operation through a local or a call. Those would need the general (costly) forms above;
//! Wasm produced by a compiler has its constants folded already, so they are rare in practice.

use super::simd::{Shape, VecOp};
use super::FuncTranslator;
use crate::error::Result;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::types::FloatType;
use inkwell::values::{BasicValueEnum, FloatValue, VectorValue};
use inkwell::FloatPredicate;

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// An `f32.const` or `f64.const` (`bits` in the type's width), through `unfoldable`.
    pub(super) fn float_const(&self, ty: FloatType<'ctx>, bits: u64) -> Result<FloatValue<'ctx>> {
        let cx = self.unit.llcx;
        let int = if ty == cx.f32_type() { cx.i32_type() } else { cx.i64_type() };
        let c = self.builder.build_bit_cast(int.const_int(bits, false), ty, "")?.into_float_value();
        self.unfoldable(c)
    }

    /// A float value the translator produced: when the builder made it a constant identity
    /// operand (an `f32.const`, a conversion or arithmetic of constants), an opaque copy of it.
    pub(super) fn unfoldable(&self, v: FloatValue<'ctx>) -> Result<FloatValue<'ctx>> {
        if !v.is_const() {
            return Ok(v);
        }
        // Only a plain float constant may be asked its value: LLVM reads any other constant (a
        // constant expression, such as a bitcast of a vector lane) as one and crashes. Its bits,
        // through a bitcast the builder folds to an integer constant, tell both at once (such
        // constants are rare: an opaque copy of one costs nothing measurable).
        let cx = self.unit.llcx;
        let is_f32 = v.get_type() == cx.f32_type();
        let int = if is_f32 { cx.i32_type() } else { cx.i64_type() };
        let bits = super::int_value(self.builder.build_bit_cast(v, int, "")?)?;
        let value = match bits.get_zero_extended_constant() {
            Some(b) if is_f32 => f32::from_bits(b as u32) as f64,
            Some(b) => f64::from_bits(b),
            // A constant LLVM folds only later may turn out to be an identity: opaque too.
            None => return self.opaque_float(v),
        };
        if is_fold_identity(value) {
            self.opaque_float(v)
        } else {
            Ok(v)
        }
    }

    /// `v` through an empty inline asm that returns it in a float register: the same value at run
    /// time, an unknown one to LLVM's folders. Memory-free, so it is hoisted and merged.
    pub(super) fn opaque_float(&self, v: FloatValue<'ctx>) -> Result<FloatValue<'ctx>> {
        let cx = self.unit.llcx;
        let ty = v.get_type();
        let triple = &self.unit.opts.target.llvm_triple;
        let reg = if triple.starts_with("x86_64") {
            "x"
        } else if triple.starts_with("aarch64") || triple.starts_with("arm64") {
            "w"
        } else if triple.starts_with("riscv") {
            "f"
        } else {
            // An unknown target: through a general register, which every target has.
            return self.opaque_float_via_int(v);
        };
        let fty = ty.fn_type(&[ty.into()], false);
        let asm = cx.create_inline_asm(fty, String::new(), format!("={reg},0"), false, false, None, false);
        let call = self.builder.build_indirect_call(fty, asm, &[v.into()], "id")?;
        memory_free(cx, call);
        Ok(call.try_as_basic_value().basic().expect("asm returns a float").into_float_value())
    }

    fn opaque_float_via_int(&self, v: FloatValue<'ctx>) -> Result<FloatValue<'ctx>> {
        let cx = self.unit.llcx;
        let ty = v.get_type();
        let int = if ty == cx.f32_type() { cx.i32_type() } else { cx.i64_type() };
        let bits = self.builder.build_bit_cast(v, int, "")?;
        let fty = int.fn_type(&[int.into()], false);
        let asm = cx.create_inline_asm(fty, String::new(), "=r,0".into(), false, false, None, false);
        let call = self.builder.build_indirect_call(fty, asm, &[bits.into()], "id")?;
        memory_free(cx, call);
        let out = call.try_as_basic_value().basic().expect("asm returns an integer");
        Ok(self.builder.build_bit_cast(out, ty, "")?.into_float_value())
    }

    /// `f32.demote_f64`: a NaN input gives the canonical NaN, so that `demote(promote x)`, which
    /// LLVM folds to `x`, still quiets a signalling `x`.
    pub(super) fn demote(&self, x: FloatValue<'ctx>) -> Result<FloatValue<'ctx>> {
        let f32t = self.unit.llcx.f32_type();
        let d = self.builder.build_float_trunc(x, f32t, "")?;
        let is_nan = self.builder.build_float_compare(FloatPredicate::UNO, x, x, "")?;
        let nan = self.canonical_nan(f32t)?;
        Ok(self.builder.build_select(is_nan, nan, d, "")?.into_float_value())
    }

    /// f32x4/f64x2 add, sub, mul, div. With a constant operand that has an identity lane (a
    /// `v128.const` operand, which stays a constant so that integer SIMD keeps its folds), NaN
    /// lanes of the result become the canonical NaN: exact whether or not LLVM folds the lane.
    pub(super) fn v_float_binop(&mut self, s: Shape, f: VecOp<'ctx>) -> Result<()> {
        let y = self.pop_v(s)?;
        let x = self.pop_v(s)?;
        let v = f(&self.builder, x, y)?;
        let v = if has_identity_lane(x) || has_identity_lane(y) { self.quiet_nan_lanes(s, x, y, v)? } else { v };
        self.push_v(v)
    }
}

/// A constant float vector with a ±0.0 or ±1.0 lane (a constant of another form counts as one).
fn has_identity_lane(v: VectorValue<'_>) -> bool {
    if !v.is_const() {
        return false;
    }
    if v.is_null() || !v.is_constant_data_vector() {
        return true;
    }
    (0..v.get_type().get_size()).any(|i| match v.get_element_as_constant(i) {
        BasicValueEnum::FloatValue(f) => f.get_constant().is_none_or(|(x, _)| is_fold_identity(x)),
        _ => true,
    })
}

fn memory_free<'ctx>(cx: &'ctx inkwell::context::Context, call: inkwell::values::CallSiteValue<'ctx>) {
    for (name, value) in [("nounwind", 0), ("willreturn", 0), ("memory", 0)] {
        let attr = cx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), value);
        call.add_attribute(AttributeLoc::Function, attr);
    }
}

/// ±0.0 and ±1.0: the values LLVM folds away as an operand of fadd/fsub/fmul/fdiv.
pub(super) fn is_fold_identity(value: f64) -> bool {
    value == 0.0 || value.abs() == 1.0
}

#[cfg(test)]
mod tests {
    use super::is_fold_identity;

    #[test]
    fn identities() {
        for v in [0.0f64, -0.0, 1.0, -1.0] {
            assert!(is_fold_identity(v), "{v}");
        }
        for v in [2.0f64, 0.5, -2.0, f64::NAN, f64::INFINITY, f64::MIN_POSITIVE, 1.0 + f64::EPSILON] {
            assert!(!is_fold_identity(v), "{v}");
        }
    }
}
