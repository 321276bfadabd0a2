//! Sampling links, alone or several at the same points, and shrinking what
//! fails: the entry points, and each link's outcome.
//!
//! What is drawn is `draws`'s, how a point is judged `judge`'s, the order
//! of draws and the work shared between links `schedule`'s, and the
//! shrinking of a failure `shrink`'s.
//!
//! A sample where either side is undefined is skipped for that link; while
//! shrinking, such a candidate counts as "not failing", so an undefined
//! point never becomes the counterexample.
//!
//! The undefined rule: at most `4 × samples` points are drawn. If they run
//! out before `samples` defined points, the link "holds" if at least
//! `max(1, samples / 8)` points were defined, and is "undefined" otherwise.

use super::draws::{Layout, MAX_RANK};
use super::evaluator::{Stop, MAX_DERIV_DEPTH};
use super::judge::State;
use super::plan::Plan;
use super::schedule::{sample_in_waves, Tally};
use super::shrink::{polish, shrink, RawTree};
use super::witness_data::{
    Counterexample, Limits, NumericOutcome, Point, SampleConfig, SampleValue,
};
use crate::expr::{Id, IndexId, Symbols};

/// Samples `lhs = rhs`; see [`run_group`].
pub(crate) fn run(
    store: &crate::expr::Store,
    symbols: &Symbols,
    lhs: Id,
    rhs: Id,
    free: &[IndexId],
    config: &SampleConfig,
    limits: &Limits,
) -> NumericOutcome {
    run_group(store, symbols, &[(lhs, rhs, free)], config, limits)
        .pop()
        .unwrap_or_else(|| NumericOutcome::Inconclusive("no verdict".into()))
}

/// Samples the links `lhs = rhs` (with their free indices) at the same
/// points; see the module docs for the rules. Each link is judged as if sampled alone, with
/// its own counts, re-check allowance, budget and shrinking; what they
/// share is the draws and the evaluation: every side is evaluated once per
/// point, and subexpressions the sides share (a network's forward pass)
/// once for all of them.
pub(crate) fn run_group(
    store: &crate::expr::Store,
    symbols: &Symbols,
    links: &[(Id, Id, &[IndexId])],
    config: &SampleConfig,
    limits: &Limits,
) -> Vec<NumericOutcome> {
    // sin(k·π + x) with an exact k is evaluated as sin(x + (k mod 2)·π):
    // see `pi_reduce`.
    let sides: Vec<Id> = links.iter().flat_map(|&(l, r, _)| [l, r]).collect();
    if let Some((reduced, ids)) = super::pi_reduce::reduce(store, &sides) {
        let links: Vec<(Id, Id, &[IndexId])> = (links.iter().enumerate())
            .map(|(k, &(_, _, free))| (ids[2 * k], ids[2 * k + 1], free))
            .collect();
        return run_reduced(&reduced, symbols, &links, config, limits);
    }
    run_reduced(store, symbols, links, config, limits)
}

