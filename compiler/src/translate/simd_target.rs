//! What the target CPU offers the SIMD lowering. Most SIMD operators are generic LLVM vector IR
//! and need nothing from here; a few have an exact or a relaxed lowering that is much faster with
//! a specific instruction (pshufb for swizzles, pmaddubsw for relaxed dot products, FMA for
//! relaxed madd). Those check `Isa`, computed from the target's CPU name and feature string — the
//! same ones every function carries as `target-cpu`/`target-features` — so an intrinsic is only
//! used where the backend can select it. Unknown CPU names get the SSE2 baseline: slower, never
//! wrong.

use crate::target::TargetSpec;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Isa {
    /// x86-64 (SSE2 at least).
    pub x86: bool,
    /// SSSE3: pshufb, pmulhrsw, pmaddubsw.
    pub ssse3: bool,
    /// SSE4.1: blendv*, pmovsx/zx, ptest.
    pub sse41: bool,
    /// FMA3: fused multiply-add.
    pub fma: bool,
}

impl Isa {
    pub(super) fn of(target: &TargetSpec) -> Isa {
        if !target.llvm_triple.starts_with("x86_64") {
            return Isa::default();
        }
        let mut isa = Isa { x86: true, ..Isa::default() };
        match target.cpu.as_deref().unwrap_or("x86-64") {
            "x86-64-v2" => isa.add("+sse4.1"),
            "x86-64-v3" | "x86-64-v4" => isa.add("+fma"),
            _ => {}
        }
        target.features.split(',').for_each(|f| isa.add(f));
        isa
    }

    /// Applies one `+feature`/`-feature` with LLVM's implications (fma ⇒ avx ⇒ sse4.1 ⇒ ssse3).
    fn add(&mut self, feature: &str) {
        match feature {
            "+ssse3" => self.ssse3 = true,
            "+sse4.1" | "+sse4.2" | "+avx" | "+avx2" | "+avx512f" => (self.ssse3, self.sse41) = (true, true),
            "+fma" => (self.ssse3, self.sse41, self.fma) = (true, true, true),
            "-ssse3" => (self.ssse3, self.sse41, self.fma) = (false, false, false),
            "-sse4.1" | "-sse4.2" | "-avx" => (self.sse41, self.fma) = (false, false),
            "-fma" => self.fma = false,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(cpu: &str, features: &str) -> TargetSpec {
        TargetSpec { cpu: Some(cpu.into()), features: features.into(), ..TargetSpec::host() }
    }

    #[test]
    fn levels_and_features() {
        assert_eq!(Isa::of(&spec("x86-64", "")), Isa { x86: true, ..Isa::default() });
        let v2 = Isa::of(&spec("x86-64-v2", ""));
        assert!(v2.ssse3 && v2.sse41 && !v2.fma);
        assert!(Isa::of(&spec("x86-64-v3", "")).fma);
        assert!(!Isa::of(&spec("x86-64-v3", "-fma")).fma);
        assert!(Isa::of(&spec("x86-64", "+avx2,+fma")).fma);
        assert!(!Isa::of(&spec("x86-64-v2", "-ssse3")).sse41);
    }
}
