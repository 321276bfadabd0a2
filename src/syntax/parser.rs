//! The nom parser for derivation files. Never panics; see docs/language.md.
//!
//! The file is first cut into logical lines (`layout.rs`); each line is
//! then one item, claim line or chain step, parsed by the functions below,
//! one per grammar level: `sum_level` → `product` → `prefix` → `power` →
//! `postfix` → `atom`. Every parser skips the blanks *before*
//! its first token and stops right after its last one, so spans are tight.
//!
//! Recursion is bounded by [`MAX_DEPTH`]: every bracketed group, prefix
//! operator, `^` and postfix operator takes one level. The operators of a
//! chain of sums or products (`a + b + …`, `a b c`) do not: a flat sum of thousands of terms is not
//! nesting, though its syntax tree is as deep as it is long, so they count
//! against [`MAX_CHAIN`]. The syntax tree handed to later stages is never
//! deeper than the two together, and nothing downstream can overflow its
//! big stack on hostile input.

use std::cell::Cell;

use nom::bytes::complete::tag;
use nom::combinator::cut;
use nom::error::{ErrorKind, ParseError as NomParseError};
use nom::{IResult, Parser};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

use super::ast::{
    BinOp, BrokenLine, ChainLine, Claim, Decl, Def, Domain, Expr, ExprKind, File, Goal, Ident,
    Item, Let, ParseError, Part, ShapeSpec, TypeSpec,
};
use super::layout::{logical_lines, LogicalLine};
use super::lexical::{
    blank, describe_found, ident_prefix, is_ident_continue, is_ident_start, is_unexpected_char,
    normalize_name, unexpected_char_message,
};
use super::span::{LineIndex, Span};

/// The deepest an expression may nest (brackets, prefix operators, `^`, and
/// operators in a row all count). Deep enough for any derivation on paper,
/// shallow enough that recursive parsing and every later stage stay far from
/// the stack limit.
pub const MAX_DEPTH: usize = 256;

/// The most operators in a row (`a + b + …`, `a b c …`) along
/// any path of an expression, chains inside chains added up. A flat chain
/// is not nesting — computer-algebra systems print sums of thousands of
/// terms — but its syntax tree is as deep as it is long, so it has a bound
/// of its own, far larger than [`MAX_DEPTH`] and still safe for every
/// later stage's recursion on its big stack.
pub const MAX_CHAIN: usize = 100_000;

/// The longest number literal, in digits: longer literals are almost
/// certainly junk, and big-integer conversion of megabyte literals is slow.
pub const MAX_DIGITS: usize = 1000;

/// Parses a whole derivation file, resiliently: every line that fails is
/// reported in `File::errors` and the rest is still parsed.
pub fn parse_file(source: &str) -> File {
    crate::parallel::with_big_stack(|| parse_file_here(source))
}

fn parse_file_here(source: &str) -> File {
    let cx = Cx::new(source, "end of line");
    let lines = logical_lines(source);
    let mut file = File::default();
    // The part whose items the lines are, until the next `part` or `end`.
    let mut part: Option<Part> = None;
    let mut k = 0;
    while k < lines.len() {
        let line = &lines[k];
        k += 1;
        if line.content.is_empty() {
            continue;
        }
        if is_part(line.content) {
            file.parts.extend(part.take());
            match part_head(&cx, line.content) {
                Ok(p) => part = Some(p),
                Err(e) => file.errors.push(cx.error(e)),
            }
            continue;
        }
        if line.content == "end" && part.is_some() {
            file.parts.extend(part.take());
            continue;
        }
        // Where this line's item goes: the open part's, or the file's.
        let items = match &mut part {
            Some(p) => &mut p.items,
            None => &mut file.items,
        };
        if keyword(line.content, "claim").is_some() {
            let head = claim_head(&cx, line.content).map_err(|e| cx.error(e));
            if let Err(e) = &head {
                file.errors.push(e.clone());
            }
            // The steps of a one-line chain come first; indented lines
            // after it continue it, each with its `=`.
            let mut chain: Vec<ChainLine> = match &head {
                Ok((_, sides)) if sides.len() > 2 => sides[1..]
                    .iter()
                    .map(|side| ChainLine {
                        starts_with_eq: true,
                        expr: side.clone(),
                        justification: None,
                        span: side.span,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let mut broken = Vec::new();
            let mut first = chain.is_empty();
            while let Some(step) = lines.get(k) {
                if step.content.is_empty() {
                    k += 1;
                    continue;
                }
                if step.indent <= line.indent {
                    break;
                }
                k += 1;
                match chain_line(&cx, step, first) {
                    Ok(c) => chain.push(c),
                    // Without its claim, the line's error stands alone.
                    Err(e) if head.is_err() => file.errors.push(e),
                    Err(error) => broken.push(BrokenLine {
                        after: chain.len(),
                        error,
                        justification: step.comment.clone(),
                        span: cx.span_of(step.content),
                        body: cx.span_of(
                            step.content
                                .strip_prefix('=')
                                .unwrap_or(step.content)
                                .trim(),
                        ),
                    }),
                }
                first = false;
            }
            if let Ok((name, mut sides)) = head {
                let rhs = sides.pop().expect("a claim has two sides");
                let lhs = sides.swap_remove(0);
                items.push(Item::Claim(Box::new(Claim {
                    name,
                    lhs,
                    rhs,
                    justification: line.comment.clone(),
                    chain,
                    broken,
                    span: cx.span_of(line.content),
                })));
            }
        } else if is_goal(line.content) {
            match item_head(&cx, line.content, "goal") {
                Ok((name, sides)) if sides.len() == 2 => {
                    let [lhs, rhs]: [Expr; 2] = sides.try_into().expect("two sides");
                    items.push(Item::Goal(Box::new(Goal {
                        name,
                        lhs,
                        rhs,
                        span: cx.span_of(line.content),
                    })))
                }
                Ok((_, sides)) => file.errors.push(ParseError {
                    span: sides[2].span,
                    message: "a goal states one equality, `lhs = rhs`: expected the end of \
                              the line before this third side"
                        .to_string(),
                }),
                Err(e) => file.errors.push(cx.error(e)),
            }
        } else {
            match item(&cx, line.content) {
                Ok(it) => items.push(it),
                Err(e) => file.errors.push(e),
            }
        }
    }
    file.parts.extend(part);
    file
}

/// Parses a single expression (as for `derivcheck simplify EXPR`); spans are
/// relative to `source`. Newlines count as blanks and `#` starts a comment.
pub fn parse_expr(source: &str) -> Result<Expr, ParseError> {
    crate::parallel::with_big_stack(|| {
        let cx = Cx::new(source, "end of input");
        whole_expr(&cx, source).map_err(|e| cx.error(e))
    })
}

// ---------------------------------------------------------------------------
// Errors and context

/// What went wrong, before it is turned into a user-facing message.
#[derive(Debug)]
enum Msg {
    /// "expected {0}, found ..." — the found token is described when rendered.
    Expected(String),
    /// A complete message, highlighting `len` bytes.
    Custom { message: String, len: usize },
    /// A nom combinator failed without a more specific expectation.
    Nom,
}

/// The parser's error: a position (the remaining input) and a message.
#[derive(Debug)]
struct PErr<'s> {
    at: &'s str,
    msg: Msg,
}

impl<'s> PErr<'s> {
    fn expected(at: &'s str, what: impl Into<String>) -> PErr<'s> {
        PErr {
            at: blank(at),
            msg: Msg::Expected(what.into()),
        }
    }

    fn custom(at: &'s str, len: usize, message: impl Into<String>) -> PErr<'s> {
        PErr {
            at,
            msg: Msg::Custom {
                message: message.into(),
                len,
            },
        }
    }
}

impl<'s> NomParseError<&'s str> for PErr<'s> {
    fn from_error_kind(input: &'s str, _: ErrorKind) -> Self {
        PErr {
            at: input,
            msg: Msg::Nom,
        }
    }

    fn append(_: &'s str, _: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two failed alternatives, the one that got further explains more.
    fn or(self, other: Self) -> Self {
        let worse = |e: &Self| (e.at.len(), matches!(e.msg, Msg::Nom));
        if worse(&other) <= worse(&self) {
            other
        } else {
            self
        }
    }
}

type Res<'s, T> = IResult<&'s str, T, PErr<'s>>;

fn fail<'s, T>(e: PErr<'s>) -> Res<'s, T> {
    Err(nom::Err::Error(e))
}

fn failure<'s, T>(e: PErr<'s>) -> Res<'s, T> {
    Err(nom::Err::Failure(e))
}

