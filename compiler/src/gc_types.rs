//! The type section as this compiler lays it out: each type's kind, declared supertype and rec
//! group (`TypeDef`), the fields of struct and array objects at their byte offsets, and the
//! canonical string of each rec group, which the runtime interns so that equal groups of any two
//! modules get the same runtime type (`w2n_rtt`): the iso-recursive type equality of Wasm 3.0.
//!
//! Objects (`w2n_runtime.h`, above `w2n_rtt`): the `w2n_rtt *` at offset 0; struct fields from
//! `STRUCT_FIELDS`, each at its natural alignment; an array's `u32` length at `ARRAY_LEN`, its
//! elements from `ARRAY_ELEMS`. An `i31ref` is `(value << 1) | 1`.

use crate::error::{unsupported, CompileError, Result};
use crate::module::ValType;
use wasmparser::{CompositeInnerType, StorageType, SubType};

/// Byte offset of an object's `w2n_rtt *`.
pub const OBJECT_RTT: u32 = 0;
/// Byte offset of a struct's first field.
pub const STRUCT_FIELDS: u32 = 8;
/// Byte offset of an array's `u32` length.
pub const ARRAY_LEN: u32 = 8;
/// Byte offset of an array's first element.
pub const ARRAY_ELEMS: u32 = 16;

/// `enum w2n_rtt_kind`.
pub const RTT_FUNC: u32 = 0;
pub const RTT_STRUCT: u32 = 1;
pub const RTT_ARRAY: u32 = 2;

/// How a field or an array element is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Storage {
    I8,
    I16,
    Val(ValType),
}

impl Storage {
    pub fn bytes(self) -> u32 {
        match self {
            Storage::I8 => 1,
            Storage::I16 => 2,
            Storage::Val(ValType::I32 | ValType::F32) => 4,
            Storage::Val(ValType::V128) => 16,
            Storage::Val(_) => 8,
        }
    }

    /// The value type on the operand stack (packed fields are read as i32).
    pub fn unpacked(self) -> ValType {
        match self {
            Storage::I8 | Storage::I16 => ValType::I32,
            Storage::Val(t) => t,
        }
    }

    pub fn is_ref(self) -> bool {
        matches!(self, Storage::Val(ValType::FuncRef | ValType::ExternRef | ValType::ExnRef | ValType::AnyRef))
    }
}

/// A struct field or an array's element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub storage: Storage,
    pub mutable: bool,
    /// Byte offset in the object (an array's first element for arrays).
    pub offset: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Composite {
    Func,
    /// `size`: bytes of the object, header included.
    Struct {
        fields: Vec<Field>,
        size: u32,
    },
    Array(Field),
}

/// What a type index stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeDef {
    pub composite: Composite,
    pub supertype: Option<u32>,
    pub is_final: bool,
    /// The index of the first type of its rec group.
    pub group_start: u32,
    /// The canonical string of its rec group, on the group's first type only (empty on the
    /// others: producers put hundreds of types in one group): the signature code
    /// (`abi::signature_string`'s form) for a lone final function type without supertype or
    /// concrete references, which host functions share; otherwise the group's structure, with
    /// references into the group as `^i` and to earlier types as `tN;`, which the runtime
    /// replaces with their canonical ids before interning.
    pub group: String,
}

impl TypeDef {
    /// `enum w2n_rtt_kind`.
    pub fn rtt_kind(&self) -> u32 {
        match self.composite {
            Composite::Func => RTT_FUNC,
            Composite::Struct { .. } => RTT_STRUCT,
            Composite::Array(_) => RTT_ARRAY,
        }
    }

    /// The runtime type's `size`: a struct's object bytes, an array's bytes per element.
    pub fn rtt_size(&self) -> u32 {
        match &self.composite {
            Composite::Func => 0,
            Composite::Struct { size, .. } => *size,
            Composite::Array(f) => f.storage.bytes(),
        }
    }

    /// The byte offsets of a struct's reference fields; for an array, `[ARRAY_ELEMS]` when its
    /// elements are references (the runtime's `num_refs` is then 1).
    pub fn ref_offsets(&self) -> Vec<u32> {
        match &self.composite {
            Composite::Func => vec![],
            Composite::Struct { fields, .. } => {
                fields.iter().filter(|f| f.storage.is_ref()).map(|f| f.offset).collect()
            }
            Composite::Array(f) => {
                if f.storage.is_ref() {
                    vec![ARRAY_ELEMS]
                } else {
                    vec![]
                }
            }
        }
    }

    pub fn fields(&self) -> &[Field] {
        match &self.composite {
            Composite::Struct { fields, .. } => fields,
            Composite::Array(f) => std::slice::from_ref(f),
            Composite::Func => &[],
        }
    }

    pub fn is_func(&self) -> bool {
        matches!(self.composite, Composite::Func)
    }
}

