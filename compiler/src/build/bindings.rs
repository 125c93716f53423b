//! Rust bindings for a compiled module, generated from its `ModuleInfo` (see ARCHITECTURE.md, "The
//! `Build` API"). For a library named `plugin` the generated `plugin.rs` holds:
//!
//! - `Plugin`, the typed instance: one `w2n_store` and one instance of its own, so instances are
//!   independent (their memories, globals and host state are separate) and any number may live in
//!   a process. `Plugin` is `Send` but not `Sync`: a store is used by one thread at a time.
//! - `Plugin::new(hosts...)`: one argument per import module (other than WASI) implementing the
//!   generated trait `Plugin<Module>` (e.g. `PluginEnv` for `env`), with one method per imported
//!   function: `fn name(&mut self, caller: &mut Caller<'_>, p0: i32, ...) -> Result<R, Trap>`. The
//!   `Caller` reaches the instance's exported memory. An `Err` becomes a trap of kind `Host` in the
//!   Wasm caller (so does a panic); the host is never aborted.
//! - With `wasi_snapshot_preview1` imports: `Plugin::with_wasi(hosts..., &WasiOptions)`; `new` gives
//!   the guest the process's stdio and nothing else. The runtime's WASI implements them.
//! - `Plugin::with_limits(hosts..., &Limits)` (and `with_wasi_and_limits`): the store's resource
//!   limits (`w2n_store_set_limits`): memory bytes and table elements per memory/table, memories and
//!   tables defined, trap-on-grow-failure. (`max-instances` has no field: a `Plugin` is the one
//!   instance of its store.)
//! - One method per exported function, Wasm types as Rust types (i32, i64, f32, f64, v128 → u128,
//!   references → raw pointers), several results as a tuple, returning `Result<_, Trap>`.
//! - Per exported memory `m`: `m()` / `m_mut()` slices of its current size, and bounds-checked
//!   `m_read(offset, buf)` / `m_write(offset, bytes)`. Per exported global `g`: `g()`, and
//!   `set_g(v)` when mutable.
//! - `Trap { kind, code, message, frames }` with `Display` and `std::error::Error`.
//! - Built with `Build::interruptible(true)`: `interrupt_handle()` (an `InterruptHandle`, `Send +
//!   Sync`, valid after the instance is gone) and `set_deadline(Option<Duration>)`. With
//!   `Build::fuel(true)`: `fuel()` and `set_fuel(n)`.
//!
//! The bindings declare the runtime's C API themselves (the crate that includes them does not depend
//! on wasm2native at run time): their structs are the text of the compiler's own mirrors of
//! `w2n_runtime.h` (`compiler/src/ffi/mirror.rs` and `api.rs`, which `host.rs` uses too).

use super::{camel_case, identifier, Names};
use crate::error::{unsupported, Result};
use crate::module::{Export, FuncType, ImportKind, ModuleInfo, ValType};
use crate::trap::Trap;
use crate::GuestControl;
use std::fmt::Write;
use wasmparser::ExternalKind;

pub(crate) const WASI_MODULE: &str = "wasi_snapshot_preview1";

fn rust_type(t: ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "u128",
        ValType::FuncRef | ValType::ExternRef | ValType::ExnRef | ValType::AnyRef => "*mut ::std::ffi::c_void",
    }
}

/// Expression storing Rust value `v` into slot expression `s`.
fn store_slot(t: ValType, s: &str, v: &str) -> String {
    match t {
        ValType::I32 => format!("{s}.i32 = {v};"),
        ValType::I64 => format!("{s}.i64 = {v};"),
        ValType::F32 => format!("{s}.f32 = {v};"),
        ValType::F64 => format!("{s}.f64 = {v};"),
        ValType::V128 => format!("{s}.v128 = {v}.to_le_bytes();"),
        _ => format!("{s}.r#ref = {v};"),
    }
}

/// Expression reading slot `s` as the Rust type of `t` (inside an `unsafe` block).
fn load_slot(t: ValType, s: &str) -> String {
    match t {
        ValType::I32 => format!("{s}.i32"),
        ValType::I64 => format!("{s}.i64"),
        ValType::F32 => format!("{s}.f32"),
        ValType::F64 => format!("{s}.f64"),
        ValType::V128 => format!("u128::from_le_bytes({s}.v128)"),
        _ => format!("{s}.r#ref"),
    }
}

fn result_type(results: &[ValType]) -> String {
    match results {
        [] => "()".into(),
        [t] => rust_type(*t).into(),
        ts => format!("({})", ts.iter().map(|&t| rust_type(t)).collect::<Vec<_>>().join(", ")),
    }
}

/// One imported function as the bindings see it.
struct HostImport<'a> {
    module: &'a str,
    name: &'a str,
    method: String,
    ty: &'a FuncType,
}

/// One import module other than WASI: its trait and the argument of `new`.
struct HostModule<'a> {
    module: &'a str,
    trait_name: String,
    arg: String,
    funcs: Vec<usize>,
}

/// What the generator knows about one module: its host imports grouped by module, its exports by kind.
struct Gen<'a, 'm> {
    info: &'a ModuleInfo<'m>,
    control: GuestControl,
    ty_name: String,
    uses_wasi: bool,
    imports: Vec<HostImport<'a>>,
    modules: Vec<HostModule<'a>>,
    funcs: Vec<&'a Export>,
    memories: Vec<&'a Export>,
    globals: Vec<&'a Export>,
}

