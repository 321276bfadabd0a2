//! Name suggestions and the free indices of an expression.

use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::syntax::span::Span;
use unicode_normalization::UnicodeNormalization;

/// The Levenshtein distance between two names, counted in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Other names people give the builtins, and the builtin each means.
const ALIASES: &[(&str, &str)] = &[
    ("sigma", "sigmoid"),
    ("logistic", "sigmoid"),
    ("expit", "sigmoid"),
    ("ln", "log"),
];

/// The candidate closest to `name`, if it is close enough to be a likely typo.
///
/// In order: the name's compatibility form (`ｘ`, a full-width letter, is
/// `x`), a common other name of a builtin (`sigma` → `sigmoid`), then the
/// closest candidate within one edit for names of up to three characters
/// and two for longer ones, as long as the two share something: a one-letter
/// name is never "one edit" from another one-letter name (`z` is not a typo
/// of `e`).
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    let mut cands: Vec<&str> = candidates.into_iter().filter(|c| *c != name).collect();
    if let Some(indexed) = subscripted(name, &cands) {
        return Some(indexed);
    }
    if name.contains('_') {
        // `p_i` is an element written with a subscript, never the
        // constant `pi` (nor `e` for `e_1`).
        cands.retain(|c| !matches!(*c, "pi" | "e"));
    }
    let folded: String = name.nfkc().collect();
    if folded != name {
        if let Some(c) = cands.iter().find(|c| **c == folded) {
            return Some(c.to_string());
        }
    }
    if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == name) {
        if cands.contains(to) {
            return Some(to.to_string());
        }
    }
    let len = name.chars().count();
    let limit = if len <= 3 { 1 } else { 2 };
    cands
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, c)| d <= limit && d < len.max(c.chars().count()))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

/// `p_i` → `p[i]`, `W1_ij` → `W1[i, j]`: a subscript written as part of
/// a name, when what comes before the `_` is a known name.
fn subscripted(name: &str, cands: &[&str]) -> Option<String> {
    let (base, sub) = name.rsplit_once('_')?;
    if !cands.contains(&base) || sub.is_empty() || !sub.chars().all(char::is_alphabetic) {
        return None;
    }
    let indices: Vec<String> = match sub.chars().count() {
        2 => sub.chars().map(String::from).collect(),
        _ => vec![sub.to_string()],
    };
    Some(format!("{base}[{}]", indices.join(", ")))
}

/// The free index names of `expr` (not bound by an enclosing `sum` inside
/// it), each once, at its first appearance in source order.
pub fn free_indices(expr: &Expr) -> Vec<Ident> {
    let mut out = Vec::new();
    collect_free(expr, &mut Vec::new(), &mut out);
    out
}

fn note(id: &Ident, bound: &[String], out: &mut Vec<Ident>) {
    if !bound.contains(&id.name) && !out.iter().any(|o| o.name == id.name) {
        out.push(id.clone());
    }
}

fn collect_free(expr: &Expr, bound: &mut Vec<String>, out: &mut Vec<Ident>) {
    match &expr.kind {
        ExprKind::Num(_) | ExprKind::Name(_) => {}
        ExprKind::Call { args, .. } => {
            for a in args {
                collect_free(a, bound, out);
            }
        }
        ExprKind::Index { base, indices } => {
            collect_free(base, bound, out);
            for i in indices {
                note(i, bound, out);
            }
        }
        ExprKind::Neg(a) | ExprKind::Transpose(a) => collect_free(a, bound, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            collect_free(lhs, bound, out);
            collect_free(rhs, bound, out);
        }
        ExprKind::Sum {
            index,
            except,
            body,
        } => {
            if let Some(j) = except {
                note(j, bound, out);
            }
            bound.push(index.name.clone());
            collect_free(body, bound, out);
            bound.pop();
        }
        ExprKind::Delta(a, b) => {
            note(a, bound, out);
            note(b, bound, out);
        }
        ExprKind::Deriv { indices, body, .. } => {
            // `∂/∂z[j] body` is read with the variable first; `∂L/∂z[j]` has a
            // bare name as body, so this order matches the source in both.
            for i in indices {
                note(i, bound, out);
            }
            collect_free(body, bound, out);
        }
    }
}

