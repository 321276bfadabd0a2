//! One-off calculations behind `derivcheck simplify` and `derivcheck diff`:
//! an expression in, its canonical form (or derivative) out, printed in the
//! derivation language so it can be pasted back into a derivation.
//!
//! Declarations come from a derivation file's text (its claims are ignored).
//! A plain name the expression uses without declaring it is taken to be a
//! real scalar, so `derivcheck diff "x^2 sin(x)" --wrt x` needs no file.

use crate::canon::{self, Budget};
use crate::diag::Diagnostic;
use crate::expr::print::print;
use crate::lower::{lower_expr, lower_var, Lowered};
use crate::syntax::ast::{self, Expr, ExprKind};
use crate::syntax::parse_file;
use crate::syntax::parser::parse_expr;
use std::collections::BTreeSet;

/// Where the text a diagnostic points into came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CalcError {
    /// A name for the text: the declarations' file, or `EXPR` / `VAR`.
    pub source_name: String,
    /// The text the diagnostic's span points into.
    pub source: String,
    /// What is wrong (boxed: errors are rare, results are not).
    pub diagnostic: Box<Diagnostic>,
}

/// The result of a calculation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Calculation {
    /// The result in the derivation language.
    pub text: String,
    /// The named rules the canonicalizer applied, each once, in order.
    pub rules: Vec<String>,
}

/// The declarations in scope: a name for messages and the text.
#[derive(Clone, Copy, Debug)]
pub struct Declarations<'a> {
    /// How to name the text in messages (a file path, or `--with`).
    pub name: &'a str,
    /// Declarations, definitions and lets, in the derivation language.
    pub text: &'a str,
}

/// Brings `expr` to its canonical form.
///
/// ```
/// use derivcheck::calc::{simplify, Declarations};
/// let decls = Declarations { name: "--with", text: "" };
/// let result = simplify(decls, "exp(x) exp(-x) + x - x").unwrap();
/// assert_eq!(result.text, "1");
/// ```
pub fn simplify(decls: Declarations, expr: &str) -> Result<Calculation, CalcError> {
    // The stages recurse as deep as the expression nests; a caller's thread
    // may have a small stack.
    crate::parallel::with_big_stack(|| simplify_here(decls, expr))
}

fn simplify_here(decls: Declarations, expr: &str) -> Result<Calculation, CalcError> {
    let (_, mut lowered, id, _, _) = prepare(decls, expr, None)?;
    canonical(&mut lowered, id, expr)
}

/// Differentiates `expr` by `wrt` (`x`, or an element such as `z[j]`) and
/// brings the derivative to its canonical form.
///
/// ```
/// use derivcheck::calc::{differentiate, Declarations};
/// let decls = Declarations { name: "--with", text: "" };
/// let result = differentiate(decls, "x^3", "x").unwrap();
/// assert_eq!(result.text, "3 * x^2");
/// ```
pub fn differentiate(decls: Declarations, expr: &str, wrt: &str) -> Result<Calculation, CalcError> {
    crate::parallel::with_big_stack(|| differentiate_here(decls, expr, wrt))
}

fn differentiate_here(
    decls: Declarations,
    expr: &str,
    wrt: &str,
) -> Result<Calculation, CalcError> {
    let (file, mut lowered, id, free, var) = prepare(decls, expr, Some(wrt))?;
    let var = var.unwrap_or_else(|| unreachable_var(wrt));
    if let_target(&file, &var) {
        // A let-name: through the language's own `∂`, which treats the let
        // as a variable of its own and holds everything else fixed.
        let text = format!("∂/∂{wrt} ({expr})");
        let (_, mut lowered, id, _, _) = prepare(decls, &text, None)?;
        return canonical(&mut lowered, id, &text);
    }
    let (v, at) = lower_var(&mut lowered, &file, &var, &free).map_err(|d| error("VAR", wrt, d))?;
    let derivative = crate::diff::derive(&mut lowered.store, &mut lowered.symbols, id, v, &at);
    canonical(&mut lowered, derivative, expr)
}

