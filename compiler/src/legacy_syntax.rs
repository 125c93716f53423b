//! The folded text syntax of the legacy exception instructions, which the `wast` crate no longer
//! parses (it still parses their flat forms):
//!
//! ```text
//! (try $l? bt (do instr*) (catch $t instr*)* (catch_all instr*)?)  =>  try $l? bt instr* catch $t instr* ... end
//! (try $l? bt (do instr*) (delegate L))                            =>  try $l? bt instr* delegate L
//! ```
//!
//! `unfold` rewrites the first into the second before `.wat` or `.wast` text is parsed (the `wast`
//! crate accepts flat instructions anywhere a folded one may stand). Lines stay where they were, so
//! spans still point at the source. A `(try` that does not have exactly this shape, and everything
//! inside strings and comments (a `module quote`), is left as it is, for the parser to reject.

use std::borrow::Cow;

#[derive(Debug)]
enum Node {
    /// A word (keyword, `$id`, number) or a string, by its byte range.
    Atom(usize, usize),
    /// A parenthesised list: the offsets of `(` and `)` and the children.
    List(usize, usize, Vec<Node>),
}

/// The text with every folded legacy `try` written flat (borrowed when there is none).
pub fn unfold(text: &str) -> Cow<'_, str> {
    if !text.contains("(try") && !text.contains("( try") {
        return Cow::Borrowed(text);
    }
    let Some(nodes) = parse(text.as_bytes()) else { return Cow::Borrowed(text) };
    let mut edits = Vec::new();
    for n in &nodes {
        collect_edits(text, n, &mut edits);
    }
    if edits.is_empty() {
        return Cow::Borrowed(text);
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len() + 3 * edits.len());
    let mut at = 0;
    for (start, end, with) in edits {
        out.push_str(&text[at..start]);
        out.push_str(with);
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Splits into nodes, skipping whitespace and comments; `None` if the parentheses do not balance
/// or a string or block comment is not closed (the parser reports those).
fn parse(s: &[u8]) -> Option<Vec<Node>> {
    let mut stack: Vec<(usize, Vec<Node>)> = vec![(0, Vec::new())];
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b';' if s.get(i + 1) == Some(&b';') => {
                while i < s.len() && s[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' if s.get(i + 1) == Some(&b';') => {
                let mut depth = 0;
                loop {
                    if s.get(i..i + 2) == Some(b"(;") {
                        depth += 1;
                        i += 2;
                    } else if s.get(i..i + 2) == Some(b";)") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else if i >= s.len() {
                        return None;
                    } else {
                        i += 1;
                    }
                }
            }
            b'(' => {
                stack.push((i, Vec::new()));
                i += 1;
            }
            b')' => {
                let (open, children) = stack.pop()?;
                stack.last_mut()?.1.push(Node::List(open, i, children));
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < s.len() && s[i] != b'"' {
                    i += if s[i] == b'\\' { 2 } else { 1 };
                }
                if i >= s.len() {
                    return None;
                }
                i += 1;
                stack.last_mut()?.1.push(Node::Atom(start, i));
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < s.len() && !s[i].is_ascii_whitespace() && !matches!(s[i], b'(' | b')' | b'"' | b';') {
                    i += 1;
                }
                stack.last_mut()?.1.push(Node::Atom(start, i));
            }
        }
    }
    match stack.pop() {
        Some((_, top)) if stack.is_empty() => Some(top),
        _ => None,
    }
}

/// The first word of a list.
fn head<'t>(text: &'t str, children: &[Node]) -> Option<&'t str> {
    match children.first() {
        Some(Node::Atom(a, b)) => Some(&text[*a..*b]),
        _ => None,
    }
}

/// Byte-range replacements that write each well-formed folded `try` flat, inner ones included.
fn collect_edits(text: &str, node: &Node, edits: &mut Vec<(usize, usize, &'static str)>) {
    let Node::List(open, close, children) = node else { return };
    for c in children {
        collect_edits(text, c, edits);
    }
    if head(text, children) != Some("try") {
        return;
    }
    // Label and block type, then `(do ...)`, then the clauses.
    let mut rest = children[1..].iter().peekable();
    while let Some(Node::Atom(..)) = rest.peek() {
        rest.next();
    }
    while let Some(Node::List(_, _, c)) = rest.peek() {
        if !matches!(head(text, c), Some("type" | "param" | "result")) {
            break;
        }
        rest.next();
    }
    let Some(Node::List(do_open, do_close, do_children)) = rest.next() else { return };
    if head(text, do_children) != Some("do") {
        return;
    }
    let clauses: Vec<&Node> = rest.collect();
    let heads: Vec<Option<&str>> = clauses
        .iter()
        .map(|n| match n {
            Node::List(_, _, c) => head(text, c),
            Node::Atom(..) => None,
        })
        .collect();
    let delegated = heads == [Some("delegate")];
    let catches = heads.iter().all(|h| matches!(h, Some("catch" | "catch_all")))
        && heads.iter().filter(|h| **h == Some("catch_all")).count() <= 1
        && heads.last().is_none_or(|h| *h == Some("catch_all") || !heads.contains(&Some("catch_all")));
    if !delegated && !catches {
        return;
    }
    edits.push((*open, open + 1, " "));
    edits.push((*do_open, do_open + 3, "   "));
    edits.push((*do_close, do_close + 1, " "));
    for c in clauses {
        if let Node::List(o, e, _) = c {
            edits.push((*o, o + 1, " "));
            edits.push((*e, e + 1, " "));
        }
    }
    edits.push((*close, close + 1, if delegated { " " } else { "end" }));
}

#[cfg(test)]
mod tests {
    use super::unfold;

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    #[test]
    fn writes_catches_flat() {
        let t = "(func (try $l (result i32) (do (i32.const 1)) (catch $e (i32.const 2)) (catch_all (i32.const 3))))";
        let out = unfold(t);
        assert_eq!(
            words(&out),
            words("(func try $l (result i32) (i32.const 1) catch $e (i32.const 2) catch_all (i32.const 3) end)")
        );
    }

    #[test]
    fn writes_delegate_flat_and_nested_tries() {
        let t = "(try (do (try (do) (delegate 0))) (catch_all))";
        assert_eq!(words(&unfold(t)), words("try try delegate 0 catch_all end"));
    }

    #[test]
    fn keeps_lines_strings_comments_and_malformed_forms() {
        let t = "(try\n(do) ;; (try (do))\n(catch_all))\n\"(try (do))\" (; (try (do)) ;)";
        let out = unfold(t);
        assert_eq!(out.lines().count(), t.lines().count());
        assert!(out.contains("\"(try (do))\"") && out.contains("(; (try (do)) ;)"));
        for bad in ["(try (do) (catch_all) (delegate 0))", "(try (do) (delegate) (delegate 0))", "(try (catch_all))"] {
            assert_eq!(unfold(bad), bad);
        }
    }
}
