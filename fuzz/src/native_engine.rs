//! The engine under test: the module compiled by wasm2native, loaded into this process and called
//! through the runtime's C API. Runs in a child process, so a crash in the compiler or in the
//! generated code is seen by the parent as a crash, not taken down with it.

use crate::plan::{argument, Export, ExportKind, Rng, Val};
use crate::trace::{trap_class, Fnv};
use crate::wast_script::Script;
use anyhow::{anyhow, Result};
use std::path::Path;
use wasm2native::driver::{compile_wasm, CompileOptions, Emit};
use wasm2native::host::{instance_export, LoadedModule, Outcome, Session, Value, WasiGrants};
use wasm2native::{BoundsChecks, OptLevel};
use wasmparser::ValType;

const PREFIX: &str = "w2n_fuzz";

/// Compiles `wasm` into `dir` and runs its exports; the trace, or the compile error's text. With
/// `script`, the run is also written down for wasmtime to check.
pub fn run(
    wasm: &[u8],
    exports: &[Export],
    seed: u64,
    opt: OptLevel,
    checks: BoundsChecks,
    dir: &Path,
    mut script: Option<&mut Script>,
) -> Result<Vec<String>> {
    let lib = dir.join(format!("m-{opt:?}-{checks:?}.so"));
    let opts = CompileOptions {
        emit: Emit::SharedLib,
        opt_level: opt,
        bounds_checks: checks,
        jobs: 1,
        prefix: Some(PREFIX.into()),
        shared_without_runtime: true,
        ..CompileOptions::default()
    };
    if let Err(e) = compile_wasm(wasm, &lib, &opts) {
        return Ok(vec![format!("compile error: {e}")]);
    }
    let module = LoadedModule::load(&lib, PREFIX).map_err(|e| anyhow!(e))?;
    let grants = WasiGrants { args: &[], env: &[], dirs: &[], timeout: None, fuel: None };
    let mut trace = Vec::new();
    let session = match Session::instantiate(&module, &grants) {
        Ok(s) => s,
        Err(Outcome::Trapped { message, .. }) => {
            if let Some(s) = script.as_deref_mut() {
                s.module_trapped(&message);
            }
            trace.push(format!("instantiate -> trap {}", trap_class(&message)));
            return Ok(trace);
        }
        Err(Outcome::Failed(m)) => return Ok(vec![format!("instantiate -> failed {m}")]),
        Err(_) => return Ok(vec!["instantiate -> exit".into()]),
    };
    let mut rng = Rng::new(seed);
    for export in exports {
        let ExportKind::Func { params, results } = &export.kind else { continue };
        let Some(args) = params.iter().map(|t| argument(*t, &mut rng)).collect::<Option<Vec<_>>>() else { continue };
        let func = session.export_func(&export.name).ok_or_else(|| anyhow!("no export {}", export.name))?;
        let mut slots = vec![Value { v128: [0; 16] }; params.len().max(results.len()).max(1)];
        for (slot, v) in slots.iter_mut().zip(&args) {
            *slot = to_value(v);
        }
        // SAFETY: `func` is this session's export; `slots` holds its parameters and results.
        let outcome = match unsafe { session.call(func, &mut slots) } {
            Outcome::Returned(out) => {
                let values: Vec<Val> = out.iter().zip(results).map(|(v, t)| from_value(v, *t)).collect();
                if let Some(s) = script.as_deref_mut() {
                    s.returned(&export.name, params, &args, results, &values);
                }
                values.iter().map(Val::show).collect::<Vec<_>>().join(" ")
            }
            Outcome::Trapped { message, .. } => {
                if let Some(s) = script.as_deref_mut() {
                    s.trapped(&export.name, params, &args, &message);
                }
                format!("trap {}", trap_class(&message))
            }
            Outcome::Exited(c) => format!("exit {c}"),
            Outcome::Failed(m) => format!("failed {m}"),
        };
        trace.push(format!("call {:?} -> {outcome}", export.name));
        trace.push(state(&session, exports));
        if outcome.starts_with("trap stack") {
            break;
        }
    }
    Ok(trace)
}

fn state(session: &Session, exports: &[Export]) -> String {
    let mut h = Fnv::new();
    let mut globals = Vec::new();
    for export in exports {
        // SAFETY: the session owns its instance.
        let Some(ext) = (unsafe { instance_export(session.instance, &export.name) }) else { continue };
        match export.kind {
            ExportKind::Memory => {
                // SAFETY: an exported memory is a live `w2n_memory` of this instance.
                let data = unsafe {
                    let m = &*ext.of.memory;
                    std::slice::from_raw_parts(m.base, m.size as usize)
                };
                h.write(&(data.len() as u64).to_le_bytes());
                h.write(data);
            }
            ExportKind::Global(ty) => {
                // SAFETY: an exported global's cell holds a value of its type.
                let v = unsafe { *ext.of.global.cell };
                globals.push(from_value(&v, ty).show());
            }
            _ => {}
        }
    }
    format!("state mem:{:016x} globals:[{}]", h.finish(), globals.join(" "))
}

fn to_value(v: &Val) -> Value {
    match *v {
        Val::I32(x) => Value { i64: x as i32 as i64 },
        Val::I64(x) => Value { i64: x as i64 },
        Val::F32(b) => {
            let mut bytes = [0u8; 16];
            bytes[..4].copy_from_slice(&b.to_le_bytes());
            Value { v128: bytes }
        }
        Val::F64(b) => Value { i64: b as i64 },
        Val::V128(x) => Value { v128: x.to_le_bytes() },
        Val::Ref { .. } => Value { r#ref: std::ptr::null_mut() },
    }
}

fn from_value(v: &Value, ty: ValType) -> Val {
    // SAFETY: the slot holds a value of type `ty`.
    unsafe {
        match ty {
            ValType::I32 => Val::I32(v.i32 as u32),
            ValType::I64 => Val::I64(v.i64 as u64),
            ValType::F32 => Val::F32(v.f32.to_bits()),
            ValType::F64 => Val::F64(v.f64.to_bits()),
            ValType::V128 => Val::V128(u128::from_le_bytes(v.v128)),
            ValType::Ref(_) => Val::Ref { null: v.r#ref.is_null() },
        }
    }
}
