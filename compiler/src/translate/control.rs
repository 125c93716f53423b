//! Structured control flow: blocks, loops, if/else, branches, return, drop and select.
//!
//! Each frame knows where a branch to it goes (a loop's header, else the block's end) and collects the
//! values arriving there; at `end` they become phi nodes. A branch to a loop feeds the header's phis.

use super::analyses::{AtConstruct, EndEdges};
use super::FuncTranslator;
use crate::abi;
use crate::error::{internal, CompileError, Result};
use crate::module::ValType;
use crate::trap::Trap;
use inkwell::basic_block::BasicBlock;
use inkwell::values::{BasicValue, BasicValueEnum, PhiValue, PointerValue};
use inkwell::IntPredicate;
use wasmparser::{BlockType, Operator};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    /// An `if` whose `else` has been seen.
    Else,
}

pub(super) struct Frame<'ctx> {
    kind: FrameKind,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// Stack height below the frame's parameters.
    height: usize,
    end_block: BasicBlock<'ctx>,
    /// Values arriving at `end_block`, with the block each comes from.
    incoming: Vec<(Vec<BasicValueEnum<'ctx>>, BasicBlock<'ctx>)>,
    /// Loop header and its parameter phis.
    header: Option<(BasicBlock<'ctx>, Vec<PhiValue<'ctx>>)>,
    /// For `if`: the else block and the parameters the else arm starts with; none when the
    /// condition was known to be true.
    else_block: Option<(BasicBlock<'ctx>, Vec<BasicValueEnum<'ctx>>)>,
    /// Whether the code just before the construct was reachable (an else arm is reachable iff so).
    reachable_at_start: bool,
    /// The exception handler of a try_table, or of a legacy try's body, popped whenever control
    /// leaves the block (or the body).
    handler: Option<PointerValue<'ctx>>,
    /// The analyses' share (`analyses.rs`).
    pub(super) analyses: AtConstruct,
}

impl<'ctx> Frame<'ctx> {
    /// Values a branch to this frame carries: a loop's parameters, otherwise its results.
    fn branch_arity(&self) -> usize {
        match self.kind {
            FrameKind::Loop => self.params.len(),
            _ => self.results.len(),
        }
    }

    pub(super) fn is_loop(&self) -> bool {
        self.kind == FrameKind::Loop
    }
}

/// The outcome of a branch on `cond` when it is a constant (LLVM's builder folds what it can: a
/// weak symbol's address that the linker resolved to 0, a comparison of constants). Such a branch
/// is decided while translating, and the code it never reaches is skipped like code after a `br`:
/// left to LLVM, its loads would vanish with it and guard mode would optimise the function again
/// for nothing (`codegen/kept_loads.rs`).
pub(super) fn known_condition(cond: inkwell::values::IntValue<'_>) -> Option<bool> {
    cond.get_zero_extended_constant().map(|c| c != 0)
}

