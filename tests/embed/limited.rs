// Rust bindings with resource limits (`Plugin::with_limits`): memory bytes and table elements, a
// failed grow returning -1 or trapping, and instantiation refused by a limit, as a `Trap` of kind
// `Other` naming it (built by compiler/tests/build_api.rs).
// module: limits.wat
// stdout: grow(1) = 1, grow(1) = -1
// stdout: grow_table(3) = 1, grow_table(1) = -1
// stdout: trapping: wasm trap: memory.grow failed (MemoryGrowFailed)
// stdout: trapping: wasm trap: table.grow failed (TableGrowFailed)
// stdout: too small: memory of 65536 bytes (its minimum) exceeds the store's max-memory-size limit of 32768 bytes (Other)
// stdout: no memories: instantiation would exceed the store's max-memories limit of 0 (it holds 0, the module defines 1) (Other)
// stdout: unlimited: grow(100) = 1
mod limited {
    include!(concat!(env!("OUT_DIR"), "/limited.rs"));
}
use limited::{Limited, Limits, Trap};

fn main() -> Result<(), Trap> {
    let limits = Limits { max_memory_size: Some(2 << 16), max_table_elements: Some(4), ..Limits::default() };
    let mut p = Limited::with_limits(&limits)?;
    println!("grow(1) = {}, grow(1) = {}", p.grow(1)?, p.grow(1)?);
    println!("grow_table(3) = {}, grow_table(1) = {}", p.grow_table(3)?, p.grow_table(1)?);

    let mut t = Limited::with_limits(&Limits { trap_on_grow_failure: true, ..limits })?;
    t.grow(1)?;
    for r in [t.grow(1), t.grow_table(4)] {
        match r {
            Err(e) => println!("trapping: {e} ({:?})", e.kind),
            Ok(v) => println!("trapping: returned {v}"),
        }
    }
    for (what, l) in [
        ("too small", Limits { max_memory_size: Some(32768), ..Limits::default() }),
        ("no memories", Limits { max_memories: Some(0), ..Limits::default() }),
    ] {
        match Limited::with_limits(&l) {
            Err(e) => println!("{what}: {e} ({:?})", e.kind),
            Ok(_) => println!("{what}: instantiated"),
        }
    }
    println!("unlimited: grow(100) = {}", Limited::new()?.grow(100)?);
    Ok(())
}
