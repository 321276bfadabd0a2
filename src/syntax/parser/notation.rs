//! The notations of derivations on paper that are sugar for calls and
//! derivatives: Leibniz forms with an expression on top (`dσ(x)/dx`,
//! `∂softmax(z)[i]/∂z[j]`, `d²f/dx²`, `∂²L/∂x∂y`), primes (`σ′(x)`,
//! `f''(x)`), roots (`√x`), norms (`‖v‖`, `‖v‖_2`) and absolute values
//! (`|x|`). None of them has a node of its own: each is written in the
//! tree as the call or derivative it stands for, so every later stage (and
//! the printer) already knows it.

use super::{
    bracket_names, call_args, canonical_function, close, cut, deriv_var, failure, ident, postfix,
    product, token, Cx, Level, PErr, Res, INDEX_NAME,
};
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::syntax::lexical::{blank, ident_prefix, is_ident_start};
use nom::Parser;

/// The mark that spells one prime in a function's name (`sigmoid′`): the
/// tree's one spelling of `'`, `′` and `″` (two).
pub const PRIME: char = '′';

/// A primed function name (`sigmoid′′`, as the parser spells `σ''`): the
/// function's name and how many primes follow it. `None` without a prime.
pub fn split_primes(name: &str) -> Option<(&str, usize)> {
    let base = name.trim_end_matches(PRIME);
    let n = name[base.len()..].chars().count();
    (n > 0 && !base.is_empty()).then_some((base, n))
}

/// The primes right after a function's name, `'`, `′` or `″` (two), as a
/// count and the rest.
pub(super) fn primes(i: &str) -> (usize, &str) {
    let mut n = 0;
    let mut rest = i;
    loop {
        if let Some(r) = rest.strip_prefix('\'').or_else(|| rest.strip_prefix('′')) {
            n += 1;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('″') {
            n += 2;
            rest = r;
        } else {
            return (n, rest);
        }
    }
}

/// `name′(args)`: the call of the `n`-th derivative of the function, named
/// `name` followed by `n` primes. `after` is what follows the primes.
pub(super) fn primed_call<'s>(
    cx: &Cx<'s>,
    j: &'s str,
    name: Ident,
    n: usize,
    after: &'s str,
) -> Res<'s, Expr> {
    if !after.starts_with('(') {
        return failure(PErr::expected(
            after,
            format!(
                "`(` and the argument right after `{}{}`: a prime marks the derivative of a function, as in `f′(x)`",
                name.name,
                PRIME.to_string().repeat(n)
            ),
        ));
    }
    let _g = cx.enter(j, Level::Nest)?;
    let (r, args) = call_args(cx, after)?;
    let mut func_name = canonical_function(&name.name).to_string();
    func_name.extend(std::iter::repeat_n(PRIME, n));
    let func = Ident {
        name: func_name,
        span: cx.span(j, after),
    };
    Ok((r, cx.node(ExprKind::Call { func, args }, j, r)))
}

/// An order written after `d`, `∂` or a denominator's variable: `²`, `³`,
/// `^2`, `^3` (no blanks before it). `None` when there is none.
fn order(i: &str) -> Option<(u32, &str)> {
    if let Some(r) = i.strip_prefix('²') {
        return Some((2, r));
    }
    if let Some(r) = i.strip_prefix('³') {
        return Some((3, r));
    }
    let r = i.strip_prefix('^')?;
    let r = blank(r);
    let (n, r) = match r.strip_prefix('{') {
        Some(inner) => {
            let inner = blank(inner);
            let d = inner.chars().next()?;
            (d, blank(&inner[d.len_utf8()..]).strip_prefix('}')?)
        }
        None => {
            let d = r.chars().next()?;
            (d, &r[d.len_utf8()..])
        }
    };
    match n {
        '2' => Some((2, r)),
        '3' => Some((3, r)),
        _ => None,
    }
}

