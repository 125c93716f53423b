//! Where the scripts' modules run: in this process (host target), or in a `w2n_agent` for another
//! target under qemu-user, driven over its line protocol (`runtime-lib/agent/w2n_agent.c`). The
//! runner above sees the same operations either way.

use crate::host::{self, Error, Extern, ImportDesc, LoadedModule, Value};
use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Handles are opaque to the runner.
pub type ModuleId = u64;
pub type InstanceId = u64;

/// Why an instantiation failed: a link error, or a trap while initialising.
pub enum InstantiateError {
    Link(String),
    Trap(String),
}

pub trait Engine {
    /// Loads a compiled module (a shared library whose descriptor is `<prefix>_module`).
    fn load(&mut self, library: &Path, prefix: &str) -> Result<ModuleId, String>;
    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, InstantiateError>;
    /// Makes `instance`'s exports importable under `name`.
    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), String>;
    /// Calls export `name` with `slots` (arguments in, results out). Err(trap message) on a trap.
    fn call(&mut self, instance: InstanceId, name: &str, slots: &mut [Value]) -> Result<Result<(), String>, String>;
    /// The value of global export `name`.
    fn get(&mut self, instance: InstanceId, name: &str) -> Result<Value, String>;
    /// What an `anyref` result is (`w2n_ref_kind`), and the host pointer of a boxed host reference.
    fn ref_kind(&mut self, r: usize) -> Result<(u32, usize), String>;
    /// Host pointer `p` as an `anyref` argument (`any.convert_extern`, in `instance`'s store).
    fn host_ref(&mut self, instance: InstanceId, p: usize) -> Result<usize, String>;
}

// ---- in this process ----

/// Owns everything a script made: dropping it frees the instances (newest first, so importers go
/// before exporters) and the store, then unloads the libraries (each `LoadedModule` unregisters its
/// code first). `wast` makes one per file, so any number of files run in one process.
pub struct LocalEngine {
    store: *mut c_void,
    instances: Vec<*mut c_void>,
    libraries: Vec<LoadedModule>,
    /// Boxed so the resolver's pointer to it stays valid.
    registered: Box<HashMap<String, *mut c_void>>,
}

impl LocalEngine {
    pub fn new() -> LocalEngine {
        let store = unsafe {
            host::w2n_runtime_init();
            host::w2n_store_new()
        };
        LocalEngine { store, instances: Vec::new(), libraries: Vec::new(), registered: Box::default() }
    }
}

impl Drop for LocalEngine {
    fn drop(&mut self) {
        // An instance whose init trapped was never handed out: the runtime keeps it (its effects on
        // imported tables and memories remain) and nothing here can reach it any more.
        for &instance in self.instances.iter().rev() {
            unsafe { host::w2n_instance_free(instance) };
        }
        unsafe { host::w2n_store_free(self.store) };
        // Field drop order does the rest: `libraries` unregister and unload after this.
    }
}

/// Binds imports to registered instances' exports.
unsafe extern "C" fn resolve(
    user: *mut c_void,
    _importer: *mut c_void,
    imp: *const ImportDesc,
    out: *mut Extern,
) -> c_int {
    let registered = &*(user as *const HashMap<String, *mut c_void>);
    let imp = &*imp;
    let Some(&instance) = registered.get(&imp.module_name()) else { return 1 };
    // SAFETY: registered instances live as long as the engine.
    match host::instance_export(instance, &imp.field_name()) {
        Some(ext) => {
            *out = ext;
            0
        }
        None => 1,
    }
}

