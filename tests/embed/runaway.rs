// Rust bindings with Build::interruptible(true).fuel(true) (built by compiler/tests/build_api.rs):
// a call stopped from another thread, by a deadline, and by running out of fuel; the instance
// goes on working after each.
// module: runaway.wat
// build: interruptible fuel
// stdout: spin, interrupted from a thread: wasm trap: interrupt (Interrupt)
// stdout: count(10) after it: 10
// stdout: recursion, deadline 50ms: interrupt
// stdout: count(3) after it: 3
// stdout: count(1000) with 1,005 fuel: wasm trap: all fuel consumed by WebAssembly (OutOfFuel), reached 91, fuel left 4
// stdout: count(5) with 56 fuel: 5, fuel left 0
// stdout: handle after the instance is gone: harmless
mod runaway {
    include!(concat!(env!("OUT_DIR"), "/runaway.rs"));
}
use runaway::{Runaway, Trap, TrapKind};
use std::time::Duration;

fn main() -> Result<(), Trap> {
    let mut r = Runaway::new()?;
    let handle = r.interrupt_handle();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let t = r.spin().expect_err("spin returned");
    stopper.join().unwrap();
    println!("spin, interrupted from a thread: {t} ({:?})", t.kind);
    println!("count(10) after it: {}", r.count(10)?);

    r.set_deadline(Some(Duration::from_millis(50)))?;
    let t = r.recurse().expect_err("recurse returned");
    assert_eq!(t.kind, TrapKind::Interrupt);
    println!("recursion, deadline 50ms: {}", t.message);
    println!("count(3) after it: {}", r.count(3)?);

    r.set_fuel(1005);
    let t = r.count(1000).expect_err("count had fuel enough");
    r.set_fuel(u64::MAX);
    let reached = r.reached()?;
    r.set_fuel(1005);
    let _ = r.count(1000);
    println!(
        "count(1000) with 1,005 fuel: {t} ({:?}), reached {reached}, fuel left {}",
        t.kind,
        r.fuel()
    );
    r.set_fuel(56);
    println!("count(5) with 56 fuel: {}, fuel left {}", r.count(5)?, r.fuel());

    let handle = r.interrupt_handle();
    drop(r);
    handle.interrupt();
    println!("handle after the instance is gone: harmless");
    Ok(())
}
