//! One LLVM module under construction (a "unit": one partition of functions, or the module unit
//! with the descriptor and init code) and the declarations every translator in it shares.

use super::runtime_fns::{RtType, RuntimeFn};
use crate::abi::ContextLayout;
use crate::error::Result;
use crate::module::{FuncType, ModuleInfo, ValType};
use crate::CodegenOptions;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::context::Context;
use inkwell::intrinsics::Intrinsic;
use inkwell::module::{Linkage, Module};
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum, FunctionType};
use inkwell::values::{FunctionValue, GlobalValue};
use inkwell::AddressSpace;

/// The section all generated code goes into, so the runtime can tell its program counters apart. ELF
/// linkers define `__start_w2n_code` / `__stop_w2n_code` around it; Mach-O's ld64 defines
/// `section$start$__TEXT$__w2n_code` / `section$end$...`.
pub const CODE_SECTION: &str = "w2n_code";
const MACHO_CODE_SECTION: &str = "__TEXT,__w2n_code,regular,pure_instructions";

/// The symbols that bound the code section, (start, end), for the target's object format.
pub fn code_section_bounds(os: crate::target::Os) -> (String, String) {
    match os {
        crate::target::Os::Linux => (format!("__start_{CODE_SECTION}"), format!("__stop_{CODE_SECTION}")),
        crate::target::Os::MacOs => ("section$start$__TEXT$__w2n_code".into(), "section$end$__TEXT$__w2n_code".into()),
    }
}

pub struct Unit<'ctx, 'm> {
    pub llcx: &'ctx Context,
    pub module: Module<'ctx>,
    pub info: &'m ModuleInfo<'m>,
    pub layout: &'m ContextLayout,
    pub opts: &'m CodegenOptions,
    /// The next `!w2n.load` id (`kept_loads.rs`).
    pub next_load_id: std::cell::Cell<u32>,
    /// Whether tagged loads are built volatile: the back end of -O0 (also -O1's quick tier) drops a
    /// load whose value folds away during instruction selection, after `kept_loads` checked.
    pub volatile_loads: bool,
}

impl<'ctx, 'm> Unit<'ctx, 'm> {
    pub fn new(
        llcx: &'ctx Context,
        name: &str,
        info: &'m ModuleInfo<'m>,
        layout: &'m ContextLayout,
        opts: &'m CodegenOptions,
    ) -> Self {
        let module = llcx.create_module(name);
        if let Some(abi) = &opts.target.abi {
            // RISC-V: the float ABI (lp64d) is chosen by this module flag.
            module.add_metadata_flag("target-abi", inkwell::module::FlagBehavior::Error, llcx.metadata_string(abi));
        }
        let volatile_loads = opts.opt_level == crate::OptLevel::O0;
        Unit { llcx, module, info, layout, opts, next_load_id: std::cell::Cell::new(0), volatile_loads }
    }