impl Engine for LocalEngine {
    fn load(&mut self, library: &Path, prefix: &str) -> Result<ModuleId, String> {
        let loaded = LoadedModule::load(library, prefix)?;
        let id = loaded.descriptor as ModuleId;
        self.libraries.push(loaded);
        Ok(id)
    }

    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, InstantiateError> {
        let mut err = Error::new();
        let user = &*self.registered as *const HashMap<String, *mut c_void> as *mut c_void;
        let ptr = unsafe { host::w2n_instantiate(self.store, module as *const c_void, resolve, user, &mut *err) };
        if ptr.is_null() {
            let m = err.message();
            return Err(if err.trap != 0 { InstantiateError::Trap(m) } else { InstantiateError::Link(m) });
        }
        self.instances.push(ptr);
        Ok(ptr as InstanceId)
    }

    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), String> {
        self.registered.insert(name.to_string(), instance as *mut c_void);
        Ok(())
    }

    fn call(&mut self, instance: InstanceId, name: &str, slots: &mut [Value]) -> Result<Result<(), String>, String> {
        // SAFETY: `instance` is one of this engine's live instances.
        let ext = unsafe { host::instance_export(instance as *mut c_void, name) }
            .ok_or_else(|| format!("no export `{name}`"))?;
        if ext.kind != 0 {
            return Err(format!("`{name}` is not a function"));
        }
        let mut err = Error::new();
        // SAFETY: `slots` has room for the function's params and results (the caller sized it).
        let rc = unsafe { host::w2n_call(self.store, ext.of.func, slots.as_mut_ptr(), &mut *err) };
        Ok(if rc == 0 { Ok(()) } else { Err(err.message()) })
    }

    fn get(&mut self, instance: InstanceId, name: &str) -> Result<Value, String> {
        // SAFETY: `instance` is one of this engine's live instances.
        let ext = unsafe { host::instance_export(instance as *mut c_void, name) }
            .ok_or_else(|| format!("no export `{name}`"))?;
        // SAFETY: a global export's cell holds a value of its declared type.
        Ok(unsafe { *ext.of.global.cell })
    }

    fn ref_kind(&mut self, r: usize) -> Result<(u32, usize), String> {
        let mut host = std::ptr::null_mut();
        // SAFETY: `r` is an anyref a call of this engine returned: null, an i31 or a live object.
        let kind = unsafe { host::w2n_ref_kind(r as *const c_void, &mut host) };
        Ok((kind, host as usize))
    }

    fn host_ref(&mut self, instance: InstanceId, p: usize) -> Result<usize, String> {
        // SAFETY: `instance` is live; the runtime only stores `p`. The box is held (a root) for
        // the store's life: between here and the call only the argument slots know it.
        unsafe {
            let r = host::w2n_gc_extern_to_any(instance as *mut c_void, p as *mut c_void);
            host::w2n_gc_hold(self.store, r);
            Ok(r as usize)
        }
    }
}

// ---- another target, under qemu ----

pub struct RemoteEngine {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

/// A name on the agent's command line: `x` + hex, so that even the empty name is a word.
fn hex(bytes: &[u8]) -> String {
    std::iter::once("x".to_string()).chain(bytes.iter().map(|b| format!("{b:02x}"))).collect()
}

fn slot_words(v: &Value) -> (u64, u64) {
    // SAFETY: every 16-byte pattern is a valid `v128` view.
    let b = unsafe { v.v128 };
    (u64::from_le_bytes(b[..8].try_into().expect("8")), u64::from_le_bytes(b[8..].try_into().expect("8")))
}

fn parse_slot(lo: &str, hi: &str) -> Result<Value, String> {
    let lo = u64::from_str_radix(lo, 16).map_err(|e| e.to_string())?;
    let hi = u64::from_str_radix(hi, 16).map_err(|e| e.to_string())?;
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&lo.to_le_bytes());
    b[8..].copy_from_slice(&hi.to_le_bytes());
    Ok(Value { v128: b })
}

