//! `\frac` and the derivative fractions: `\frac{a}{b}`, `\frac{\partial
//! L}{\partial z_j}`, `\frac{d\sigma(x)}{dx}`, the operators
//! `\frac{d}{dx} f`, and higher and mixed orders (`\frac{d^2 f}{dx^2}`,
//! `\frac{\partial^2 L}{\partial x \partial y}`).

use super::expr::{bin, err, node, P, R};
use super::forms::{as_var, Range, VAR};
use super::lex::{Tok, TokKind};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident};
use crate::syntax::span::Span;

/// The variables below a derivative's fraction line, each with its order
/// (`\partial x^2 \partial y` → `[(x, 2), (y, 1)]`).
type Denoms = Vec<(Ident, Vec<Ident>, u32)>;

/// Is `t` the `\partial` that starts one variable of a mixed denominator?
fn is_partial(t: &Tok) -> bool {
    t.is_cmd("partial") || t.is_sym('∂')
}

/// The derivative of `body` by each of `denoms` as often as its order says;
/// the last variable written is differentiated by first (`∂²L/∂x∂y` is
/// `∂/∂x (∂L/∂y)`), as in the language.
fn nest(body: Expr, denoms: Denoms, span: Span) -> Expr {
    let mut e = body;
    for (var, indices, n) in denoms.into_iter().rev() {
        for _ in 0..n {
            let kind = ExprKind::Deriv {
                var: var.clone(),
                indices: indices.clone(),
                body: Box::new(e),
            };
            e = node(kind, span);
        }
    }
    e
}

/// Is `t` the `d` or `∂` that starts a derivative's numerator or denominator?
fn marker(t: Option<&Tok>) -> bool {
    t.is_some_and(|t| match &t.kind {
        TokKind::Letter(s) => s == "d",
        TokKind::Text { content, .. } => content.trim() == "d",
        TokKind::Cmd(c) => c == "partial",
        TokKind::Sym(c) => *c == '∂',
        _ => false,
    })
}

impl P<'_> {
    /// The numerator and denominator of the `\frac` at `k`.
    fn frac_args(&self, k: usize) -> R<(Range, Range)> {
        let num = self.arg_range(k + 1, "`\\frac`")?;
        let den = self.arg_range(num.2, "`\\frac`")?;
        Ok((self.unwrap(num), self.unwrap(den)))
    }

    /// The order of a derivative written in the script `r` (`2` in `d^2`).
    fn order_of(&self, r: Range) -> R<u32> {
        match &self.toks[r.0].kind {
            TokKind::Num(n) if r.1 == r.0 + 1 => match n.parse::<u32>() {
                Ok(k @ 1..=3) => Ok(k),
                _ => Err(err(
                    self.toks[r.0].span,
                    "derivatives of order 1 to 3 are read",
                )),
            },
            _ => Err(err(
                self.span_of(r.0, r.1),
                "expected the order of the derivative, a number such as `2`",
            )),
        }
    }

    /// A derivative numerator `num` (starting with its `d` or `\partial`):
    /// its order and where what is differentiated starts.
    fn numerator_order(&self, num: Range) -> R<(u32, usize)> {
        match self.toks.get(num.0 + 1) {
            Some(t) if t.is_sym('^') && num.0 + 1 < num.1 => {
                let r = self.script_range(num.0 + 2)?;
                Ok((self.order_of(r)?, r.2))
            }
            _ => Ok((1, num.0 + 1)),
        }
    }

    /// Is the `\frac` at `k` the operator `\frac{d}{dx}` or
    /// `\frac{\partial}{\partial x}` (or `\frac{d^2}{dx^2}`), which takes
    /// the product after it?
    pub fn frac_is_operator(&self, k: usize) -> bool {
        match self.frac_args(k) {
            Ok((num, den)) => {
                marker(self.toks.get(num.0))
                    && marker(self.toks.get(den.0))
                    && den.1 > den.0 + 1
                    && self
                        .numerator_order(num)
                        .is_ok_and(|(_, body)| body >= num.1)
            }
            Err(_) => false,
        }
    }

    /// A derivative fraction at `k`: its variables with their orders, the
    /// numerator's body range if it has one, and where reading goes on.
    /// `None` for an ordinary fraction.
    fn deriv_parts(&mut self, k: usize) -> R<Option<(Denoms, Option<Range>, usize)>> {
        let (num, den) = self.frac_args(k)?;
        let is_deriv =
            marker(self.toks.get(num.0)) && marker(self.toks.get(den.0)) && den.1 > den.0 + 1;
        if !is_deriv {
            return Ok(None);
        }
        let next = den.2;
        let (order, body_start) = self.numerator_order(num)?;
        // A mixed denominator (`\partial x \partial y`) has one `\partial`
        // per variable.
        let mut starts = vec![den.0];
        if is_partial(&self.toks[den.0]) {
            starts.extend((den.0 + 1..den.1).filter(|&i| is_partial(&self.toks[i])));
        }
        let mut denoms = Vec::new();
        let mut total = 0;
        for (n, &s) in starts.iter().enumerate() {
            let e = starts.get(n + 1).copied().unwrap_or(den.1);
            let caret = (s + 1..e).find(|&i| self.toks[i].is_sym('^'));
            let (var_end, k) = match caret {
                Some(c) => {
                    let r = self.script_range(c + 1)?;
                    (c, self.order_of(r)?)
                }
                None => (e, 1),
            };
            if var_end <= s + 1 {
                return Err(err(self.toks[s].span, VAR));
            }
            let var = self.within((s + 1, var_end, next), "the end of the variable", |p| {
                p.power()
            })?;
            let (var, indices) = as_var(var)?;
            denoms.push((var, indices, k));
            total += k;
        }
        if total != order {
            return Err(err(
                self.span_of(den.0, den.1),
                format!(
                    "the orders below the fraction line add up to {total}, but the order above it is {order}"
                ),
            ));
        }
        let body = (num.1 > body_start).then_some((body_start, num.1, next));
        Ok(Some((denoms, body, next)))
    }

    /// `\frac{d}{dx} f`, `\frac{\partial}{\partial z_j} f`, `\frac{d^2}{dx^2} f`.
    pub fn deriv_operator(&mut self) -> R<Expr> {
        let start = self.toks[self.pos].span;
        self.enter(start)?;
        let Some((denoms, _, next)) = self.deriv_parts(self.pos)? else {
            return self.expected("a derivative");
        };
        self.pos = next;
        let body = self.product()?;
        self.leave();
        let span = start.join(body.span);
        Ok(nest(body, denoms, span))
    }

    /// `\frac{a}{b}`, `\frac{\partial L}{\partial z_j}`, `\frac{df}{dx}`.
    pub fn frac(&mut self) -> R<Expr> {
        let k = self.pos;
        let start = self.toks[k].span;
        self.enter(start)?;
        let e =
            match self.deriv_parts(k)? {
                Some((denoms, Some(body), next)) => {
                    let body = self.within(body, "the end of the numerator", |p| p.sum())?;
                    nest(body, denoms, self.span_of(k, next))
                }
                Some(_) => return Err(err(
                    start,
                    "`\\frac{d}{dx}` applies to the product after it; put it in parentheses here",
                )),
                None => {
                    let (num, den) = self.frac_args(k)?;
                    let a = self.within(num, "the end of the numerator", |p| p.sum())?;
                    let b = self.within(den, "the end of the denominator", |p| p.sum())?;
                    let mut e = bin(BinOp::Div, a, b);
                    e.span = self.span_of(k, den.2);
                    self.pos = den.2;
                    e
                }
            };
        self.leave();
        Ok(e)
    }
}
