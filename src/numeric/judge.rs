//! Judging a link at a point: its sides' `f64` values compared first
//! ([`first_look`]), and where `f64` cannot settle it, their double-double
//! values ([`second_look`]); what a stopped evaluation says; and the
//! judging of one link at a time while it is shrunk ([`judge`]).

use super::compare::{compare, compare_with_slack, Cmp};
use super::dd::Dd;
use super::eval::eval_roots;
use super::evaluator::Stop;
use super::plan::Plan;
use super::scalar::Valued;
use super::tolerance::{DD_FACTOR, DD_MEASURED_FACTOR, F64_FACTOR};
use super::witness_data::Point;

/// What one double-double node visit counts for in the budget.
pub(super) const DD_COST: u64 = 4;

/// What a sample says when an evaluation stops: a side undefined there
/// skips it, an indeterminate jump decides nothing, a limit stops the link.
pub(super) fn stopped(stop: Stop) -> Verdict {
    match stop {
        Stop::Undefined => Verdict::Skip,
        Stop::Indeterminate => Verdict::Indeterminate,
        stop => Verdict::Stop(stop),
    }
}

/// What one sample says.
pub(super) enum Verdict {
    /// The sides agree.
    Pass,
    /// A side is undefined here.
    Skip,
    /// The sides could not be told apart at this point (see `Cmp::Vague`).
    Vague,
    /// A side jumps where rounding cannot tell on which side the point is
    /// (see `Stop::Indeterminate`).
    Indeterminate,
    /// The two sides' `f64` values, and whether `f64` alone saw the
    /// difference (rather than only the double-double re-check).
    Fail(f64, f64, bool),
    /// A limit was reached.
    Stop(Stop),
}

/// What a link's `f64` values alone say at a point.
pub(super) enum FirstLook {
    /// The verdict is settled.
    Settled(Verdict),
    /// Only double-double can settle it; `f64` compared them as this.
    Recheck(Cmp),
}

/// Judges a link's two `f64` values (see `compare`). `inexact`: some
/// constant of the link is not exactly an `f64`. `rechecks_left` is the
/// link's allowance of re-checks of values that agree only up to rounding.
pub(super) fn first_look(
    l: Valued<f64>,
    r: Valued<f64>,
    inexact: bool,
    shrinking: bool,
    clear_only: bool,
    rechecks_left: &mut u32,
) -> FirstLook {
    let cmp = compare(l, r, F64_FACTOR);
    // Equal in f64 is only trustworthy when every constant is an f64:
    // x = (1 + 10^-17) x rounds to x = x.
    let close = cmp == Cmp::Close || (cmp == Cmp::Equal && inexact);
    let recheck = match cmp {
        Cmp::Differ => true,
        // Only double-double can decide a vague point, so it always gets
        // the re-check (the operation budget bounds the cost); it never
        // counts as agreeing on f64 alone.
        Cmp::Vague if shrinking => return FirstLook::Settled(Verdict::Vague),
        Cmp::Vague => true,
        _ if !close => false,
        _ if shrinking => !clear_only,
        _ if *rechecks_left > 0 => {
            *rechecks_left -= 1;
            true
        }
        _ => false,
    };
    if recheck {
        FirstLook::Recheck(cmp)
    } else {
        FirstLook::Settled(Verdict::Pass)
    }
}

/// Judges a link by its double-double values, given its `f64` ones and how
/// `f64` compared them.
pub(super) fn second_look(
    l: Valued<f64>,
    r: Valued<f64>,
    cmp: Cmp,
    precise: [Valued<Dd>; 2],
) -> Verdict {
    // Each side's measured f64 error (see DD_MEASURED_FACTOR).
    let measured = precise[0].0.minus(Dd::from(l.0)).value().abs()
        + precise[1].0.minus(Dd::from(r.0)).value().abs();
    let slack = DD_MEASURED_FACTOR * measured;
    match compare_with_slack(precise[0], precise[1], DD_FACTOR, slack) {
        Cmp::Differ => Verdict::Fail(l.0, r.0, cmp == Cmp::Differ),
        Cmp::Vague => Verdict::Vague,
        Cmp::Equal | Cmp::Close => Verdict::Pass,
    }
}

/// A link's state while it is shrunk.
pub(super) struct State {
    /// Only differences visible in `f64` count, because the first failure
    /// was one. Shrinking toward simple points must not trade a plain
    /// counterexample for one that differs by 1e-20.
    pub(super) clear_only: bool,
    /// Node visits so far.
    pub(super) ops: u64,
    /// Why the last judging stopped, if a limit stopped it.
    pub(super) stopped: Option<Stop>,
    /// The point being judged, its memory reused from draw to draw.
    pub(super) point: Point,
}

/// Evaluates both sides of a one-link plan at `point` and compares them,
/// as while shrinking (see [`first_look`]).
pub(super) fn judge(plan: &Plan, point: &Point, state: &mut State, limit: u64) -> Verdict {
    let budget = limit.saturating_sub(state.ops);
    let fast = match eval_roots::<f64>(plan, point, budget, &mut state.ops) {
        Ok(v) => v,
        Err(stop) => return stopped(stop),
    };
    let (l, r) = (fast[0], fast[1]);
    let cmp = match first_look(l, r, plan.inexact(), true, state.clear_only, &mut 0) {
        FirstLook::Settled(v) => return v,
        FirstLook::Recheck(cmp) => cmp,
    };
    // A double-double operation costs about ten f64 ones; charge it as
    // DD_COST so the budget bounds time, not just operation counts.
    let budget = limit.saturating_sub(state.ops) / DD_COST;
    let mut used = 0;
    let precise = eval_roots::<Dd>(plan, point, budget, &mut used);
    state.ops = state.ops.saturating_add(used.saturating_mul(DD_COST));
    match precise {
        Ok(p) => second_look(l, r, cmp, [p[0], p[1]]),
        Err(stop) => stopped(stop),
    }
}
