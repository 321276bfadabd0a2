//! The numeric witness: evaluation in f64, forward-mode derivatives, and
//! random sampling with proptest-style shrinking.
//!
//! - `plan`: a link's nodes compiled to a plan (children first, shapes,
//!   free indices, what is memoized).
//! - `evaluator`: a plan evaluated at a point, generic over the number
//!   type; sums are loops, deltas compare indices, derivatives are
//!   forward-mode duals (never symbolic), and sums, derivatives and shared
//!   nodes are memoized per sample (the tables: `memo`). `eval`: the roots'
//!   values, in the number type their derivatives need.
//! - `scalar`: the number types (`f64`, `Dd`, nested duals); `dd`:
//!   double-double for re-checking differences that `f64` cannot resolve.
//! - `compare`: the tolerance (documented there and in docs/numeric.md);
//!   `tolerance`: its factors.
//! - `sample`: the sampler's entry points and each link's outcome;
//!   `draws`: what is drawn and the point a draw stands for; `judge`: the
//!   verdict at a point; `schedule`: a group's draws in waves computed
//!   ahead; `shrink`: shrinking a failing draw with proptest-style value
//!   trees (`value_tree`, a mirror of proptest's binary search).

mod compare;
mod dd;
mod draws;
mod eval;
mod evaluator;
mod judge;
mod memo;
mod plan;
mod sample;
mod scalar;
mod schedule;
mod shrink;
mod tolerance;
mod value_tree;

use crate::expr::{Id, IndexId, Store, Symbols};
use serde::Serialize;

/// How to sample a link.
#[derive(Clone, Debug)]
pub struct SampleConfig {
    /// How many defined samples make "holds" (default 256).
    pub samples: u32,
    /// The seed of the sampler's random generator.
    pub seed: u64,
}

/// A value shown in a counterexample.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SampleValue {
    /// A scalar.
    Scalar(f64),
    /// A vector, by index.
    Vector(Vec<f64>),
    /// A matrix, by rows.
    Matrix(Vec<Vec<f64>>),
}

/// A point where the two sides of a link differ, after shrinking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counterexample {
    /// Dimension values, e.g. `("n", 2)`.
    pub dims: Vec<(String, usize)>,
    /// Free index values (0-based), e.g. `("i", 1)`.
    pub indices: Vec<(String, usize)>,
    /// Values of the variables that occur in the link.
    pub values: Vec<(String, SampleValue)>,
    /// The left side's value there.
    pub lhs: f64,
    /// The right side's value there.
    pub rhs: f64,
}

/// What the numeric witness concluded about a link.
#[derive(Clone, Debug, PartialEq)]
pub enum NumericOutcome {
    /// No counterexample in `defined` samples (of `tried`).
    Holds {
        /// Samples where both sides were defined.
        defined: u32,
        /// Samples drawn.
        tried: u32,
    },
    /// A counterexample, shrunk.
    False(Box<Counterexample>),
    /// Too few samples where both sides are defined.
    Undefined {
        /// Samples where both sides were defined.
        defined: u32,
        /// Samples drawn.
        tried: u32,
    },
    /// A limit was reached; the message names it.
    Inconclusive(String),
}

/// Limits on the work spent on one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Node evaluations allowed while sampling (over all samples of the
    /// link, both precisions). Running out makes the link inconclusive.
    pub ops: u64,
    /// Node evaluations allowed while shrinking a counterexample. Running
    /// out ends shrinking with the smallest failing point found so far.
    pub shrink_ops: u64,
    /// How many samples whose sides agree in `f64` only up to rounding are
    /// re-checked in double-double precision. A claim off by a relative
    /// 1e-12 differs at almost every point, so a few re-checks find it; the
    /// cap keeps true identities (which also round differently) cheap.
    pub precise_rechecks: u32,
    /// The most shrinking steps.
    pub max_shrink_iters: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            ops: 20_000_000,
            shrink_ops: 5_000_000,
            precise_rechecks: 16,
            max_shrink_iters: 4096,
        }
    }
}

/// Values for every dimension, index and variable, for evaluating a node
/// outside the sampler (diagnosis, property tests).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Point {
    /// Dimension values, by `DimId`.
    pub dims: Vec<usize>,
    /// Index values (0-based), by `IndexId`; bound indices are overwritten
    /// by the sums that bind them.
    pub indices: Vec<usize>,
    /// Variable values, by `VarId`, each row-major by the variable's
    /// dimensions (one value for a scalar).
    pub vars: Vec<Vec<f64>>,
}

