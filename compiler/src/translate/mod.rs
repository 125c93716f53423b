//! Translation of one Wasm function body to LLVM IR.
//!
//! `FuncTranslator` holds the per-function state (value stack, control frames, reachability, the
//! builder, the instance's context pointer `ctx`); `Unit` holds what the whole LLVM module shares.
//! `translate_operator` is a thin dispatcher: `ops.rs` gives each operator its family (checked
//! against wasmparser's operator list at build time), and each family lives in its own file.
//!
//! Invariant: no Wasm trap relies on LLVM undefined behaviour. Every trapping operation branches to
//! `trap_block(kind)`, which calls the noreturn runtime entry `w2n_trap`.

mod analyses;
mod atomic;
mod call;
mod control;
mod conversion;
mod exact_float;
mod exception;
mod gc;
mod guest_control;
mod landing_reads;
mod legacy_exception;
mod memory;
mod numeric;
mod ops;
mod runtime_call;
mod shadow_locals;
mod simd;
mod simd_arith;
mod simd_convert;
mod simd_memory;
mod simd_relaxed;
mod simd_target;
mod table;
mod variable;

use crate::abi;
use crate::error::{CompileError, Result};
use crate::ir::cells;
use crate::ir::runtime_fns::RuntimeFn;
use crate::ir::unit::{md_kind, zero_value, Unit};
use crate::trap::Trap;
use analyses::{address_sums, counted_loops};
use control::Frame;
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::types::{BasicTypeEnum, IntType};
use inkwell::values::{
    BasicValue, BasicValueEnum, FloatValue, FunctionValue, InstructionValue, IntValue, PointerValue, VectorValue,
};
use inkwell::IntPredicate;
use ops::Family;
use std::collections::BTreeMap;
use wasmparser::{FunctionBody, Operator};

pub struct FuncTranslator<'u, 'ctx, 'm> {
    unit: &'u Unit<'ctx, 'm>,
    builder: Builder<'ctx>,
    func: FunctionValue<'ctx>,
    /// The instance's context pointer, parameter 0 of every function (`w2n_instance *ctx`).
    ctx: PointerValue<'ctx>,
    locals: Vec<(PointerValue<'ctx>, BasicTypeEnum<'ctx>)>,
    stack: Vec<BasicValueEnum<'ctx>>,
    frames: Vec<Frame<'ctx>>,
    /// False after an unconditional branch until the end of the enclosing construct.
    reachable: bool,
    /// Blocks opened inside unreachable code, skipped until their `end`.
    dead_depth: u32,
    trap_blocks: BTreeMap<Trap, BasicBlock<'ctx>>,
    /// The function has a try_table or a legacy try, so it calls `_setjmp`: the locals a landing
    /// can read have shadows (`shadow_locals.rs`), and its tail calls are not `musttail` (see
    /// `call.rs`).
    has_try_table: bool,
    /// Per local, its shadow in a function with a try (`shadow_locals.rs`).
    shadows: Vec<Option<shadow_locals::Shadow<'ctx>>>,
    /// Per try (by the index of its opener), the locals its landing reloads from their shadows.
    landing_locals: std::collections::HashMap<usize, Vec<u32>>,
    /// A function with a try whose locals all stay in memory instead (`shadow_locals.rs`).
    locals_in_memory: bool,
    /// The legacy `try` blocks open around the current operator, innermost last.
    tries: Vec<legacy_exception::OpenTry<'ctx>>,
    /// The frame slots of exception handlers, one per nesting depth (`exception.rs`).
    handler_slots: Vec<PointerValue<'ctx>>,
    /// How many try_tables and legacy tries were entered so far (each tags its slot's copy).
    tries_entered: u32,
    /// The analyses woven through lowering, reached only through their hooks (`analyses.rs`).
    analyses: analyses::Analyses<'ctx>,
    /// `--fuel`: per operator index, the cost of the piece starting there (`guest_control.rs`).
    fuel_costs: Vec<u64>,
    /// The index of the operator being translated.
    op_at: usize,
}

/// A value of the kind the caller expects, or an internal error naming what it got.
fn kind_error(expected: &str, v: BasicValueEnum<'_>) -> CompileError {
    crate::error::internal(format!("expected {expected} value, got {}", v.get_type().print_to_string()))
}

