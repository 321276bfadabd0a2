//! Sampling a group of links draw by draw: each link's tally, the sides
//! the active links need at a draw (each evaluated once), and the waves of
//! draws computed ahead on the pool's threads and judged in order, with
//! exactly the answers of one thread.

use super::compare::Cmp;
use super::dd::Dd;
use super::draws::{give_back, take_scratch, Layout, Scratch};
use super::eval::{eval_each, RootValue};
use super::evaluator::Stop;
use super::judge::{first_look, second_look, stopped, FirstLook, Verdict, DD_COST};
use super::plan::Plan;
use super::scalar::Valued;
use super::witness_data::{Limits, Point, SampleConfig};
use crate::expr::Symbols;
use std::borrow::Cow;

/// One link of a group while the group is sampled.
pub(super) struct Tally {
    /// Positions of its two sides in the group plan's roots.
    pub(super) sides: [usize; 2],
    /// Draws judged.
    pub(super) tried: u32,
    /// Draws where both sides were defined.
    pub(super) defined: u32,
    /// Samples where the sides could not be told apart (`Verdict::Vague`).
    pub(super) vague: u32,
    /// Samples where a side jumps at a point rounding cannot place
    /// (`Verdict::Indeterminate`).
    pub(super) indeterminate: u32,
    /// Node visits charged.
    pub(super) ops: u64,
    /// Re-checks in double-double still allowed.
    pub(super) rechecks_left: u32,
    /// The limit that stopped it.
    pub(super) stopped: Option<Stop>,
    /// The number of the first failing draw, the sides' `f64` values
    /// there, and whether `f64` alone saw the difference.
    pub(super) failure: Option<(u32, f64, f64, bool)>,
}

/// The links still drawing (see [`Tally::active`]), in order.
fn active_links(tallies: &[Tally], samples: u32, draws: u32) -> Vec<usize> {
    (0..tallies.len())
        .filter(|&k| tallies[k].active(samples, draws))
        .collect()
}

/// A draw at a large dimension (see `Layout::large_dim`) may cost a link
/// at most this many times its average draw so far, or [`LARGE_FLOOR`]
/// node visits, whichever is more; beyond that it is skipped, so that
/// looking at dimensions 6 to 64 costs a bounded share of the sampling.
const LARGE_FACTOR: u64 = 3;

/// See [`LARGE_FACTOR`]: cheap links are judged at every large dimension.
const LARGE_FLOOR: u64 = 20_000;

impl Tally {
    /// What the link may spend on a draw at a large dimension.
    fn large_cap(&self) -> u64 {
        let average = self.ops / u64::from(self.tried.max(1));
        average.saturating_mul(LARGE_FACTOR).max(LARGE_FLOOR)
    }

    /// Still drawing: no verdict yet, and draws left.
    fn active(&self, samples: u32, draws: u32) -> bool {
        self.stopped.is_none()
            && self.failure.is_none()
            && self.defined < samples
            && self.tried < draws
    }

    /// Counts one sample's verdict.
    fn count(&mut self, verdict: Verdict, draw: u32) {
        match verdict {
            Verdict::Pass => self.defined += 1,
            Verdict::Skip => {}
            Verdict::Vague => self.vague += 1,
            Verdict::Indeterminate => self.indeterminate += 1,
            Verdict::Fail(l, r, clear) => {
                self.defined += 1;
                self.failure = Some((draw, l, r, clear));
            }
            Verdict::Stop(stop) => self.stopped = Some(stop),
        }
    }
}