/// Generates `<name>.rs` for `info`, whose symbols carry `prefix`.
pub fn generate(
    info: &ModuleInfo<'_>,
    name: &str,
    prefix: &str,
    source: &str,
    control: GuestControl,
) -> Result<String> {
    let ty_name = camel_case(name);
    let (uses_wasi, imports, modules) = host_imports(info, &ty_name)?;
    let exports = |kind: ExternalKind| info.exports.iter().filter(|e| e.kind == kind).collect::<Vec<_>>();
    let (funcs, memories, globals) =
        (exports(ExternalKind::Func), exports(ExternalKind::Memory), exports(ExternalKind::Global));
    let g = Gen { info, control, ty_name, uses_wasi, imports, modules, funcs, memories, globals };

    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "// Rust bindings generated by wasm2native from {source}: do not edit.").unwrap();
    writeln!(w, "// Instance type `{}`; module descriptor `{prefix}_module` in lib{name}.a.", g.ty_name).unwrap();
    write_ffi(w);
    w.push_str(&prelude());
    writeln!(w, "#[allow(non_upper_case_globals)]\nextern \"C\" {{\n    #[link_name = \"{prefix}_module\"]\n    static __w2n_MODULE: __w2n_ffi::Opaque;\n}}").unwrap();
    write_host_traits(w, &g);
    write_host_state(w, &g);
    write_resolver(w, &g);
    write_instance_type(w, &g);
    writeln!(w, "\n#[allow(dead_code)]\nimpl {} {{", g.ty_name).unwrap();
    let mut methods = Names::default();
    methods.reserve(&["new", "with_wasi", "with_limits", "with_wasi_and_limits", "instantiate", "call", "drop"]);
    write_new(w, &g);
    write_instantiate(w, &g);
    write_guest_control(w, &g, &mut methods);
    write_gc(w, &g, &mut methods);
    write_export_funcs(w, &g, &mut methods);
    write_export_memories(w, &g, &mut methods);
    write_export_globals(w, &g, &mut methods);
    writeln!(w, "}}").unwrap();
    write_caller(w, &g);
    if g.control.interruptible {
        w.push_str(INTERRUPT_HANDLE);
    }
    Ok(out)
}

/// The imports the bindings bind: every function not from WASI, grouped by module, with their
/// trait and method names; and whether there are WASI imports.
#[allow(clippy::type_complexity)]
fn host_imports<'a>(
    info: &'a ModuleInfo<'_>,
    ty_name: &str,
) -> Result<(bool, Vec<HostImport<'a>>, Vec<HostModule<'a>>)> {
    let mut uses_wasi = false;
    let mut imports: Vec<HostImport<'_>> = Vec::new();
    let mut modules: Vec<HostModule<'_>> = Vec::new();
    for imp in &info.imports {
        if imp.module == WASI_MODULE {
            uses_wasi = true;
            continue;
        }
        let ImportKind::Func { type_index } = imp.kind else {
            return unsupported(format!(
                "import `{}.{}` in Rust bindings: only functions can be imported from the host (and WASI)",
                imp.module, imp.name
            ));
        };
        let ty = &info.types[type_index as usize];
        if ty.results.len() > 1 || ty.params.iter().chain(&ty.results).any(|&t| t == ValType::V128) {
            return unsupported(format!(
                "host function `{}.{}`: host functions take no v128 and return at most one result",
                imp.module, imp.name
            ));
        }
        let m = match modules.iter().position(|m| m.module == imp.module) {
            Some(m) => m,
            None => {
                let mut arg = identifier(&imp.module.to_lowercase());
                if arg == "self_" || arg == "wasi" {
                    arg.push_str("_host");
                }
                let trait_name = format!("{ty_name}{}", camel_case(&identifier(&imp.module)));
                modules.push(HostModule { module: &imp.module, trait_name, arg, funcs: vec![] });
                modules.len() - 1
            }
        };
        modules[m].funcs.push(imports.len());
        imports.push(HostImport { module: &imp.module, name: &imp.name, method: String::new(), ty });
    }
    // Trait method names, unique per trait; `new` arguments unique among themselves.
    let mut args = Names::default();
    args.reserve(&["wasi"]);
    for m in &mut modules {
        m.arg = args.unique(&m.arg);
        let mut names = Names::default();
        for &i in &m.funcs {
            imports[i].method = names.unique(&identifier(imports[i].name));
        }
    }
    Ok((uses_wasi, imports, modules))
}

/// One trait per import module, one method per imported function.
fn write_host_traits(w: &mut String, g: &Gen<'_, '_>) {
    let Gen { ty_name, imports, modules, .. } = g;
    for m in modules {
        writeln!(
            w,
            "\n/// The host functions imported from `{}`: implement this and pass it to [`{ty_name}::new`].",
            m.module.escape_default()
        )
        .unwrap();
        writeln!(w, "pub trait {}: Send + 'static {{", m.trait_name).unwrap();
        for &i in &m.funcs {
            let f = &imports[i];
            let params: String =
                f.ty.params.iter().enumerate().map(|(k, &t)| format!(", p{k}: {}", rust_type(t))).collect();
            writeln!(w, "    /// `{}.{}`: `{}`.", f.module.escape_default(), f.name.escape_default(), f.ty.sig)
                .unwrap();
            writeln!(
                w,
                "    fn {}(&mut self, caller: &mut Caller<'_>{params}) -> Result<{}, Trap>;",
                f.method,
                result_type(&f.ty.results)
            )
            .unwrap();
        }
        writeln!(w, "}}").unwrap();
    }
}

/// The host state (the objects and the function records the instance's imports point at) and
/// one trampoline per imported function: the generated-code ABI `R f(ctx, P...)` with ctx = the
/// host state.
fn write_host_state(w: &mut String, g: &Gen<'_, '_>) {
    let Gen { imports, modules, .. } = g;
    writeln!(w, "\nstruct __W2nHost {{\n    instance: *mut ::std::ffi::c_void,\n    funcs: Vec<__w2n_ffi::Func>,")
        .unwrap();
    for m in modules {
        writeln!(w, "    {}: Box<dyn {}>,", m.arg, m.trait_name).unwrap();
    }
    writeln!(w, "}}").unwrap();
    let import_names: String = imports.iter().map(|f| format!("({:?}, {:?}), ", f.module, f.name)).collect();
    writeln!(w, "\nconst __W2N_IMPORTS: &[(&str, &str)] = &[{import_names}];").unwrap();

    // Trampolines: the generated-code ABI `R f(ctx, P...)` with ctx = the host state.
    for (i, f) in imports.iter().enumerate() {
        let m = modules.iter().find(|m| m.module == f.module).expect("module of an import");
        let params: String =
            f.ty.params.iter().enumerate().map(|(k, &t)| format!(", p{k}: {}", rust_type(t))).collect();
        let pass: String = (0..f.ty.params.len()).map(|k| format!(", p{k}")).collect();
        let ret = result_type(&f.ty.results);
        writeln!(w, "\nunsafe extern \"C\" fn __w2n_host_{i}(ctx: *mut ::std::ffi::c_void{params}) -> {ret} {{")
            .unwrap();
        writeln!(w, "    let host = ctx as *mut __W2nHost;").unwrap();
        writeln!(w, "    let r = __w2n_guard(move || {{\n        // SAFETY: ctx is the host state of the calling instance (set up by `new`), alive while it is.\n        let host = unsafe {{ &mut *host }};").unwrap();
        writeln!(
            w,
            "        let mut caller = Caller {{ instance: host.instance, _store: ::std::marker::PhantomData }};"
        )
        .unwrap();
        writeln!(w, "        host.{}.{}(&mut caller{pass})\n    }});", m.arg, f.method).unwrap();
        writeln!(w, "    match r {{\n        Ok(v) => v,\n        // SAFETY: no value with a destructor is alive in this frame.\n        Err(message) => unsafe {{ __w2n_ffi::w2n_trap_host(message.as_ptr() as *const ::std::ffi::c_char) }},\n    }}\n}}").unwrap();
    }
}

