//! `wasm2native run --invoke NAME module ARGS...`: calls one export with arguments parsed from the
//! command line and prints each result on its own line; a trap exits 134.

mod common;

use common::*;

const MODULE: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
  (func (export "hypot") (param f64 f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get 0) (local.get 0)) (f64.mul (local.get 1) (local.get 1)))))
  (func (export "third") (param f32) (result f32) (f32.div (local.get 0) (f32.const 3)))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "swap3") (param i32 i64 f64) (result f64 i64 i32)
    (local.get 2) (local.get 1) (local.get 0))
  (func (export "nothing"))
  (func (export "answer") (result i32) (i32.const 42))
  (func (export "boom") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "oob") (result i32) (i32.load (i32.const 65536)))
  (func (export "lanes") (result v128) (v128.const i32x4 1 2 3 0xdeadbeef))
  (type $point (struct (field i32 i32)))
  (type $bytes (array i8))
  (func (export "small") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "point") (result anyref) (struct.new $point (i32.const 1) (i32.const 2)))
  (func (export "bytes") (result eqref) (array.new_default $bytes (i32.const 3)))
  (func (export "none") (result anyref) (ref.null none))
  (func (export "is_null") (param anyref) (result i32) (ref.is_null (local.get 0)))
  (memory 1)
)"#;

/// Runs `wasm2native run --invoke name m.wat args...` in a fresh directory.
fn invoke(name: &str, args: &[&str]) -> Outcome {
    let tmp = tempfile::tempdir().unwrap();
    let m = write_file(tmp.path(), "m.wat", MODULE);
    let mut all = vec!["run", "--invoke", name, m.to_str().unwrap()];
    all.extend_from_slice(args);
    w2n(&all)
}

#[track_caller]
fn assert_prints(name: &str, args: &[&str], expected: &str) {
    let out = invoke(name, args);
    assert!(
        out.code() == Some(0) && out.stdout_text() == expected,
        "run --invoke {name} {}: expected stdout {expected:?} and status 0\n{}",
        args.join(" "),
        out.report()
    );
}

#[test]
fn gc_results_print_in_spec_notation() {
    assert_prints("small", &["-5"], "(ref.i31 -5)\n");
    assert_prints("small", &["1073741823"], "(ref.i31 1073741823)\n");
    assert_prints("point", &[], "(ref.struct)\n");
    assert_prints("bytes", &[], "(ref.array)\n");
    assert_prints("none", &[], "null\n");
    assert_prints("is_null", &["null"], "1\n");
}

#[test]
fn i32_add() {
    assert_prints("add", &["2", "3"], "5\n");
}

#[test]
fn i32_arguments_negative_hex_and_wrapping() {
    assert_prints("add", &["-7", "3"], "-4\n");
    assert_prints("add", &["0x10", "1"], "17\n");
    assert_prints("add", &["2147483647", "1"], "-2147483648\n");
}

#[test]
fn i64_add() {
    assert_prints("add64", &["9000000000", "-1"], "8999999999\n");
    assert_prints("add64", &["9223372036854775807", "1"], "-9223372036854775808\n");
}

#[test]
fn f64_results() {
    assert_prints("half", &["3"], "1.5\n");
    assert_prints("hypot", &["3", "4"], "5\n");
    assert_prints("half", &["-0.5"], "-0.25\n");
}

#[test]
fn f32_result() {
    assert_prints("third", &["1"], "0.33333334\n");
}

#[test]
fn two_results_print_two_lines() {
    assert_prints("divmod", &["17", "5"], "3\n2\n");
}

#[test]
fn three_results_of_mixed_types() {
    assert_prints("swap3", &["1", "2", "2.5"], "2.5\n2\n1\n");
}

#[test]
fn no_results_print_nothing() {
    assert_prints("nothing", &[], "");
    assert_prints("answer", &[], "42\n");
}

#[test]
fn a_trapping_export_exits_134() {
    let out = invoke("boom", &["0"]);
    assert_eq!(out.code(), Some(134), "{}", out.report());
    assert_eq!(out.stderr_text().lines().next(), Some("wasm trap: integer divide by zero"), "{}", out.report());
    assert_eq!(out.stdout_text(), "", "no result is printed");
    let out = invoke("oob", &[]);
    assert_eq!(out.code(), Some(134), "{}", out.report());
    assert_eq!(out.stderr_text().lines().next(), Some("wasm trap: out of bounds memory access"), "{}", out.report());
    // The same export with a good argument still works (each run is a fresh instance).
    assert_prints("boom", &["1"], "1\n");
}

#[test]
fn wrong_argument_count_or_type_is_an_error() {
    for (name, args) in
        [("add", &["1"][..]), ("add", &["1", "2", "3"][..]), ("add", &["one", "2"][..]), ("half", &["x"][..])]
    {
        let out = invoke(name, args);
        assert_eq!(out.code(), Some(1), "run --invoke {name} {args:?}\n{}", out.report());
        assert!(out.stderr_text().starts_with("error:"), "{}", out.report());
        assert!(!out.stderr_text().contains("panicked"), "{}", out.report());
    }
}

#[test]
fn v128_result_prints_all_sixteen_bytes() {
    assert_prints("lanes", &[], "0xdeadbeef000000030000000200000001\n");
}

#[test]
fn an_attached_level_before_the_module_is_an_option_and_after_it_an_argument() {
    let tmp = tempfile::tempdir().unwrap();
    let m = write_file(tmp.path(), "m.wat", MODULE);
    let m = m.to_str().unwrap();
    for level in ["-O0", "-O1", "-O2", "-O3", "-Os"] {
        let out = w2n(&["run", level, "--invoke", "add", m, "2", "3"]);
        assert_eq!(out.code(), Some(0), "run {level}: {}", out.report());
        assert_eq!(out.stdout_text().trim(), "5");
    }
    let out = w2n(&["run", "--invoke", "add", m, "-O2", "3"]);
    assert_eq!(out.code(), Some(1), "{}", out.report());
    assert!(out.stderr_text().contains("`-O2` is not an integer"), "{}", out.report());
}
