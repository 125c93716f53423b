//! Which locals code after a try's landing may read: per try, the locals some `local.get`
//! reachable from its landing reads (its catch clauses' targets, or its catch arms, and the
//! landings of the tries around it, where an exception no clause matches goes on to). One
//! backward pass over the operators, repeated while a loop header's set grows; sets only grow, so
//! it ends. Writes do not kill: a superset of what is live, which is all `shadow_locals.rs` needs.
//!
//! An operator that may throw (a call, `throw`, `throw_ref`, `rethrow`, a tail call) reaches the
//! landing of the innermost try whose body holds it; a trap reaches none.

use std::collections::HashMap;
use wasmparser::{Catch, Operator};

/// A set of locals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Locals(Vec<u64>);

impl Locals {
    fn insert(&mut self, local: u32) {
        let (w, b) = (local as usize / 64, local % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        self.0[w] |= 1 << b;
    }

    fn union(&mut self, other: &Locals) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    /// The locals, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(w, &bits)| (0..64).filter(move |b| bits & (1 << b) != 0).map(move |b| (w * 64 + b) as u32))
    }
}

/// What a construct is, as the analysis needs it.
enum Kind<'a> {
    Block,
    Loop,
    If,
    TryTable(&'a [Catch]),
    /// A legacy `try`: the index of its first `catch`/`catch_all`/`delegate`, if any, and whether
    /// a `catch_all` ends its clauses (else an unmatched exception goes on out).
    Try {
        body_end: Option<usize>,
        catch_all: bool,
    },
}

/// The constructs of a body: per opener, its kind and the index of its `end` (or `delegate`).
struct Structure<'a> {
    kind: HashMap<usize, Kind<'a>>,
    /// Per `end`, `else`, `catch`, `catch_all` or `delegate`: the opener of its construct.
    opener: HashMap<usize, usize>,
}

