//! `d²f/dx²`, `∂f/∂x` with `f` a function of one argument (defined or
//! builtin) named on top, as analysis writes it: the derivative of the
//! function at the variable, `d²f(x)/dx²`. Rewritten in the syntax tree
//! before anything is checked, so every later stage sees the call.

use super::builtins::builtin_fn;
use crate::syntax::ast::{Expr, ExprKind, File, Ident, Item};
use std::borrow::Cow;
use std::collections::HashSet;

/// `file` with each derivative of a bare function name by a plain
/// variable written as the derivative of its call at that variable.
/// Borrowed as is when there is none.
pub(crate) fn function_fractions(file: &File) -> Cow<'_, File> {
    let mut values = HashSet::new();
    let mut functions = HashSet::new();
    for item in &file.items {
        match item {
            Item::Decl(d) => values.extend(d.names.iter().map(|n| n.name.as_str())),
            Item::Let(l) => {
                values.insert(l.name.name.as_str());
            }
            Item::Def(d) if d.params.len() == 1 && d.result_indices.is_empty() => {
                functions.insert(d.name.name.as_str());
            }
            _ => {}
        }
    }
    let is_function = |name: &str, params: &[Ident]| {
        !values.contains(name)
            && !params.iter().any(|p| p.name == name)
            && (functions.contains(name) || builtin_fn(name).is_some())
    };
    let mut found = false;
    each_expr(file, &mut |e, params| {
        found |= needs(e, params, &is_function)
    });
    if !found {
        return Cow::Borrowed(file);
    }
    let mut owned = file.clone();
    each_expr_mut(&mut owned, &mut |e, params| {
        rewrite(e, params, &is_function)
    });
    Cow::Owned(owned)
}

/// Every expression of `file`, with the parameters in scope.
fn each_expr(file: &File, f: &mut impl FnMut(&Expr, &[Ident])) {
    for item in &file.items {
        match item {
            Item::Def(d) => f(&d.body, &d.params),
            Item::Let(l) => f(&l.value, &[]),
            Item::Claim(c) => {
                f(&c.lhs, &[]);
                f(&c.rhs, &[]);
                c.chain.iter().for_each(|l| f(&l.expr, &[]));
            }
            Item::Decl(_) | Item::Goal(_) => {}
        }
    }
}

fn each_expr_mut(file: &mut File, f: &mut impl FnMut(&mut Expr, &[Ident])) {
    for item in &mut file.items {
        match item {
            Item::Def(d) => f(&mut d.body, &d.params),
            Item::Let(l) => f(&mut l.value, &[]),
            Item::Claim(c) => {
                f(&mut c.lhs, &[]);
                f(&mut c.rhs, &[]);
                c.chain.iter_mut().for_each(|l| f(&mut l.expr, &[]));
            }
            Item::Decl(_) | Item::Goal(_) => {}
        }
    }
}

/// The function named by the body of the derivative `e`, if it is one.
fn bare_function<'e>(
    e: &'e Expr,
    params: &[Ident],
    is_function: &impl Fn(&str, &[Ident]) -> bool,
) -> Option<&'e Ident> {
    let ExprKind::Deriv { indices, body, .. } = &e.kind else {
        return None;
    };
    match &body.kind {
        ExprKind::Name(f) if indices.is_empty() && is_function(&f.name, params) => Some(f),
        _ => None,
    }
}

fn needs(e: &Expr, params: &[Ident], is_function: &impl Fn(&str, &[Ident]) -> bool) -> bool {
    let mut found = false;
    super::env::walk(e, &mut |n| {
        found |= bare_function(n, params, is_function).is_some()
    });
    found
}

fn rewrite(e: &mut Expr, params: &[Ident], is_function: &impl Fn(&str, &[Ident]) -> bool) {
    if let Some(mut f) = bare_function(e, params, is_function).cloned() {
        // The one spelling calls have (see `syntax::ast::ExprKind::Call`).
        match f.name.as_str() {
            "σ" => f.name = "sigmoid".into(),
            "ln" => f.name = "log".into(),
            _ => {}
        }
        if let ExprKind::Deriv { var, body, .. } = &mut e.kind {
            let arg = Expr {
                span: var.span,
                kind: ExprKind::Name(var.clone()),
            };
            let span = body.span;
            **body = Expr {
                span,
                kind: ExprKind::Call {
                    func: f,
                    args: vec![arg],
                },
            };
        }
        return;
    }
    match &mut e.kind {
        ExprKind::Num(_) | ExprKind::Name(_) | ExprKind::Delta(..) => {}
        ExprKind::Call { args, .. } => args
            .iter_mut()
            .for_each(|a| rewrite(a, params, is_function)),
        ExprKind::Index { base: x, .. } | ExprKind::Neg(x) | ExprKind::Transpose(x) => {
            rewrite(x, params, is_function)
        }
        ExprKind::Binary { lhs, rhs, .. } => {
            rewrite(lhs, params, is_function);
            rewrite(rhs, params, is_function);
        }
        ExprKind::Sum { body, .. } | ExprKind::Deriv { body, .. } => {
            rewrite(body, params, is_function)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_file;
    use crate::syntax::print::print_expr;
    use pretty_assertions::assert_eq;

    /// The claims' left sides after the rewrite, and whether it copied.
    fn lhs_after(src: &str) -> (Vec<String>, bool) {
        let file = parse_file(src);
        let out = function_fractions(&file);
        let copied = matches!(out, Cow::Owned(_));
        let sides = out
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Claim(c) => Some(print_expr(&c.lhs)),
                _ => None,
            })
            .collect();
        (sides, copied)
    }

    #[test]
    fn a_function_named_on_top_is_called_at_the_variable() {
        let (sides, copied) = lhs_after(
            "x : real\nu : real\nf(t) := t^2\ng(a, b) := a b\n\
             claim a: d²f/dx² = 1\nclaim b: ∂σ/∂x = 1\nclaim c: ∂u/∂x = 1\n\
             claim d: ∂g/∂x = 1\nclaim e: d/dx f(x) = 1\n",
        );
        assert!(copied);
        assert_eq!(
            sides,
            [
                "diff(diff(f(x), x), x)",
                "diff(sigmoid(x), x)",
                // A variable, and a function of two arguments, stay as written.
                "∂u/∂x",
                "∂g/∂x",
                "diff(f(x), x)",
            ]
        );
        let (_, copied) = lhs_after("x : real\nclaim a: d/dx x^2 = 2 x\n");
        assert!(!copied, "nothing to rewrite, nothing copied");
    }
}
