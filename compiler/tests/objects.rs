//! The artifacts themselves, read with the `object` crate: `--emit obj` is one x86-64 ELF relocatable
//! that defines the module descriptor, keeps generated functions hidden and in the code section, and
//! leaves the runtime's entry points undefined for the final link.

mod common;

use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

const WAT: &str = r#"(module
  (memory (export "memory") 1)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#;

#[test]
fn emitted_object_is_a_relocatable_elf_with_the_descriptor() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.wat");
    std::fs::write(&input, WAT).unwrap();
    let out = dir.path().join("m.o");
    let status = common::wasm2native()
        .args(["compile", "--emit", "obj", "--prefix", "mymod", "-o"])
        .arg(&out)
        .arg(&input)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&out).unwrap();
    let obj = object::File::parse(&*bytes).unwrap();
    assert_eq!(obj.format(), object::BinaryFormat::Elf);
    assert_eq!(obj.architecture(), object::Architecture::X86_64);
    assert_eq!(obj.kind(), object::ObjectKind::Relocatable);

    let sym = |name: &str| obj.symbols().find(|s| s.name() == Ok(name));
    let module = sym("mymod_module").expect("descriptor symbol");
    assert!(module.is_definition() && module.is_global(), "the descriptor is a global definition");

    let code = obj.section_by_name("w2n_code").expect("code section");
    for i in 0..3 {
        let f = sym(&format!("mymod_f{i}")).unwrap_or_else(|| panic!("function symbol mymod_f{i}"));
        assert_eq!(f.kind(), SymbolKind::Text);
        assert_eq!(f.section_index(), Some(code.index()), "generated functions live in w2n_code");
        assert!(f.is_definition());
    }
    for entry in ["w2n_trap", "w2n_memory_grow"] {
        let s = sym(entry).unwrap_or_else(|| panic!("reference to {entry}"));
        assert!(s.is_undefined(), "{entry} comes from the runtime at link time");
    }
}

#[test]
fn emitted_assembly_and_ir_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.wat");
    std::fs::write(&input, WAT).unwrap();
    for (emit, needle) in [("asm", ".section\tw2n_code"), ("llvm-ir", "define hidden i32 @w2n_m_f0(ptr")] {
        let out = dir.path().join(format!("m.{emit}"));
        let status =
            common::wasm2native().args(["compile", "--emit", emit, "-o"]).arg(&out).arg(&input).status().unwrap();
        assert!(status.success());
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(needle), "--emit {emit} output lacks `{needle}`");
    }
}

/// macOS targets: one Mach-O object per module, for the right architecture, with the descriptor
/// exported under the Mach-O spelling (leading underscore), generated code in `__TEXT,__w2n_code`,
/// and only relocation kinds a Mach-O linker accepts for position-independent code.
#[test]
fn macos_objects_are_mach_o_with_the_descriptor_and_pic_relocations() {
    use object::{ObjectSymbol, RelocationFlags};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.wat");
    std::fs::write(&input, WAT).unwrap();
    for (target, arch) in
        [("x86_64-apple-darwin", object::Architecture::X86_64), ("aarch64-apple-darwin", object::Architecture::Aarch64)]
    {
        let out = dir.path().join(format!("m-{target}.o"));
        let status = common::wasm2native()
            .args(["compile", "--emit", "obj", "--prefix", "mymod", "--target", target, "-o"])
            .arg(&out)
            .arg(&input)
            .status()
            .unwrap();
        assert!(status.success(), "{target}: compile failed");
        let bytes = std::fs::read(&out).unwrap();
        let obj = object::File::parse(&*bytes).unwrap();
        assert_eq!(obj.format(), object::BinaryFormat::MachO, "{target}");
        assert_eq!(obj.architecture(), arch, "{target}");
        let module = obj.symbols().find(|s| s.name() == Ok("_mymod_module")).expect("descriptor symbol");
        assert!(module.is_definition() && module.is_global());
        let code = obj.section_by_name("__w2n_code").expect("code section");
        assert_eq!(code.segment_name().ok().flatten(), Some("__TEXT"));
        for s in obj.symbols().filter(|s| s.name().is_ok_and(|n| n.starts_with("_mymod_f"))) {
            assert_eq!(s.section_index(), Some(code.index()), "{target}: {:?} outside the code section", s.name());
        }
        // Every relocation must be one ld64 takes in a PIE: no absolute 32-bit addresses of code.
        for section in obj.sections() {
            for (_, reloc) in section.relocations() {
                if let RelocationFlags::MachO { r_type, r_pcrel, r_length } = reloc.flags() {
                    let absolute32 = !r_pcrel && r_length == 2 && r_type == 0;
                    assert!(!absolute32, "{target}: 32-bit absolute relocation in {:?}", section.name());
                }
            }
        }
    }
}

/// Artifacts that need linking for macOS fail clearly instead of producing something broken.
#[test]
fn macos_executables_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.wat");
    std::fs::write(&input, WAT).unwrap();
    for emit in ["exe", "sharedlib"] {
        let out = common::wasm2native()
            .args(["compile", "--target", "aarch64-apple-darwin", "--emit", emit, "-o"])
            .arg(dir.path().join("out"))
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "--emit {emit}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error:") && stderr.contains("macOS SDK"), "--emit {emit}: {stderr}");
    }
}