/// Samples the links of `tallies` (sides of `plan`, drawn by `layout`)
/// until each has its verdict or has had its `4 × samples` draws: in
/// waves of draws whose `f64` values are computed ahead on the pool's
/// threads ([`compute_ahead`]), judged in draw order.
pub(super) fn sample_in_waves(
    plan: &Plan,
    layout: &Layout,
    symbols: &Symbols,
    config: &SampleConfig,
    limits: &Limits,
    tallies: &mut [Tally],
) {
    let draws = config.samples.saturating_mul(4);
    let mut scratch = take_scratch();
    let mut draw = 0u32;
    let mut wave = 0u32;
    let mut dropped = false;
    'waves: loop {
        let active = active_links(tallies, config.samples, draws);
        if active.is_empty() {
            break;
        }
        // The next draws' `f64` values, computed ahead in parallel for the
        // links active now (see `compute_ahead`), then judged in order.
        wave = next_wave(
            wave,
            dropped,
            tallies,
            &active,
            config.samples,
            draws - draw,
        );
        dropped = false;
        let ahead = compute_ahead(
            plan,
            (layout, symbols, config.seed),
            tallies,
            &active,
            limits.ops,
            draw..draw + wave,
        );
        for n in 0..wave {
            if active_links(tallies, config.samples, draws) != active {
                // A link is done: what was computed ahead for the others
                // is only good for the same links; compute afresh.
                dropped = true;
                continue 'waves;
            }
            let mut at = DrawPoint {
                layout,
                symbols,
                seed: config.seed,
                draw,
                scratch: &mut scratch,
                built: false,
            };
            for &k in &active {
                tallies[k].tried += 1;
            }
            let computed = ahead.get(n as usize).map(Vec::as_slice);
            let large = layout.large_dim(draw).is_some();
            let verdicts = judge_group(plan, &mut at, tallies, &active, limits, computed, large);
            for (&k, verdict) in active.iter().zip(verdicts) {
                tallies[k].count(verdict, draw);
            }
            draw += 1;
        }
    }
    give_back(scratch);
}

/// The sides links `links` need, each once, in order of first need, with
/// the largest allowance of node visits (of cost `cost` each, within
/// `limit` per link) left among the links that need it; and `slot[side]`,
/// a side's position among them (sides are positions among the plan's
/// `n_roots` roots).
fn sides_of(
    links: &[usize],
    tallies: &[Tally],
    n_roots: usize,
    cost: u64,
    (limit, large): (u64, bool),
) -> (Vec<usize>, Vec<u64>, Vec<Option<usize>>) {
    let mut which: Vec<usize> = Vec::new();
    let mut allow: Vec<u64> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; n_roots];
    for &k in links {
        let mut left = limit.saturating_sub(tallies[k].ops);
        if large {
            left = left.min(tallies[k].large_cap());
        }
        let left = left / cost;
        for s in tallies[k].sides {
            match slot[s] {
                Some(p) => allow[p] = allow[p].max(left),
                None => {
                    slot[s] = Some(which.len());
                    which.push(s);
                    allow.push(left);
                }
            }
        }
    }
    (which, allow, slot)
}

/// The point of one draw, built only if judging needs it: a draw whose
/// values were computed ahead and are used needs none, unless a link is
/// re-checked in double-double. (Building it can cost more than
/// evaluating the links: every element of every variable is drawn.)
struct DrawPoint<'a> {
    layout: &'a Layout,
    symbols: &'a Symbols,
    seed: u64,
    draw: u32,
    /// Filled in place, so that its memory serves every draw.
    scratch: &'a mut Scratch,
    built: bool,
}

impl DrawPoint<'_> {
    fn get(&mut self) -> &Point {
        let raw = (!self.built).then(|| self.layout.draw(self.seed, self.draw));
        self.built = true;
        match raw {
            Some(raw) => self.layout.point_in(self.symbols, &raw, self.scratch),
            None => self.scratch.point(),
        }
    }
}

