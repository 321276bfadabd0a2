//! The expression parser: the tokens of one step → an [`Expr`].
//!
//! Recursive descent with the language's precedence, loosest first:
//! `sum` (`+ -`, and `a_1 + \dots + a_n`) → `product` (`\cdot \times / \odot`
//! and juxtaposition) → `prefix` (`-`, `\sum_j`, `\frac{d}{dx}`, `\nabla_x`)
//! → `power` (an atom with its `_` and `^` scripts) → `atom`. The LaTeX
//! forms with arguments (`\frac`, `\sqrt`, scripts, accents, functions) are
//! in `forms.rs`.
//!
//! A step is a slice of the display's tokens, possibly joined from several
//! rows. Brace groups are matched once up front ([`P::close`]), so reading
//! `\frac{…}{…}` or a script is a bounded sub-parse of a known range and
//! the whole parse stays linear. Every group, prefix operator, script, and
//! every operator of a run takes one level of [`MAX_DEPTH`], as in the
//! language's parser, so the tree is never deeper than the limit.

use super::dots::{self, Term};
use super::lex::{Tok, TokKind};
use super::names;
use super::{LatexError, MAX_DEPTH};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident};
use crate::syntax::parser::MAX_DIGITS;
use crate::syntax::span::Span;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

pub(super) type R<T> = Result<T, LatexError>;

/// Reads the tokens of one step as one expression. `eof` is the offset
/// reported for "found the end of the step" when `toks` is empty.
pub(crate) fn read_step(
    toks: &[Tok],
    eof: usize,
    declared: &dyn Fn(&str) -> bool,
    notes: &mut Vec<(Span, String)>,
) -> R<Expr> {
    // Wide spaces inside a step are only spacing.
    let toks: Vec<Tok> = toks
        .iter()
        .filter(|t| !(t.is_cmd("quad") || t.is_cmd("qquad")))
        .cloned()
        .collect();
    let eof = toks.last().map_or(eof, |t| t.span.end);
    let close = match_braces(&toks)?;
    let mut p = P {
        toks: &toks,
        close,
        pos: 0,
        end: toks.len(),
        depth: 0,
        declared,
        notes,
        eof,
        bars: (0, 0),
    };
    let e = p.sum()?;
    p.expect_end("an operator or the end of the step")?;
    check_indices(&e, 0)?;
    Ok(e)
}

/// For each `{` the index of its `}` (and `usize::MAX` elsewhere).
fn match_braces(toks: &[Tok]) -> R<Vec<usize>> {
    let mut close = vec![usize::MAX; toks.len()];
    let mut open = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        if t.is_sym('{') {
            open.push(k);
        } else if t.is_sym('}') {
            match open.pop() {
                Some(o) => close[o] = k,
                None => return Err(err(t.span, "unmatched `}`")),
            }
        }
    }
    match open.first() {
        Some(&o) => Err(err(toks[o].span, "this `{` is never closed")),
        None => Ok(close),
    }
}

pub(super) fn err(span: Span, message: impl Into<String>) -> LatexError {
    LatexError {
        span,
        message: message.into(),
    }
}