/// The macOS SDK headers `cargo xtask setup` unpacks (or the one the environment names).
fn macos_sdk() -> std::path::PathBuf {
    let sdk = std::env::var_os("WASM2NATIVE_MACOS_SDK")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::repo_root().join("target/macos-sdk"));
    assert!(
        sdk.join("usr/include/stdio.h").is_file(),
        "no macOS headers in {}: run `cargo xtask setup`",
        sdk.display()
    );
    sdk
}

/// `--emit staticlib` for macOS: a darwin-format archive of Mach-O members for the target's
/// architecture, holding the module (its descriptor) and the runtime built for macOS, so that the
/// archive needs nothing but the system library (libSystem) at link time on a Mac.
#[test]
fn macos_static_libraries_hold_the_module_and_the_runtime() {
    use object::read::archive::ArchiveFile;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.wat");
    std::fs::write(&input, WAT).unwrap();
    let sdk = macos_sdk();
    for (target, arch) in
        [("x86_64-apple-darwin", object::Architecture::X86_64), ("aarch64-apple-darwin", object::Architecture::Aarch64)]
    {
        let out = dir.path().join(format!("libmymod-{target}.a"));
        let run = common::wasm2native()
            .args(["compile", "--emit", "staticlib", "--prefix", "mymod", "--target", target, "-o"])
            .arg(&out)
            .arg(&input)
            .env("WASM2NATIVE_MACOS_SDK", &sdk)
            .env("WASM2NATIVE_CACHE_DIR", dir.path().join("cache"))
            .output()
            .unwrap();
        assert!(run.status.success(), "{target}: {}", String::from_utf8_lossy(&run.stderr));
        let bytes = std::fs::read(&out).unwrap();
        let archive = ArchiveFile::parse(&*bytes).unwrap();
        assert!(
            matches!(
                archive.kind(),
                object::read::archive::ArchiveKind::Bsd | object::read::archive::ArchiveKind::Bsd64
            ),
            "{target}: Apple's linker wants a BSD archive, got {:?}",
            archive.kind()
        );
        let mut defined = std::collections::BTreeSet::new();
        let mut undefined = std::collections::BTreeSet::new();
        let mut members = 0;
        for member in archive.members() {
            let member = member.unwrap();
            let data = member.data(&*bytes).unwrap();
            let obj = object::File::parse(data).unwrap();
            assert_eq!(obj.format(), object::BinaryFormat::MachO, "{target}: {:?}", member.name());
            assert_eq!(obj.architecture(), arch, "{target}: {:?}", member.name());
            members += 1;
            for sym in obj.symbols().filter(|s| s.is_global()) {
                let name = sym.name().unwrap().to_string();
                if sym.is_undefined() {
                    undefined.insert(name);
                } else {
                    defined.insert(name);
                }
            }
        }
        assert!(members > 5, "{target}: the module and the runtime's objects, got {members} members");
        for sym in ["_mymod_module", "_w2n_instantiate", "_w2n_call", "_w2n_trap", "_w2n_memory_grow"] {
            assert!(defined.contains(sym), "{target}: {sym} is not defined in the archive");
        }
        let unresolved: Vec<_> = undefined.difference(&defined).filter(|s| s.starts_with("_w2n")).collect();
        assert!(unresolved.is_empty(), "{target}: runtime symbols left undefined: {unresolved:?}");
        assert!(undefined.contains("_mmap"), "{target}: the runtime maps memory through libSystem");
    }
}

/// v128 operators become the target's vector instructions: NEON on AArch64, the V extension on
/// RISC-V when its features enable it (scalar code otherwise), SSE on x86-64.
#[test]
fn simd_lowers_to_each_targets_vector_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("v.wat");
    std::fs::write(
        &input,
        r#"(module (memory 1)
          (func (export "add") (param i32 i32)
            (v128.store (local.get 0) (i32x4.add (v128.load (local.get 0)) (v128.load (local.get 1))))))"#,
    )
    .unwrap();
    // (flags, expected instruction, or None: no vector instruction at all)
    let cases: [(&[&str], Option<&str>); 4] = [
        (&["--target", "x86_64-linux"], Some("paddd")),
        (&["--target", "aarch64-linux"], Some("add\tv")),
        (&["--target", "riscv64-linux", "--cpu-features", "+v"], Some("vadd.vv")),
        (&["--target", "riscv64-linux"], None),
    ];
    for (i, (flags, needle)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("v{i}.s"));
        let status = common::wasm2native()
            .args(["compile", "--emit", "asm", "-o"])
            .arg(&out)
            .args(*flags)
            .arg(&input)
            .status()
            .unwrap();
        assert!(status.success(), "{flags:?}");
        let asm = std::fs::read_to_string(&out).unwrap();
        match needle {
            Some(needle) => assert!(asm.contains(needle), "{flags:?}: no `{needle}` in the assembly"),
            None => assert!(!asm.contains("vadd") && !asm.contains("vle"), "{flags:?}: vector code without +v"),
        }
    }
}
