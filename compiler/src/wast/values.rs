//! Converting script arguments to runtime values and checking results against expectations,
//! including `nan:canonical` / `nan:arithmetic` and reference results.
//!
//! Host references `ref.extern N` are represented as the pointer value N + 1 (so that N = 0 is not
//! null); the runtime never dereferences externrefs.

use crate::host::Value;
use crate::module::ValType;
use wast::core::{NanPattern, WastArgCore, WastRetCore};
use wast::WastRet;

pub fn arg_value(arg: &WastArgCore<'_>) -> Option<Value> {
    Some(match arg {
        WastArgCore::I32(v) => Value { i32: *v },
        WastArgCore::I64(v) => Value { i64: *v },
        WastArgCore::F32(v) => Value { i32: v.bits as i32 },
        WastArgCore::F64(v) => Value { i64: v.bits as i64 },
        WastArgCore::RefNull(_) => Value { r#ref: std::ptr::null_mut() },
        WastArgCore::RefExtern(n) => Value { r#ref: (*n as usize + 1) as *mut std::ffi::c_void },
        _ => return None,
    })
}

fn bits32(v: &Value) -> u32 {
    unsafe { v.i32 as u32 }
}

fn bits64(v: &Value) -> u64 {
    unsafe { v.i64 as u64 }
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
            ValType::V128 => "v128".into(),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

fn matches(ty: ValType, v: &Value, expected: &WastRetCore<'_>) -> bool {
    match (ty, expected) {
        (ValType::I32, WastRetCore::I32(e)) => bits32(v) == *e as u32,
        (ValType::I64, WastRetCore::I64(e)) => bits64(v) == *e as u64,
        (ValType::F32, WastRetCore::F32(p)) => {
            let b = bits32(v);
            let is_nan = (b & 0x7f80_0000) == 0x7f80_0000 && (b & 0x007f_ffff) != 0;
            match p {
                NanPattern::Value(e) => b == e.bits,
                NanPattern::CanonicalNan => (b & 0x7fff_ffff) == 0x7fc0_0000,
                NanPattern::ArithmeticNan => is_nan && (b & 0x0040_0000) != 0,
            }
        }
        (ValType::F64, WastRetCore::F64(p)) => {
            let b = bits64(v);
            let is_nan = (b & 0x7ff0_0000_0000_0000) == 0x7ff0_0000_0000_0000 && (b & 0x000f_ffff_ffff_ffff) != 0;
            match p {
                NanPattern::Value(e) => b == e.bits,
                NanPattern::CanonicalNan => (b & 0x7fff_ffff_ffff_ffff) == 0x7ff8_0000_0000_0000,
                NanPattern::ArithmeticNan => is_nan && (b & 0x0008_0000_0000_0000) != 0,
            }
        }
        (ValType::FuncRef | ValType::ExternRef | ValType::ExnRef, WastRetCore::RefNull(_)) => ptr(v) == 0,
        (ValType::ExternRef, WastRetCore::RefExtern(Some(n))) => ptr(v) == *n as usize + 1,
        (ValType::ExternRef, WastRetCore::RefExtern(None)) => ptr(v) != 0,
        (ValType::FuncRef, WastRetCore::RefFunc(_)) => ptr(v) != 0,
        (_, WastRetCore::Either(options)) => options.iter().any(|o| matches(ty, v, o)),
        _ => false,
    }
}

/// Ok when every actual value matches its expectation; else a message with both.
pub fn check_results(actual: &[(ValType, Value)], expected: &[WastRet<'_>]) -> Result<(), String> {
    let ok = actual.len() == expected.len()
        && actual.iter().zip(expected).all(|((t, v), e)| match e {
            WastRet::Core(core) => matches(*t, v, core),
            #[allow(unreachable_patterns)]
            _ => false,
        });
    if ok {
        Ok(())
    } else {
        Err(format!("result mismatch: expected {expected:?}, got {}", show(actual)))
    }
}
