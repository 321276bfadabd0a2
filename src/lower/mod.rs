//! The semantic check and the lowering: a parsed file to index-form scalar
//! expressions, with each link checked before it is handed on.
//!
//! `lower_file` expands definitions and lets, makes broadcasting and
//! elementwise application explicit, and produces one [`Link`] per step of
//! every claim. The checks run in this order, all in this folder:
//! 1. Over the whole file, before anything is lowered ([`env::build_env`]):
//!    declarations, unknown, duplicate and reserved names, arity, unbound
//!    indices in definitions and lets, cycles among them.
//! 2. Each let, once where it is written, so that an error in it is
//!    reported there and not at every use.
//! 3. Each link (`chain.rs`): the names of both sides, the shape of each
//!    side, the free indices (the same on both sides, none reused by a sum)
//!    and their ranges, and that both sides have the same shape.
//! 4. As each expression is expanded (`expand/shapes.rs`): its shape and
//!    the ranges of its indices, before `expand.rs` builds its node. Shapes
//!    cannot all be checked up front: a definition's parameters have the
//!    shapes of each call's arguments (`sigma(t)` applies to a scalar, or
//!    elementwise to a vector), so they are computed in the expansion's
//!    scopes.
//!
//! Nothing leaves the folder unchecked: a link that fails a check is a
//! [`LinkError`], never a [`Link`].
//!
//! Every error is a [`Diagnostic`] whose span is the offending text (the
//! second use of an index, the extra argument, the unknown name), whose
//! message says what is wrong and what was expected, and whose labels point
//! at the other half of a conflict (the first use, the earlier declaration,
//! the call that expanded a definition).
//!
//! Contract with the witnesses:
//! - Nothing is simplified: `x/x` is `x · x^-1`, `sqrt(a)` is `a^(1/2)`,
//!   `e^a` is `exp(a)`; derivatives stay [`Node::Deriv`](crate::expr::Node)
//!   over their lowered body.
//! - Each link has its own free indices: one [`IndexId`] per free index
//!   name, shared by both sides. A vector or matrix equality (`∂L/∂x = ...`)
//!   gets one fresh index per axis, named `i`, `j`, ... (skipping names
//!   already free in the link), listed after the named ones in
//!   [`Link::free`].
//! - Matrix notation is sugar: `W x`, `A B`, `aᵀ b`, `a bᵀ`, `Wᵀ` lower to
//!   sums and products of elements with a fresh bound index (see
//!   `expand/matrix.rs`); a product whose shapes do not fit is an error at
//!   the operator with a transpose or swap hint.
//! - Every expansion of a definition binds fresh sum indices, so two
//!   expansions of `softmax` are equal only up to renaming of bound indices.
//!   A let is lowered once per index tuple and shared.
//! - A chain's start that restates the claim's left side (or its end that
//!   restates the right side) up to bound-index names adds no link; any
//!   other difference is a link of its own, reported at that chain line.
//! - Lowering never panics and never hangs: expansion depth, recursion and
//!   steps per link are bounded, and exceeding a bound is a [`LinkError`].

pub mod builtins;
mod chain;
pub mod env;
mod expand;
mod leibniz;
pub mod names;
mod redefine;
pub mod shape;
mod uses;

use crate::diag::Diagnostic;
use crate::expr::{Id, IndexId, Store, Symbols, VarId};
use crate::syntax::ast;
use crate::syntax::span::Span;
use expand::Lowerer;
pub use uses::{LetUse, Written};

/// One link of a chain (or a claim without a chain), ready to check.
#[derive(Clone, Debug)]
pub struct Link {
    /// The span of the step's line content (the later expression of the link,
    /// `= expr`), used for the reported line and column.
    pub span: Span,
    /// The left side as written.
    pub lhs_span: Span,
    /// The right side as written.
    pub rhs_span: Span,
    /// The comment after the step, if any.
    pub justification: Option<String>,
    /// The lowered left side.
    pub lhs: Id,
    /// The lowered right side.
    pub rhs: Id,
    /// The free indices of both sides (the same set, checked), in order of
    /// first appearance on the left side.
    pub free: Vec<IndexId>,
    /// The lets the sides use, directly or through other lets, in file
    /// order: a counterexample shows their values.
    pub lets: Vec<LetUse>,
    /// The variables each side (left, right) names as written, with
    /// whether it writes them transposed.
    pub written: [Vec<Written>; 2],
}

