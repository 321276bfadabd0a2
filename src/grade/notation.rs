//! "The same expression once read, up to notation": a normal form of a
//! syntax tree in which what is only a way of writing is forgotten — the
//! order of terms and of scalar factors, grouping (`a + (b + c)`), `a - b`
//! as `a + (-b)`, where a minus sign stands in a product, `e^x` for
//! `exp(x)`, and the names of bound indices — while everything that is a
//! step of a derivation (collecting terms, cancelling, multiplying
//! numbers out, `a / b` against `a b^-1`) still tells two forms apart.

use crate::syntax::ast::{BinOp, Expr, ExprKind};
use num_rational::BigRational;
use std::collections::{BTreeMap, BTreeSet};

/// An expression in normal form: compare two with `==`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Norm {
    /// A number (a minus sign before it folded in).
    Num(BigRational),
    /// A name.
    Name(String),
    /// A call (`e^x` is `exp(x)`).
    Call(String, Vec<Norm>),
    /// Indexing, by renamed indices.
    Index(Box<Norm>, Vec<String>),
    /// A minus sign: never of a number, a negation or a product.
    Neg(Box<Norm>),
    /// A sum of terms, flattened and sorted.
    Add(Vec<Norm>),
    /// A product: flattened; sorted when at most one factor is a vector or
    /// matrix (a matrix product does not commute).
    Mul(Vec<Norm>),
    /// A quotient.
    Div(Box<Norm>, Box<Norm>),
    /// An elementwise product, flattened and sorted.
    Hadamard(Vec<Norm>),
    /// A power.
    Pow(Box<Norm>, Box<Norm>),
    /// A sum over a bound index, named by how many sums enclose it.
    Sum(String, Option<String>, Box<Norm>),
    /// Kronecker's delta.
    Delta(String, String),
    /// A derivative.
    Deriv(String, Vec<String>, Box<Norm>),
    /// A transpose.
    Transpose(Box<Norm>),
}

/// `e` in normal form; `is_array` says which names are vectors or
/// matrices (declared so, or lets of such a value), which decides whether
/// the factors of a product may be reordered.
pub(crate) fn normal(e: &Expr, is_array: &dyn Fn(&str) -> bool) -> Norm {
    normal_renamed(e, is_array, &BTreeMap::new())
}

/// `e` in normal form with its free indices renamed by `rename` (those it
/// does not name keep their names): a goal stated in `j` is the same goal
/// in `i`, when both of its sides are renamed alike.
pub(crate) fn normal_renamed(
    e: &Expr,
    is_array: &dyn Fn(&str) -> bool,
    rename: &BTreeMap<String, String>,
) -> Norm {
    Normalizer {
        is_array,
        bound: Vec::new(),
        rename,
    }
    .norm(e)
}

/// The free indices of a normal form (bound ones are renamed `#k`).
pub(crate) fn free_indices(n: &Norm, out: &mut BTreeSet<String>) {
    let mut note = |i: &String| {
        if !i.starts_with('#') {
            out.insert(i.clone());
        }
    };
    match n {
        Norm::Num(_) | Norm::Name(_) => {}
        Norm::Index(base, indices) => {
            indices.iter().for_each(&mut note);
            free_indices(base, out);
        }
        Norm::Delta(a, b) => {
            note(a);
            note(b);
        }
        Norm::Sum(_, except, body) => {
            except.iter().for_each(&mut note);
            free_indices(body, out);
        }
        Norm::Deriv(_, indices, body) => {
            indices.iter().for_each(&mut note);
            free_indices(body, out);
        }
        Norm::Call(_, v) | Norm::Add(v) | Norm::Mul(v) | Norm::Hadamard(v) => {
            v.iter().for_each(|x| free_indices(x, out));
        }
        Norm::Neg(x) | Norm::Transpose(x) => free_indices(x, out),
        Norm::Div(a, b) | Norm::Pow(a, b) => {
            free_indices(a, out);
            free_indices(b, out);
        }
    }
}

/// The function of a name with exactly one prime (`sigmoid′` → `sigmoid`).
fn primed_once(name: &str) -> Option<&str> {
    crate::syntax::parser::split_primes(name).and_then(|(f, n)| (n == 1).then_some(f))
}

