//! A display's structure: rows (`\\`), the sides of its relations, the
//! chains they make, and the justification at the end of a row.
//!
//! - Every `=` outside braces, brackets and parentheses is a link (inside
//!   them, as in `\sum_{j=1}` or `1\{i=j\}`, it belongs to the expression).
//! - `&` marks are dropped. A row that starts with `=` (`&= …`) continues
//!   the chain; a row that ends with `=` continues on the next row; a row
//!   with a left side of its own (`a &= b`) starts a new chain; a row that
//!   starts with `+`, `-`, `\cdot` or `\times` after a row that ended in an
//!   expression continues that expression.
//! - Other relations (`\le`, `\approx`, `\Rightarrow`, ...) end the chain
//!   and are reported as not checked; what follows them starts a new chain.
//! - The justification of a row is what follows its first `\quad` or
//!   `\qquad` after the expression, a `\text{…}` of words (blanks inside)
//!   or a trailing `\text{…}`, or a third alignment column (`&& …`); it
//!   belongs to the last step on the row.
//!
//! The steps' tokens are collected first and read at the end, so a step
//! continued over two rows is read as one.

use super::expr::read_step;
use super::lex::{lex, Tok, TokKind};
use super::{Chain, DisplayRead, LatexError, Relation, Step};
use crate::syntax::span::Span;

/// Relations written as commands. `=` is the only one checked.
pub(crate) fn relation_command(c: &str) -> bool {
    matches!(
        c,
        "approx"
            | "le"
            | "leq"
            | "leqslant"
            | "ge"
            | "geq"
            | "geqslant"
            | "lt"
            | "gt"
            | "ll"
            | "gg"
            | "neq"
            | "ne"
            | "Rightarrow"
            | "Longrightarrow"
            | "implies"
            | "Leftarrow"
            | "impliedby"
            | "iff"
            | "Leftrightarrow"
            | "to"
            | "rightarrow"
            | "longrightarrow"
            | "leftarrow"
            | "mapsto"
            | "equiv"
            | "sim"
            | "simeq"
            | "cong"
            | "propto"
            | "coloneqq"
            | "triangleq"
            | "doteq"
            | "in"
    )
}

/// Environments that only align rows: their markers are dropped.
fn alignment_env(name: &str) -> bool {
    matches!(
        name.trim_end_matches('*'),
        "aligned"
            | "align"
            | "alignat"
            | "alignedat"
            | "split"
            | "gathered"
            | "gather"
            | "equation"
            | "eqnarray"
            | "multline"
            | "flalign"
            | "displaymath"
            | "math"
    )
}

/// A relation between two sides.
#[derive(Clone)]
struct Rel {
    eq: bool,
    span: Span,
    symbol: String,
}

/// The relation at `toks[k]`, if it is one.
fn relation(math: &str, toks: &[Tok], k: usize) -> Option<Rel> {
    let t = &toks[k];
    let eq = t.is_sym('=');
    let other = match &t.kind {
        TokKind::Sym(c) => "<>≤≥≈≠⇒→⇔≡∝∈≔".contains(*c),
        TokKind::Cmd(c) => relation_command(c),
        _ => false,
    };
    (eq || other).then(|| Rel {
        eq,
        span: t.span,
        symbol: t.span.text(math).to_string(),
    })
}

/// One side of a relation within a row, with the relation before it.
struct Seg {
    rel: Option<Rel>,
    toks: Vec<Tok>,
}

/// A step being collected: its tokens and justification.
#[derive(Default)]
struct Pending {
    toks: Vec<Tok>,
    justification: Option<String>,
}