/// Lays out one rec group, whose first type has index `start`; `is_func(i)` tells whether type
/// `i` (of this group or an earlier one) is a function type.
pub fn read_group(group: &[SubType], start: u32, is_func: &dyn Fn(u32) -> bool) -> Result<Vec<TypeDef>> {
    let mut canon = Some(group_string(group, start)?);
    group
        .iter()
        .map(|t| {
            if t.composite_type.shared {
                return unsupported("shared types (shared-everything-threads proposal)");
            }
            let storage = |s: StorageType| -> Result<Storage> {
                Ok(match s {
                    StorageType::I8 => Storage::I8,
                    StorageType::I16 => Storage::I16,
                    StorageType::Val(v) => Storage::Val(ValType::from_wasm(v, is_func)?),
                })
            };
            let composite = match &t.composite_type.inner {
                CompositeInnerType::Func(_) => Composite::Func,
                CompositeInnerType::Struct(s) => {
                    let mut fields = Vec::with_capacity(s.fields.len());
                    let mut at = STRUCT_FIELDS;
                    for f in s.fields.iter() {
                        let storage = storage(f.element_type)?;
                        let size = storage.bytes();
                        at = at.next_multiple_of(size);
                        fields.push(Field { storage, mutable: f.mutable, offset: at });
                        at = at
                            .checked_add(size)
                            .ok_or_else(|| CompileError::Unsupported("a struct over 4 GiB".into()))?;
                    }
                    Composite::Struct { fields, size: at.next_multiple_of(8) }
                }
                CompositeInnerType::Array(a) => Composite::Array(Field {
                    storage: storage(a.0.element_type)?,
                    mutable: a.0.mutable,
                    offset: ARRAY_ELEMS,
                }),
                CompositeInnerType::Cont(_) => return unsupported("continuation types (stack switching proposal)"),
            };
            Ok(TypeDef {
                composite,
                supertype: t.supertype_idxs.first().and_then(|i| i.as_module_index()),
                is_final: t.is_final,
                group_start: start,
                group: canon.take().unwrap_or_default(),
            })
        })
        .collect()
}

/// The canonical string of a rec group (see `TypeDef::group`).
fn group_string(group: &[SubType], start: u32) -> Result<String> {
    let end = start + group.len() as u32;
    let reference = |i: u32, out: &mut String| {
        if (start..end).contains(&i) {
            out.push_str(&format!("^{}", i - start));
        } else {
            out.push_str(&format!("t{i};"));
        }
    };
    let valtype = |v: wasmparser::ValType, out: &mut String| -> Result<bool> {
        let concrete = match v {
            wasmparser::ValType::Ref(r) => r.type_index().and_then(|i| i.as_module_index()),
            _ => None,
        };
        match (v, concrete) {
            (wasmparser::ValType::Ref(r), Some(i)) => {
                out.push(if r.is_nullable() { 'c' } else { 'C' });
                reference(i, out);
                Ok(true)
            }
            _ => {
                out.push_str(&crate::abi::canonical_valtype_code(&[], v));
                Ok(false)
            }
        }
    };
    if let [only] = group {
        if let CompositeInnerType::Func(ft) = &only.composite_type.inner {
            if only.is_final && only.supertype_idxs.is_empty() {
                let mut plain = String::new();
                let mut concrete = false;
                for &p in ft.params() {
                    concrete |= valtype(p, &mut plain)?;
                }
                plain.push(':');
                for &r in ft.results() {
                    concrete |= valtype(r, &mut plain)?;
                }
                if !concrete {
                    return Ok(plain);
                }
            }
        }
    }
    let mut out = String::from("{");
    for (k, t) in group.iter().enumerate() {
        if k > 0 {
            out.push('|');
        }
        out.push(if t.is_final { '=' } else { '~' });
        if let Some(s) = t.supertype_idxs.first().and_then(|i| i.as_module_index()) {
            out.push('<');
            reference(s, &mut out);
            out.push('>');
        }
        let field = |f: &wasmparser::FieldType, out: &mut String| -> Result<()> {
            out.push(if f.mutable { 'm' } else { 'c' });
            match f.element_type {
                StorageType::I8 => out.push('8'),
                StorageType::I16 => out.push('6'),
                StorageType::Val(v) => {
                    valtype(v, out)?;
                }
            }
            Ok(())
        };
        match &t.composite_type.inner {
            CompositeInnerType::Func(ft) => {
                out.push_str("f(");
                for &p in ft.params() {
                    valtype(p, &mut out)?;
                }
                out.push(':');
                for &r in ft.results() {
                    valtype(r, &mut out)?;
                }
            }
            CompositeInnerType::Struct(s) => {
                out.push_str("s(");
                for (n, f) in s.fields.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    field(f, &mut out)?;
                }
            }
            CompositeInnerType::Array(a) => {
                out.push_str("a(");
                field(&a.0, &mut out)?;
            }
            CompositeInnerType::Cont(_) => return unsupported("continuation types (stack switching proposal)"),
        }
        out.push(')');
    }
    out.push('}');
    Ok(out)
}