/// Whether `wrt` names a let of `file` (alone or indexed).
fn let_target(file: &ast::File, wrt: &Expr) -> bool {
    let name = match &wrt.kind {
        ExprKind::Name(id) => id,
        ExprKind::Index { base, .. } => match &base.kind {
            ExprKind::Name(id) => id,
            _ => return false,
        },
        _ => return false,
    };
    file.items
        .iter()
        .any(|item| matches!(item, ast::Item::Let(l) if l.name.name == name.name))
}

/// A placeholder expression; `prepare` always parses `wrt` when given.
fn unreachable_var(wrt: &str) -> Expr {
    Expr {
        kind: ExprKind::Name(ast::Ident {
            name: wrt.to_string(),
            span: Default::default(),
        }),
        span: Default::default(),
    }
}

type Prepared = (
    ast::File,
    Lowered,
    crate::expr::Id,
    Vec<crate::expr::IndexId>,
    Option<Expr>,
);

/// Parses the declarations, the expression and the variable, declares the
/// undeclared plain names as real scalars, and lowers the expression.
fn prepare(decls: Declarations, expr: &str, wrt: Option<&str>) -> Result<Prepared, CalcError> {
    let file = parse_file(decls.text);
    if let Some(e) = file.errors.first() {
        return Err(error(
            decls.name,
            decls.text,
            Diagnostic::new(e.span, e.message.clone()),
        ));
    }
    let parsed =
        parse_expr(expr).map_err(|e| error("EXPR", expr, Diagnostic::new(e.span, e.message)))?;
    let var = wrt
        .map(|w| parse_expr(w).map_err(|e| error("VAR", w, Diagnostic::new(e.span, e.message))))
        .transpose()?;

    let mut names = BTreeSet::new();
    undeclared_names(&parsed, &file, &mut names);
    if let Some(v) = &var {
        undeclared_names(v, &file, &mut names);
    }
    // Appending keeps every span of the user's declarations where it was.
    let mut text = decls.text.to_string();
    if !names.is_empty() {
        text.push_str("\n\n");
        text.push_str(&names.iter().cloned().collect::<Vec<_>>().join(", "));
        text.push_str(" : real\n");
    }
    let file = parse_file(&text);
    let (lowered, id, free) = lower_expr(&file, &parsed).map_err(|d| error("EXPR", expr, d))?;
    if let Some(d) = lowered.errors.first() {
        return Err(error(decls.name, decls.text, d.clone()));
    }
    Ok((file, lowered, id, free, var))
}

/// Canonicalizes `id` and prints it.
fn canonical(
    lowered: &mut Lowered,
    id: crate::expr::Id,
    expr: &str,
) -> Result<Calculation, CalcError> {
    let budget = Budget::default();
    match canon::canonicalize(&mut lowered.store, &mut lowered.symbols, id, &budget) {
        Ok((c, rules)) => {
            let mut text = print(&lowered.store, &lowered.symbols, c);
            let mut rules = rules;
            // The exp form meets identities the atom form leaves apart
            // (sin² + cos², tanh against σ); print it when it is shorter.
            let exp_form =
                canon::canonicalize_exp_form(&mut lowered.store, &mut lowered.symbols, id, &budget);
            if let Ok((e, exp_rules)) = exp_form {
                let exp_text = print(&lowered.store, &lowered.symbols, e);
                if exp_text.chars().count() < text.chars().count() {
                    text = exp_text;
                    rules = exp_rules;
                }
            }
            Ok(Calculation {
                text,
                rules: canon::rule_names(rules),
            })
        }
        Err(limit) => Err(error(
            "EXPR",
            expr,
            Diagnostic::new(
                crate::syntax::span::Span::new(0, expr.len()),
                format!("inconclusive: {limit}"),
            ),
        )),
    }
}

fn error(name: &str, source: &str, diagnostic: Diagnostic) -> CalcError {
    CalcError {
        source_name: name.to_string(),
        source: source.to_string(),
        diagnostic: Box::new(diagnostic),
    }
}

