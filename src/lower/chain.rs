//! Claims and chains → links, each lowered in its own index scope.

use super::expand::{Lowerer, Scope};
use super::{Link, LinkError, LoweredClaim};
use crate::check::env::check_names;
use crate::check::names::free_indices;
use crate::diag::Diagnostic;
use crate::expr::{Id, IndexId, Node, Store};
use crate::syntax::ast::{Claim, Expr, ExprKind};
use crate::syntax::span::Span;
use std::collections::HashMap;

/// One end of a link: an expression and the line it stands on.
struct Point<'a> {
    expr: &'a Expr,
    line: Span,
    justification: Option<&'a String>,
}

/// Lowers one claim into its links.
pub(crate) fn lower_claim<'a>(lw: &mut Lowerer<'a>, claim: &'a Claim) -> LoweredClaim {
    let mut pairs: Vec<(&'a Expr, &'a Expr, Span, Option<&'a String>)> = Vec::new();
    let claim_lhs = Point {
        expr: &claim.lhs,
        line: claim.span,
        justification: claim.justification.as_ref(),
    };
    if claim.chain.is_empty() {
        pairs.push((
            &claim.lhs,
            &claim.rhs,
            claim.span,
            claim.justification.as_ref(),
        ));
    } else {
        let mut points: Vec<Point<'a>> = Vec::new();
        let mut lines = claim.chain.iter();
        if claim.chain[0].starts_with_eq {
            points.push(claim_lhs);
        } else if let Some(first) = lines.next() {
            // The start line is compared with the claim's left side; the
            // link only exists when they differ.
            if !same_expr(&claim.lhs, &first.expr) {
                pairs.push((
                    &claim.lhs,
                    &first.expr,
                    first.span,
                    first.justification.as_ref(),
                ));
            }
            points.push(Point {
                expr: &first.expr,
                line: first.span,
                justification: first.justification.as_ref(),
            });
        }
        for line in lines {
            points.push(Point {
                expr: &line.expr,
                line: line.span,
                justification: line.justification.as_ref(),
            });
        }
        for w in points.windows(2) {
            pairs.push((w[0].expr, w[1].expr, w[1].line, w[1].justification));
        }
        if let Some(last) = points.last() {
            if !same_expr(last.expr, &claim.rhs) {
                pairs.push((last.expr, &claim.rhs, last.line, None));
            }
        }
    }

    let mut links = Vec::new();
    for (k, (a, b, line, just)) in pairs.iter().enumerate() {
        let result = lower_pair(lw, a, b);
        let is_end = k == 0 || k + 1 == pairs.len();
        match result {
            // A start or end line that says the same as the claim (up to the
            // names of bound indices) is not a step of its own.
            Ok((l, r, _))
                if is_end
                    && !claim.chain.is_empty()
                    && is_claim_side(claim, a, b)
                    && alpha_eq(&lw.store, l, r) => {}
            Ok((lhs, rhs, free)) => links.push(Ok(Link {
                span: *line,
                lhs_span: a.span,
                rhs_span: b.span,
                justification: just.cloned(),
                lhs,
                rhs,
                free,
            })),
            Err(diagnostic) => links.push(Err(LinkError {
                span: *line,
                lhs_span: a.span,
                rhs_span: b.span,
                justification: just.cloned(),
                diagnostic,
            })),
        }
    }
    LoweredClaim {
        name: claim.name.name.clone(),
        span: claim.span,
        links,
    }
}

/// True when the pair joins a chain end to one side of the claim.
fn is_claim_side(claim: &Claim, a: &Expr, b: &Expr) -> bool {
    std::ptr::eq(a, &claim.lhs) || std::ptr::eq(b, &claim.rhs)
}

