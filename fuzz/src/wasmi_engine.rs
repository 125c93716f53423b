//! The oracle: the same calls in the wasmi interpreter.

use crate::plan::{argument, Export, ExportKind, Rng, Val};
use crate::trace::{trap_class, Fnv};

/// The one limit of wasm2native's the spec leaves to implementations (`memory.grow` may fail) and
/// wasmi does not share: a 32-bit memory of 64 KiB pages holds at most 65535 of them
/// (`W2N_MEM32_MAX_PAGES`, which generated code relies on), so growing it to 4 GiB fails. wasmi
/// applies the limit in bytes to every memory: it also stops 64-bit memories and those of 1-byte
/// pages at 4 GiB - 64 KiB, where wasm2native does not, which no generated module comes near.
const MEMORY_BYTES_LIMIT: usize = 65535 << 16;

/// Runs `exports` of `wasm` in wasmi with arguments from `seed`; `None` if wasmi rejects the
/// module (a feature it lacks), which makes the module incomparable.
pub fn run(wasm: &[u8], exports: &[Export], seed: u64) -> Option<Vec<String>> {
    let mut config = wasmi::Config::default();
    config
        .wasm_multi_memory(true)
        .wasm_memory64(true)
        .wasm_custom_page_sizes(true)
        .wasm_wide_arithmetic(true)
        .wasm_simd(true)
        .wasm_tail_call(true)
        .wasm_extended_const(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wasm).ok()?;
    let mut store =
        wasmi::Store::new(&engine, wasmi::StoreLimitsBuilder::new().memory_size(MEMORY_BYTES_LIMIT).build());
    store.limiter(|limits| limits);
    let linker = wasmi::Linker::<wasmi::StoreLimits>::new(&engine);
    let mut trace = Vec::new();
    let instance = match linker.instantiate_and_start(&mut store, &module) {
        Ok(i) => i,
        Err(e) => {
            trace.push(format!("instantiate -> trap {}", trap_class(&e.to_string())));
            return Some(trace);
        }
    };
    let mut rng = Rng::new(seed);
    for export in exports {
        let ExportKind::Func { params, results } = &export.kind else { continue };
        let Some(args) = params.iter().map(|t| argument(*t, &mut rng)).collect::<Option<Vec<_>>>() else { continue };
        let func = instance.get_func(&store, &export.name)?;
        let ty = func.ty(&store);
        let args: Vec<wasmi::Val> = args.iter().zip(ty.params()).map(|(v, t)| to_wasmi(v, *t)).collect();
        let mut outs: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default(*t)).collect();
        let outcome = match func.call(&mut store, &args, &mut outs) {
            Ok(()) => outs.iter().map(|v| from_wasmi(v).show()).collect::<Vec<_>>().join(" "),
            Err(e) => format!("trap {}", trap_class(&trap_text(&e))),
        };
        debug_assert_eq!(outs.len(), results.len());
        trace.push(format!("call {:?} -> {outcome}", export.name));
        trace.push(state(&store, &instance, exports));
        if outcome.starts_with("trap stack") {
            break;
        }
    }
    Some(trace)
}

fn trap_text(e: &wasmi::Error) -> String {
    match e.as_trap_code() {
        Some(code) => format!("{code:?}: {}", code.trap_message()),
        None => e.to_string(),
    }
}

fn state(store: &wasmi::Store<wasmi::StoreLimits>, instance: &wasmi::Instance, exports: &[Export]) -> String {
    let mut h = Fnv::new();
    let mut globals = Vec::new();
    for export in exports {
        match export.kind {
            ExportKind::Memory => {
                let m = instance.get_memory(store, &export.name).expect("exported memory");
                let data = m.data(store);
                h.write(&(data.len() as u64).to_le_bytes());
                h.write(data);
            }
            ExportKind::Global(_) => {
                let g = instance.get_global(store, &export.name).expect("exported global");
                globals.push(from_wasmi(&g.get(store)).show());
            }
            _ => {}
        }
    }
    format!("state mem:{:016x} globals:[{}]", h.finish(), globals.join(" "))
}

fn to_wasmi(v: &Val, ty: wasmi::ValType) -> wasmi::Val {
    match *v {
        Val::I32(x) => wasmi::Val::I32(x as i32),
        Val::I64(x) => wasmi::Val::I64(x as i64),
        Val::F32(b) => wasmi::Val::F32(wasmi::F32::from_bits(b)),
        Val::F64(b) => wasmi::Val::F64(wasmi::F64::from_bits(b)),
        Val::V128(x) => wasmi::Val::V128(wasmi::V128::from(x)),
        Val::Ref { .. } => wasmi::Val::default(ty),
    }
}

fn from_wasmi(v: &wasmi::Val) -> Val {
    match v {
        wasmi::Val::I32(x) => Val::I32(*x as u32),
        wasmi::Val::I64(x) => Val::I64(*x as u64),
        wasmi::Val::F32(x) => Val::F32(x.to_bits()),
        wasmi::Val::F64(x) => Val::F64(x.to_bits()),
        wasmi::Val::V128(x) => Val::V128(x.as_u128()),
        wasmi::Val::FuncRef(r) => Val::Ref { null: r.is_null() },
        wasmi::Val::ExternRef(r) => Val::Ref { null: r.is_null() },
    }
}
