//! Printing surface expressions back in the language's syntax.
//!
//! Contract (tested by a property test): for every tree the parser can
//! produce, `parse_expr(&print_expr(e))` gives `e` back up to spans. Trees the
//! parser cannot produce (a negative or non-decimal [`ExprKind::Num`], or a
//! call whose name is a special form such as `sum`) still print readably.
//!
//! Parentheses are minimal with two deliberate exceptions that keep the
//! printer simple and the output unambiguous to a human: a negation inside a
//! product is always parenthesized (`a * (-b)`), and products are printed
//! with an explicit `*`, never by juxtaposition.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::ast::{BinOp, Expr, ExprKind, Ident};
use super::lexical::is_ident_continue;

/// Binding strength, loosest first; mirrors the parser's levels.
const SUM: u8 = 0;
const PRODUCT: u8 = 1;
const PREFIX: u8 = 2;
const POWER: u8 = 3;
const POSTFIX: u8 = 4;
const ATOM: u8 = 5;

/// Prints `e` in the derivation language with minimal parentheses.
pub fn print_expr(e: &Expr) -> String {
    let mut out = String::new();
    write(e, SUM, &mut out);
    out
}

/// How tightly the printed form of `e` binds.
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => match op {
            BinOp::Add | BinOp::Sub => SUM,
            BinOp::Mul | BinOp::Div | BinOp::Hadamard => PRODUCT,
            BinOp::Pow => POWER,
        },
        ExprKind::Neg(_) => PREFIX,
        ExprKind::Index { .. } | ExprKind::Transpose(_) => POSTFIX,
        // `∂L/∂x` would swallow a following `[i]` as the variable's index.
        ExprKind::Deriv { body, .. } if matches!(body.kind, ExprKind::Name(_)) => POWER,
        _ => ATOM,
    }
}

/// Writes `e`, in parentheses if it binds looser than `min`.
fn write(e: &Expr, min: u8, out: &mut String) {
    if level(e) < min {
        out.push('(');
        write_bare(e, out);
        out.push(')');
    } else {
        write_bare(e, out);
    }
}

fn write_names(names: &[Ident], out: &mut String) {
    for (n, name) in names.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(&name.name);
    }
}

fn write_var(var: &Ident, indices: &[Ident], out: &mut String) {
    out.push_str(&var.name);
    if !indices.is_empty() {
        out.push('[');
        write_names(indices, out);
        out.push(']');
    }
}

fn write_bare(e: &Expr, out: &mut String) {
    match &e.kind {
        ExprKind::Num(n) => write_num(n, out),
        ExprKind::Name(n) => out.push_str(&n.name),
        ExprKind::Call { func, args } => {
            out.push_str(&func.name);
            out.push('(');
            for (n, a) in args.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write(a, SUM, out);
            }
            out.push(')');
        }
        ExprKind::Index { base, indices } => {
            write(base, POSTFIX, out);
            out.push('[');
            write_names(indices, out);
            out.push(']');
        }
        ExprKind::Transpose(x) => {
            write(x, POSTFIX, out);
            out.push('ᵀ');
        }
        ExprKind::Neg(x) => {
            out.push('-');
            write(x, PRODUCT, out);
        }
        ExprKind::Binary { op, lhs, rhs } => write_binary(*op, lhs, rhs, out),
        ExprKind::Sum {
            index,
            except,
            body,
        } => {
            out.push_str("sum(");
            out.push_str(&index.name);
            if let Some(j) = except {
                out.push_str(" != ");
                out.push_str(&j.name);
            }
            out.push_str(", ");
            write(body, SUM, out);
            out.push(')');
        }
        ExprKind::Delta(a, b) => {
            out.push_str(&format!("delta({}, {})", a.name, b.name));
        }
        ExprKind::Deriv { var, indices, body } => match &body.kind {
            ExprKind::Name(name) => {
                out.push('∂');
                out.push_str(&name.name);
                out.push_str("/∂");
                write_var(var, indices, out);
            }
            _ => {
                out.push_str("diff(");
                write(body, SUM, out);
                out.push_str(", ");
                write_var(var, indices, out);
                out.push(')');
            }
        },
    }
}

