//! Typesetting expressions as on paper: the surface syntax tree is turned
//! into a small layout tree ([`Math`]: rows, fractions, scripts, big
//! operators, fences), which is then written as MathML here and as LaTeX in
//! `latex.rs`, so both documents set a step the same way.
//!
//! What the layout does, textbook-style: `/` becomes a fraction bar, `^` a
//! superscript, `Σ_i` a summation sign with the index beneath it, `∂/∂z[j]`
//! a ∂ fraction (`∂L/∂z[j]` puts `L` on top), `δ(i, j)` a subscripted δ,
//! indices become subscripts (`W_{jk}`), names ending in digits get the
//! digits as a subscript (`W1` → W₁), `yhat` becomes ŷ and Greek names their
//! letters. Parentheses are kept only where the reading needs them (a
//! fraction bar groups by itself). Text that does not parse is shown as it
//! was written.

use super::xml;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident};
use crate::syntax::parse_expr;
use crate::syntax::parser::split_primes;
use crate::syntax::print::print_expr;
use std::fmt::Write as _;
use unicode_normalization::UnicodeNormalization;

/// A typeset expression: what is drawn, not what it means.
#[derive(Clone, Debug, PartialEq)]
pub enum Math {
    /// A variable's letter or name (italic when one letter).
    Ident(String),
    /// An upright name: a function (`log`, `softmax`), `d`, `T`.
    Upright(String),
    /// A number.
    Num(String),
    /// An operator or punctuation: `+`, `−`, `=`, `(`, `,`, `∂`.
    Op(String),
    /// Things side by side.
    Row(Vec<Math>),
    /// A fraction.
    Frac(Box<Math>, Box<Math>),
    /// A superscript.
    Sup(Box<Math>, Box<Math>),
    /// A subscript.
    Sub(Box<Math>, Box<Math>),
    /// A base with a circumflex accent (ŷ).
    Hat(Box<Math>),
    /// A big operator with a limit beneath it: `Σ` over `i ≠ j`.
    BigOp(String, Box<Math>),
    /// Parentheses around the content, as tall as it.
    Paren(Box<Math>),
    /// The content in absolute-value bars.
    Abs(Box<Math>),
    /// The content in norm bars: `‖v‖`.
    Norm(Box<Math>),
    /// A function name with primes, its derivative: `σ′`, `f″`.
    Primed(Box<Math>, usize),
    /// A square root.
    Sqrt(Box<Math>),
    /// A small space between factors written side by side.
    Space,
    /// Nothing visible between single-letter factors (`a x`): invisible
    /// times, so that screen readers still say "times".
    Invisible,
    /// Nothing visible between a function and its argument list: function
    /// application, so that `f(x)` is not read as `f` times `x`.
    Apply,
    /// Source text shown as written (a step that does not parse).
    Text(String),
}

fn row(items: Vec<Math>) -> Math {
    Math::Row(items)
}

fn op(s: &str) -> Math {
    Math::Op(s.to_string())
}

fn paren(m: Math) -> Math {
    Math::Paren(Box::new(m))
}