/// Judges the links `active` at `point` (see [`first_look`]), evaluating
/// each side they need once, and charges each link the work its own sides
/// took.
fn judge_group(
    plan: &Plan,
    point: &mut DrawPoint,
    tallies: &mut [Tally],
    active: &[usize],
    limits: &Limits,
    computed: Option<&[RootValue<f64>]>,
    large: bool,
) -> Vec<Verdict> {
    let sides_of = |links: &[usize], tallies: &[Tally], cost: u64| {
        sides_of(links, tallies, plan.n_roots(), cost, (limits.ops, large))
    };
    // At a large dimension, a link whose sides cost more than its cap
    // skips the draw (the work is charged): the point is merely too
    // costly, and says nothing.
    let too_costly = |t: &Tally, stop: Option<Stop>, ops: u64, cap: u64| {
        large && t.ops <= limits.ops && (stop == Some(Stop::Budget) || ops > cap)
    };
    // A link's two sides (once when they are the same node), its charge.
    fn pick<B: Copy>(
        tally: &Tally,
        slot: &[Option<usize>],
        vals: &[RootValue<B>],
        cost: u64,
    ) -> (Result<[Valued<B>; 2], Stop>, u64) {
        let at = |s: usize| slot[s].map(|p| vals[p]);
        let [ls, rs] = tally.sides;
        let (Some(l), Some(r)) = (at(ls), at(rs)) else {
            return (Err(Stop::Undefined), 0);
        };
        let ops = l.ops + if ls == rs { 0 } else { r.ops };
        let values = match (l.value, r.value) {
            (Ok(a), Ok(b)) => Ok([a, b]),
            // The left side first, as one evaluation of both would stop.
            (Err(stop), _) | (Ok(_), Err(stop)) => Err(stop),
        };
        (values, ops.saturating_mul(cost))
    }
    let (which, allow, slot) = sides_of(active, tallies, 1);
    let fast = match computed {
        Some(values) if computed_in_time(values, &allow) => Cow::Borrowed(values),
        _ => Cow::Owned(eval_each::<f64>(plan, point.get(), &which, &allow)),
    };
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(active.len());
    let mut rechecks: Vec<(usize, Valued<f64>, Valued<f64>, Cmp)> = Vec::new();
    for (n, &k) in active.iter().enumerate() {
        let t = &mut tallies[k];
        let cap = t.large_cap();
        let (values, ops) = pick(t, &slot, &fast, 1);
        t.ops = t.ops.saturating_add(ops);
        let verdict = match values {
            _ if too_costly(t, values.as_ref().err().copied(), ops, cap) => Verdict::Skip,
            Err(stop) => stopped(stop),
            // Another link's larger allowance let the side finish.
            Ok(_) if t.ops > limits.ops => Verdict::Stop(Stop::Budget),
            Ok([l, r]) => {
                let inexact = t.sides.iter().any(|&s| plan.root_inexact[s]);
                match first_look(l, r, inexact, false, false, &mut t.rechecks_left) {
                    FirstLook::Settled(v) => v,
                    FirstLook::Recheck(cmp) => {
                        rechecks.push((n, l, r, cmp));
                        Verdict::Pass
                    }
                }
            }
        };
        verdicts.push(verdict);
    }
    if rechecks.is_empty() {
        return verdicts;
    }
    // A double-double operation costs about ten f64 ones; charge it as
    // DD_COST so the budget bounds time, not just operation counts.
    let links: Vec<usize> = rechecks.iter().map(|&(n, ..)| active[n]).collect();
    let (which, allow, slot) = sides_of(&links, tallies, DD_COST);
    let precise = eval_each::<Dd>(plan, point.get(), &which, &allow);
    for (n, l, r, cmp) in rechecks {
        let t = &mut tallies[active[n]];
        let cap = t.large_cap();
        let (values, ops) = pick(t, &slot, &precise, DD_COST);
        t.ops = t.ops.saturating_add(ops);
        verdicts[n] = match values {
            _ if too_costly(t, values.as_ref().err().copied(), ops, cap) => Verdict::Skip,
            Err(stop) => stopped(stop),
            Ok(_) if t.ops > limits.ops => Verdict::Stop(Stop::Budget),
            Ok(p) => second_look(l, r, cmp, p),
        };
    }
    verdicts
}

/// Whether values computed ahead (see [`compute_ahead`]), with whatever
/// allowances, are what evaluating now with allowances `allow` gives:
/// every side finished, and within `allow`. The evaluator is
/// deterministic, so the same sides at the same point in the same order
/// give the same values and the same counts of visits, whatever the
/// allowance, as long as none cuts a side short.
fn computed_in_time(values: &[RootValue<f64>], allow: &[u64]) -> bool {
    values.len() == allow.len()
        && values
            .iter()
            .zip(allow)
            .all(|(v, &a)| v.ops <= a && !matches!(v.value, Err(Stop::Budget)))
}

