//! Matrix notation as sugar over index form.
//!
//! A product of two non-scalars is one of five kinds, decided by shapes
//! alone; each lowers to index form with a fresh bound index `k`:
//!
//! | written   | shapes                       | at        | lowered                    |
//! |-----------|------------------------------|-----------|----------------------------|
//! | `W x`     | matrix[m, k] · vector[k]     | `[i]`     | `Σ_k W[i, k] x[k]`         |
//! | `A B`     | matrix[m, k] · matrix[k, n]  | `[i, j]`  | `Σ_k A[i, k] B[k, j]`      |
//! | `aᵀ b`    | row[k] · vector[k]           | `[]`      | `Σ_k a[k] b[k]`            |
//! | `a bᵀ`    | vector[m] · row[n]           | `[i, j]`  | `a[i] b[j]`                |
//! | `aᵀ W`    | row[k] · matrix[k, n]        | `[j]`     | `Σ_k a[k] W[k, j]`         |
//!
//! A transposed vector (a *row*) has the shape of the vector; whether a
//! value is a row is decided by [`Lowerer::is_row`]. A row only has a
//! meaning as a factor of a product: on its own it is an error.
//!
//! A product whose shapes do not fit is an error at the operator that names
//! both shapes and, when transposing one factor or swapping the two makes
//! them fit, says so: "did you mean `W2ᵀ (ŷ - y)`?".

use super::{Lowerer, Scope, R};
use crate::diag::Diagnostic;
use crate::expr::{DimId, Id, IndexId, Node};
use crate::lower::shape::Shape;
use crate::syntax::ast::{BinOp, Expr, ExprKind};
use crate::syntax::print::print_expr;
use crate::syntax::span::Span;
use std::rc::Rc;

/// The shape of one factor: its axes, whether a vector is a row, and
/// whether it is a gradient (a scalar's derivative by a vector, which the
/// numerator layout writes as a row: `(∂L/∂z)(∂z/∂h)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Factor {
    pub(crate) dims: Vec<DimId>,
    pub(crate) row: bool,
    pub(crate) grad: bool,
}

impl Factor {
    fn transposed(&self) -> Factor {
        match self.dims[..] {
            [a, b] => Factor {
                dims: vec![b, a],
                row: false,
                grad: false,
            },
            _ => Factor {
                dims: self.dims.clone(),
                row: !self.row && self.dims.len() == 1,
                grad: false,
            },
        }
    }
}

/// How a vector-valued side of an equality stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Orientation {
    /// A column vector: a declared vector, `W x`, ...
    Column,
    /// A row vector: `aᵀ`, `aᵀ W`, `(∂L/∂z)(∂z/∂h)`.
    Row,
    /// A gradient `∂L/∂x`: a column in the denominator layout, a row in the
    /// numerator layout, so it stands either way.
    Either,
}

/// Which product of two non-scalars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Product {
    /// matrix · vector
    MatVec,
    /// matrix · matrix
    MatMat,
    /// row · vector (a scalar)
    Inner,
    /// vector · row (a matrix)
    Outer,
    /// row · matrix (a row)
    RowMat,
}

