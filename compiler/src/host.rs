//! Running compiled modules inside this process: the Rust side of the runtime's C API
//! (`w2n_runtime.h`), used by `wasm2native run`. The runtime is linked into the binary (build.rs);
//! modules are shared libraries whose runtime references bind to it.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::Path;

/// The runtime's structs: the one mirror (`ffi/api.rs`), shared with generated bindings.
pub use crate::ffi::{
    Error, Extern, ExternGlobal, ExternOf, Func, ImportDesc, Memory, StoreLimits, Table, Value, WasiConfig, WasiDir,
};

impl Error {
    pub fn new() -> Box<Error> {
        // SAFETY: all-zero is a valid w2n_error (no trap, empty message, no frames).
        Box::new(unsafe { std::mem::zeroed() })
    }
    pub fn message(&self) -> String {
        // SAFETY: the runtime always NUL-terminates the message (zeroed initially).
        unsafe { CStr::from_ptr(self.message.as_ptr()) }.to_string_lossy().into_owned()
    }
    pub fn frames(&self) -> Vec<String> {
        self.frames[..(self.num_frames as usize).min(32)]
            .iter()
            .filter(|p| !p.is_null())
            .map(|&p| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
            .collect()
    }
}

impl ImportDesc {
    pub fn module_name(&self) -> String {
        unsafe { CStr::from_ptr(self.module) }.to_string_lossy().into_owned()
    }
    pub fn field_name(&self) -> String {
        unsafe { CStr::from_ptr(self.name) }.to_string_lossy().into_owned()
    }
}

pub type ResolveFn = unsafe extern "C" fn(*mut c_void, *mut c_void, *const ImportDesc, *mut Extern) -> c_int;

extern "C" {
    pub fn w2n_runtime_init() -> c_int;
    pub fn w2n_store_new() -> *mut c_void;
    pub fn w2n_store_free(store: *mut c_void);
    pub fn w2n_store_set_limits(store: *mut c_void, limits: *const StoreLimits) -> c_int;
    pub fn w2n_module_register(module: *const c_void) -> c_int;
    pub fn w2n_module_unregister(module: *const c_void);
    pub fn w2n_instantiate(
        store: *mut c_void,
        module: *const c_void,
        resolve: ResolveFn,
        user: *mut c_void,
        err: *mut Error,
    ) -> *mut c_void;
    pub fn w2n_instance_free(inst: *mut c_void);
    pub fn w2n_instance_export(inst: *mut c_void, name: *const c_char, out: *mut Extern) -> c_int;
    pub fn w2n_instance_export_n(inst: *mut c_void, name: *const c_char, len: usize, out: *mut Extern) -> c_int;
    pub fn w2n_call(store: *mut c_void, func: *const Func, args_results: *mut Value, err: *mut Error) -> c_int;
    pub fn w2n_wasi_configure(store: *mut c_void, config: *const WasiConfig, err: *mut Error) -> c_int;
    pub fn w2n_wasi_resolve(
        user: *mut c_void,
        importer: *mut c_void,
        imp: *const ImportDesc,
        out: *mut Extern,
    ) -> c_int;
    pub fn w2n_wasi_exit_code(store: *mut c_void, code: *mut c_int) -> c_int;
    pub fn w2n_intern_signature(sig: *const c_char) -> u32;
    /// What an `anyref` is: one of `ref_kind::*` (`enum w2n_ref_kind`).
    pub fn w2n_ref_kind(r: *const c_void, host: *mut *mut c_void) -> u32;
    pub fn w2n_gc_extern_to_any(inst: *mut c_void, r: *mut c_void) -> *mut c_void;
    pub fn w2n_gc_hold(store: *mut c_void, r: *mut c_void);
    pub fn w2n_store_interrupt(store: *mut c_void);
    pub fn w2n_store_set_deadline(store: *mut c_void, ns: u64) -> c_int;
    pub fn w2n_store_clear_interrupt(store: *mut c_void);
    pub fn w2n_store_set_fuel(store: *mut c_void, fuel: u64);
    pub fn w2n_store_get_fuel(store: *const c_void) -> u64;
    pub fn w2n_run_on_stack(max_wasm_stack: usize, f: unsafe extern "C" fn(*mut c_void), arg: *mut c_void) -> c_int;
}

struct Job<F, R> {
    f: Option<F>,
    out: Option<std::thread::Result<R>>,
}

unsafe extern "C" fn trampoline<F: FnOnce() -> R, R>(p: *mut c_void) {
    // SAFETY: `p` is the `Job` of `run_job`, alive until w2n_run_on_stack has joined this thread.
    let job = unsafe { &mut *(p as *mut Job<F, R>) };
    if let Some(f) = job.f.take() {
        // A panic must not unwind into C: carry it back to the caller's thread.
        job.out = Some(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    }
}

/// Runs `f` on a thread whose stack the runtime allocates (`w2n_run_on_stack`): Wasm entered from
/// it may use `max_wasm_stack` bytes (0: the runtime's default, 64 MiB), whatever this thread's stack.
/// A panic in `f` resumes here. Errs when the thread cannot be created.
pub fn on_wasm_stack<R>(max_wasm_stack: u64, f: impl FnOnce() -> R) -> Result<R, String> {
    let size = usize::try_from(max_wasm_stack).map_err(|_| format!("a Wasm stack of {max_wasm_stack} bytes"))?;
    run_job(size, Job { f: Some(f), out: None }, max_wasm_stack)
}

fn run_job<F: FnOnce() -> R, R>(size: usize, mut job: Job<F, R>, max_wasm_stack: u64) -> Result<R, String> {
    // SAFETY: the runtime calls the trampoline once with `job` and joins the thread before returning.
    let rc = unsafe { w2n_run_on_stack(size, trampoline::<F, R>, &mut job as *mut Job<F, R> as *mut c_void) };
    if rc != 0 {
        let reason = std::io::Error::from_raw_os_error(rc);
        return Err(format!(
            "cannot create the Wasm stack ({max_wasm_stack} bytes; --max-wasm-stack sets it): {reason}"
        ));
    }
    match job.out.take() {
        Some(Ok(r)) => Ok(r),
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None => Err("the Wasm stack's thread did not run".into()),
    }
}

/// A compiled module loaded from a shared library, its code registered with the runtime (the fault
/// handler claims faults in it, backtraces name its functions) for as long as it stays loaded.
/// Dropping it unregisters the code, then unloads the library: free every instance of the module
/// first (and copy any `Error::frames` naming it).
pub struct LoadedModule {
    lib: Option<libloading::Library>,
    pub descriptor: *const c_void,
}

impl LoadedModule {
    pub fn load(path: &Path, prefix: &str) -> Result<LoadedModule, String> {
        // SAFETY: the library is one we compiled; its initialisers are only the C runtime-free
        // generated code (no constructors run).
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| format!("loading {}: {e}", path.display()))?;
        let symbol = format!("{prefix}_module");
        let descriptor = unsafe { lib.get::<*const c_void>(symbol.as_bytes()) }
            .map_err(|e| format!("{}: no module descriptor `{symbol}`: {e}", path.display()))?;
        let descriptor = *descriptor;
        // One registration per load: a library loaded twice (dlopen counts) is registered twice.
        if unsafe { w2n_module_register(descriptor) } != 0 {
            return Err(format!("loading {}: the runtime cannot register more modules", path.display()));
        }
        Ok(LoadedModule { lib: Some(lib), descriptor })
    }
}

impl Drop for LoadedModule {
    fn drop(&mut self) {
        // Unregister before dlclose: once w2n_module_unregister returns, neither the fault handler
        // nor the symbolizer reads the library's code range, descriptor or names again.
        unsafe { w2n_module_unregister(self.descriptor) };
        drop(self.lib.take());
    }
}

/// Finds export `name` of `instance`.
///
/// # Safety
/// `instance` is a live instance (from `w2n_instantiate`, not yet freed).
pub unsafe fn instance_export(instance: *mut c_void, name: &str) -> Option<Extern> {
    let mut ext: Extern = unsafe { std::mem::zeroed() };
    let rc = unsafe { w2n_instance_export_n(instance, name.as_ptr() as *const c_char, name.len(), &mut ext) };
    (rc == 0).then_some(ext)
}

/// How a run ended.
pub enum Outcome {
    Returned(Vec<Value>),
    Exited(i32),
    Trapped {
        message: String,
        frames: Vec<String>,
    },
    /// A failure that is no trap: WASI configuration, an import that does not link, a memory or
    /// table past an implementation limit.
    Failed(String),
}

/// A store with WASI configured, and one instance of a module in it; dropping it frees both (drop
/// it before its `LoadedModule`).
pub struct Session {
    pub store: *mut c_void,
    pub instance: *mut c_void,
    _strings: Vec<CString>,
}

/// What the guest may use through WASI: its argv, its environment, and preopened directories
/// (fds 3, 4, ... in order). Nothing else is reachable. And how long and how far it may run.
pub struct WasiGrants<'a> {
    pub args: &'a [String],
    pub env: &'a [(String, String)],
    pub dirs: &'a [GrantedDir],
    /// Interrupt the guest this long after instantiation starts (`-W timeout`; loops without calls
    /// stop by the runtime's interrupt signal, function entries by their stack check).
    pub timeout: Option<std::time::Duration>,
    /// The store's fuel (`-W fuel`; consumed only by modules compiled with `GuestControl::fuel`).
    pub fuel: Option<u64>,
}

