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
//! - `interval`: certified interval arithmetic at any precision;
//!   `certify`: a link re-checked with it where exact constants hide a
//!   difference from `f64` and double-double.
//! - `pi_reduce`: sines and cosines of exact multiples of π reduced
//!   exactly before evaluation.
//! - `witness_data`: the plain data callers give and get (re-exported
//!   here), apart from the entry points below so that no file imports
//!   this one.

mod certify;
mod compare;
mod dd;
mod draws;
mod eval;
mod evaluator;
mod interval;
mod judge;
mod memo;
mod pi_reduce;
mod plan;
mod reverse;
mod sample;
mod scalar;
mod schedule;
mod shrink;
mod tolerance;
mod value_tree;
mod witness_data;

pub use witness_data::{Counterexample, Limits, NumericOutcome, Point, SampleConfig, SampleValue};

use crate::expr::{Id, IndexId, Store, Symbols};

/// `count` random points for the nodes reachable from `roots`, drawn as
/// [`check_link`] draws them (dimensions mostly in 1..=5, see `draws`), the `free` indices in
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

/// [`eval_at`] at `point` with `indices` set to each of `at` in turn,
/// compiling `id` once: the entries of a vector or matrix value. An entry
/// whose index values do not fit `indices` is `None`.
pub fn eval_each(
    store: &Store,
    symbols: &Symbols,
    id: Id,
    point: &Point,
    indices: &[IndexId],
    at: &[Vec<usize>],
) -> Vec<Option<f64>> {
    let Ok(plan) = plan::Plan::new(store, symbols, &[id]) else {
        return vec![None; at.len()];
    };
    let mut here = point.clone();
    at.iter()
        .map(|values| {
            if values.len() != indices.len() {
                return None;
            }
            for (ix, &v) in indices.iter().zip(values) {
                *here.indices.get_mut(ix.0 as usize)? = v;
            }
            let mut ops = 0;
            let v = eval::eval_roots::<f64>(&plan, &here, Limits::default().ops, &mut ops).ok()?;
            v.first().map(|(x, _)| *x)
        })
        .collect()
}

/// Re-checks a link that holds but that the symbolic witness did not
/// prove, in certified interval arithmetic at a few of its draws (see
/// `sample::certify_holds`): `Some` false outcome with a shrunk
/// counterexample where a difference below double-double's resolution is
/// certified, else `None`.
pub fn certify_holds(
    store: &Store,
    symbols: &Symbols,
    lhs: Id,
    rhs: Id,
    free: &[IndexId],
    config: &SampleConfig,
) -> Option<NumericOutcome> {
    sample::certify_holds(store, symbols, (lhs, rhs, free), config)
}

/// The counterexample as a point for [`eval_at`], when its names match the
/// symbols (variables it does not list have no values).
pub fn counterexample_point(
    symbols: &Symbols,
    free: &[IndexId],
    cx: &Counterexample,
) -> Option<Point> {
    // A spare point: the variables the counterexample does not list keep
    // whatever values they had (none is read: the link's sides mention
    // only listed ones), so filling it costs what the counterexample
    // holds, not what the file declares.
    let mut point = spare_point();
    point.dims.clear();
    point.dims.resize(symbols.dims.len(), 1);
    for (name, v) in &cx.dims {
        let d = symbols.dims.iter().position(|d| &d.name == name)?;
        point.dims[d] = *v;
    }
    point.indices.resize(symbols.indices.len(), 0);
    for (name, v) in &cx.indices {
        let i = free.iter().find(|i| &symbols.index(**i).name == name)?;
        *point.indices.get_mut(i.0 as usize)? = *v;
    }
    point.vars.resize_with(symbols.vars.len(), Vec::new);
    for (name, value) in &cx.values {
        let v: crate::expr::VarId = symbols.var_named(name)?;
        let slot = &mut point.vars[v.0 as usize];
        slot.clear();
        match value {
            SampleValue::Scalar(x) => slot.push(*x),
            SampleValue::Vector(xs) => slot.extend_from_slice(xs),
            SampleValue::Matrix(rows) => rows.iter().for_each(|r| slot.extend_from_slice(r)),
        }
    }
    Some(point)
}

/// How many points [`give_back_points`] keeps per thread.
const SPARE_POINTS: usize = 64;

thread_local! {
    /// Points given back for reuse: a point is sized for every variable of
    /// a file, so making and dropping one per false link would cost what
    /// the file declares, each time.
    static SPARE: std::cell::RefCell<Vec<Point>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A point to fill: one given back on this thread, else a new one. Its
/// values are stale; whoever fills it sets what is read.
pub(crate) fn spare_point() -> Point {
    SPARE.with(|s| s.borrow_mut().pop()).unwrap_or_default()
}

/// Gives points from [`random_points`] or [`counterexample_point`] back for
/// reuse on this thread.
pub fn give_back_points(points: impl IntoIterator<Item = Point>) {
    SPARE.with(|s| {
        let mut spare = s.borrow_mut();
        for p in points {
            if spare.len() >= SPARE_POINTS {
                break;
            }
            spare.push(p);
        }
    });
}

#[cfg(test)]
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
