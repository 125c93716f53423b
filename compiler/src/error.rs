//! Typed errors of the compiler library. The binary adds context with `anyhow`.
//!
//! A valid module never makes the translator panic: a broken internal invariant (a value of the
//! wrong kind on the value stack, a missing frame, LLVM rejecting what we built) is an
//! [`CompileError::Internal`], named after the function being translated, and the CLI exits with
//! [`EXIT_INTERNAL`]. Panics that slip through anyway are caught per function ([`catch_panic`]) and
//! become the same error.

use std::cell::RefCell;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, Once};

/// Exit status of the CLI for an internal compiler error (`EX_SOFTWARE` of sysexits.h).
pub const EXIT_INTERNAL: u8 = 70;

/// Everything that can go wrong between reading a module and writing an artifact.
#[derive(Debug)]
pub enum CompileError {
    /// The bytes are not a well-formed Wasm module, or the text did not parse.
    Malformed(String),
    /// The module is well-formed but does not validate.
    Invalid(String),
    /// The module uses a feature this compiler does not translate yet.
    Unsupported(String),
    /// A compiler bug: a broken internal invariant, LLVM rejecting what we built, or a caught panic.
    /// `func` is the Wasm function being translated (index, display name), when known.
    Internal { func: Option<(u32, String)>, msg: String },
    /// An external tool (clang, lld, llvm-ar) failed or is missing.
    Tool(String),
    /// Reading or writing a file failed.
    Io(String),
}

impl CompileError {
    /// Attaches the function being translated to an internal error that does not name one yet.
    pub fn in_function(self, index: u32, name: impl FnOnce() -> String) -> Self {
        match self {
            CompileError::Internal { func: None, msg } => CompileError::Internal { func: Some((index, name())), msg },
            other => other,
        }
    }

    pub fn is_internal(&self) -> bool {
        matches!(self, CompileError::Internal { .. })
    }
}

/// A failed file operation on `path`.
pub fn io_error(path: &std::path::Path, e: std::io::Error) -> CompileError {
    CompileError::Io(format!("{}: {e}", path.display()))
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Malformed(m) => write!(f, "malformed module: {m}"),
            CompileError::Invalid(m) => write!(f, "invalid module: {m}"),
            CompileError::Unsupported(m) => write!(f, "unsupported: {m}"),
            CompileError::Internal { func: Some((i, name)), msg } => {
                write!(f, "internal compiler error in function {i} ({name}): {msg}")
            }
            CompileError::Internal { func: None, msg } => write!(f, "internal compiler error: {msg}"),
            CompileError::Tool(m) => write!(f, "{m}"),
            CompileError::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for CompileError {}

impl From<inkwell::builder::BuilderError> for CompileError {
    fn from(e: inkwell::builder::BuilderError) -> Self {
        internal(e.to_string())
    }
}

pub type Result<T, E = CompileError> = std::result::Result<T, E>;

/// Shorthand for an `Unsupported` error naming the feature.
pub fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(CompileError::Unsupported(what.into()))
}

/// An internal error (a compiler bug) not yet attributed to a function.
pub fn internal(msg: impl Into<String>) -> CompileError {
    CompileError::Internal { func: None, msg: msg.into() }
}

thread_local! {
    /// Where the last panic on this thread happened (`file:line:col`), recorded by the quiet hook.
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The location of the last panic on any thread.
static LAST_PANIC_LOCATION: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the default panic hook (which prints `thread '...' panicked at ...` and perhaps a
/// backtrace on stderr) by one that only records the location for [`panic_message`]. For programs
/// that catch every panic and report it themselves, as the CLI does; installed once.
pub fn install_quiet_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let loc = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            PANIC_LOCATION.with(|p| *p.borrow_mut() = loc.clone());
            // For a panic that rayon carries from a worker to the thread that catches it.
            if let Ok(mut last) = LAST_PANIC_LOCATION.lock() {
                *last = loc;
            }
        }))
    });
}

/// The message of a caught panic, with its location when the quiet hook recorded one (on this
/// thread, else the last one on any thread).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "panic with a non-string payload".to_string(),
    };
    let here = PANIC_LOCATION.with(|p| p.borrow_mut().take());
    let last = LAST_PANIC_LOCATION.lock().ok().and_then(|mut l| l.take());
    match here.or(last) {
        Some(loc) => format!("{what} (at {loc})"),
        None => what,
    }
}

/// Runs `f`, turning a panic into an internal error. A panic leaves LLVM state half built, so the
/// caller must discard whatever `f` was building (the unit fails as a whole).
pub fn catch_panic<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(internal(panic_message(&*payload))))
}