/// [`run_group`] once sines and cosines of multiples of π are reduced.
fn run_reduced(
    store: &crate::expr::Store,
    symbols: &Symbols,
    links: &[(Id, Id, &[IndexId])],
    config: &SampleConfig,
    limits: &Limits,
) -> Vec<NumericOutcome> {
    let all = |o: NumericOutcome| vec![o; links.len()];
    if config.samples == 0 {
        return all(NumericOutcome::Inconclusive(
            "no samples were requested".into(),
        ));
    }
    let mut roots: Vec<Id> = Vec::new();
    let mut position = |id: Id| match roots.iter().position(|&r| r == id) {
        Some(p) => p,
        None => {
            roots.push(id);
            roots.len() - 1
        }
    };
    let sides: Vec<[usize; 2]> = links
        .iter()
        .map(|&(l, r, _)| [position(l), position(r)])
        .collect();
    let plan = match Plan::new(store, symbols, &roots) {
        Ok(p) => p,
        Err(e) => {
            return all(NumericOutcome::Inconclusive(format!(
                "cannot evaluate: {e}"
            )))
        }
    };
    let known = |i: &IndexId| {
        symbols
            .indices
            .get(i.0 as usize)
            .is_some_and(|info| (info.dim.0 as usize) < symbols.dims.len())
    };
    if !links.iter().all(|(_, _, free)| free.iter().all(known)) {
        return all(NumericOutcome::Inconclusive(
            "cannot evaluate: unknown free index".into(),
        ));
    }
    if plan
        .vars
        .iter()
        .any(|v| symbols.var(*v).dims.len() > MAX_RANK)
    {
        if links.len() > 1 {
            // Say it of the links that mention such a variable only.
            return links
                .iter()
                .flat_map(|link| run_reduced(store, symbols, &[*link], config, limits))
                .collect();
        }
        return all(NumericOutcome::Inconclusive(format!(
            "variables with more than {MAX_RANK} dimensions are not sampled"
        )));
    }
    let frees: Vec<&[IndexId]> = links.iter().map(|l| l.2).collect();
    let layout = Layout::new(symbols, &plan, &frees);
    let mut tallies: Vec<Tally> = sides
        .iter()
        .map(|&sides| Tally {
            sides,
            tried: 0,
            defined: 0,
            vague: 0,
            indeterminate: 0,
            ops: 0,
            rechecks_left: limits.precise_rechecks,
            // Too deep for the number types: said at once, never sampled.
            stopped: sides
                .iter()
                .any(|&s| plan.root_depth[s] > MAX_DERIV_DEPTH)
                .then_some(Stop::TooDeep),
            failure: None,
        })
        .collect();
    sample_in_waves(&plan, &layout, symbols, config, limits, &mut tallies);
    // The group's links share their nodes: each is looked at once for
    // inexact constants, for all of them.
    let mut constants = super::certify::ConstantMemo::default();
    tallies
        .into_iter()
        .zip(links)
        .map(|(tally, &link)| {
            let link = (link, &layout);
            conclude(
                store,
                symbols,
                link,
                tally,
                (config, limits),
                &mut constants,
            )
        })
        .collect()
}

/// A link's outcome once its group is sampled. A failure is shrunk as if
/// the link had been sampled alone: its own layout gives its part of the
/// failing draw (draws are keyed by name), and only the link is judged, so
/// the counterexample names only what the link mentions and does not
/// depend on the group.
fn conclude(
    store: &crate::expr::Store,
    symbols: &Symbols,
    ((lhs, rhs, free), group): ((Id, Id, &[IndexId]), &Layout),
    tally: Tally,
    (config, limits): (&SampleConfig, &Limits),
    constants: &mut super::certify::ConstantMemo,
) -> NumericOutcome {
    let mut tally = tally;
    // f64 and double-double saw no difference; where exact constants may
    // hide one below their resolution, a certified re-check decides.
    let unsettled = tally.failure.is_none() && tally.stopped.is_none() && tally.indeterminate == 0;
    if unsettled {
        if let Some(bits) = super::certify::inexact_constant_bits(store, &[lhs, rhs], constants) {
            let link = ((lhs, rhs, free), group);
            tally.failure = certified_failure(store, symbols, link, config, limits, bits);
        }
    }
    if let Some(failure) = tally.failure {
        return shrunk(
            store,
            symbols,
            ((lhs, rhs, free), group),
            failure,
            (config, limits),
        );
    }
    if let Some(stop) = tally.stopped {
        return NumericOutcome::Inconclusive(stop_message(stop, limits.ops));
    }
    let (defined, tried) = (tally.defined, tally.tried);
    // Unlike a vague point, a jump rounding cannot place may be exactly
    // where the claim is wrong (0^(|p − c| − (p − c)) = 0 fails for every
    // p ≥ c): no allowance, one such point leaves the link unverified.
    if tally.indeterminate > 0 {
        return NumericOutcome::Inconclusive(format!(
            "at {} of {tried} samples a side jumps where rounding cannot tell on which side the point is (0^t with t within its rounding error of 0)",
            tally.indeterminate
        ));
    }
    // Points where the sides could not be told apart are not evidence; when
    // they are many, the defined ones are a biased few (10^40 (cos² + sin² −
    // 1) = x can only be resolved at x = 0, where it happens to hold).
    if tally.vague > tried / 8 {
        return NumericOutcome::Inconclusive(format!(
            "the sides could not be told apart at {} of {tried} samples: the bound on the rounding error of a cancellation exceeds the values",
            tally.vague
        ));
    }
    if defined >= config.samples || defined >= (config.samples / 8).max(1) {
        NumericOutcome::Holds { defined, tried }
    } else {
        NumericOutcome::Undefined { defined, tried }
    }
}