fn no_frame() -> CompileError {
    internal("control frame stack underflow")
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// The innermost control frame (there is one until the function's final `end`).
    fn top_frame(&self) -> Result<&Frame<'ctx>> {
        self.frames.last().ok_or_else(no_frame)
    }

    fn top_frame_mut(&mut self) -> Result<&mut Frame<'ctx>> {
        self.frames.last_mut().ok_or_else(no_frame)
    }

    pub(super) fn push_function_frame(&mut self, results: &[ValType]) -> Result<()> {
        let end_block = self.unit.llcx.append_basic_block(self.func, "return");
        self.frames.push(Frame {
            kind: FrameKind::Function,
            params: vec![],
            results: results.to_vec(),
            height: 0,
            end_block,
            incoming: vec![],
            header: None,
            else_block: None,
            reachable_at_start: true,
            handler: None,
            analyses: AtConstruct::default(),
        });
        Ok(())
    }

    pub(super) fn block_signature(&self, bt: BlockType) -> Result<(Vec<ValType>, Vec<ValType>)> {
        Ok(match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (vec![], vec![self.unit.info.val_type(t)?]),
            BlockType::FuncType(i) => {
                let ft = &self.unit.info.types[i as usize];
                (ft.params.clone(), ft.results.clone())
            }
        })
    }

    pub(super) fn translate_control(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::Unreachable => self.trap_now(Trap::Unreachable),
            Operator::Nop => Ok(()),
            Operator::Block { blockty } => self.begin_block(blockty),
            Operator::Loop { blockty } => self.begin_loop(blockty),
            Operator::If { blockty } => self.begin_if(blockty),
            Operator::Else => self.begin_else(),
            Operator::End => self.end_frame(),
            Operator::Br { relative_depth } => {
                self.branch(relative_depth)?;
                self.reachable = false;
                Ok(())
            }
            Operator::BrIf { relative_depth } => self.branch_if(relative_depth),
            Operator::BrOnNull { relative_depth } => self.branch_on_null(relative_depth, true),
            Operator::BrOnNonNull { relative_depth } => self.branch_on_null(relative_depth, false),
            Operator::BrTable { ref targets } => {
                let depths = targets
                    .targets()
                    .collect::<Result<Vec<u32>, _>>()
                    .map_err(|e| CompileError::Malformed(e.to_string()))?;
                self.branch_table(&depths, targets.default())
            }
            Operator::Return => {
                let depth = self.frames.len() as u32 - 1;
                self.branch(depth)?;
                self.reachable = false;
                Ok(())
            }
            Operator::Drop => {
                self.pop()?;
                Ok(())
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop_int()?;
                let b = self.pop()?;
                let a = self.pop()?;
                let c = self.builder.build_int_compare(IntPredicate::NE, cond, self.i32_const(0), "")?;
                let v = self.builder.build_select(c, a, b, "select")?;
                self.push(v);
                Ok(())
            }
            _ => Err(crate::error::internal(format!("not a control operator: {op:?}"))),
        }
    }

    fn new_frame(&mut self, kind: FrameKind, params: Vec<ValType>, results: Vec<ValType>) -> Frame<'ctx> {
        let end_block = self.unit.llcx.append_basic_block(self.func, "end");
        Frame {
            kind,
            height: self.stack.len() - params.len(),
            params,
            results,
            end_block,
            incoming: vec![],
            header: None,
            else_block: None,
            reachable_at_start: self.reachable,
            handler: None,
            analyses: self.construct_entered(),
        }
    }

    pub(super) fn in_loop(&self) -> bool {
        self.frames.iter().any(|f| f.kind == FrameKind::Loop)
    }

    /// Whether `bb` is the header of a loop being translated: its back edges come later, so what
    /// precedes it now is not all that reaches it.
    pub(super) fn is_open_loop_header(&self, bb: BasicBlock<'ctx>) -> bool {
        self.frames.iter().any(|f| f.header.as_ref().is_some_and(|(h, _)| *h == bb))
    }

    /// A try_table's block or a legacy try's: `begin_block`, with `handler` popped whenever control
    /// leaves it.
    pub(super) fn begin_handler_block(&mut self, bt: BlockType, handler: PointerValue<'ctx>) -> Result<()> {
        self.begin_block(bt)?;
        let frame = self.top_frame_mut()?;
        frame.kind = FrameKind::Block;
        frame.handler = Some(handler);
        Ok(())
    }

    pub(super) fn begin_block(&mut self, bt: BlockType) -> Result<()> {
        let (params, results) = self.block_signature(bt)?;
        let frame = self.new_frame(FrameKind::Block, params, results);
        self.frames.push(frame);
        Ok(())
    }

    fn begin_loop(&mut self, bt: BlockType) -> Result<()> {
        let (params, results) = self.block_signature(bt)?;
        let mut frame = self.new_frame(FrameKind::Loop, params.clone(), results);
        let header = self.unit.llcx.append_basic_block(self.func, "loop");
        let here = self.current_block()?;
        let args = self.pop_n(params.len())?;
        self.builder.build_unconditional_branch(header)?;
        self.builder.position_at_end(header);
        let mut phis = Vec::with_capacity(params.len());
        for (&t, v) in params.iter().zip(&args) {
            let phi = self.builder.build_phi(self.unit.llvm_type(t), "loop_param")?;
            phi.add_incoming(&[(v as &dyn BasicValue, here)]);
            self.push(phi.as_basic_value());
            phis.push(phi);
        }
        frame.header = Some((header, phis));
        self.frames.push(frame);
        self.loop_entered();
        Ok(())
    }

    fn begin_if(&mut self, bt: BlockType) -> Result<()> {
        let cond = self.pop_int()?;
        let (params, results) = self.block_signature(bt)?;
        let mut frame = self.new_frame(FrameKind::If, params.clone(), results);
        let taken = known_condition(cond);
        let then_bb = self.unit.llcx.append_basic_block(self.func, "then");
        if taken != Some(true) {
            let else_bb = self.unit.llcx.append_basic_block(self.func, "else");
            frame.else_block = Some((else_bb, self.peek_n(params.len())?));
            match taken {
                Some(_) => self.builder.build_unconditional_branch(else_bb)?,
                None => {
                    let c = self.builder.build_int_compare(IntPredicate::NE, cond, self.i32_const(0), "")?;
                    self.builder.build_conditional_branch(c, then_bb, else_bb)?
                }
            };
        } else {
            self.builder.build_unconditional_branch(then_bb)?;
        }
        self.frames.push(frame);
        self.builder.position_at_end(then_bb);
        if taken == Some(false) {
            // The then arm never runs: skipped like code after a branch.
            self.builder.build_unreachable()?;
            self.reachable = false;
        }
        Ok(())
    }

    fn begin_else(&mut self) -> Result<()> {
        self.end_arm()?;
        let frame = self.top_frame_mut()?;
        if frame.kind != FrameKind::If {
            return Err(internal("`else` outside an `if` frame"));
        }
        frame.kind = FrameKind::Else;
        match frame.else_block.take() {
            Some((else_bb, params)) => {
                self.stack.extend(params);
                self.builder.position_at_end(else_bb);
            }
            // The condition was known to be true: the else arm never runs.
            None => self.reachable = false,
        }
        Ok(())
    }

    /// A `catch` or `catch_all` of a legacy `try` (`legacy_exception.rs`): the arm before it ends,
    /// and the try's handler is no longer active in the catch arms (the runtime popped it when it
    /// delivered the exception), so branches out of them pop nothing.
    pub(super) fn begin_catch_arm(&mut self) -> Result<()> {
        self.end_arm()?;
        self.top_frame_mut()?.handler = None;
        Ok(())
    }

    /// The current arm of the innermost frame (a then-arm, a try body or a catch arm) ends and the
    /// next begins as the frame began: stack cut back to below its parameters, reachable if the
    /// frame's start was, with the address facts of its start.
    fn end_arm(&mut self) -> Result<()> {
        self.dead_depth = 0;
        if self.reachable {
            self.fall_through_to_end()?;
            self.fell_through(self.frames.len() - 1);
        }
        let frame = self.top_frame()?;
        let (height, reachable_at_start) = (frame.height, frame.reachable_at_start);
        self.discard_stack_to(height)?;
        self.reachable = reachable_at_start;
        self.arm_entered()?;
        Ok(())
    }

    /// The current arm ends: its results flow to the frame's end.
    fn fall_through_to_end(&mut self) -> Result<()> {
        if let Some(h) = self.top_frame()?.handler {
            self.pop_handler(h)?;
        }
        let frame = self.top_frame()?;
        let n = frame.results.len();
        let end = frame.end_block;
        let values = self.peek_n(n)?;
        let from = self.current_block()?;
        self.builder.build_unconditional_branch(end)?;
        self.top_frame_mut()?.incoming.push((values, from));
        Ok(())
    }

    pub(super) fn end_frame(&mut self) -> Result<()> {
        self.end_try_dispatch()?;
        if self.reachable {
            self.fall_through_to_end()?;
            self.fell_through(self.frames.len() - 1);
        }
        let mut frame = self.frames.pop().ok_or_else(no_frame)?;
        // An `if` without `else`: the implicit else arm passes the parameters through.
        if let Some((else_bb, params)) = frame.else_block.take() {
            self.builder.position_at_end(else_bb);
            self.builder.build_unconditional_branch(frame.end_block)?;
            frame.incoming.push((params, else_bb));
        }
        self.discard_stack_to(frame.height)?;
        let edges = match frame.kind {
            FrameKind::Loop => EndEdges::FallOutOnly,
            FrameKind::If => EndEdges::BranchesAndStart,
            _ => EndEdges::Branches,
        };
        self.end_reached(std::mem::take(&mut frame.analyses), edges);
        self.builder.position_at_end(frame.end_block);
        self.reachable = !frame.incoming.is_empty();
        if !self.reachable {
            self.builder.build_unreachable()?;
        } else {
            let results = self.merge_incoming(&frame.results, &frame.incoming)?;
            self.stack.extend(results);
        }
        if frame.kind == FrameKind::Function {
            self.build_return_of_stack(&frame.results)?;
        }
        Ok(())
    }

    /// Phi nodes for values arriving from several blocks (none needed for a single edge).
    fn merge_incoming(
        &mut self,
        types: &[ValType],
        incoming: &[(Vec<BasicValueEnum<'ctx>>, BasicBlock<'ctx>)],
    ) -> Result<Vec<BasicValueEnum<'ctx>>> {
        if incoming.len() == 1 {
            return Ok(incoming[0].0.clone());
        }
        let mut out = Vec::with_capacity(types.len());
        for (i, &t) in types.iter().enumerate() {
            let phi = self.builder.build_phi(self.unit.llvm_type(t), "merge")?;
            for (values, from) in incoming {
                phi.add_incoming(&[(&values[i] as &dyn BasicValue, *from)]);
            }
            out.push(phi.as_basic_value());
        }
        Ok(out)
    }

    fn build_return_of_stack(&mut self, results: &[ValType]) -> Result<()> {
        if !self.reachable {
            return Ok(());
        }
        let values = self.pop_n(results.len())?;
        match values.as_slice() {
            [] => self.builder.build_return(None)?,
            [v] => self.builder.build_return(Some(v))?,
            vs => self.builder.build_aggregate_return(vs)?,
        };
        self.reachable = false;
        Ok(())
    }

    /// Pops handler `h` and every handler pushed after it (a branch out of several try_tables).
    pub(super) fn pop_handler(&mut self, h: PointerValue<'ctx>) -> Result<()> {
        let prev = self.load_at(self.unit.ptr().into(), h, abi::HANDLER_PREV)?;
        self.builder.build_store(self.unit.handler_top().as_pointer_value(), prev)?;
        Ok(())
    }

    /// How many of the function's exception handlers are active here (frames whose handler is).
    pub(super) fn active_handlers(&self) -> usize {
        self.frames.iter().filter(|f| f.handler.is_some()).count()
    }

    /// The outermost exception handler that a branch to frame `idx` leaves (a branch to a block
    /// leaves that block too; one to a loop does not), if any.
    fn handler_left_by_branch(&self, idx: usize) -> Option<PointerValue<'ctx>> {
        let first = if self.frames[idx].kind == FrameKind::Loop { idx + 1 } else { idx };
        self.frames[first..].iter().find_map(|f| f.handler)
    }

    /// The outermost exception handler that `delegate depth` of the innermost frame (a legacy
    /// try, whose own handler the runtime popped when it delivered the exception) leaves: those of
    /// the frames between the try and its target, which `depth` counts from the frame enclosing
    /// the try. The target's own handler, if active, stays: the exception is thrown inside it.
    pub(super) fn handler_left_by_delegate(&self, depth: u32) -> Option<PointerValue<'ctx>> {
        let inner = self.frames.len() - 1;
        let target = inner - 1 - depth as usize;
        self.frames[target + 1..inner].iter().find_map(|f| f.handler)
    }

    /// Pops every handler of this function (before a tail call leaves it).
    pub(super) fn leave_all_handlers(&mut self) -> Result<()> {
        if let Some(h) = self.frames.iter().find_map(|f| f.handler) {
            self.pop_handler(h)?;
        }
        Ok(())
    }

    /// The block a branch to frame `depth` should jump to, with the edge recorded: the frame's target
    /// itself, or when the branch leaves try_tables, a block that pops their handlers first.
    pub(super) fn add_edge(&mut self, depth: u32) -> Result<BasicBlock<'ctx>> {
        let idx = self.frames.len() - 1 - depth as usize;
        let Some(h) = self.handler_left_by_branch(idx) else { return self.add_edge_here(depth) };
        let here = self.current_block()?;
        let leave = self.unit.llcx.append_basic_block(self.func, "leave_try");
        self.builder.position_at_end(leave);
        self.pop_handler(h)?;
        let target = self.add_edge_here(depth)?;
        self.builder.build_unconditional_branch(target)?;
        self.builder.position_at_end(here);
        Ok(leave)
    }

    /// Records an edge from the current block to frame `depth` carrying the top values (which stay
    /// on the stack).
    fn add_edge_here(&mut self, depth: u32) -> Result<BasicBlock<'ctx>> {
        let from = self.current_block()?;
        let idx = self.frames.len() - 1 - depth as usize;
        self.branch_taken(idx);
        let n = self.frames[idx].branch_arity();
        let values = self.peek_n(n)?;
        let frame = &mut self.frames[idx];
        match &frame.header {
            Some((header, phis)) => {
                for (phi, v) in phis.iter().zip(&values) {
                    phi.add_incoming(&[(v as &dyn BasicValue, from)]);
                }
                Ok(*header)
            }
            None => {
                frame.incoming.push((values, from));
                Ok(frame.end_block)
            }
        }
    }

    fn branch(&mut self, depth: u32) -> Result<()> {
        let target = self.add_edge(depth)?;
        self.builder.build_unconditional_branch(target)?;
        Ok(())
    }

    fn branch_if(&mut self, depth: u32) -> Result<()> {
        let cond = self.pop_int()?;
        match known_condition(cond) {
            Some(false) => return Ok(()),
            Some(true) => {
                self.branch(depth)?;
                self.reachable = false;
                return Ok(());
            }
            None => {}
        }
        let pred = self.int_compare_reached(IntPredicate::NE);
        let c = self.builder.build_int_compare(pred, cond, self.i32_const(0), "")?;
        let target = self.add_edge(depth)?;
        let cont = self.unit.llcx.append_basic_block(self.func, "br_if_cont");
        let branch = self.builder.build_conditional_branch(c, target, cont)?;
        if self.latch_evenly_counted() {
            crate::ir::loop_marks::mark_evenly_counted(self.unit.llcx, branch);
        }
        self.builder.position_at_end(cont);
        Ok(())
    }

    /// `br_on_null` branches without the reference and continues with it; `br_on_non_null` branches
    /// with the reference and continues without it.
    fn branch_on_null(&mut self, depth: u32, on_null: bool) -> Result<()> {
        let r = self.pop()?;
        let is_null = self.builder.build_is_null(r.into_pointer_value(), "")?;
        let cont = self.unit.llcx.append_basic_block(self.func, "br_on_cont");
        if on_null {
            let target = self.add_edge(depth)?;
            self.builder.build_conditional_branch(is_null, target, cont)?;
            self.builder.position_at_end(cont);
            self.push(r);
        } else {
            self.push(r);
            let target = self.add_edge(depth)?;
            self.builder.build_conditional_branch(is_null, cont, target)?;
            self.builder.position_at_end(cont);
            self.pop()?;
        }
        Ok(())
    }

    fn branch_table(&mut self, depths: &[u32], default: u32) -> Result<()> {
        let index = self.pop_int()?;
        if let Some(i) = index.get_zero_extended_constant() {
            let depth = usize::try_from(i).ok().and_then(|i| depths.get(i)).copied().unwrap_or(default);
            self.branch(depth)?;
            self.reachable = false;
            return Ok(());
        }
        let default_bb = self.add_edge(default)?;
        let mut cases = Vec::with_capacity(depths.len());
        for (i, &d) in depths.iter().enumerate() {
            let bb = self.add_edge(d)?;
            cases.push((self.i32_const(i as u64), bb));
        }
        self.builder.build_switch(index, default_bb, &cases)?;
        self.reachable = false;
        Ok(())
    }
}
