//! wasm2native's run of a module written as a spec script (`(module binary ...)`, then one
//! `assert_return`/`assert_trap`/`assert_exception` per call), for wasmtime to check: the oracle for
//! the feature sets wasmi lacks (exceptions, threads). wasmtime runs it with `wasmtime wast`; the
//! first assertion it disagrees with is the divergence.

use crate::plan::Val;
use wasmparser::{AbstractHeapType, HeapType, ValType};

pub struct Script(Vec<String>);

impl Script {
    pub fn new(wasm: &[u8]) -> Script {
        Script(vec![format!("(module binary \"{}\")", bytes(wasm))])
    }

    /// Instantiation trapped: the module line becomes an `assert_trap` of it.
    pub fn module_trapped(&mut self, message: &str) {
        let module = self.0.remove(0);
        // Spec scripts have no `assert_exception` of a module; wasmtime words an exception that
        // escapes the start function this way.
        let message = if message.contains("uncaught exception") { "thrown Wasm exception" } else { message };
        self.0.insert(0, format!("(assert_trap {module} \"{}\")", bytes(message.as_bytes())));
    }

    pub fn returned(&mut self, name: &str, params: &[ValType], args: &[Val], results: &[ValType], values: &[Val]) {
        let invoke = invoke(name, params, args);
        let expected: Option<Vec<String>> = results.iter().zip(values).map(|(t, v)| constant(*t, v)).collect();
        self.0.push(match expected {
            Some(e) => format!("(assert_return {invoke} {})", e.join(" ")),
            // A non-null reference of a type the script cannot name: the call must merely return.
            None => invoke,
        });
    }

    pub fn trapped(&mut self, name: &str, params: &[ValType], args: &[Val], message: &str) {
        let invoke = invoke(name, params, args);
        self.0.push(if message.contains("uncaught exception") {
            format!("(assert_exception {invoke})")
        } else if message.contains("call stack exhausted") {
            format!("(assert_exhaustion {invoke} \"call stack exhausted\")")
        } else {
            format!("(assert_trap {invoke} \"{}\")", bytes(message.as_bytes()))
        });
    }

    pub fn text(&self) -> String {
        self.0.join("\n") + "\n"
    }
}

fn invoke(name: &str, params: &[ValType], args: &[Val]) -> String {
    let args: Vec<String> = params.iter().zip(args).map(|(t, v)| constant(*t, v).unwrap_or_default()).collect();
    format!("(invoke \"{}\" {})", bytes(name.as_bytes()), args.join(" "))
}

/// The spec-script constant for `v` of type `ty`; `None` for a non-null reference that has no
/// notation (anything but a funcref).
fn constant(ty: ValType, v: &Val) -> Option<String> {
    Some(match *v {
        Val::I32(x) => format!("(i32.const {})", x as i32),
        Val::I64(x) => format!("(i64.const {})", x as i64),
        Val::F32(b) if f32::from_bits(b).is_nan() => {
            format!("(f32.const {})", nan_pattern(b & 0x7fff_ffff == 0x7fc0_0000))
        }
        Val::F64(b) if f64::from_bits(b).is_nan() => {
            format!("(f64.const {})", nan_pattern(b & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000))
        }
        Val::F32(b) => format!("(f32.const {})", f32::from_bits(b)),
        Val::F64(b) => format!("(f64.const {})", f64::from_bits(b)),
        Val::V128(x) => {
            let lanes: Vec<String> = (0..4).map(|i| format!("0x{:08x}", (x >> (32 * i)) as u32)).collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Val::Ref { null } => {
            let ValType::Ref(r) = ty else { return None };
            let abstract_ty = match r.heap_type() {
                HeapType::Abstract { ty, .. } => Some(ty),
                HeapType::Concrete(_) | HeapType::Exact(_) => None,
            };
            use AbstractHeapType as A;
            match (null, abstract_ty) {
                (true, Some(A::Extern | A::NoExtern)) => "(ref.null extern)".into(),
                (true, Some(A::Exn | A::NoExn)) => "(ref.null exn)".into(),
                (true, Some(A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None)) => "(ref.null any)".into(),
                (true, _) => "(ref.null func)".into(),
                (false, Some(A::Func) | None) => "(ref.func)".into(),
                (false, Some(A::Any)) => "(ref.any)".into(),
                (false, Some(A::Eq)) => "(ref.eq)".into(),
                (false, Some(A::I31)) => "(ref.i31)".into(),
                (false, Some(A::Struct)) => "(ref.struct)".into(),
                (false, Some(A::Array)) => "(ref.array)".into(),
                (false, _) => return None,
            }
        }
    })
}

fn nan_pattern(canonical: bool) -> &'static str {
    if canonical {
        "nan:canonical"
    } else {
        "nan:arithmetic"
    }
}

/// Bytes as a spec-script string body: printable ASCII as is, the rest escaped.
fn bytes(b: &[u8]) -> String {
    b.iter()
        .map(|&c| match c {
            b'"' | b'\\' => format!("\\{}", c as char),
            0x20..=0x7e => (c as char).to_string(),
            _ => format!("\\{c:02x}"),
        })
        .collect()
}