fn int_value(v: BasicValueEnum<'_>) -> Result<IntValue<'_>> {
    match v {
        BasicValueEnum::IntValue(i) => Ok(i),
        other => Err(kind_error("an integer", other)),
    }
}

fn float_value(v: BasicValueEnum<'_>) -> Result<FloatValue<'_>> {
    match v {
        BasicValueEnum::FloatValue(f) => Ok(f),
        other => Err(kind_error("a float", other)),
    }
}

fn ptr_value(v: BasicValueEnum<'_>) -> Result<PointerValue<'_>> {
    match v {
        BasicValueEnum::PointerValue(p) => Ok(p),
        other => Err(kind_error("a pointer", other)),
    }
}

fn vector_value(v: BasicValueEnum<'_>) -> Result<VectorValue<'_>> {
    match v {
        BasicValueEnum::VectorValue(x) => Ok(x),
        other => Err(kind_error("a vector", other)),
    }
}

/// An error LLVM's builder reported (setting an attribute it refused), as an internal error.
fn llvm(e: impl std::fmt::Display) -> CompileError {
    crate::error::internal(e.to_string())
}

/// The entities whose records the context holds for defined ones (`FuncTranslator::entity_ptr`).
#[derive(Clone, Copy)]
enum Entity {
    Memory,
    Table,
    Global,
}

/// The instruction behind a value the translator just built (a load, a call).
fn instruction(v: BasicValueEnum<'_>) -> Result<InstructionValue<'_>> {
    v.as_instruction_value().ok_or_else(|| crate::error::internal("instruction expected"))
}

/// Translates function `index` (a defined function) of the unit's module into its LLVM function.
pub fn translate_function(unit: &Unit<'_, '_>, index: u32, body: &FunctionBody<'_>) -> Result<()> {
    let func = unit.wasm_function(index);
    unit.set_wasm_function_attributes(func);
    let mut t = FuncTranslator::new(unit, func)?;
    t.translate_body(index, body).map_err(|e| match e {
        CompileError::Unsupported(m) => {
            CompileError::Unsupported(format!("{m} in function {index} ({})", unit.info.display_name(index)))
        }
        other => other,
    })
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    fn new(unit: &'u Unit<'ctx, 'm>, func: FunctionValue<'ctx>) -> Result<Self> {
        let builder = unit.llcx.create_builder();
        let entry = unit.llcx.append_basic_block(func, "entry");
        builder.position_at_end(entry);
        let ctx = ptr_value(func.get_nth_param(0).ok_or_else(|| crate::error::internal("no ctx parameter"))?)?;
        Ok(FuncTranslator {
            unit,
            builder,
            func,
            ctx,
            locals: Vec::new(),
            stack: Vec::new(),
            frames: Vec::new(),
            reachable: true,
            dead_depth: 0,
            trap_blocks: BTreeMap::new(),
            has_try_table: false,
            shadows: Vec::new(),
            landing_locals: Default::default(),
            locals_in_memory: false,
            tries: Vec::new(),
            handler_slots: Vec::new(),
            tries_entered: 0,
            analyses: Default::default(),
            fuel_costs: Vec::new(),
            op_at: 0,
        })
    }

    fn translate_body(&mut self, index: u32, body: &FunctionBody<'_>) -> Result<()> {
        let ft = self.unit.info.func_type(index).clone();
        // Parameters and locals live in allocas; mem2reg turns them into SSA values.
        for (i, &t) in ft.params.iter().enumerate() {
            let ty = self.unit.llvm_type(t);
            let slot = self.builder.build_alloca(ty, "param")?;
            let v = self.func.get_nth_param(i as u32 + 1).ok_or_else(|| crate::error::internal("missing parameter"))?;
            self.builder.build_store(slot, v)?;
            self.locals.push((slot, ty));
        }
        let locals_reader = body.get_locals_reader().map_err(|e| CompileError::Malformed(e.to_string()))?;
        for local in locals_reader {
            let (count, t) = local.map_err(|e| CompileError::Malformed(e.to_string()))?;
            let t = self.unit.info.val_type(t)?;
            let ty = self.unit.llvm_type(t);
            for _ in 0..count {
                let slot = self.builder.build_alloca(ty, "local")?;
                self.builder.build_store(slot, zero_value(self.unit, t))?;
                self.locals.push((slot, ty));
            }
        }
        let i32t = self.unit.llcx.i32_type();
        let is_i32: Vec<bool> = self.locals.iter().map(|&(_, ty)| ty == i32t.into()).collect();
        let mut reader = body.get_operators_reader().map_err(|e| CompileError::Malformed(e.to_string()))?;
        let mut ops = Vec::new();
        while !reader.eof() {
            ops.push(reader.read().map_err(|e| CompileError::Malformed(e.to_string()))?);
        }
        let mut scan = prescan(&ops, &is_i32)?;
        self.has_try_table = scan.has_try_table;
        let shadows = std::mem::take(&mut scan.shadows);
        self.function_entered(scan)?;
        self.make_shadows(shadows)?;
        self.stack_check()?;
        self.control_prepare(&ops)?;
        self.push_function_frame(&ft.results)?;
        let mut at = 0;
        while at < ops.len() {
            at = match self.versioned_loop(&ops, at)? {
                Some(next) => next,
                None => {
                    self.op_at = at;
                    self.translate_operator(&ops[at])?;
                    at + 1
                }
            };
        }
        Ok(())
    }

    /// Traps with "call stack exhausted" when the stack pointer is below the store's limit.
    fn stack_check(&mut self) -> Result<()> {
        let p = self.unit.ptr();
        let store = self.load_invariant(p.into(), self.ctx, abi::CTX_STORE)?.into_pointer_value();
        let limit = self.load_at(self.unit.llcx.i64_type().into(), store, abi::STORE_STACK_LIMIT)?;
        let limit = limit.into_int_value();
        let stacksave = self.unit.intrinsic("llvm.stacksave", &[p.into()])?;
        let sp = self.call_value(stacksave, &[])?.into_pointer_value();
        let sp = self.builder.build_ptr_to_int(sp, self.unit.llcx.i64_type(), "sp")?;
        let exhausted = self.builder.build_int_compare(IntPredicate::ULT, sp, limit, "stack_exhausted")?;
        self.trap_if(exhausted, Trap::StackExhausted)
    }

    /// Dispatches one operator to its family's translator (`ops.rs`).
    fn translate_operator(&mut self, op: &Operator<'_>) -> Result<()> {
        if self.reachable {
            self.operator_reached(op)?;
            self.dispatch(op)?;
        } else {
            self.skip_unreachable(op)?;
        }
        self.control_after(op)
    }

    fn dispatch(&mut self, op: &Operator<'_>) -> Result<()> {
        match ops::family(op) {
            Family::Control => self.translate_control(op),
            Family::Exception => self.translate_exception(op),
            Family::Call => self.translate_call(op),
            Family::Variable => self.translate_variable(op),
            Family::Memory => self.translate_memory(op),
            Family::Table => self.translate_table(op),
            Family::Gc => self.translate_gc(op),
            Family::Conversion => self.translate_conversion(op),
            Family::Numeric => self.translate_numeric(op),
            Family::Atomic => self.translate_atomic(op),
            Family::SimdLanes => self.simd_lanes(op),
            Family::SimdMemory => self.simd_memory(op),
            Family::SimdArith => self.simd_arith(op),
            Family::SimdConvert => self.simd_convert(op),
            Family::SimdRelaxed => self.simd_relaxed(op),
            Family::Unsupported(proposal) => {
                crate::error::unsupported(format!("instruction `{}` ({proposal})", ops::name(op)))
            }
        }
    }

    /// In unreachable code only the block structure matters: what opens a construct, and at
    /// depth 0 what begins a live construct's next arm or ends it.
    fn skip_unreachable(&mut self, op: &Operator<'_>) -> Result<()> {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => self.dead_depth += 1,
            Operator::Else | Operator::End if self.dead_depth == 0 => return self.translate_control(op),
            Operator::Catch { .. } | Operator::CatchAll | Operator::Delegate { .. } if self.dead_depth == 0 => {
                return self.translate_exception(op)
            }
            // `delegate` ends a try as `end` does.
            Operator::End | Operator::Delegate { .. } => self.dead_depth -= 1,
            _ => {}
        }
        Ok(())
    }

    // ---- value stack ----

    fn push(&mut self, v: impl BasicValue<'ctx>) {
        self.stack.push(v.as_basic_value_enum());
    }

    // A validated module never underflows the stack nor finds a value of the wrong kind: if the
    // translator's stack disagrees with the validator's, that is an internal error, not a panic
    // (inkwell's `into_int_value()` and friends panic on the wrong kind).

    fn pop(&mut self) -> Result<BasicValueEnum<'ctx>> {
        self.stack.pop().ok_or_else(|| crate::error::internal("value stack underflow"))
    }

    fn pop_int(&mut self) -> Result<IntValue<'ctx>> {
        int_value(self.pop()?)
    }

    /// The integer on top of the stack, left there.
    fn peek_int(&self) -> Result<IntValue<'ctx>> {
        int_value(*self.stack.last().ok_or_else(|| crate::error::internal("value stack empty"))?)
    }

    fn pop_float(&mut self) -> Result<FloatValue<'ctx>> {
        float_value(self.pop()?)
    }

    fn pop_ptr(&mut self) -> Result<PointerValue<'ctx>> {
        ptr_value(self.pop()?)
    }

    fn pop_vector(&mut self) -> Result<VectorValue<'ctx>> {
        vector_value(self.pop()?)
    }

    fn pop_n(&mut self, n: usize) -> Result<Vec<BasicValueEnum<'ctx>>> {
        if self.stack.len() < n {
            return Err(crate::error::internal("value stack underflow"));
        }
        Ok(self.stack.split_off(self.stack.len() - n))
    }

    fn peek_n(&self, n: usize) -> Result<Vec<BasicValueEnum<'ctx>>> {
        match self.stack.len().checked_sub(n) {
            Some(from) => Ok(self.stack[from..].to_vec()),
            None => Err(crate::error::internal("value stack underflow")),
        }
    }

    /// The block the builder is in (it always is, between operators).
    fn current_block(&self) -> Result<BasicBlock<'ctx>> {
        self.builder.get_insert_block().ok_or_else(|| crate::error::internal("builder not positioned in a block"))
    }

    // ---- traps ----

    /// Branches to the trap `kind` when `cond` is true; continues in a fresh block otherwise.
    fn trap_if(&mut self, cond: IntValue<'ctx>, kind: Trap) -> Result<()> {
        let trap = self.trap_block(kind)?;
        let cont = self.unit.llcx.append_basic_block(self.func, "ok");
        self.builder.build_conditional_branch(cond, trap, cont)?;
        self.builder.position_at_end(cont);
        Ok(())
    }

    /// Raises `kind` unconditionally; the code after it is unreachable.
    fn trap_now(&mut self, kind: Trap) -> Result<()> {
        let trap = self.trap_block(kind)?;
        self.builder.build_unconditional_branch(trap)?;
        self.reachable = false;
        Ok(())
    }

    /// One cold block per trap kind per function: `w2n_trap(ctx, code)` then `unreachable` (sound:
    /// `w2n_trap` never returns).
    fn trap_block(&mut self, kind: Trap) -> Result<BasicBlock<'ctx>> {
        if let Some(&bb) = self.trap_blocks.get(&kind) {
            return Ok(bb);
        }
        let here = self.builder.get_insert_block();
        let bb = self.unit.llcx.append_basic_block(self.func, "trap");
        self.builder.position_at_end(bb);
        let code = self.unit.llcx.i32_type().const_int(kind.code() as u64, false);
        self.builder.build_call(self.unit.runtime_fn(RuntimeFn::Trap), &[self.ctx.into(), code.into()], "")?;
        self.builder.build_unreachable()?;
        if let Some(here) = here {
            self.builder.position_at_end(here);
        }
        self.trap_blocks.insert(kind, bb);
        Ok(bb)
    }

    // ---- context access ----

    fn gep(&self, base: PointerValue<'ctx>, offset: IntValue<'ctx>) -> Result<PointerValue<'ctx>> {
        cells::byte_offset(self.unit.llcx, &self.builder, base, offset)
    }

    fn gep_const(&self, base: PointerValue<'ctx>, offset: u64) -> Result<PointerValue<'ctx>> {
        if offset == 0 {
            return Ok(base);
        }
        self.gep(base, self.unit.llcx.i64_type().const_int(offset, false))
    }

    fn load_at(&self, ty: BasicTypeEnum<'ctx>, base: PointerValue<'ctx>, offset: u32) -> Result<BasicValueEnum<'ctx>> {
        let p = self.gep_const(base, offset as u64)?;
        Ok(self.builder.build_load(ty, p, "")?)
    }

    /// `ptr` through an empty inline asm that returns its operand, which LLVM cannot see through;
    /// copies with different `tag`s differ (an unused immediate operand). It reads no memory.
    fn opaque_copy(&mut self, ptr: PointerValue<'ctx>, tag: u32) -> Result<PointerValue<'ctx>> {
        use inkwell::attributes::{Attribute, AttributeLoc};
        let cx = self.unit.llcx;
        let i32t = cx.i32_type();
        let fty = self.unit.ptr().fn_type(&[self.unit.ptr().into(), i32t.into()], false);
        let asm = cx.create_inline_asm(fty, String::new(), "=r,0,i".into(), false, false, None, false);
        let call = self.builder.build_indirect_call(fty, asm, &[ptr.into(), self.i32_const(tag as u64).into()], "")?;
        for (name, value) in [("nounwind", 0), ("willreturn", 0), ("memory", 0)] {
            let attr = cx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), value);
            call.add_attribute(AttributeLoc::Function, attr);
        }
        Ok(call.try_as_basic_value().basic().expect("asm returns a pointer").into_pointer_value())
    }

    fn store_at(&self, base: PointerValue<'ctx>, offset: u32, value: BasicValueEnum<'ctx>) -> Result<()> {
        self.builder.build_store(self.gep_const(base, offset as u64)?, value)?;
        Ok(())
    }

    /// A load of something that never changes for the life of the instance (context slots, memory
    /// bases), marked `!invariant.load` so LLVM may hoist and merge it.
    fn load_invariant(
        &self,
        ty: BasicTypeEnum<'ctx>,
        base: PointerValue<'ctx>,
        offset: u32,
    ) -> Result<BasicValueEnum<'ctx>> {
        let v = self.load_at(ty, base, offset)?;
        if let Some(inst) = v.as_instruction_value() {
            let md = self.unit.llcx.metadata_node(&[]);
            inst.set_metadata(md, md_kind(self.unit.llcx, "invariant.load"))
                .map_err(|e| crate::error::internal(e.to_string()))?;
        }
        Ok(v)
    }

    /// Loads a value of type `ty` from a `w2n_value` cell (`ir::cells`).
    fn load_cell(&self, ty: BasicTypeEnum<'ctx>, cell: PointerValue<'ctx>) -> Result<BasicValueEnum<'ctx>> {
        cells::load_cell(&self.builder, ty, cell)
    }

    /// Stores `v` into a `w2n_value` cell (see `load_cell`).
    fn store_cell(&self, cell: PointerValue<'ctx>, v: BasicValueEnum<'ctx>) -> Result<()> {
        cells::store_cell(&self.builder, cell, v)
    }

    /// The pointer stored in context slot `region + 8 * index` (memories, tables, globals, funcs).
    fn ctx_slot(&self, region: u32, index: u32) -> Result<PointerValue<'ctx>> {
        Ok(self.load_invariant(self.unit.ptr().into(), self.ctx, region + 8 * index)?.into_pointer_value())
    }

    /// The record of memory, table or global `index` (`which`). A defined one lives in the
    /// context itself, where the instantiation points its slot (`runtime-lib/src/instance.c`),
    /// so its address needs no load: one fewer dependent load at every function entry that uses
    /// the memory base, the shadow stack pointer or a table.
    fn entity_ptr(&self, which: Entity, index: u32) -> Result<PointerValue<'ctx>> {
        let (info, layout) = (&self.unit.info, &self.unit.layout);
        let (slots, defined, size, imported) = match which {
            Entity::Memory => (layout.memories, layout.def_memories, abi::SIZEOF_MEMORY, info.num_imported_memories),
            Entity::Table => (layout.tables, layout.def_tables, abi::SIZEOF_TABLE, info.num_imported_tables),
            Entity::Global => (layout.globals, layout.def_globals, abi::SIZEOF_VALUE, info.num_imported_globals),
        };
        match index.checked_sub(imported) {
            Some(d) => self.gep_const(self.ctx, defined as u64 + d as u64 * size as u64),
            None => self.ctx_slot(slots, index),
        }
    }

    fn call_value(
        &self,
        f: FunctionValue<'ctx>,
        args: &[inkwell::values::BasicMetadataValueEnum<'ctx>],
    ) -> Result<BasicValueEnum<'ctx>> {
        self.builder
            .build_call(f, args, "")?
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| crate::error::internal("call returned void"))
    }

    fn i32_const(&self, v: u64) -> IntValue<'ctx> {
        self.unit.llcx.i32_type().const_int(v, false)
    }

    fn i64_const(&self, v: u64) -> IntValue<'ctx> {
        self.unit.llcx.i64_type().const_int(v, false)
    }

    /// `iBITS`: the widths of atomic accesses, SIMD lane masks (2 to 16 bits) and intermediate lanes.
    fn int_type(&self, bits: u32) -> IntType<'ctx> {
        let bits = std::num::NonZeroU32::new(bits).expect("a non-zero width");
        self.unit.llcx.custom_width_int_type(bits).expect("a width LLVM accepts")
    }

    /// Turns an i1 into Wasm's i32 boolean.
    fn bool_to_i32(&self, v: IntValue<'ctx>) -> Result<IntValue<'ctx>> {
        Ok(self.builder.build_int_z_extend(v, self.unit.llcx.i32_type(), "")?)
    }
}

