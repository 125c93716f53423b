//! A Rust program that embeds a Wasm plugin compiled ahead of time by wasm2native (see build.rs):
//! calls its exports, passes a string through its linear memory, supplies host functions, catches
//! traps as errors and keeps running, runs two instances side by side (one on another thread), and
//! caps a third's memory.

mod plugin {
    include!(concat!(env!("OUT_DIR"), "/plugin.rs"));
}

use plugin::{Caller, Limits, Plugin, PluginEnv, Trap, TrapKind};

/// The host side of the plugin's `env` imports; each instance gets its own.
struct Host {
    name: &'static str,
}

impl PluginEnv for Host {
    fn log(&mut self, caller: &mut Caller<'_>, ptr: i32, len: i32) -> Result<(), Trap> {
        let memory = caller.memory().ok_or_else(|| Trap::host("no memory"))?;
        let bytes = memory
            .get(ptr as u32 as usize..(ptr as u32 as usize).saturating_add(len as u32 as usize))
            .ok_or_else(|| Trap::host("log: string out of bounds"))?;
        println!("[{}] log: {}", self.name, String::from_utf8_lossy(bytes));
        Ok(())
    }

    fn check(&mut self, _caller: &mut Caller<'_>, value: i32) -> Result<i32, Trap> {
        if value < 0 {
            return Err(Trap::host(format!("{} refuses negative input {value}", self.name)));
        }
        Ok(value * 2)
    }
}

fn shout(p: &mut Plugin, text: &str) -> Result<String, Trap> {
    let at = p.buffer()?;
    p.memory_write(at as u32 as u64, text.as_bytes())?;
    let changed = p.shout(at, text.len() as i32)?;
    let mut out = vec![0u8; text.len()];
    p.memory_read(at as u32 as u64, &mut out)?;
    println!("shout changed {changed} letters");
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut a = Plugin::new(Host { name: "a" })?;
    let mut b = Plugin::new(Host { name: "b" })?;

    println!("add(2, 3) = {}", a.add(2, 3)?);
    println!("divmod(17, 5) = {:?}", a.divmod(17, 5)?);
    println!("mean(1.5, 2.0) = {}", a.mean(1.5, 2.0)?);
    println!("version = {}", a.version());

    println!("shouted: {}", shout(&mut a, "hello from the host")?);

    match a.div_s(7, 0) {
        Err(trap) => println!("div_s(7, 0): {trap} ({:?})", trap.kind),
        Ok(v) => println!("div_s(7, 0) returned {v}?!"),
    }
    match a.checked(-4) {
        Err(trap) if trap.kind == TrapKind::Host => println!("checked(-4): {trap}"),
        other => println!("checked(-4): unexpected {other:?}"),
    }
    match a.peek(-8) {
        Err(trap) => println!("peek(-8): {trap}"),
        Ok(v) => println!("peek(-8) returned {v}?!"),
    }
    match a.memory_write(u64::MAX - 1, b"xy") {
        Err(trap) => println!("memory_write out of bounds: {trap}"),
        Ok(()) => println!("memory_write out of bounds succeeded?!"),
    }
    // Still alive after the traps.
    println!("checked(20) = {}", a.checked(20)?);
    println!("div_s(7, 2) = {}", a.div_s(7, 2)?);

    // Two instances, separate state; `b` runs on another thread (instances are Send).
    for _ in 0..3 {
        a.count()?;
    }
    let b_handle = std::thread::spawn(move || -> Result<Plugin, Trap> {
        b.count()?;
        println!("shouted on a thread: {}", shout(&mut b, "second instance")?);
        Ok(b)
    });
    let mut b = b_handle.join().expect("thread")?;
    println!("calls: a = {}, b = {}", a.calls(), b.calls());
    a.set_calls(100);
    println!("after set_calls(100): a = {}, b = {}", a.count()?, b.count()?);

    // A plugin you do not trust gets a memory cap: growing past 1 MiB fails instead of taking the
    // host's memory (`trap_on_grow_failure: true` would make it a trap).
    let cap = Limits { max_memory_size: Some(1 << 20), max_table_elements: Some(1000), ..Limits::default() };
    let mut capped = Plugin::with_limits(Host { name: "capped" }, &cap)?;
    println!("capped: grow(8) = {}, grow(100) = {}", capped.grow(8)?, capped.grow(100)?);
    println!("done");
    Ok(())
}
