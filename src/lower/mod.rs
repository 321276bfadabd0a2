//! Semantic check results lowered to index-form scalar expressions.
//!
//! `lower_file` runs the semantic check (module `check`) and expands
//! definitions and lets, makes broadcasting and elementwise application
//! explicit, and produces one [`Link`] per step of every claim.
//!
//! Contract with the witnesses:
//! - Nothing is simplified: `x/x` is `x · x^-1`, `sqrt(a)` is `a^(1/2)`,
//!   `e^a` is `exp(a)`; derivatives stay [`Node::Deriv`](crate::expr::Node)
//!   over their lowered body.
//! - Each link has its own free indices: one [`IndexId`] per free index
//!   name, shared by both sides. A vector or matrix equality (`∂L/∂x = ...`)
//!   gets one fresh index per axis, named `_1`, `_2`, listed after the named
//!   ones in [`Link::free`].
//! - Every expansion of a definition binds fresh sum indices, so two
//!   expansions of `softmax` are equal only up to renaming of bound indices.
//!   A let is lowered once per index tuple and shared.
//! - A chain's start that restates the claim's left side (or its end that
//!   restates the right side) up to bound-index names adds no link; any
//!   other difference is a link of its own, reported at that chain line.
//! - Lowering never panics and never hangs: expansion depth, recursion and
//!   steps per link are bounded, and exceeding a bound is a [`LinkError`].

mod chain;
mod expand;

use crate::check;
use crate::diag::Diagnostic;
use crate::expr::{Id, IndexId, Store, Symbols};
use crate::syntax::ast;
use crate::syntax::span::Span;
use expand::Lowerer;

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
}

/// Checks and lowers a parsed file. Syntax errors in `file.errors` are not
/// repeated here; callers report them.
pub fn lower_file(file: &ast::File) -> Lowered {
    // Expansion recurses once per nesting level of the expanded expression;
    // a large stack lets the depth limits, not the stack, decide (debug
    // builds use several kilobytes per level).
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("lower".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, || lower_here(file))
            .ok()
            .and_then(|h| h.join().ok())
    })
    .unwrap_or_else(|| lower_here(file))
}

/// The stack of the lowering thread.
const STACK_SIZE: usize = 256 << 20;

fn lower_here(file: &ast::File) -> Lowered {
    let mut symbols = Symbols::default();
    let (env, mut errors) = check::build_env(file, &mut symbols);
    let mut lw = Lowerer::new(&env, symbols);
    // Every let is checked where it is written, so that an error in it is
    // reported once, there, rather than at each use.
    for item in &file.items {
        if let ast::Item::Let(l) = item {
            if let Err(d) = lw.check_let(l) {
                errors.push(d);
            }
        }
    }
    let claims = file
        .items
        .iter()
        .filter_map(|item| match item {
            ast::Item::Claim(c) => Some(chain::lower_claim(&mut lw, c)),
            _ => None,
        })
        .collect();
    errors.sort_by_key(|d| (d.span.start, d.span.end));
    Lowered {
        symbols: lw.symbols,
        store: lw.store,
        claims,
        errors,
    }
}

#[cfg(test)]
mod e2e;
#[cfg(test)]
mod tests;