/// Checks and lowers `a = b` with one shared set of free indices.
pub(crate) fn lower_pair<'a>(
    lw: &mut Lowerer<'a>,
    a: &'a Expr,
    b: &'a Expr,
) -> Result<(Id, Id, Vec<IndexId>), Diagnostic> {
    lw.begin_link();
    for side in [a, b] {
        if let Some(d) = check_names(lw.env, side, &[], None).into_iter().next() {
            return Err(d);
        }
    }
    // Shapes first: indexing a scalar explains a stray index better than
    // the free-index check would.
    let top = Scope::top();
    let sa = lw.shape_of(a, &top)?;
    let sb = lw.shape_of(b, &top)?;
    let fa = free_indices(a);
    let fb = free_indices(b);
    for (here, there, side, other, other_span) in [
        (&fb, &fa, "right", "left", a.span),
        (&fa, &fb, "left", "right", b.span),
    ] {
        if let Some(extra) = here
            .iter()
            .find(|i| !there.iter().any(|j| j.name == i.name))
        {
            return Err(Diagnostic::new(
                extra.span,
                format!("index `{}` is free on the {side} side but not on the {other} side; expected the same free indices on both sides", extra.name),
            )
            .with_label(other_span, format!("the {other} side has no free `{}`", extra.name))
            .with_help(format!("use `{}` on both sides, or bind it with `sum({}, ...)`", extra.name, extra.name)));
        }
    }
    // Ranges of free indices: from their uses, then through deltas.
    let mut pending: Vec<_> = fa.clone();
    let mut progress = true;
    while !pending.is_empty() && progress {
        progress = false;
        let mut still = Vec::new();
        for ix in pending {
            let mut found = lw.infer_dim(&ix.name, a, &top)?;
            if found.is_none() {
                found = lw.infer_dim(&ix.name, b, &top)?;
            }
            match found {
                Some((dim, span)) => {
                    let id = lw.symbols.fresh_index(&ix.name, dim);
                    lw.free.insert(ix.name.clone(), (id, span));
                    progress = true;
                }
                None => still.push(ix),
            }
        }
        pending = still;
    }
    if let Some(ix) = pending.first() {
        return Err(Diagnostic::new(
            ix.span,
            format!(
                "cannot tell the range of index `{}`; expected it to index a vector or matrix",
                ix.name
            ),
        ));
    }
    if sa != sb {
        return Err(Diagnostic::new(
            b.span,
            format!(
                "this side is {} but the other side is {}; expected both sides of an equality to have the same shape",
                sb.describe(&lw.symbols),
                sa.describe(&lw.symbols)
            ),
        )
        .with_label(a.span, sa.describe(&lw.symbols))
        .with_help("index the vector or matrix side to compare one element, e.g. `x[i]`"));
    }
    // A vector or matrix equality holds at every index: fresh indices stand
    // for "every element".
    let elems: Vec<IndexId> =
        sa.0.iter()
            .enumerate()
            .map(|(k, &d)| lw.symbols.fresh_index(&format!("_{}", k + 1), d))
            .collect();
    let l = lw.lower_at(a, &top, &elems)?;
    let r = lw.lower_at(b, &top, &elems)?;
    let mut free: Vec<IndexId> = fa
        .iter()
        .filter_map(|i| lw.free.get(&i.name).map(|x| x.0))
        .collect();
    free.extend(elems);
    Ok((l, r, free))
}

