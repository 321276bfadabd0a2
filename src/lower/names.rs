//! Name suggestions and the free indices of an expression.

use crate::diag::Edit;
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

/// The first `sum` in `e` whose index is already bound where it stands
/// (by an enclosing sum, or in `bound`), with the span of the outer binding.
pub fn rebound_sum_index<'e>(e: &'e Expr, bound: &mut Vec<Ident>) -> Option<(&'e Expr, Span)> {
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
                return Some((e, outer.span));
            }
            bound.push(index.clone());
            let r = rebound_sum_index(body, bound);
            bound.pop();
            r
        }
    }
}

/// The edits that rename the index of the sum `sum` (a node of `whole`) to
/// a name no index of `whole` uses, nor any of `also_taken` (the indices
/// around `whole`): the sum's own index and each use of it in its body that
/// no inner sum rebinds. Empty when `sum` is not a sum.
pub fn rename_sum_index(whole: &Expr, sum: &Expr, also_taken: &[&str]) -> Vec<Edit> {
    let ExprKind::Sum { index, body, .. } = &sum.kind else {
        return Vec::new();
    };
    let mut taken: Vec<String> = also_taken.iter().map(|s| s.to_string()).collect();
    index_names(whole, &mut taken);
    let Some(fresh) = ["k", "l", "p", "q", "r", "s", "t", "m1", "m2"]
        .iter()
        .find(|n| !taken.iter().any(|t| t == *n))
    else {
        return Vec::new();
    };
    let mut spans = vec![index.span];
    uses_of(body, &index.name, &mut spans);
    spans
        .into_iter()
        .map(|span| Edit {
            span,
            text: fresh.to_string(),
        })
        .collect()
}

/// Every name used as an index anywhere in `e`.
fn index_names(e: &Expr, out: &mut Vec<String>) {
    let mut push = |i: &Ident| out.push(i.name.clone());
    crate::lower::env::walk(e, &mut |n| match &n.kind {
        ExprKind::Index { indices, .. } | ExprKind::Deriv { indices, .. } => {
            indices.iter().for_each(&mut push)
        }
        ExprKind::Delta(a, b) => {
            push(a);
            push(b);
        }
        ExprKind::Sum { index, except, .. } => {
            push(index);
            except.iter().for_each(&mut push);
        }
        _ => {}
    });
}

/// The spans of the uses of index `name` in `e` that refer to the binding
/// around `e` (an inner sum over `name` hides its body).
fn uses_of(e: &Expr, name: &str, out: &mut Vec<Span>) {
    let here = |i: &Ident, out: &mut Vec<Span>| {
        if i.name == name {
            out.push(i.span);
        }
    };
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Name(_) => {}
        ExprKind::Call { args, .. } => args.iter().for_each(|a| uses_of(a, name, out)),
        ExprKind::Index { base, indices } => {
            uses_of(base, name, out);
            indices.iter().for_each(|i| here(i, out));
        }
        ExprKind::Neg(a) | ExprKind::Transpose(a) => uses_of(a, name, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            uses_of(lhs, name, out);
            uses_of(rhs, name, out);
        }
        ExprKind::Delta(a, b) => {
            here(a, out);
            here(b, out);
        }
        ExprKind::Deriv { indices, body, .. } => {
            indices.iter().for_each(|i| here(i, out));
            uses_of(body, name, out);
        }
        ExprKind::Sum {
            index,
            except,
            body,
        } => {
            if let Some(j) = except {
                here(j, out);
            }
            if index.name != name {
                uses_of(body, name, out);
            }
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