/// A claim after checking and lowering.
#[derive(Clone, Debug)]
pub struct LoweredClaim {
    /// The claim's name.
    pub name: String,
    /// The claim line.
    pub span: Span,
    /// Each link in chain order, or the error that kept it from being lowered.
    /// A link with an error carries the spans it would have had.
    pub links: Vec<Result<Link, LinkError>>,
    /// For a chain of several links, the claim's own equality (its left side
    /// against its right side), when it lowers: each link is judged where
    /// its own sides are defined, so a chain through a side defined on less
    /// can pass while the claim is false (`sqrt(x^2) = sqrt(x)^2 = x`).
    pub whole: Option<Link>,
}

impl LoweredClaim {
    /// The links that lowered, in chain order: the ones the witnesses check.
    pub fn checkable(&self) -> impl Iterator<Item = &Link> {
        self.links.iter().flatten()
    }
}

/// A link that could not be checked, with where it stands.
#[derive(Clone, Debug)]
pub struct LinkError {
    /// The step's span (as [`Link::span`]).
    pub span: Span,
    /// The left side as written.
    pub lhs_span: Span,
    /// The right side as written.
    pub rhs_span: Span,
    /// The comment after the step, if any.
    pub justification: Option<String>,
    /// What is wrong.
    pub diagnostic: Diagnostic,
}

/// A whole file after checking and lowering.
#[derive(Clone, Debug, Default)]
pub struct Lowered {
    /// Names of dimensions, variables and indices.
    pub symbols: Symbols,
    /// Every lowered expression.
    pub store: Store,
    /// Claims in source order (a claim whose own line failed to check still
    /// appears, with a single erroneous link).
    pub claims: Vec<LoweredClaim>,
    /// Errors outside any claim (declarations, definitions, lets).
    pub errors: Vec<Diagnostic>,
    /// Remarks on work that is accepted as a teacher reads it (a bound
    /// index shadowing a free one, a built-in function redefined): reported
    /// as `warning` notes, never errors.
    pub warnings: Vec<Diagnostic>,
    /// Each let that checked, in file order, lowered once: so that a
    /// diagnosis can name `z2[i]` where its value appears.
    pub lets: Vec<LetForm>,
}

/// A let lowered at fresh indices, one per axis of its value.
#[derive(Clone, Debug)]
pub struct LetForm {
    /// The let's name.
    pub name: String,
    /// The fresh indices it was lowered at.
    pub indices: Vec<IndexId>,
    /// Its value there.
    pub value: Id,
}

/// Checks and lowers a parsed file. Syntax errors in `file.errors` are not
/// repeated here; callers report them.
pub fn lower_file(file: &ast::File) -> Lowered {
    // Expansion recurses once per nesting level of the expanded expression;
    // a large stack lets the depth limits, not the stack, decide (debug
    // builds use several kilobytes per level).
    crate::parallel::with_big_stack(|| lower_here(file))
}

/// Checks every let where it is written, so that an error in it is
/// reported once, there, rather than at each use.
fn check_lets<'a>(lw: &mut Lowerer<'a>, file: &'a ast::File, errors: &mut Vec<Diagnostic>) {
    for item in &file.items {
        if let ast::Item::Let(l) = item {
            if let Err(d) = lw.check_let(l) {
                errors.push(d);
            }
        }
    }
}

fn lower_here(file: &ast::File) -> Lowered {
    let file = &*leibniz::function_fractions(file);
    let mut symbols = Symbols::default();
    let (env, mut errors) = env::build_env(file, &mut symbols);
    let redefined = redefine::decide(&env, &symbols);
    let mut lw = Lowerer::new(&env, symbols);
    lw.warnings.extend(redefined);
    check_lets(&mut lw, file, &mut errors);
    lw.end_claim();
    let claims = file
        .items
        .iter()
        .filter_map(|item| match item {
            ast::Item::Claim(c) => {
                let lowered = chain::lower_claim(&mut lw, c);
                lw.end_claim();
                Some(lowered)
            }
            _ => None,
        })
        .collect();
    errors.sort_by_key(|d| (d.span.start, d.span.end));
    let warnings = sorted_warnings(std::mem::take(&mut lw.warnings));
    Lowered {
        symbols: lw.symbols,
        store: lw.store,
        claims,
        errors,
        warnings,
        lets: std::mem::take(&mut lw.let_forms),
    }
}

/// Warnings in source order, each once: a let or definition lowered at
/// several uses finds the same remark at each.
fn sorted_warnings(mut warnings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    warnings.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.message).cmp(&(b.span.start, b.span.end, &b.message))
    });
    warnings.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    warnings
}