/// The derivative of `body` by each variable of `denoms` as often as its
/// order says; the last variable written is differentiated by first
/// (`∂²L/∂x∂y` is `∂/∂x (∂L/∂y)`).
fn nest(
    cx: &Cx<'_>,
    body: Expr,
    denoms: Vec<(Ident, Vec<Ident>, u32)>,
    from: &str,
    rest: &str,
) -> Expr {
    let mut e = body;
    for (var, indices, n) in denoms.into_iter().rev() {
        for _ in 0..n {
            e = cx.node(
                ExprKind::Deriv {
                    var: var.clone(),
                    indices: indices.clone(),
                    body: Box::new(e),
                },
                from,
                rest,
            );
        }
    }
    e
}

/// The denominators of a Leibniz form of order `total`, after its `/`:
/// `dx²`, `∂x ∂y`, `∂z[j]`, each `mark` glued to its variable, their
/// orders adding up to `total`.
fn denominators<'s>(
    cx: &Cx<'s>,
    i: &'s str,
    mark: char,
    total: u32,
    start: &'s str,
) -> Res<'s, Vec<(Ident, Vec<Ident>, u32)>> {
    let mut denoms = Vec::new();
    let mut seen = 0;
    let mut i = i;
    while seen < total {
        let j = blank(i);
        let Some(after) = j.strip_prefix(mark) else {
            return failure(PErr::expected(
                j,
                format!(
                    "`{mark}` and a variable: the orders below the line must add up to the {total} above it"
                ),
            ));
        };
        let (r, (var, indices)) = deriv_var(cx, after)?;
        let (n, r) = if total > 1 {
            order(r).unwrap_or((1, r))
        } else {
            (1, r)
        };
        seen += n;
        denoms.push((var, indices, n));
        i = r;
    }
    if seen > total {
        let len = cx.span(start, i);
        return failure(PErr::custom(
            start,
            len.end - len.start,
            format!(
                "the orders below the line add up to {seen}, but the order above it is {total}"
            ),
        ));
    }
    Ok((i, denoms))
}

/// What stands on top of a Leibniz fraction: a name, a call (`σ(x)`,
/// `L(y, ŷ)`), each optionally indexed (`ŷ[i]`, `softmax(z)[i]`).
fn top<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let start = blank(i);
    let what = "a name or a call above the fraction line (as in `∂L/∂x` or `∂σ(x)/∂x`)";
    let (rest, name) = cut(|k| ident(cx, k, what)).parse(start)?;
    let (rest, mut body) = if rest.starts_with('(') {
        let (r, args) = call_args(cx, rest)?;
        let func = Ident {
            name: canonical_function(&name.name).to_string(),
            span: name.span,
        };
        (r, cx.node(ExprKind::Call { func, args }, start, r))
    } else {
        let e = Expr {
            span: name.span,
            kind: ExprKind::Name(name),
        };
        (rest, e)
    };
    let mut rest = rest;
    if blank(rest).starts_with('[') {
        let (r, indices) = bracket_names(cx, blank(rest), INDEX_NAME)?;
        body = cx.node(
            ExprKind::Index {
                base: Box::new(body),
                indices,
            },
            start,
            r,
        );
        rest = r;
    }
    Ok((rest, body))
}

/// `∂…/∂…` at `j`, which starts with `∂` but not with `∂/`: `∂L/∂x`,
/// `∂ŷ[i]/∂z[j]`, `∂σ(x)/∂x`, `∂L(y, ŷ)/∂z`, `∂²L/∂x²`, `∂²L/∂x∂y`.
pub(super) fn partial_fraction<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    let after = &j['∂'.len_utf8()..];
    let (n, after) = order(after).unwrap_or((1, after));
    let (rest, body) = top(cx, after)?;
    let (rest, _) = cut(token("/")).parse(rest)?;
    let (rest, denoms) = denominators(cx, rest, '∂', n, j)?;
    Ok((rest, nest(cx, body, denoms, j, rest)))
}