/// A host directory the guest sees as `guest`; read-only directories (and everything opened beneath
/// them) lack every right that modifies anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantedDir {
    pub host: String,
    pub guest: String,
    pub read_only: bool,
}

impl Session {
    /// Creates a store, configures WASI with `grants` and instantiates `module`.
    pub fn instantiate(module: &LoadedModule, grants: &WasiGrants<'_>) -> Result<Session, Outcome> {
        Session::instantiate_with_limits(module, grants, &StoreLimits::NONE)
    }

    /// The same in a store with `limits` (`run -W max-memory-size=...`): instantiation past one is
    /// `Outcome::Failed` with a message naming the limit.
    pub fn instantiate_with_limits(
        module: &LoadedModule,
        grants: &WasiGrants<'_>,
        limits: &StoreLimits,
    ) -> Result<Session, Outcome> {
        let mut strings = Vec::new();
        let mut cstr = |s: &str| -> *const c_char {
            let c = CString::new(s.replace('\0', "")).expect("no interior NUL");
            let p = c.as_ptr();
            strings.push(c);
            p
        };
        let argv: Vec<*const c_char> = grants.args.iter().map(|a| cstr(a)).collect();
        let env: Vec<*const c_char> = grants.env.iter().map(|(k, v)| cstr(&format!("{k}={v}"))).collect();
        let dirs: Vec<WasiDir> = grants
            .dirs
            .iter()
            .map(|d| WasiDir { host_path: cstr(&d.host), guest_path: cstr(&d.guest), read_only: d.read_only as c_int })
            .collect();
        let config = WasiConfig {
            argc: argv.len() as c_int,
            argv: argv.as_ptr(),
            envc: env.len() as c_int,
            env: env.as_ptr(),
            num_dirs: dirs.len() as c_int,
            dirs: dirs.as_ptr(),
            inherit_stdio: 1,
        };
        let mut err = Error::new();
        unsafe {
            w2n_runtime_init();
            let store = w2n_store_new();
            w2n_store_set_limits(store, limits);
            if w2n_wasi_configure(store, &config, &mut *err) != 0 {
                w2n_store_free(store);
                return Err(Outcome::Failed(err.message()));
            }
            if let Some(fuel) = grants.fuel {
                w2n_store_set_fuel(store, fuel);
            }
            if let Some(timeout) = grants.timeout {
                let ns = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX).max(1);
                let rc = w2n_store_set_deadline(store, ns);
                if rc != 0 {
                    w2n_store_free(store);
                    let reason = std::io::Error::from_raw_os_error(rc);
                    return Err(Outcome::Failed(format!("cannot start the timeout's timer: {reason}")));
                }
            }
            let instance = w2n_instantiate(store, module.descriptor, w2n_wasi_resolve, std::ptr::null_mut(), &mut *err);
            if instance.is_null() {
                return Err(finish_failed_call(store, &err));
            }
            Ok(Session { store, instance, _strings: strings })
        }
    }

    /// A handle that interrupts this session's guest from any thread (`w2n_store_interrupt`).
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle { store: self.store }
    }

    /// The store's fuel left (`w2n_store_get_fuel`), and a new budget.
    pub fn fuel(&self) -> u64 {
        unsafe { w2n_store_get_fuel(self.store) }
    }
    pub fn set_fuel(&self, fuel: u64) {
        unsafe { w2n_store_set_fuel(self.store, fuel) }
    }

    /// The exported function `name` and its canonical signature's arity.
    pub fn export_func(&self, name: &str) -> Option<*mut Func> {
        // SAFETY: the session owns its instance until it is dropped.
        let ext = unsafe { instance_export(self.instance, name) }?;
        (ext.kind == 0).then_some(unsafe { ext.of.func })
    }

    /// Calls `func` with `args` (slots beyond the arguments receive the results).
    ///
    /// # Safety
    /// `func` is a function of this session's store (e.g. from `export_func`), and `args` has a
    /// slot for each of its parameters and results.
    pub unsafe fn call(&self, func: *mut Func, args: &mut [Value]) -> Outcome {
        let mut err = Error::new();
        let rc = unsafe { w2n_call(self.store, func, args.as_mut_ptr(), &mut *err) };
        if rc == 0 {
            return Outcome::Returned(args.to_vec());
        }
        finish_failed_call(self.store, &err)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        unsafe {
            w2n_instance_free(self.instance);
            w2n_store_free(self.store);
        }
    }
}