/// Reads one display (see [`super::read_display`]).
pub(crate) fn read_display(math: &str, declared: &dyn Fn(&str) -> bool) -> DisplayRead {
    let mut out = DisplayRead::default();
    let toks = match lex(math) {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(e);
            return out;
        }
    };
    if let Err(e) = balanced(&toks) {
        out.errors.push(e);
        return out;
    }
    let toks: Vec<Tok> = toks
        .into_iter()
        .filter(|t| !matches!(&t.kind, TokKind::Env { name, .. } if alignment_env(name)))
        .collect();
    let mut chains: Vec<Vec<Pending>> = Vec::new();
    let mut cur: Vec<Pending> = Vec::new();
    // The previous row ended with `=`: its right side is on this row.
    let mut dangling = false;
    // The previous row ended with an expression (not a relation).
    let mut open_expr = false;
    let pieces: Vec<&[Tok]> = rows(&toks)
        .into_iter()
        .flat_map(|row| equations(math, row))
        .collect();
    for row in pieces {
        let (expr_toks, justification) = cut_justification(math, row);
        let segs = split_relations(math, &expr_toks);
        let mut last_step: Option<usize> = None;
        let n_segs = segs.len();
        for (n, seg) in segs.into_iter().enumerate() {
            let is_last = n + 1 == n_segs;
            match seg.rel {
                None if seg.toks.is_empty() => {}
                None => {
                    let continues = seg.toks.first().is_some_and(|t| {
                        t.is_sym('+')
                            || t.is_sym('-')
                            || t.is_sym('−')
                            || t.is_cmd("cdot")
                            || t.is_cmd("times")
                    });
                    if dangling && !cur.is_empty() {
                        cur.push(Pending {
                            toks: seg.toks,
                            ..Pending::default()
                        });
                        dangling = false;
                    } else if continues && open_expr && !cur.is_empty() {
                        if let Some(p) = cur.last_mut() {
                            p.toks.extend(seg.toks);
                        }
                    } else {
                        finish(&mut chains, &mut cur);
                        cur.push(Pending {
                            toks: seg.toks,
                            ..Pending::default()
                        });
                    }
                    last_step = Some(cur.len() - 1);
                }
                Some(rel) if rel.eq => {
                    if seg.toks.is_empty() {
                        if is_last && !cur.is_empty() {
                            dangling = true;
                        } else {
                            out.errors.push(LatexError {
                                span: rel.span,
                                message: "expected an expression after `=`".into(),
                            });
                            finish(&mut chains, &mut cur);
                            dangling = false;
                        }
                        continue;
                    }
                    if cur.is_empty() {
                        out.errors.push(LatexError {
                            span: rel.span,
                            message:
                                "this `=` has no left side: no expression before it in the display"
                                    .into(),
                        });
                    }
                    dangling = false;
                    cur.push(Pending {
                        toks: seg.toks,
                        ..Pending::default()
                    });
                    last_step = Some(cur.len() - 1);
                }
                Some(rel) => {
                    out.unchecked.push(Relation {
                        span: rel.span,
                        symbol: rel.symbol,
                    });
                    finish(&mut chains, &mut cur);
                    dangling = false;
                    if !seg.toks.is_empty() {
                        cur.push(Pending {
                            toks: seg.toks,
                            ..Pending::default()
                        });
                        last_step = Some(0);
                    }
                }
            }
        }
        open_expr = !dangling && !cur.is_empty() && n_segs > 0 && !expr_toks.is_empty();
        if let Some(j) = justification {
            let k = last_step.unwrap_or(cur.len().saturating_sub(1));
            if let Some(p) = cur.get_mut(k) {
                p.justification = Some(j);
            }
        }
    }
    finish(&mut chains, &mut cur);
    for pending in chains {
        let mut chain = Chain { steps: Vec::new() };
        for p in pending {
            let span = match (p.toks.first(), p.toks.last()) {
                (Some(a), Some(b)) => Span::new(a.span.start, b.span.end),
                _ => Span::default(),
            };
            match read_step(&p.toks, span.end, declared, &mut out.notes) {
                Ok(expr) => chain.steps.push(Step {
                    expr,
                    justification: p.justification,
                    span,
                }),
                Err(e) => {
                    // A side that cannot be read breaks the chain: the
                    // links across it were never readable.
                    out.errors.push(e);
                    if !chain.steps.is_empty() {
                        out.chains
                            .push(std::mem::replace(&mut chain, Chain { steps: Vec::new() }));
                    }
                }
            }
        }
        if !chain.steps.is_empty() {
            out.chains.push(chain);
        }
    }
    out
}

