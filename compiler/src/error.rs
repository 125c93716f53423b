//! Typed errors of the compiler library. The binary adds context with `anyhow`.

use std::fmt;

/// Everything that can go wrong between reading a module and writing an artifact.
#[derive(Debug)]
pub enum CompileError {
    /// The bytes are not a well-formed Wasm module, or the text did not parse.
    Malformed(String),
    /// The module is well-formed but does not validate.
    Invalid(String),
    /// The module uses a feature this compiler does not translate yet.
    Unsupported(String),
    /// LLVM rejected something we built: a compiler bug, reported rather than panicking.
    Llvm(String),
    /// An external tool (clang, lld, llvm-ar) failed or is missing.
    Tool(String),
    /// Reading or writing a file failed.
    Io(String),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Malformed(m) => write!(f, "malformed module: {m}"),
            CompileError::Invalid(m) => write!(f, "invalid module: {m}"),
            CompileError::Unsupported(m) => write!(f, "unsupported: {m}"),
            CompileError::Llvm(m) => write!(f, "internal LLVM error: {m}"),
            CompileError::Tool(m) => write!(f, "{m}"),
            CompileError::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for CompileError {}

impl From<inkwell::builder::BuilderError> for CompileError {
    fn from(e: inkwell::builder::BuilderError) -> Self {
        CompileError::Llvm(e.to_string())
    }
}

pub type Result<T, E = CompileError> = std::result::Result<T, E>;

/// Shorthand for an `Unsupported` error naming the feature.
pub fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(CompileError::Unsupported(what.into()))
}