/// `∂²/∂x² body`, `∂^2/∂x∂y body` at `j` (an order, then `/`): the rest
/// after the order's `/`, and the order.
pub(super) fn higher_operator(j: &str, mark: char) -> Option<(u32, &str)> {
    let after = j.strip_prefix(mark)?;
    let (n, r) = order(after)?;
    let r = blank(r).strip_prefix('/')?;
    blank(r).starts_with(mark).then_some((n, r))
}

/// `d²/dx² body`, `∂²/∂x∂y body`: the operator form of a higher derivative,
/// `n` and the text after the `/` found by [`higher_operator`].
pub(super) fn higher_prefix<'s>(
    cx: &Cx<'s>,
    j: &'s str,
    mark: char,
    n: u32,
    after: &'s str,
) -> Res<'s, Expr> {
    let _g = cx.enter(j, Level::Nest)?;
    let (r, denoms) = denominators(cx, after, mark, n, j)?;
    let (rest, body) = cut(|k| product(cx, k)).parse(r)?;
    Ok((rest, nest(cx, body, denoms, j, rest)))
}

/// `dσ(x)/dx`, `df(x)/dx`, `d²f/dx²`, `d^2 f(x)/dx^2` at `j`: a Leibniz
/// fraction with an ordinary `d`. Without an order, what is on top must be
/// a call glued to the `d`, so that `dx/dt` (a name `dx` divided by `dt`)
/// keeps its meaning. `None` when `j` is not such a fraction.
pub(super) fn d_fraction<'s>(cx: &Cx<'s>, j: &'s str) -> Option<Res<'s, Expr>> {
    let after = j.strip_prefix('d')?;
    if let Some((n, r)) = order(after) {
        let r = blank(r);
        if !r.starts_with(is_ident_start) {
            return None;
        }
        let (rest, body) = match top(cx, r) {
            Ok(x) => x,
            Err(e) => return Some(Err(e)),
        };
        let rest = blank(rest).strip_prefix('/')?;
        if !blank(rest).starts_with('d') {
            return None;
        }
        return Some(
            denominators(cx, rest, 'd', n, j)
                .map(|(rest, denoms)| (rest, nest(cx, body, denoms, j, rest))),
        );
    }
    // `dσ(x)/dx`: the name glued to `d`, then a call.
    let name = ident_prefix(after)?;
    let call = &after[name.len()..];
    if !call.starts_with('(') || matches!(&j[..name.len() + 1], "delta" | "diff") {
        return None;
    }
    let rest = close_of_call(call)?;
    let var = d_var(rest)?;
    if !mentions(&call[..call.len() - rest.len()], var) {
        return None;
    }
    Some((|| {
        let (rest, body) = top(cx, after)?;
        let (rest, _) = cut(token("/")).parse(rest)?;
        let (rest, denoms) = denominators(cx, rest, 'd', 1, j)?;
        Ok((rest, nest(cx, body, denoms, j, rest)))
    })())
}

/// The variable's name when `r` (after a call) is `/dVAR`, optionally
/// after an index on the call.
fn d_var(r: &str) -> Option<&str> {
    let mut r = blank(r);
    if r.starts_with('[') {
        r = blank(&r[r.find(']')? + 1..]);
    }
    let r = blank(r.strip_prefix('/')?).strip_prefix('d')?;
    ident_prefix(r)
}

/// Does `text` mention the name `var` (as a whole name)? `dσ(x)/dx` is a
/// derivative, `dfoo(x)/dy` a quotient: a derivative of a call by a
/// variable its arguments do not mention would be written by no one.
fn mentions(text: &str, var: &str) -> bool {
    let mut prev_continues = false;
    for (k, c) in text.char_indices() {
        if !prev_continues && ident_prefix(&text[k..]) == Some(var) {
            return true;
        }
        prev_continues = crate::syntax::lexical::is_ident_continue(c);
    }
    false
}

/// The text after the `)` that closes the call opened at `open`, counting
/// brackets only (a look-ahead: the call is parsed for real afterwards).
fn close_of_call(open: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (k, c) in open.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&open[k + 1..]);
                }
            }
            _ => {}
        }
    }
    None
}