fn finish(chains: &mut Vec<Vec<Pending>>, cur: &mut Vec<Pending>) {
    if !cur.is_empty() {
        chains.push(std::mem::take(cur));
    }
}

/// Braces must pair up, or no row or side can be found reliably.
fn balanced(toks: &[Tok]) -> Result<(), LatexError> {
    let mut open = Vec::new();
    for t in toks {
        if t.is_sym('{') {
            open.push(t.span);
        } else if t.is_sym('}') && open.pop().is_none() {
            return Err(LatexError {
                span: t.span,
                message: "unmatched `}`".into(),
            });
        }
    }
    match open.last() {
        Some(&span) => Err(LatexError {
            span,
            message: "this `{` is never closed".into(),
        }),
        None => Ok(()),
    }
}

/// The change of nesting at `t`: groups, fences, and environments that
/// are not alignments (whose `&` and `\\` are their own).
fn nesting(t: &Tok) -> isize {
    match &t.kind {
        TokKind::Sym('{' | '(' | '[') => 1,
        TokKind::Sym('}' | ')' | ']') => -1,
        TokKind::Cmd(c) if c == "{" || c == "lbrace" => 1,
        TokKind::Cmd(c) if c == "}" || c == "rbrace" => -1,
        TokKind::Env { begin, .. } => {
            if *begin {
                1
            } else {
                -1
            }
        }
        _ => 0,
    }
}

/// Calls `f` with each token index and whether it is at the top level.
fn top_level(toks: &[Tok], mut f: impl FnMut(usize, bool)) {
    let mut depth: isize = 0;
    for (k, t) in toks.iter().enumerate() {
        let d = nesting(t);
        if d < 0 {
            depth = (depth + d).max(0);
        }
        f(k, depth == 0 && d <= 0);
        if d > 0 {
            depth += d;
        }
    }
}

/// The rows of a display, split at top-level `\\` (and `\cr`,
/// `\newline`); a spacing argument `\\[4pt]` goes with its break.
fn rows(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut breaks = Vec::new();
    top_level(toks, |k, top| {
        if top
            && matches!(&toks[k].kind, TokKind::Cmd(c) if c == "\\" || c == "cr" || c == "newline")
        {
            breaks.push(k);
        }
    });
    let mut out = Vec::new();
    let mut start = 0;
    for b in breaks {
        if b < start {
            continue;
        }
        out.push(&toks[start..b]);
        start = b + 1;
        // `\\[2pt]`: a short bracket of a length.
        if toks.get(start).is_some_and(|t| t.is_sym('[')) {
            if let Some(len) = toks[start..].iter().take(6).position(|t| t.is_sym(']')) {
                let inner = &toks[start + 1..start + len];
                let is_length = inner
                    .iter()
                    .all(|t| matches!(t.kind, TokKind::Num(_) | TokKind::Letter(_)))
                    && inner.iter().any(|t| matches!(t.kind, TokKind::Num(_)));
                if is_length {
                    start += len + 1;
                }
            }
        }
    }
    out.push(&toks[start.min(toks.len())..]);
    out
}

/// Is `t` text of words (`\text{ since }`), never a name?
fn is_prose(t: &Tok) -> bool {
    matches!(&t.kind, TokKind::Text { cmd, content }
        if matches!(cmd.as_str(), "text" | "textrm" | "mbox" | "textit" | "textbf" | "textnormal")
            && (content.trim() != content || content.trim().contains(' ')))
}

fn is_text(t: &Tok) -> bool {
    matches!(&t.kind, TokKind::Text { cmd, .. }
        if matches!(cmd.as_str(), "text" | "textrm" | "mbox" | "textit" | "textbf" | "textnormal"))
}