/// Lays out an expression's source text: in the derivation language, or
/// else in LaTeX (a step of a Markdown or LaTeX document), so the student's
/// own math is typeset. Text that reads as neither (a step in error) is
/// kept verbatim, so the reader still sees it.
pub fn layout_source(src: &str) -> Math {
    if let Ok(e) = parse_expr(src) {
        return layout(&e, src);
    }
    // Typesetting needs no declarations: a subscript that is a number
    // joins the name (`W_1` is W₁ either way), any other is an index.
    let joined = |name: &str| name.ends_with(|c: char| c.is_ascii_digit());
    match crate::latex::read_expr(src, &joined) {
        Ok(e) => layout(&e, src),
        Err(_) => Math::Text(src.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// Lays out a parsed expression; `src` is the text its spans point into,
/// consulted only to tell `d/dx` from `∂/∂x`, which parse alike.
pub fn layout(e: &Expr, src: &str) -> Math {
    Layout { src }.expr(e)
}

/// A piece of a justification as the typeset reports set it.
#[derive(Clone, Debug, PartialEq)]
pub enum Justified {
    /// Words, as written.
    Words(String),
    /// Math the justification holds between `$` (`since $x \ge 0$`).
    Math(Math),
}

/// A justification laid out: its words, and each `$…$` in it as math (a
/// document's justification keeps its LaTeX that way: `\text{since } x
/// \ge 0` is `since $x \ge 0$`). Without a closing `$`, it is all words.
pub fn layout_justification(j: &str) -> Vec<Justified> {
    let parts: Vec<&str> = j.split('$').collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return vec![Justified::Words(j.to_string())];
    }
    let mut out = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        if k % 2 == 0 {
            if !part.trim().is_empty() {
                out.push(Justified::Words(part.trim().to_string()));
            }
            continue;
        }
        let mut items = Vec::new();
        for (side, rel) in crate::latex::cut_at_relations(part) {
            if !side.trim().is_empty() {
                items.push(layout_source(side.trim()));
            }
            if let Some(rel) = rel {
                items.push(relation_math(&rel));
            }
        }
        out.push(Justified::Math(row(items)));
    }
    out
}

/// A relation of a justification's math: its symbol, or its name upright
/// (`\because`).
fn relation_math(rel: &str) -> Math {
    let symbol = match rel {
        "=" | "<" | ">" => rel,
        "lt" => "<",
        "gt" => ">",
        "le" | "leq" | "leqslant" => "≤",
        "ge" | "geq" | "geqslant" => "≥",
        "neq" | "ne" => "≠",
        "approx" => "≈",
        "in" => "∈",
        "to" | "rightarrow" | "longrightarrow" => "→",
        "Rightarrow" | "Longrightarrow" | "implies" => "⇒",
        other => return Math::Upright(other.to_string()),
    };
    op(symbol)
}

/// A variable's name alone, as in a counterexample's table.
pub fn layout_name(name: &str) -> Math {
    name_math(name)
}

struct Layout<'s> {
    src: &'s str,
}

/// A prefix operator (Σ, an operator-form derivative) takes everything to
/// its right in a product, so an expression that ends in one may stand
/// unparenthesized only where nothing follows it.
fn ends_open(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Sum { .. } => true,
        ExprKind::Deriv { body, .. } => !derivative_on_top(body),
        ExprKind::Neg(x) => ends_open(x),
        ExprKind::Binary {
            op: BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Hadamard,
            rhs,
            ..
        } => ends_open(rhs),
        _ => false,
    }
}

fn is_sum(e: &Expr) -> bool {
    matches!(
        &e.kind,
        ExprKind::Binary {
            op: BinOp::Add | BinOp::Sub,
            ..
        }
    )
}

/// `∂L/∂x` and `∂z[i]/∂b[c]` set the differentiated name on the fraction's
/// top; anything bigger follows the operator `∂/∂x`.
fn derivative_on_top(body: &Expr) -> bool {
    match &body.kind {
        ExprKind::Name(_) => true,
        ExprKind::Index { base, .. } => matches!(base.kind, ExprKind::Name(_)),
        _ => false,
    }
}

/// Factors of a product, flattened left to right.
fn factors(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary {
            op: BinOp::Mul,
            lhs,
            rhs,
        } => {
            let mut v = factors(lhs);
            v.extend(factors(rhs));
            v
        }
        _ => vec![e],
    }
}

/// True when the expression's first glyph is a digit, so that a product
/// needs a visible dot (`2 · 3`, `x · 2`).
fn starts_with_number(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Num(_) => true,
        ExprKind::Binary { op, lhs, .. } if *op != BinOp::Div => starts_with_number(lhs),
        ExprKind::Binary { op: BinOp::Div, .. } => false,
        ExprKind::Index { base, .. } => starts_with_number(base),
        _ => false,
    }
}

fn is_frac(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Binary { op: BinOp::Div, .. })
}

