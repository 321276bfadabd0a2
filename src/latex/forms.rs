//! The LaTeX forms with arguments: scripts (`_`, `^`), `\sum`, `\nabla`,
//! `\sqrt`, fonts and accents, `\sigma` and `\delta`, indicators, and
//! function application (`\frac` is in `fractions.rs`).

use super::expr::{bin, err, node, starts_operand, P, R};
use super::lex::{Tok, TokKind};
use super::names;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident};
use crate::syntax::span::Span;
use num_rational::BigRational;

/// A token range `(start, end, next)`: the tokens `start..end`, and where
/// reading goes on after them.
pub(super) type Range = (usize, usize, usize);

/// Does `t` stand for "transpose" in a superscript?
fn is_transpose(t: &Tok) -> bool {
    match &t.kind {
        TokKind::Letter(s) => s == "T",
        TokKind::Cmd(c) => matches!(c.as_str(), "top" | "intercal" | "mathsf"),
        TokKind::Text { content, .. } => content.trim() == "T",
        TokKind::Sym(c) => *c == '⊤',
        _ => false,
    }
}

/// The variable of a derivative: a name, or an indexed name.
pub(super) fn as_var(e: Expr) -> R<(Ident, Vec<Ident>)> {
    match e.kind {
        ExprKind::Name(id) => Ok((id, Vec::new())),
        ExprKind::Index { base, indices } => match base.kind {
            ExprKind::Name(id) => Ok((id, indices)),
            _ => Err(err(e.span, VAR)),
        },
        _ => Err(err(e.span, VAR)),
    }
}

pub(super) const VAR: &str =
    "expected the variable to differentiate by (a name such as `x` or `z_j`)";