/// A failing draw of a link (its draw, the sides' `f64` values, whether
/// `f64` alone saw it) shrunk as if the link had been sampled alone, as a
/// false outcome with its counterexample.
fn shrunk(
    store: &crate::expr::Store,
    symbols: &Symbols,
    ((lhs, rhs, free), group): ((Id, Id, &[IndexId]), &Layout),
    (draw, l, r, clear): (u32, f64, f64, bool),
    (config, limits): (&SampleConfig, &Limits),
) -> NumericOutcome {
    let plan = match Plan::new(store, symbols, &[lhs, rhs]) {
        Ok(p) => p,
        Err(e) => return NumericOutcome::Inconclusive(format!("cannot evaluate: {e}")),
    };
    let mut layout = Layout::new(symbols, &plan, &[free]);
    layout.enumerate_as(group);
    let raw = layout.draw(config.seed, draw);
    let mut st = State {
        clear_only: clear,
        ops: 0,
        stopped: None,
        point: Point::default(),
    };
    let tree = RawTree::new(&layout, symbols, &raw);
    let failure = shrink(&plan, symbols, &layout, &mut st, limits, tree, (raw, l, r));
    let (raw, l, r) = polish(&plan, symbols, &layout, &mut st, limits, failure);
    let point = layout.point(symbols, &raw);
    NumericOutcome::False(Box::new(counterexample(symbols, &layout, &point, l, r)))
}

/// The least precision, in bits of a constant, that a link the symbolic
/// witness could not prove is re-checked with (see [`certify_holds`]):
/// 2·64 + 128 = 256 bits first, then 1536.
const HOLDS_BITS: u64 = 64;

/// A link that held in `f64` and double-double, and that the symbolic
/// witness did not prove, re-checked in interval arithmetic at its first
/// draws where both sides are defined: a difference below double-double's
/// resolution that no exact constant announced (`x + x exp(-70 - x^2) =
/// x`) is certified there. `Some` false outcome, shrunk, when one is;
/// `None` when nothing is certified (the link still holds).
pub(crate) fn certify_holds(
    store: &crate::expr::Store,
    symbols: &Symbols,
    (lhs, rhs, free): (Id, Id, &[IndexId]),
    config: &SampleConfig,
) -> Option<NumericOutcome> {
    let plan = Plan::new(store, symbols, &[lhs, rhs]).ok()?;
    let layout = Layout::new(symbols, &plan, &[free]);
    let limits = Limits::default();
    let mut constants = super::certify::ConstantMemo::default();
    let bits = super::certify::inexact_constant_bits(store, &[lhs, rhs], &mut constants)
        .unwrap_or(0)
        .max(HOLDS_BITS);
    let link = ((lhs, rhs, free), &layout);
    let failure = certified_failure(store, symbols, link, config, &limits, bits)?;
    Some(shrunk(store, symbols, link, failure, (config, &limits)))
}

/// How many points the certified re-check evaluates.
const CERTIFIED_POINTS: usize = 4;