impl Layout<'_> {
    fn expr(&self, e: &Expr) -> Math {
        match &e.kind {
            ExprKind::Num(_) => Math::Num(print_expr(e)),
            ExprKind::Name(id) => name_math(&id.name),
            ExprKind::Call { func, args } => self.call(func, args),
            ExprKind::Index { base, indices } => self.index(base, indices),
            ExprKind::Neg(x) => {
                let inner = if is_sum(x) || matches!(x.kind, ExprKind::Neg(_)) {
                    paren(self.expr(x))
                } else {
                    self.expr(x)
                };
                row(vec![op("−"), inner])
            }
            ExprKind::Binary { op: o, lhs, rhs } => self.binary(*o, lhs, rhs, e),
            ExprKind::Sum {
                index,
                except,
                body,
            } => {
                let mut under = vec![name_math(&index.name)];
                if let Some(j) = except {
                    under.push(op("≠"));
                    under.push(name_math(&j.name));
                }
                let body = if is_sum(body) {
                    paren(self.expr(body))
                } else {
                    self.expr(body)
                };
                row(vec![Math::BigOp("∑".into(), Box::new(row(under))), body])
            }
            ExprKind::Delta(i, j) => Math::Sub(
                Box::new(Math::Ident("δ".into())),
                Box::new(index_list(&[i.clone(), j.clone()])),
            ),
            ExprKind::Deriv { var, indices, body } => self.deriv(e, var, indices, body),
            ExprKind::Transpose(x) => Math::Sup(
                Box::new(self.script_base(x)),
                Box::new(Math::Upright("T".into())),
            ),
        }
    }

    /// A base for a superscript: parenthesized unless it is one symbol.
    fn script_base(&self, e: &Expr) -> Math {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Call { .. } | ExprKind::Delta(..) => self.expr(e),
            ExprKind::Num(n) if !num_traits::Signed::is_negative(n) && n.is_integer() => {
                self.expr(e)
            }
            ExprKind::Index { base, .. } if matches!(base.kind, ExprKind::Name(_)) => self.expr(e),
            _ => paren(self.expr(e)),
        }
    }

    fn call(&self, func: &Ident, args: &[Expr]) -> Math {
        let list = |this: &Self| {
            let mut items = Vec::new();
            for (k, a) in args.iter().enumerate() {
                if k > 0 {
                    items.push(op(","));
                }
                items.push(this.expr(a));
            }
            row(items)
        };
        match (func.name.as_str(), args) {
            ("sqrt", [a]) => Math::Sqrt(Box::new(self.expr(a))),
            ("abs", [a]) => Math::Abs(Box::new(self.expr(a))),
            ("norm", [a]) => Math::Norm(Box::new(self.expr(a))),
            (name, _) => {
                // `sigmoid′(x)`: the function's own sign, then the primes.
                let (name, primes) = split_primes(name).unwrap_or((name, 0));
                let f = match name {
                    "sigmoid" | "sigma" | "σ" => Math::Ident("σ".into()),
                    n if n.chars().count() > 1 && !n.ends_with(|c: char| c.is_ascii_digit()) => {
                        match greek(n) {
                            Some(g) => Math::Ident(g.into()),
                            None => Math::Upright(n.into()),
                        }
                    }
                    n => name_math(n),
                };
                let f = if primes > 0 {
                    Math::Primed(Box::new(f), primes)
                } else {
                    f
                };
                row(vec![f, Math::Apply, paren(list(self))])
            }
        }
    }

    fn index(&self, base: &Expr, indices: &[Ident]) -> Math {
        match &base.kind {
            // A layer number and an index would run together (W1_{jk}),
            // so such names keep their indices in brackets: W₁[j, k].
            ExprKind::Name(id) if !ends_in_digits(&id.name) => {
                Math::Sub(Box::new(name_math(&id.name)), Box::new(index_list(indices)))
            }
            ExprKind::Call { .. } => {
                Math::Sub(Box::new(self.expr(base)), Box::new(index_list(indices)))
            }
            _ => bracketed(self.script_base(base), indices),
        }
    }

    fn binary(&self, o: BinOp, lhs: &Expr, rhs: &Expr, whole: &Expr) -> Math {
        match o {
            BinOp::Add | BinOp::Sub => {
                let right =
                    if is_sum(rhs) && o == BinOp::Sub || matches!(rhs.kind, ExprKind::Neg(_)) {
                        paren(self.expr(rhs))
                    } else {
                        self.expr(rhs)
                    };
                // `Σ_i a_i + b` needs no parentheses: on paper as in the
                // language, Σ and ∂/∂x take a product, not a sum.
                let left = self.expr(lhs);
                row(vec![
                    left,
                    op(if o == BinOp::Add { "+" } else { "−" }),
                    right,
                ])
            }
            BinOp::Mul => self.product(&factors(whole)),
            BinOp::Hadamard => {
                let side = |e: &Expr| {
                    if is_sum(e) || ends_open(e) {
                        paren(self.expr(e))
                    } else {
                        self.expr(e)
                    }
                };
                // The same level groups to the left, so a product or an
                // elementwise product on the right keeps its parentheses.
                let right = match &rhs.kind {
                    ExprKind::Binary {
                        op: BinOp::Mul | BinOp::Hadamard,
                        ..
                    } => paren(self.expr(rhs)),
                    _ => side(rhs),
                };
                row(vec![side(lhs), op("⊙"), right])
            }
            BinOp::Div => {
                // `a / b · c / d` parses as `((a/b)·c)/d`; on paper it is
                // two fractions side by side, which is the same value.
                let num = factors(lhs);
                if num.len() > 1 && num[..num.len() - 1].iter().any(|f| is_frac(f)) {
                    let (last, init) = num.split_last().unwrap_or((&lhs, &[]));
                    let mut m = match self.product(init) {
                        Math::Row(v) => v,
                        other => vec![other],
                    };
                    m.push(op("·"));
                    m.push(Math::Frac(
                        Box::new(self.expr(last)),
                        Box::new(self.expr(rhs)),
                    ));
                    return row(m);
                }
                Math::Frac(Box::new(self.expr(lhs)), Box::new(self.expr(rhs)))
            }
            BinOp::Pow => Math::Sup(Box::new(self.script_base(lhs)), Box::new(self.expr(rhs))),
        }
    }

    /// Factors side by side; a dot where juxtaposition would mislead (a
    /// number after something, two fractions side by side, a negation).
    fn product(&self, fs: &[&Expr]) -> Math {
        let mut items = Vec::new();
        for (k, f) in fs.iter().enumerate() {
            let last = k + 1 == fs.len();
            // `a (b ⊙ c)` set flat would read `(a b) ⊙ c`: products and
            // elementwise products share one level and group to the left.
            let parenthesized = is_sum(f)
                || (!last && ends_open(f))
                || (k > 0
                    && matches!(
                        f.kind,
                        ExprKind::Neg(_)
                            | ExprKind::Binary {
                                op: BinOp::Hadamard,
                                ..
                            }
                    ));
            let m = if parenthesized {
                paren(self.expr(f))
            } else {
                self.expr(f)
            };
            if k > 0 {
                let prev = fs[k - 1];
                let dot = (starts_with_number(f) && !parenthesized)
                    || (is_frac(prev) && is_frac(f))
                    || matches!(f.kind, ExprKind::Neg(_));
                let juxtaposed = items.last().is_some_and(is_letter) && is_letter(&m);
                items.push(if dot {
                    op("·")
                } else if juxtaposed {
                    Math::Invisible
                } else {
                    Math::Space
                });
            }
            items.push(m);
        }
        row(items)
    }

    fn deriv(&self, whole: &Expr, var: &Ident, indices: &[Ident], body: &Expr) -> Math {
        // How the derivative was written shows just before its variable:
        // `∂L/∂h`, `(∂L/∂h)`, `∂/∂x f` (∂) against `d/dx f`, `diff(f, x)`.
        // The whole expression's text would not do: a parenthesized one
        // starts with `(`.
        let before = self
            .src
            .get(whole.span.start..var.span.start)
            .unwrap_or("")
            .trim_end();
        // `\partial x` or `\partial \mathbf{x}` in a LaTeX document.
        let partial = before.ends_with('∂') || before.contains("\\partial") || !indices.is_empty();
        let d = || {
            if partial {
                op("∂")
            } else {
                Math::Upright("d".into())
            }
        };
        let var_m = if indices.is_empty() {
            name_math(&var.name)
        } else if ends_in_digits(&var.name) {
            bracketed(name_math(&var.name), indices)
        } else {
            Math::Sub(
                Box::new(name_math(&var.name)),
                Box::new(index_list(indices)),
            )
        };
        let below = row(vec![d(), var_m]);
        if derivative_on_top(body) {
            return Math::Frac(Box::new(row(vec![d(), self.expr(body)])), Box::new(below));
        }
        let body_m = if is_sum(body) {
            paren(self.expr(body))
        } else {
            self.expr(body)
        };
        row(vec![
            Math::Frac(Box::new(d()), Box::new(below)),
            Math::Space,
            body_m,
        ])
    }
}