/// Why a depth level was taken: decides the wording of the limit message.
#[derive(Clone, Copy)]
enum Level {
    Nest,
    Chain,
}

/// Shared state of one parse: the whole source (all inputs are slices of
/// it, so byte offsets are pointer differences) and the current depth.
struct Cx<'s> {
    src: &'s str,
    lines: LineIndex,
    depth: Cell<usize>,
    /// Operators in a row on the current path (see [`MAX_CHAIN`]).
    chain: Cell<usize>,
    end_name: &'static str,
    /// The bars open where the parser stands (see [`notation::Bars`]).
    bars: Cell<notation::Bars>,
}

/// Gives its depth level back when dropped, whether parsing succeeded or not.
struct DepthGuard<'c> {
    depth: &'c Cell<usize>,
}

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
}

impl<'s> Cx<'s> {
    fn new(src: &'s str, end_name: &'static str) -> Cx<'s> {
        Cx {
            src,
            lines: LineIndex::new(src),
            depth: Cell::new(0),
            chain: Cell::new(0),
            end_name,
            bars: Cell::new(notation::Bars::default()),
        }
    }

    fn off(&self, i: &str) -> usize {
        (i.as_ptr() as usize)
            .saturating_sub(self.src.as_ptr() as usize)
            .min(self.src.len())
    }

    /// The span from the start of `from` to the start of `rest`.
    fn span(&self, from: &str, rest: &str) -> Span {
        let start = self.off(from);
        Span::new(start, self.off(rest).max(start))
    }

    fn span_of(&self, text: &str) -> Span {
        let start = self.off(text);
        Span::new(start, start + text.len())
    }

    fn line_col(&self, at: &str) -> (usize, usize) {
        self.lines.line_col(self.src, self.off(at))
    }

    /// Takes a level of nesting ([`MAX_DEPTH`]) or of a chain of
    /// operators ([`MAX_CHAIN`]), given back when the guard is dropped.
    fn enter(&self, at: &'s str, why: Level) -> Result<DepthGuard<'_>, nom::Err<PErr<'s>>> {
        let (counter, max) = match why {
            Level::Nest => (&self.depth, MAX_DEPTH),
            Level::Chain => (&self.chain, MAX_CHAIN),
        };
        let d = counter.get() + 1;
        if d > max {
            let len = at.chars().next().map_or(0, char::len_utf8);
            let message = match why {
                Level::Nest => format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                Level::Chain => format!(
                    "expression too long (more than {MAX_CHAIN} operators in a row, counting the chains it is inside)"
                ),
            };
            return Err(nom::Err::Failure(PErr::custom(at, len, message)));
        }
        counter.set(d);
        Ok(DepthGuard { depth: counter })
    }

    fn error(&self, e: nom::Err<PErr<'s>>) -> ParseError {
        let e = match e {
            nom::Err::Error(e) | nom::Err::Failure(e) => e,
            nom::Err::Incomplete(_) => PErr::expected("", "more input"),
        };
        let at = self.off(e.at);
        let first = e.at.chars().next();
        match e.msg {
            Msg::Custom { message, len } => ParseError {
                span: Span::new(at, at + len),
                message,
            },
            _ if first.is_some_and(is_unexpected_char) => {
                let c = first.unwrap_or('?');
                ParseError {
                    span: Span::new(at, at + c.len_utf8()),
                    message: unexpected_char_message(c),
                }
            }
            Msg::Expected(what) => {
                let (found, len) = describe_found(e.at, self.end_name);
                ParseError {
                    span: Span::new(at, at + len),
                    message: format!("expected {what}, found {found}"),
                }
            }
            Msg::Nom => {
                let (found, len) = describe_found(e.at, self.end_name);
                ParseError {
                    span: Span::new(at, at + len),
                    message: format!("unexpected {found}"),
                }
            }
        }
    }

    fn node(&self, kind: ExprKind, from: &str, rest: &str) -> Expr {
        Expr {
            kind,
            span: self.span(from, rest),
        }
    }
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.join(rhs.span);
    Expr {
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    }
}

// ---------------------------------------------------------------------------
// Tokens