/// `__w2n_resolve`: binds WASI imports to the runtime's WASI and the others to the host records.
fn write_resolver(w: &mut String, g: &Gen<'_, '_>) {
    let Gen { uses_wasi, .. } = g;
    writeln!(
        w,
        r#"
unsafe extern "C" fn __w2n_resolve(
    user: *mut ::std::ffi::c_void,
    importer: *mut ::std::ffi::c_void,
    imp: *const __w2n_ffi::ImportDesc,
    out: *mut __w2n_ffi::Extern,
) -> ::std::ffi::c_int {{
    // SAFETY: the runtime passes valid descriptors; `user` is the host state given to w2n_instantiate.
    unsafe {{
        let host = user as *mut __W2nHost;
        (*host).instance = importer;
        let module = ::std::ffi::CStr::from_ptr((*imp).module).to_bytes();
        let name = ::std::ffi::CStr::from_ptr((*imp).name).to_bytes();"#
    )
    .unwrap();
    if *uses_wasi {
        writeln!(w, "        if module == b\"{WASI_MODULE}\" {{\n            return __w2n_ffi::w2n_wasi_resolve(::std::ptr::null_mut(), importer, imp, out);\n        }}").unwrap();
    }
    writeln!(
        w,
        r#"        for (i, (m, n)) in __W2N_IMPORTS.iter().enumerate() {{
            if (*imp).kind == 0 && m.as_bytes() == module && n.as_bytes() == name {{
                (*out).kind = 0;
                (*out).of.func = (*host).funcs.as_mut_ptr().add(i);
                return 0;
            }}
        }}
        1
    }}
}}"#
    )
    .unwrap();
}

/// The instance type: its fields, `Send`, `Drop`.
fn write_instance_type(w: &mut String, g: &Gen<'_, '_>) {
    let Gen { ty_name, funcs, memories, globals, .. } = g;
    writeln!(
        w,
        r#"
/// An instance of the module, in a store of its own. Independent of every other instance; `Send`
/// (it may move to another thread) but not `Sync` (one thread at a time).
pub struct {ty_name} {{
    store: *mut ::std::ffi::c_void,
    instance: *mut ::std::ffi::c_void,
    host: *mut __W2nHost,
    funcs: [*const __w2n_ffi::Func; {nf}],
    memories: [*mut __w2n_ffi::Memory; {nm}],
    globals: [*mut __w2n_ffi::Value; {ng}],{cell_field}
}}

// SAFETY: the instance, its store and its host state are owned by this value alone and the runtime
// keeps no thread affinity for them; the host objects are `Send`. Raw pointers keep it `!Sync`.
unsafe impl Send for {ty_name} {{}}

impl Drop for {ty_name} {{
    fn drop(&mut self) {{{cell_drop}
        // SAFETY: created by `instantiate`, freed once here.
        unsafe {{
            __w2n_ffi::w2n_instance_free(self.instance);
            __w2n_ffi::w2n_store_free(self.store);
            drop(Box::from_raw(self.host));
        }}
    }}
}}"#,
        nf = funcs.len(),
        nm = memories.len(),
        ng = globals.len(),
        cell_field = if g.control.interruptible {
            "\n    /// The store as interrupt handles see it (null once the instance is dropped).\n    store_cell: ::std::sync::Arc<__W2nStoreCell>,"
        } else {
            ""
        },
        cell_drop = if g.control.interruptible {
            "\n        // Interrupt handles that outlive the instance find no store from here on.\n        self.store_cell.forget();"
        } else {
            ""
        },
    )
    .unwrap();
}

/// `new`, and `with_wasi` when the module imports WASI.
fn write_new(w: &mut String, g: &Gen<'_, '_>) {
    let Gen { ty_name, uses_wasi, modules, .. } = g;
    let host_params: String = modules.iter().map(|m| format!("{}: impl {}, ", m.arg, m.trait_name)).collect();
    let host_args: String = modules.iter().map(|m| format!("{}, ", m.arg)).collect();
    let new_params = host_params.trim_end_matches(", ");
    let limits_doc = "    /// The instance's store is bounded by `limits`: instantiation fails (`TrapKind::Other`, a\n    /// message naming the limit) when the module's memories or tables start larger than allowed,\n    /// and growing them past a limit fails (or traps, with `trap_on_grow_failure`).";
    if *uses_wasi {
        writeln!(w, "    /// Instantiates the module (running its start function) with the host functions given,\n    /// and WASI with the process's stdio and no other grant.").unwrap();
        writeln!(w, "    pub fn new({new_params}) -> Result<{ty_name}, Trap> {{\n        Self::with_wasi({host_args}&WasiOptions::default())\n    }}").unwrap();
        writeln!(w, "\n    /// Instantiates the module with the host functions given and these WASI grants.").unwrap();
        writeln!(w, "    pub fn with_wasi({host_params}wasi: &WasiOptions) -> Result<{ty_name}, Trap> {{\n        Self::instantiate({host_args}Some(wasi), &Limits::default())\n    }}").unwrap();
        writeln!(w, "\n    /// `new` with resource limits.\n{limits_doc}").unwrap();
        writeln!(w, "    pub fn with_limits({host_params}limits: &Limits) -> Result<{ty_name}, Trap> {{\n        Self::instantiate({host_args}Some(&WasiOptions::default()), limits)\n    }}").unwrap();
        writeln!(w, "\n    /// `with_wasi` with resource limits.\n{limits_doc}").unwrap();
        writeln!(w, "    pub fn with_wasi_and_limits({host_params}wasi: &WasiOptions, limits: &Limits) -> Result<{ty_name}, Trap> {{\n        Self::instantiate({host_args}Some(wasi), limits)\n    }}").unwrap();
    } else {
        writeln!(w, "    /// Instantiates the module (running its start function) with the host functions given.")
            .unwrap();
        writeln!(w, "    pub fn new({new_params}) -> Result<{ty_name}, Trap> {{\n        Self::instantiate({host_args}None, &Limits::default())\n    }}").unwrap();
        writeln!(w, "\n    /// `new` with resource limits.\n{limits_doc}").unwrap();
        writeln!(w, "    pub fn with_limits({host_params}limits: &Limits) -> Result<{ty_name}, Trap> {{\n        Self::instantiate({host_args}None, limits)\n    }}").unwrap();
    }
}

