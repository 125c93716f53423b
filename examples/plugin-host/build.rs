//! Compiles plugin.wat for Cargo's target into libplugin.a (module + runtime) and generates the
//! bindings `$OUT_DIR/plugin.rs` that src/main.rs includes.
fn main() {
    wasm2native::Build::new().file("plugin.wat").opt_level(2).compile("plugin");
}
