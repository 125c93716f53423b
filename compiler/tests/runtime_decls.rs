//! The declarations the compiler and the C runtime share have one source each, on the Rust side;
//! this test fails when the C copy drifts from it:
//!
//! - trap kinds (`compiler/src/trap.rs`, `traps!`): the `w2n_trap_code` enum of `w2n_runtime.h` and
//!   `w2n_trap_message` in `trap.c` are generated sections, compared here with what the table
//!   generates. `W2N_BLESS=1` rewrites them (after a change to the table).
//! - runtime entry points (`compiler/src/ir/runtime_fns.rs`, `runtime_fns!`): each must have a
//!   prototype in `w2n_runtime.h` whose types map to the table's (pointer → ptr, `int32_t`/`uint32_t`
//!   → i32, `int64_t`/`uint64_t` → i64, `void`), and be `_Noreturn` exactly when the table says
//!   `NoReturn`. Never blessed: one side or the other is wrong.

use std::path::{Path, PathBuf};
use wasm2native::ir::runtime_fns::{RtAttr, RtOrigin, RtType, RuntimeFn};
use wasm2native::trap::{self, Trap};

fn runtime_lib() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("runtime-lib")
}

/// The text between the generated-section markers of `text`, and the byte range it occupies.
fn generated_section(text: &str, file: &Path) -> (String, std::ops::Range<usize>) {
    let begin = text
        .find(trap::BEGIN_GENERATED)
        .unwrap_or_else(|| panic!("{}: no `{}` marker", file.display(), trap::BEGIN_GENERATED));
    let start = begin + trap::BEGIN_GENERATED.len() + 1;
    let end = start
        + text[start..]
            .find(trap::END_GENERATED)
            .unwrap_or_else(|| panic!("{}: no `{}` marker", file.display(), trap::END_GENERATED));
    (text[start..end].to_string(), start..end)
}

/// Fails (or with `W2N_BLESS=1` rewrites the file) when the generated section of `file` is not `want`.
fn check_generated(file: &Path, want: &str) -> Option<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let (have, range) = generated_section(&text, file);
    if have == want {
        return None;
    }
    if std::env::var_os("W2N_BLESS").is_some_and(|v| v != "0" && !v.is_empty()) {
        let mut new = text.clone();
        new.replace_range(range, want);
        std::fs::write(file, new).unwrap();
        return None;
    }
    let diff: Vec<String> = diff_lines(&have, want);
    Some(format!(
        "{}: the generated trap section differs from compiler/src/trap.rs (traps!); change the table there and \
         run `W2N_BLESS=1 cargo test -p wasm2native --test runtime_decls`:\n{}",
        file.display(),
        diff.join("\n")
    ))
}

/// The lines only one side has, `-` for the file, `+` for the table.
fn diff_lines(have: &str, want: &str) -> Vec<String> {
    let have_lines: Vec<&str> = have.lines().collect();
    let want_lines: Vec<&str> = want.lines().collect();
    let mut out: Vec<String> =
        have_lines.iter().filter(|l| !want_lines.contains(l)).map(|l| format!("  - (file)  {l}")).collect();
    out.extend(want_lines.iter().filter(|l| !have_lines.contains(l)).map(|l| format!("  + (table) {l}")));
    out
}

