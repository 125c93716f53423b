// Rust bindings of a module with GC types: a reference returned to the host and held across calls
// (`gc_hold`), collections, the store's GC heap limit (`Limits::max_gc_heap`) and the instance
// after its trap (built by compiler/tests/build_api.rs).
// module: gc_refs.wat
// stdout: held list after 200,000 garbage lists: 499500
// stdout: hoarding: wasm trap: GC heap out of memory (GcOutOfMemory)
// stdout: after the trap: 499500
// stdout: released and collected: less than 1 MiB live
mod gc_held {
    include!(concat!(env!("OUT_DIR"), "/gc_held.rs"));
}
use gc_held::{GcHeld, Limits, Trap};

fn main() -> Result<(), Trap> {
    let mut m = GcHeld::with_limits(&Limits { max_gc_heap: Some(16 << 20), ..Limits::default() })?;
    let list = m.list(1000)?;
    // Between calls only this host knows the list: it holds it.
    m.gc_hold(list);
    m.churn(200_000)?;
    m.gc_collect();
    println!("held list after 200,000 garbage lists: {}", m.sum(list)?);
    match m.hoard(10_000_000) {
        Err(e) => println!("hoarding: {e} ({:?})", e.kind),
        Ok(()) => println!("hoarding: no trap"),
    }
    m.drop_hoard()?;
    println!("after the trap: {}", m.sum(list)?);
    m.gc_release(list);
    m.gc_collect();
    let (live, _, _) = m.gc_stats();
    println!("released and collected: {}", if live < 1 << 20 { "less than 1 MiB live" } else { "still alive" });
    Ok(())
}
