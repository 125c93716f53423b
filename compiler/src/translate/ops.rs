//! Which translator handles each Wasm operator: the one table `FuncTranslator::translate_operator`
//! dispatches by.
//!
//! The table is checked against wasmparser's own operator list (`for_each_operator!`) at build
//! time, both ways:
//! - every operator wasmparser defines must be listed under a family, or belong to a proposal
//!   listed as unsupported: otherwise the build fails (`compile_error!` naming the operator and its
//!   proposal). A new wasmparser with new operators does not build until each has a place here.
//! - a name listed twice, or naming no operator, fails the build too (`listed_once`).
//!
//! An operator of an unsupported proposal (one the validator accepts but the translator does not
//! lower) is rejected with `unsupported: instruction `Name` (proposal)`. Proposals the validator
//! rejects (`module::features`) are listed too, so that the table stays complete.

use wasmparser::Operator;

/// The translator of an operator: each family lives in its own file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Family {
    /// `control.rs`: blocks, branches, return, drop, select.
    Control,
    /// `exception.rs`: try_table, throw, throw_ref; `legacy_exception.rs`: try, catch, catch_all,
    /// rethrow, delegate.
    Exception,
    /// `call.rs`: direct, indirect and reference calls, tail calls.
    Call,
    /// `variable.rs`: locals and globals.
    Variable,
    /// `memory.rs`: scalar loads and stores, size/grow, bulk memory.
    Memory,
    /// `table.rs`: tables and the reference operators.
    Table,
    /// `gc.rs`: structs, arrays, i31, casts (the GC proposal).
    Gc,
    /// `conversion.rs`: conversions between value types, sign extension.
    Conversion,
    /// `numeric.rs`: constants, comparisons, integer and float arithmetic.
    Numeric,
    /// `atomic.rs`: the threads proposal (atomic accesses, fence, wait/notify).
    Atomic,
    /// `simd.rs`: v128 constants, lanes, shuffles, bitwise operators.
    SimdLanes,
    /// `simd_memory.rs`: v128 loads and stores.
    SimdMemory,
    /// `simd_arith.rs`: lane arithmetic, comparisons, shifts, reductions.
    SimdArith,
    /// `simd_convert.rs`: widening, narrowing, dot products, int/float conversions.
    SimdConvert,
    /// `simd_relaxed.rs`: relaxed SIMD.
    SimdRelaxed,
    /// Not translated: the proposal it belongs to, for the error message.
    Unsupported(&'static str),
}

/// Defines `family_of!(@proposal Operator)`, the lookup in the table below, and `listed_once`.
/// (`$d` is a `$` token, for the metavariables of the macro defined.)
macro_rules! define_family_of {
    (
        $d:tt
        families { $( $family:ident: $($op:ident)* ; )* }
        unsupported_operators { $( $unsupported:ident: $why:literal ; )* }
        unsupported_proposals { $( $proposal:ident: $name:literal ; )* }
    ) => {
        macro_rules! family_of {
            $( $( (@$d p:ident $op) => { Family::$family }; )* )*
            $( (@$d p:ident $unsupported) => { Family::Unsupported($why) }; )*
            $( (@$proposal $d op:ident) => { Family::Unsupported($name) }; )*
            (@$d p:ident $d op:ident) => {
                compile_error!(concat!(
                    "operator `", stringify!($d op), "` (@", stringify!($d p),
                    ") has no family: add it to the table of translate/ops.rs"
                ))
            };
        }

        /// Fails the build when the table lists a name twice (an unreachable pattern) or names no
        /// operator of wasmparser (no such variant).
        #[deny(unreachable_patterns)]
        #[allow(dead_code)]
        fn listed_once(op: &Operator<'_>) {
            match op {
                $( $( Operator::$op { .. } => {} )* )*
                $( Operator::$unsupported { .. } => {} )*
                _ => {}
            }
        }
    };
}

