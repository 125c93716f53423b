//! The spec-script runner behind `wasm2native wast`: every module of a `.wast` script is compiled
//! ahead of time by the same pipeline users get (to a cached shared library), loaded into this
//! process, instantiated against the `spectest` module and the registered modules, and every
//! command kind is executed and checked.

mod engine;
mod values;

use crate::cache;
use crate::error::CompileError;
use crate::host::Value;
use crate::module::{wat_to_wasm, FuncType, ModuleInfo, ValType};
use crate::{BoundsChecks, OptLevel, TargetSpec};
use engine::{Engine, InstanceId, InstantiateError, LocalEngine, ModuleId, RemoteEngine};
use std::collections::HashMap;
use std::path::Path;
use values::{arg_value, check_results, RefKind};
use wast::core::WastArgCore;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke};

/// The standard `spectest` host module, as Wasm: it goes through the same pipeline as any module.
const SPECTEST: &str = r#"(module
  (func (export "print"))
  (func (export "print_i32") (param i32))
  (func (export "print_i64") (param i64))
  (func (export "print_f32") (param f32))
  (func (export "print_f64") (param f64))
  (func (export "print_i32_f32") (param i32 f32))
  (func (export "print_f64_f64") (param f64 f64))
  (global (export "global_i32") i32 (i32.const 666))
  (global (export "global_i64") i64 (i64.const 666))
  (global (export "global_f32") f32 (f32.const 666.6))
  (global (export "global_f64") f64 (f64.const 666.6))
  (table (export "table") 10 20 funcref)
  (table (export "table64") i64 10 20 funcref)
  (memory (export "memory") 1 2)
  (memory (export "shared_memory") 1 2 shared))"#;

/// Counts of one script run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

pub struct RunnerOptions {
    pub opt_level: OptLevel,
    pub bounds_checks: BoundsChecks,
    /// Modules are compiled for this target; other than the host, they run in a `w2n_agent` under
    /// the target's runner (qemu-user).
    pub target: TargetSpec,
}

/// An instance and the types of its exports (for converting arguments and results).
#[derive(Clone)]
struct Instance {
    id: InstanceId,
    funcs: HashMap<String, FuncType>,
    globals: HashMap<String, ValType>,
}

/// A compiled but not yet instantiated module (`module definition`).
struct Compiled {
    module: ModuleId,
    funcs: HashMap<String, FuncType>,
    globals: HashMap<String, ValType>,
}

struct Runner<'a> {
    file: &'a str,
    text: &'a str,
    opts: &'a RunnerOptions,
    engine: Box<dyn Engine>,
    definitions: HashMap<String, std::rc::Rc<Compiled>>,
    named: HashMap<String, Instance>,
    current: Option<Instance>,
    summary: Summary,
}

/// What executing an invoke or get produced.
enum Outcome {
    Values(Vec<(ValType, Value)>),
    Trap(String),
    Error(String),
}

/// Runs one `.wast` file, printing a line per failure and skip; returns the counts.
pub fn run_file(path: &Path, opts: &RunnerOptions) -> Result<Summary, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file = path.display().to_string();
    let text = crate::legacy_syntax::unfold(&text).into_owned();
    // The testsuite deliberately uses confusable Unicode in names (names.wast).
    let mut lexer = wast::lexer::Lexer::new(&text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(|e| format!("{file}: {e}"))?;
    let script: Wast = parser::parse(&buf).map_err(|e| format!("{file}: {e}"))?;
    let engine: Box<dyn Engine> = if opts.target.is_host() {
        Box::new(LocalEngine::new())
    } else {
        let agent = crate::runtime::agent_for(&opts.target).map_err(|e| e.to_string())?;
        Box::new(RemoteEngine::start(opts.target.info().runner, &agent)?)
    };
    let mut runner = Runner {
        file: &file,
        text: &text,
        opts,
        engine,
        definitions: HashMap::new(),
        named: HashMap::new(),
        current: None,
        summary: Summary::default(),
    };
    let spectest = runner.instantiate_wasm(&wat_to_wasm(SPECTEST.as_bytes()).map_err(|e| e.to_string())?)?;
    let spectest = spectest.map_err(|e| format!("spectest: {e}"))?;
    runner.engine.register("spectest", spectest.id)?;
    for directive in script.directives {
        runner.directive(directive);
    }
    Ok(runner.summary)
}