pub(super) fn node(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

pub(super) fn bin(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.join(rhs.span);
    node(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

/// How a token is named in a message.
pub(super) fn describe(t: &Tok) -> String {
    match &t.kind {
        TokKind::Cmd(c) => format!("`\\{c}`"),
        TokKind::Letter(s) | TokKind::Num(s) => format!("`{s}`"),
        TokKind::Sym(c) => format!("`{c}`"),
        TokKind::Text { cmd, content } => format!("`\\{cmd}{{{}}}`", content.trim()),
        TokKind::Env { begin, name } => {
            format!("`\\{}{{{name}}}`", if *begin { "begin" } else { "end" })
        }
    }
}

/// Is `t` one of the dots of an explicit sum?
pub(super) fn is_dots(t: &Tok) -> bool {
    matches!(&t.kind, TokKind::Cmd(c) if matches!(c.as_str(), "dots" | "cdots" | "ldots" | "dotsb" | "dotsc" | "dotsm"))
        || t.is_sym('…')
        || t.is_sym('⋯')
}

/// The parser's state over one step's tokens.
pub(super) struct P<'a> {
    pub toks: &'a [Tok],
    /// For each `{`, the index of its `}`.
    pub close: Vec<usize>,
    pub pos: usize,
    /// The end of the range being read (a group's closing brace, or the end).
    pub end: usize,
    pub depth: usize,
    pub declared: &'a dyn Fn(&str) -> bool,
    pub notes: &'a mut Vec<(Span, String)>,
    /// Where the step ends, for "found the end of the step".
    pub eof: usize,
    /// How many `|…|` and `‖…‖` are open where reading stands (see `bars.rs`).
    pub bars: (u32, u32),
}

impl P<'_> {
    pub fn peek(&self) -> Option<&Tok> {
        if self.pos < self.end {
            self.toks.get(self.pos)
        } else {
            None
        }
    }

    pub fn peek_at(&self, k: usize) -> Option<&Tok> {
        if k < self.end {
            self.toks.get(k)
        } else {
            None
        }
    }

    pub fn peek_is(&self, f: impl Fn(&Tok) -> bool) -> bool {
        self.peek().is_some_and(f)
    }

    /// "expected WHAT, found ..." at the current token.
    pub fn expected<T>(&self, what: &str) -> R<T> {
        Err(self.expected_err(what))
    }

    pub fn expected_err(&self, what: &str) -> LatexError {
        self.expected_err_at(self.pos, what)
    }

    /// "expected WHAT, found ..." at token `k`.
    pub fn expected_err_at(&self, k: usize, what: &str) -> LatexError {
        match self.toks.get(k) {
            Some(t) if k <= self.end => {
                err(t.span, format!("expected {what}, found {}", describe(t)))
            }
            _ => err(
                Span::new(self.eof, self.eof),
                format!("expected {what}, found the end of the step"),
            ),
        }
    }

    pub fn expect_end(&self, what: &str) -> R<()> {
        if self.pos < self.end {
            return self.expected(what);
        }
        Ok(())
    }

    /// Takes one nesting level at `span`.
    pub fn enter(&mut self, span: Span) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                span,
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Runs `f` on the tokens `start..end`, which it must read whole, and
    /// then goes on after `next`.
    pub fn within<T>(
        &mut self,
        (start, end, next): (usize, usize, usize),
        what: &str,
        f: impl FnOnce(&mut Self) -> R<T>,
    ) -> R<T> {
        let (old_pos, old_end) = (self.pos, self.end);
        self.pos = start;
        self.end = end;
        let out = f(self).and_then(|v| self.expect_end(what).map(|()| v));
        self.pos = next.max(old_pos);
        self.end = old_end;
        out
    }

    /// The argument at `k`: a braced group (its inside) or one token.
    /// Returns `(start, end, next)`.
    pub fn arg_range(&self, k: usize, of: &str) -> R<(usize, usize, usize)> {
        let what = format!("the argument of {of}");
        match self.peek_at(k) {
            Some(t) if t.is_sym('{') => {
                let c = self.close[k];
                Ok((k + 1, c, c + 1))
            }
            Some(t) if !t.is_sym('}') => Ok((k, k + 1, k + 1)),
            _ => Err(self.expected_err_at(k, &what)),
        }
    }

    /// The span from token `a` through token `b - 1`.
    pub fn span_of(&self, a: usize, b: usize) -> Span {
        let first = self.toks.get(a).map_or(self.eof, |t| t.span.start);
        let last = b
            .checked_sub(1)
            .and_then(|k| self.toks.get(k))
            .map_or(first, |t| t.span.end);
        Span::new(first, last.max(first))
    }

    // -----------------------------------------------------------------------
    // Grammar levels

    /// `a + b - c`, with `+ \dots +` runs made into sums.
    pub fn sum(&mut self) -> R<Expr> {
        let saved = self.depth;
        let mut terms = vec![Term::Expr(BinOp::Add, self.product()?)];
        let mut dotted = false;
        while let Some(t) = self.peek() {
            let op = if t.is_sym('+') {
                BinOp::Add
            } else if t.is_sym('-') || t.is_sym('−') {
                BinOp::Sub
            } else if t.is_cmd("pm") || t.is_cmd("mp") || t.is_sym('±') {
                return Err(err(t.span, "`±` is not read: write the two cases"));
            } else {
                break;
            };
            let span = t.span;
            self.pos += 1;
            self.enter(span)?;
            if let Some(d) = self.peek().filter(|t| is_dots(t)) {
                terms.push(Term::Dots(op, d.span));
                dotted = true;
                self.pos += 1;
                continue;
            }
            terms.push(Term::Expr(op, self.product()?));
        }
        self.depth = saved;
        let terms = if dotted {
            dots::resolve(terms, self.declared)?
        } else {
            terms
        };
        let mut acc: Option<Expr> = None;
        for term in terms {
            let Term::Expr(op, e) = term else {
                continue;
            };
            acc = Some(match acc {
                None => e,
                Some(a) => bin(op, a, e),
            });
        }
        acc.ok_or_else(|| self.expected_err("an expression"))
    }

    /// `a \cdot b`, `a / b`, `a \odot b`, and `a b`.
    pub fn product(&mut self) -> R<Expr> {
        let saved = self.depth;
        let mut acc = self.prefix()?;
        while let Some(t) = self.peek() {
            if is_dots(t) {
                return Err(err(
                    t.span,
                    "products of many factors written with dots are not supported yet",
                ));
            }
            let span = t.span;
            let op = match mul_op(t) {
                Some(op) => {
                    self.pos += 1;
                    op
                }
                None if starts_operand(t) || self.opens_bars(t) => BinOp::Mul,
                None => break,
            };
            self.enter(span)?;
            let rhs = self.prefix()?;
            acc = bin(op, acc, rhs);
        }
        self.depth = saved;
        Ok(acc)
    }

    /// `-a`, `\sum_j a`, `\frac{\partial}{\partial x} a`, `\nabla_x a`,
    /// `\partial_x a`: prefix operators whose operand is a product.
    fn prefix(&mut self) -> R<Expr> {
        let Some(t) = self.peek() else {
            return self.expected("an expression");
        };
        let span = t.span;
        if t.is_sym('-') || t.is_sym('−') {
            self.pos += 1;
            self.enter(span)?;
            let e = self.product()?;
            self.leave();
            let span = span.join(e.span);
            return Ok(node(ExprKind::Neg(Box::new(e)), span));
        }
        if is_sum_token(t) {
            return self.sum_prefix();
        }
        if t.is_cmd("prod") || t.is_sym('∏') || t.is_sym('Π') {
            return Err(err(
                span,
                "products (`\\prod`) are not supported yet: the language has sums but no products",
            ));
        }
        if is_frac(t) && self.frac_is_operator(self.pos) {
            return self.deriv_operator();
        }
        let partial_sub = (t.is_cmd("partial") || t.is_sym('∂'))
            && self.peek_at(self.pos + 1).is_some_and(|n| n.is_sym('_'));
        if t.is_cmd("nabla") || t.is_sym('∇') || partial_sub {
            return self.nabla();
        }
        self.power()
    }

    /// An atom and its scripts.
    pub fn power(&mut self) -> R<Expr> {
        let base = self.atom()?;
        self.scripts(base)
    }

    /// Numbers, names, groups, and the commands with arguments.
    fn atom(&mut self) -> R<Expr> {
        let Some(t) = self.peek().cloned() else {
            return self.expected("an expression");
        };
        match &t.kind {
            TokKind::Num(s) => self.number(s, t.span),
            TokKind::Letter(_) => self.letters(),
            TokKind::Text { .. } => self.text_word(),
            TokKind::Cmd(_) if self.opens_bars(&t) => self.bars(),
            TokKind::Cmd(c) => self.command(c, t.span),
            TokKind::Sym('(') => self.fenced(')'),
            TokKind::Sym('[') => self.fenced(']'),
            TokKind::Sym('{') => {
                let range = self.arg_range(self.pos, "`{`")?;
                self.enter(t.span)?;
                let mut e = self.within(range, "`}`", |p| p.sum())?;
                self.leave();
                e.span = self.span_of(range.0 - 1, range.2);
                Ok(e)
            }
            TokKind::Sym('∂') => Err(err(t.span, PARTIAL_ALONE)),
            _ if self.opens_bars(&t) => self.bars(),
            TokKind::Env { name, .. } => Err(err(
                t.span,
                format!("the `{name}` environment is not read inside a step"),
            )),
            _ => self.expected("an expression"),
        }
    }

    /// `( … )`, `[ … ]`, `\{ … \}` as grouping: the inner node, its span
    /// widened to the fences, as the language's parser does.
    fn fenced(&mut self, closer: char) -> R<Expr> {
        let open = self.pos;
        let open_span = self.toks[open].span;
        self.pos += 1;
        self.enter(open_span)?;
        let inner = self.sum()?;
        let closed = match self.peek() {
            Some(t) if closer == '}' => t.is_cmd("}"),
            Some(t) => t.is_sym(closer),
            None => false,
        };
        if !closed {
            let opener = describe(&self.toks[open]);
            let closer = if closer == '}' {
                "`\\}`".to_string()
            } else {
                format!("`{closer}`")
            };
            return self.expected(&format!("{closer} to close the {opener}"));
        }
        self.pos += 1;
        self.leave();
        Ok(node(inner.kind, self.span_of(open, self.pos)))
    }

    /// A number literal, or the indicator `1\{i = j\}`.
    fn number(&mut self, s: &str, span: Span) -> R<Expr> {
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if digits > MAX_DIGITS {
            return Err(err(
                span,
                format!("number literal too long: {digits} digits (at most {MAX_DIGITS})"),
            ));
        }
        self.pos += 1;
        if s == "1" {
            if let Some(delta) = self.indicator(span)? {
                return Ok(delta);
            }
        }
        Ok(node(ExprKind::Num(parse_number(s)), span))
    }

    /// A run of letters: one name when the run (or its longest prefix) is
    /// declared or a builtin function's name, otherwise one letter (in
    /// LaTeX `xy` is x times y).
    fn letters(&mut self) -> R<Expr> {
        let start = self.pos;
        let mut word = String::new();
        let mut best: Option<(usize, String)> = None;
        let mut k = start;
        while let Some(t) = self.peek_at(k) {
            let piece = match &t.kind {
                TokKind::Letter(s) | TokKind::Num(s) if k - start < 24 => s,
                _ => break,
            };
            if k > start && self.toks[k - 1].span.end != t.span.start {
                break;
            }
            word.push_str(piece);
            let is_num = matches!(t.kind, TokKind::Num(_));
            if k > start && ((self.declared)(&word) || (!is_num && names::is_builtin_word(&word))) {
                best = Some((k + 1, word.clone()));
            }
            k += 1;
        }
        let first = match &self.toks[start].kind {
            TokKind::Letter(s) => s.clone(),
            _ => String::new(),
        };
        let (next, name) = best.unwrap_or((start + 1, first));
        let span = self.span_of(start, next);
        self.pos = next;
        match name.as_str() {
            "σ" => return self.sigma(span),
            "δ" => return self.delta(span),
            "Σ" => return Err(err(span, "expected an expression, found `Σ`")),
            _ => {}
        }
        if names::is_builtin_word(&name) && self.argument_follows() {
            let func = names::canonical_function(&name).to_string();
            return self.apply(Ident { name: func, span }, true);
        }
        let name = if name.chars().count() == 1 {
            names::letter_name(&name, self.declared)
        } else {
            name
        };
        let primed = self.peek_is(|t| t.is_sym('\'')) || self.prime_script_follows();
        if (primed || self.peek_is(|t| t.is_sym('('))) && self.is_function_name(&name) {
            return self.apply(Ident { name, span }, false);
        }
        Ok(node(ExprKind::Name(Ident { name, span }), span))
    }

    /// Does an argument (or a power or prime before one) follow a function
    /// name? Without one, the name stands alone (`\text{softmax}`).
    pub fn argument_follows(&self) -> bool {
        self.peek_is(|t| t.is_sym('\'') || t.is_sym('^') || starts_operand(t))
    }

    /// Is `name`, followed by `(`, a function applied rather than a factor?
    /// Words of several letters are (`softmax(z)`, a defined `sigma(x)`);
    /// of single letters only `f` and `g`, and Greek letters not declared
    /// as variables (`\phi(z)`): `a(b + c)` and `h(1 - h)` are products.
    pub fn is_function_name(&self, name: &str) -> bool {
        if matches!(name, "e" | "pi") {
            return false;
        }
        let mut chars = name.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii() => matches!(c, 'f' | 'g'),
            (Some(_), None) => !(self.declared)(name),
            _ => !name.ends_with(|c: char| c.is_ascii_digit()),
        }
    }

    /// `\text{softmax}`, `\operatorname{tr}`, `\mathrm{d}`: a name, or a
    /// function when followed by `(` or when it is a builtin function.
    fn text_word(&mut self) -> R<Expr> {
        let t = self.toks[self.pos].clone();
        let TokKind::Text { content, .. } = &t.kind else {
            return self.expected("an expression");
        };
        let word = content.trim();
        let ok = word == content.as_str()
            && word.chars().next().is_some_and(char::is_alphabetic)
            && word.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !ok {
            return Err(err(
                t.span,
                "`\\text{…}` is read in a step only as a name or a function (as in `\\text{softmax}(z)`); prose after a step belongs after `\\quad`, as its justification",
            ));
        }
        self.pos += 1;
        let span = t.span;
        if names::is_builtin_word(word) && self.argument_follows() {
            let func = names::canonical_function(word).to_string();
            return self.apply(Ident { name: func, span }, true);
        }
        if let Some(func) = names::text_function_alias(word) {
            if self.peek_is(|t| t.is_sym('(')) && !(self.declared)(word) {
                return self.apply(
                    Ident {
                        name: func.to_string(),
                        span,
                    },
                    false,
                );
            }
        }
        if self.peek_is(|t| t.is_sym('(') || t.is_sym('\'')) && self.is_function_name(word) {
            return self.apply(
                Ident {
                    name: word.to_string(),
                    span,
                },
                false,
            );
        }
        let name = names::letter_name(word, self.declared);
        Ok(node(ExprKind::Name(Ident { name, span }), span))
    }

    /// A control word in atom position.
    fn command(&mut self, c: &str, span: Span) -> R<Expr> {
        if let Some(letter) = names::greek_letter(c) {
            self.pos += 1;
            return match letter {
                "σ" => self.sigma(span),
                "δ" => self.delta(span),
                _ => {
                    let name = names::letter_name(letter, self.declared);
                    if self.peek_is(|t| t.is_sym('(') || t.is_sym('\''))
                        && self.is_function_name(&name)
                    {
                        return self.apply(Ident { name, span }, false);
                    }
                    Ok(node(ExprKind::Name(Ident { name, span }), span))
                }
            };
        }
        if let Some(f) = names::function_command(c) {
            self.pos += 1;
            return self.apply(
                Ident {
                    name: f.to_string(),
                    span,
                },
                true,
            );
        }
        match c {
            "frac" | "dfrac" | "tfrac" | "cfrac" => self.frac(),
            "sqrt" => self.sqrt(),
            "{" | "lbrace" => self.fenced('}'),
            "partial" => Err(err(span, PARTIAL_ALONE)),
            "infty" => Err(err(
                span,
                "`\\infty` is not read: the language has no infinity",
            )),
            c if names::is_style(c) => self.styled(span),
            c if names::is_accent(c) => self.accented(c, span),
            _ if is_dots(&self.toks[self.pos]) => Err(err(
                span,
                "dots are read only between the terms of a sum, as in `a_1 + a_2 + \\dots + a_n`",
            )),
            c if is_known_command(c) => self.expected("an expression"),
            "" => Err(err(span, "a lone `\\` is not a command")),
            c => Err(err(span, format!("unknown command `\\{c}`"))),
        }
    }
}