/// `√x`, `√(a + b)`, `√x[i]` at `j`: `sqrt` of the operand, which is a
/// postfix-level expression (`√x²` is `sqrt(x²)`, `√x^2` is `(√x)^2`).
pub(super) fn root<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    let _g = cx.enter(j, Level::Nest)?;
    let after = &j['√'.len_utf8()..];
    let (rest, arg) = cut(|k| postfix(cx, k)).parse(after)?;
    let func = Ident {
        name: "sqrt".into(),
        span: cx.span(j, after),
    };
    Ok((
        rest,
        cx.node(
            ExprKind::Call {
                func,
                args: vec![arg],
            },
            j,
            rest,
        ),
    ))
}

/// Which bars are open where an expression is parsed: inside `|…|` a `|`
/// closes, so it cannot start a juxtaposed factor (and likewise `‖`).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Bars {
    /// Open `|` (absolute values).
    pub abs: u32,
    /// Open `‖` or `||` (norms).
    pub norm: u32,
}

/// Can a juxtaposed factor start with the bar at `j`?
pub(super) fn bar_starts_operand(cx: &Cx<'_>, j: &str) -> bool {
    let bars = cx.bars.get();
    if j.starts_with("||") || j.starts_with('‖') {
        bars.norm == 0 && bars.abs == 0
    } else {
        j.starts_with('|') && bars.abs == 0
    }
}

/// `|x|`, `‖v‖`, `||v||`, `‖v‖_2` at `j`: a call of `abs` or `norm`.
pub(super) fn bars<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    let _g = cx.enter(j, Level::Nest)?;
    let (closer, func, inner) = if let Some(r) = j.strip_prefix('‖') {
        ("‖", "norm", r)
    } else if let Some(r) = j.strip_prefix("||") {
        ("||", "norm", r)
    } else {
        ("|", "abs", &j[1..])
    };
    let saved = cx.bars.get();
    let mut open = saved;
    if func == "norm" {
        open.norm += 1;
    } else {
        open.abs += 1;
    }
    // Inside the bars nothing else is open: `|` and `‖` there close.
    cx.bars.set(open);
    let parsed = cut(|k| super::expr(cx, k)).parse(inner);
    cx.bars.set(saved);
    let (rest, arg) = parsed?;
    let Some(mut rest) = blank(rest).strip_prefix(closer) else {
        let (line, col) = cx.line_col(j);
        return failure(PErr::expected(
            rest,
            format!("`{closer}` to close `{closer}` opened at line {line}, column {col}"),
        ));
    };
    if func == "norm" {
        rest = norm_subscript(cx, rest)?.0;
    }
    let name = Ident {
        name: func.into(),
        span: cx.span(j, inner),
    };
    Ok((
        rest,
        cx.node(
            ExprKind::Call {
                func: name,
                args: vec![arg],
            },
            j,
            rest,
        ),
    ))
}

/// An optional `_2` or `_{2}` after a norm: only the Euclidean norm has a
/// name of its own.
fn norm_subscript<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, ()> {
    let Some(after) = i.strip_prefix('_') else {
        return Ok((i, ()));
    };
    let (digits, rest) = match after.strip_prefix('{') {
        Some(inner) => {
            let (r, ()) = close(cx, blank(inner).get(1..).unwrap_or(""), after, '}')
                .map_err(|_| nom::Err::Failure(norm_error(i)))?;
            (blank(inner).get(..1).unwrap_or(""), r)
        }
        None => (after.get(..1).unwrap_or(""), after.get(1..).unwrap_or("")),
    };
    if digits == "2" {
        Ok((rest, ()))
    } else {
        failure(norm_error(i))
    }
}

fn norm_error(at: &str) -> PErr<'_> {
    PErr::custom(
        at,
        at.chars().take(2).map(char::len_utf8).sum(),
        "only the Euclidean norm is known: write `‖v‖` or `‖v‖_2`",
    )
}
