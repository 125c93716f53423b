//! The `wasm2native` command line.

mod cli;

use std::process::ExitCode;
use wasm2native::error::{install_quiet_panic_hook, panic_message, CompileError, EXIT_INTERNAL};

fn main() -> ExitCode {
    // A panic is a compiler bug: reported below as an internal error (exit 70), never as Rust's
    // `thread 'main' panicked at ...` with a backtrace. Panics while translating a function are
    // caught closer, in `codegen::compile_units`, and name the function.
    install_quiet_panic_hook();
    match std::panic::catch_unwind(cli::main) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("error: {e:#}");
            let internal = e.chain().any(|c| c.downcast_ref::<CompileError>().is_some_and(CompileError::is_internal));
            ExitCode::from(if internal { EXIT_INTERNAL } else { 1 })
        }
        Err(payload) => {
            eprintln!("error: internal compiler error: {}", panic_message(&*payload));
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}