pub(super) const PARTIAL_ALONE: &str = "`\\partial` is read in `\\frac{\\partial f}{\\partial x}`, `\\frac{\\partial}{\\partial x} f` and `\\partial_x f`";

/// The multiplicative operator of `t`, if it is one.
fn mul_op(t: &Tok) -> Option<BinOp> {
    match &t.kind {
        TokKind::Sym('*' | '·' | '⋅' | '×') => Some(BinOp::Mul),
        TokKind::Sym('/' | '÷') => Some(BinOp::Div),
        TokKind::Sym('⊙' | '∘') => Some(BinOp::Hadamard),
        TokKind::Cmd(c) => match c.as_str() {
            "cdot" | "times" | "ast" | "cdotp" => Some(BinOp::Mul),
            "div" => Some(BinOp::Div),
            "odot" | "circ" => Some(BinOp::Hadamard),
            _ => None,
        },
        _ => None,
    }
}

/// Can a factor start at `t`, so that juxtaposition multiplies?
pub(super) fn starts_operand(t: &Tok) -> bool {
    match &t.kind {
        TokKind::Letter(_) | TokKind::Num(_) | TokKind::Text { .. } => true,
        TokKind::Sym(c) => matches!(c, '(' | '[' | '{' | '∂' | '∑' | '∇' | '∏'),
        TokKind::Cmd(c) => {
            names::greek_letter(c).is_some()
                || names::function_command(c).is_some()
                || names::is_style(c)
                || names::is_accent(c)
                || matches!(
                    c.as_str(),
                    "frac"
                        | "dfrac"
                        | "tfrac"
                        | "cfrac"
                        | "sqrt"
                        | "sum"
                        | "prod"
                        | "partial"
                        | "nabla"
                        | "{"
                        | "lbrace"
                )
        }
        TokKind::Env { begin, .. } => *begin,
    }
}

