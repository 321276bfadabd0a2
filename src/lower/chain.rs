//! Claims and chains → links, each lowered in its own index scope.

use super::env::check_names;
use super::expand::{transposed_sides_hint, Lowerer, Scope};
use super::names::free_indices;
use super::{Link, LinkError, LoweredClaim};
use crate::diag::Diagnostic;
use crate::expr::{Id, IndexId, Node, Store};
use crate::syntax::ast::{same_expr, BrokenLine, ChainLine, Claim, Expr, Ident};
use crate::syntax::span::Span;
use std::collections::HashMap;

/// One end of a link: an expression and the line it stands on.
struct Point<'a> {
    expr: &'a Expr,
    line: Span,
    justification: Option<&'a String>,
}

/// Two expressions to be checked equal, with where to report it.
struct Pair<'a> {
    a: &'a Expr,
    b: &'a Expr,
    line: Span,
    justification: Option<&'a String>,
    /// A link the user did not write as a step: the chain's start against
    /// the claim's left side, or its end against the right side. It is
    /// dropped when both say the same up to the names of bound indices.
    implicit: bool,
}

/// One line of a claim's chain, in source order: parsed or not.
enum Line<'a> {
    Parsed(&'a ChainLine),
    Broken(&'a BrokenLine),
}

/// A link to lower, or a chain line that did not parse, in chain order.
enum Step<'a> {
    Pair(Pair<'a>),
    Broken { line: &'a BrokenLine, prev: Span },
}

/// Lowers one claim into its links.
///
/// A chain line that failed to parse is a link in error at its place, so
/// the claim is never verified; it breaks the chain, and the next line
/// starts afresh (the link across the broken line was never written).
pub(crate) fn lower_claim<'a>(lw: &mut Lowerer<'a>, claim: &'a Claim) -> LoweredClaim {
    let whole = Pair {
        a: &claim.lhs,
        b: &claim.rhs,
        line: claim.span,
        justification: claim.justification.as_ref(),
        implicit: false,
    };
    let mut lines: Vec<Line<'a>> = claim.chain.iter().map(Line::Parsed).collect();
    for (k, b) in claim.broken.iter().enumerate() {
        lines.insert((b.after + k).min(lines.len()), Line::Broken(b));
    }
    let mut steps: Vec<Step<'a>> = Vec::new();
    // The previous point of the current run of parsed lines.
    let mut prev: Option<Point<'a>> = None;
    for (n, line) in lines.iter().enumerate() {
        match *line {
            Line::Parsed(l) => {
                let here = Point {
                    expr: &l.expr,
                    line: l.span,
                    justification: l.justification.as_ref(),
                };
                let from = match &prev {
                    Some(p) => Some((p.expr, false)),
                    // The first line: `= b` continues from the claim's
                    // left side; a start line must restate it.
                    None if n == 0 => Some((&claim.lhs, !l.starts_with_eq)),
                    // Right after a broken line: a new run starts here.
                    None => None,
                };
                if let Some((a, implicit)) = from {
                    if !(implicit && same_expr(a, &l.expr)) {
                        steps.push(Step::Pair(Pair {
                            a,
                            b: &l.expr,
                            line: l.span,
                            justification: here.justification,
                            implicit,
                        }));
                    }
                }
                prev = Some(here);
            }
            Line::Broken(b) => {
                let before = prev.as_ref().map_or(claim.lhs.span, |p| p.expr.span);
                steps.push(Step::Broken {
                    line: b,
                    prev: if n == 0 { claim.lhs.span } else { before },
                });
                prev = None;
            }
        }
    }
    if let Some(last) = &prev {
        if !same_expr(last.expr, &claim.rhs) {
            steps.push(Step::Pair(Pair {
                a: last.expr,
                b: &claim.rhs,
                line: last.line,
                justification: None,
                implicit: true,
            }));
        }
    }

    let mut links = Vec::new();
    for step in &steps {
        match step {
            Step::Pair(p) => match lower_pair(lw, p.a, p.b) {
                Ok((l, r, _)) if p.implicit && alpha_eq(&lw.store, l, r) => {}
                result => links.push(link(lw, p, result)),
            },
            Step::Broken { line, prev } => links.push(Err(LinkError {
                span: line.span,
                lhs_span: *prev,
                rhs_span: line.body,
                justification: line.justification.clone(),
                diagnostic: Diagnostic::new(line.error.span, line.error.message.clone()),
            })),
        }
    }
    // A chain that only restates the claim still checks the claim.
    if links.is_empty() {
        let result = lower_pair(lw, whole.a, whole.b);
        links.push(link(lw, &whole, result));
    }
    // The comment on a claim line that has a chain belongs to no step of
    // its own: it goes with the first link, unless that link has one.
    if !lines.is_empty() {
        if let Some(first) = links.first_mut() {
            let slot = match first {
                Ok(l) => &mut l.justification,
                Err(e) => &mut e.justification,
            };
            if slot.is_none() {
                slot.clone_from(&claim.justification);
            }
        }
    }
    let whole = if links.len() >= 2 {
        let result = lower_pair(lw, whole.a, whole.b);
        link(lw, &whole, result).ok()
    } else {
        None
    };
    LoweredClaim {
        name: claim.name.name.clone(),
        span: claim.span,
        links,
        whole,
    }
}

// The result type is the shared `LoweredClaim::links` element.
#[allow(clippy::result_large_err)]
fn link(
    lw: &Lowerer<'_>,
    p: &Pair,
    result: Result<(Id, Id, Vec<IndexId>), Diagnostic>,
) -> Result<Link, LinkError> {
    match result {
        Ok((lhs, rhs, free)) => Ok(Link {
            span: p.line,
            lhs_span: p.a.span,
            rhs_span: p.b.span,
            justification: p.justification.cloned(),
            lhs,
            rhs,
            free,
            lets: super::uses::lets_used(lw.env, &[p.a, p.b]),
            written: [
                super::uses::written(lw.env, p.a),
                super::uses::written(lw.env, p.b),
            ],
        }),
        Err(diagnostic) => Err(LinkError {
            span: p.line,
            lhs_span: p.a.span,
            rhs_span: p.b.span,
            justification: p.justification.cloned(),
            diagnostic,
        }),
    }
}

/// Checks and lowers `a = b` with one shared set of free indices.
pub(crate) fn lower_pair<'a>(
    lw: &mut Lowerer<'a>,
    a: &'a Expr,
    b: &'a Expr,
) -> Result<(Id, Id, Vec<IndexId>), Diagnostic> {
    let (ids, free) = lower_sides(lw, &[a, b])?;
    Ok((ids[0], ids[1], free))
}