/// `instantiate` (the host state and its function records, the store, the instance, its exports)
/// and `call`.
fn write_instantiate(w: &mut String, g: &Gen<'_, '_>) {
    let Gen { ty_name, imports, modules, funcs, memories, globals, .. } = g;
    let host_params: String = modules.iter().map(|m| format!("{}: impl {}, ", m.arg, m.trait_name)).collect();
    writeln!(
        w,
        "\n    fn instantiate({host_params}wasi: Option<&WasiOptions>, limits: &Limits) -> Result<{ty_name}, Trap> {{"
    )
    .unwrap();
    writeln!(w, "        let host = Box::into_raw(Box::new(__W2nHost {{\n            instance: ::std::ptr::null_mut(),\n            funcs: Vec::new(),").unwrap();
    for m in modules {
        writeln!(w, "            {0}: Box::new({0}),", m.arg).unwrap();
    }
    writeln!(w, "        }}));").unwrap();
    writeln!(w, "        // SAFETY: `host` is live until Drop; the records never move (the Vec is not resized).\n        unsafe {{").unwrap();
    writeln!(w, "            (*host).funcs = vec![").unwrap();
    for (i, f) in imports.iter().enumerate() {
        let sig = f.ty.sig.escape_default();
        writeln!(
            w,
            "                __w2n_ffi::Func {{ code: __w2n_host_{i} as *const ::std::ffi::c_void, ctx: host as *mut ::std::ffi::c_void, type_id: __w2n_ffi::w2n_intern_signature(c\"{sig}\".as_ptr()), func_index: u32::MAX, array_call: ::std::ptr::null() }},"
        )
        .unwrap();
    }
    writeln!(w, "            ];").unwrap();
    let export_list =
        |kinds: &[&crate::module::Export]| -> String { kinds.iter().map(|e| format!("{:?}, ", e.name)).collect() };
    writeln!(
        w,
        r#"            let store = __w2n_ffi::w2n_store_new();
            let mut err = __w2n_ffi::Error::zeroed();
            let fail = |store, err: &__w2n_ffi::Error| {{
                let trap = Trap::from_error(store, err);
                __w2n_ffi::w2n_store_free(store);
                drop(Box::from_raw(host));
                trap
            }};
            if store.is_null() {{
                drop(Box::from_raw(host));
                return Err(Trap::other("cannot create a store"));
            }}
            __w2n_ffi::w2n_store_set_limits(store, &limits.to_c());
            if let Some(wasi) = wasi {{
                if !wasi.configure(store, &mut err) {{
                    return Err(fail(store, &err));
                }}
            }}
            let instance = __w2n_ffi::w2n_instantiate(store, ::std::ptr::addr_of!(__w2n_MODULE) as *const ::std::ffi::c_void, __w2n_resolve, host as *mut ::std::ffi::c_void, &mut err);
            if instance.is_null() {{
                return Err(fail(store, &err));
            }}
            (*host).instance = instance;
            let mut this = {ty_name} {{ store, instance, host, funcs: [::std::ptr::null(); {nf}], memories: [::std::ptr::null_mut(); {nm}], globals: [::std::ptr::null_mut(); {ng}]{cell_init} }};
            for (i, name) in ([{fl}] as [&str; {nf}]).iter().enumerate() {{
                this.funcs[i] = __w2n_ffi::export(instance, name, 0).func;
            }}
            for (i, name) in ([{ml}] as [&str; {nm}]).iter().enumerate() {{
                this.memories[i] = __w2n_ffi::export(instance, name, 2).memory;
            }}
            for (i, name) in ([{gl}] as [&str; {ng}]).iter().enumerate() {{
                this.globals[i] = __w2n_ffi::export(instance, name, 3).global.cell;
            }}
            Ok(this)
        }}
    }}

    fn call(&mut self, func: usize, slots: &mut [__w2n_ffi::Value]) -> Result<(), Trap> {{
        let mut err = __w2n_ffi::Error::zeroed();
        // SAFETY: the record belongs to this live instance; `slots` has room for params and results.
        let rc = unsafe {{ __w2n_ffi::w2n_call(self.store, self.funcs[func], slots.as_mut_ptr(), &mut err) }};
        if rc == 0 {{ Ok(()) }} else {{ Err(Trap::from_error(self.store, &err)) }}
    }}"#,
        nf = funcs.len(),
        nm = memories.len(),
        ng = globals.len(),
        fl = export_list(funcs),
        ml = export_list(memories),
        gl = export_list(globals),
        cell_init = if g.control.interruptible { ", store_cell: __W2nStoreCell::new(store)" } else { "" },
    )
    .unwrap();
}