/// What the translator needs to know of a body before translating it, from one pass over its
/// operators.
struct BodyScan {
    /// A `try_table` or a legacy `try` is present (see `FuncTranslator::has_try_table`).
    has_try_table: bool,
    /// Per local, whether some `local.get` reads it (a `local.set` of any other discards a value).
    locals_read: Vec<bool>,
    /// In a function with a try, which locals have shadows (`shadow_locals.rs`).
    shadows: shadow_locals::ShadowPlan,
    /// The sums of two locals that loops compute (`address_sums.rs`).
    sums: Vec<address_sums::SumShape>,
    /// The loops to version, by the index of their `loop` operator (`versioning.rs`).
    versioned: std::collections::BTreeMap<usize, address_sums::VersionedLoop>,
    /// The innermost loops with a counted exit, by the index of their `loop` operator: the
    /// index of their `end` and the exit (`counted_loops.rs`).
    counted: std::collections::BTreeMap<usize, (usize, counted_loops::CountedExit)>,
}

fn prescan(ops: &[Operator<'_>], is_i32: &[bool]) -> Result<BodyScan> {
    use address_sums::Op;
    let mut scan = BodyScan {
        has_try_table: false,
        locals_read: vec![false; is_i32.len()],
        shadows: Default::default(),
        sums: Vec::new(),
        versioned: Default::default(),
        counted: Default::default(),
    };
    let mut finder = address_sums::SumFinder::default();
    // Per open construct, whether it is a loop.
    let mut loops = Vec::new();
    // Per open loop, the index of its `loop` and whether it contains another.
    let mut open_loops: Vec<(usize, bool)> = Vec::new();
    let is_i32 = |l: u32| is_i32.get(l as usize).copied().unwrap_or(false);
    for (at, op) in ops.iter().enumerate() {
        let seen = match *op {
            Operator::TryTable { .. } | Operator::Try { .. } => {
                scan.has_try_table = true;
                loops.push(false);
                Op::Other
            }
            Operator::Block { .. } | Operator::If { .. } => {
                loops.push(false);
                Op::Other
            }
            Operator::Loop { .. } => {
                loops.push(true);
                finder.enter_loop(at);
                if let Some(outer) = open_loops.last_mut() {
                    outer.1 = true;
                }
                open_loops.push((at, false));
                Op::Other
            }
            Operator::End | Operator::Delegate { .. } => {
                let was_loop = loops.pop().unwrap_or(false);
                finder.end(at, was_loop);
                if was_loop {
                    if let Some((start, false)) = open_loops.pop() {
                        if let Some(exit) = counted_loops::find(ops, start, at, is_i32) {
                            scan.counted.insert(start, (at, exit));
                        }
                    }
                }
                Op::Other
            }
            Operator::LocalGet { local_index } => {
                if let Some(r) = scan.locals_read.get_mut(local_index as usize) {
                    *r = true;
                }
                Op::Get(local_index)
            }
            Operator::LocalSet { local_index } => Op::Set(local_index),
            Operator::LocalTee { local_index } => Op::Tee(local_index),
            Operator::I32Const { value } => Op::Const(value),
            Operator::I32Shl => Op::Shl,
            Operator::I32Mul => Op::Mul,
            Operator::I32Add => Op::Add,
            Operator::I32Sub => Op::Sub,
            _ => Op::Other,
        };
        finder.push(seen, is_i32);
    }
    scan.sums = finder.found;
    scan.versioned = finder.versioned;
    if scan.has_try_table {
        scan.shadows = shadow_locals::ShadowPlan::new(ops, scan.locals_read.len());
    }
    Ok(scan)
}