#[test]
fn trap_sections_match_the_table() {
    let lib = runtime_lib();
    let problems: Vec<String> = [
        (lib.join("include/w2n_runtime.h"), trap::c_header_section()),
        (lib.join("src/trap.c"), trap::c_message_section()),
    ]
    .iter()
    .filter_map(|(file, want)| check_generated(file, want))
    .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn trap_table_has_every_message_once() {
    let mut messages: Vec<&str> = Trap::ALL.iter().map(|t| t.message()).collect();
    messages.sort();
    messages.dedup();
    assert_eq!(messages.len(), Trap::ALL.len(), "two traps share a message");
}

/// A C prototype: `_Noreturn`, the result type and the parameter types, each mapped to LLVM's.
#[derive(Debug, PartialEq)]
struct Prototype {
    noreturn: bool,
    result: RtType,
    params: Vec<RtType>,
}

/// The LLVM type of a C type as written in the header (qualifiers and all).
fn map_c_type(c: &str) -> Result<RtType, String> {
    if c.contains('*') {
        return Ok(RtType::Ptr);
    }
    let words: Vec<&str> = c.split_whitespace().filter(|w| !matches!(*w, "const" | "volatile" | "_Noreturn")).collect();
    match words.as_slice() {
        ["void"] => Ok(RtType::Void),
        ["int32_t"] | ["uint32_t"] => Ok(RtType::I32),
        ["int64_t"] | ["uint64_t"] => Ok(RtType::I64),
        _ => Err(format!("C type `{c}` has no mapping (add it to map_c_type if LLVM sees it as one of ours)")),
    }
}

/// Finds the prototype of `name` in `header`: a declaration `... name(...);` starting a line.
fn find_prototype(header: &str, name: &str) -> Result<Prototype, String> {
    let mut found = None;
    let mut offset = 0;
    for line in header.split_inclusive('\n') {
        let t = line.trim_start();
        let is_decl = !t.starts_with("/*") && !t.starts_with('*') && !t.starts_with('#');
        if let Some(at) = line.find(&format!("{name}(")) {
            let before = &line[..at];
            let starts_word = before.ends_with([' ', '*'])
                && before.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ' || c == '*');
            if is_decl && starts_word && !before.trim().is_empty() {
                found = Some(offset + at);
                break;
            }
        }
        offset += line.len();
    }
    let at = found.ok_or_else(|| format!("no prototype of `{name}` in w2n_runtime.h"))?;
    let line_start = header[..at].rfind('\n').map_or(0, |i| i + 1);
    let result_text = &header[line_start..at];
    let open = at + name.len();
    let close = open + header[open..].find(')').ok_or_else(|| format!("`{name}`: unterminated parameter list"))?;
    if !header[close + 1..].trim_start().starts_with(';') {
        return Err(format!("`{name}`: expected `;` after the parameter list"));
    }
    let params_text = &header[open + 1..close];
    let mut params = Vec::new();
    let words: Vec<String> =
        params_text.split(',').map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    if words != ["void"] && words != [""] {
        for p in &words {
            // Drop the parameter's name: the last identifier.
            let ty = p.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_');
            if ty.trim().is_empty() {
                return Err(format!("`{name}`: parameter `{p}` has no name"));
            }
            params.push(map_c_type(ty).map_err(|e| format!("`{name}`: {e}"))?);
        }
    }
    Ok(Prototype {
        noreturn: result_text.contains("_Noreturn"),
        result: map_c_type(result_text).map_err(|e| format!("`{name}`: {e}"))?,
        params,
    })
}

#[test]
fn runtime_entry_points_match_the_header() {
    let header = std::fs::read_to_string(runtime_lib().join("include/w2n_runtime.h")).unwrap();
    let mut problems = Vec::new();
    for &rf in RuntimeFn::ALL {
        if rf.origin() == RtOrigin::Libc {
            continue;
        }
        let want = Prototype {
            noreturn: rf.attrs().contains(&RtAttr::NoReturn),
            result: rf.result(),
            params: rf.params().to_vec(),
        };
        match find_prototype(&header, rf.name()) {
            Ok(have) if have == want => {}
            Ok(have) => {
                problems.push(format!("`{}`: w2n_runtime.h says {have:?}, runtime_fns.rs says {want:?}", rf.name()))
            }
            Err(e) => problems.push(e),
        }
    }
    assert!(
        problems.is_empty(),
        "runtime entry points differ between compiler/src/ir/runtime_fns.rs and w2n_runtime.h:\n{}",
        problems.join("\n")
    );
}

#[test]
fn prototype_parser_reads_the_header_forms() {
    let header = "/* w2n_f(ctx) in a comment */\n_Noreturn void w2n_f(w2n_instance *ctx, uint32_t code);\n\
                  int64_t w2n_g(w2n_instance *ctx, uint32_t a, const uint8_t *data, uint64_t b,\n    int64_t c);\n";
    assert_eq!(
        find_prototype(header, "w2n_f").unwrap(),
        Prototype { noreturn: true, result: RtType::Void, params: vec![RtType::Ptr, RtType::I32] }
    );
    assert_eq!(
        find_prototype(header, "w2n_g").unwrap(),
        Prototype {
            noreturn: false,
            result: RtType::I64,
            params: vec![RtType::Ptr, RtType::I32, RtType::Ptr, RtType::I64, RtType::I64]
        }
    );
    assert!(find_prototype(header, "w2n_h").is_err());
    assert!(find_prototype("size_t w2n_s(w2n_instance *ctx);\n", "w2n_s").is_err());
}
