//! The one list of trap kinds. Mirrored in `runtime-lib/include/w2n_runtime.h` as `W2N_TRAP_*`:
//! the numbers are stable and must match there.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum Trap {
    Unreachable = 1,
    IntegerDivideByZero = 2,
    IntegerOverflow = 3,
    BadConversionToInteger = 4,
    MemoryOutOfBounds = 5,
    TableOutOfBounds = 6,
    UndefinedElement = 7,
    UninitializedElement = 8,
    IndirectCallTypeMismatch = 9,
    StackExhausted = 10,
    NullReference = 11,
    NullFunctionReference = 13,
    UncaughtException = 14,
    NullExceptionReference = 15,
    UnalignedAtomic = 16,
    ExpectedSharedMemory = 17,
}

impl Trap {
    pub const ALL: [Trap; 16] = [
        Trap::Unreachable,
        Trap::IntegerDivideByZero,
        Trap::IntegerOverflow,
        Trap::BadConversionToInteger,
        Trap::MemoryOutOfBounds,
        Trap::TableOutOfBounds,
        Trap::UndefinedElement,
        Trap::UninitializedElement,
        Trap::IndirectCallTypeMismatch,
        Trap::StackExhausted,
        Trap::NullReference,
        Trap::NullFunctionReference,
        Trap::UncaughtException,
        Trap::NullExceptionReference,
        Trap::UnalignedAtomic,
        Trap::ExpectedSharedMemory,
    ];

    pub fn code(self) -> u32 {
        self as u32
    }

    /// The spec testsuite's words for the trap.
    pub fn message(self) -> &'static str {
        match self {
            Trap::Unreachable => "unreachable",
            Trap::IntegerDivideByZero => "integer divide by zero",
            Trap::IntegerOverflow => "integer overflow",
            Trap::BadConversionToInteger => "invalid conversion to integer",
            Trap::MemoryOutOfBounds => "out of bounds memory access",
            Trap::TableOutOfBounds => "out of bounds table access",
            Trap::UndefinedElement => "undefined element",
            Trap::UninitializedElement => "uninitialized element",
            Trap::IndirectCallTypeMismatch => "indirect call type mismatch",
            Trap::StackExhausted => "call stack exhausted",
            Trap::NullReference => "null reference",
            Trap::NullFunctionReference => "null function reference",
            Trap::UncaughtException => "uncaught exception",
            Trap::NullExceptionReference => "null exception reference",
            Trap::UnalignedAtomic => "unaligned atomic",
            Trap::ExpectedSharedMemory => "expected shared memory",
        }
    }
}