    pub fn ptr(&self) -> inkwell::types::PointerType<'ctx> {
        self.llcx.ptr_type(AddressSpace::default())
    }

    pub fn llvm_type(&self, t: ValType) -> BasicTypeEnum<'ctx> {
        match t {
            ValType::I32 => self.llcx.i32_type().into(),
            ValType::I64 => self.llcx.i64_type().into(),
            ValType::F32 => self.llcx.f32_type().into(),
            ValType::F64 => self.llcx.f64_type().into(),
            // Like `v128_t` of clang's wasm_simd128.h; SIMD operators bitcast to their lane shape.
            ValType::V128 => self.llcx.i32_type().vec_type(4).into(),
            ValType::FuncRef | ValType::ExternRef | ValType::ExnRef | ValType::AnyRef => self.ptr().into(),
        }
    }

    /// A v128 constant from its 16 little-endian bytes, as the canonical `<4 x i32>`.
    pub fn v128_const(&self, bytes: &[u8; 16]) -> inkwell::values::VectorValue<'ctx> {
        let i32t = self.llcx.i32_type();
        let words: Vec<_> = bytes
            .chunks(4)
            .map(|w| i32t.const_int(u32::from_le_bytes([w[0], w[1], w[2], w[3]]) as u64, false))
            .collect();
        inkwell::types::VectorType::const_vector(&words)
    }

    /// Native type of a Wasm function: `R f(ctx, params...)`, a struct for several results.
    pub fn wasm_fn_type(&self, ft: &FuncType) -> FunctionType<'ctx> {
        let mut params: Vec<BasicMetadataTypeEnum> = vec![self.ptr().into()];
        params.extend(ft.params.iter().map(|&t| BasicMetadataTypeEnum::from(self.llvm_type(t))));
        match ft.results.as_slice() {
            [] => self.llcx.void_type().fn_type(&params, false),
            [r] => self.llvm_type(*r).fn_type(&params, false),
            rs => {
                let fields: Vec<BasicTypeEnum> = rs.iter().map(|&t| self.llvm_type(t)).collect();
                self.llcx.struct_type(&fields, false).fn_type(&params, false)
            }
        }
    }

    pub fn func_symbol(&self, index: u32) -> String {
        format!("{}_f{index}", self.opts.prefix)
    }

    pub fn data_symbol(&self, index: u32) -> String {
        format!("{}_d{index}", self.opts.prefix)
    }

    /// The defined Wasm function `index`, declared here if another unit defines it.
    pub fn wasm_function(&self, index: u32) -> FunctionValue<'ctx> {
        let name = self.func_symbol(index);
        if let Some(f) = self.module.get_function(&name) {
            return f;
        }
        let f = self.module.add_function(&name, self.wasm_fn_type(self.info.func_type(index)), Some(Linkage::External));
        f.as_global_value().set_visibility(inkwell::GlobalVisibility::Hidden);
        self.set_context_param_attributes(f);
        f
    }

    /// What every function may assume of its context pointer `ctx` (parameter 0): a live, aligned
    /// `ContextLayout::size`-byte block. Dereferenceable lets LLVM hoist context loads (globals,
    /// memory base) out of conditional code. Not `noalias`: a call through a table or an import
    /// can reach the same instance through a context pointer loaded from memory.
    fn set_context_param_attributes(&self, f: FunctionValue<'ctx>) {
        let attr =
            |name: &str, value: u64| self.llcx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), value);
        f.add_attribute(AttributeLoc::Param(0), attr("nonnull", 0));
        f.add_attribute(AttributeLoc::Param(0), attr("noundef", 0));
        f.add_attribute(AttributeLoc::Param(0), attr("align", 8));
        f.add_attribute(AttributeLoc::Param(0), attr("dereferenceable", self.layout.size as u64));
    }

    /// The bytes of data segment `index` (defined in the module unit, declared elsewhere).
    pub fn data_segment(&self, index: u32) -> GlobalValue<'ctx> {
        let name = self.data_symbol(index);
        if let Some(g) = self.module.get_global(&name) {
            return g;
        }
        let bytes = self.info.datas[index as usize].bytes;
        let ty = self.llcx.i8_type().array_type(bytes.len() as u32);
        let g = self.module.add_global(ty, None, &name);
        g.set_visibility(inkwell::GlobalVisibility::Hidden);
        g.set_constant(true);
        g
    }

    /// `w2n_handler_top`, the runtime's thread-local top of the exception handler stack
    /// (`w2n_runtime.h`), declared on first use.
    pub fn handler_top(&self) -> GlobalValue<'ctx> {
        const NAME: &str = "w2n_handler_top";
        if let Some(g) = self.module.get_global(NAME) {
            return g;
        }
        let g = self.module.add_global(self.ptr(), None, NAME);
        g.set_linkage(Linkage::External);
        g.set_thread_local(true);
        g
    }

    /// A function of `runtime-lib` (or libc) that generated code calls, declared on first use from
    /// its entry in `runtime_fns.rs`.
    pub fn runtime_fn(&self, rf: RuntimeFn) -> FunctionValue<'ctx> {
        if let Some(f) = self.module.get_function(rf.name()) {
            return f;
        }
        let param = |t: RtType| -> BasicMetadataTypeEnum<'ctx> {
            match t {
                RtType::I32 => self.llcx.i32_type().into(),
                RtType::I64 => self.llcx.i64_type().into(),
                RtType::Ptr => self.ptr().into(),
                RtType::Void => unreachable!("runtime_fns.rs refuses void parameters at compile time"),
            }
        };
        let params: Vec<BasicMetadataTypeEnum> = rf.params().iter().map(|&t| param(t)).collect();
        let ty = match rf.result() {
            RtType::Void => self.llcx.void_type().fn_type(&params, false),
            RtType::I32 => self.llcx.i32_type().fn_type(&params, false),
            RtType::I64 => self.llcx.i64_type().fn_type(&params, false),
            RtType::Ptr => self.ptr().fn_type(&params, false),
        };
        let f = self.module.add_function(rf.name(), ty, Some(Linkage::External));
        for attr in rf.attrs() {
            f.add_attribute(AttributeLoc::Function, self.enum_attr(attr.llvm_name()));
        }
        f
    }

    pub fn intrinsic(&self, name: &str, types: &[BasicTypeEnum<'ctx>]) -> Result<FunctionValue<'ctx>> {
        Intrinsic::find(name)
            .and_then(|i| i.get_declaration(&self.module, types))
            .ok_or_else(|| crate::error::internal(format!("intrinsic {name} not found")))
    }

    pub fn enum_attr(&self, name: &str) -> Attribute {
        self.llcx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), 0)
    }

    /// Attributes every generated function carries.
    pub fn set_function_attributes(&self, f: FunctionValue<'ctx>) {
        f.add_attribute(AttributeLoc::Function, self.enum_attr("nounwind"));
        // Frame pointers let the runtime walk the stack for trap backtraces.
        f.add_attribute(AttributeLoc::Function, self.llcx.create_string_attribute("frame-pointer", "all"));
        // Wasm has no implicit tail calls: turning recursion into loops or jumps would hide stack
        // exhaustion (an infinite recursion must trap, not spin).
        f.add_attribute(AttributeLoc::Function, self.llcx.create_string_attribute("disable-tail-calls", "true"));
        if let Some(cpu) = &self.opts.target.cpu {
            f.add_attribute(AttributeLoc::Function, self.llcx.create_string_attribute("target-cpu", cpu));
        }
        if let Some(tune) = &self.opts.target.tune_cpu {
            f.add_attribute(AttributeLoc::Function, self.llcx.create_string_attribute("tune-cpu", tune));
        }
        if !self.opts.target.features.is_empty() {
            f.add_attribute(
                AttributeLoc::Function,
                self.llcx.create_string_attribute("target-features", &self.opts.target.features),
            );
        }
    }

    /// Attributes of a translated Wasm function, which also goes into the code section: the runtime
    /// attributes program counters there to Wasm functions (trampolines and init stay outside, so
    /// backtraces stop at the host boundary).
    pub fn set_wasm_function_attributes(&self, f: FunctionValue<'ctx>) {
        self.set_function_attributes(f);
        f.set_section(Some(match self.opts.target.os {
            crate::target::Os::Linux => CODE_SECTION,
            crate::target::Os::MacOs => MACHO_CODE_SECTION,
        }));
    }

    /// Runs LLVM's verifier. A failure is a compiler bug, an internal error naming the first Wasm
    /// function that fails verification on its own (the search runs only on failure).
    pub fn verify(&self) -> Result<()> {
        self.module.verify().map_err(|e| {
            let err = crate::error::internal(format!("LLVM verification failed: {}", e.to_string().trim()));
            let defined = self.info.num_imported_funcs..self.info.num_imported_funcs + self.info.num_defined_funcs();
            match defined.into_iter().find(|&i| {
                let f = self.module.get_function(&self.func_symbol(i));
                f.is_some_and(|f| f.count_basic_blocks() > 0 && !f.verify(false))
            }) {
                Some(i) => err.in_function(i, || self.info.display_name(i)),
                None => err,
            }
        })
    }
}

/// Metadata kind id by name (for `!invariant.load`).
pub fn md_kind(llcx: &Context, name: &str) -> u32 {
    llcx.get_kind_id(name)
}

pub fn basic_types<'ctx>(u: &Unit<'ctx, '_>, ts: &[ValType]) -> Vec<BasicTypeEnum<'ctx>> {
    ts.iter().map(|&t| u.llvm_type(t)).collect()
}

pub fn zero_value<'ctx>(u: &Unit<'ctx, '_>, t: ValType) -> inkwell::values::BasicValueEnum<'ctx> {
    match t {
        ValType::FuncRef | ValType::ExternRef | ValType::ExnRef | ValType::AnyRef => u.ptr().const_null().into(),
        _ => u.llvm_type(t).const_zero(),
    }
}