/// The first of the link's first draws where its sides are defined in
/// `f64` and their difference is certified nonzero (see `certify`), as a
/// failure to shrink: its draw, the sides' `f64` values, and `false` (f64
/// alone did not see it). `bits`: the size of the link's largest inexact
/// constant.
fn certified_failure(
    store: &crate::expr::Store,
    symbols: &Symbols,
    ((lhs, rhs, free), group): ((Id, Id, &[IndexId]), &Layout),
    config: &SampleConfig,
    limits: &Limits,
    bits: u64,
) -> Option<(u32, f64, f64, bool)> {
    let plan = Plan::new(store, symbols, &[lhs, rhs]).ok()?;
    let mut layout = Layout::new(symbols, &plan, &[free]);
    layout.enumerate_as(group);
    let mut tried = 0;
    for n in 0..config.samples.saturating_mul(4) {
        if tried == CERTIFIED_POINTS {
            break;
        }
        let point = layout.point(symbols, &layout.draw(config.seed, n));
        let mut ops = 0;
        let Ok(v) = super::eval::eval_roots::<f64>(&plan, &point, limits.ops, &mut ops) else {
            continue;
        };
        tried += 1;
        if super::certify::differs(store, symbols, (lhs, rhs), &point, bits) {
            return Some((n, v[0].0, v[1].0, false));
        }
    }
    None
}

fn stop_message(stop: Stop, limit: u64) -> String {
    match stop {
        Stop::Budget => format!("numeric evaluation budget of {limit} operations exceeded"),
        Stop::TooDeep => format!("derivatives nested deeper than {} levels", MAX_DERIV_DEPTH),
        Stop::Undefined => "undefined".to_string(),
        Stop::Indeterminate => "indeterminate".to_string(),
    }
}

/// `count` points drawn as `check_link` draws them (dimensions mostly 1..=5, the
/// free indices in range, variables in their domains) for the nodes
/// reachable from `roots`; empty if the nodes cannot be evaluated.
pub(crate) fn random_points(
    store: &crate::expr::Store,
    symbols: &Symbols,
    roots: &[Id],
    free: &[IndexId],
    seed: u64,
    count: usize,
) -> Vec<Point> {
    let Ok(plan) = Plan::new(store, symbols, roots) else {
        return Vec::new();
    };
    if plan
        .vars
        .iter()
        .any(|v| symbols.var(*v).dims.len() > MAX_RANK)
    {
        return Vec::new();
    }
    let known = |i: &IndexId| {
        symbols
            .indices
            .get(i.0 as usize)
            .is_some_and(|info| (info.dim.0 as usize) < symbols.dims.len())
    };
    if !free.iter().all(known) {
        return Vec::new();
    }
    let layout = Layout::new(symbols, &plan, &[free]);
    (0..count)
        .map(|n| {
            let mut point = super::spare_point();
            layout.point_into(symbols, &layout.draw(seed, n as u32), &mut point);
            point
        })
        .collect()
}

fn counterexample(
    symbols: &Symbols,
    layout: &Layout,
    point: &Point,
    lhs: f64,
    rhs: f64,
) -> Counterexample {
    let dims = layout
        .dims
        .iter()
        .map(|d| (symbols.dim_name(*d).to_string(), point.dims[d.0 as usize]))
        .collect();
    let indices = layout
        .free
        .iter()
        .map(|i| (symbols.index(*i).name.clone(), point.indices[i.0 as usize]))
        .collect();
    let values = layout
        .vars
        .iter()
        .map(|v| {
            let info = symbols.var(*v);
            let vals = &point.vars[v.0 as usize];
            let shape: Vec<usize> = info.dims.iter().map(|d| point.dims[d.0 as usize]).collect();
            let value = match shape.as_slice() {
                [] => SampleValue::Scalar(vals.first().map_or(f64::NAN, |x| x + 0.0)),
                [_, cols] => {
                    SampleValue::Matrix(vals.chunks((*cols).max(1)).map(<[f64]>::to_vec).collect())
                }
                _ => SampleValue::Vector(vals.clone()),
            };
            (info.name.to_string(), value)
        })
        .collect();
    Counterexample {
        dims,
        indices,
        values,
        intermediates: Vec::new(),
        // Adding 0.0 turns -0.0 into 0.0, which reads better.
        lhs: lhs + 0.0,
        rhs: rhs + 0.0,
    }
}