/// The whitespace wrapper: `p` after optional blanks and comments.
fn ws<'s, P>(mut p: P) -> impl FnMut(&'s str) -> Res<'s, P::Output>
where
    P: Parser<&'s str, Error = PErr<'s>>,
{
    move |i: &'s str| p.parse(blank(i))
}

/// The exact text `t` after optional blanks; the error names `t`.
fn token<'s>(t: &'static str) -> impl FnMut(&'s str) -> Res<'s, &'s str> {
    ws(move |j: &'s str| {
        tag::<_, _, PErr<'s>>(t)
            .parse(j)
            .map_err(|e| e.map(|_| PErr::expected(j, format!("`{t}`"))))
    })
}

/// The first of `ts` found after optional blanks.
fn strip_any<'s>(i: &'s str, ts: &[&str]) -> Option<&'s str> {
    let j = blank(i);
    ts.iter().find_map(|t| j.strip_prefix(t))
}

/// A name, NFC-normalized; `what` names it in the error.
fn ident<'s>(cx: &Cx<'s>, i: &'s str, what: &str) -> Res<'s, Ident> {
    let j = blank(i);
    match ident_prefix(j) {
        Some(raw) => {
            let rest = &j[raw.len()..];
            Ok((
                rest,
                Ident {
                    name: normalize_name(raw),
                    span: cx.span(j, rest),
                },
            ))
        }
        None => fail(PErr::expected(j, what)),
    }
}

/// `kw` at the start of `line` as a whole word.
fn keyword<'s>(line: &'s str, kw: &str) -> Option<&'s str> {
    let rest = line.strip_prefix(kw)?;
    match rest.chars().next() {
        Some(c) if is_ident_continue(c) => None,
        _ => Some(rest),
    }
}

/// The closing bracket of a group opened at `open`.
fn close<'s>(cx: &Cx<'s>, i: &'s str, open: &'s str, ch: char) -> Res<'s, ()> {
    let j = blank(i);
    match j.strip_prefix(ch) {
        Some(rest) => Ok((rest, ())),
        None => {
            let (line, col) = cx.line_col(open);
            let opener = open.chars().next().unwrap_or('(');
            failure(PErr::expected(
                j,
                format!("`{ch}` to close `{opener}` opened at line {line}, column {col}"),
            ))
        }
    }
}

/// `[a, b, ...]` at `open` (which starts with `[`): names only.
fn bracket_names<'s>(cx: &Cx<'s>, open: &'s str, what: &str) -> Res<'s, Vec<Ident>> {
    let mut i = &open[1..];
    let mut names = Vec::new();
    loop {
        let (rest, name) = cut(|k| ident(cx, k, what)).parse(i)?;
        names.push(name);
        match strip_any(rest, &[","]) {
            Some(after) => i = after,
            None => {
                let (rest, ()) = close(cx, rest, open, ']')?;
                names.shrink_to_fit();
                return Ok((rest, names));
            }
        }
    }
}

const INDEX_NAME: &str = "an index name (indices are names, as in `x[i]`)";

/// The rest of the line must be empty.
fn end_of_line<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, ()> {
    let j = blank(i);
    match j.chars().next() {
        None => Ok((j, ())),
        Some(c @ (')' | ']' | '}')) => failure(PErr::custom(j, 1, format!("unmatched `{c}`"))),
        Some(_) => failure(PErr::expected(j, cx.end_name)),
    }
}

// ---------------------------------------------------------------------------
// Expressions, loosest to tightest

/// A whole input that must be exactly one expression.
fn whole_expr<'s>(cx: &Cx<'s>, i: &'s str) -> Result<Expr, nom::Err<PErr<'s>>> {
    let (rest, e) = expr(cx, i)?;
    end_of_line(cx, rest)?;
    Ok(e)
}

/// An expression: the loosest level.
fn expr<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    sum_level(cx, i)
}

/// Level 1: `a + b`, `a - b` (left-associative).
fn sum_level<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let (mut i, mut acc) = product(cx, i)?;
    let mut guards = Vec::new();
    loop {
        let j = blank(i);
        let (op, after) = if let Some(r) = j.strip_prefix('+') {
            (BinOp::Add, r)
        } else if let Some(r) = j.strip_prefix('-').or_else(|| j.strip_prefix('−')) {
            (BinOp::Sub, r)
        } else {
            return Ok((i, acc));
        };
        guards.push(cx.enter(j, Level::Chain)?);
        let (rest, rhs) = cut(|k| product(cx, k)).parse(after)?;
        acc = binary(op, acc, rhs);
        i = rest;
    }
}

/// A multiplicative operator at the start of `j`.
fn mul_op(j: &str) -> Option<(BinOp, &str)> {
    if let Some(r) = j.strip_prefix(".*") {
        return Some((BinOp::Hadamard, r));
    }
    let c = j.chars().next()?;
    let op = match c {
        '*' | '·' | '⋅' | '×' => BinOp::Mul,
        '/' | '÷' => BinOp::Div,
        '⊙' => BinOp::Hadamard,
        _ => return None,
    };
    Some((op, &j[c.len_utf8()..]))
}

/// Can an operand of juxtaposition start at `j`? Minus signs cannot: `a -b`
/// is a difference; nor can a bar that closes an open `|…|` or `‖…‖`.
fn starts_operand(cx: &Cx<'_>, j: &str) -> bool {
    j.chars().next().is_some_and(|c| {
        c.is_ascii_digit() || is_ident_start(c) || matches!(c, '(' | 'Σ' | '∑' | '∂' | '√')
    }) || notation::bar_starts_operand(cx, j)
}

/// Level 2: `a * b`, `a / b`, `a ⊙ b`, and juxtaposition `a b`
/// (left-associative, all alike).
fn product<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let (mut i, mut acc) = prefix(cx, i)?;
    let mut guards = Vec::new();
    loop {
        let j = blank(i);
        let (op, after) = match mul_op(j) {
            Some(found) => found,
            None if starts_operand(cx, j) => (BinOp::Mul, j),
            None => return Ok((i, acc)),
        };
        guards.push(cx.enter(j, Level::Chain)?);
        let (rest, rhs) = cut(|k| prefix(cx, k)).parse(after)?;
        acc = binary(op, acc, rhs);
        i = rest;
    }
}

/// `d/dx`, `d/dz[j]` at the start of `j`: the rest after `d/d`.
fn d_operator(j: &str) -> Option<&str> {
    let rest = j.strip_prefix("d/d")?;
    rest.chars().next().filter(|&c| is_ident_start(c))?;
    Some(rest)
}