fn write_binary(op: BinOp, lhs: &Expr, rhs: &Expr, out: &mut String) {
    let (sym, lmin, rmin) = match op {
        BinOp::Add => (" + ", SUM, PRODUCT),
        BinOp::Sub => (" - ", SUM, PRODUCT),
        // A prefix operator's operand is a whole product, so `-b` on either
        // side of `*` would capture what follows it.
        BinOp::Mul => (" * ", PRODUCT, POWER),
        BinOp::Div => (" / ", PRODUCT, POWER),
        BinOp::Hadamard => (" ⊙ ", PRODUCT, POWER),
        BinOp::Pow => ("^", POSTFIX, POWER),
    };
    if lmin == PRODUCT && level(lhs) == PREFIX {
        out.push('(');
        write_bare(lhs, out);
        out.push(')');
    } else {
        write(lhs, lmin, out);
    }
    out.push_str(sym);
    let mut r = String::new();
    write(rhs, rmin, &mut r);
    // `x^T...` would read as a transpose.
    let bare_t = op == BinOp::Pow
        && r.strip_prefix('T')
            .is_some_and(|rest| !rest.starts_with(is_ident_continue));
    if bare_t {
        out.push('(');
        out.push_str(&r);
        out.push(')');
    } else {
        out.push_str(&r);
    }
}

/// Writes a number as the parser reads it: an integer or an exact decimal.
/// Other rationals (negative, or like 1/3) are written as a parenthesized
/// expression with the same value.
fn write_num(n: &BigRational, out: &mut String) {
    if n.is_negative() {
        out.push_str("(-");
        write_num(&-n, out);
        out.push(')');
        return;
    }
    match decimal(n) {
        Some(s) => out.push_str(&s),
        None => out.push_str(&format!("({} / {})", n.numer(), n.denom())),
    }
}