fn export_types(info: &ModuleInfo<'_>) -> (HashMap<String, FuncType>, HashMap<String, ValType>) {
    let mut funcs = HashMap::new();
    let mut globals = HashMap::new();
    for e in &info.exports {
        match e.kind {
            wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                funcs.insert(e.name.clone(), info.func_type(e.index).clone());
            }
            wasmparser::ExternalKind::Global => {
                globals.insert(e.name.clone(), info.globals[e.index as usize].ty.ty);
            }
            _ => {}
        }
    }
    (funcs, globals)
}

impl<'a> Runner<'a> {
    fn line(&self, span: wast::token::Span) -> usize {
        span.linecol_in(self.text).0 + 1
    }

    fn pass(&mut self) {
        self.summary.passed += 1;
    }

    fn fail(&mut self, span: wast::token::Span, msg: impl std::fmt::Display) {
        self.summary.failed += 1;
        println!("{}:{}: {msg}", self.file, self.line(span));
    }

    fn skip(&mut self, span: wast::token::Span, what: &str) {
        self.summary.skipped += 1;
        println!("{}:{}: skipped: {what}", self.file, self.line(span));
    }

    /// Validates, compiles (cached) and loads a module.
    fn compile(&mut self, wasm: &[u8]) -> Result<Compiled, CompileError> {
        let info = ModuleInfo::parse(wasm)?;
        let (funcs, globals) = export_types(&info);
        let o = self.opts;
        let library = cache::shared_library_for(&o.target, wasm, o.opt_level, o.bounds_checks, 1)?;
        let module = self.engine.load(&library, cache::PREFIX).map_err(CompileError::Io)?;
        Ok(Compiled { module, funcs, globals })
    }

    /// Instantiates; the error says whether it was a trap, and why.
    fn instantiate(&mut self, compiled: &Compiled) -> Result<Instance, (bool, String)> {
        match self.engine.instantiate(compiled.module) {
            Ok(id) => Ok(Instance { id, funcs: compiled.funcs.clone(), globals: compiled.globals.clone() }),
            Err(InstantiateError::Trap(m)) => Err((true, m)),
            Err(InstantiateError::Link(m)) => Err((false, m)),
        }
    }

    fn instantiate_wasm(&mut self, wasm: &[u8]) -> Result<Result<Instance, String>, String> {
        let compiled = self.compile(wasm).map_err(|e| e.to_string())?;
        Ok(self.instantiate(&compiled).map_err(|(_, m)| m))
    }

    fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
        module.encode().map_err(|e| e.to_string())
    }

    fn directive(&mut self, d: WastDirective<'_>) {
        let span = d.span();
        match d {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                self.current = None;
                let wasm = match Self::encode(&mut module) {
                    Ok(w) => w,
                    Err(e) => return self.fail(span, format!("module does not encode: {e}")),
                };
                match self.compile(&wasm) {
                    Err(e) => self.fail(span, format!("module failed to compile: {e}")),
                    Ok(compiled) => match self.instantiate(&compiled) {
                        Ok(inst) => {
                            if let Some(n) = name {
                                self.named.insert(n, inst.clone());
                            }
                            self.current = Some(inst);
                            self.pass();
                        }
                        Err((_, m)) => self.fail(span, format!("module failed to instantiate: {m}")),
                    },
                }
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let compiled =
                    Self::encode(&mut module).map_err(CompileError::Malformed).and_then(|w| self.compile(&w));
                match compiled {
                    Ok(c) => {
                        if let Some(n) = name {
                            self.definitions.insert(n, std::rc::Rc::new(c));
                        }
                        self.pass();
                    }
                    Err(e) => self.fail(span, format!("module definition failed to compile: {e}")),
                }
            }
            WastDirective::ModuleInstance { span, instance, module } => {
                let def = module.and_then(|m| self.definitions.get(m.name()).cloned());
                let Some(def) = def else { return self.fail(span, "unknown module definition") };
                match self.instantiate(&def) {
                    Ok(inst) => {
                        if let Some(n) = instance {
                            self.named.insert(n.name().to_string(), inst.clone());
                        }
                        self.current = Some(inst);
                        self.pass();
                    }
                    Err((_, m)) => self.fail(span, format!("instantiation failed: {m}")),
                }
            }
            WastDirective::Register { span, name, module } => match self.instance(module.map(|m| m.name())) {
                Some(inst) => match self.engine.register(name, inst.id) {
                    Ok(()) => self.pass(),
                    Err(e) => self.fail(span, format!("register: {e}")),
                },
                None => self.fail(span, "register: no such module"),
            },
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Outcome::Values(_) => self.pass(),
                Outcome::Trap(m) => self.fail(span, format!("invoke `{}` trapped: {m}", invoke.name)),
                Outcome::Error(m) => self.fail(span, format!("invoke `{}`: {m}", invoke.name)),
            },
            WastDirective::AssertReturn { span, exec, results } => match self.execute(exec) {
                Outcome::Values(actual) => {
                    match self.ref_kinds(&actual).and_then(|k| check_results(&actual, &k, &results)) {
                        Ok(()) => self.pass(),
                        Err(m) => self.fail(span, m),
                    }
                }
                Outcome::Trap(m) => self.fail(span, format!("expected values, got trap: {m}")),
                Outcome::Error(m) => self.fail(span, m),
            },
            WastDirective::AssertTrap { span, exec, message } => match self.execute(exec) {
                Outcome::Trap(m) if trap_matches(&m, message) => self.pass(),
                Outcome::Trap(m) => self.fail(span, format!("expected trap `{message}`, got trap `{m}`")),
                Outcome::Values(v) => self.fail(span, format!("expected trap `{message}`, got {}", values::show(&v))),
                Outcome::Error(m) => self.fail(span, format!("expected trap `{message}`: {m}")),
            },
            WastDirective::AssertExhaustion { span, call, message } => match self.invoke(&call) {
                Outcome::Trap(m) if trap_matches(&m, message) => self.pass(),
                Outcome::Trap(m) => self.fail(span, format!("expected `{message}`, got trap `{m}`")),
                Outcome::Values(v) => self.fail(span, format!("expected `{message}`, got {}", values::show(&v))),
                Outcome::Error(m) => self.fail(span, format!("expected `{message}`: {m}")),
            },
            WastDirective::AssertMalformed { span, mut module, message }
            | WastDirective::AssertInvalid { span, mut module, message } => {
                let rejected = match Self::encode(&mut module) {
                    Err(_) => true,
                    Ok(wasm) => ModuleInfo::parse(&wasm).is_err_and(|e| !matches!(e, CompileError::Unsupported(_))),
                };
                if rejected {
                    self.pass()
                } else {
                    self.fail(span, format!("module was accepted, expected failure `{message}`"))
                }
            }
            WastDirective::AssertUnlinkable { span, mut module, message } => {
                let wasm = match module.encode() {
                    Ok(w) => w,
                    Err(e) => return self.fail(span, format!("module does not encode: {e}")),
                };
                match self.compile(&wasm) {
                    Err(e) => self.fail(span, format!("module failed to compile: {e}")),
                    Ok(c) => match self.instantiate(&c) {
                        Err((false, _)) => self.pass(),
                        Err((true, m)) => self.fail(span, format!("expected link error `{message}`, got trap `{m}`")),
                        Ok(_) => self.fail(span, format!("module linked, expected `{message}`")),
                    },
                }
            }
            WastDirective::AssertException { span, exec } => match self.execute(exec) {
                Outcome::Trap(m) if m == crate::trap::Trap::UncaughtException.message() => self.pass(),
                Outcome::Trap(m) => self.fail(span, format!("expected an uncaught exception, got trap `{m}`")),
                Outcome::Values(v) => {
                    self.fail(span, format!("expected an uncaught exception, got {}", values::show(&v)))
                }
                Outcome::Error(m) => self.fail(span, format!("expected an uncaught exception: {m}")),
            },
            WastDirective::AssertInvalidCustom { span, .. } | WastDirective::AssertMalformedCustom { span, .. } => {
                self.skip(span, "custom-section assertions (annotations proposal)")
            }
            WastDirective::AssertSuspension { span, .. } => self.skip(span, "assert_suspension (stack switching)"),
            WastDirective::Thread(t) => self.skip(t.span, "thread (threads proposal)"),
            WastDirective::Wait { span, .. } => self.skip(span, "wait (threads proposal)"),
        }
    }

    fn instance(&self, name: Option<&str>) -> Option<Instance> {
        match name {
            Some(n) => self.named.get(n).cloned(),
            None => self.current.clone(),
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Outcome {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => self.get(module.map(|m| m.name()), global),
            WastExecute::Wat(mut wat) => {
                let wasm = match wat.encode() {
                    Ok(w) => w,
                    Err(e) => return Outcome::Error(format!("module does not encode: {e}")),
                };
                match self.compile(&wasm) {
                    Err(e) => Outcome::Error(format!("module failed to compile: {e}")),
                    Ok(c) => match self.instantiate(&c) {
                        Ok(_) => Outcome::Values(vec![]),
                        Err((true, m)) => Outcome::Trap(m),
                        Err((false, m)) => Outcome::Error(format!("link error: {m}")),
                    },
                }
            }
        }
    }

    fn get(&mut self, module: Option<&str>, name: &str) -> Outcome {
        let Some(inst) = self.instance(module) else { return Outcome::Error("no such module".into()) };
        let Some(&ty) = inst.globals.get(name) else { return Outcome::Error(format!("no global export `{name}`")) };
        match self.engine.get(inst.id, name) {
            Ok(value) => Outcome::Values(vec![(ty, value)]),
            Err(e) => Outcome::Error(e),
        }
    }

    /// What each `anyref` among `values` is, asked of the engine that made it.
    fn ref_kinds(&mut self, values: &[(ValType, Value)]) -> Result<Vec<Option<RefKind>>, String> {
        values
            .iter()
            .map(|(t, v)| match t {
                // SAFETY: a reference result is a pointer-sized value.
                ValType::AnyRef => {
                    let (kind, host) = self.engine.ref_kind(unsafe { v.r#ref } as usize)?;
                    Ok(Some(RefKind { kind, host }))
                }
                _ => Ok(None),
            })
            .collect()
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Outcome {
        let Some(inst) = self.instance(invoke.module.map(|m| m.name())) else {
            return Outcome::Error("no such module (it failed to compile or instantiate)".into());
        };
        let Some(ft) = inst.funcs.get(invoke.name).cloned() else {
            return Outcome::Error(format!("no function export `{}`", invoke.name));
        };
        let mut slots = vec![Value { v128: [0; 16] }; ft.params.len().max(ft.results.len()).max(1)];
        for (i, arg) in invoke.args.iter().enumerate() {
            let WastArg::Core(core) = arg else { return Outcome::Error("component-model argument".into()) };
            if let WastArgCore::RefHost(n) = core {
                match self.engine.host_ref(inst.id, *n as usize + 1) {
                    Ok(r) => slots[i] = Value { r#ref: r as *mut std::ffi::c_void },
                    Err(e) => return Outcome::Error(e),
                }
                continue;
            }
            match arg_value(core) {
                Some(v) => slots[i] = v,
                None => return Outcome::Error(format!("unsupported argument {core:?}")),
            }
        }
        if invoke.args.len() != ft.params.len() {
            return Outcome::Error(format!(
                "`{}` takes {} arguments, {} given",
                invoke.name,
                ft.params.len(),
                invoke.args.len()
            ));
        }
        match self.engine.call(inst.id, invoke.name, &mut slots) {
            Ok(Ok(())) => Outcome::Values(ft.results.iter().zip(slots).map(|(&t, v)| (t, v)).collect()),
            Ok(Err(trap)) => Outcome::Trap(trap),
            Err(e) => Outcome::Error(e),
        }
    }
}

/// The spec's trap text is a prefix of, or contained in, ours.
fn trap_matches(actual: &str, expected: &str) -> bool {
    actual.contains(expected)
        || expected.starts_with(actual)
        || (expected == "unreachable" && actual.starts_with("unreachable"))
}
