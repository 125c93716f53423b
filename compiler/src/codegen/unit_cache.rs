//! Content-addressed cache of partition objects (`<cache>/units/<hash>.o`).
//!
//! A partition's object depends on its functions' bodies and on the module's *interface* as seen by
//! the translator: types, every function's type, imports, tables, memories, globals, tags, the
//! context layout, segment counts, and the code-shaping options (target, CPU, features, level,
//! bounds checks, symbol prefix) — plus the compiler build. The key hashes all of that, so a change
//! to one function's body misses only in that function's partition. Any failure to read or write
//! the cache just means compiling again.

use crate::abi::ContextLayout;
use crate::module::ModuleInfo;
use crate::CodegenOptions;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

fn dir() -> PathBuf {
    crate::cache::cache_dir().join("units")
}

pub fn key(info: &ModuleInfo<'_>, layout: &ContextLayout, opts: &CodegenOptions, funcs: &[u32]) -> String {
    let mut h = Sha256::new();
    let mut put = |s: String| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    put(env!("W2N_BUILD_ID").to_string());
    put(format!("{opts:?}"));
    put(format!("{:?}", info.types));
    put(format!("{:?}", info.type_defs));
    put(format!("{:?}/{}", info.func_types, info.num_imported_funcs));
    put(format!("{:?}/{:?}/{}", info.tables, info.table_valtypes, info.num_imported_tables));
    put(format!("{:?}/{}", info.memories, info.num_imported_memories));
    put(format!("{:?}", info.globals.iter().map(|g| (g.ty, &g.valtype)).collect::<Vec<_>>()));
    put(format!("{:?}/{}", info.tags, info.num_imported_tags));
    put(format!("{layout:?}/{}/{}", info.datas.len(), info.elems.len()));
    for &f in funcs {
        let body = &info.bodies[(f - info.num_imported_funcs) as usize];
        put(format!("f{f}"));
        put(format!("{:x}", Sha256::digest(body.as_bytes())));
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn get(key: &str) -> Option<Vec<u8>> {
    std::fs::read(dir().join(format!("{key}.o"))).ok()
}

pub fn put(key: &str, object: &[u8]) {
    let dir = dir();
    if std::fs::create_dir_all(&dir).is_ok() {
        // Written whole then renamed: a concurrent reader never sees half an object.
        let _ = crate::driver::write_atomically(&dir.join(format!("{key}.o")), object);
    }
}