/// The variable of a derivative, `x` or `z[j]`.
fn deriv_var<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, (Ident, Vec<Ident>)> {
    let (rest, var) = cut(|k| ident(cx, k, "the variable to differentiate by")).parse(i)?;
    let j = blank(rest);
    if j.starts_with('[') {
        let (rest, idx) = bracket_names(cx, j, INDEX_NAME)?;
        Ok((rest, (var, idx)))
    } else {
        Ok((rest, (var, Vec::new())))
    }
}

/// Level 3: prefix operators whose operand is a product: `-`, `Σ_i`,
/// `d/dx`, `∂/∂x`.
///
/// Each operator has its own function so that this one, which every
/// nesting level passes through, keeps a small stack frame.
fn prefix<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let j = blank(i);
    if let Some(after) = j.strip_prefix('-').or_else(|| j.strip_prefix('−')) {
        return neg_prefix(cx, j, after);
    }
    if let Some(after) = j.strip_prefix('Σ').or_else(|| j.strip_prefix('∑')) {
        if !blank(after).starts_with('(') {
            return sigma_prefix(cx, j, after);
        }
    }
    if let Some(after) = j.strip_prefix('∂').and_then(|r| strip_any(r, &["/"])) {
        return deriv_prefix(cx, j, cut(token("∂")).parse(after)?.0);
    }
    if let Some(after) = d_operator(j) {
        return deriv_prefix(cx, j, after);
    }
    if j.starts_with(['d', '∂']) {
        return leibniz_prefix(cx, j);
    }
    power(cx, j)
}

/// At `j`, which starts with `d` or `∂`: a higher derivative's operator
/// (`d²/dx² f(x)`), a Leibniz fraction with a call on top (`dσ(x)/dx`,
/// `d²f/dx²`), or else whatever the power level reads there.
fn leibniz_prefix<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    for mark in ['d', '∂'] {
        if let Some((n, after)) = notation::higher_operator(j, mark) {
            return notation::higher_prefix(cx, j, mark, n, after);
        }
    }
    if let Some(r) = notation::d_fraction(cx, j) {
        return r;
    }
    power(cx, j)
}

/// `-` at `j`, operand after it.
fn neg_prefix<'s>(cx: &Cx<'s>, j: &'s str, after: &'s str) -> Res<'s, Expr> {
    let _g = cx.enter(j, Level::Nest)?;
    let (rest, e) = cut(|k| product(cx, k)).parse(after)?;
    Ok((rest, cx.node(ExprKind::Neg(Box::new(e)), j, rest)))
}

/// `Σ` at `j`, binder and operand after it.
fn sigma_prefix<'s>(cx: &Cx<'s>, j: &'s str, after: &'s str) -> Res<'s, Expr> {
    let _g = cx.enter(j, Level::Nest)?;
    let (after, (index, except)) = sigma_binder(cx, after)?;
    let (rest, body) = cut(|k| product(cx, k)).parse(after)?;
    let kind = ExprKind::Sum {
        index,
        except,
        body: Box::new(body),
    };
    Ok((rest, cx.node(kind, j, rest)))
}

/// `d/d` or `∂/∂` at `j`, variable and operand after it.
fn deriv_prefix<'s>(cx: &Cx<'s>, j: &'s str, after: &'s str) -> Res<'s, Expr> {
    let _g = cx.enter(j, Level::Nest)?;
    let (after, (var, indices)) = deriv_var(cx, after)?;
    let (rest, body) = cut(|k| product(cx, k)).parse(after)?;
    let kind = ExprKind::Deriv {
        var,
        indices,
        body: Box::new(body),
    };
    Ok((rest, cx.node(kind, j, rest)))
}

/// After `Σ`: `_i`, `_{i}`, `_{i != j}` or `_{i ≠ j}`.
fn sigma_binder<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, (Ident, Option<Ident>)> {
    let Some(after) = i.strip_prefix('_') else {
        return failure(PErr::expected(
            i,
            "`_` and the index after `Σ` (as in `Σ_i` or `Σ_{i != j}`)",
        ));
    };
    if let Some(inner) = after.strip_prefix('{') {
        let (rest, binder) = sum_binder(cx, inner)?;
        let (rest, ()) = close(cx, rest, after, '}')?;
        Ok((rest, binder))
    } else {
        let (rest, index) = cut(|k| ident(cx, k, "the summation index")).parse(after)?;
        Ok((rest, (index, None)))
    }
}

/// `i` or `i != j` / `i ≠ j`: a summation index and its exception.
fn sum_binder<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, (Ident, Option<Ident>)> {
    let (rest, index) = cut(|k| ident(cx, k, "the summation index")).parse(i)?;
    match strip_any(rest, &["!=", "≠"]) {
        Some(after) => {
            let (rest, except) = cut(|k| ident(cx, k, "the excluded index")).parse(after)?;
            Ok((rest, (index, Some(except))))
        }
        None => Ok((rest, (index, None))),
    }
}

/// Level 4: `a ^ b`, right-associative; the exponent may carry its own sign
/// (`x^-1`).
fn power<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let (i, base) = postfix(cx, i)?;
    let j = blank(i);
    let Some(after) = j.strip_prefix('^') else {
        return Ok((i, base));
    };
    let _g = cx.enter(j, Level::Nest)?;
    let (rest, exp) = cut(|k| exponent(cx, k)).parse(after)?;
    Ok((rest, binary(BinOp::Pow, base, exp)))
}

fn exponent<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let j = blank(i);
    if let Some(after) = j.strip_prefix('-').or_else(|| j.strip_prefix('−')) {
        let _g = cx.enter(j, Level::Nest)?;
        let (rest, e) = cut(|k| exponent(cx, k)).parse(after)?;
        return Ok((rest, cx.node(ExprKind::Neg(Box::new(e)), j, rest)));
    }
    power(cx, j)
}

/// `^T` with `T` standing alone means transpose: the rest after `T`.
fn caret_t(j: &str) -> Option<&str> {
    let rest = blank(j.strip_prefix('^')?).strip_prefix('T')?;
    match rest.chars().next() {
        Some(c) if is_ident_continue(c) => None,
        _ => Some(rest),
    }
}