/// Checks and lowers one standalone expression (not an equality): its free
/// indices get fresh ids, and a vector or matrix value is lowered at one
/// fresh index per axis, listed after the named ones.
pub(crate) fn lower_single<'a>(
    lw: &mut Lowerer<'a>,
    a: &'a Expr,
) -> Result<(Id, Vec<IndexId>), Diagnostic> {
    let (ids, free) = lower_sides(lw, &[a])?;
    Ok((ids[0], free))
}

/// Lowers the sides of an equality (or one expression) with one shared set
/// of free indices; with two sides, checks that their free indices and
/// shapes agree.
fn lower_sides<'a>(
    lw: &mut Lowerer<'a>,
    sides: &[&'a Expr],
) -> Result<(Vec<Id>, Vec<IndexId>), Diagnostic> {
    lw.begin_link();
    for side in sides {
        if let Some(d) = check_names(lw.env, side, &[], None).into_iter().next() {
            return Err(d);
        }
    }
    // Shapes first: indexing a scalar explains a stray index better than
    // the free-index check would.
    let top = Scope::top();
    if let [a, b] = sides {
        lw.size_identities(None, a, b, &top)?;
    }
    let mut shapes = Vec::new();
    for side in sides {
        shapes.push(match sides {
            // One expression on its own: a transposed vector there means
            // nothing the vector does not.
            [_] => lw.value_shape(side, &top)?,
            _ => lw.shape_of(side, &top)?,
        });
    }
    if let ([a, b], [sa, sb]) = (sides, &shapes[..]) {
        if sa.rank() == 1 && sa == sb {
            layout_note(lw, a, b, &top)?;
        }
    }
    let frees: Vec<Vec<_>> = sides.iter().map(|s| free_indices(s)).collect();
    // An equality holds for each value of its free indices, so a side that
    // does not mention one is constant in it: `∂/∂z[j] c = 0` is a claim
    // about every `j`. The link's free indices are those of either side; a
    // side that depends on one the other lacks makes the link false, which
    // the witnesses find (two values of the index that differ).
    let mut all: Vec<Ident> = Vec::new();
    for ix in frees.iter().flatten() {
        if !all.iter().any(|a| a.name == ix.name) {
            all.push(ix.clone());
        }
    }
    // Ranges of free indices: from their uses, then through deltas.
    let mut pending: Vec<_> = all.clone();
    let mut progress = true;
    while !pending.is_empty() && progress {
        progress = false;
        let mut still = Vec::new();
        for ix in pending {
            let mut found = None;
            for side in sides {
                if found.is_none() {
                    found = lw.infer_dim(&ix.name, side, &top)?;
                }
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
    if let ([a, b], [sa, sb]) = (sides, &shapes[..]) {
        if sa != sb {
            let d = Diagnostic::new(
                b.span,
                format!(
                    "this side is {} but the other side is {}; expected both sides of an equality to have the same shape",
                    sb.describe(&lw.symbols),
                    sa.describe(&lw.symbols)
                ),
            )
            .with_label(a.span, sa.describe(&lw.symbols));
            return Err(match (&sa.0[..], &sb.0[..]) {
                ([p, q], [r, s]) if p == s && q == r => {
                    let (help, span, text) = transposed_sides_hint(a, b);
                    d.with_help(help).with_fix(span, text)
                }
                _ => d.with_help("index the vector or matrix side to compare one element, e.g. `x[i]`, or make both sides the same shape"),
            });
        }
    }
    // A vector or matrix equality holds at every index: fresh indices stand
    // for "every element". They are named after the dimension's usual
    // index letter so that a counterexample reads `i = 2`, not `_1 = 2`.
    let elems = element_indices(lw, &shapes[0], &all);
    let mut ids = Vec::new();
    for side in sides {
        ids.push(lw.lower_at(side, &top, &elems)?);
    }
    let mut free: Vec<IndexId> = all
        .iter()
        .filter_map(|i| lw.free.get(&i.name).map(|x| x.0))
        .collect();
    free.extend(elems);
    Ok((ids, free))
}

/// An equality between a row vector and a column vector (`(ŷ − y)ᵀ W2 =
/// W2ᵀ (ŷ − y)`) compares them element by element, as the layouts' readers
/// mean it: accepted, with a warning that the sides are equal only up to
/// transposition. A gradient `∂L/∂x` stands either way and needs no note.
fn layout_note<'a>(
    lw: &mut Lowerer<'a>,
    a: &'a Expr,
    b: &'a Expr,
    top: &std::rc::Rc<Scope<'a>>,
) -> Result<(), Diagnostic> {
    use super::expand::matrix::Orientation::{Column, Row};
    let (oa, ob) = (lw.orientation(a, top)?, lw.orientation(b, top)?);
    let (row, col) = match (oa, ob) {
        (Row, Column) => (a, b),
        (Column, Row) => (b, a),
        _ => return Ok(()),
    };
    lw.warnings.push(
        Diagnostic::new(
            row.span,
            "this side is a row vector and the other a column vector: the sides are equal up to transposition, compared element by element",
        )
        .with_label(col.span, "a column vector")
        .with_help("transpose one side to state the same layout on both"),
    );
    Ok(())
}

/// Fresh indices for every element of a value of `shape`: `i`, `j` for the
/// first two axes (then `k`, `l`, ...), skipping names already free in the
/// link so a counterexample never shows two different indices by one name.
fn element_indices(
    lw: &mut Lowerer<'_>,
    shape: &super::shape::Shape,
    named: &[crate::syntax::ast::Ident],
) -> Vec<IndexId> {
    let mut taken: Vec<String> = named.iter().map(|i| i.name.clone()).collect();
    let mut out = Vec::new();
    for &d in &shape.0 {
        let name = ["i", "j", "k", "l", "p", "q", "r", "s"]
            .iter()
            .map(|s| s.to_string())
            .find(|n| !taken.contains(n))
            .unwrap_or_else(|| format!("_{}", out.len() + 1));
        taken.push(name.clone());
        out.push(lw.symbols.fresh_index(&name, d));
    }
    out
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