impl Point {
    /// Every dimension `dim`, every index 0, every variable zero (sized for
    /// those dimensions, up to 2²⁴ values each): a starting point to fill in.
    pub fn zeros(symbols: &Symbols, dim: usize) -> Point {
        Point {
            dims: vec![dim; symbols.dims.len()],
            indices: vec![0; symbols.indices.len()],
            vars: symbols
                .vars
                .iter()
                .map(|v| {
                    let n = u32::try_from(v.dims.len())
                        .ok()
                        .and_then(|rank| dim.checked_pow(rank));
                    // An absurd size gets no values (evaluation then says
                    // undefined) rather than an abort on allocation.
                    vec![0.0; n.filter(|&n| n <= 1 << 24).unwrap_or(0)]
                })
                .collect(),
        }
    }
}

/// `count` random points for the nodes reachable from `roots`, drawn as
/// [`check_link`] draws them: dimensions in 1..=5, the `free` indices in
/// range, the variables the nodes mention in their domains (others empty).
/// The same `seed` gives the same points. For property tests of other
/// engines ("simplifying does not change the value").
pub fn random_points(
    store: &Store,
    symbols: &Symbols,
    roots: &[Id],
    free: &[IndexId],
    seed: u64,
    count: usize,
) -> Vec<Point> {
    sample::random_points(store, symbols, roots, free, seed, count)
}

/// Samples `lhs = rhs` at random dimensions, free-index values and variable
/// values in their domains.
pub fn check_link(
    store: &Store,
    symbols: &Symbols,
    lhs: Id,
    rhs: Id,
    free: &[IndexId],
    config: &SampleConfig,
) -> NumericOutcome {
    check_link_with(store, symbols, lhs, rhs, free, config, &Limits::default())
}

/// [`check_link`] with explicit [`Limits`].
pub fn check_link_with(
    store: &Store,
    symbols: &Symbols,
    lhs: Id,
    rhs: Id,
    free: &[IndexId],
    config: &SampleConfig,
    limits: &Limits,
) -> NumericOutcome {
    sample::run(store, symbols, lhs, rhs, free, config, limits)
}

/// Samples the links `lhs = rhs`, each with its free indices, at the same
/// points. Each answer, in order, is the link's own, as [`check_link`]
/// would give it: draws are keyed by name (see `sample`), so what a link
/// sees does not depend on the other links, and it keeps its own counts,
/// budget and counterexample (naming only what the link mentions). What
/// the links share is the work: sides and subexpressions that are the same
/// up to renaming of indices (a network's forward pass, a derivative
/// several claims take) are computed once per point. (So a link is charged
/// only for work not already done for the others: one that would run out
/// of its operation budget alone may not in company.)
pub fn check_links(
    store: &Store,
    symbols: &Symbols,
    links: &[(Id, Id, &[IndexId])],
    config: &SampleConfig,
) -> Vec<NumericOutcome> {
    check_links_with(store, symbols, links, config, &Limits::default())
}

/// [`check_links`] with explicit [`Limits`] (each link's own).
pub fn check_links_with(
    store: &Store,
    symbols: &Symbols,
    links: &[(Id, Id, &[IndexId])],
    config: &SampleConfig,
    limits: &Limits,
) -> Vec<NumericOutcome> {
    sample::run_group(store, symbols, links, config, limits)
}

/// The value of node `id` at `point` in `f64` (derivatives by forward mode),
/// or `None` where it is undefined, not finite, or too costly to evaluate
/// (more than `Limits::default().ops` node visits).
pub fn eval_at(store: &Store, symbols: &Symbols, id: Id, point: &Point) -> Option<f64> {
    let plan = plan::Plan::new(store, symbols, &[id]).ok()?;
    let mut ops = 0;
    let v = eval::eval_roots::<f64>(&plan, point, Limits::default().ops, &mut ops).ok()?;
    v.first().map(|(x, _)| *x)
}

/// The value of node `id` at `point` computed in double-double precision
/// (about 32 significant digits), rounded to `f64`; `None` as for
/// [`eval_at`]. Useful to tell a tiny genuine difference from rounding.
pub fn eval_at_precise(store: &Store, symbols: &Symbols, id: Id, point: &Point) -> Option<f64> {
    let plan = plan::Plan::new(store, symbols, &[id]).ok()?;
    let mut ops = 0;
    let v = eval::eval_roots::<dd::Dd>(&plan, point, Limits::default().ops, &mut ops).ok()?;
    v.first().map(|(x, _)| scalar::Field::value(x))
}

#[cfg(test)]
mod tests;