/// Level 5: postfix `[i, j]`, `ᵀ`, `^T`, `²`, `³`.
fn postfix<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let start = blank(i);
    let (mut i, mut e) = atom(cx, i)?;
    let mut guards = Vec::new();
    loop {
        let j = blank(i);
        if !(j.starts_with(['[', 'ᵀ', '²', '³']) || caret_t(j).is_some()) {
            return Ok((i, e));
        }
        // A run of postfix operators nests (`x²²` is `(x²)²`): it counts
        // against the nesting depth, not as a flat chain.
        guards.push(cx.enter(j, Level::Nest)?);
        let (rest, kind) = postfix_op(cx, j, e)?;
        e = cx.node(kind, start, rest);
        i = rest;
    }
}

/// The postfix operator at `j` applied to `e`.
fn postfix_op<'s>(cx: &Cx<'s>, j: &'s str, e: Expr) -> Res<'s, ExprKind> {
    let e = Box::new(e);
    if j.starts_with('[') {
        let (rest, indices) = bracket_names(cx, j, INDEX_NAME)?;
        return Ok((rest, ExprKind::Index { base: e, indices }));
    }
    if let Some(rest) = j.strip_prefix('ᵀ').or_else(|| caret_t(j)) {
        return Ok((rest, ExprKind::Transpose(e)));
    }
    let (n, rest) = superscript(j).unwrap_or((2, j));
    let exp = cx.node(ExprKind::Num(BigRational::from_integer(n.into())), j, rest);
    let kind = ExprKind::Binary {
        op: BinOp::Pow,
        lhs: e,
        rhs: Box::new(exp),
    };
    Ok((rest, kind))
}

fn superscript(j: &str) -> Option<(u32, &str)> {
    if let Some(r) = j.strip_prefix('²') {
        Some((2, r))
    } else {
        j.strip_prefix('³').map(|r| (3, r))
    }
}

/// Level 6: numbers, names, calls, `( ... )`, the call-like special forms,
/// `1{i = j}`, and `∂L/∂x`.
fn atom<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, Expr> {
    let j = blank(i);
    let Some(c) = j.chars().next() else {
        return fail(PErr::expected(j, "an expression"));
    };
    if c.is_ascii_digit() {
        return number(cx, j);
    }
    if c == '(' {
        return paren(cx, j);
    }
    if c == 'Σ' || c == '∑' {
        let after = blank(&j[c.len_utf8()..]);
        if after.starts_with('(') {
            return sum_call(cx, j, after);
        }
        return failure(PErr::custom(
            j,
            c.len_utf8(),
            "a `Σ_i` sum takes a product as its operand; put it in parentheses here",
        ));
    }
    if c == '∂' {
        return partial_atom(cx, j);
    }
    if c == '√' {
        return notation::root(cx, j);
    }
    if c == '|' || c == '‖' {
        return notation::bars(cx, j);
    }
    if is_ident_start(c) {
        return name_or_call(cx, j);
    }
    fail(PErr::expected(j, "an expression"))
}

/// `( expr )` at `j`: the inner node, its span widened to the parentheses.
fn paren<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    let _g = cx.enter(j, Level::Nest)?;
    let (rest, inner) = cut(|k| expr(cx, k)).parse(&j[1..])?;
    let (rest, ()) = close(cx, rest, j, ')')?;
    Ok((rest, cx.node(inner.kind, j, rest)))
}

/// A number: digits with an optional decimal part, exact. `1{i = j}` too.
fn number<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let int_len = digits(j);
    let frac_len = match j[int_len..].strip_prefix('.') {
        Some(f) if f.starts_with(|c: char| c.is_ascii_digit()) => digits(f),
        _ => 0,
    };
    let len = if frac_len > 0 {
        int_len + 1 + frac_len
    } else {
        int_len
    };
    let text = &j[..len];
    let rest = &j[len..];
    if int_len + frac_len > MAX_DIGITS {
        return failure(PErr::custom(
            j,
            len,
            format!(
                "number literal too long: {} digits (at most {MAX_DIGITS})",
                int_len + frac_len
            ),
        ));
    }
    let all: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let numer = BigInt::parse_bytes(all.as_bytes(), 10).unwrap_or_else(BigInt::zero);
    let value = BigRational::new(numer, num_traits::pow(BigInt::from(10), frac_len));
    if text == "1" {
        let after = blank(rest);
        if after.starts_with('{') {
            return indicator(cx, j, after);
        }
    }
    Ok((rest, cx.node(ExprKind::Num(value), j, rest)))
}

/// `1{i = j}` (a delta) or a step `1{a > b}`, `1{a >= b}`, `1{a < b}`,
/// `1{a <= b}`, starting at `start`, with `open` at the `{`.
fn indicator<'s>(cx: &Cx<'s>, start: &'s str, open: &'s str) -> Res<'s, Expr> {
    let index_eq = |k| -> Res<'s, (Ident, Ident)> {
        let (rest, a) = ident(cx, k, INDEX_NAME)?;
        let (rest, _) = token("=").parse(rest)?;
        let (rest, b) = ident(cx, rest, INDEX_NAME)?;
        if !blank(rest).starts_with('}') {
            return fail(PErr::expected(blank(rest), "`}`"));
        }
        Ok((rest, (a, b)))
    };
    if let Ok((rest, (a, b))) = index_eq(&open[1..]) {
        let (rest, ()) = close(cx, rest, open, '}')?;
        return Ok((rest, cx.node(ExprKind::Delta(a, b), start, rest)));
    }
    let (rest, lhs) = cut(|k| expr(cx, k)).parse(&open[1..])?;
    let j = blank(rest);
    // (relation, strict, the step's argument is lhs − rhs)
    let rels: [(&str, bool, bool); 6] = [
        (">=", false, false),
        ("≥", false, false),
        ("<=", false, true),
        ("≤", false, true),
        (">", true, true),
        ("<", true, false),
    ];
    let Some((after, strict, forward)) = rels
        .iter()
        .find_map(|&(t, s, f)| j.strip_prefix(t).map(|r| (r, s, f)))
    else {
        let what = match lhs.kind {
            ExprKind::Name(_) | ExprKind::Binary { op: BinOp::Mul, .. } => {
                "`=` (between two indices), `>`, `>=`, `<` or `<=`"
            }
            _ => "`>`, `>=`, `<` or `<=`",
        };
        return failure(PErr::expected(j, what));
    };
    let (rest, rhs) = cut(|k| expr(cx, k)).parse(after)?;
    let (rest, ()) = close(cx, rest, open, '}')?;
    let span = cx.span(start, rest);
    Ok((rest, step_of(lhs, rhs, strict, forward, span)))
}