/// `interrupt_handle` and `set_deadline` (interruptible), `fuel` and `set_fuel` (fuel).
fn write_guest_control(w: &mut String, g: &Gen<'_, '_>, methods: &mut Names) {
    if g.control.interruptible {
        let handle = methods.unique("interrupt_handle");
        let deadline = methods.unique("set_deadline");
        writeln!(
            w,
            r#"
    /// A handle that stops this instance's running call from any thread: the call returns `Err`
    /// with `TrapKind::Interrupt`. A request while no call runs stops the next call at once; the
    /// trap consumes it, so the instance is usable again afterwards. Cheap to clone; harmless
    /// after the instance is dropped.
    pub fn {handle}(&self) -> InterruptHandle {{
        InterruptHandle(self.store_cell.clone())
    }}

    /// Interrupts this instance `after` from now (the runtime's timer thread; `None` disarms it).
    /// A deadline that passes between calls stops the next call at once.
    pub fn {deadline}(&mut self, after: Option<::std::time::Duration>) -> Result<(), Trap> {{
        let ns = after.map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1));
        // SAFETY: the store is live.
        match unsafe {{ __w2n_ffi::w2n_store_set_deadline(self.store, ns) }} {{
            0 => Ok(()),
            _ => Err(Trap::other("cannot start the deadline's timer thread")),
        }}
    }}"#
        )
        .unwrap();
    }
    if g.control.fuel {
        let fuel = methods.unique("fuel");
        let set_fuel = methods.unique("set_fuel");
        writeln!(
            w,
            r#"
    /// The fuel left: every Wasm instruction costs one (structure is free), charged per block, the
    /// same on every target and optimisation level. A new instance has 2^63 - 1.
    pub fn {fuel}(&self) -> u64 {{
        // SAFETY: the store is live.
        unsafe {{ __w2n_ffi::w2n_store_get_fuel(self.store) }}
    }}

    /// Sets the fuel left; a call that runs out returns `Err` with `TrapKind::OutOfFuel`, leaving
    /// the fuel it could not spend.
    pub fn {set_fuel}(&mut self, fuel: u64) {{
        // SAFETY: the store is live.
        unsafe {{ __w2n_ffi::w2n_store_set_fuel(self.store, fuel) }}
    }}"#
        )
        .unwrap();
    }
}

/// For a module with GC types: holding references between calls, collecting, the heap's size.
fn write_gc(w: &mut String, g: &Gen<'_, '_>, methods: &mut Names) {
    if g.info.type_defs.iter().all(|t| t.is_func()) {
        return;
    }
    let (hold, release) = (methods.unique("gc_hold"), methods.unique("gc_release"));
    let (collect, stats) = (methods.unique("gc_collect"), methods.unique("gc_stats"));
    writeln!(
        w,
        r#"
    /// Keeps GC reference `r` (a struct, an array, ...) alive between calls: the collector sees
    /// the references of a running call and of the instance, not the ones the host keeps.
    /// Counted: each hold needs one `gc_release`.
    pub fn {hold}(&mut self, r: *mut ::std::ffi::c_void) {{
        // SAFETY: the store is live; the runtime ignores what is not one of its objects.
        unsafe {{ __w2n_ffi::w2n_gc_hold(self.store, r) }}
    }}

    /// Lets go of a reference `gc_hold` kept.
    pub fn {release}(&mut self, r: *mut ::std::ffi::c_void) {{
        // SAFETY: the store is live.
        unsafe {{ __w2n_ffi::w2n_gc_release(self.store, r) }}
    }}

    /// Collects the GC heap now (it also collects on its own when allocation needs it).
    pub fn {collect}(&mut self) {{
        // SAFETY: the store is live and no call runs (`&mut self`).
        unsafe {{ __w2n_ffi::w2n_gc_collect(self.store) }}
    }}

    /// The GC heap: (bytes the last collection found live, bytes the heap holds, collections).
    pub fn {stats}(&self) -> (u64, u64, u64) {{
        let (mut live, mut heap, mut collections) = (0, 0, 0);
        // SAFETY: the store is live.
        unsafe {{ __w2n_ffi::w2n_gc_stats(self.store, &mut live, &mut heap, &mut collections) }};
        (live, heap, collections)
    }}"#
    )
    .unwrap();
}

/// With `interruptible`: the handle and the shared cell behind it.
const INTERRUPT_HANDLE: &str = r#"
/// Stops a call of the instance it came from, from any thread (`w2n_store_interrupt`).
#[allow(dead_code)]
#[derive(Clone)]
pub struct InterruptHandle(::std::sync::Arc<__W2nStoreCell>);

#[allow(dead_code)]
impl InterruptHandle {
    /// Asks the instance's running (or next) call to stop with `TrapKind::Interrupt`. Does nothing
    /// once the instance is dropped.
    pub fn interrupt(&self) {
        let store = self.0.store.lock().unwrap_or_else(|e| e.into_inner());
        if !store.0.is_null() {
            // SAFETY: the store is live (the instance clears the cell, under this lock, before
            // freeing it); w2n_store_interrupt is thread-safe.
            unsafe { __w2n_ffi::w2n_store_interrupt(store.0) }
        }
    }
}

struct __W2nStorePtr(*mut ::std::ffi::c_void);
// SAFETY: only passed to w2n_store_interrupt, which any thread may call.
unsafe impl Send for __W2nStorePtr {}

struct __W2nStoreCell {
    store: ::std::sync::Mutex<__W2nStorePtr>,
}

impl __W2nStoreCell {
    fn new(store: *mut ::std::ffi::c_void) -> ::std::sync::Arc<__W2nStoreCell> {
        ::std::sync::Arc::new(__W2nStoreCell { store: ::std::sync::Mutex::new(__W2nStorePtr(store)) })
    }

    fn forget(&self) {
        self.store.lock().unwrap_or_else(|e| e.into_inner()).0 = ::std::ptr::null_mut();
    }
}
"#;

/// One method per exported function.
fn write_export_funcs(w: &mut String, g: &Gen<'_, '_>, methods: &mut Names) {
    let Gen { info, funcs, .. } = g;
    for (k, e) in funcs.iter().enumerate() {
        let ty = info.func_type(e.index);
        let method = methods.unique(&identifier(&e.name));
        let params: String = ty.params.iter().enumerate().map(|(i, &t)| format!(", p{i}: {}", rust_type(t))).collect();
        let n = ty.params.len().max(ty.results.len()).max(1);
        writeln!(w, "\n    /// Calls the export `{}`: `{}`.", e.name.escape_default(), ty.sig).unwrap();
        writeln!(w, "    pub fn {method}(&mut self{params}) -> Result<{}, Trap> {{", result_type(&ty.results)).unwrap();
        writeln!(w, "        let mut s = [__w2n_ffi::Value {{ v128: [0; 16] }}; {n}];").unwrap();
        for (i, &t) in ty.params.iter().enumerate() {
            writeln!(w, "        {}", store_slot(t, &format!("s[{i}]"), &format!("p{i}"))).unwrap();
        }
        writeln!(w, "        self.call({k}, &mut s)?;").unwrap();
        let reads: Vec<String> =
            ty.results.iter().enumerate().map(|(i, &t)| load_slot(t, &format!("s[{i}]"))).collect();
        let value = match reads.len() {
            0 => "()".to_string(),
            1 => reads[0].clone(),
            _ => format!("({})", reads.join(", ")),
        };
        if ty.results.is_empty() {
            writeln!(w, "        let _ = s;\n        Ok(())\n    }}").unwrap();
        } else {
            writeln!(w, "        // SAFETY: the call wrote the results' slots with these types.\n        Ok(unsafe {{ {value} }})\n    }}").unwrap();
        }
    }
}