fn ends_in_digits(name: &str) -> bool {
    name.ends_with(|c: char| c.is_ascii_digit()) && name.starts_with(|c: char| !c.is_ascii_digit())
}

/// `base[j, k]`: indices in brackets on the line, for bases a subscript
/// would run into (`W1[j, k]`, not `W1_{jk}`).
fn bracketed(base: Math, indices: &[Ident]) -> Math {
    let mut items = vec![base, op("[")];
    for (k, i) in indices.iter().enumerate() {
        if k > 0 {
            items.push(op(","));
        }
        items.push(name_math(&i.name));
    }
    items.push(op("]"));
    row(items)
}

/// Indices in a subscript: `jk` when each is one letter, `j,k` otherwise.
fn index_list(indices: &[Ident]) -> Math {
    let short = indices.iter().all(|i| i.name.chars().count() == 1);
    let mut items = Vec::new();
    for (k, i) in indices.iter().enumerate() {
        if k > 0 && !short {
            items.push(op(","));
        }
        items.push(name_math(&i.name));
    }
    if items.len() == 1 {
        items.pop().unwrap_or_else(|| row(vec![]))
    } else {
        row(items)
    }
}

/// Greek letters by their English names, as users spell them in ASCII.
fn greek(name: &str) -> Option<&'static str> {
    const GREEK: [(&str, &str); 33] = [
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ε"),
        ("zeta", "ζ"),
        ("eta", "η"),
        ("theta", "θ"),
        ("iota", "ι"),
        ("kappa", "κ"),
        ("lambda", "λ"),
        ("mu", "μ"),
        ("nu", "ν"),
        ("xi", "ξ"),
        ("pi", "π"),
        ("rho", "ρ"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("upsilon", "υ"),
        ("phi", "φ"),
        ("chi", "χ"),
        ("psi", "ψ"),
        ("omega", "ω"),
        ("Gamma", "Γ"),
        ("Delta", "Δ"),
        ("Theta", "Θ"),
        ("Lambda", "Λ"),
        ("Xi", "Ξ"),
        ("Pi", "Π"),
        ("Sigma", "Σ"),
        ("Phi", "Φ"),
        ("Psi", "Ψ"),
        ("Omega", "Ω"),
    ];
    GREEK.iter().find(|(n, _)| *n == name).map(|(_, g)| *g)
}