/// Whether a normal form is a vector or matrix: it uses one outside an
/// index (`W x`, `softmax(z)`, `hᵀ`, `∂L/∂z`), `is_array` naming those.
pub(crate) fn is_array(n: &Norm, is_array_name: &dyn Fn(&str) -> bool) -> bool {
    let is = |x: &Norm| is_array(x, is_array_name);
    match n {
        Norm::Num(_) | Norm::Index(..) | Norm::Delta(..) => false,
        Norm::Name(name) => is_array_name(name),
        Norm::Call(f, args) => f == "softmax" || args.iter().any(is),
        Norm::Transpose(_) => true,
        Norm::Neg(x) | Norm::Sum(_, _, x) => is(x),
        Norm::Deriv(var, indices, body) => indices.is_empty() && is_array_name(var) || is(body),
        Norm::Add(v) | Norm::Mul(v) | Norm::Hadamard(v) => v.iter().any(is),
        Norm::Div(a, b) | Norm::Pow(a, b) => is(a) || is(b),
    }
}

/// The walk: the bound indices in scope, outermost first, as (written, renamed).
struct Normalizer<'a> {
    is_array: &'a dyn Fn(&str) -> bool,
    bound: Vec<(String, String)>,
    rename: &'a BTreeMap<String, String>,
}

impl Normalizer<'_> {
    /// An index as renamed where it stands: a bound one by its depth, so
    /// that renaming does not depend on where the sum lands once sorted.
    fn index(&self, name: &str) -> String {
        self.bound
            .iter()
            .rev()
            .find(|(written, _)| written == name)
            .map(|(_, renamed)| renamed)
            .or_else(|| self.rename.get(name))
            .map_or_else(|| name.to_string(), Clone::clone)
    }

    /// The normal form of `e`.
    fn norm(&mut self, e: &Expr) -> Norm {
        match &e.kind {
            ExprKind::Num(n) => Norm::Num(n.clone()),
            ExprKind::Name(n) => Norm::Name(n.name.clone()),
            ExprKind::Call { func, args } => match (primed_once(&func.name), &args[..]) {
                // `f′(x)` is `d/dx f(x)` written with a prime.
                (Some(f), [a]) if matches!(a.kind, ExprKind::Name(_)) => {
                    let ExprKind::Name(x) = &a.kind else {
                        unreachable!("matched a name just above")
                    };
                    let call = Norm::Call(f.to_string(), vec![self.norm(a)]);
                    Norm::Deriv(x.name.clone(), Vec::new(), Box::new(call))
                }
                _ => Norm::Call(
                    func.name.clone(),
                    args.iter().map(|a| self.norm(a)).collect(),
                ),
            },
            ExprKind::Index { base, indices } => {
                let base = self.norm(base);
                let indices = indices.iter().map(|i| self.index(&i.name)).collect();
                Norm::Index(Box::new(base), indices)
            }
            ExprKind::Neg(x) => negate(self.norm(x)),
            ExprKind::Transpose(x) => Norm::Transpose(Box::new(self.norm(x))),
            ExprKind::Delta(a, b) => Norm::Delta(self.index(&a.name), self.index(&b.name)),
            ExprKind::Sum {
                index,
                except,
                body,
            } => {
                let except = except.as_ref().map(|x| self.index(&x.name));
                let renamed = format!("#{}", self.bound.len());
                self.bound.push((index.name.clone(), renamed.clone()));
                let body = self.norm(body);
                self.bound.pop();
                Norm::Sum(renamed, except, Box::new(body))
            }
            ExprKind::Deriv { var, indices, body } => {
                let body = self.norm(body);
                let indices = indices.iter().map(|i| self.index(&i.name)).collect();
                Norm::Deriv(var.name.clone(), indices, Box::new(body))
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
        }
    }

    /// The normal form of `lhs op rhs`.
    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr) -> Norm {
        let a = self.norm(lhs);
        let b = self.norm(rhs);
        match op {
            BinOp::Add => add(a, b),
            BinOp::Sub => add(a, negate(b)),
            BinOp::Hadamard => {
                let mut factors = flatten(a, b, |n| match n {
                    Norm::Hadamard(v) => Ok(v),
                    n => Err(n),
                });
                factors.sort();
                Norm::Hadamard(factors)
            }
            BinOp::Mul => {
                // Signs of the factors come out in front: `(-a) b` is `-(a b)`.
                let (a, a_neg) = unsign(a);
                let (b, b_neg) = unsign(b);
                let factors = flatten(a, b, |n| match n {
                    Norm::Mul(v) => Ok(v),
                    n => Err(n),
                });
                // Only scalars commute: `W x` is not `x W`. The scalar
                // factors go first, sorted; the others keep their order.
                let (mut scalars, arrays): (Vec<Norm>, Vec<Norm>) = factors
                    .into_iter()
                    .partition(|f| !is_array(f, self.is_array));
                scalars.sort();
                scalars.extend(arrays);
                let product = Norm::Mul(scalars);
                if a_neg != b_neg {
                    negate(product)
                } else {
                    product
                }
            }
            BinOp::Div => {
                let (a, a_neg) = unsign(a);
                let (b, b_neg) = unsign(b);
                let q = Norm::Div(Box::new(a), Box::new(b));
                if a_neg != b_neg {
                    negate(q)
                } else {
                    q
                }
            }
            BinOp::Pow => match a {
                Norm::Name(e) if e == "e" => Norm::Call("exp".to_string(), vec![b]),
                a => Norm::Pow(Box::new(a), Box::new(b)),
            },
        }
    }
}