define_family_of! {
    $
    families {
        Control: Unreachable Nop Block Loop If Else End Br BrIf BrTable Return Drop Select TypedSelect
            BrOnNull BrOnNonNull;
        Exception: TryTable Throw ThrowRef Try Catch CatchAll Rethrow Delegate;
        Call: Call CallIndirect CallRef ReturnCall ReturnCallIndirect ReturnCallRef;
        Variable: LocalGet LocalSet LocalTee GlobalGet GlobalSet;
        Memory: I32Load I64Load F32Load F64Load I32Load8S I32Load8U I32Load16S I32Load16U I64Load8S
            I64Load8U I64Load16S I64Load16U I64Load32S I64Load32U I32Store I64Store F32Store F64Store
            I32Store8 I32Store16 I64Store8 I64Store16 I64Store32 MemorySize MemoryGrow MemoryInit DataDrop
            MemoryCopy MemoryFill;
        Table: TableGet TableSet TableSize TableGrow TableFill TableCopy TableInit ElemDrop RefNull
            RefIsNull RefFunc RefAsNonNull;
        Gc: RefEq StructNew StructNewDefault StructGet StructGetS StructGetU StructSet ArrayNew ArrayNewDefault
            ArrayNewFixed ArrayNewData ArrayNewElem ArrayGet ArrayGetS ArrayGetU ArraySet ArrayLen ArrayFill
            ArrayCopy ArrayInitData ArrayInitElem RefTestNonNull RefTestNullable RefCastNonNull RefCastNullable
            BrOnCast BrOnCastFail AnyConvertExtern ExternConvertAny RefI31 I31GetS I31GetU;
        Conversion: I32TruncF32S I32TruncF32U I32TruncF64S I32TruncF64U I64TruncF32S I64TruncF32U
            I64TruncF64S I64TruncF64U I32TruncSatF32S I32TruncSatF32U I32TruncSatF64S I32TruncSatF64U
            I64TruncSatF32S I64TruncSatF32U I64TruncSatF64S I64TruncSatF64U I32WrapI64 I64ExtendI32S
            I64ExtendI32U F32ConvertI32S F32ConvertI32U F32ConvertI64S F32ConvertI64U F64ConvertI32S
            F64ConvertI32U F64ConvertI64S F64ConvertI64U F32DemoteF64 F64PromoteF32 I32ReinterpretF32
            I64ReinterpretF64 F32ReinterpretI32 F64ReinterpretI64 I32Extend8S I32Extend16S I64Extend8S
            I64Extend16S I64Extend32S;
        Numeric: I32Const I64Const F32Const F64Const
            I32Eqz I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS I32LeU I32GeS I32GeU
            I64Eqz I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS I64GeU
            F32Eq F32Ne F32Lt F32Gt F32Le F32Ge F64Eq F64Ne F64Lt F64Gt F64Le F64Ge
            I32Clz I32Ctz I32Popcnt I32Add I32Sub I32Mul I32DivS I32DivU I32RemS I32RemU I32And I32Or
            I32Xor I32Shl I32ShrS I32ShrU I32Rotl I32Rotr
            I64Clz I64Ctz I64Popcnt I64Add I64Sub I64Mul I64DivS I64DivU I64RemS I64RemU I64And I64Or
            I64Xor I64Shl I64ShrS I64ShrU I64Rotl I64Rotr
            F32Abs F32Neg F32Ceil F32Floor F32Trunc F32Nearest F32Sqrt F32Add F32Sub F32Mul F32Div
            F32Min F32Max F32Copysign
            F64Abs F64Neg F64Ceil F64Floor F64Trunc F64Nearest F64Sqrt F64Add F64Sub F64Mul F64Div
            F64Min F64Max F64Copysign
            I64Add128 I64Sub128 I64MulWideS I64MulWideU;
        Atomic: MemoryAtomicNotify MemoryAtomicWait32 MemoryAtomicWait64 AtomicFence
            I32AtomicLoad I64AtomicLoad I32AtomicLoad8U I32AtomicLoad16U I64AtomicLoad8U I64AtomicLoad16U
            I64AtomicLoad32U I32AtomicStore I64AtomicStore I32AtomicStore8 I32AtomicStore16 I64AtomicStore8
            I64AtomicStore16 I64AtomicStore32
            I32AtomicRmwAdd I64AtomicRmwAdd I32AtomicRmw8AddU I32AtomicRmw16AddU I64AtomicRmw8AddU
            I64AtomicRmw16AddU I64AtomicRmw32AddU
            I32AtomicRmwSub I64AtomicRmwSub I32AtomicRmw8SubU I32AtomicRmw16SubU I64AtomicRmw8SubU
            I64AtomicRmw16SubU I64AtomicRmw32SubU
            I32AtomicRmwAnd I64AtomicRmwAnd I32AtomicRmw8AndU I32AtomicRmw16AndU I64AtomicRmw8AndU
            I64AtomicRmw16AndU I64AtomicRmw32AndU
            I32AtomicRmwOr I64AtomicRmwOr I32AtomicRmw8OrU I32AtomicRmw16OrU I64AtomicRmw8OrU
            I64AtomicRmw16OrU I64AtomicRmw32OrU
            I32AtomicRmwXor I64AtomicRmwXor I32AtomicRmw8XorU I32AtomicRmw16XorU I64AtomicRmw8XorU
            I64AtomicRmw16XorU I64AtomicRmw32XorU
            I32AtomicRmwXchg I64AtomicRmwXchg I32AtomicRmw8XchgU I32AtomicRmw16XchgU I64AtomicRmw8XchgU
            I64AtomicRmw16XchgU I64AtomicRmw32XchgU
            I32AtomicRmwCmpxchg I64AtomicRmwCmpxchg I32AtomicRmw8CmpxchgU I32AtomicRmw16CmpxchgU
            I64AtomicRmw8CmpxchgU I64AtomicRmw16CmpxchgU I64AtomicRmw32CmpxchgU;
        SimdLanes: V128Const I8x16Shuffle I8x16Swizzle
            I8x16Splat I16x8Splat I32x4Splat I64x2Splat F32x4Splat F64x2Splat
            I8x16ExtractLaneS I8x16ExtractLaneU I16x8ExtractLaneS I16x8ExtractLaneU I32x4ExtractLane
            I64x2ExtractLane F32x4ExtractLane F64x2ExtractLane
            I8x16ReplaceLane I16x8ReplaceLane I32x4ReplaceLane I64x2ReplaceLane F32x4ReplaceLane
            F64x2ReplaceLane
            V128Not V128And V128Or V128Xor V128AndNot V128Bitselect V128AnyTrue;
        SimdMemory: V128Load V128Store V128Load8x8S V128Load8x8U V128Load16x4S V128Load16x4U
            V128Load32x2S V128Load32x2U V128Load8Splat V128Load16Splat V128Load32Splat V128Load64Splat
            V128Load32Zero V128Load64Zero V128Load8Lane V128Load16Lane V128Load32Lane V128Load64Lane
            V128Store8Lane V128Store16Lane V128Store32Lane V128Store64Lane;
        SimdArith:
            I8x16Eq I8x16Ne I8x16LtS I8x16LtU I8x16GtS I8x16GtU I8x16LeS I8x16LeU I8x16GeS I8x16GeU
            I16x8Eq I16x8Ne I16x8LtS I16x8LtU I16x8GtS I16x8GtU I16x8LeS I16x8LeU I16x8GeS I16x8GeU
            I32x4Eq I32x4Ne I32x4LtS I32x4LtU I32x4GtS I32x4GtU I32x4LeS I32x4LeU I32x4GeS I32x4GeU
            I64x2Eq I64x2Ne I64x2LtS I64x2GtS I64x2LeS I64x2GeS
            F32x4Eq F32x4Ne F32x4Lt F32x4Gt F32x4Le F32x4Ge F64x2Eq F64x2Ne F64x2Lt F64x2Gt F64x2Le F64x2Ge
            I8x16Add I16x8Add I32x4Add I64x2Add I8x16Sub I16x8Sub I32x4Sub I64x2Sub I16x8Mul I32x4Mul
            I64x2Mul I8x16AddSatS I8x16AddSatU I8x16SubSatS I8x16SubSatU I16x8AddSatS I16x8AddSatU
            I16x8SubSatS I16x8SubSatU I8x16MinS I8x16MinU I8x16MaxS I8x16MaxU I16x8MinS I16x8MinU
            I16x8MaxS I16x8MaxU I32x4MinS I32x4MinU I32x4MaxS I32x4MaxU I8x16AvgrU I16x8AvgrU
            I8x16Abs I16x8Abs I32x4Abs I64x2Abs I8x16Neg I16x8Neg I32x4Neg I64x2Neg I8x16Popcnt
            I8x16Shl I8x16ShrS I8x16ShrU I16x8Shl I16x8ShrS I16x8ShrU I32x4Shl I32x4ShrS I32x4ShrU
            I64x2Shl I64x2ShrS I64x2ShrU
            I8x16AllTrue I16x8AllTrue I32x4AllTrue I64x2AllTrue
            I8x16Bitmask I16x8Bitmask I32x4Bitmask I64x2Bitmask
            F32x4Add F64x2Add F32x4Sub F64x2Sub F32x4Mul F64x2Mul F32x4Div F64x2Div F32x4Min F64x2Min
            F32x4Max F64x2Max F32x4PMin F64x2PMin F32x4PMax F64x2PMax F32x4Abs F64x2Abs F32x4Neg
            F64x2Neg F32x4Sqrt F64x2Sqrt F32x4Ceil F64x2Ceil F32x4Floor F64x2Floor F32x4Trunc F64x2Trunc
            F32x4Nearest F64x2Nearest;
        SimdConvert:
            I16x8ExtendLowI8x16S I16x8ExtendHighI8x16S I16x8ExtendLowI8x16U I16x8ExtendHighI8x16U
            I32x4ExtendLowI16x8S I32x4ExtendHighI16x8S I32x4ExtendLowI16x8U I32x4ExtendHighI16x8U
            I64x2ExtendLowI32x4S I64x2ExtendHighI32x4S I64x2ExtendLowI32x4U I64x2ExtendHighI32x4U
            I16x8ExtMulLowI8x16S I16x8ExtMulHighI8x16S I16x8ExtMulLowI8x16U I16x8ExtMulHighI8x16U
            I32x4ExtMulLowI16x8S I32x4ExtMulHighI16x8S I32x4ExtMulLowI16x8U I32x4ExtMulHighI16x8U
            I64x2ExtMulLowI32x4S I64x2ExtMulHighI32x4S I64x2ExtMulLowI32x4U I64x2ExtMulHighI32x4U
            I16x8ExtAddPairwiseI8x16S I16x8ExtAddPairwiseI8x16U I32x4ExtAddPairwiseI16x8S
            I32x4ExtAddPairwiseI16x8U I32x4DotI16x8S I16x8Q15MulrSatS
            I8x16NarrowI16x8S I8x16NarrowI16x8U I16x8NarrowI32x4S I16x8NarrowI32x4U
            I32x4TruncSatF32x4S I32x4TruncSatF32x4U I32x4TruncSatF64x2SZero I32x4TruncSatF64x2UZero
            F32x4ConvertI32x4S F32x4ConvertI32x4U F64x2ConvertLowI32x4S F64x2ConvertLowI32x4U
            F32x4DemoteF64x2Zero F64x2PromoteLowF32x4;
        SimdRelaxed: I8x16RelaxedSwizzle I32x4RelaxedTruncF32x4S I32x4RelaxedTruncF32x4U
            I32x4RelaxedTruncF64x2SZero I32x4RelaxedTruncF64x2UZero F32x4RelaxedMadd F32x4RelaxedNmadd
            F64x2RelaxedMadd F64x2RelaxedNmadd I8x16RelaxedLaneselect I16x8RelaxedLaneselect
            I32x4RelaxedLaneselect I64x2RelaxedLaneselect F32x4RelaxedMin F32x4RelaxedMax F64x2RelaxedMin
            F64x2RelaxedMax I16x8RelaxedQ15mulrS I16x8RelaxedDotI8x16I7x16S I32x4RelaxedDotI8x16I7x16AddS;
    }
    // Single operators not translated, with the reason.
    unsupported_operators {
        // `select` of several values: wasmparser decodes it, no proposal validates it.
        TypedSelectMulti: "select of several values";
    }
    // Every operator of these proposals that no family above lists.
    unsupported_proposals {
        // Proposals the validator rejects (`module::features`).
        custom_descriptors: "custom descriptors proposal";
        shared_everything_threads: "shared-everything threads proposal";
        stack_switching: "stack switching proposal";
        memory_control: "memory control proposal";
        acquire_release_atomics: "acquire-release atomics proposal";
    }
}