pub(super) fn is_sum_token(t: &Tok) -> bool {
    t.is_cmd("sum") || t.is_sym('∑') || matches!(&t.kind, TokKind::Letter(s) if s == "Σ")
}

pub(super) fn is_frac(t: &Tok) -> bool {
    matches!(&t.kind, TokKind::Cmd(c) if matches!(c.as_str(), "frac" | "dfrac" | "tfrac" | "cfrac"))
}

/// Commands the reader knows, which are an error only where they stand.
fn is_known_command(c: &str) -> bool {
    super::chain::relation_command(c)
        || matches!(
            c,
            "cdot"
                | "times"
                | "ast"
                | "div"
                | "odot"
                | "circ"
                | "sum"
                | "prod"
                | "nabla"
                | "top"
                | "intercal"
                | "}"
                | "rbrace"
                | "\\"
                | "pm"
                | "mp"
        )
}

/// An exact number from its decimal digits.
fn parse_number(s: &str) -> BigRational {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let all = format!("{int}{frac}");
    let numer = BigInt::parse_bytes(all.as_bytes(), 10).unwrap_or_else(BigInt::zero);
    BigRational::new(numer, num_traits::pow(BigInt::from(10), frac.len()))
}

/// Indices that are numbers (`x_1`, kept as index names made of digits
/// until `dots.rs` has had its chance) are an error in the finished tree:
/// the language's indices are names.
fn check_indices(e: &Expr, depth: usize) -> R<()> {
    let numeric = |base: &str, ids: &[Ident]| -> R<()> {
        match ids.iter().find(|i| i.name.starts_with(|c: char| c.is_ascii_digit())) {
            Some(i) => Err(err(
                i.span,
                format!(
                    "numeric index `{}`: the language's indices are names (as in `{base}_i`); declare the joined name (`{base}{}`) to read the subscript as part of the name",
                    i.name, i.name
                ),
            )),
            None => Ok(()),
        }
    };
    if depth > MAX_DEPTH * 4 {
        return Ok(());
    }
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Name(_) => Ok(()),
        ExprKind::Call { args, .. } => args.iter().try_for_each(|a| check_indices(a, depth + 1)),
        ExprKind::Index { base, indices } => {
            let name = match &base.kind {
                ExprKind::Name(n) => n.name.as_str(),
                _ => "x",
            };
            numeric(name, indices)?;
            check_indices(base, depth + 1)
        }
        ExprKind::Neg(x) | ExprKind::Transpose(x) => check_indices(x, depth + 1),
        ExprKind::Binary { lhs, rhs, .. } => {
            check_indices(lhs, depth + 1)?;
            check_indices(rhs, depth + 1)
        }
        ExprKind::Sum { body, .. } => check_indices(body, depth + 1),
        ExprKind::Delta(a, b) => numeric("δ", &[a.clone(), b.clone()]),
        ExprKind::Deriv {
            var, indices, body, ..
        } => {
            numeric(&var.name, indices)?;
            check_indices(body, depth + 1)
        }
    }
}