/// A name as a textbook writes it: `yhat` → ŷ, `W1` → W₁, `y_true` →
/// y subscript true, `alpha` → α; anything else as it is.
fn name_math(name: &str) -> Math {
    if let Some(g) = greek(name) {
        return Math::Ident(g.into());
    }
    if let Some(base) = name.strip_suffix("hat").filter(|b| b.chars().count() == 1) {
        let base = greek(base).unwrap_or(base);
        let composed: String = format!("{base}\u{302}").nfc().collect();
        return if composed.chars().count() == 1 {
            Math::Ident(composed)
        } else {
            Math::Hat(Box::new(Math::Ident(base.into())))
        };
    }
    if let Some((base, sub)) = name
        .split_once('_')
        .filter(|(b, s)| !b.is_empty() && !s.is_empty())
    {
        return Math::Sub(Box::new(name_math(base)), Box::new(name_math(sub)));
    }
    if ends_in_digits(name) {
        let split = name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (base, digits) = name.split_at(split);
        return Math::Sub(
            Box::new(name_math(base)),
            Box::new(Math::Num(digits.into())),
        );
    }
    Math::Ident(name.into())
}

/// The layout as MathML presentation markup (the content of `<math>`).
pub fn to_mathml(m: &Math) -> String {
    let mut out = String::new();
    write_mathml(m, &mut out);
    out
}

