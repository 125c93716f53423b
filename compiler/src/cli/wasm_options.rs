//! `-W KEY[=VALUE][,KEY[=VALUE]...]`: bounds on the guest, in wasmtime's words (`run -W timeout=2s`,
//! `compile -W max-memory-size=64M`). Each key is parsed here once; `run` applies them to its store,
//! `compile` bakes them into executables.
//!
//! wasmtime's feature switches (`-W simd=y`, `-W exceptions`) are accepted when they ask for a
//! feature this compiler always enables, so wasmtime command lines work unchanged; turning one off
//! is an error, since every module is compiled with all of them.

use std::time::Duration;
use wasm2native::ffi::StoreLimits;

/// The guest bounds asked for with `-W`. `None`/`false`: not asked (no bound).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasmOptions {
    /// `timeout=DURATION`: interrupt the guest after this long (`2s`, `500ms`, `1m`; plain: seconds).
    pub timeout: Option<Duration>,
    /// `fuel=N`: the instructions the guest may execute.
    pub fuel: Option<u64>,
    /// `max-memory-size=BYTES`: the most bytes any one linear memory may grow to.
    pub max_memory_size: Option<u64>,
    /// `max-table-elements=N`: the most elements any one table may grow to.
    pub max_table_elements: Option<u64>,
    /// `max-instances=N`: the most instances the store may hold.
    pub max_instances: Option<u64>,
    /// `max-memories=N`, `max-tables=N`: the most of each the store may hold.
    pub max_memories: Option<u64>,
    pub max_tables: Option<u64>,
    /// `max-gc-heap=BYTES`: the most bytes of GC objects the store may hold at once.
    pub max_gc_heap: Option<u64>,
    /// `trap-on-grow-failure[=y|n]`: `memory.grow`/`table.grow` past a limit trap instead of
    /// returning -1.
    pub trap_on_grow_failure: bool,
}

/// wasmtime's feature switches that every module here has on.
const ALWAYS_ON_FEATURES: &[&str] = &[
    "bulk-memory",
    "component-model",
    "custom-page-sizes",
    "exceptions",
    "extended-const",
    "function-references",
    "memory64",
    "multi-memory",
    "multi-value",
    "nan-canonicalization",
    "reference-types",
    "relaxed-simd",
    "simd",
    "tail-call",
    "threads",
    "wide-arithmetic",
];

impl WasmOptions {
    /// Parses every `-W` argument (each a comma-separated list of `KEY[=VALUE]`).
    pub fn parse(args: &[String]) -> Result<WasmOptions, String> {
        let mut o = WasmOptions::default();
        for item in args.iter().flat_map(|a| a.split(',')).filter(|i| !i.is_empty()) {
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (item, None),
            };
            let need = || value.ok_or_else(|| format!("-W {key}: a value is required ({key}=...)"));
            match key {
                "timeout" => o.timeout = Some(parse_duration(need()?).map_err(|e| format!("-W timeout: {e}"))?),
                "fuel" => o.fuel = Some(parse_count(key, need()?)?),
                "max-memory-size" => o.max_memory_size = Some(parse_size(key, need()?)?),
                "max-table-elements" => o.max_table_elements = Some(parse_count(key, need()?)?),
                "max-instances" => o.max_instances = Some(parse_count(key, need()?)?),
                "max-memories" => o.max_memories = Some(parse_count(key, need()?)?),
                "max-tables" => o.max_tables = Some(parse_count(key, need()?)?),
                "max-gc-heap" => o.max_gc_heap = Some(parse_size(key, need()?)?),
                "trap-on-grow-failure" => o.trap_on_grow_failure = parse_bool(key, value)?,
                feature if ALWAYS_ON_FEATURES.contains(&feature) => {
                    if !parse_bool(key, value)? {
                        return Err(format!("-W {feature}=n: wasm2native always compiles with {feature} on"));
                    }
                }
                other => {
                    return Err(format!(
                        "-W {other}: unknown option (known: timeout, fuel, max-memory-size, max-table-elements, \
                         max-instances, max-memories, max-tables, max-gc-heap, trap-on-grow-failure, and wasmtime's feature \
                         switches)"
                    ))
                }
            }
        }
        Ok(o)
    }
}

