//! Sums written out with dots: `e^{z_1} + e^{z_2} + \dots + e^{z_n}` is
//! `Σ_k e^{z_k}`, with a bound index `k` not used elsewhere in the step.
//!
//! The pattern: terms alike but for one index, which is 1, 2, … (or 0, 1,
//! …) in the terms before the dots and a name (`n`, the index's range) in
//! the term after them. The language sums over an index's whole range, so
//! a run that starts elsewhere or ends at a number is refused rather than
//! read as a different sum. Until this step, `z_1` is kept as an index
//! named `1`; any such index left after it is refused by the step's check.

use super::expr::{err, node, R};
use super::names;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident};
use crate::syntax::span::Span;
use std::collections::HashSet;

/// A term of a sum as read, before folding: its sign and expression, or
/// the dots (with the sign before them).
pub(crate) enum Term {
    /// `+ e` or `- e` (the first term's operator is `Add`).
    Expr(BinOp, Expr),
    /// `+ \dots`.
    Dots(BinOp, Span),
}

const PATTERN: &str =
    "an explicit sum is read as `a_1 + a_2 + \\dots + a_n`: terms alike but for one index, from 1 to a name";

/// Replaces each dotted run of `terms` by one sum.
pub(crate) fn resolve(mut terms: Vec<Term>, declared: &dyn Fn(&str) -> bool) -> R<Vec<Term>> {
    while let Some(d) = terms.iter().position(|t| matches!(t, Term::Dots(..))) {
        let Term::Dots(op, span) = terms[d] else {
            break;
        };
        let fail = |why: &str| Err(err(span, format!("{why}; {PATTERN}")));
        if op != BinOp::Add {
            return fail("dots after `-` are not read");
        }
        let last = match terms.get(d + 1) {
            Some(Term::Expr(BinOp::Add, e)) => e.clone(),
            _ => return fail("expected `+` and the last term after the dots"),
        };
        let mut used = HashSet::new();
        for t in &terms {
            if let Term::Expr(_, e) = t {
                collect_names(e, &mut used, 0);
            }
        }
        let k = names::fresh_index(&|n| used.contains(n) || declared(n));
        // Walk back from the dots while the terms count down to 1 (or 0).
        let mut run: Option<(usize, u64, String, Expr)> = None;
        let mut j = d;
        while j > 0 {
            let Term::Expr(op, e) = &terms[j - 1] else {
                break;
            };
            // A term after `-` cannot belong to the run (the first term's
            // operator means nothing).
            if j > 1 && *op != BinOp::Add {
                break;
            }
            let mut pair = None;
            let Some(body) = zip(e, &last, &mut pair, &k, 0) else {
                break;
            };
            let Some((v, end)) = pair else {
                break;
            };
            let Ok(v) = v.parse::<u64>() else {
                break;
            };
            if let Some((_, next, ref end0, _)) = run {
                if v + 1 != next || *end0 != end {
                    break;
                }
            }
            run = Some((j - 1, v, end, body));
            if v <= 1 {
                break;
            }
            j -= 1;
        }
        let Some((start, first, end, body)) = run else {
            return fail("the terms before the dots are not like the term after them");
        };
        if first > 1 {
            return fail("the terms before the dots must start at index 1 (or 0)");
        }
        if end.starts_with(|c: char| c.is_ascii_digit()) {
            return fail("the last term must end at a name (such as `n`), the index's whole range");
        }
        let first_span = match &terms[start] {
            Term::Expr(_, e) => e.span,
            Term::Dots(_, s) => *s,
        };
        let first_op = match &terms[start] {
            Term::Expr(op, _) => *op,
            Term::Dots(op, _) => *op,
        };
        let whole = first_span.join(last.span);
        let kind = ExprKind::Sum {
            index: Ident { name: k, span },
            except: None,
            body: Box::new(body),
        };
        terms.splice(start..=d + 1, [Term::Expr(first_op, node(kind, whole))]);
    }
    Ok(terms)
}

