//! Alias streams: which pointer an address in a loop was derived from, so that LLVM's loop
//! vectoriser tells accesses through different pointers apart.
//!
//! All of a linear memory is one LLVM object (`base + zext(addr)`). Between two accesses to one
//! object whose distance it cannot compute (two arrays of one memory), LLVM's loop access analysis
//! gives up analysing dependences and checks every pair of accesses at run time instead — `c[j]`
//! against `c[j+1]` too, which always overlap, so the vector loop never runs. Different objects
//! are checked against each other as wholes, while the accesses within each are analysed exactly.
//!
//! So an access in a loop whose address was read from a local (or is one plus or minus a constant)
//! takes its base through an opaque copy per *stream*: the local the pointer came from, followed
//! through `local.set`s in program order (`p = a`, `q = p + 8`, `p = p + 16` stay in `a`'s stream).
//! Only accesses inside loops use copies (what the vectoriser looks at), so that straight-line code
//! keeps one base register. Copies of one stream are merged and hoisted by LLVM.
//!
//! Correctness never depends on the streams: a copy is the same address at run time, and LLVM
//! treats copies as unrelated but possibly aliasing pointers (they are not identified objects such
//! as allocas), so accesses of different streams stay ordered as before. A wrong stream only moves
//! a dependence between analysed and checked at run time.

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::{IntValue, PointerValue};
use std::collections::HashMap;

/// The streams of the values of one function.
#[derive(Clone, Default)]
pub struct AliasStreams<'ctx> {
    /// Per local, the stream its current value belongs to (a local starts as its own).
    stream_of_local: Vec<u32>,
    /// i32 values derived from a local.
    stream_of_value: HashMap<IntValue<'ctx>, u32>,
}

impl<'ctx> AliasStreams<'ctx> {
    pub fn new(locals: usize) -> Self {
        AliasStreams { stream_of_local: (0..locals as u32).collect(), stream_of_value: HashMap::new() }
    }

    /// `value` was read from `local`.
    pub fn read(&mut self, local: u32, value: IntValue<'ctx>) {
        if value.get_type().get_bit_width() == 32 {
            self.stream_of_value.insert(value, self.stream_of_local[local as usize]);
        }
    }

    /// `value` was stored into `local`: the local continues the value's stream, or starts its own.
    pub fn set(&mut self, local: u32, value: IntValue<'ctx>) {
        self.stream_of_local[local as usize] = self.stream(value).unwrap_or(local);
    }

    /// `sum` is `x + y` or `x - y`: a constant moves a pointer along its stream.
    pub fn offset(&mut self, x: IntValue<'ctx>, y: IntValue<'ctx>, sum: IntValue<'ctx>) {
        let stream = match (x.is_const(), y.is_const()) {
            (false, true) => self.stream(x),
            (true, false) => self.stream(y),
            _ => None,
        };
        if let Some(s) = stream {
            self.stream_of_value.insert(sum, s);
        }
    }

    /// The stream of an address, if it was derived from a local.
    pub fn stream(&self, value: IntValue<'ctx>) -> Option<u32> {
        self.stream_of_value.get(&value).copied()
    }
}

impl<'u, 'ctx, 'm> FuncTranslator<'u, 'ctx, 'm> {
    /// The memory base as seen by the accesses of one alias stream (`alias_streams.rs`): an
    /// opaque copy per stream, which LLVM merges within a stream and hoists out of loops.
    pub(super) fn stream_base(&mut self, base: PointerValue<'ctx>, stream: u32) -> Result<PointerValue<'ctx>> {
        self.opaque_copy(base, stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkwell::context::Context;

    #[test]
    fn pointers_keep_their_stream_through_constants_and_copies() {
        let cx = Context::create();
        let m = cx.create_module("t");
        let i32t = cx.i32_type();
        let func = m.add_function("f", cx.void_type().fn_type(&[i32t.into(); 4], false), None);
        let v: Vec<IntValue> = func.get_params().into_iter().map(|p| p.into_int_value()).collect();
        let eight = i32t.const_int(8, false);
        let mut s = AliasStreams::new(4);
        s.read(0, v[0]);
        assert_eq!(s.stream(v[0]), Some(0));
        s.offset(v[0], eight, v[1]);
        assert_eq!(s.stream(v[1]), Some(0), "p + 8");
        s.set(2, v[1]);
        s.read(2, v[2]);
        assert_eq!(s.stream(v[2]), Some(0), "q = p + 8, read back");
        s.read(3, v[3]);
        let w = i32t.const_int(1, false);
        s.offset(v[2], v[3], w);
        assert_eq!(s.stream(w), None, "p + i: whose pointer is it?");
        s.set(2, w);
        s.read(2, v[3]);
        assert_eq!(s.stream(v[3]), Some(2), "a local set from elsewhere starts its own stream");
    }
}