fn write_mathml(m: &Math, out: &mut String) {
    match m {
        Math::Ident(s) => {
            let _ = write!(out, "<mi>{}</mi>", xml::html(s));
        }
        Math::Upright(s) => {
            let _ = write!(out, "<mi mathvariant=\"normal\">{}</mi>", xml::html(s));
        }
        Math::Num(s) => {
            let _ = write!(out, "<mn>{}</mn>", xml::html(s));
        }
        Math::Op(s) => {
            // ∂ hugs what follows; brackets of indices are not stretched.
            let attrs = match s.as_str() {
                "∂" => " rspace=\"0\"",
                "[" | "]" => " stretchy=\"false\"",
                _ => "",
            };
            let _ = write!(out, "<mo{attrs}>{}</mo>", xml::html(s));
        }
        Math::Row(items) => {
            out.push_str("<mrow>");
            for i in items {
                write_mathml(i, out);
            }
            out.push_str("</mrow>");
        }
        Math::Frac(a, b) => {
            out.push_str("<mfrac>");
            wrap_mathml(a, out);
            wrap_mathml(b, out);
            out.push_str("</mfrac>");
        }
        Math::Sup(a, b) => {
            out.push_str("<msup>");
            wrap_mathml(a, out);
            wrap_mathml(b, out);
            out.push_str("</msup>");
        }
        Math::Sub(a, b) => {
            out.push_str("<msub>");
            wrap_mathml(a, out);
            wrap_mathml(b, out);
            out.push_str("</msub>");
        }
        Math::Hat(a) => {
            out.push_str("<mover accent=\"true\">");
            wrap_mathml(a, out);
            out.push_str("<mo>^</mo></mover>");
        }
        Math::BigOp(sym, under) => {
            let _ = write!(
                out,
                "<munder><mo largeop=\"true\" movablelimits=\"false\">{}</mo>",
                xml::html(sym)
            );
            wrap_mathml(under, out);
            out.push_str("</munder>");
        }
        Math::Paren(x) => {
            // Stretchy fences leave gaps in many fonts; only tall content
            // (a fraction, a summation sign) needs them to grow.
            let attrs = if is_tall(x) {
                ""
            } else {
                " stretchy=\"false\""
            };
            let _ = write!(out, "<mrow><mo{attrs}>(</mo>");
            write_mathml(x, out);
            let _ = write!(out, "<mo{attrs}>)</mo></mrow>");
        }
        Math::Abs(x) => {
            out.push_str("<mrow><mo>|</mo>");
            write_mathml(x, out);
            out.push_str("<mo>|</mo></mrow>");
        }
        Math::Norm(x) => {
            out.push_str("<mrow><mo>‖</mo>");
            write_mathml(x, out);
            out.push_str("<mo>‖</mo></mrow>");
        }
        Math::Primed(f, n) => {
            out.push_str("<msup>");
            write_mathml(f, out);
            let _ = write!(out, "<mo>{}</mo></msup>", "′".repeat(*n));
        }
        Math::Sqrt(x) => {
            out.push_str("<msqrt>");
            write_mathml(x, out);
            out.push_str("</msqrt>");
        }
        Math::Space => out.push_str("<mspace width=\"0.17em\"/>"),
        Math::Invisible => out.push_str("<mo>\u{2062}</mo>"),
        Math::Apply => out.push_str("<mo>\u{2061}</mo>"),
        Math::Text(s) => {
            let _ = write!(out, "<mtext>{}</mtext>", xml::html(s));
        }
    }
}