/// Lowers one standalone expression with the declarations, definitions and
/// lets of `file` in scope (for `derivcheck diff` and `simplify`).
///
/// Returns the symbols and store (with `file`'s claims left unlowered), the
/// expression's id, and its free indices: the named ones in order of first
/// appearance, then, for a vector or matrix value, one fresh index per axis
/// at which the value was lowered. Errors in `file` outside the expression
/// are in [`Lowered::errors`]; an error in the expression itself is the
/// `Err`.
pub fn lower_expr(
    file: &ast::File,
    expr: &ast::Expr,
) -> Result<(Lowered, Id, Vec<IndexId>), Diagnostic> {
    crate::parallel::with_big_stack(|| {
        let file = &*leibniz::function_fractions(file);
        let mut symbols = Symbols::default();
        let (env, mut errors) = env::build_env(file, &mut symbols);
        let redefined = redefine::decide(&env, &symbols);
        let mut lw = Lowerer::new(&env, symbols);
        lw.warnings.extend(redefined);
        check_lets(&mut lw, file, &mut errors);
        let (id, free) = chain::lower_single(&mut lw, expr)?;
        errors.sort_by_key(|d| (d.span.start, d.span.end));
        let warnings = sorted_warnings(std::mem::take(&mut lw.warnings));
        let lowered = Lowered {
            symbols: lw.symbols,
            store: lw.store,
            claims: Vec::new(),
            errors,
            warnings,
            lets: std::mem::take(&mut lw.let_forms),
        };
        Ok((lowered, id, free))
    })
}

/// Resolves the variable of a derivative, as in `derivcheck diff EXPR --wrt
/// VAR`: `x` (a scalar, or a whole vector or matrix) or an element `z[j]`.
///
/// An index named like one of `free` (the free indices of the expression
/// being differentiated, as returned by [`lower_expr`]) is that index; other
/// indices, and the axes of a whole vector or matrix, get fresh ids. Returns
/// the variable and the indices at which to differentiate (the `at` of a
/// [`Node::Deriv`](crate::expr::Node)); the caller lists the fresh ones
/// among the result's free indices.
pub fn lower_var(
    lowered: &mut Lowered,
    file: &ast::File,
    var: &ast::Expr,
    free: &[IndexId],
) -> Result<(VarId, Vec<IndexId>), Diagnostic> {
    let (name, indices): (&ast::Ident, &[ast::Ident]) = match &var.kind {
        ast::ExprKind::Name(id) => (id, &[]),
        ast::ExprKind::Index { base, indices } => match &base.kind {
            ast::ExprKind::Name(id) => (id, indices),
            _ => return Err(not_a_variable(var)),
        },
        _ => return Err(not_a_variable(var)),
    };
    let declared = file.items.iter().any(
        |item| matches!(item, ast::Item::Decl(d) if d.names.iter().any(|n| n.name == name.name)),
    );
    let v = lowered
        .symbols
        .var_named(&name.name)
        .filter(|_| declared)
        .ok_or_else(|| {
            Diagnostic::new(
                name.span,
                format!(
                    "`{}` is not a declared variable; expected a variable to differentiate by",
                    name.name
                ),
            )
        })?;
    let dims = lowered.symbols.var(v).dims.clone();
    if !indices.is_empty() && indices.len() != dims.len() {
        return Err(Diagnostic::new(
            var.span,
            format!(
                "`{}` is {} and takes {}, but {} given",
                name.name,
                shape::Shape(dims.clone()).describe(&lowered.symbols),
                crate::diag::plural(dims.len(), "index"),
                indices.len()
            ),
        ));
    }
    let mut at = Vec::new();
    for (k, &d) in dims.iter().enumerate() {
        let wanted = indices.get(k).map(|i| i.name.clone());
        let existing = wanted.as_ref().and_then(|w| {
            free.iter()
                .copied()
                .find(|&f| lowered.symbols.index(f).name == *w)
        });
        let id = match existing {
            Some(f) if lowered.symbols.index_dim(f) == d => f,
            Some(f) => {
                return Err(Diagnostic::new(
                    indices[k].span,
                    format!(
                        "index `{}` ranges over `{}` in the expression but over `{}` here; expected one dimension per index",
                        indices[k].name,
                        lowered.symbols.dim_name(lowered.symbols.index_dim(f)),
                        lowered.symbols.dim_name(d)
                    ),
                ))
            }
            None => {
                let fallback = ["k", "l", "p", "q"][k.min(3)].to_string();
                lowered
                    .symbols
                    .fresh_index(&wanted.unwrap_or(fallback), d)
            }
        };
        at.push(id);
    }
    Ok((v, at))
}

fn not_a_variable(var: &ast::Expr) -> Diagnostic {
    Diagnostic::new(
        var.span,
        "expected a variable to differentiate by, such as `x` or `z[j]`",
    )
}

#[cfg(test)]
mod api_tests;
#[cfg(test)]
mod e2e;
#[cfg(test)]
mod tests;