/// Structural equality of two expressions, ignoring spans.
pub(crate) fn same_expr(a: &Expr, b: &Expr) -> bool {
    use ExprKind as K;
    match (&a.kind, &b.kind) {
        (K::Num(x), K::Num(y)) => x == y,
        (K::Name(x), K::Name(y)) => x.name == y.name,
        (K::Call { func: f, args: xs }, K::Call { func: g, args: ys }) => {
            f.name == g.name
                && xs.len() == ys.len()
                && xs.iter().zip(ys).all(|(x, y)| same_expr(x, y))
        }
        (
            K::Index {
                base: x,
                indices: i,
            },
            K::Index {
                base: y,
                indices: j,
            },
        ) => {
            same_expr(x, y) && i.len() == j.len() && i.iter().zip(j).all(|(p, q)| p.name == q.name)
        }
        (K::Neg(x), K::Neg(y)) | (K::Transpose(x), K::Transpose(y)) => same_expr(x, y),
        (
            K::Binary {
                op: o,
                lhs: l1,
                rhs: r1,
            },
            K::Binary {
                op: p,
                lhs: l2,
                rhs: r2,
            },
        ) => o == p && same_expr(l1, l2) && same_expr(r1, r2),
        (
            K::Sum {
                index: i,
                except: e,
                body: x,
            },
            K::Sum {
                index: j,
                except: f,
                body: y,
            },
        ) => {
            i.name == j.name
                && e.as_ref().map(|e| &e.name) == f.as_ref().map(|f| &f.name)
                && same_expr(x, y)
        }
        (K::Delta(a1, b1), K::Delta(a2, b2)) => a1.name == a2.name && b1.name == b2.name,
        (
            K::Deriv {
                var: v,
                indices: i,
                body: x,
            },
            K::Deriv {
                var: w,
                indices: j,
                body: y,
            },
        ) => {
            v.name == w.name
                && i.len() == j.len()
                && i.iter().zip(j).all(|(p, q)| p.name == q.name)
                && same_expr(x, y)
        }
        _ => false,
    }
}

/// Equality of two lowered expressions up to renaming of bound indices
/// (each expansion of a definition binds fresh ones).
pub(crate) fn alpha_eq(store: &Store, a: Id, b: Id) -> bool {
    let mut budget = 200_000u32;
    alpha(store, a, b, &mut HashMap::new(), &mut budget)
}

fn alpha(
    store: &Store,
    a: Id,
    b: Id,
    map: &mut HashMap<IndexId, IndexId>,
    budget: &mut u32,
) -> bool {
    if a == b && map.is_empty() {
        return true;
    }
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let ix =
        |map: &HashMap<IndexId, IndexId>, i: &IndexId, j: &IndexId| map.get(i).unwrap_or(i) == j;
    match (store.get(a), store.get(b)) {
        (Node::Num(x), Node::Num(y)) => x == y,
        (Node::Const(x), Node::Const(y)) => x == y,
        (Node::Var(v, is), Node::Var(w, js)) => {
            v == w && is.len() == js.len() && is.iter().zip(js).all(|(i, j)| ix(map, i, j))
        }
        (Node::Add(xs), Node::Add(ys)) | (Node::Mul(xs), Node::Mul(ys)) => {
            xs.len() == ys.len()
                && xs
                    .clone()
                    .iter()
                    .zip(ys.clone().iter())
                    .all(|(x, y)| alpha(store, *x, *y, map, budget))
        }
        (Node::Pow(x1, y1), Node::Pow(x2, y2)) => {
            let (x1, y1, x2, y2) = (*x1, *y1, *x2, *y2);
            alpha(store, x1, x2, map, budget) && alpha(store, y1, y2, map, budget)
        }
        (Node::Apply(f, x), Node::Apply(g, y)) => f == g && alpha(store, *x, *y, map, budget),
        (
            Node::Sum {
                index: i,
                except: e,
                body: x,
            },
            Node::Sum {
                index: j,
                except: f,
                body: y,
            },
        ) => {
            let same_except = match (e, f) {
                (None, None) => true,
                (Some(e), Some(f)) => ix(map, e, f),
                _ => false,
            };
            if !same_except {
                return false;
            }
            let (i, j, x, y) = (*i, *j, *x, *y);
            let old = map.insert(i, j);
            let r = alpha(store, x, y, map, budget);
            match old {
                Some(o) => map.insert(i, o),
                None => map.remove(&i),
            };
            r
        }
        (Node::Delta(a1, b1), Node::Delta(a2, b2)) => ix(map, a1, a2) && ix(map, b1, b2),
        (
            Node::Deriv {
                body: x,
                var: v,
                at: i,
            },
            Node::Deriv {
                body: y,
                var: w,
                at: j,
            },
        ) => {
            v == w
                && i.len() == j.len()
                && i.iter().zip(j).all(|(p, q)| ix(map, p, q))
                && alpha(store, *x, *y, map, budget)
        }
        _ => false,
    }
}
