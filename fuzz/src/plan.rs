//! What to call in a generated module, decided from the module alone so that every engine makes the
//! same calls: the exports in order, each function called once with arguments drawn from the seed.

use anyhow::{bail, Result};
use wasmparser::{AbstractHeapType, CompositeInnerType, ExternalKind, HeapType, Parser, Payload, RefType, ValType};

/// One value crossing the boundary, in a form every engine can produce and compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// A reference: only null or not is comparable between engines.
    Ref {
        null: bool,
    },
}

impl Val {
    /// The text both sides print; NaNs are canonicalised (their payloads are not comparable).
    pub fn show(&self) -> String {
        match *self {
            Val::I32(v) => format!("i32:{v}"),
            Val::I64(v) => format!("i64:{v}"),
            Val::F32(b) if f32::from_bits(b).is_nan() => "f32:nan".into(),
            Val::F64(b) if f64::from_bits(b).is_nan() => "f64:nan".into(),
            Val::F32(b) => format!("f32:{b:#x}"),
            Val::F64(b) => format!("f64:{b:#x}"),
            Val::V128(v) => format!("v128:{:#034x}", canonical_v128(v)),
            Val::Ref { null } => if null { "ref:null" } else { "ref:nonnull" }.into(),
        }
    }
}

/// A v128 has no lane type: canonicalise any 64-bit lane that is an f64 NaN and then any 32-bit
/// lane that is an f32 NaN, identically on both sides.
fn canonical_v128(v: u128) -> u128 {
    let mut out = 0u128;
    for i in 0..2 {
        let mut lane = (v >> (64 * i)) as u64;
        if f64::from_bits(lane).is_nan() {
            lane = 0x7ff8_0000_0000_0000;
        }
        let mut words = [lane as u32, (lane >> 32) as u32];
        for w in &mut words {
            if f32::from_bits(*w).is_nan() {
                *w = 0x7fc0_0000;
            }
        }
        out |= ((words[0] as u128) | ((words[1] as u128) << 32)) << (64 * i);
    }
    out
}

#[derive(Clone, Debug)]
pub enum ExportKind {
    Func { params: Vec<ValType>, results: Vec<ValType> },
    Memory,
    Global(ValType),
    Other,
}

#[derive(Clone, Debug)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
}

/// The exports of `wasm`, in order, with function signatures.
pub fn exports(wasm: &[u8]) -> Result<Vec<Export>> {
    let mut types: Vec<Option<(Vec<ValType>, Vec<ValType>)>> = Vec::new();
    let mut funcs: Vec<u32> = Vec::new();
    let mut globals: Vec<ValType> = Vec::new();
    let mut raw_exports = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(r) => {
                for group in r {
                    for sub in group?.into_types() {
                        types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => Some((f.params().to_vec(), f.results().to_vec())),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    match imp?.ty {
                        wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => funcs.push(t),
                        wasmparser::TypeRef::Global(g) => globals.push(g.content_type),
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    funcs.push(t?);
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    globals.push(g?.ty.content_type);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    raw_exports.push((e.name.to_string(), e.kind, e.index));
                }
            }
            _ => {}
        }
    }
    // Concrete reference types become their abstract kind: the plan and the scripts only need
    // the hierarchy and whether a value is null.
    let kinds: Vec<AbstractHeapType> = kinds_of(wasm)?;
    let abstract_of = |t: ValType| abstract_val(t, &kinds);
    let types: Vec<Option<(Vec<ValType>, Vec<ValType>)>> = types
        .into_iter()
        .map(|t| t.map(|(p, r)| (p.into_iter().map(abstract_of).collect(), r.into_iter().map(abstract_of).collect())))
        .collect();
    let globals: Vec<ValType> = globals.into_iter().map(abstract_of).collect();
    let mut out = Vec::new();
    for (name, kind, index) in raw_exports {
        let kind = match kind {
            ExternalKind::Func | ExternalKind::FuncExact => {
                let Some(Some((params, results))) = funcs.get(index as usize).and_then(|t| types.get(*t as usize))
                else {
                    bail!("export {name}: no function type");
                };
                ExportKind::Func { params: params.clone(), results: results.clone() }
            }
            ExternalKind::Memory => ExportKind::Memory,
            ExternalKind::Global => ExportKind::Global(globals[index as usize]),
            _ => ExportKind::Other,
        };
        out.push(Export { name, kind });
    }
    Ok(out)
}

/// The abstract heap type each type index stands for (`func`, `struct` or `array`).
fn kinds_of(wasm: &[u8]) -> Result<Vec<AbstractHeapType>> {
    let mut kinds = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::TypeSection(r) = payload? {
            for group in r {
                for sub in group?.into_types() {
                    kinds.push(match &sub.composite_type.inner {
                        CompositeInnerType::Func(_) => AbstractHeapType::Func,
                        CompositeInnerType::Array(_) => AbstractHeapType::Array,
                        _ => AbstractHeapType::Struct,
                    });
                }
            }
        }
    }
    Ok(kinds)
}

/// `t` with a concrete heap type replaced by its abstract kind.
fn abstract_val(t: ValType, kinds: &[AbstractHeapType]) -> ValType {
    let ValType::Ref(r) = t else { return t };
    let Some(index) = r.type_index().and_then(|i| i.as_module_index()) else { return t };
    let ty = kinds.get(index as usize).copied().unwrap_or(AbstractHeapType::Any);
    RefType::new(r.is_nullable(), HeapType::Abstract { shared: false, ty }).map(ValType::Ref).unwrap_or(t)
}

/// A small deterministic generator (SplitMix64): arguments and module bytes come from seeds.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// An argument of type `ty`: small numbers, boundaries and random bits, chosen by `rng`.
pub fn argument(ty: ValType, rng: &mut Rng) -> Option<Val> {
    let r = rng.next();
    let pick = |bits: u64| match r % 4 {
        0 => 0,
        1 => r >> 60,
        2 => bits,
        _ => rng_bits(r),
    };
    Some(match ty {
        ValType::I32 => Val::I32(pick(u32::MAX as u64) as u32),
        ValType::I64 => Val::I64(pick(u64::MAX)),
        ValType::F32 => Val::F32(f32::to_bits((pick(1000) as i64 - 500) as f32 * 0.25)),
        ValType::F64 => Val::F64(f64::to_bits((pick(1000) as i64 - 500) as f64 * 0.5)),
        ValType::V128 => Val::V128(((rng.next() as u128) << 64) | rng.next() as u128),
        // A null exnref has no spec-script notation wasmtime accepts as an argument: such exports
        // are not called (by any engine).
        ValType::Ref(r) if is_exn(r) => return None,
        ValType::Ref(r) if r.is_nullable() => Val::Ref { null: true },
        ValType::Ref(_) => return None,
    })
}

fn is_exn(r: wasmparser::RefType) -> bool {
    use wasmparser::{AbstractHeapType, HeapType};
    matches!(r.heap_type(), HeapType::Abstract { ty: AbstractHeapType::Exn | AbstractHeapType::NoExn, .. })
}

fn rng_bits(r: u64) -> u64 {
    r.rotate_left(17)
}