/// Content taller than a line of text, around which parentheses grow.
pub fn is_tall(m: &Math) -> bool {
    match m {
        Math::Frac(..) | Math::BigOp(..) | Math::Sqrt(_) => true,
        Math::Row(items) => items.iter().any(is_tall),
        Math::Paren(x) | Math::Abs(x) | Math::Norm(x) | Math::Hat(x) => is_tall(x),
        Math::Sup(a, b) | Math::Sub(a, b) => is_tall(a) || is_tall(b),
        _ => false,
    }
}

/// A letter, possibly with scripts or a hat: `a`, `y_i`, `x^2`, `ŷ`.
fn is_letter(m: &Math) -> bool {
    match m {
        Math::Ident(s) => s.chars().count() == 1,
        Math::Num(_) => true,
        Math::Sub(a, _) | Math::Sup(a, _) | Math::Hat(a) => is_letter(a),
        _ => false,
    }
}

/// Scripts and fractions take exactly one child each; a row is one.
fn wrap_mathml(m: &Math, out: &mut String) {
    write_mathml(m, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn ml(src: &str) -> String {
        to_mathml(&layout_source(src))
    }

    #[test]
    fn primes_bars_and_norms() {
        assert_eq!(
            ml("sigmoid′(x)"),
            "<mrow><msup><mi>σ</mi><mo>′</mo></msup><mo>\u{2061}</mo><mrow><mo stretchy=\"false\">(</mo><mrow><mi>x</mi></mrow><mo stretchy=\"false\">)</mo></mrow></mrow>"
        );
        assert!(ml("tanh′′(x)")
            .contains("<msup><mi mathvariant=\"normal\">tanh</mi><mo>′′</mo></msup>"));
        assert_eq!(ml("abs(x)"), "<mrow><mo>|</mo><mi>x</mi><mo>|</mo></mrow>");
        assert_eq!(ml("norm(v)"), "<mrow><mo>‖</mo><mi>v</mi><mo>‖</mo></mrow>");
        assert_eq!(
            ml("‖v‖^2"),
            "<msup><mrow><mo>‖</mo><mi>v</mi><mo>‖</mo></mrow><mn>2</mn></msup>"
        );
    }

    #[test]
    fn fractions_powers_and_parentheses() {
        assert_eq!(
            ml("1 / (1 + e^(-x))"),
            "<mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup></mrow></mfrac>"
        );
        assert_eq!(
            ml("(1 + x)^2"),
            "<msup><mrow><mo stretchy=\"false\">(</mo><mrow><mn>1</mn><mo>+</mo><mi>x</mi></mrow><mo stretchy=\"false\">)</mo></mrow><mn>2</mn></msup>"
        );
    }

    #[test]
    fn sums_deltas_and_indices() {
        assert_eq!(
            ml("Σ_i y[i]"),
            "<mrow><munder><mo largeop=\"true\" movablelimits=\"false\">∑</mo><mrow><mi>i</mi></mrow></munder><msub><mi>y</mi><mi>i</mi></msub></mrow>"
        );
        assert_eq!(
            ml("δ(i, j)"),
            "<msub><mi>δ</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub>"
        );
        assert_eq!(ml("yhat[j]"), "<msub><mi>ŷ</mi><mi>j</mi></msub>");
        assert_eq!(
            ml("W1[j, k]"),
            "<mrow><msub><mi>W</mi><mn>1</mn></msub><mo stretchy=\"false\">[</mo><mi>j</mi><mo>,</mo><mi>k</mi><mo stretchy=\"false\">]</mo></mrow>"
        );
    }

    #[test]
    fn derivatives_as_fractions() {
        assert_eq!(
            ml("∂L/∂z[j]"),
            "<mfrac><mrow><mo rspace=\"0\">∂</mo><mi>L</mi></mrow><mrow><mo rspace=\"0\">∂</mo><msub><mi>z</mi><mi>j</mi></msub></mrow></mfrac>"
        );
        assert_eq!(
            ml("d/dx sigma(x)"),
            "<mrow><mfrac><mi mathvariant=\"normal\">d</mi><mrow><mi mathvariant=\"normal\">d</mi><mi>x</mi></mrow></mfrac><mspace width=\"0.17em\"/><mrow><mi>σ</mi><mo>\u{2061}</mo><mrow><mo stretchy=\"false\">(</mo><mrow><mi>x</mi></mrow><mo stretchy=\"false\">)</mo></mrow></mrow></mrow>"
        );
    }

    #[test]
    fn parentheses_keep_the_partial_sign() {
        // `(∂L/∂h)` is the same derivative as `∂L/∂h`: it keeps its ∂, and
        // `(d/dx f)` keeps its upright d.
        let bare = ml("∂L/∂h");
        assert!(bare.contains("<mo rspace=\"0\">∂</mo>"), "{bare}");
        assert_eq!(ml("(∂L/∂h)"), bare);
        assert_eq!(ml("( ∂L / ∂ h )"), bare);
        assert!(ml("(∂/∂x f(x)) y").contains("<mo rspace=\"0\">∂</mo>"));
        let upright = ml("(d/dx f(x)) y");
        assert!(!upright.contains('∂'), "{upright}");
        assert!(!ml("diff(x^2, x)").contains('∂'));
    }

    #[test]
    fn tall_content_gets_growing_parentheses() {
        assert!(ml("(1 / x + 1) y").contains("<mrow><mo>(</mo><mrow><mfrac>"));
        assert!(ml("(a + b) y").contains("<mo stretchy=\"false\">(</mo>"));
    }

    #[test]
    fn letters_side_by_side_take_no_space() {
        assert_eq!(
            ml("a x"),
            "<mrow><mi>a</mi><mo>\u{2062}</mo><mi>x</mi></mrow>"
        );
        assert!(ml("y[i] log(p[i])").contains(
            "<mspace width=\"0.17em\"/><mrow><mi mathvariant=\"normal\">log</mi><mo>\u{2061}</mo>"
        ));
        assert!(ml("2 3").contains("<mo>·</mo>"));
    }

    #[test]
    fn regrouping_side_by_side_fractions() {
        // ((1/a)·b)/a is drawn as 1/a · b/a.
        let m = layout_source("1 / a · b / a");
        assert_eq!(
            m,
            row(vec![
                Math::Frac(
                    Box::new(Math::Num("1".into())),
                    Box::new(Math::Ident("a".into()))
                ),
                op("·"),
                Math::Frac(
                    Box::new(Math::Ident("b".into())),
                    Box::new(Math::Ident("a".into()))
                ),
            ])
        );
    }

    #[test]
    fn names_like_a_textbook() {
        assert_eq!(name_math("alpha"), Math::Ident("α".into()));
        assert_eq!(name_math("yhat"), Math::Ident("ŷ".into()));
        assert_eq!(
            name_math("xhat"),
            Math::Hat(Box::new(Math::Ident("x".into())))
        );
        assert_eq!(
            name_math("b2"),
            Math::Sub(
                Box::new(Math::Ident("b".into())),
                Box::new(Math::Num("2".into()))
            )
        );
        assert_eq!(name_math("hat"), Math::Ident("hat".into()));
    }

    #[test]
    fn unparsable_text_is_kept_and_escaped() {
        assert_eq!(
            ml("x + <y & \u{1b}"),
            "<mtext>x + &lt;y &amp; \\u{1b}</mtext>"
        );
    }
}