/// A row with several equations side by side (`e^x = e^x, \quad x^2 = 2x`,
/// `a &= b, & c &= d` in `aligned`) cut into one piece per equation: at a
/// top-level `,` or `;` after a complete relation (its right side
/// written), when what follows (past `\quad`, `&`, more commas and an
/// `\text{and}`) has a left side and an `=` of its own before the next
/// comma. A `\quad` without a comma before it still starts the row's
/// justification (`= 1 \quad \sum_i p_i = 1`); the separators are
/// dropped.
fn equations<'t>(math: &str, row: &'t [Tok]) -> Vec<&'t [Tok]> {
    let is_sep = |t: &Tok| t.is_sym(',') || t.is_sym(';');
    let is_joiner = |t: &Tok| {
        is_sep(t)
            || t.is_sym('&')
            || t.is_cmd("quad")
            || t.is_cmd("qquad")
            || t.is_cmd(",")
            || matches!(&t.kind, TokKind::Text { content, .. }
                if matches!(content.trim(), "and" | "or" | "," | ""))
    };
    let mut top = vec![false; row.len()];
    top_level(row, |k, at_top| top[k] = at_top);
    // Whether `toks` (a slice of the row from `from`) holds a relation at
    // top level with something before it and after it.
    let equation_at = |from: usize, to: usize| -> bool {
        let mut before = false;
        let mut rel = false;
        let mut after = false;
        for k in from..to {
            if !top[k] || row[k].is_sym('&') {
                continue;
            }
            if relation(math, row, k).is_some() {
                if !before {
                    return false;
                }
                rel = true;
                after = false;
            } else if rel {
                after = true;
            } else {
                before = true;
            }
        }
        rel && after
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while k < row.len() {
        if !(top[k] && is_sep(&row[k])) {
            k += 1;
            continue;
        }
        let mut next = k;
        while next < row.len() && top[next] && is_joiner(&row[next]) {
            next += 1;
        }
        let end = (next..row.len())
            .find(|&j| top[j] && is_sep(&row[j]))
            .unwrap_or(row.len());
        // An `=` of its own: not `:=`, which defines rather than claims.
        let has_eq =
            (next..end).any(|j| top[j] && row[j].is_sym('=') && !(j > 0 && row[j - 1].is_sym(':')));
        if next < row.len()
            && !is_prose(&row[next])
            && has_eq
            && equation_at(start, k)
            && equation_at(next, end)
        {
            out.push(&row[start..k]);
            start = next;
        }
        k = next.max(k + 1);
    }
    out.push(&row[start..]);
    out
}

/// Splits a row into its expression tokens (without `&`) and its
/// justification, if it has one.
fn cut_justification(math: &str, row: &[Tok]) -> (Vec<Tok>, Option<String>) {
    let mut amps = Vec::new();
    let mut cut = None;
    // Has the row had an expression token yet (not `&`, a relation or a wide space)?
    let mut content = false;
    let mut last_top = None;
    top_level(row, |k, top| {
        if !top || cut.is_some() {
            return;
        }
        let t = &row[k];
        if t.is_sym('&') {
            amps.push(k);
            return;
        }
        let wide = t.is_cmd("quad") || t.is_cmd("qquad");
        if content && (wide || is_prose(t)) {
            cut = Some(k);
            return;
        }
        if relation(math, row, k).is_some() {
            content = false;
        } else if !wide {
            content = true;
        }
        last_top = Some(k);
    });
    if cut.is_none() && amps.len() >= 2 {
        // A third column with no relation in it is a comment column.
        let third = amps[1];
        let has_rel = (third + 1..row.len()).any(|k| relation(math, row, k).is_some());
        if !has_rel {
            cut = Some(third);
        }
    }
    if cut.is_none() {
        if let Some(k) = last_top.filter(|&k| k > 0 && is_text(&row[k])) {
            cut = Some(k);
        } else if let Some(k) = last_top.filter(|&k| {
            k > 1 && row[k].is_sym(')') && is_text(&row[k - 1]) && row[k - 2].is_sym('(')
        }) {
            cut = Some(k - 2);
        }
        // A trailing text right after a relation is a side (`= \text{const}`).
        if let Some(k) = cut {
            let before = row[..k].iter().rev().find(|t| !t.is_sym('&'));
            if before.is_none_or(relation_tok) {
                cut = None;
            }
        }
    }
    let (expr, just) = match cut {
        Some(k) => (&row[..k], Some(justification_text(math, &row[k..]))),
        None => (row, None),
    };
    let expr = expr
        .iter()
        .filter(|t| !(t.is_sym('&') || t.is_cmd("quad") || t.is_cmd("qquad")))
        .cloned()
        .collect();
    (expr, just.filter(|j| !j.is_empty()))
}