/// The kind and result of `l r`, if the shapes fit.
fn fit(l: &Factor, r: &Factor) -> Option<(Product, Factor)> {
    let f = |dims: Vec<DimId>, row: bool| Factor {
        dims,
        row,
        grad: false,
    };
    match (&l.dims[..], l.row, &r.dims[..], r.row) {
        ([m, k], _, [k2], false) if k == k2 => Some((Product::MatVec, f(vec![*m], false))),
        ([m, k], _, [k2, n], _) if k == k2 => Some((Product::MatMat, f(vec![*m, *n], false))),
        ([k], true, [k2], false) if k == k2 => Some((Product::Inner, f(vec![], false))),
        ([m], false, [n], true) => Some((Product::Outer, f(vec![*m, *n], false))),
        ([k], true, [k2, n], _) if k == k2 => Some((Product::RowMat, f(vec![*n], true))),
        // The numerator layout: a gradient on the left of a Jacobian is a
        // row, `(∂L/∂z)(∂z/∂h)` = `(∂L/∂z)ᵀ (∂z/∂h)`.
        ([k], false, [k2, n], _) if k == k2 && l.grad => Some((Product::RowMat, f(vec![*n], true))),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// The shape of `e` with whether it is a transposed vector.
    fn factor(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<Factor> {
        Ok(Factor {
            dims: self.shape_of(e, scope)?.0,
            row: self.is_row(e, scope)?,
            grad: self.is_gradient(e, scope)?,
        })
    }

    /// True when `e` is a scalar's derivative by a vector, `∂L/∂x` (or its
    /// negation).
    pub(crate) fn is_gradient(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<bool> {
        match &e.kind {
            ExprKind::Neg(a) => self.is_gradient(a, scope),
            ExprKind::Deriv { indices, body, .. } if indices.is_empty() => {
                Ok(self.rank_of(body, scope)? == 0 && self.rank_of(e, scope)? == 1)
            }
            _ => Ok(false),
        }
    }

    /// How the vector `e` stands, for an equality between vectors.
    pub(crate) fn orientation(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<Orientation> {
        Ok(if self.is_row(e, scope)? {
            Orientation::Row
        } else if self.is_gradient(e, scope)? {
            Orientation::Either
        } else {
            Orientation::Column
        })
    }

    /// True when `e` is a row: a transposed vector, or built from one
    /// elementwise or by `aᵀ W`.
    pub(crate) fn is_row(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<bool> {
        let key = super::memo_key(e, scope);
        if let Some(&r) = self.rows.get(&key) {
            return Ok(r);
        }
        self.tick(e.span)?;
        self.recursion += 1;
        let r = self.is_row_inner(e, scope);
        self.recursion -= 1;
        if let Ok(r) = r {
            self.rows.insert(key, r);
        }
        r
    }

    fn is_row_inner(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<bool> {
        match &e.kind {
            ExprKind::Transpose(a) => Ok(self.rank_of(a, scope)? == 1 && !self.is_row(a, scope)?),
            ExprKind::Neg(a) => self.is_row(a, scope),
            ExprKind::Binary { op, lhs, rhs } => {
                let (rl, rr) = (self.rank_of(lhs, scope)?, self.rank_of(rhs, scope)?);
                if *op == BinOp::Mul && rl > 0 && rr > 0 {
                    return Ok(self.product(e, lhs, rhs, scope)?.1.row);
                }
                Ok((rl > 0 && self.is_row(lhs, scope)?) || (rr > 0 && self.is_row(rhs, scope)?))
            }
            _ => Ok(false),
        }
    }

    /// The kind and result of the product `lhs rhs` of two non-scalars, or
    /// a shape error at the operator with a hint.
    pub(crate) fn product(
        &mut self,
        e: &'a Expr,
        lhs: &'a Expr,
        rhs: &'a Expr,
        scope: &Rc<Scope<'a>>,
    ) -> R<(Product, Factor)> {
        let l = self.factor(lhs, scope)?;
        let r = self.factor(rhs, scope)?;
        if let Some(found) = fit(&l, &r) {
            return Ok(found);
        }
        Err(self.product_error(e, lhs, rhs, &l, &r))
    }

    fn describe(&self, f: &Factor) -> String {
        if f.row {
            format!(
                "a transposed vector[{}]",
                f.dims.first().map_or("?", |&d| self.symbols.dim_name(d))
            )
        } else {
            Shape(f.dims.clone()).describe(&self.symbols)
        }
    }

    fn product_error(
        &self,
        e: &Expr,
        lhs: &Expr,
        rhs: &Expr,
        l: &Factor,
        r: &Factor,
    ) -> Diagnostic {
        // The operator: `*` or the space of a juxtaposition.
        let gap = Span::new(lhs.span.end, rhs.span.start);
        let at = if gap.start < gap.end { gap } else { e.span };
        let mut d = Diagnostic::new(
            at,
            format!(
                "cannot multiply {} by {}: {}",
                self.describe(l),
                self.describe(r),
                why(l, r)
            ),
        )
        .with_label(lhs.span, self.describe(l))
        .with_label(rhs.span, self.describe(r));
        let (a, b) = (print_factor(lhs), print_factor(rhs));
        let hint = if fit(&l.transposed(), r).is_some() {
            Some(format!("{}ᵀ {b}", bare(&a)))
        } else if fit(l, &r.transposed()).is_some() {
            Some(format!("{a} {}ᵀ", bare(&b)))
        } else if fit(r, l).is_some() {
            Some(format!("{b} {a}"))
        } else {
            None
        };
        if let Some(h) = hint {
            d = d
                .with_help(format!("did you mean `{h}`?"))
                .with_fix(lhs.span.join(rhs.span), h);
        } else if let Some((h, name)) = self.fitting_name(lhs, rhs, l, r) {
            d = d.with_help(h);
            if let Some(name) = name {
                d = d.with_fix(rhs.span, name);
            }
        } else if l.dims.len() == 1 && r.dims.len() == 1 && l.dims == r.dims {
            d = d
                .with_help("use `⊙` for the elementwise product")
                .with_fix(at, " ⊙ ");
        }
        d
    }

    /// For `W v` with a vector `v` of the wrong length, the declared
    /// variables and lets that have the length `W` wants: a typo such as
    /// `W2 x` for `W2 h` is answered with "did you mean `W2 h`?"; the
    /// name is returned too when it is the only one, for the fix.
    fn fitting_name(
        &self,
        lhs: &Expr,
        rhs: &Expr,
        l: &Factor,
        r: &Factor,
    ) -> Option<(String, Option<String>)> {
        let ([_, want], [_], false) = (&l.dims[..], &r.dims[..], r.row) else {
            return None;
        };
        let mut names: Vec<&str> = self
            .env
            .globals
            .iter()
            .filter(|(name, g)| {
                let dims = match g {
                    crate::lower::env::Global::Var(v) => &self.symbols.var(v.id).dims,
                    crate::lower::env::Global::Let(_) => match self.let_shapes.get(**name) {
                        Some(s) => &s.0,
                        None => return false,
                    },
                    crate::lower::env::Global::Def(_) => return false,
                };
                dims[..] == [*want]
            })
            .map(|(n, _)| *n)
            .collect();
        names.sort_unstable();
        let a = print_factor(lhs);
        match names[..] {
            [] => None,
            [one] => Some((
                format!(
                    "`{a}` takes a vector[{}], and `{one}` is one: did you mean `{a} {one}`?",
                    self.symbols.dim_name(*want)
                ),
                Some(one.to_string()),
            )),
            _ => Some((
                format!(
                    "`{a}` takes a vector[{}] (such as {}), but `{}` is not one",
                    self.symbols.dim_name(*want),
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    print_expr(rhs)
                ),
                None,
            )),
        }
    }

    /// Lowers the product `lhs rhs` of two non-scalars at `idx`.
    pub(crate) fn lower_product(
        &mut self,
        e: &'a Expr,
        lhs: &'a Expr,
        rhs: &'a Expr,
        scope: &Rc<Scope<'a>>,
        idx: &[IndexId],
    ) -> R<Id> {
        let (kind, _) = self.product(e, lhs, rhs, scope)?;
        let l = self.shape_of(lhs, scope)?;
        let wrong =
            || Diagnostic::new(e.span, "a product is used with the wrong number of indices");
        // The contracted dimension: the left factor's last axis.
        let inner = *l.0.last().ok_or_else(wrong)?;
        let (li, ri): (Vec<IndexId>, Vec<IndexId>) = match (kind, idx) {
            (Product::Outer, [i, j]) => {
                let a = self.lower_at(lhs, scope, &[*i])?;
                let b = self.lower_at(rhs, scope, &[*j])?;
                return Ok(self.store.mul2(a, b));
            }
            (Product::MatVec, [i]) => (vec![*i], vec![]),
            (Product::MatMat, [i, j]) => (vec![*i], vec![*j]),
            (Product::Inner, []) => (vec![], vec![]),
            (Product::RowMat, [j]) => (vec![], vec![*j]),
            _ => return Err(wrong()),
        };
        let k = self.symbols.fresh_index("k", inner);
        let mut at_l = li;
        at_l.push(k);
        let mut at_r = vec![k];
        at_r.extend(ri);
        let a = self.lower_at(lhs, scope, &at_l)?;
        let b = self.lower_at(rhs, scope, &at_r)?;
        let body = self.store.mul2(a, b);
        Ok(self.store.add(Node::Sum {
            index: k,
            except: None,
            body,
        }))
    }

    /// The shape of `aᵀ`: a matrix's axes swapped; a vector keeps its axis
    /// (it becomes a row, see [`Self::is_row`]); a scalar is itself.
    pub(crate) fn transpose_shape(
        &mut self,
        e: &'a Expr,
        a: &'a Expr,
        scope: &Rc<Scope<'a>>,
    ) -> R<Shape> {
        let s = self.shape_of(a, scope)?;
        match s.0[..] {
            [r, c] => Ok(Shape(vec![c, r])),
            [_] | [] => Ok(s),
            _ => Err(Diagnostic::new(
                e.span,
                format!(
                    "cannot transpose {}; expected a vector or matrix",
                    s.describe(&self.symbols)
                ),
            )),
        }
    }

    /// Lowers `aᵀ` at `idx`: `(Aᵀ)[i, j] = A[j, i]`; a vector's element is
    /// its own.
    pub(crate) fn lower_transpose(
        &mut self,
        a: &'a Expr,
        scope: &Rc<Scope<'a>>,
        idx: &[IndexId],
    ) -> R<Id> {
        match idx {
            [i, j] => self.lower_at(a, scope, &[*j, *i]),
            _ => self.lower_at(a, scope, idx),
        }
    }

    /// Rejects an elementwise operation between a transposed vector and a
    /// plain one (`aᵀ ⊙ b`, `aᵀ + b`): a row and a column do not line up.
    pub(crate) fn same_orientation(
        &mut self,
        op: BinOp,
        lhs: &'a Expr,
        rhs: &'a Expr,
        scope: &Rc<Scope<'a>>,
    ) -> R<()> {
        let (l, r) = (self.factor(lhs, scope)?, self.factor(rhs, scope)?);
        // A gradient stands either way (see `Orientation::Either`).
        if l.row == r.row || l.grad || r.grad {
            return Ok(());
        }
        let gap = Span::new(lhs.span.end, rhs.span.start);
        let at = if gap.start < gap.end {
            gap
        } else {
            lhs.span.join(rhs.span)
        };
        let d = Diagnostic::new(
            at,
            format!(
                "cannot apply `{}` to {} and {}: a transposed vector and a vector do not line up elementwise; expected both transposed or neither",
                super::op_symbol(op),
                self.describe(&l),
                self.describe(&r)
            ),
        )
        .with_label(lhs.span, self.describe(&l))
        .with_label(rhs.span, self.describe(&r));
        // `aᵀ ⊙ b` most likely means `a ⊙ b`.
        let untransposed = |e: &Expr| match &e.kind {
            ExprKind::Transpose(inner) => Some(print_factor(inner)),
            _ => None,
        };
        let hint = match (untransposed(lhs), untransposed(rhs)) {
            (Some(a), None) => Some(format!(
                "{a} {} {}",
                super::op_symbol(op),
                print_factor(rhs)
            )),
            (None, Some(b)) => Some(format!(
                "{} {} {b}",
                print_factor(lhs),
                super::op_symbol(op)
            )),
            _ => None,
        };
        Err(match hint {
            Some(h) => d
                .with_help(format!("did you mean `{h}`?"))
                .with_fix(lhs.span.join(rhs.span), h),
            None => d,
        })
    }

    /// Rejects a transposed vector standing alone (not a factor of a
    /// product), where it has no meaning distinct from the vector.
    pub(crate) fn no_lone_row(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<()> {
        if self.rank_of(e, scope)? == 1 && self.is_row(e, scope)? {
            return Err(Diagnostic::new(
                e.span,
                "this is a transposed vector; expected it inside a product, as in `aᵀ b` (a scalar) or `a bᵀ` (a matrix)",
            ));
        }
        Ok(())
    }
}

/// A hint for an equality `a = b` whose sides have transposed shapes: an
/// outer product (on either side) written in the wrong order gets its
/// factors swapped; otherwise `b` is transposed. With the hint, the side
/// it rewrites and that side's new text, for the fix.
pub(crate) fn transposed_sides_hint(a: &Expr, b: &Expr) -> (String, Span, String) {
    for side in [b, a] {
        if let ExprKind::Binary {
            op: BinOp::Mul,
            lhs,
            rhs,
        } = &side.kind
        {
            if let ExprKind::Transpose(q) = &rhs.kind {
                let (p, q) = (print_factor(lhs), print_factor(q));
                let text = format!("{q} {p}ᵀ");
                return (
                    format!("an outer product in the wrong order? did you mean `{text}`?"),
                    side.span,
                    text,
                );
            }
        }
    }
    let text = format!("{}ᵀ", bare(&print_factor(b)));
    (
        format!("the shapes are each other's transpose: did you mean `{text}`?"),
        b.span,
        text,
    )
}

/// Why two shapes do not multiply.
fn why(l: &Factor, r: &Factor) -> &'static str {
    match (l.dims.len(), l.row, r.dims.len(), r.row) {
        (1, false, 1, false) => {
            "a product of two vectors needs one of them transposed (`aᵀ b` or `a bᵀ`)"
        }
        (1, false, 2, _) => "a vector times a matrix is not defined",
        (2, _, 1, true) => "a matrix times a transposed vector is not defined",
        (1, true, 1, true) => "both factors are transposed vectors",
        _ => "the inner dimensions differ",
    }
}

/// A factor printed for a hint, parenthesized unless it is a name, an
/// indexed name, a call or a transpose.
fn print_factor(e: &Expr) -> String {
    let s = print_expr(e);
    match &e.kind {
        ExprKind::Name(_)
        | ExprKind::Call { .. }
        | ExprKind::Index { .. }
        | ExprKind::Transpose(_) => s,
        _ => format!("({s})"),
    }
}

/// `s` ready to take a `ᵀ`: a transposed factor loses its `ᵀ` instead of
/// gaining a second one.
fn bare(s: &str) -> String {
    match s.strip_suffix('ᵀ') {
        Some(t) => t.to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(d: u32) -> Factor {
        Factor {
            dims: vec![DimId(d)],
            row: false,
            grad: false,
        }
    }
    fn row(d: u32) -> Factor {
        Factor {
            dims: vec![DimId(d)],
            row: true,
            grad: false,
        }
    }
    fn grad(d: u32) -> Factor {
        Factor {
            dims: vec![DimId(d)],
            row: false,
            grad: true,
        }
    }
    fn mat(r: u32, c: u32) -> Factor {
        Factor {
            dims: vec![DimId(r), DimId(c)],
            row: false,
            grad: false,
        }
    }

    #[test]
    fn products_fit_by_shape() {
        type Case = (Factor, Factor, Option<(Product, Factor)>);
        let cases: &[Case] = &[
            (mat(0, 1), col(1), Some((Product::MatVec, col(0)))),
            (mat(0, 1), col(0), None),
            (mat(0, 1), mat(1, 2), Some((Product::MatMat, mat(0, 2)))),
            (mat(0, 1), mat(0, 1), None),
            (
                row(0),
                col(0),
                Some((
                    Product::Inner,
                    Factor {
                        dims: vec![],
                        row: false,
                        grad: false,
                    },
                )),
            ),
            (row(0), col(1), None),
            (col(0), row(1), Some((Product::Outer, mat(0, 1)))),
            (row(0), mat(0, 2), Some((Product::RowMat, row(2)))),
            (col(0), col(0), None),
            (col(0), mat(0, 1), None),
            (mat(0, 1), row(1), None),
            (row(0), row(0), None),
            // Numerator layout: a gradient times a Jacobian is a row.
            (grad(0), mat(0, 2), Some((Product::RowMat, row(2)))),
            (grad(0), mat(1, 2), None),
            (mat(0, 1), grad(1), Some((Product::MatVec, col(0)))),
        ];
        for (l, r, want) in cases {
            assert_eq!(fit(l, r), *want, "{l:?} {r:?}");
        }
    }

    #[test]
    fn transposing_swaps_axes_and_flips_rows() {
        assert_eq!(mat(0, 1).transposed(), mat(1, 0));
        assert_eq!(col(0).transposed(), row(0));
        assert_eq!(row(0).transposed(), col(0));
    }

    #[test]
    fn hint_text() {
        assert_eq!(bare("W2ᵀ"), "W2");
        assert_eq!(bare("(a + b)"), "(a + b)");
        let e = crate::syntax::parse_expr("h (yhat - y)ᵀ").expect("parses");
        let w = crate::syntax::parse_expr("W").expect("parses");
        let (help, span, text) = transposed_sides_hint(&w, &e);
        assert!(help.contains("`(yhat - y) hᵀ`"), "{help}");
        assert_eq!((span, text.as_str()), (e.span, "(yhat - y) hᵀ"));
        let (help, span, text) = transposed_sides_hint(&w, &w);
        assert!(help.contains("`Wᵀ`"), "{help}");
        assert_eq!((span, text.as_str()), (w.span, "Wᵀ"));
    }
}