/// `b` with the index where it differs from `a` renamed `k`, if `a` and
/// `b` are alike but for one index: digits in `a` (recorded with `b`'s
/// name for it in `pair`), the same everywhere it differs.
fn zip(
    a: &Expr,
    b: &Expr,
    pair: &mut Option<(String, String)>,
    k: &str,
    depth: usize,
) -> Option<Expr> {
    if depth > super::MAX_DEPTH * 4 {
        return None;
    }
    let z = |x: &Expr, y: &Expr, pair: &mut Option<(String, String)>| zip(x, y, pair, k, depth + 1);
    let kind = match (&a.kind, &b.kind) {
        (ExprKind::Num(x), ExprKind::Num(y)) if x == y => b.kind.clone(),
        (ExprKind::Name(x), ExprKind::Name(y)) if x.name == y.name => b.kind.clone(),
        (ExprKind::Call { func: f, args: xs }, ExprKind::Call { func: g, args: ys })
            if f.name == g.name && xs.len() == ys.len() =>
        {
            let args = xs
                .iter()
                .zip(ys)
                .map(|(x, y)| z(x, y, pair))
                .collect::<Option<Vec<_>>>()?;
            ExprKind::Call {
                func: g.clone(),
                args,
            }
        }
        (
            ExprKind::Index {
                base: x,
                indices: xi,
            },
            ExprKind::Index {
                base: y,
                indices: yi,
            },
        ) if xi.len() == yi.len() => ExprKind::Index {
            base: Box::new(z(x, y, pair)?),
            indices: zip_idents(xi, yi, pair, k)?,
        },
        (ExprKind::Neg(x), ExprKind::Neg(y)) => ExprKind::Neg(Box::new(z(x, y, pair)?)),
        (ExprKind::Transpose(x), ExprKind::Transpose(y)) => {
            ExprKind::Transpose(Box::new(z(x, y, pair)?))
        }
        (
            ExprKind::Binary {
                op: o1,
                lhs: l1,
                rhs: r1,
            },
            ExprKind::Binary {
                op: o2,
                lhs: l2,
                rhs: r2,
            },
        ) if o1 == o2 => ExprKind::Binary {
            op: *o2,
            lhs: Box::new(z(l1, l2, pair)?),
            rhs: Box::new(z(r1, r2, pair)?),
        },
        (
            ExprKind::Sum {
                index: i1,
                except: e1,
                body: b1,
            },
            ExprKind::Sum {
                index: i2,
                except: e2,
                body: b2,
            },
        ) if i1.name == i2.name && e1.as_ref().map(|e| &e.name) == e2.as_ref().map(|e| &e.name) => {
            ExprKind::Sum {
                index: i2.clone(),
                except: e2.clone(),
                body: Box::new(z(b1, b2, pair)?),
            }
        }
        (ExprKind::Delta(a1, b1), ExprKind::Delta(a2, b2)) => {
            let v = zip_idents(
                &[a1.clone(), b1.clone()],
                &[a2.clone(), b2.clone()],
                pair,
                k,
            )?;
            let [x, y] = <[Ident; 2]>::try_from(v).ok()?;
            ExprKind::Delta(x, y)
        }
        (
            ExprKind::Deriv {
                var: v1,
                indices: i1,
                body: b1,
            },
            ExprKind::Deriv {
                var: v2,
                indices: i2,
                body: b2,
            },
        ) if v1.name == v2.name && i1.len() == i2.len() => ExprKind::Deriv {
            var: v2.clone(),
            indices: zip_idents(i1, i2, pair, k)?,
            body: Box::new(z(b1, b2, pair)?),
        },
        _ => return None,
    };
    Some(node(kind, b.span))
}

fn zip_idents(
    xs: &[Ident],
    ys: &[Ident],
    pair: &mut Option<(String, String)>,
    k: &str,
) -> Option<Vec<Ident>> {
    xs.iter()
        .zip(ys)
        .map(|(x, y)| {
            if x.name == y.name {
                return Some(y.clone());
            }
            if !x.name.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            let p = (x.name.clone(), y.name.clone());
            match pair {
                Some(q) if *q != p => return None,
                _ => *pair = Some(p),
            }
            Some(Ident {
                name: k.to_string(),
                span: y.span,
            })
        })
        .collect()
}

/// Every name and index name in `e`.
fn collect_names(e: &Expr, out: &mut HashSet<String>, depth: usize) {
    if depth > super::MAX_DEPTH * 4 {
        return;
    }
    let mut ids = |v: &[Ident]| out.extend(v.iter().map(|i| i.name.clone()));
    match &e.kind {
        ExprKind::Num(_) => {}
        ExprKind::Name(n) => ids(std::slice::from_ref(n)),
        ExprKind::Call { args, .. } => args.iter().for_each(|a| collect_names(a, out, depth + 1)),
        ExprKind::Index { base, indices } => {
            ids(indices);
            collect_names(base, out, depth + 1);
        }
        ExprKind::Neg(x) | ExprKind::Transpose(x) => collect_names(x, out, depth + 1),
        ExprKind::Binary { lhs, rhs, .. } => {
            collect_names(lhs, out, depth + 1);
            collect_names(rhs, out, depth + 1);
        }
        ExprKind::Sum {
            index,
            except,
            body,
        } => {
            ids(std::slice::from_ref(index));
            if let Some(x) = except {
                ids(std::slice::from_ref(x));
            }
            collect_names(body, out, depth + 1);
        }
        ExprKind::Delta(a, b) => ids(&[a.clone(), b.clone()]),
        ExprKind::Deriv { var, indices, body } => {
            ids(std::slice::from_ref(var));
            ids(indices);
            collect_names(body, out, depth + 1);
        }
    }
}
