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
        let status = common::wasm2native().args(["compile", "--emit", emit, "-o"]).arg(&out).arg(&input).status().unwrap();
        assert!(status.success());
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(needle), "--emit {emit} output lacks `{needle}`");
    }
}