fn structure<'a>(ops: &'a [Operator<'a>]) -> Structure<'a> {
    let mut s = Structure { kind: HashMap::new(), opener: HashMap::new() };
    let mut open: Vec<usize> = Vec::new();
    for (at, op) in ops.iter().enumerate() {
        let opened = match op {
            Operator::Block { .. } => Some(Kind::Block),
            Operator::Loop { .. } => Some(Kind::Loop),
            Operator::If { .. } => Some(Kind::If),
            Operator::TryTable { try_table } => Some(Kind::TryTable(&try_table.catches)),
            Operator::Try { .. } => Some(Kind::Try { body_end: None, catch_all: false }),
            _ => None,
        };
        if let Some(kind) = opened {
            s.kind.insert(at, kind);
            open.push(at);
            continue;
        }
        match op {
            Operator::Else | Operator::Catch { .. } | Operator::CatchAll => {
                if let Some(&c) = open.last() {
                    s.opener.insert(at, c);
                    if let Some(Kind::Try { body_end, catch_all }) = s.kind.get_mut(&c) {
                        body_end.get_or_insert(at);
                        *catch_all |= matches!(op, Operator::CatchAll);
                    }
                }
            }
            Operator::End | Operator::Delegate { .. } => {
                if let Some(c) = open.pop() {
                    s.opener.insert(at, c);
                    if let (Operator::Delegate { .. }, Some(Kind::Try { body_end, .. })) = (op, s.kind.get_mut(&c)) {
                        body_end.get_or_insert(at);
                    }
                }
            }
            _ => {}
        }
    }
    s
}

/// Per try (by the index of its `try_table` or `try`), the locals code after its landing may read.
pub fn landing_reads(ops: &[Operator<'_>]) -> HashMap<usize, Locals> {
    let s = structure(ops);
    let mut headers: HashMap<usize, Locals> = HashMap::new();
    loop {
        let (landings, grew) = backward_pass(ops, &s, &mut headers);
        if !grew {
            return landings;
        }
    }
}

/// One backward pass with the loop headers' sets of the last; returns the landings' sets and
/// whether a header's set grew.
fn backward_pass(
    ops: &[Operator<'_>],
    s: &Structure<'_>,
    headers: &mut HashMap<usize, Locals>,
) -> (HashMap<usize, Locals>, bool) {
    let mut landings: HashMap<usize, Locals> = HashMap::new();
    let mut after: HashMap<usize, Locals> = HashMap::new();
    let mut else_start: HashMap<usize, Locals> = HashMap::new();
    let mut arm_starts: HashMap<usize, Locals> = HashMap::new();
    // The constructs around the current operator, innermost last; the tries whose body holds it.
    let mut ctrl: Vec<usize> = Vec::new();
    let mut handlers: Vec<usize> = Vec::new();
    let mut running = Locals::default();
    let mut grew = false;
    let target = |ctrl: &[usize], after: &HashMap<usize, Locals>, headers: &HashMap<usize, Locals>, depth: u32| {
        let Some(&c) = ctrl.len().checked_sub(depth as usize + 1).map(|i| &ctrl[i]) else {
            return Locals::default(); // the function's label: a return
        };
        match s.kind.get(&c) {
            Some(Kind::Loop) => headers.get(&c).cloned().unwrap_or_default(),
            _ => after.get(&c).cloned().unwrap_or_default(),
        }
    };
    let thrown = |handlers: &[usize], landings: &HashMap<usize, Locals>| {
        handlers.last().and_then(|h| landings.get(h)).cloned().unwrap_or_default()
    };
    for at in (0..ops.len()).rev() {
        match &ops[at] {
            Operator::LocalGet { local_index } => running.insert(*local_index),
            Operator::End | Operator::Delegate { .. } => {
                let Some(&c) = s.opener.get(&at) else {
                    running = Locals::default(); // the function's end
                    continue;
                };
                after.insert(c, running.clone());
                match s.kind.get(&c) {
                    Some(Kind::TryTable(catches)) => {
                        let mut landing = thrown(&handlers, &landings);
                        for catch in catches.iter() {
                            let label = match *catch {
                                Catch::One { label, .. }
                                | Catch::OneRef { label, .. }
                                | Catch::All { label }
                                | Catch::AllRef { label } => label,
                            };
                            landing.union(&target(&ctrl, &after, headers, label));
                        }
                        landings.insert(c, landing);
                        handlers.push(c);
                    }
                    // A try with no clauses: its body ends here, and its exceptions go on out.
                    Some(Kind::Try { body_end: None, .. }) => {
                        landings.insert(c, thrown(&handlers, &landings));
                        handlers.push(c);
                    }
                    // One ending in `delegate`: its exceptions go to the tries around its target,
                    // which may skip some around it; any of them may catch.
                    Some(Kind::Try { body_end: Some(e), .. }) if *e == at => {
                        let mut landing = Locals::default();
                        for h in &handlers {
                            landing.union(landings.get(h).unwrap_or(&Locals::default()));
                        }
                        landings.insert(c, landing);
                        handlers.push(c);
                    }
                    _ => {}
                }
                ctrl.push(c);
            }
            Operator::Catch { .. } | Operator::CatchAll => {
                let Some(&c) = s.opener.get(&at) else { continue };
                arm_starts.entry(c).or_default().union(&running);
                if let Some(Kind::Try { body_end: Some(e), catch_all }) = s.kind.get(&c) {
                    if *e == at {
                        // The body ends here: its landing runs the arms.
                        let mut landing = arm_starts.remove(&c).unwrap_or_default();
                        if !catch_all {
                            landing.union(&thrown(&handlers, &landings));
                        }
                        landings.insert(c, landing);
                        handlers.push(c);
                    }
                }
                running = after.get(&c).cloned().unwrap_or_default();
            }
            Operator::Else => {
                let Some(&c) = s.opener.get(&at) else { continue };
                else_start.insert(c, std::mem::take(&mut running));
                running = after.get(&c).cloned().unwrap_or_default();
            }
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => {
                ctrl.pop();
                if handlers.last() == Some(&at) {
                    handlers.pop();
                }
                match &ops[at] {
                    Operator::If { .. } => {
                        let other = else_start.remove(&at).or_else(|| after.get(&at).cloned()).unwrap_or_default();
                        running.union(&other);
                    }
                    Operator::Loop { .. } => {
                        let header = headers.entry(at).or_default();
                        let mut grown = header.clone();
                        grown.union(&running);
                        if grown != *header {
                            *header = grown;
                            grew = true;
                        }
                    }
                    _ => {}
                }
            }
            Operator::Br { relative_depth } => running = target(&ctrl, &after, headers, *relative_depth),
            Operator::BrIf { relative_depth }
            | Operator::BrOnNull { relative_depth }
            | Operator::BrOnNonNull { relative_depth }
            | Operator::BrOnCast { relative_depth, .. }
            | Operator::BrOnCastFail { relative_depth, .. } => {
                running.union(&target(&ctrl, &after, headers, *relative_depth));
            }
            Operator::BrTable { targets } => {
                let mut all = target(&ctrl, &after, headers, targets.default());
                for t in targets.targets().flatten() {
                    all.union(&target(&ctrl, &after, headers, t));
                }
                running = all;
            }
            Operator::Return | Operator::Unreachable => running = Locals::default(),
            Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::Rethrow { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. } => running = thrown(&handlers, &landings),
            Operator::Call { .. } | Operator::CallIndirect { .. } | Operator::CallRef { .. } => {
                running.union(&thrown(&handlers, &landings));
            }
            _ => {}
        }
    }
    (landings, grew)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operators of the module's last function.
    fn ops_of(wat: &str) -> Vec<Operator<'static>> {
        let text = crate::legacy_syntax::unfold(wat);
        let wasm: &'static [u8] = Box::leak(wat::parse_str(text).unwrap().into_boxed_slice());
        let mut last = None;
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
                last = Some(body.get_operators_reader().unwrap().into_iter().map(|o| o.unwrap()).collect());
            }
        }
        last.expect("no code")
    }

    fn sets(wat: &str) -> Vec<Vec<u32>> {
        let ops = ops_of(wat);
        let reads = landing_reads(&ops);
        let mut tries: Vec<_> = reads.into_iter().collect();
        tries.sort_by_key(|(at, _)| *at);
        tries.into_iter().map(|(_, l)| l.iter().collect()).collect()
    }

    #[test]
    fn a_cleanup_that_rethrows_reads_only_its_own_locals() {
        let wat = r#"(module (tag $e) (func $f)
          (func (param i32 i32 i32) (local exnref)
            (block $done
              (block $cleanup (result exnref)
                (try_table (catch_all_ref $cleanup) (call $f))
                (drop (local.get 2))
                (br $done))
              (local.set 3)
              (drop (local.get 1))
              (throw_ref (local.get 3)))
            (drop (local.get 0))))"#;
        assert_eq!(sets(wat), vec![vec![1, 3]]);
    }

    #[test]
    fn a_catch_into_a_loop_reads_what_the_loop_reads_and_what_follows() {
        let wat = r#"(module (tag $e) (func $f)
          (func (param i32 i32 i32 i32)
            (drop (local.get 3))
            (loop $l
              (drop (local.get 0))
              (block $h (try_table (catch_all $l) (call $f)))
              (br_if $l (local.get 1)))
            (drop (local.get 2))))"#;
        assert_eq!(sets(wat), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn an_inner_try_reaches_the_outer_landing_unless_it_catches_all() {
        let wat = r#"(module (tag $e) (func $f)
          (func (param i32 i32 i32)
            (block $outer
              (try_table (catch $e $outer)
                (block $inner
                  (try_table (catch $e $inner) (call $f))
                  (drop (local.get 1)))
                (drop (local.get 2))
                (block $all
                  (try_table (catch_all $all) (call $f)))))
            (drop (local.get 0))))"#;
        // outer: what follows it; inner (catch $e): what follows its block (local 2, not the
        // local 1 it skips), and on out to the outer landing; the catch_all one: what follows
        // its block, inside the outer body, so the outer's too.
        assert_eq!(sets(wat), vec![vec![0], vec![0, 2], vec![0]]);
    }

    #[test]
    fn legacy_arms_and_delegate() {
        let wat = r#"(module (tag $e) (func $f)
          (func (param i32 i32 i32)
            (try
              (do
                (try (do (call $f)) (delegate 0))
                (call $f))
              (catch $e (drop (local.get 1)) (rethrow 0)))
            (drop (local.get 2))))"#;
        // the outer try: its arm (local 1), whose rethrow leaves the function; the delegating try
        // goes on to the outer one's landing.
        assert_eq!(sets(wat), vec![vec![1], vec![1]]);
    }

    #[test]
    fn a_delegate_past_a_catch_all_reaches_the_tries_around_its_target() {
        let wat = r#"(module (tag $e) (func $f)
          (func (param i32 i32 i32)
            (try
              (do
                (block $l
                  (try
                    (do (try (do (call $f)) (delegate $l)))
                    (catch_all (drop (local.get 2))))))
              (catch $e (drop (local.get 1))))))"#;
        // The delegating try skips the catch_all one: the outer landing may run too.
        assert_eq!(sets(wat), vec![vec![1], vec![2], vec![1, 2]]);
    }
}