/// Plain names (not indexed, not called) that `file` does not declare or
/// define, and that are not constants: the ones to declare as real scalars.
fn undeclared_names(e: &Expr, file: &ast::File, out: &mut BTreeSet<String>) {
    let known = |name: &str| {
        matches!(name, "e" | "pi")
            || file.items.iter().any(|item| match item {
                ast::Item::Decl(d) => d.names.iter().any(|n| n.name == name),
                ast::Item::Let(l) => l.name.name == name,
                ast::Item::Def(d) => d.name.name == name,
                ast::Item::Claim(_) | ast::Item::Goal(_) => false,
            })
    };
    let mut add = |name: &str| {
        if !known(name) {
            out.insert(name.to_string());
        }
    };
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Delta(..) => {}
        ExprKind::Name(id) => add(&id.name),
        ExprKind::Call { args, .. } => args.iter().for_each(|a| undeclared_names(a, file, out)),
        // An indexed name needs a declared shape: leave it to the checker.
        ExprKind::Index { base, .. } => {
            if !matches!(base.kind, ExprKind::Name(_)) {
                undeclared_names(base, file, out);
            }
        }
        ExprKind::Neg(a) | ExprKind::Transpose(a) => undeclared_names(a, file, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            undeclared_names(lhs, file, out);
            undeclared_names(rhs, file, out);
        }
        ExprKind::Sum { body, .. } => undeclared_names(body, file, out),
        ExprKind::Deriv { var, indices, body } => {
            if indices.is_empty() {
                add(&var.name);
            }
            undeclared_names(body, file, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    const NONE: Declarations = Declarations {
        name: "--with",
        text: "",
    };

    fn simp(expr: &str) -> String {
        simplify(NONE, expr)
            .unwrap_or_else(|e| panic!("{expr}: {:?}", e.diagnostic))
            .text
    }

    fn d(decls: &str, expr: &str, wrt: &str) -> String {
        let decls = Declarations {
            name: "decls",
            text: decls,
        };
        differentiate(decls, expr, wrt)
            .unwrap_or_else(|e| panic!("{expr}: {:?}", e.diagnostic))
            .text
    }

    #[test]
    fn simplify_cases() {
        for (expr, expected) in [
            ("x + x", "2 * x"),
            ("exp(x) exp(-x)", "1"),
            ("(x^2 - 1) / (x - 1)", "x + 1"),
            ("log(exp(x + 1))", "x + 1"),
        ] {
            assert_eq!(simp(expr), expected, "{expr}");
        }
    }

    #[test]
    fn derivative_cases() {
        for (decls, expr, wrt, expected) in [
            ("", "x^3", "x", "3 * x^2"),
            ("", "exp(2 x)", "x", "2 * exp(x)^2"),
            ("", "a x^2", "a", "x^2"),
            ("z : vector[n]", "sum(k, exp(z[k]))", "z[j]", "exp(z[j])"),
        ] {
            assert_eq!(d(decls, expr, wrt), expected, "d/d{wrt} {expr}");
        }
    }

    #[test]
    fn result_parses_back_and_is_proved_equal_to_the_input() {
        // Printed term order follows the store, so compare by proof, not text.
        for expr in [
            "x / (1 + exp(-x))",
            "sigmoid(x) (1 - sigmoid(x))",
            "(x + 1)^3",
        ] {
            let once = simp(expr);
            let text = format!("x : real\nclaim c: {once} = {expr}\n");
            let report = crate::verify_source("probe", &text, &crate::Options::default());
            let verdicts: Vec<_> = report.claims[0].steps.iter().map(|s| s.verdict).collect();
            assert_eq!(verdicts, vec![crate::Verdict::Proved], "{expr} => {once}");
        }
    }

    #[test]
    fn errors_point_into_the_text_they_come_from() {
        let e = simplify(NONE, "x + (1").unwrap_err();
        assert_eq!(e.source_name, "EXPR");
        let e = differentiate(NONE, "x^2", "x[").unwrap_err();
        assert_eq!(e.source_name, "VAR");
        let bad = Declarations {
            name: "decls.txt",
            text: "x : vektor[n]",
        };
        let e = simplify(bad, "x").unwrap_err();
        assert_eq!(e.source_name, "decls.txt");
        // An indexed name is never declared silently: its shape is unknown.
        let e = simplify(NONE, "v[i]").unwrap_err();
        assert!(
            e.diagnostic.message.contains('v'),
            "{}",
            e.diagnostic.message
        );
    }
}
