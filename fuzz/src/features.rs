//! The feature sets a campaign draws modules from, and which oracle judges each.

use wasm_smith::Config;

/// Who decides what a module must do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oracle {
    /// The wasmi interpreter, in this process.
    Wasmi,
    /// The wasmtime command line (`wasmtime wast` on the run written as a spec script): results and
    /// traps of every call, not the memory and global hashes.
    Wasmtime,
    /// No independent engine covers the set here: every wasm2native configuration (-O0, -O2,
    /// explicit bounds checks) must agree with the others, and none may crash.
    SelfConsistency,
}

pub struct FeatureSet {
    pub name: &'static str,
    pub oracle: Oracle,
    configure: fn(&mut Config),
}

/// Every set; each one is Wasm 2.0 plus the proposals it names.
pub const SETS: &[FeatureSet] = &[
    FeatureSet { name: "core", oracle: Oracle::Wasmi, configure: |_| {} },
    FeatureSet { name: "simd", oracle: Oracle::Wasmi, configure: |c| c.simd_enabled = true },
    FeatureSet { name: "tail-call", oracle: Oracle::Wasmi, configure: |c| c.tail_call_enabled = true },
    FeatureSet { name: "memory64", oracle: Oracle::Wasmi, configure: |c| c.memory64_enabled = true },
    FeatureSet {
        name: "multi-memory",
        oracle: Oracle::Wasmi,
        configure: |c| {
            c.max_memories = 3;
        },
    },
    FeatureSet { name: "wide-arithmetic", oracle: Oracle::Wasmi, configure: |c| c.wide_arithmetic_enabled = true },
    FeatureSet { name: "custom-page-sizes", oracle: Oracle::Wasmi, configure: |c| c.custom_page_sizes_enabled = true },
    FeatureSet { name: "extended-const", oracle: Oracle::Wasmi, configure: |c| c.extended_const_enabled = true },
    FeatureSet { name: "wasmi-all", oracle: Oracle::Wasmi, configure: wasmi_proposals },
    FeatureSet {
        name: "exceptions",
        oracle: Oracle::Wasmtime,
        configure: |c| {
            c.exceptions_enabled = true;
            c.tail_call_enabled = true;
        },
    },
    FeatureSet { name: "threads", oracle: Oracle::Wasmtime, configure: |c| c.threads_enabled = true },
    FeatureSet {
        name: "gc",
        oracle: Oracle::Wasmtime,
        configure: |c| {
            c.gc_enabled = true;
            c.reference_types_enabled = true;
            c.exceptions_enabled = true;
            c.tail_call_enabled = true;
        },
    },
    FeatureSet {
        name: "exceptions-simd",
        oracle: Oracle::Wasmtime,
        configure: |c| {
            c.exceptions_enabled = true;
            c.simd_enabled = true;
            c.multi_value_enabled = true;
            c.memory64_enabled = true;
        },
    },
    FeatureSet {
        name: "relaxed-simd",
        oracle: Oracle::SelfConsistency,
        configure: |c| {
            c.simd_enabled = true;
            c.relaxed_simd_enabled = true;
        },
    },
    FeatureSet {
        name: "everything",
        oracle: Oracle::SelfConsistency,
        configure: |c| {
            wasmi_proposals(c);
            c.relaxed_simd_enabled = true;
            c.exceptions_enabled = true;
            c.threads_enabled = true;
            c.gc_enabled = true;
        },
    },
];

/// Every proposal wasmi implements.
fn wasmi_proposals(c: &mut Config) {
    c.simd_enabled = true;
    c.tail_call_enabled = true;
    c.memory64_enabled = true;
    c.max_memories = 3;
    c.wide_arithmetic_enabled = true;
    c.custom_page_sizes_enabled = true;
    c.extended_const_enabled = true;
}

impl FeatureSet {
    pub fn by_name(name: &str) -> Option<&'static FeatureSet> {
        SETS.iter().find(|s| s.name == name)
    }

    /// wasm-smith's configuration: valid, terminating, import-free modules that export
    /// everything, with canonical NaNs (payloads are not comparable between engines) and small
    /// memories and tables.
    pub fn config(&self) -> Config {
        let mut c = Config {
            gc_enabled: false,
            exceptions_enabled: false,
            threads_enabled: false,
            simd_enabled: false,
            relaxed_simd_enabled: false,
            tail_call_enabled: false,
            memory64_enabled: false,
            custom_page_sizes_enabled: false,
            wide_arithmetic_enabled: false,
            extended_const_enabled: false,
            compact_imports_enabled: false,
            max_memories: 1,
            max_tables: 2,
            max_imports: 0,
            min_funcs: 1,
            max_funcs: 20,
            max_instructions: 200,
            export_everything: true,
            canonicalize_nans: true,
            max_memory32_bytes: 4 << 16,
            max_memory64_bytes: 4 << 16,
            max_table_elements: 1000,
            max_data_segments: 10,
            max_element_segments: 10,
            ..Config::default()
        };
        (self.configure)(&mut c);
        c
    }
}