/// The indicator of `lhs REL rhs` as a step: `1{a > b}` is `step(a - b)`,
/// `1{a < b}` is `step(b - a)`, `1{a >= b}` is `1 - step(b - a)` and
/// `1{a <= b}` is `1 - step(a - b)`. `strict` for `>` and `<`; `forward`
/// when the step's argument is `lhs - rhs` (`>` and `<=`). Both front ends
/// build it here, so they give the same tree.
pub(crate) fn step_of(lhs: Expr, rhs: Expr, strict: bool, forward: bool, span: Span) -> Expr {
    let at = |kind| Expr { kind, span };
    let zero = |e: &Expr| matches!(&e.kind, ExprKind::Num(n) if n.is_zero());
    // 1{a > b} = step(a − b); 1{a >= b} = 1 − step(b − a).
    let (p, q) = if forward { (lhs, rhs) } else { (rhs, lhs) };
    let arg = if zero(&q) {
        p
    } else if zero(&p) {
        at(ExprKind::Neg(Box::new(q)))
    } else {
        at(ExprKind::Binary {
            op: BinOp::Sub,
            lhs: Box::new(p),
            rhs: Box::new(q),
        })
    };
    let step = at(ExprKind::Call {
        func: Ident {
            name: "step".to_string(),
            span,
        },
        args: vec![arg],
    });
    if strict {
        step
    } else {
        at(ExprKind::Binary {
            op: BinOp::Sub,
            lhs: Box::new(at(ExprKind::Num(BigRational::from_integer(BigInt::from(
                1,
            ))))),
            rhs: Box::new(step),
        })
    }
}

/// `∂L/∂x`, `∂L/∂z[j]`, `∂ŷ[i]/∂z[j]`, `∂σ(x)/∂x`, `∂²L/∂x²`.
fn partial_atom<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    let after = &j['∂'.len_utf8()..];
    if blank(after).starts_with('/') {
        return failure(PErr::custom(
            j,
            '∂'.len_utf8(),
            "`∂/∂x` takes a product as its operand; put it in parentheses here",
        ));
    }
    notation::partial_fraction(cx, j)
}

/// A name, a call `f(a, b)` (no blank before `(`), or a call-like form.
fn name_or_call<'s>(cx: &Cx<'s>, j: &'s str) -> Res<'s, Expr> {
    let (rest, name) = ident(cx, j, "a name")?;
    let (primes, after) = notation::primes(rest);
    if primes > 0 {
        return notation::primed_call(cx, j, name, primes, after);
    }
    if !rest.starts_with('(') {
        let name = match name.name.as_str() {
            "π" => Ident {
                name: "pi".into(),
                ..name
            },
            _ => name,
        };
        return Ok((
            rest,
            Expr {
                span: name.span,
                kind: ExprKind::Name(name),
            },
        ));
    }
    match name.name.as_str() {
        "sum" => sum_call(cx, j, rest),
        "delta" | "δ" => {
            let _g = cx.enter(j, Level::Nest)?;
            let (r, a) = cut(|k| ident(cx, k, INDEX_NAME)).parse(&rest[1..])?;
            let (r, _) = cut(token(",")).parse(r)?;
            let (r, b) = cut(|k| ident(cx, k, INDEX_NAME)).parse(r)?;
            let (r, ()) = close(cx, r, rest, ')')?;
            Ok((r, cx.node(ExprKind::Delta(a, b), j, r)))
        }
        "diff" => {
            let _g = cx.enter(j, Level::Nest)?;
            let (r, body) = cut(|k| expr(cx, k)).parse(&rest[1..])?;
            let (r, _) = cut(token(",")).parse(r)?;
            let (r, (var, indices)) = deriv_var(cx, r)?;
            let (r, ()) = close(cx, r, rest, ')')?;
            let kind = ExprKind::Deriv {
                var,
                indices,
                body: Box::new(body),
            };
            Ok((r, cx.node(kind, j, r)))
        }
        "transpose" => {
            let _g = cx.enter(j, Level::Nest)?;
            let (r, body) = cut(|k| expr(cx, k)).parse(&rest[1..])?;
            let (r, ()) = close(cx, r, rest, ')')?;
            Ok((r, cx.node(ExprKind::Transpose(Box::new(body)), j, r)))
        }
        "hadamard" => {
            let _g = cx.enter(j, Level::Nest)?;
            let (r, a) = cut(|k| expr(cx, k)).parse(&rest[1..])?;
            let (r, _) = cut(token(",")).parse(r)?;
            let (r, b) = cut(|k| expr(cx, k)).parse(r)?;
            let (r, ()) = close(cx, r, rest, ')')?;
            let mut e = binary(BinOp::Hadamard, a, b);
            e.span = cx.span(j, r);
            Ok((r, e))
        }
        _ => {
            let _g = cx.enter(j, Level::Nest)?;
            let (r, args) = call_args(cx, rest)?;
            let func = Ident {
                name: canonical_function(&name.name).to_string(),
                span: name.span,
            };
            Ok((r, cx.node(ExprKind::Call { func, args }, j, r)))
        }
    }
}

/// The one name of a function that has several spellings.
fn canonical_function(name: &str) -> &str {
    match name {
        "σ" => "sigmoid",
        "ln" => "log",
        other => other,
    }
}

/// `(a, b, ...)` at `open`, possibly empty.
fn call_args<'s>(cx: &Cx<'s>, open: &'s str) -> Res<'s, Vec<Expr>> {
    let mut args = Vec::new();
    let mut i = &open[1..];
    if blank(i).starts_with(')') {
        let (rest, ()) = close(cx, i, open, ')')?;
        return Ok((rest, args));
    }
    loop {
        let (rest, arg) = cut(|k| expr(cx, k)).parse(i)?;
        args.push(arg);
        match strip_any(rest, &[","]) {
            Some(after) => i = after,
            None => {
                let (rest, ()) = close(cx, rest, open, ')')?;
                // A vector grown by pushing has room for four: most calls
                // take one argument, and a computer algebra system's output
                // holds hundreds of thousands of them (issue #16).
                args.shrink_to_fit();
                return Ok((rest, args));
            }
        }
    }
}