/// The exact decimal spelling of a non-negative `n`, if it has one.
fn decimal(n: &BigRational) -> Option<String> {
    if n.is_integer() {
        return Some(n.numer().to_string());
    }
    let (two, five) = (BigInt::from(2), BigInt::from(5));
    let mut d = n.denom().clone();
    let mut places = 0usize;
    let mut scale = BigInt::from(1);
    while !d.is_zero() && d != BigInt::from(1) {
        let (q2, r2) = d.div_rem(&two);
        let (q5, r5) = d.div_rem(&five);
        if r2.is_zero() {
            d = q2;
        } else if r5.is_zero() {
            d = q5;
        } else {
            return None;
        }
        places += 1;
        scale *= 10;
    }
    // `places` factors of 10 are enough: each step removed one 2 or one 5.
    let digits = (n * BigRational::from_integer(scale))
        .to_integer()
        .to_string();
    let digits = format!("{digits:0>width$}", width = places + 1);
    let (int, frac) = digits.split_at(digits.len() - places);
    let frac = frac.trim_end_matches('0');
    Some(if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::erase_spans;
    use crate::syntax::parse_expr;
    use crate::syntax::span::Span;
    use pretty_assertions::assert_eq;
    use proptest::prelude::*;

    #[track_caller]
    fn check(input: &str, printed: &str) {
        let e = parse_expr(input).unwrap_or_else(|err| panic!("{input}: {}", err.message));
        assert_eq!(print_expr(&e), printed, "input: {input}");
        let again = parse_expr(printed).expect("printout parses");
        assert_eq!(erase_spans(&again), erase_spans(&e), "{input}");
    }

    #[test]
    fn prints_with_minimal_parentheses() {
        check("a + b c", "a + b * c");
        check("(a + b) c", "(a + b) * c");
        check("a - (b - c)", "a - (b - c)");
        check("(a - b) - c", "a - b - c");
        check("a / (b c)", "a / (b * c)");
        check("-x^2", "-x^2");
        check("(-x)^2", "(-x)^2");
        check("-x y", "-x * y");
        check("(-x) y", "(-x) * y");
        check("a * -b", "a * (-b)");
        check("a + -b", "a + -b");
        check("x^2^3", "x^2^3");
        check("(x^2)^3", "(x^2)^3");
        check("x^-1", "x^(-1)");
        check("e^(-x)", "e^(-x)");
        check("(a+b)[i]", "(a + b)[i]");
        check("softmax(x + c)[i]", "softmax(x + c)[i]");
        check("W^T x", "Wᵀ * x");
        check("x^(T)", "x^(T)");
        check("x^(T[i])", "x^(T[i])");
        check("x^Tx", "x^Tx");
        check("Σ_i y[i] log(p[i]) + 1", "sum(i, y[i] * log(p[i])) + 1");
        check("Σ_{i≠j} y[i]", "sum(i != j, y[i])");
        check("δ(i, j)", "delta(i, j)");
        check("∂L/∂z[j]", "∂L/∂z[j]");
        check("(∂L/∂x)[i]", "(∂L/∂x)[i]");
        check("(∂L/∂x)^2", "(∂L/∂x)^2");
        check("d/dx σ(x)", "diff(sigmoid(x), x)");
        check("a ⊙ b .* c", "a ⊙ b ⊙ c");
        check("d / dx", "d / dx");
        check("0.5 + 2.50 + 0.125", "0.5 + 2.5 + 0.125");
        check("--x", "--x");
    }

    #[test]
    fn numbers_outside_the_grammar_still_print() {
        let num = |n: i64, d: i64| Expr {
            kind: ExprKind::Num(BigRational::new(n.into(), d.into())),
            span: Span::default(),
        };
        assert_eq!(print_expr(&num(1, 3)), "(1 / 3)");
        assert_eq!(print_expr(&num(-3, 4)), "(-0.75)");
        assert_eq!(print_expr(&num(7, 1)), "7");
        assert_eq!(print_expr(&num(1, 1000)), "0.001");
        assert_eq!(print_expr(&num(3, 20)), "0.15");
    }

    fn ident(names: &'static [&'static str]) -> impl Strategy<Value = Ident> {
        proptest::sample::select(names).prop_map(|n| Ident {
            name: n.to_string(),
            span: Span::default(),
        })
    }

    fn node(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    const NAMES: &[&str] = &[
        "x", "y", "W1", "ŷ", "α", "e", "pi", "d", "dx", "T", "sum", "σ",
    ];
    const INDICES: &[&str] = &["i", "j", "k", "T"];
    const FUNCS: &[&str] = &["f", "exp", "log", "sigmoid", "softmax", "T"];

    /// Trees of the kind the parser produces: numbers non-negative with an
    /// exact decimal spelling, canonical function names.
    fn arb_expr() -> impl Strategy<Value = Expr> {
        let num = (0u32..2000, 0u32..4).prop_map(|(n, k)| {
            node(ExprKind::Num(BigRational::new(
                n.into(),
                BigInt::from(10u32.pow(k)),
            )))
        });
        let leaf = prop_oneof![
            num,
            ident(NAMES).prop_map(|n| node(ExprKind::Name(n))),
            (ident(INDICES), ident(INDICES)).prop_map(|(a, b)| node(ExprKind::Delta(a, b))),
        ];
        leaf.prop_recursive(6, 48, 3, |inner| {
            let op = proptest::sample::select(
                &[
                    BinOp::Add,
                    BinOp::Sub,
                    BinOp::Mul,
                    BinOp::Div,
                    BinOp::Hadamard,
                    BinOp::Pow,
                ][..],
            );
            prop_oneof![
                (op, inner.clone(), inner.clone()).prop_map(|(op, l, r)| node(ExprKind::Binary {
                    op,
                    lhs: Box::new(l),
                    rhs: Box::new(r)
                })),
                inner.clone().prop_map(|x| node(ExprKind::Neg(Box::new(x)))),
                inner
                    .clone()
                    .prop_map(|x| node(ExprKind::Transpose(Box::new(x)))),
                (
                    inner.clone(),
                    proptest::collection::vec(ident(INDICES), 1..3)
                )
                    .prop_map(|(b, indices)| node(ExprKind::Index {
                        base: Box::new(b),
                        indices
                    })),
                (ident(FUNCS), proptest::collection::vec(inner.clone(), 0..3))
                    .prop_map(|(func, args)| node(ExprKind::Call { func, args })),
                (
                    ident(INDICES),
                    proptest::option::of(ident(INDICES)),
                    inner.clone()
                )
                    .prop_map(|(index, except, b)| node(ExprKind::Sum {
                        index,
                        except,
                        body: Box::new(b)
                    })),
                (
                    ident(NAMES),
                    proptest::collection::vec(ident(INDICES), 0..2),
                    inner
                )
                    .prop_map(|(var, indices, b)| node(ExprKind::Deriv {
                        var,
                        indices,
                        body: Box::new(b)
                    })),
            ]
        })
    }

    proptest! {
        #[test]
        fn printing_then_parsing_gives_the_same_tree(e in arb_expr()) {
            let printed = print_expr(&e);
            let parsed = parse_expr(&printed);
            prop_assert!(parsed.is_ok(), "{printed}: {:?}", parsed.err());
            let parsed = erase_spans(&parsed.unwrap_or_else(|_| e.clone()));
            prop_assert_eq!(parsed, e, "{}", printed);
        }
    }
}
