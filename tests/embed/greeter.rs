// Rust bindings of a module that imports WASI and a host function (built by compiler/tests/build_api.rs).
// module: greeter.wat
// stdout: hello via WASI
// stdout: errno 0, 15 bytes written
// stdout: silent instance: errno 0, 15 bytes written
// stdout: quit(3): wasm exit: 3 (Exit(3))
// stdout: still running: 43
mod greeter {
    include!(concat!(env!("OUT_DIR"), "/greeter.rs"));
}
use greeter::{Caller, Greeter, GreeterHost, Trap, WasiOptions};

struct Doubler;

impl GreeterHost for Doubler {
    fn twice(&mut self, _caller: &mut Caller<'_>, x: i64) -> Result<i64, Trap> {
        Ok(x * 2)
    }
}

fn main() -> Result<(), Trap> {
    let mut g = Greeter::new(Doubler)?;
    let errno = g.hello()?;
    println!("errno {errno}, {} bytes written", g.written()?);
    let mut silent = Greeter::with_wasi(Doubler, &WasiOptions { inherit_stdio: false, ..WasiOptions::default() })?;
    let errno = silent.hello()?;
    println!("silent instance: errno {errno}, {} bytes written", silent.written()?);
    match g.quit(3) {
        Err(t) => println!("quit(3): {t} ({:?})", t.kind),
        Ok(()) => println!("quit(3) returned"),
    }
    println!("still running: {}", g.twice_plus1(21)?);
    Ok(())
}