macro_rules! define_classification {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The family of `op` (see the table above).
        pub(super) fn family(op: &Operator<'_>) -> Family {
            match op {
                $( Operator::$op { .. } => family_of!(@$proposal $op), )*
                // `Operator` is non-exhaustive; wasmparser lists all its operators.
                _ => Family::Unsupported("an operator wasmparser does not list"),
            }
        }

        /// The operator's name for messages, e.g. `i8x16.add` is `I8x16Add`.
        pub(super) fn name(op: &Operator<'_>) -> &'static str {
            match op {
                $( Operator::$op { .. } => stringify!($op), )*
                _ => "unknown",
            }
        }
    };
}
wasmparser::for_each_operator!(define_classification);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{BlockType, MemArg, MemArgTarget};

    fn memarg() -> MemArg {
        MemArg { align: 0, max_align: 0, offset: 0, target: MemArgTarget::Memory(0), ordering: None }
    }

    #[test]
    fn operators_map_to_their_translator() {
        assert_eq!(family(&Operator::Block { blockty: BlockType::Empty }), Family::Control);
        assert_eq!(family(&Operator::I32Add), Family::Numeric);
        assert_eq!(family(&Operator::I64MulWideS), Family::Numeric);
        assert_eq!(family(&Operator::I64Extend32S), Family::Conversion);
        assert_eq!(family(&Operator::I32AtomicRmw8AddU { memarg: memarg() }), Family::Atomic);
        assert_eq!(family(&Operator::V128Load { memarg: memarg() }), Family::SimdMemory);
        assert_eq!(family(&Operator::I8x16RelaxedSwizzle), Family::SimdRelaxed);
        assert_eq!(family(&Operator::Try { blockty: BlockType::Empty }), Family::Exception);
        assert_eq!(family(&Operator::Delegate { relative_depth: 0 }), Family::Exception);
    }

    #[test]
    fn untranslated_operators_name_their_proposal() {
        assert_eq!(family(&Operator::RefEq), Family::Gc);
        assert_eq!(
            family(&Operator::GlobalAtomicGet { ordering: wasmparser::Ordering::SeqCst, global_index: 0 }),
            Family::Unsupported("shared-everything threads proposal")
        );
        assert_eq!(name(&Operator::RefI31), "RefI31");
        assert_eq!(family(&Operator::ContNew { cont_type_index: 0 }), Family::Unsupported("stack switching proposal"));
    }
}
