//! What a run of a module's exports looked like, as lines every engine writes the same way:
//! `call NAME -> VALUES` or `call NAME -> trap CLASS`, each followed by `state ...` (a hash of the
//! exported memories and the exported globals' values).

/// Trap messages grouped into what every engine distinguishes.
pub fn trap_class(message: &str) -> &'static str {
    const CLASSES: &[(&str, &str)] = &[
        ("unreachable", "unreachable"),
        ("divide by zero", "div-by-zero"),
        ("division by zero", "div-by-zero"),
        ("integer overflow", "int-overflow"),
        ("invalid conversion", "bad-conversion"),
        ("memory access", "oob-memory"),
        ("memory out of bounds", "oob-memory"),
        ("table access", "oob-table"),
        ("table out of bounds", "oob-table"),
        ("undefined element", "oob-table"),
        ("uninitialized element", "null"),
        ("call to null", "null"),
        ("null function", "null"),
        ("null reference", "null"),
        ("indirect call type mismatch", "signature"),
        ("signature mismatch", "signature"),
        ("call stack exhausted", "stack"),
        ("stack overflow", "stack"),
        ("uncaught exception", "exception"),
        ("null exception", "null"),
        ("unaligned atomic", "unaligned-atomic"),
        ("out of fuel", "fuel"),
    ];
    let lower = message.to_ascii_lowercase();
    CLASSES.iter().find(|(needle, _)| lower.contains(needle)).map(|(_, c)| *c).unwrap_or("other")
}

/// FNV-1a, 64-bit: stable across processes and builds.
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// The first line where two traces differ, with both versions, or `None` when they agree. A
/// stack exhaustion on either side ends the comparison: engines' stack limits differ by design.
pub fn first_difference(a: &[String], b: &[String]) -> Option<(usize, String, String)> {
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).map(String::as_str).unwrap_or("<end>"), b.get(i).map(String::as_str).unwrap_or("<end>"));
        if x.ends_with("trap stack") || y.ends_with("trap stack") {
            return None;
        }
        if x != y {
            return Some((i, x.to_string(), y.to_string()));
        }
    }
    None
}