/// `sum(i, body)` / `sum(i != j, body)` / `Σ(i, body)`, `open` at the `(`.
fn sum_call<'s>(cx: &Cx<'s>, start: &'s str, open: &'s str) -> Res<'s, Expr> {
    let _g = cx.enter(start, Level::Nest)?;
    let (r, (index, except)) = sum_binder(cx, &open[1..])?;
    let (r, _) = cut(token(",")).parse(r)?;
    let (r, body) = cut(|k| expr(cx, k)).parse(r)?;
    let (r, ()) = close(cx, r, open, ')')?;
    let kind = ExprKind::Sum {
        index,
        except,
        body: Box::new(body),
    };
    Ok((r, cx.node(kind, start, r)))
}

// ---------------------------------------------------------------------------
// Items

/// One top-level line that is not a claim.
fn item(cx: &Cx<'_>, line: &str) -> Result<Item, ParseError> {
    let parsed = if line.starts_with('=') {
        failure(PErr::custom(
            line,
            1,
            "a chain step (`= ...`) must be indented under a `claim` line",
        ))
    } else if let Some(rest) = keyword(line, "let") {
        let_item(cx, line, rest)
    } else {
        decl_or_def(cx, line)
    };
    parsed.map(|(_, it)| it).map_err(|e| cx.error(e))
}

/// `let h = expr`, `let z[i] = expr`.
fn let_item<'s>(cx: &Cx<'s>, line: &'s str, rest: &'s str) -> Res<'s, Item> {
    let (r, name) = cut(|k| ident(cx, k, "a name after `let`")).parse(rest)?;
    let (r, indices) = if blank(r).starts_with('[') {
        bracket_names(cx, blank(r), INDEX_NAME)?
    } else {
        (r, Vec::new())
    };
    let r = match strip_any(r, &[":=", "="]) {
        Some(after) => after,
        None => return failure(PErr::expected(r, "`=` and the value")),
    };
    let (r, value) = cut(|k| expr(cx, k)).parse(r)?;
    let (r, ()) = end_of_line(cx, r)?;
    Ok((
        r,
        Item::Let(Box::new(Let {
            name,
            indices,
            value,
            span: cx.span_of(line),
        })),
    ))
}

const ITEM: &str =
    "a declaration (`x : real`), a definition (`f(x) := ...`), `let` or `claim` at the start of a line";

/// `x, c : real` or `f(x, y) := expr` / `f(v)[i] := expr`.
fn decl_or_def<'s>(cx: &Cx<'s>, line: &'s str) -> Res<'s, Item> {
    let (mut r, first) = ident(cx, line, ITEM)?;
    if blank(r).starts_with('(') {
        return def(cx, line, first, blank(r));
    }
    let mut names = vec![first];
    while let Some(after) = strip_any(r, &[","]) {
        let (rest, name) = cut(|k| ident(cx, k, "a name to declare")).parse(after)?;
        names.push(name);
        r = rest;
    }
    let j = blank(r);
    let after = match j.strip_prefix(':') {
        Some(after) if !after.starts_with('=') => after,
        _ if names.len() == 1 => {
            return failure(PErr::expected(
                j,
                "`:` and a type (a declaration) or `(` and parameters (a definition)",
            ))
        }
        _ => return failure(PErr::expected(j, "`:` and a type")),
    };
    let (r, ty) = type_spec(cx, after)?;
    let (r, ()) = end_of_line(cx, r)?;
    // Pushed one by one, the names have room for four: a declaration
    // line is mostly one name, and files hold millions (issue #14).
    names.shrink_to_fit();
    Ok((
        r,
        Item::Decl(Box::new(Decl {
            names,
            ty,
            span: cx.span_of(line),
        })),
    ))
}

fn def<'s>(cx: &Cx<'s>, line: &'s str, name: Ident, open: &'s str) -> Res<'s, Item> {
    let mut params = Vec::new();
    let mut i = &open[1..];
    if !blank(i).starts_with(')') {
        loop {
            let (rest, p) = cut(|k| ident(cx, k, "a parameter name")).parse(i)?;
            params.push(p);
            match strip_any(rest, &[","]) {
                Some(after) => i = after,
                None => {
                    i = rest;
                    break;
                }
            }
        }
    }
    let (r, ()) = close(cx, i, open, ')')?;
    let (r, result_indices) = if blank(r).starts_with('[') {
        bracket_names(cx, blank(r), INDEX_NAME)?
    } else {
        (r, Vec::new())
    };
    let r = match strip_any(r, &[":=", "≔"]) {
        Some(after) => after,
        None => return failure(PErr::expected(r, "`:=` and the definition's body")),
    };
    let (r, body) = cut(|k| expr(cx, k)).parse(r)?;
    let (r, ()) = end_of_line(cx, r)?;
    let name = Ident {
        name: canonical_function(&name.name).to_string(),
        span: name.span,
    };
    Ok((
        r,
        Item::Def(Box::new(Def {
            name,
            params,
            result_indices,
            body,
            span: cx.span_of(line),
        })),
    ))
}

const TYPE: &str = "a type (`real`, `positive`, `nonnegative`, `simplex[n]`, `onehot[n]`, `vector[n]`, `matrix[m, d]` or `symmetric matrix[n, n]`)";

/// `real`, `positive vector[n]`, `simplex[n]`, `matrix[m, d]`, ...
fn type_spec<'s>(cx: &Cx<'s>, i: &'s str) -> Res<'s, TypeSpec> {
    let start = blank(i);
    let word = |s: &'s str| {
        let s = blank(s);
        ident_prefix(s).map(|w| (w, &s[w.len()..]))
    };
    let domain = match word(start) {
        Some(("real", r)) => Some((Domain::Real, r)),
        Some(("positive", r)) => Some((Domain::Positive, r)),
        Some(("nonnegative", r)) => Some((Domain::Nonnegative, r)),
        Some(("simplex", r)) => Some((Domain::Simplex, r)),
        Some(("onehot", r)) => Some((Domain::Onehot, r)),
        Some(("symmetric", r)) => Some((Domain::Symmetric, r)),
        _ => None,
    };
    let (dom, r) = domain.unwrap_or((Domain::Real, start));
    let vector_only = matches!(dom, Domain::Simplex | Domain::Onehot);
    let (r, shape) = if vector_only && blank(r).starts_with('[') {
        let (r, dims) = dims(cx, blank(r), 1, "simplex[n]")?;
        (r, ShapeSpec::Vector(dims[0].clone()))
    } else {
        match word(r) {
            Some(("vector", after)) => {
                let (r, d) = dims(cx, after, 1, "vector[n]")?;
                (r, ShapeSpec::Vector(d[0].clone()))
            }
            Some(("matrix", after)) if !vector_only => {
                let (r, d) = dims(cx, after, 2, "matrix[m, d]")?;
                (r, ShapeSpec::Matrix(Box::new([d[0].clone(), d[1].clone()])))
            }
            Some(("scalar", after)) if !vector_only => (after, ShapeSpec::Scalar),
            _ if vector_only => {
                let kw = dom.keyword();
                return failure(PErr::expected(
                    r,
                    format!("a dimension after `{kw}` (as in `{kw}[n]`)"),
                ));
            }
            _ if domain.is_some() => (r, ShapeSpec::Scalar),
            _ => return failure(PErr::expected(start, TYPE)),
        }
    };
    Ok((
        r,
        TypeSpec {
            domain: dom,
            shape,
            span: cx.span(start, r),
        },
    ))
}