impl RemoteEngine {
    /// Starts `runner... agent`, e.g. `qemu-aarch64 -L /usr/aarch64-linux-gnu w2n_agent`.
    pub fn start(runner: &[&str], agent: &Path) -> Result<RemoteEngine, String> {
        let mut cmd = match runner.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(agent);
                c
            }
            None => Command::new(agent),
        };
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
        let input = child.stdin.take().expect("piped");
        let output = BufReader::new(child.stdout.take().expect("piped"));
        Ok(RemoteEngine { child, input, output })
    }

    /// Sends one command and returns the reply's status word and the rest of the line.
    fn ask(&mut self, line: &str) -> Result<(String, String), String> {
        writeln!(self.input, "{line}").map_err(|e| format!("agent: {e}"))?;
        self.input.flush().map_err(|e| format!("agent: {e}"))?;
        let mut reply = String::new();
        let n = self.output.read_line(&mut reply).map_err(|e| format!("agent: {e}"))?;
        if n == 0 {
            let status = self.child.try_wait().ok().flatten();
            return Err(format!("the agent died ({status:?})"));
        }
        let reply = reply.trim_end();
        let (word, rest) = reply.split_once(' ').unwrap_or((reply, ""));
        Ok((word.to_string(), rest.to_string()))
    }
}

impl Drop for RemoteEngine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Engine for RemoteEngine {
    fn load(&mut self, library: &Path, prefix: &str) -> Result<ModuleId, String> {
        match self.ask(&format!("load {} {prefix}", library.display()))? {
            (ok, id) if ok == "ok" => id.parse().map_err(|_| format!("agent: bad reply `{id}`")),
            (_, m) => Err(m),
        }
    }

    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, InstantiateError> {
        match self.ask(&format!("inst {module}")) {
            Ok((w, id)) if w == "ok" => {
                id.parse().map_err(|_| InstantiateError::Link(format!("agent: bad reply `{id}`")))
            }
            Ok((w, m)) if w == "trap" => Err(InstantiateError::Trap(m)),
            Ok((_, m)) | Err(m) => Err(InstantiateError::Link(m)),
        }
    }

    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), String> {
        match self.ask(&format!("reg {} {instance}", hex(name.as_bytes())))? {
            (w, _) if w == "ok" => Ok(()),
            (_, m) => Err(m),
        }
    }

    fn call(&mut self, instance: InstanceId, name: &str, slots: &mut [Value]) -> Result<Result<(), String>, String> {
        let mut line = format!("call {instance} {} {}", hex(name.as_bytes()), slots.len());
        for v in slots.iter() {
            let (lo, hi) = slot_words(v);
            line.push_str(&format!(" {lo:x} {hi:x}"));
        }
        let (word, rest) = self.ask(&line)?;
        match word.as_str() {
            "ok" => {
                let words: Vec<&str> = rest.split_whitespace().collect();
                if words.len() != 2 * slots.len() {
                    return Err(format!("agent: bad reply `{rest}`"));
                }
                for (i, slot) in slots.iter_mut().enumerate() {
                    *slot = parse_slot(words[2 * i], words[2 * i + 1])?;
                }
                Ok(Ok(()))
            }
            "trap" => Ok(Err(rest)),
            _ => Err(rest),
        }
    }

    fn get(&mut self, instance: InstanceId, name: &str) -> Result<Value, String> {
        let (word, rest) = self.ask(&format!("get {instance} {}", hex(name.as_bytes())))?;
        let words: Vec<&str> = rest.split_whitespace().collect();
        match (word.as_str(), words.as_slice()) {
            ("ok", [lo, hi]) => parse_slot(lo, hi),
            _ => Err(rest),
        }
    }

    fn ref_kind(&mut self, r: usize) -> Result<(u32, usize), String> {
        let (word, rest) = self.ask(&format!("kind {r:x}"))?;
        let words: Vec<&str> = rest.split_whitespace().collect();
        match (word.as_str(), words.as_slice()) {
            ("ok", [kind, host]) => Ok((
                kind.parse().map_err(|e| format!("agent: {e}"))?,
                usize::from_str_radix(host, 16).map_err(|e| format!("agent: {e}"))?,
            )),
            _ => Err(rest),
        }
    }

    fn host_ref(&mut self, instance: InstanceId, p: usize) -> Result<usize, String> {
        let (word, rest) = self.ask(&format!("host {instance} {p:x}"))?;
        match word.as_str() {
            "ok" => usize::from_str_radix(rest.trim(), 16).map_err(|e| format!("agent: {e}")),
            _ => Err(rest),
        }
    }
}