/// The indices bound by the sums in `e`, in source order.
pub fn sum_indices(e: &Expr) -> Vec<&Ident> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Num(_) | ExprKind::Name(_) | ExprKind::Delta(..) => {}
            ExprKind::Call { args, .. } => stack.extend(args.iter().rev()),
            ExprKind::Index { base, .. } => stack.push(base),
            ExprKind::Neg(a) | ExprKind::Transpose(a) => stack.push(a),
            ExprKind::Binary { lhs, rhs, .. } => {
                stack.push(rhs);
                stack.push(lhs);
            }
            ExprKind::Deriv { body, .. } => stack.push(body),
            ExprKind::Sum { index, body, .. } => {
                out.push(index);
                stack.push(body);
            }
        }
    }
    out
}

/// The first `sum` in `e` whose index is already bound where it stands
/// (by an enclosing sum, or in `bound`), with the span of the outer binding.
pub fn rebound_sum_index(e: &Expr, bound: &mut Vec<Ident>) -> Option<(Ident, Span)> {
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Name(_) | ExprKind::Delta(..) => None,
        ExprKind::Call { args, .. } => args.iter().find_map(|a| rebound_sum_index(a, bound)),
        ExprKind::Index { base, .. } => rebound_sum_index(base, bound),
        ExprKind::Neg(a) | ExprKind::Transpose(a) => rebound_sum_index(a, bound),
        ExprKind::Binary { lhs, rhs, .. } => {
            rebound_sum_index(lhs, bound).or_else(|| rebound_sum_index(rhs, bound))
        }
        ExprKind::Deriv { body, .. } => rebound_sum_index(body, bound),
        ExprKind::Sum { index, body, .. } => {
            if let Some(outer) = bound.iter().find(|b| b.name == index.name) {
                return Some((index.clone(), outer.span));
            }
            bound.push(index.clone());
            let r = rebound_sum_index(body, bound);
            bound.pop();
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        let cases = [
            ("", "", 0),
            ("x", "", 1),
            ("sigma", "sigmoid", 3),
            ("softmx", "softmax", 1),
            ("ŷ", "y", 1),
            ("abc", "abc", 0),
        ];
        for (a, b, d) in cases {
            assert_eq!(edit_distance(a, b), d, "{a} {b}");
        }
    }

    #[test]
    fn subscripts_are_suggested_as_indices_never_as_pi() {
        let values = ["e", "p", "pi", "z", "W1", "x"];
        for (name, want) in [
            ("p_i", Some("p[i]")),
            ("z_j", Some("z[j]")),
            ("W1_ij", Some("W1[i, j]")),
            ("x_k", Some("x[k]")),
            // An unknown base: no index form, and still not `pi`.
            ("q_i", None),
            ("e_1", None),
        ] {
            assert_eq!(did_you_mean(name, values).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn suggestions() {
        let cands = ["softmax", "sigma", "x", "W1"];
        assert_eq!(did_you_mean("softmx", cands), Some("softmax".into()));
        assert_eq!(did_you_mean("W2", cands), Some("W1".into()));
        assert_eq!(did_you_mean("zzzzz", cands), None);
        // Short names need to be within one edit.
        assert_eq!(did_you_mean("ab", ["xy"]), None);
        // A one-letter name is not a typo of another one-letter name.
        let values = ["e", "pi", "x", "x1"];
        assert_eq!(did_you_mean("z", values), None);
        assert_eq!(did_you_mean("d", values), None);
        assert_eq!(did_you_mean("x2", ["e", "x1"]), Some("x1".into()));
        assert_eq!(did_you_mean("p", values), Some("pi".into()));
        // A full-width letter is its ASCII letter, when that exists.
        assert_eq!(did_you_mean("ｘ", values), Some("x".into()));
        assert_eq!(did_you_mean("ｚ", values), None);
        // Other names of builtins.
        let funcs = ["exp", "log", "sigmoid", "sin"];
        assert_eq!(did_you_mean("sigma", funcs), Some("sigmoid".into()));
        assert_eq!(did_you_mean("logistic", funcs), Some("sigmoid".into()));
        assert_eq!(did_you_mean("sigma", ["x"]), None);
    }
}