/// `[n]` or `[m, d]` with exactly `count` dimension names.
fn dims<'s>(cx: &Cx<'s>, i: &'s str, count: usize, example: &str) -> Res<'s, Vec<Ident>> {
    let open = blank(i);
    if !open.starts_with('[') {
        return failure(PErr::expected(
            open,
            format!("`[` and dimensions, as in `{example}`"),
        ));
    }
    let (r, names) = bracket_names(cx, open, "a dimension name (as in `vector[n]`)")?;
    if names.len() != count {
        let len = cx.span(open, r);
        return failure(PErr::custom(
            open,
            len.end - len.start,
            format!("expected {count} dimension name(s) here, as in `{example}`"),
        ));
    }
    Ok((r, names))
}

/// `claim NAME: lhs = rhs`, or `claim NAME: a = b = c` (a one-line chain:
/// the name, the sides in order).
fn claim_head<'s>(cx: &Cx<'s>, line: &'s str) -> Result<(Ident, Vec<Expr>), nom::Err<PErr<'s>>> {
    item_head(cx, line, "claim")
}

/// A `goal` line: the keyword, then a name (`goal : real` declares a
/// variable named `goal`, as it did before goals existed, and so does
/// `goal, x : real`).
fn is_goal(line: &str) -> bool {
    keyword(line, "goal").is_some_and(|rest| {
        rest.starts_with(char::is_whitespace) && rest.trim_start().starts_with(is_ident_start)
    })
}

/// A `part` line: the keyword, then a name (`part : real` and `part, x :
/// real` still declare a variable named `part`).
fn is_part(line: &str) -> bool {
    keyword(line, "part").is_some_and(|rest| {
        rest.starts_with(char::is_whitespace) && rest.trim_start().starts_with(is_ident_start)
    })
}

/// `part NAME "marker" "marker" ...:` — at least one marker, each in double
/// quotes (a marker holds no `"`), then a colon ending the line.
fn part_head<'s>(cx: &Cx<'s>, line: &'s str) -> Result<Part, nom::Err<PErr<'s>>> {
    let rest = keyword(line, "part").unwrap_or(line);
    let (mut r, name) = cut(|k| ident(cx, k, "the part's name after `part`")).parse(rest)?;
    let mut markers = Vec::new();
    loop {
        let at = blank(r);
        let Some(inside) = at.strip_prefix('"') else {
            break;
        };
        let Some(end) = inside.find('"') else {
            return Err(nom::Err::Failure(PErr::custom(
                at,
                at.len(),
                "this marker text is not closed: expected `\"` before the end of the line",
            )));
        };
        let marker = inside[..end].trim();
        if marker.is_empty() {
            return Err(nom::Err::Failure(PErr::custom(
                at,
                end + 2,
                "a marker text is what a heading or paragraph of the document holds: it cannot be empty",
            )));
        }
        markers.push(marker.to_string());
        r = &inside[end + 1..];
    }
    if markers.is_empty() {
        return Err(nom::Err::Failure(PErr::expected(
            r,
            "a marker text in double quotes (e.g. `part b \"Part b)\":`), the text of the heading or paragraph where the part begins",
        )));
    }
    let (r, _) = cut(token(":")).parse(r)?;
    end_of_line(cx, r)?;
    Ok(Part {
        name,
        markers,
        items: Vec::new(),
        span: cx.span_of(line),
    })
}

/// The head of a `claim` or `goal` line (`kw`): `name: lhs = rhs`, or
/// `name: a = b = c` (the sides in order, at least two).
fn item_head<'s>(
    cx: &Cx<'s>,
    line: &'s str,
    kw: &str,
) -> Result<(Ident, Vec<Expr>), nom::Err<PErr<'s>>> {
    let rest = keyword(line, kw).unwrap_or(line);
    let name_after = format!("the {kw}'s name after `{kw}`");
    let (r, name) = cut(|k| ident(cx, k, &name_after)).parse(rest)?;
    let (r, _) = cut(token(":")).parse(r)?;
    let (r, lhs) = cut(|k| expr(cx, k)).parse(r)?;
    let Some(r) = strip_any(r, &["="]) else {
        let expected = format!("`=` and the {kw}'s right side");
        return Err(nom::Err::Failure(PErr::expected(r, &expected)));
    };
    let (mut r, rhs) = cut(|k| expr(cx, k)).parse(r)?;
    // `a = b = c` on one line: a chain with its steps after the first.
    let mut sides = vec![lhs, rhs];
    while let Some(after) = strip_any(r, &["="]) {
        let (rest, side) = cut(|k| expr(cx, k)).parse(after)?;
        sides.push(side);
        r = rest;
    }
    end_of_line(cx, r)?;
    Ok((name, sides))
}

/// One line of a chain: the start, or `= expr`.
fn chain_line(cx: &Cx<'_>, line: &LogicalLine<'_>, first: bool) -> Result<ChainLine, ParseError> {
    let text = line.content;
    let (starts_with_eq, body) = match text.strip_prefix('=') {
        Some(rest) => (true, rest),
        None if first => (false, text),
        None => {
            return Err(cx.error(nom::Err::Failure(PErr::custom(
                text,
                text.chars().next().map_or(0, char::len_utf8),
                "expected `=` at the start of this chain step (after the first line of a chain, every line begins with `=`)",
            ))))
        }
    };
    let expr = whole_expr(cx, body).map_err(|e| cx.error(e))?;
    Ok(ChainLine {
        starts_with_eq,
        expr,
        justification: line.comment.clone(),
        span: cx.span_of(text),
    })
}

mod notation;
pub use notation::{split_primes, PRIME};

#[cfg(test)]
mod tests;