/// Per exported memory: the slices and the bounds-checked copies.
fn write_export_memories(w: &mut String, g: &Gen<'_, '_>, methods: &mut Names) {
    let Gen { memories, .. } = g;
    for (k, e) in memories.iter().enumerate() {
        let m = methods.unique(&identifier(&e.name));
        let m_mut = methods.unique(&format!("{m}_mut"));
        let m_read = methods.unique(&format!("{m}_read"));
        let m_write = methods.unique(&format!("{m}_write"));
        let name = e.name.escape_default();
        writeln!(
            w,
            r#"
    /// The exported memory `{name}`, its current size.
    pub fn {m}(&self) -> &[u8] {{
        // SAFETY: the memory lives as long as the instance; its base never moves.
        unsafe {{ __w2n_ffi::memory_slice(self.memories[{k}]) }}
    }}

    /// The exported memory `{name}`, writable.
    pub fn {m_mut}(&mut self) -> &mut [u8] {{
        // SAFETY: as above, and `&mut self` excludes every other access.
        unsafe {{ __w2n_ffi::memory_slice(self.memories[{k}]) }}
    }}

    /// Copies `buf.len()` bytes at `offset` of memory `{name}` into `buf`; an out-of-bounds range is a
    /// `MemoryOutOfBounds` trap.
    pub fn {m_read}(&self, offset: u64, buf: &mut [u8]) -> Result<(), Trap> {{
        let mem = self.{m}();
        let range = __w2n_ffi::range(offset, buf.len(), mem.len())?;
        buf.copy_from_slice(&mem[range]);
        Ok(())
    }}

    /// Copies `bytes` to `offset` of memory `{name}`; an out-of-bounds range is a `MemoryOutOfBounds`
    /// trap and writes nothing.
    pub fn {m_write}(&mut self, offset: u64, bytes: &[u8]) -> Result<(), Trap> {{
        let mem = self.{m_mut}();
        let range = __w2n_ffi::range(offset, bytes.len(), mem.len())?;
        mem[range].copy_from_slice(bytes);
        Ok(())
    }}"#
        )
        .unwrap();
    }
}

/// Per exported global: the getter, and the setter when mutable.
fn write_export_globals(w: &mut String, g: &Gen<'_, '_>, methods: &mut Names) {
    let Gen { info, globals, .. } = g;
    for (k, e) in globals.iter().enumerate() {
        let g = &info.globals[e.index as usize];
        let t = g.ty.ty;
        let get = methods.unique(&identifier(&e.name));
        let name = e.name.escape_default();
        writeln!(
            w,
            "\n    /// The value of the exported global `{name}`.\n    pub fn {get}(&self) -> {} {{\n        // SAFETY: the cell lives as long as the instance and holds a value of this type.\n        unsafe {{ {} }}\n    }}",
            rust_type(t),
            load_slot(t, &format!("(*self.globals[{k}])"))
        )
        .unwrap();
        if g.ty.mutable {
            let set = methods.unique(&format!("set_{get}"));
            writeln!(
                w,
                "\n    /// Sets the exported mutable global `{name}`.\n    pub fn {set}(&mut self, v: {}) {{\n        // SAFETY: as above; `&mut self` excludes running Wasm.\n        unsafe {{ {} }}\n    }}",
                rust_type(t),
                store_slot(t, &format!("(*self.globals[{k}])"), "v")
            )
            .unwrap();
        }
    }
}

/// `Caller::memory`: the memory a host function sees, the first exported memory.
fn write_caller(w: &mut String, g: &Gen<'_, '_>) {
    let Gen { memories, .. } = g;
    // The memory a host function sees through its Caller: the first exported memory.
    let caller_memory = memories.first().map(|e| e.name.clone());
    match caller_memory {
        Some(name) => writeln!(
            w,
            r#"
#[allow(dead_code)]
impl Caller<'_> {{
    /// The calling instance's exported memory `{0}`.
    pub fn memory(&mut self) -> Option<&mut [u8]> {{
        // SAFETY: the instance is live during the host call; the guest is suspended in it.
        unsafe {{
            let m = __w2n_ffi::export(self.instance, {1:?}, 2).memory;
            Some(__w2n_ffi::memory_slice(m))
        }}
    }}
}}"#,
            name.escape_default(),
            name
        )
        .unwrap(),
        None => writeln!(
            w,
            "\n#[allow(dead_code)]\nimpl Caller<'_> {{\n    /// The module exports no memory: always `None`.\n    pub fn memory(&mut self) -> Option<&mut [u8]> {{\n        let _ = self.instance;\n        None\n    }}\n}}"
        )
        .unwrap(),
    }
}

/// `__w2n_ffi`, the runtime's C API as the bindings use it: the compiler's own mirrors of the
/// runtime's structs (`ffi/mirror.rs`, `ffi/api.rs`, written verbatim), then `FFI_FUNCTIONS`.
fn write_ffi(w: &mut String) {
    w.push_str("\n#[allow(dead_code)]\nmod __w2n_ffi {\n    //! The runtime's C API (runtime-lib/include/w2n_runtime.h), as far as the bindings use it.\n");
    for text in crate::ffi::BINDINGS_TEXT {
        w.push('\n');
        for line in text.lines() {
            match line {
                "" => w.push('\n'),
                _ => writeln!(w, "    {line}").unwrap(),
            }
        }
    }
    w.push_str(FFI_FUNCTIONS);
}