impl WasmOptions {
    /// The store limits asked for (`w2n_store_limits`): `run` sets them on its store, `compile`
    /// bakes them into executables.
    pub fn store_limits(&self) -> StoreLimits {
        let none = StoreLimits::NO_LIMIT;
        StoreLimits {
            max_memory_size: self.max_memory_size.unwrap_or(none),
            max_table_elements: self.max_table_elements.unwrap_or(none),
            max_instances: self.max_instances.unwrap_or(none),
            max_memories: self.max_memories.unwrap_or(none),
            max_tables: self.max_tables.unwrap_or(none),
            max_gc_heap: self.max_gc_heap.unwrap_or(none),
            flags: if self.trap_on_grow_failure { StoreLimits::TRAP_ON_GROW_FAILURE } else { 0 },
            _pad: 0,
        }
    }
}

/// `y`/`yes`/`true`/`n`/`no`/`false`; a key alone means yes.
fn parse_bool(key: &str, value: Option<&str>) -> Result<bool, String> {
    match value {
        None | Some("y" | "yes" | "true") => Ok(true),
        Some("n" | "no" | "false") => Ok(false),
        Some(v) => Err(format!("-W {key}={v}: expected y or n")),
    }
}

fn parse_count(key: &str, v: &str) -> Result<u64, String> {
    v.replace('_', "").parse().map_err(|_| format!("-W {key}={v}: expected a whole number"))
}

/// Bytes, `N[K|M|G|T]` (binary multiples).
fn parse_size(key: &str, v: &str) -> Result<u64, String> {
    let bad = || format!("-W {key}={v}: expected a size in bytes, optionally with a K, M, G or T suffix (e.g. 64M)");
    let (digits, shift) = match v.char_indices().last() {
        Some((i, 'k' | 'K')) => (&v[..i], 10),
        Some((i, 'm' | 'M')) => (&v[..i], 20),
        Some((i, 'g' | 'G')) => (&v[..i], 30),
        Some((i, 't' | 'T')) => (&v[..i], 40),
        _ => (v, 0),
    };
    let n: u64 = digits.replace('_', "").parse().map_err(|_| bad())?;
    n.checked_mul(1 << shift).ok_or_else(bad)
}

/// `2s`, `500ms`, `1.5s`, `1m`, `10us`; a plain number is seconds.
fn parse_duration(v: &str) -> Result<Duration, String> {
    let split = v.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(v.len());
    let (number, unit) = v.split_at(split);
    let n: f64 = number.parse().map_err(|_| format!("`{v}`: expected a duration such as 2s or 500ms"))?;
    let seconds = match unit {
        "" | "s" => n,
        "ms" => n / 1e3,
        "us" => n / 1e6,
        "ns" => n / 1e9,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{v}`: unknown unit `{unit}` (ns, us, ms, s, m, h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{v}`: out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<WasmOptions, String> {
        WasmOptions::parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn keys_and_values() {
        let o = parse(&["timeout=2s,fuel=1_000", "max-memory-size=64M", "trap-on-grow-failure"]).unwrap();
        assert_eq!(o.timeout, Some(Duration::from_secs(2)));
        assert_eq!(o.fuel, Some(1000));
        assert_eq!(o.max_memory_size, Some(64 << 20));
        assert!(o.trap_on_grow_failure);
        assert_eq!(parse(&["timeout=250ms"]).unwrap().timeout, Some(Duration::from_millis(250)));
        assert_eq!(parse(&["timeout=1.5"]).unwrap().timeout, Some(Duration::from_millis(1500)));
        assert_eq!(parse(&["max-table-elements=10,max-instances=3"]).unwrap().max_instances, Some(3));
    }

    #[test]
    fn store_limits() {
        assert_eq!(WasmOptions::default().store_limits(), StoreLimits::NONE);
        let l = parse(&["max-memory-size=1M,max-tables=2", "trap-on-grow-failure"]).unwrap().store_limits();
        assert_eq!((l.max_memory_size, l.max_tables, l.max_instances), (1 << 20, 2, u64::MAX));
        assert_eq!(l.flags, StoreLimits::TRAP_ON_GROW_FAILURE);
    }

    #[test]
    fn wasmtime_feature_switches() {
        assert_eq!(parse(&["exceptions=y", "simd"]).unwrap(), WasmOptions::default());
        assert!(parse(&["simd=n"]).unwrap_err().contains("always"));
    }

    #[test]
    fn errors_name_the_key() {
        assert!(parse(&["bogus=1"]).unwrap_err().contains("-W bogus: unknown option"));
        assert!(parse(&["fuel"]).unwrap_err().contains("a value is required"));
        assert!(parse(&["fuel=x"]).unwrap_err().contains("whole number"));
        assert!(parse(&["timeout=2 weeks"]).unwrap_err().contains("unknown unit"));
        assert!(parse(&["max-memory-size=99999999999T"]).is_err());
    }
}