fn relation_tok(t: &Tok) -> bool {
    t.is_sym('=') || matches!(&t.kind, TokKind::Cmd(c) if relation_command(c))
}

/// The justification's text: words of `\text{…}` as they are, runs of
/// other tokens (math) as written between `$`, as one writes math in
/// prose (`since $x \ge 0$`), so that the typeset reports can set them;
/// punctuation between words stays a word, wide spaces and `&` are
/// dropped, and one pair of wrapping parentheses is removed.
fn justification_text(math: &str, toks: &[Tok]) -> String {
    let toks: Vec<&Tok> = toks
        .iter()
        .filter(|t| !(t.is_sym('&') || t.is_cmd("quad") || t.is_cmd("qquad")))
        .collect();
    // One pair of parentheses around all of it is no part of it.
    let wrapped = toks.len() >= 2
        && toks[0].is_sym('(')
        && toks[toks.len() - 1].is_sym(')')
        && !toks[1..toks.len() - 1]
            .iter()
            .any(|t| t.is_sym('(') || t.is_sym(')'));
    let toks = if wrapped {
        &toks[1..toks.len() - 1]
    } else {
        &toks[..]
    };
    let mut out = String::new();
    let mut k = 0;
    while k < toks.len() {
        let t = toks[k];
        if let TokKind::Text { content, .. } = &t.kind {
            out.push(' ');
            out.push_str(content);
            k += 1;
            continue;
        }
        // A run of math: up to the next text.
        let mut end = k;
        while end < toks.len() && !matches!(toks[end].kind, TokKind::Text { .. }) {
            end += 1;
        }
        let run = &math[t.span.start..toks[end - 1].span.end];
        let is_punct = |c: char| matches!(c, ',' | '.' | ';' | ':' | '!' | '?');
        let spacing = ["\\,", "\\;", "\\!", "\\ ", "~"];
        let mut bare = run.to_string();
        for sp in spacing {
            bare = bare.replace(sp, " ");
        }
        let bare = bare.trim();
        if bare.chars().all(|c| is_punct(c) || c.is_whitespace()) {
            out.push_str(bare);
        } else {
            out.push_str(" $");
            out.push_str(bare);
            out.push('$');
        }
        k = end;
    }
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // `\text{(def)}`: the parentheses inside the text.
    match words.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        Some(inner) if !inner.contains('(') && !inner.contains(')') => inner.trim().to_string(),
        _ => words,
    }
}

/// The sides of a row, split at its top-level relations; `:=` is one
/// relation; trailing `.`, `,` and `;` of a side are dropped.
fn split_relations(math: &str, toks: &[Tok]) -> Vec<Seg> {
    let mut segs = vec![Seg {
        rel: None,
        toks: Vec::new(),
    }];
    let mut tops = vec![false; toks.len()];
    top_level(toks, |k, top| tops[k] = top);
    for (k, t) in toks.iter().enumerate() {
        let rel = if tops[k] {
            relation(math, toks, k)
        } else {
            None
        };
        match rel {
            Some(mut rel) => {
                let seg = segs.last_mut().map(|s| &mut s.toks);
                // `:=` is a definition, not a checked equality.
                if let Some(toks) = seg {
                    if rel.eq
                        && toks
                            .last()
                            .is_some_and(|c| c.is_sym(':') && c.span.end == rel.span.start)
                    {
                        let colon = toks.pop().map_or(rel.span, |c| c.span);
                        rel = Rel {
                            eq: false,
                            span: colon.join(rel.span),
                            symbol: ":=".into(),
                        };
                    }
                }
                segs.push(Seg {
                    rel: Some(rel),
                    toks: Vec::new(),
                });
            }
            None => {
                if let Some(s) = segs.last_mut() {
                    s.toks.push(t.clone());
                }
            }
        }
    }
    for s in &mut segs {
        while s
            .toks
            .last()
            .is_some_and(|t| t.is_sym('.') || t.is_sym(',') || t.is_sym(';'))
        {
            s.toks.pop();
        }
    }
    segs
}