/// The first wave of draws computed ahead: small, so that a false link,
/// which usually fails at one of its first draws, wastes little.
const FIRST_WAVE: u32 = 8;

/// How many draws to compute ahead next: twice the last wave, or half
/// of it when the last was dropped (links that fail at scattered draws
/// then cost about what they cost on one thread, not a wave each), but
/// no more than the fewest samples an active link still needs (so that
/// no link is done by its count before the wave ends), nor than the draws
/// left.
fn next_wave(
    last: u32,
    dropped: bool,
    tallies: &[Tally],
    active: &[usize],
    samples: u32,
    left: u32,
) -> u32 {
    let needed = active
        .iter()
        .map(|&k| samples.saturating_sub(tallies[k].defined))
        .min()
        .unwrap_or(1);
    let next = match (last, dropped) {
        (0, _) => FIRST_WAVE,
        (_, true) => last / 2,
        (_, false) => last.saturating_mul(2),
    };
    next.min(needed).min(left).max(1)
}

/// The `f64` values of the sides of links `active` at the draws `draws`
/// (drawn by `layout` from `seed`), computed ahead of judging, on the
/// threads of the pool; none on one thread, where judging evaluates each
/// draw itself.
///
/// Judging stays in draw order and exact: a draw's values computed ahead
/// are used only while the same links are active (else the wave is
/// dropped and a new one begins) and only where every side finished
/// within the allowance it has at its turn ([`computed_in_time`]); else
/// that draw is evaluated again. So answers do not depend on the number
/// of threads, nor on whether anything was computed ahead. What is
/// computed ahead in vain is bounded: a wave gives each side at most the
/// budget it has left, and a dropped wave halves the next.
fn compute_ahead(
    plan: &Plan,
    (layout, symbols, seed): (&Layout, &Symbols, u64),
    tallies: &[Tally],
    active: &[usize],
    limit: u64,
    draws: std::ops::Range<u32>,
) -> Vec<Vec<RootValue<f64>>> {
    if draws.len() <= 1 || crate::parallel::threads_here() <= 1 {
        return Vec::new();
    }
    let (which, mut allow, _) = sides_of(active, tallies, plan.n_roots(), 1, (limit, false));
    // Each draw ahead gets its share of a side's allowance, so that a
    // wave never does more work for a side than its budget has left;
    // a draw that needed more is evaluated again when judged.
    for a in &mut allow {
        *a /= draws.len() as u64;
    }
    let (_, large_allow, _) = sides_of(active, tallies, plan.n_roots(), 1, (limit, true));
    crate::parallel::map(draws.len(), |n| {
        let draw = draws.start + n as u32;
        let raw = layout.draw(seed, draw);
        let mut scratch = take_scratch();
        let point = layout.point_in(symbols, &raw, &mut scratch);
        let allow: Vec<u64> = match layout.large_dim(draw) {
            Some(_) => (allow.iter().zip(&large_allow))
                .map(|(a, b)| *a.min(b))
                .collect(),
            None => allow.clone(),
        };
        let values = eval_each::<f64>(plan, point, &which, &allow);
        give_back(scratch);
        values
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waves of draws computed ahead grow while they are used and shrink
    /// when dropped, within what the links still need.
    #[test]
    fn waves_grow_when_used_and_shrink_when_dropped() {
        let tally = |defined: u32| Tally {
            sides: [0, 1],
            tried: defined,
            defined,
            vague: 0,
            indeterminate: 0,
            ops: 0,
            rechecks_left: 0,
            stopped: None,
            failure: None,
        };
        let tallies = [tally(0), tally(200)];
        let next = |last, dropped, active: &[usize], left| {
            next_wave(last, dropped, &tallies, active, 256, left)
        };
        assert_eq!(next(0, false, &[0, 1], 1024), FIRST_WAVE);
        assert_eq!(next(16, false, &[0], 1024), 32);
        assert_eq!(next(16, true, &[0], 1024), 8);
        assert_eq!(next(1, true, &[0], 1024), 1);
        // No more than the 56 samples link 1 still needs, nor the draws left.
        assert_eq!(next(64, false, &[0, 1], 1024), 56);
        assert_eq!(next(64, false, &[0], 20), 20);
    }
}
