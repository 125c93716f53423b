// Compiled modules are loaded into the fuzzer's child processes and bind to the runtime linked
// into this binary: its symbols must be exported.
fn main() {
    println!("cargo:rustc-link-arg-bins=-rdynamic");
}
