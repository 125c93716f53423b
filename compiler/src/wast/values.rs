//! Converting script arguments to runtime values and checking results against expectations,
//! including `nan:canonical` / `nan:arithmetic` and reference results.
//!
//! Host references `ref.extern N` are represented as the pointer value N + 1 (so that N = 0 is not
//! null); the runtime never dereferences externrefs. `ref.host N` is the same pointer made an
//! `anyref` (boxed by the runtime). What an `anyref` result is comes from the runtime
//! (`w2n_ref_kind`, `RefKind`).

use crate::host::{ref_kind, Value};
use crate::module::ValType;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::WastRet;

pub fn arg_value(arg: &WastArgCore<'_>) -> Option<Value> {
    Some(match arg {
        WastArgCore::I32(v) => Value { i32: *v },
        WastArgCore::I64(v) => Value { i64: *v },
        WastArgCore::F32(v) => Value { i32: v.bits as i32 },
        WastArgCore::F64(v) => Value { i64: v.bits as i64 },
        WastArgCore::RefNull(_) => Value { r#ref: std::ptr::null_mut() },
        WastArgCore::RefExtern(n) => Value { r#ref: (*n as usize + 1) as *mut std::ffi::c_void },
        WastArgCore::V128(c) => Value { v128: c.to_le_bytes() },
        _ => return None,
    })
}

fn bits32(v: &Value) -> u32 {
    unsafe { v.i32 as u32 }
}

fn bits64(v: &Value) -> u64 {
    unsafe { v.i64 as u64 }
}

fn bytes(v: &Value) -> [u8; 16] {
    unsafe { v.v128 }
}

fn ptr(v: &Value) -> usize {
    unsafe { v.r#ref as usize }
}

pub fn show(values: &[(ValType, Value)]) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|(t, v)| match t {
            ValType::I32 => format!("i32:{}", bits32(v) as i32),
            ValType::I64 => format!("i64:{}", bits64(v) as i64),
            ValType::F32 => format!("f32:{} (0x{:08x})", f32::from_bits(bits32(v)), bits32(v)),
            ValType::F64 => format!("f64:{} (0x{:016x})", f64::from_bits(bits64(v)), bits64(v)),
            ValType::FuncRef => format!("funcref:{:#x}", ptr(v)),
            ValType::ExternRef => match ptr(v) {
                0 => "ref.null extern".into(),
                p => format!("ref.extern {}", p - 1),
            },
            ValType::ExnRef => format!("exnref:{:#x}", ptr(v)),
            ValType::AnyRef => format!("anyref:{:#x}", ptr(v)),
            ValType::V128 => {
                let b = bytes(v);
                let lanes: Vec<String> =
                    b.chunks(4).map(|w| format!("0x{:08x}", u32::from_le_bytes([w[0], w[1], w[2], w[3]]))).collect();
                format!("v128:i32x4 {}", lanes.join(" "))
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// What the runtime says an `anyref` result is (`enum w2n_ref_kind`), with a boxed host pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefKind {
    pub kind: u32,
    pub host: usize,
}

fn matches(ty: ValType, v: &Value, kind: Option<RefKind>, expected: &WastRetCore<'_>) -> bool {
    let kind_is = |k: &[u32]| kind.is_some_and(|r| k.contains(&r.kind));
    match (ty, expected) {
        (ValType::AnyRef, WastRetCore::RefAny) => ptr(v) != 0,
        (ValType::AnyRef, WastRetCore::RefEq) => kind_is(&[ref_kind::I31, ref_kind::STRUCT, ref_kind::ARRAY]),
        (ValType::AnyRef, WastRetCore::RefI31) => kind_is(&[ref_kind::I31]),
        (ValType::AnyRef, WastRetCore::RefStruct) => kind_is(&[ref_kind::STRUCT]),
        (ValType::AnyRef, WastRetCore::RefArray) => kind_is(&[ref_kind::ARRAY]),
        (ValType::AnyRef, WastRetCore::RefHost(n)) => {
            kind == Some(RefKind { kind: ref_kind::HOST, host: *n as usize + 1 })
        }
        (ValType::I32, WastRetCore::I32(e)) => bits32(v) == *e as u32,
        (ValType::I64, WastRetCore::I64(e)) => bits64(v) == *e as u64,
        (ValType::F32, WastRetCore::F32(p)) => f32_matches(bits32(v), p),
        (ValType::F64, WastRetCore::F64(p)) => f64_matches(bits64(v), p),
        (ValType::V128, WastRetCore::V128(p)) => v128_matches(&bytes(v), p),
        (ValType::FuncRef | ValType::ExternRef | ValType::ExnRef | ValType::AnyRef, WastRetCore::RefNull(_)) => {
            ptr(v) == 0
        }
        (ValType::ExternRef, WastRetCore::RefExtern(Some(n))) => ptr(v) == *n as usize + 1,
        (ValType::ExternRef, WastRetCore::RefExtern(None)) => ptr(v) != 0,
        (ValType::FuncRef, WastRetCore::RefFunc(_)) => ptr(v) != 0,
        (_, WastRetCore::Either(options)) => options.iter().any(|o| matches(ty, v, kind, o)),
        _ => false,
    }
}

fn f32_matches(b: u32, p: &NanPattern<F32>) -> bool {
    let is_nan = (b & 0x7f80_0000) == 0x7f80_0000 && (b & 0x007f_ffff) != 0;
    match p {
        NanPattern::Value(e) => b == e.bits,
        NanPattern::CanonicalNan => (b & 0x7fff_ffff) == 0x7fc0_0000,
        NanPattern::ArithmeticNan => is_nan && (b & 0x0040_0000) != 0,
    }
}

fn f64_matches(b: u64, p: &NanPattern<F64>) -> bool {
    let is_nan = (b & 0x7ff0_0000_0000_0000) == 0x7ff0_0000_0000_0000 && (b & 0x000f_ffff_ffff_ffff) != 0;
    match p {
        NanPattern::Value(e) => b == e.bits,
        NanPattern::CanonicalNan => (b & 0x7fff_ffff_ffff_ffff) == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => is_nan && (b & 0x0008_0000_0000_0000) != 0,
    }
}

/// Lane by lane: integer lanes by value, float lanes by value or NaN pattern.
fn v128_matches(b: &[u8; 16], p: &V128Pattern) -> bool {
    fn lanes<const N: usize>(b: &[u8; 16]) -> impl Iterator<Item = u64> + '_ {
        b.chunks(N).map(|c| c.iter().rev().fold(0u64, |acc, &x| (acc << 8) | x as u64))
    }
    match p {
        V128Pattern::I8x16(e) => lanes::<1>(b).zip(e).all(|(a, &e)| a == e as u8 as u64),
        V128Pattern::I16x8(e) => lanes::<2>(b).zip(e).all(|(a, &e)| a == e as u16 as u64),
        V128Pattern::I32x4(e) => lanes::<4>(b).zip(e).all(|(a, &e)| a == e as u32 as u64),
        V128Pattern::I64x2(e) => lanes::<8>(b).zip(e).all(|(a, &e)| a == e as u64),
        V128Pattern::F32x4(e) => lanes::<4>(b).zip(e).all(|(a, e)| f32_matches(a as u32, e)),
        V128Pattern::F64x2(e) => lanes::<8>(b).zip(e).all(|(a, e)| f64_matches(a, e)),
    }
}

/// Ok when every actual value matches its expectation; else a message with both. `kinds[i]` says
/// what `actual[i]` is when it is an `anyref`.
pub fn check_results(
    actual: &[(ValType, Value)],
    kinds: &[Option<RefKind>],
    expected: &[WastRet<'_>],
) -> Result<(), String> {
    let ok = actual.len() == expected.len()
        && actual.iter().zip(kinds).zip(expected).all(|(((t, v), k), e)| match e {
            WastRet::Core(core) => matches(*t, v, *k, core),
            #[allow(unreachable_patterns)]
            _ => false,
        });
    if ok {
        Ok(())
    } else {
        Err(format!("result mismatch: expected {expected:?}, got {}", show(actual)))
    }
}