/// `-x`: of a number, its negative; of a negation, what it negates; of a
/// product, a product with the sign in front.
fn negate(x: Norm) -> Norm {
    match x {
        Norm::Num(n) => Norm::Num(-n),
        Norm::Neg(y) => *y,
        x => Norm::Neg(Box::new(x)),
    }
}

/// `x` without its sign, and whether it had one (a negative number's sign
/// too, so that `-2 x` and `2 (-x)` agree).
fn unsign(x: Norm) -> (Norm, bool) {
    match x {
        Norm::Neg(y) => (*y, true),
        Norm::Num(n) if n < BigRational::from_integer(0.into()) => (Norm::Num(-n), true),
        x => (x, false),
    }
}

/// The terms of `a + b`, flattened and sorted.
fn add(a: Norm, b: Norm) -> Norm {
    let mut terms = flatten(a, b, |n| match n {
        Norm::Add(v) => Ok(v),
        n => Err(n),
    });
    terms.sort();
    Norm::Add(terms)
}

/// `a` and `b` as operands of one operator: an operand that is itself that
/// operator (`split` gives its operands) is opened.
fn flatten(a: Norm, b: Norm, split: impl Fn(Norm) -> Result<Vec<Norm>, Norm>) -> Vec<Norm> {
    let mut out = Vec::new();
    for n in [a, b] {
        match split(n) {
            Ok(v) => out.extend(v),
            Err(n) => out.push(n),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parser::parse_expr;

    fn same(a: &str, b: &str) -> bool {
        let arrays = |n: &str| matches!(n, "W" | "x" | "h" | "v");
        let n = |s: &str| normal(&parse_expr(s).unwrap(), &arrays);
        n(a) == n(b)
    }

    #[test]
    fn notation_is_forgotten_and_derivation_steps_are_not() {
        let cases: &[(&str, &str, bool)] = &[
            // The same up to notation.
            ("a + b + c", "c + (a + b)", true),
            ("a b c", "c (b a)", true),
            ("sigma(t) (1 - sigma(t))", "(1 - sigma(t)) sigma(t)", true),
            ("p[j] - y[j]", "-y[j] + p[j]", true),
            ("-(a b)", "(-a) b", true),
            ("-(a b)", "a (-b)", true),
            ("-2 a", "2 (-a)", true),
            ("e^(-t)", "exp(-t)", true),
            ("sum(i, y[i] log(p[i]))", "sum(k, log(p[k]) y[k])", true),
            (
                "sum(i, a[i]) + sum(j, b[j])",
                "sum(k, b[k]) + sum(i, a[i])",
                true,
            ),
            (
                "sum(i, sum(j, a[i] b[j]))",
                "sum(j, sum(i, a[j] b[i]))",
                true,
            ),
            ("a ⊙ b", "b ⊙ a", true),
            ("c W x", "W x c", true),
            // Not the same: a step of a derivation, or another expression.
            ("W x", "x W", false),
            ("a / b", "a b^(-1)", false),
            ("2 a + 3 a", "5 a", false),
            ("a (b + c)", "a b + a c", false),
            ("1 - (1 - a)", "a", false),
            ("sum(i, a[i] b[j])", "sum(i, a[i] b[i])", false),
            ("x[i]", "x[j]", false),
            ("-(-a)", "a", true),
            ("σ'(t)", "d/dt σ(t)", true),
            ("dσ(t)/dt", "σ′(t)", true),
            ("σ'(2 t)", "d/dt σ(2 t)", false),
        ];
        for &(a, b, want) in cases {
            assert_eq!(same(a, b), want, "{a}  vs  {b}");
        }
    }
}