/// Interrupts a `Session`'s guest from another thread. Valid while the session lives: the caller
/// must stop using it before dropping the session (e.g. a scoped thread).
#[derive(Clone, Copy)]
pub struct InterruptHandle {
    store: *mut c_void,
}

// SAFETY: w2n_store_interrupt is thread-safe (two atomic stores into the store).
unsafe impl Send for InterruptHandle {}
unsafe impl Sync for InterruptHandle {}

impl InterruptHandle {
    pub fn interrupt(&self) {
        unsafe { w2n_store_interrupt(self.store) }
    }
}

fn finish_failed_call(store: *mut c_void, err: &Error) -> Outcome {
    let mut code: c_int = 0;
    if unsafe { w2n_wasi_exit_code(store, &mut code) } != 0 {
        return Outcome::Exited(code);
    }
    if err.trap == 0 {
        return Outcome::Failed(err.message());
    }
    Outcome::Trapped { message: err.message(), frames: err.frames() }
}

/// `enum w2n_ref_kind` of `w2n_runtime.h`: what `w2n_ref_kind` says an `anyref` is.
pub mod ref_kind {
    pub const NULL: u32 = 0;
    pub const I31: u32 = 1;
    pub const STRUCT: u32 = 2;
    pub const ARRAY: u32 = 3;
    /// A host reference made internal (`any.convert_extern`).
    pub const HOST: u32 = 4;
}