/// The rest of `__w2n_ffi`: `Error::zeroed`, the entry points, helpers.
const FFI_FUNCTIONS: &str = r#"
    impl Error {
        pub fn zeroed() -> Error {
            // SAFETY: all-zero is a valid w2n_error.
            unsafe { std::mem::zeroed() }
        }
    }

    #[repr(C)]
    pub struct Opaque {
        _private: [u8; 0],
    }

    pub type ResolveFn = unsafe extern "C" fn(*mut c_void, *mut c_void, *const ImportDesc, *mut Extern) -> c_int;

    extern "C" {
        pub fn w2n_store_new() -> *mut c_void;
        pub fn w2n_store_free(store: *mut c_void);
        pub fn w2n_store_set_limits(store: *mut c_void, limits: *const StoreLimits) -> c_int;
        pub fn w2n_instantiate(store: *mut c_void, module: *const c_void, resolve: ResolveFn, user: *mut c_void, err: *mut Error) -> *mut c_void;
        pub fn w2n_instance_free(inst: *mut c_void);
        pub fn w2n_instance_export_n(inst: *mut c_void, name: *const c_char, len: usize, out: *mut Extern) -> c_int;
        pub fn w2n_call(store: *mut c_void, func: *const Func, args_results: *mut Value, err: *mut Error) -> c_int;
        pub fn w2n_intern_signature(sig: *const c_char) -> u32;
        pub fn w2n_trap_host(message: *const c_char) -> !;
        pub fn w2n_wasi_configure(store: *mut c_void, config: *const WasiConfig, err: *mut Error) -> c_int;
        pub fn w2n_wasi_resolve(user: *mut c_void, importer: *mut c_void, imp: *const ImportDesc, out: *mut Extern) -> c_int;
        pub fn w2n_wasi_exit_code(store: *mut c_void, code: *mut c_int) -> c_int;
        pub fn w2n_store_interrupt(store: *mut c_void);
        pub fn w2n_store_set_deadline(store: *mut c_void, ns: u64) -> c_int;
        pub fn w2n_store_set_fuel(store: *mut c_void, fuel: u64);
        pub fn w2n_store_get_fuel(store: *const c_void) -> u64;
        pub fn w2n_gc_hold(store: *mut c_void, r: *mut c_void);
        pub fn w2n_gc_release(store: *mut c_void, r: *mut c_void);
        pub fn w2n_gc_collect(store: *mut c_void);
        pub fn w2n_gc_stats(store: *mut c_void, live: *mut u64, heap: *mut u64, collections: *mut u64);
    }

    /// Export `name` of a kind the module is known to export (the bindings were generated from it).
    pub unsafe fn export(inst: *mut c_void, name: &str, kind: u32) -> ExternOf {
        let mut ext: Extern = unsafe { std::mem::zeroed() };
        let rc = unsafe { w2n_instance_export_n(inst, name.as_ptr() as *const c_char, name.len(), &mut ext) };
        assert!(rc == 0 && ext.kind == kind, "wasm2native bindings: the module has no export `{name}` of kind {kind}");
        ext.of
    }

    /// The accessible bytes of a memory.
    pub unsafe fn memory_slice<'a>(m: *mut Memory) -> &'a mut [u8] {
        unsafe {
            let size = (*m).size as usize;
            if size == 0 { &mut [] } else { std::slice::from_raw_parts_mut((*m).base, size) }
        }
    }

    pub fn range(offset: u64, len: usize, size: usize) -> Result<std::ops::Range<usize>, super::Trap> {
        match usize::try_from(offset).ok().and_then(|o| o.checked_add(len).map(|end| (o, end))) {
            Some((o, end)) if end <= size => Ok(o..end),
            _ => Err(super::Trap::out_of_bounds()),
        }
    }
}
"#;

/// The part of every bindings file after `__w2n_ffi`: `Trap`, `Caller`, `WasiOptions`, `Limits`,
/// with the trap kinds of `trap.rs`'s table filled in.
fn prelude() -> String {
    let mut kinds = String::new();
    let mut arms = String::new();
    for &t in Trap::ALL {
        if t == Trap::Host {
            kinds.push_str("    /// A host function returned `Err` (or panicked).\n");
        }
        kinds.push_str(&format!("    {t:?},\n"));
        arms.push_str(&format!("                {} => TrapKind::{t:?},\n", t.code()));
    }
    let mut codes = String::from("        match self {\n");
    for &t in Trap::ALL {
        codes.push_str(&format!("            TrapKind::{t:?} => {},\n", t.code()));
    }
    codes.push_str("            TrapKind::Exit(_) | TrapKind::Other => 0,\n        }");
    PRELUDE
        .replace("{TRAP_KINDS}", &kinds)
        .replace("{TRAP_ARMS}", &arms)
        .replace("{TRAP_CODES}", &codes)
        .replace("{OOB_MESSAGE:?}", &format!("{:?}", Trap::MemoryOutOfBounds.message()))
}

/// `prelude`'s template.
const PRELUDE: &str = r#"
/// Why a call into Wasm (or an instantiation) failed.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapKind {
{TRAP_KINDS}    /// The guest called WASI `proc_exit` with this code.
    Exit(i32),
    /// Not a trap: instantiation failed to link (e.g. an unknown import) or the store could not be set up.
    Other,
}

#[allow(dead_code)]
impl TrapKind {
    /// The runtime's `W2N_TRAP_*` number (0 when not a trap).
    pub fn code(self) -> u32 {
{TRAP_CODES}
    }
}

/// A trap (or another failure) reported by the runtime: the host keeps running.
#[allow(dead_code)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    pub kind: TrapKind,
    /// The runtime's `W2N_TRAP_*` number (0 when not a trap).
    pub code: u32,
    /// The spec testsuite's words (e.g. "integer divide by zero"), or the host's message.
    pub message: String,
    /// Wasm function names on the stack at the trap, innermost first (may be empty).
    pub frames: Vec<String>,
}

#[allow(dead_code)]
impl Trap {
    fn new(kind: TrapKind, code: u32, message: String) -> Trap {
        Trap { kind, code, message, frames: Vec::new() }
    }

