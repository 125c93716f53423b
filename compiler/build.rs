//! Builds the C runtime into the `wasm2native` binary (for in-process use: `run`, `wast`) and embeds
//! its sources so the compiler can build it for any target at first use.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let rt = manifest.parent().unwrap().join("runtime-lib");
    let src = rt.join("src");
    let include = rt.join("include");
    println!("cargo:rerun-if-changed={}", rt.display());

    let mut sources: Vec<PathBuf> =
        std::fs::read_dir(&src).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    sources.sort();
    // The cross-target agent of `wasm2native wast --target` (built per target, never linked in here).
    let mut agent: Vec<PathBuf> = std::fs::read_dir(rt.join("agent"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    agent.sort();
    let mut headers: Vec<PathBuf> =
        std::fs::read_dir(&include).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    headers.sort();

    // The embedded source list: (relative path, bytes).
    let mut embedded = String::from("pub static RUNTIME_SOURCES: &[(&str, &[u8])] = &[\n");
    for p in sources.iter().chain(headers.iter()).chain(agent.iter()) {
        let rel = p.strip_prefix(&rt).unwrap().display().to_string();
        embedded.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", p.display().to_string()));
        println!("cargo:rerun-if-changed={}", p.display());
    }
    embedded.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("runtime_sources.rs"), embedded).unwrap();

    // The in-process runtime: everything but the program entry.
    let c_files: Vec<&PathBuf> =
        sources.iter().filter(|p| p.extension().is_some_and(|e| e == "c") && !p.ends_with("main.c")).collect();
    if !c_files.is_empty() {
        cc::Build::new()
            .files(c_files)
            .include(&include)
            .include(&src)
            .define("_GNU_SOURCE", None)
            .flag_if_supported("-std=c11")
            .opt_level(2)
            .warnings(true)
            .cargo_metadata(false)
            .compile("w2n_runtime");
        println!("cargo:rustc-link-search=native={}", out.display());
        // Whole archive: generated modules loaded at run time call entry points Rust never names.
        println!("cargo:rustc-link-lib=static:+whole-archive=w2n_runtime");
        println!("cargo:rustc-link-lib=dylib=m");
    }
    println!("cargo:rustc-env=W2N_BUILD_ID={:016x}", build_id(&manifest));
    // Export the runtime's symbols to shared objects dlopen'ed by `run` and `wast`, and by the
    // integration tests that load modules in-process (tests/unload.rs).
    println!("cargo:rustc-link-arg-bins=-rdynamic");
    println!("cargo:rustc-link-arg-tests=-rdynamic");
}

/// A fingerprint of everything that shapes generated artifacts (compiler and runtime sources, the
/// lock file), so caches keyed on it are invalidated by any change to the compiler.
fn build_id(manifest: &std::path::Path) -> u64 {
    use std::hash::Hasher;
    fn walk(dir: &std::path::Path, files: &mut Vec<PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, files);
                } else {
                    files.push(p);
                }
            }
        }
    }
    let root = manifest.parent().unwrap();
    let mut files = Vec::new();
    walk(&manifest.join("src"), &mut files);
    walk(&root.join("runtime-lib").join("src"), &mut files);
    walk(&root.join("runtime-lib").join("include"), &mut files);
    walk(&root.join("linker-scripts"), &mut files);
    files.push(root.join("Cargo.lock"));
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        h.write(f.to_string_lossy().as_bytes());
        h.write(&std::fs::read(&f).unwrap_or_default());
    }
    h.finish()
}