impl P<'_> {
    /// A range with redundant braces removed: `{{x}}` → `x`.
    pub(super) fn unwrap(&self, (mut s, mut e, n): Range) -> Range {
        while s + 1 < e && self.toks[s].is_sym('{') && self.close[s] == e - 1 {
            s += 1;
            e -= 1;
        }
        (s, e, n)
    }

    /// The argument of `_` or `^` at `k`. LaTeX takes one character
    /// without braces, so `x^12` is `x^1 2`: refused rather than misread.
    pub(super) fn script_range(&self, k: usize) -> R<Range> {
        let r = self.arg_range(k, "`_` or `^`")?;
        if let TokKind::Num(s) = &self.toks[r.0].kind {
            if r.1 == r.0 + 1 && !self.toks[k].is_sym('{') && s.len() > 1 {
                return Err(err(
                    self.toks[r.0].span,
                    format!(
                        "LaTeX takes one character after `_` or `^`: write `{{{s}}}` in braces"
                    ),
                ));
            }
        }
        Ok(self.unwrap(r))
    }

    /// The `_` and `^` of `base`, in either order, at most one of each.
    pub fn scripts(&mut self, base: Expr) -> R<Expr> {
        let mut sub = None;
        let mut sup = None;
        while let Some(t) = self.peek() {
            let is_sub = t.is_sym('_');
            if !is_sub && !t.is_sym('^') {
                break;
            }
            if (is_sub && sub.is_some()) || (!is_sub && sup.is_some()) {
                let what = if is_sub { "subscript" } else { "superscript" };
                return Err(err(
                    t.span,
                    format!("double {what}: put braces around the first one"),
                ));
            }
            let range = self.script_range(self.pos + 1)?;
            self.pos = range.2;
            if is_sub {
                sub = Some(range);
            } else {
                sup = Some(range);
            }
        }
        let mut e = base;
        if let Some(r) = sub {
            e = self.subscript(e, r)?;
        }
        if let Some(r) = sup {
            e = self.superscript(e, r)?;
        }
        if let Some(t) = self.peek().filter(|t| t.is_sym('\'')) {
            return Err(err(
                t.span,
                "a prime is read only on a function, as in `\\sigma'(x)`; write other derivatives as `\\frac{d}{dx}`",
            ));
        }
        Ok(e)
    }

    /// The text a subscript adds to a name, if it can: letters and digits
    /// (`W_1`, `W_{ij}`), or a word (`y_{\text{true}}`, then true).
    fn suffix(&self, (s, e, _): Range) -> Option<(String, bool)> {
        if e == s + 1 {
            if let TokKind::Text { content, .. } = &self.toks[s].kind {
                return Some((content.trim().to_string(), true));
            }
        }
        let mut out = String::new();
        for t in &self.toks[s..e] {
            match &t.kind {
                TokKind::Letter(l) | TokKind::Num(l) => out.push_str(l),
                _ => return None,
            }
        }
        Some((out, false))
    }

    /// `base_{…}`: a longer name when the joined name is declared, else
    /// indices.
    fn subscript(&mut self, base: Expr, r: Range) -> R<Expr> {
        let span = base.span.join(self.span_of(r.0, r.2));
        if let ExprKind::Name(id) = &base.kind {
            if let Some((suffix, word)) = self.suffix(r) {
                let joined = [
                    format!("{}{suffix}", id.name),
                    format!("{}_{suffix}", id.name),
                ];
                if let Some(name) = joined.iter().find(|n| (self.declared)(n)) {
                    if (self.declared)(&id.name) {
                        self.notes.push((
                            span,
                            format!(
                                "read as the name `{name}`; `{}` is declared too, and `{}` with an index would read differently",
                                id.name, id.name
                            ),
                        ));
                    }
                    let ident = Ident {
                        name: name.clone(),
                        span,
                    };
                    return Ok(node(ExprKind::Name(ident), span));
                }
                if word {
                    // A word below a name is a label, not an index.
                    let name = joined[1].clone();
                    return Ok(node(ExprKind::Name(Ident { name, span }), span));
                }
            }
        }
        let indices = self.index_list(r.0, r.1)?;
        // `{\delta}_{ij}`: the group hid the subscript from `\delta`.
        if let (ExprKind::Name(id), [a, b]) = (&base.kind, indices.as_slice()) {
            if id.name == names::letter_name("δ", self.declared) && !(self.declared)(&id.name) {
                return Ok(node(ExprKind::Delta(a.clone(), b.clone()), span));
            }
        }
        let kind = ExprKind::Index {
            base: Box::new(base),
            indices,
        };
        Ok(node(kind, span))
    }

    /// One index name at `k` (before `end`): a letter with the digits right
    /// after it (`k1`), a Greek letter, a word, or digits (a numeric index,
    /// kept as an index named by its digits for `dots.rs` to take or for
    /// the step's check to refuse).
    fn index_at(&self, k: usize, end: usize) -> R<(Ident, usize)> {
        let what = "an index name (as in `x_i` or `W_{ij}`)";
        let t = match self.toks.get(k) {
            Some(t) if k < end => t,
            _ => return Err(self.expected_err_at(k, what)),
        };
        let one = |name: String, next: usize| {
            let span = self.span_of(k, next);
            Ok((Ident { name, span }, next))
        };
        match &t.kind {
            TokKind::Letter(l) => {
                let name = names::letter_name(l, self.declared);
                match self.toks.get(k + 1) {
                    Some(n) if k + 1 < end && n.span.start == t.span.end => match &n.kind {
                        TokKind::Num(d) => one(format!("{name}{d}"), k + 2),
                        _ => one(name, k + 1),
                    },
                    _ => one(name, k + 1),
                }
            }
            TokKind::Num(d) => one(d.clone(), k + 1),
            TokKind::Cmd(c) => match names::greek_letter(c) {
                Some(g) => one(names::letter_name(g, self.declared), k + 1),
                None => Err(self.expected_err_at(k, what)),
            },
            TokKind::Text { content, .. } if !content.trim().is_empty() => {
                one(content.trim().to_string(), k + 1)
            }
            _ => Err(self.expected_err_at(k, what)),
        }
    }

    /// The indices of a subscript: `i`, `ij`, `i j`, `i,j`, `i, k1`.
    fn index_list(&self, s: usize, e: usize) -> R<Vec<Ident>> {
        let mut out = Vec::new();
        let mut k = s;
        while k < e {
            // Braces around an index (`_{{i}{j}}`) only group.
            if self.toks[k].is_sym('{') || self.toks[k].is_sym('}') {
                k += 1;
                continue;
            }
            let (id, next) = self.index_at(k, e)?;
            out.push(id);
            k = next;
            if k < e && self.toks[k].is_sym(',') {
                k += 1;
                if k == e {
                    return Err(self.expected_err_at(k, "an index name after `,`"));
                }
            }
        }
        if out.is_empty() {
            return Err(self.expected_err_at(s, "an index name (as in `x_i` or `W_{ij}`)"));
        }
        Ok(out)
    }

    /// `base^{…}`: a transpose (`^T`, `^\top`, `^{\mathsf{T}}`), a layer
    /// number when the joined name is declared (`W^{(1)}` → `W1`), or a
    /// power.
    fn superscript(&mut self, base: Expr, r: Range) -> R<Expr> {
        let span = base.span.join(self.span_of(r.0, r.2));
        let (s, e, _) = r;
        let toks = &self.toks[s..e];
        let mathsf_t = toks.len() == 2 && toks[0].is_cmd("mathsf") && is_transpose(&toks[1]);
        if (toks.len() == 1 && is_transpose(&toks[0]) && !toks[0].is_cmd("mathsf")) || mathsf_t {
            return Ok(node(ExprKind::Transpose(Box::new(base)), span));
        }
        if let (ExprKind::Name(id), [open, num_tok, close]) = (&base.kind, toks) {
            let layered =
                (open.is_sym('(') && close.is_sym(')')) || (open.is_sym('[') && close.is_sym(']'));
            if let TokKind::Num(d) = &num_tok.kind {
                let name = format!("{}{d}", id.name);
                if layered && (self.declared)(&name) {
                    return Ok(node(ExprKind::Name(Ident { name, span }), span));
                }
            }
        }
        self.enter(span)?;
        let exp = self.within(r, "the end of the exponent", |p| p.sum())?;
        self.leave();
        let mut e = bin(BinOp::Pow, base, exp);
        e.span = span;
        Ok(e)
    }

    /// `\nabla_{\mathbf{x}} L` and `\partial_x f`: the derivative of the
    /// product after it.
    pub fn nabla(&mut self) -> R<Expr> {
        let t = self.toks[self.pos].clone();
        self.pos += 1;
        self.enter(t.span)?;
        if !self.peek_is(|n| n.is_sym('_')) {
            return Err(err(
                t.span,
                "`\\nabla` needs the variable below it, as in `\\nabla_{\\mathbf{x}} L`",
            ));
        }
        let r = self.script_range(self.pos + 1)?;
        let var = self.within(r, "the end of the variable", |p| p.power())?;
        let (var, indices) = as_var(var)?;
        let body = self.product()?;
        self.leave();
        let span = t.span.join(body.span);
        let kind = ExprKind::Deriv {
            var,
            indices,
            body: Box::new(body),
        };
        Ok(node(kind, span))
    }

    /// `\sum_j`, `\sum_{j=1}^{n}`, `\sum_{i \neq j}`, `\sum_{i,j}` and the
    /// product after it. The language sums over an index's whole range, so
    /// bounds are read only when they say that (from 0 or 1 to a name).
    pub fn sum_prefix(&mut self) -> R<Expr> {
        let start = self.toks[self.pos].span;
        self.pos += 1;
        self.enter(start)?;
        let (mut sub, mut sup) = (None, None);
        while let Some(t) = self.peek() {
            let slot = if t.is_sym('_') {
                &mut sub
            } else if t.is_sym('^') {
                &mut sup
            } else {
                break;
            };
            if slot.is_some() {
                return Err(err(t.span, "a sum takes one `_` and one `^`"));
            }
            let r = self.script_range(self.pos + 1)?;
            *slot = Some(r);
            self.pos = r.2;
        }
        let Some((s, e, _)) = sub else {
            return Err(err(
                start,
                "a sum needs its index below it, as in `\\sum_j` or `\\sum_{j=1}^{n}`",
            ));
        };
        let split = (s..e).find(|&k| {
            let t = &self.toks[k];
            t.is_sym('=')
                || t.is_sym('≠')
                || t.is_sym('∈')
                || t.is_cmd("neq")
                || t.is_cmd("ne")
                || t.is_cmd("in")
        });
        let indices = self.index_list(s, split.unwrap_or(e))?;
        if let Some(i) = indices
            .iter()
            .find(|i| i.name.starts_with(|c: char| c.is_ascii_digit()))
        {
            return Err(err(
                i.span,
                "expected the summation index (a name), found a number",
            ));
        }
        let mut except = None;
        let mut lower = None;
        if let Some(k) = split {
            let t = &self.toks[k];
            if t.is_sym('=') {
                lower = Some((k + 1, e));
            } else if !(t.is_sym('∈') || t.is_cmd("in")) {
                let ex = self.index_list(k + 1, e)?;
                if ex.len() != 1 || indices.len() != 1 {
                    return Err(err(
                        t.span,
                        "a sum leaves out one index, as in `\\sum_{i \\neq j}`",
                    ));
                }
                except = ex.into_iter().next();
            }
        }
        self.check_bounds(lower, sup)?;
        let body = self.product()?;
        self.leave();
        let span = start.join(body.span);
        let mut e = body;
        for (n, index) in indices.into_iter().enumerate().rev() {
            let kind = ExprKind::Sum {
                index,
                except: if n == 0 { except.take() } else { None },
                body: Box::new(e),
            };
            e = node(kind, span);
        }
        Ok(e)
    }

    /// Bounds mean the whole range: from 0 or 1 to a name (or a name − 1).
    fn check_bounds(&self, lower: Option<(usize, usize)>, upper: Option<Range>) -> R<()> {
        const WHOLE: &str =
            "the language sums over an index's whole range: write `\\sum_j` or `\\sum_{j=1}^{n}`";
        if let Some((s, e)) = lower {
            let ok =
                e == s + 1 && matches!(&self.toks[s].kind, TokKind::Num(n) if n == "0" || n == "1");
            if !ok {
                let span = self.span_of(s, e.max(s + 1));
                return Err(err(span, format!("this lower bound is not read: {WHOLE}")));
            }
        }
        if let Some((s, e, _)) = upper {
            let name = |t: &Tok| {
                matches!(&t.kind, TokKind::Letter(_))
                    || matches!(&t.kind, TokKind::Cmd(c) if names::greek_letter(c).is_some())
            };
            let toks = &self.toks[s..e];
            let ok = match toks {
                [n] => name(n),
                [n, m, one] => {
                    name(n)
                        && (m.is_sym('-') || m.is_sym('−'))
                        && matches!(&one.kind, TokKind::Num(d) if d == "1")
                }
                _ => false,
            };
            if !ok {
                let span = self.span_of(s, e.max(s + 1));
                return Err(err(span, format!("this upper bound is not read: {WHOLE}")));
            }
        }
        Ok(())
    }

    /// `\sqrt{x}` → `sqrt(x)`, `\sqrt[3]{x}` → `x^(1 / 3)`.
    pub fn sqrt(&mut self) -> R<Expr> {
        let k0 = self.pos;
        let start = self.toks[k0].span;
        self.pos += 1;
        self.enter(start)?;
        let mut root = None;
        if self.peek_is(|t| t.is_sym('[')) {
            let n = self.peek_at(self.pos + 1).cloned();
            let close = self.peek_at(self.pos + 2).is_some_and(|t| t.is_sym(']'));
            match n {
                Some(Tok {
                    kind: TokKind::Num(d),
                    span,
                }) if close => {
                    root = Some(node(
                        ExprKind::Num(d.parse::<BigRational>().unwrap_or_default()),
                        span,
                    ));
                    self.pos += 3;
                }
                _ => return self.expected("`[`, a number and `]` (as in `\\sqrt[3]{x}`)"),
            }
        }
        let r = self.arg_range(self.pos, "`\\sqrt`")?;
        let x = self.within(r, "the end of the root", |p| p.sum())?;
        let span = self.span_of(k0, r.2);
        self.leave();
        Ok(match root {
            None => {
                let func = Ident {
                    name: "sqrt".into(),
                    span: start,
                };
                node(
                    ExprKind::Call {
                        func,
                        args: vec![x],
                    },
                    span,
                )
            }
            Some(n) => {
                let one = node(ExprKind::Num(BigRational::from_integer(1.into())), n.span);
                let mut e = bin(BinOp::Pow, x, bin(BinOp::Div, one, n));
                e.span = span;
                e
            }
        })
    }

    /// `\mathbf{x}`, `\boldsymbol{W}`, `\vec{x}`: the content, restyled;
    /// `\mathbb{1}\{i = j\}` is an indicator.
    pub fn styled(&mut self, start: Span) -> R<Expr> {
        self.pos += 1;
        let r = self.unwrap(self.arg_range(self.pos, "a font command")?);
        if r.1 == r.0 + 1 && matches!(&self.toks[r.0].kind, TokKind::Num(d) if d == "1") {
            let saved = self.pos;
            self.pos = r.2;
            if let Some(delta) = self.indicator(start)? {
                return Ok(delta);
            }
            self.pos = saved;
        }
        self.enter(start)?;
        let mut e = self.within(r, "the end of the argument", |p| p.sum())?;
        self.leave();
        e.span = start.join(self.span_of(r.0, r.2));
        Ok(e)
    }

    /// `\hat{y}` → `yhat`, `\bar{x}` → `xbar`, `\tilde{x}` → `xtilde`.
    pub fn accented(&mut self, accent: &str, start: Span) -> R<Expr> {
        self.pos += 1;
        let r = self.unwrap(self.arg_range(self.pos, "an accent")?);
        self.enter(start)?;
        let inner = self.within(r, "the end of the accented letter", |p| p.sum())?;
        self.leave();
        let span = start.join(self.span_of(r.0, r.2));
        match inner.kind {
            ExprKind::Name(id) => {
                let name = names::accented_name(&id.name, accent, self.declared);
                Ok(node(ExprKind::Name(Ident { name, span }), span))
            }
            _ => Err(err(
                span,
                format!("`\\{accent}` is read on one letter, as in `\\{accent}{{y}}`"),
            )),
        }
    }

    /// `\sigma`: a variable when `σ` is declared, otherwise the sigmoid
    /// (`sigma` when the file defines its own) applied to what follows.
    pub fn sigma(&mut self, span: Span) -> R<Expr> {
        if (self.declared)("σ") {
            let ident = Ident {
                name: "σ".into(),
                span,
            };
            return Ok(node(ExprKind::Name(ident), span));
        }
        if !self.sigma_argument_follows() {
            let name = names::letter_name("σ", self.declared);
            return Ok(node(ExprKind::Name(Ident { name, span }), span));
        }
        let name = if (self.declared)("sigma") {
            "sigma"
        } else {
            "sigmoid"
        };
        self.apply(
            Ident {
                name: name.into(),
                span,
            },
            true,
        )
    }

    /// Whether `\sigma` here is applied: an argument follows it, after its
    /// primes and a power if any (`\sigma(z)`, `\sigma'(x)`, `\sigma^2(z)`).
    /// A power with nothing after it is the standard deviation squared
    /// (`\frac{(x - \mu)^2}{2\sigma^2}`), never a sigmoid missing its
    /// argument.
    fn sigma_argument_follows(&self) -> bool {
        let mut k = self.pos;
        while self.peek_at(k).is_some_and(|t| t.is_sym('\'')) {
            k += 1;
        }
        if k > self.pos {
            return true;
        }
        if self.peek_at(k).is_some_and(|t| t.is_sym('^')) {
            match self.script_range(k + 1) {
                Ok(r) => k = r.2,
                Err(_) => return true,
            }
            return self
                .peek_at(k)
                .is_some_and(|t| t.is_sym('\'') || starts_operand(t));
        }
        self.argument_follows()
    }

    /// `\delta_{ij}` → `delta(i, j)`; `\delta_j` is `δ` indexed; `\delta`
    /// alone a name.
    pub fn delta(&mut self, span: Span) -> R<Expr> {
        let name = names::letter_name("δ", self.declared);
        let base = node(ExprKind::Name(Ident { name, span }), span);
        if !self.peek_is(|t| t.is_sym('_')) {
            return Ok(base);
        }
        let r = self.script_range(self.pos + 1)?;
        let indices = self.index_list(r.0, r.1)?;
        match <[Ident; 2]>::try_from(indices) {
            Ok([a, b]) => {
                self.pos = r.2;
                let span = span.join(self.span_of(r.0, r.2));
                Ok(node(ExprKind::Delta(a, b), span))
            }
            Err(v) if v.len() == 1 => Ok(base),
            Err(_) => Err(err(
                self.span_of(r.0, r.1),
                "`\\delta` takes two indices, as in `\\delta_{ij}`",
            )),
        }
    }

    /// After a `1` (or `\mathbb{1}`) at `start`: `\{i = j\}`, `[i = j]`,
    /// `(i = j)` or `_{i = j}` make it the indicator `delta(i, j)`.
    pub fn indicator(&mut self, start: Span) -> R<Option<Expr>> {
        let k = self.pos;
        let Some(t) = self.peek() else {
            return Ok(None);
        };
        let (body, closer): (usize, fn(&Tok) -> bool) = if t.is_cmd("{") {
            (k + 1, |t| t.is_cmd("}"))
        } else if t.is_sym('[') {
            (k + 1, |t| t.is_sym(']'))
        } else if t.is_sym('(') {
            (k + 1, |t| t.is_sym(')'))
        } else if t.is_sym('_') && self.peek_at(k + 1).is_some_and(|t| t.is_sym('{')) {
            (k + 2, |t| t.is_sym('}'))
        } else {
            return Ok(None);
        };
        let delta = (|| {
            let (a, eq) = self.index_at(body, self.end).ok()?;
            if !self.peek_at(eq).is_some_and(|t| t.is_sym('=')) {
                return None;
            }
            let (b, close) = self.index_at(eq + 1, self.end).ok()?;
            self.peek_at(close)
                .is_some_and(closer)
                .then_some((a, b, close))
        })();
        if let Some((a, b, close)) = delta {
            self.pos = close + 1;
            let span = start.join(self.span_of(k, close + 1));
            return Ok(Some(node(ExprKind::Delta(a, b), span)));
        }
        self.step_indicator(start, body, closer)
    }

    /// `\{a > b\}` (also `<`, `\geq`, `\le`, …) after a `1`, and the
    /// same between `[ ]`, `( )` or in `_{ }` (`\mathbb{1}[x > 0]`,
    /// `\mathbb{1}_{x > 0}`): the step function, as `1{a > b}` is in the
    /// derivation language. `closer` is the token that ends the body.
    fn step_indicator(
        &mut self,
        start: Span,
        body: usize,
        closer: fn(&Tok) -> bool,
    ) -> R<Option<Expr>> {
        let opens = |t: &Tok| t.is_sym('{') || t.is_cmd("{") || t.is_sym('(') || t.is_sym('[');
        let closes = |t: &Tok| t.is_sym('}') || t.is_cmd("}") || t.is_sym(')') || t.is_sym(']');
        let mut depth = 0usize;
        let mut rel = None;
        let mut close = None;
        for k in body..self.end {
            let t = &self.toks[k];
            if depth == 0 && closer(t) {
                close = Some(k);
                break;
            }
            if opens(t) {
                depth += 1;
            } else if closes(t) {
                if depth == 0 {
                    return Ok(None);
                }
                depth -= 1;
            } else if depth == 0 && rel.is_none() {
                // (strict, the step's argument is lhs − rhs)
                let r = match &t.kind {
                    TokKind::Sym('>') => Some((true, true)),
                    TokKind::Sym('<') => Some((true, false)),
                    TokKind::Sym('≥') => Some((false, false)),
                    TokKind::Sym('≤') => Some((false, true)),
                    TokKind::Cmd(c) => match c.as_str() {
                        "gt" => Some((true, true)),
                        "lt" => Some((true, false)),
                        "ge" | "geq" | "geqslant" => Some((false, false)),
                        "le" | "leq" | "leqslant" => Some((false, true)),
                        _ => None,
                    },
                    _ => None,
                };
                rel = r.map(|r| (k, r));
            }
        }
        let (Some((at, (strict, forward))), Some(close)) = (rel, close) else {
            return Ok(None);
        };
        self.enter(start)?;
        let lhs = self.within((body, at, at), "the relation", |p| p.sum())?;
        let rhs = self.within((at + 1, close, close + 1), "the indicator's end", |p| {
            p.sum()
        })?;
        self.leave();
        self.pos = close + 1;
        let span = start.join(self.span_of(body - 1, close + 1));
        Ok(Some(crate::syntax::parser::step_of(
            lhs, rhs, strict, forward, span,
        )))
    }

    /// Does a superscript of primes follow (`f^\prime(x)`, `f^{\prime\prime}`)?
    pub fn prime_script_follows(&self) -> bool {
        self.peek_is(|t| t.is_sym('^'))
            && self
                .script_range(self.pos + 1)
                .is_ok_and(|(s, e, _)| e > s && self.toks[s..e].iter().all(|t| t.is_cmd("prime")))
    }

    /// A function applied: `\log x`, `\exp(x)`, `\sin^2 x`, `\sigma'(x)`.
    /// `bare` allows an argument without parentheses (one power: `\log
    /// x^2` is `log(x^2)`).
    pub fn apply(&mut self, func: Ident, bare: bool) -> R<Expr> {
        let start = func.span;
        self.enter(start)?;
        let mut power = None;
        let mut primes = 0;
        if self.peek_is(|t| t.is_sym('^')) {
            let r = self.script_range(self.pos + 1)?;
            let toks = &self.toks[r.0..r.1];
            if toks.len() == 2 && (toks[0].is_sym('-') || toks[0].is_sym('−')) {
                return Err(err(
                    self.span_of(r.0, r.1),
                    "inverse functions (`f^{-1}`) are not read",
                ));
            }
            if !toks.is_empty() && toks.iter().all(|t| t.is_cmd("prime") || t.is_sym('\'')) {
                // `\sigma^\prime(x)`, `f^{\prime\prime}(x)`: primes.
                primes = toks.len();
                self.pos = r.2;
            } else {
                let exp = self.within(r, "the end of the exponent", |p| p.sum())?;
                power = Some(exp);
            }
        }
        while self.peek_is(|t| t.is_sym('\'') || t.is_sym('′')) {
            primes += 1;
            self.pos += 1;
        }
        // A primed function is the language's primed name (`sigmoid′`): the
        // derivative of the function, at whatever the argument is.
        let func = match primes {
            0 => func,
            n => Ident {
                name: format!(
                    "{}{}",
                    func.name,
                    crate::syntax::parser::PRIME.to_string().repeat(n)
                ),
                span: func.span,
            },
        };
        let args = if self.peek_is(|t| t.is_sym('(')) {
            self.call_args()?
        } else if self.peek_is(|t| t.is_sym('{')) {
            let r = self.arg_range(self.pos, "a function")?;
            vec![self.within(r, "`}`", |p| p.sum())?]
        } else if bare && self.peek_is(super::expr::is_sum_token) {
            // `\log \sum_k e^{z_k}`: the sum, whose body is a product.
            vec![self.sum_prefix()?]
        } else if bare && self.peek_is(starts_operand) {
            vec![self.power()?]
        } else {
            return self.expected(&format!("`(` and the argument of `{}`", func.name));
        };
        let end = self.toks[self.pos - 1].span;
        let span = start.join(end);
        let mut e = node(ExprKind::Call { func, args }, span);
        if let Some(p) = power {
            e = bin(BinOp::Pow, e, p);
        }
        self.leave();
        Ok(e)
    }

    /// `(a, b, …)` at the current `(`.
    fn call_args(&mut self) -> R<Vec<Expr>> {
        let open = self.pos;
        self.pos += 1;
        let mut args = Vec::new();
        if self.peek_is(|t| t.is_sym(')')) {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.sum()?);
            match self.peek() {
                Some(t) if t.is_sym(',') => self.pos += 1,
                Some(t) if t.is_sym(')') => {
                    self.pos += 1;
                    return Ok(args);
                }
                _ => {
                    let opened = self.toks[open].span.start;
                    return self.expected(&format!(
                        "`,` or `)` to close the `(` of the arguments at {opened}"
                    ));
                }
            }
        }
    }
}