    /// A trap for a host function to return: the Wasm caller traps with this message.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap::new(TrapKind::Host, TrapKind::Host.code(), message.into())
    }

    fn out_of_bounds() -> Trap {
        Trap::new(TrapKind::MemoryOutOfBounds, TrapKind::MemoryOutOfBounds.code(), {OOB_MESSAGE:?}.into())
    }

    fn other(message: &str) -> Trap {
        Trap::new(TrapKind::Other, 0, message.to_string())
    }

    fn from_error(store: *mut ::std::ffi::c_void, err: &__w2n_ffi::Error) -> Trap {
        let text = |p: *const ::std::ffi::c_char| unsafe { ::std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned();
        let message = text(err.message.as_ptr());
        let frames = err.frames[..(err.num_frames as usize).min(32)].iter().filter(|p| !p.is_null()).map(|&p| text(p)).collect();
        let mut exit: ::std::ffi::c_int = 0;
        // SAFETY: `store` is live.
        let kind = if err.trap == 0 && unsafe { __w2n_ffi::w2n_wasi_exit_code(store, &mut exit) } != 0 {
            TrapKind::Exit(exit)
        } else {
            match err.trap {
{TRAP_ARMS}                _ => TrapKind::Other,
            }
        };
        Trap { kind, code: err.trap, message, frames }
    }
}

impl ::std::fmt::Display for Trap {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match self.kind {
            TrapKind::Other => write!(f, "{}", self.message),
            TrapKind::Exit(code) => write!(f, "wasm exit: {code}"),
            _ => write!(f, "wasm trap: {}", self.message),
        }
    }
}

impl ::std::error::Error for Trap {}

/// What a host function sees of the instance that called it.
#[allow(dead_code)]
pub struct Caller<'a> {
    instance: *mut ::std::ffi::c_void,
    _store: ::std::marker::PhantomData<&'a mut ()>,
}

/// WASI grants for instances of modules that import `wasi_snapshot_preview1`: nothing is reachable
/// unless granted here.
#[allow(dead_code)]
#[derive(Clone, Debug)]
pub struct WasiOptions {
    /// The guest's argv.
    pub args: Vec<String>,
    /// The guest's environment, (name, value).
    pub env: Vec<(String, String)>,
    /// Preopened directories (host path, guest path, read-only), fds 3, 4, ... in order.
    pub dirs: Vec<(String, String, bool)>,
    /// fds 0-2 are the process's (else /dev/null).
    pub inherit_stdio: bool,
}

impl Default for WasiOptions {
    fn default() -> Self {
        WasiOptions { args: Vec::new(), env: Vec::new(), dirs: Vec::new(), inherit_stdio: true }
    }
}

impl WasiOptions {
    #[allow(dead_code)]
    fn configure(&self, store: *mut ::std::ffi::c_void, err: &mut __w2n_ffi::Error) -> bool {
        use ::std::ffi::{c_char, c_int, CString};
        let c = |s: &str| CString::new(s.replace('\0', "")).expect("no NUL left");
        let args: Vec<CString> = self.args.iter().map(|a| c(a)).collect();
        let env: Vec<CString> = self.env.iter().map(|(k, v)| c(&format!("{k}={v}"))).collect();
        let paths: Vec<(CString, CString)> = self.dirs.iter().map(|(h, g, _)| (c(h), c(g))).collect();
        let argv: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
        let envp: Vec<*const c_char> = env.iter().map(|e| e.as_ptr()).collect();
        let dirs: Vec<__w2n_ffi::WasiDir> = paths
            .iter()
            .zip(&self.dirs)
            .map(|((h, g), d)| __w2n_ffi::WasiDir { host_path: h.as_ptr(), guest_path: g.as_ptr(), read_only: d.2 as c_int })
            .collect();
        let config = __w2n_ffi::WasiConfig {
            argc: argv.len() as c_int,
            argv: argv.as_ptr(),
            envc: envp.len() as c_int,
            env: envp.as_ptr(),
            num_dirs: dirs.len() as c_int,
            dirs: dirs.as_ptr(),
            inherit_stdio: self.inherit_stdio as c_int,
        };
        // SAFETY: the runtime copies the configuration.
        unsafe { __w2n_ffi::w2n_wasi_configure(store, &config, err) == 0 }
    }
}

/// Resource limits of an instance's store (`w2n_store_limits`), in wasmtime's words; `None`: no
/// limit. The default limits nothing.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Bytes any one linear memory may hold (`-W max-memory-size`).
    pub max_memory_size: Option<u64>,
    /// Elements any one table may hold (`-W max-table-elements`).
    pub max_table_elements: Option<u64>,
    /// Memories and tables the instance may define (`-W max-memories`, `-W max-tables`).
    pub max_memories: Option<u64>,
    pub max_tables: Option<u64>,
    /// Bytes of GC objects the store may hold at once (`-W max-gc-heap`); an allocation past it
    /// traps.
    pub max_gc_heap: Option<u64>,
    /// A failed `memory.grow`/`table.grow` traps (`TrapKind::MemoryGrowFailed`,
    /// `TableGrowFailed`) instead of returning -1 (`-W trap-on-grow-failure`).
    pub trap_on_grow_failure: bool,
}

impl Limits {
    #[allow(dead_code)]
    fn to_c(&self) -> __w2n_ffi::StoreLimits {
        let none = __w2n_ffi::StoreLimits::NO_LIMIT;
        __w2n_ffi::StoreLimits {
            max_memory_size: self.max_memory_size.unwrap_or(none),
            max_table_elements: self.max_table_elements.unwrap_or(none),
            max_instances: none,
            max_memories: self.max_memories.unwrap_or(none),
            max_tables: self.max_tables.unwrap_or(none),
            max_gc_heap: self.max_gc_heap.unwrap_or(none),
            flags: if self.trap_on_grow_failure { __w2n_ffi::StoreLimits::TRAP_ON_GROW_FAILURE } else { 0 },
            _pad: 0,
        }
    }
}

/// Runs a host function's body: a panic becomes a trap message; the message is returned in a plain
/// buffer so that nothing with a destructor is alive when the trap unwinds the trampoline's frame.
fn __w2n_guard<R>(f: impl FnOnce() -> Result<R, Trap>) -> Result<R, [u8; 512]> {
    let message = match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => return Ok(v),
        Ok(Err(trap)) => trap.message,
        Err(panic) => match panic.downcast_ref::<&str>() {
            Some(s) => format!("host function panicked: {s}"),
            None => match panic.downcast_ref::<String>() {
                Some(s) => format!("host function panicked: {s}"),
                None => "host function panicked".to_string(),
            },
        },
    };
    let mut buf = [0u8; 512];
    let bytes = message.as_bytes();
    let n = bytes.len().min(511);
    buf[..n].copy_from_slice(&bytes[..n]);
    Err(buf)
}
"#;
