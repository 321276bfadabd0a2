//! Sampling links, alone or several at the same points, and shrinking what
//! fails.
//!
//! A draw has independent parts: a value in 1..=5 for every dimension the
//! links use; a raw value in 0..5 for every free index (taken modulo its
//! dimension); and, for every variable the links mention, values for its
//! largest shape (5 or 5×5 elements), which evaluation slices to the drawn
//! dimensions. Each part comes from its own stream keyed by its name
//! ([`Layout::draw`]), so what a link sees at draw n does not depend on
//! what else is drawn: links sampled together share their points, and the
//! work of evaluating them, without changing each other's answers.
//!
//! Keeping the parts independent lets a failing draw shrink each on its own
//! ([`RawTree`]): dimensions toward 1, indices toward 0, values toward
//! simple numbers (0, ±1, ±2, halves, ...; see [`NumTree`]). A last pass
//! ([`polish`]) revisits dimensions and indices once the values are simple.
//!
//! A sample where either side is undefined is skipped for that link; while
//! shrinking, such a candidate counts as "not failing", so an undefined
//! point never becomes the counterexample.
//!
//! The undefined rule: at most `4 × samples` points are drawn. If they run
//! out before `samples` defined points, the link "holds" if at least
//! `max(1, samples / 8)` points were defined, and is "undefined" otherwise.

use super::compare::{compare, compare_with_slack, Cmp};
use super::dd::Dd;
use super::eval::{eval_each, eval_roots, RootValue};
use super::evaluator::{Stop, MAX_DERIV_DEPTH};
use super::plan::Plan;
use super::scalar::Valued;
use super::tolerance::{DD_FACTOR, DD_MEASURED_FACTOR, F64_FACTOR};
use super::value_tree::{BinarySearch, ValueTree};
use super::{Counterexample, Limits, NumericOutcome, Point, SampleConfig, SampleValue};
use crate::expr::{DimId, Domain, Id, IndexId, Symbols, VarId};
use std::borrow::Cow;

/// The largest dimension sampled.
pub(crate) const MAX_DIM: usize = 5;

/// The most dimensions a sampled variable may have (5⁴ values at most).
const MAX_RANK: usize = 4;

/// One draw, before slicing: (dimension values by position in the link's
/// dimension list, raw free-index values, raw variable values: all
/// variables' values one after the other, see [`Layout::raw_ranges`]).
type Raw = (Vec<usize>, Vec<usize>, Vec<f64>);

/// One element: a third small integers, a third simple fractions, a third
/// uniform reals (the domain's range in each case); a quarter of the
/// uniform ones are wide instead, of magnitude 2^-10..2^6 on a log scale,
/// so that a claim wrong only beyond the small range (sqrt((p − 6)²) = 6 −
/// p), or only for tiny positive values (sqrt((p − 0.01)²) = p − 0.01), is
/// caught.
///
/// One random word serves all choices: the kind comes from the word mod 3,
/// the uniform value from its top 53 bits, integers from middle bits, and
/// the wide choice and its sign from bits 4 to 6.
fn draw(domain: Domain, a: u64) -> f64 {
    let pick = |lo: i64, hi: i64, r: u64| (lo + (r % (hi - lo + 1) as u64) as i64) as f64;
    let unit = (a >> 11) as f64 / (1u64 << 53) as f64;
    let kind = a % 3;
    let (r1, r2) = (a >> 8, a >> 32);
    let frac = |lo: i64, hi: i64| pick(lo, hi, r1) / pick(2, 4, r2);
    let wide = kind == 2 && (a >> 4) & 3 == 0;
    let magnitude = || (-10.0 + 16.0 * unit).exp2();
    match domain {
        Domain::Real => match kind {
            0 => pick(-3, 3, r1),
            1 => frac(-7, 7),
            _ if wide => {
                if a >> 6 & 1 == 0 {
                    magnitude()
                } else {
                    -magnitude()
                }
            }
            _ => -4.0 + 8.0 * unit,
        },
        Domain::Positive => match kind {
            0 => pick(1, 3, r1),
            1 => frac(1, 7),
            _ if wide => magnitude(),
            _ => 0.05 + 4.95 * unit,
        },
        Domain::Nonnegative => match kind {
            0 => pick(0, 3, r1),
            1 => frac(0, 7),
            _ if wide => magnitude(),
            _ => 5.0 * unit,
        },
        Domain::Simplex => match kind {
            0 => 1.0,
            1 => pick(1, 4, r1),
            _ => 0.05 + 3.95 * unit,
        },
        Domain::Onehot => pick(0, MAX_DIM as i64 - 1, r1),
    }
}

/// Shrinks a number by trying simpler values, simplest first (see
/// [`simple_values`]), and keeping the first that still fails: proptest's
/// float shrinking bisects toward 0 and stops at whatever odd value the
/// claim happens to fail at (x² = x shrinks to -0.78), while a reader wants
/// x = -1.
#[derive(Clone, Debug)]
struct NumTree {
    domain: Domain,
    accepted: f64,
    trying: Option<f64>,
    /// Computed on the first shrink: most trees are never shrunk.
    candidates: Option<Vec<f64>>,
    next: usize,
}

impl NumTree {
    fn new(domain: Domain, x: f64) -> NumTree {
        NumTree {
            domain,
            accepted: x,
            trying: None,
            candidates: None,
            next: 0,
        }
    }

    fn try_next(&mut self) -> bool {
        let (domain, x) = (self.domain, self.accepted);
        let candidates = self
            .candidates
            .get_or_insert_with(|| simple_values(domain, x));
        self.trying = candidates.get(self.next).copied();
        self.next = self.next.saturating_add(1);
        self.trying.is_some()
    }
}

impl ValueTree for NumTree {
    type Value = f64;

    fn current(&self) -> f64 {
        self.trying.unwrap_or(self.accepted)
    }

    fn simplify(&mut self) -> bool {
        match self.trying.take() {
            // The candidate still fails: keep it. Every simpler candidate
            // was tried before it and passed, so this is as simple as it
            // gets.
            Some(t) => {
                self.accepted = t;
                self.next = usize::MAX;
                false
            }
            None => self.try_next(),
        }
    }

    fn complicate(&mut self) -> bool {
        // The candidate passed: go back and try the next one.
        self.trying = None;
        self.try_next()
    }
}

/// The shrinking of all variables' raw values (`(domain, element count)`
/// per variable, every variable's elements one after the other): one
/// element at a time, in order, each straight to the simplest value that
/// still fails (see [`NumTree`]), keeping a shrinking state only for the
/// element being shrunk.
#[derive(Clone, Debug)]
struct ValuesTree {
    vars: std::rc::Rc<[(Domain, usize)]>,
    /// Every element's value (for the one being shrunk: its accepted one).
    values: Vec<f64>,
    /// The shrinking state of element `next`, once it has been started.
    live: Option<NumTree>,
    /// The element being shrunk.
    next: usize,
    /// The element the last successful `simplify` changed.
    prev: Option<usize>,
}

impl ValuesTree {
    /// The domain of element `k`.
    fn domain(&self, k: usize) -> Domain {
        let mut start = 0;
        for &(domain, n) in self.vars.iter() {
            if k < start + n {
                return domain;
            }
            start += n;
        }
        Domain::Real
    }
}

impl ValueTree for ValuesTree {
    type Value = Vec<f64>;

    fn current(&self) -> Vec<f64> {
        let mut out = self.values.clone();
        if let (Some(tree), Some(e)) = (&self.live, out.get_mut(self.next)) {
            *e = tree.current();
        }
        out
    }

    fn simplify(&mut self) -> bool {
        while self.next < self.values.len() {
            let k = self.next;
            let domain = self.domain(k);
            let tree = self
                .live
                .get_or_insert_with(|| NumTree::new(domain, self.values[k]));
            if tree.simplify() {
                self.prev = Some(k);
                return true;
            }
            // Done with this element: its accepted value stays.
            self.values[k] = tree.current();
            self.live = None;
            self.next += 1;
        }
        false
    }

    fn complicate(&mut self) -> bool {
        // Only the live element can still move (a finished one would
        // refuse, as its tree has no candidates left).
        let moved = match (self.prev, self.live.as_mut()) {
            (Some(k), Some(tree)) if k == self.next => tree.complicate(),
            _ => false,
        };
        if !moved {
            self.prev = None;
        }
        moved
    }
}

fn raw_len(rank: usize, domain: Domain) -> usize {
    let rank = if domain == Domain::Onehot {
        rank.saturating_sub(1)
    } else {
        rank
    };
    MAX_DIM.pow(rank as u32)
}

/// The sampling setup of a link or of links sampled together: which dimensions,
/// indices and variables.
pub(crate) struct Layout {
    dims: Vec<DimId>,
    /// The free indices of every link.
    free: Vec<IndexId>,
    /// Each free index's position among a draw's raw index values: links
    /// of one claim each have their own index variables for the claim's
    /// free index `i`, and they take the same value, so that the links
    /// are judged at the same point and share their sides' values.
    free_raw: Vec<usize>,
    vars: Vec<VarId>,
    /// Where each variable's raw values start in a draw's flat values.
    starts: Vec<usize>,
    /// The stream keys of the dimensions, of the raw index values, and of
    /// the variables (with their domains); see [`Layout::draw`].
    dim_keys: Vec<u64>,
    free_keys: Vec<u64>,
    var_keys: Vec<(u64, Domain)>,
}

impl Layout {
    /// The layout for `plan`, whose links have the free indices `frees`.
    pub fn new(symbols: &Symbols, plan: &Plan, frees: &[&[IndexId]]) -> Layout {
        let mut dims = plan.dims.clone();
        let mut free: Vec<IndexId> = Vec::new();
        let mut free_raw: Vec<usize> = Vec::new();
        // One raw value per (name, dimension, occurrence in its link),
        // shared across links; within one link, distinct index variables
        // always get distinct values.
        let mut classes: Vec<(&str, DimId, usize)> = Vec::new();
        for link_free in frees {
            let mut seen: Vec<(&str, DimId)> = Vec::new();
            for &i in *link_free {
                let (name, dim) = (symbols.index(i).name.as_str(), symbols.index_dim(i));
                let occurrence = seen.iter().filter(|&&k| k == (name, dim)).count();
                seen.push((name, dim));
                if free.contains(&i) {
                    continue;
                }
                let key = (name, dim, occurrence);
                let class = classes.iter().position(|&c| c == key).unwrap_or_else(|| {
                    classes.push(key);
                    classes.len() - 1
                });
                free.push(i);
                free_raw.push(class);
                dims.push(dim);
            }
        }
        dims.sort_unstable();
        dims.dedup();
        let mut starts = Vec::with_capacity(plan.vars.len() + 1);
        let mut at = 0;
        for v in &plan.vars {
            starts.push(at);
            let info = symbols.var(*v);
            at += raw_len(info.dims.len(), info.domain);
        }
        starts.push(at);
        let dim_keys = (dims.iter())
            .map(|d| name_key(&["dim", symbols.dim_name(*d)]))
            .collect();
        let free_keys = (classes.iter())
            .map(|&(name, dim, occurrence)| {
                name_key(&[
                    "index",
                    name,
                    symbols.dim_name(dim),
                    &occurrence.to_string(),
                ])
            })
            .collect();
        // Two variables of one name (not expected) still get streams of
        // their own.
        let mut var_keys: Vec<(u64, Domain)> = Vec::with_capacity(plan.vars.len());
        for v in &plan.vars {
            let info = symbols.var(*v);
            let mut key = name_key(&["var", &info.name]);
            while var_keys.iter().any(|&(k, _)| k == key) {
                key = mix(key);
            }
            var_keys.push((key, info.domain));
        }
        Layout {
            dims,
            free,
            free_raw,
            vars: plan.vars.clone(),
            starts,
            dim_keys,
            free_keys,
            var_keys,
        }
    }

    /// The range of variable number `k`'s raw values in a draw.
    fn raw_range(&self, k: usize) -> std::ops::Range<usize> {
        self.starts[k]..self.starts[k + 1]
    }

    /// Each variable's domain and raw element count, in draw order.
    fn value_parts(&self, symbols: &Symbols) -> std::rc::Rc<[(Domain, usize)]> {
        self.vars
            .iter()
            .map(|v| {
                let info = symbols.var(*v);
                (info.domain, raw_len(info.dims.len(), info.domain))
            })
            .collect()
    }

    /// Draw number `n` of the stream `seed`. Every part comes from its own
    /// stream, keyed by its name (a dimension's, a free index's name with
    /// its dimension, a variable's), not by its position: the draw of a
    /// part does not depend on what else is drawn, so links that share a
    /// variable see the same values of it at draw `n`, whichever claim or
    /// group they are sampled in.
    fn draw(&self, seed: u64, n: u32) -> Raw {
        let stream = |key: u64| mix(mix(seed ^ key) ^ u64::from(n));
        let dims = (self.dim_keys.iter())
            .map(|&k| 1 + (stream(k) % MAX_DIM as u64) as usize)
            .collect();
        let free = (self.free_keys.iter())
            .map(|&k| (stream(k) % MAX_DIM as u64) as usize)
            .collect();
        let mut values = Vec::with_capacity(self.starts.last().copied().unwrap_or(0));
        for (k, &(key, domain)) in self.var_keys.iter().enumerate() {
            let base = stream(key);
            for e in 0..self.raw_range(k).len() {
                values.push(draw(domain, mix(base ^ e as u64)));
            }
        }
        (dims, free, values)
    }

    /// The point a raw draw stands for.
    fn point(&self, symbols: &Symbols, raw: &Raw) -> Point {
        let mut point = Point::default();
        self.point_into(symbols, raw, &mut point);
        point
    }

    /// [`Layout::point`] into `point`, reusing its memory: a point filled
    /// by this layout before is overwritten, not reallocated.
    fn point_into(&self, symbols: &Symbols, raw: &Raw, point: &mut Point) {
        let (dvals, fvals, vvals) = raw;
        let dims = &mut point.dims;
        dims.clear();
        dims.resize(symbols.dims.len(), 1);
        for (d, v) in self.dims.iter().zip(dvals) {
            if let Some(slot) = dims.get_mut(d.0 as usize) {
                *slot = *v;
            }
        }
        // Only the free indices are ever set, so the rest stay 0.
        if point.indices.len() != symbols.indices.len() {
            point.indices.clear();
            point.indices.resize(symbols.indices.len(), 0);
        }
        for (i, &k) in self.free.iter().zip(&self.free_raw) {
            let Some(v) = fvals.get(k) else {
                continue;
            };
            let n = dims[symbols.index_dim(*i).0 as usize].max(1);
            if let Some(slot) = point.indices.get_mut(i.0 as usize) {
                *slot = v % n;
            }
        }
        point.vars.resize_with(symbols.vars.len(), Vec::new);
        for (k, v) in self.vars.iter().enumerate() {
            let info = symbols.var(*v);
            let mut shape = [0usize; MAX_RANK];
            let rank = info.dims.len().min(MAX_RANK);
            for (s, d) in shape.iter_mut().zip(&info.dims) {
                *s = dims[d.0 as usize];
            }
            let raw = vvals.get(self.raw_range(k)).unwrap_or(&[]);
            if let Some(slot) = point.vars.get_mut(v.0 as usize) {
                shaped(&shape[..rank], info.domain, raw, slot);
            }
        }
    }
}

/// The row-major values of a variable of `shape`, from raw values laid out
/// for the largest shape.
fn shaped(shape: &[usize], domain: Domain, raw: &[f64], out: &mut Vec<f64>) {
    let (rows_shape, last) = match shape.split_last() {
        Some((&last, rest)) => (rest, last),
        None => (shape, 1),
    };
    let rows: usize = rows_shape.iter().product();
    out.clear();
    for row in 0..rows {
        // The row's position in the largest layout.
        let mut rest = row;
        let mut max_row = 0;
        let mut stride = 1;
        for &n in rows_shape.iter().rev() {
            max_row += (rest % n) * stride;
            rest /= n;
            stride *= MAX_DIM;
        }
        match domain {
            Domain::Onehot => {
                let hot = raw.get(max_row).copied().unwrap_or(0.0) as usize % last.max(1);
                out.extend((0..last).map(|k| if k == hot { 1.0 } else { 0.0 }));
            }
            _ => {
                let base = if shape.is_empty() {
                    0
                } else {
                    max_row * MAX_DIM
                };
                let start = out.len();
                out.extend((0..last).map(|k| raw.get(base + k).copied().unwrap_or(1.0)));
                if domain == Domain::Simplex {
                    normalize_exactly(&mut out[start..]);
                }
            }
        }
    }
}

/// Scales positive weights to sum to exactly 1, not just to 1 up to
/// rounding: the double-double re-check would otherwise see `Σ q = 1` fail
/// by 1e-16. Each share is rounded to a multiple of 2⁻⁴⁰ (so every partial
/// sum is exact in `f64`) and the last one takes what is left.
fn normalize_exactly(ws: &mut [f64]) {
    const GRID: f64 = (1u64 << 40) as f64;
    let total: f64 = ws.iter().sum();
    if total.is_nan() || total <= 0.0 {
        ws.iter_mut().for_each(|w| *w = 1.0 / GRID);
    }
    let total: f64 = ws.iter().sum();
    let Some((last, rest)) = ws.split_last_mut() else {
        return;
    };
    let mut used = 0.0;
    for w in rest {
        *w = (*w / total * GRID).round() / GRID;
        used += *w;
    }
    *last = (1.0 - used).max(0.0);
}

/// What one double-double node visit counts for in the budget.
const DD_COST: u64 = 4;

/// What a sample says when an evaluation stops: a side undefined there
/// skips it, an indeterminate jump decides nothing, a limit stops the link.
fn stopped(stop: Stop) -> Verdict {
    match stop {
        Stop::Undefined => Verdict::Skip,
        Stop::Indeterminate => Verdict::Indeterminate,
        stop => Verdict::Stop(stop),
    }
}

/// What one sample says.
enum Verdict {
    Pass,
    Skip,
    /// The sides could not be told apart at this point (see `Cmp::Vague`).
    Vague,
    /// A side jumps where rounding cannot tell on which side the point is
    /// (see `Stop::Indeterminate`).
    Indeterminate,
    /// The two sides' `f64` values, and whether `f64` alone saw the
    /// difference (rather than only the double-double re-check).
    Fail(f64, f64, bool),
    Stop(Stop),
}

/// What a link's `f64` values alone say at a point.
enum FirstLook {
    /// The verdict is settled.
    Settled(Verdict),
    /// Only double-double can settle it; `f64` compared them as this.
    Recheck(Cmp),
}

/// Judges a link's two `f64` values (see `compare`). `inexact`: some
/// constant of the link is not exactly an `f64`. `rechecks_left` is the
/// link's allowance of re-checks of values that agree only up to rounding.
fn first_look(
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
fn second_look(l: Valued<f64>, r: Valued<f64>, cmp: Cmp, precise: [Valued<Dd>; 2]) -> Verdict {
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
struct State {
    /// Only differences visible in `f64` count, because the first failure
    /// was one. Shrinking toward simple points must not trade a plain
    /// counterexample for one that differs by 1e-20.
    clear_only: bool,
    ops: u64,
    stopped: Option<Stop>,
    /// The point being judged, its memory reused from draw to draw.
    point: Point,
}

/// Evaluates both sides of a one-link plan at `point` and compares them,
/// as while shrinking (see [`first_look`]).
fn judge(plan: &Plan, point: &Point, state: &mut State, limit: u64) -> Verdict {
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

fn stop_message(stop: Stop, limit: u64) -> String {
    match stop {
        Stop::Budget => format!("numeric evaluation budget of {limit} operations exceeded"),
        Stop::TooDeep => format!("derivatives nested deeper than {} levels", MAX_DERIV_DEPTH),
        Stop::Undefined => "undefined".to_string(),
        Stop::Indeterminate => "indeterminate".to_string(),
    }
}

/// The shrinking of one draw, part by part in order: each dimension
/// (toward 1), each raw index value (toward 0), then the variables' values
/// (see [`ValuesTree`]), as proptest shrinks a tuple of vectors: a part is
/// simplified until it cannot be, and `complicate` moves back only the
/// part last simplified.
#[derive(Clone, Debug)]
struct RawTree {
    /// Dimensions, then raw index values.
    ints: Vec<BinarySearch>,
    n_dims: usize,
    values: ValuesTree,
    /// The part being simplified (`ints.len()` for the values).
    part: usize,
    prev: Option<usize>,
}

impl RawTree {
    fn new(layout: &Layout, symbols: &Symbols, raw: &Raw) -> RawTree {
        let ints = (raw.0.iter().map(|&d| BinarySearch::new_above(1, d)))
            .chain(raw.1.iter().map(|&i| BinarySearch::new(i)))
            .collect();
        RawTree {
            ints,
            n_dims: raw.0.len(),
            values: ValuesTree {
                vars: layout.value_parts(symbols),
                values: raw.2.clone(),
                live: None,
                next: 0,
                prev: None,
            },
            part: 0,
            prev: None,
        }
    }
}

impl ValueTree for RawTree {
    type Value = Raw;

    fn current(&self) -> Raw {
        let ints: Vec<usize> = self.ints.iter().map(ValueTree::current).collect();
        let (dims, free) = ints.split_at(self.n_dims);
        (dims.to_vec(), free.to_vec(), self.values.current())
    }

    fn simplify(&mut self) -> bool {
        while self.part < self.ints.len() {
            if self.ints[self.part].simplify() {
                self.prev = Some(self.part);
                return true;
            }
            self.part += 1;
        }
        if self.values.simplify() {
            self.prev = Some(self.ints.len());
            return true;
        }
        false
    }

    fn complicate(&mut self) -> bool {
        let moved = match self.prev {
            Some(p) if p < self.ints.len() => self.ints[p].complicate(),
            Some(_) => self.values.complicate(),
            None => false,
        };
        if !moved {
            self.prev = None;
        }
        moved
    }
}

/// SplitMix64's finalizer: consecutive inputs give unrelated outputs.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A name's stream key: each part's bytes, each followed by a 0.
fn name_key(parts: &[&str]) -> u64 {
    crate::fnv::fnv1a(parts.iter().flat_map(|p| p.bytes().chain([0])))
}

/// One link of a group while the group is sampled.
struct Tally {
    /// Positions of its two sides in the group plan's roots.
    sides: [usize; 2],
    tried: u32,
    defined: u32,
    /// Samples where the sides could not be told apart (`Verdict::Vague`).
    vague: u32,
    /// Samples where a side jumps at a point rounding cannot place
    /// (`Verdict::Indeterminate`).
    indeterminate: u32,
    ops: u64,
    rechecks_left: u32,
    stopped: Option<Stop>,
    /// The number of the first failing draw, the sides' `f64` values
    /// there, and whether `f64` alone saw the difference.
    failure: Option<(u32, f64, f64, bool)>,
}

/// The links still drawing (see [`Tally::active`]), in order.
fn active_links(tallies: &[Tally], samples: u32, draws: u32) -> Vec<usize> {
    (0..tallies.len())
        .filter(|&k| tallies[k].active(samples, draws))
        .collect()
}

impl Tally {
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
                .flat_map(|link| run_group(store, symbols, &[*link], config, limits))
                .collect();
        }
        return all(NumericOutcome::Inconclusive(format!(
            "variables with more than {MAX_RANK} dimensions are not sampled"
        )));
    }
    let frees: Vec<&[IndexId]> = links.iter().map(|l| l.2).collect();
    let layout = Layout::new(symbols, &plan, &frees);
    let draws = config.samples.saturating_mul(4);

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
    let mut point = Point::default();
    let mut draw = 0u32;
    let mut wave = 0u32;
    let mut dropped = false;
    'waves: loop {
        let active = active_links(&tallies, config.samples, draws);
        if active.is_empty() {
            break;
        }
        // The next draws' `f64` values, computed ahead in parallel for the
        // links active now (see `compute_ahead`), then judged in order.
        wave = next_wave(
            wave,
            dropped,
            &tallies,
            &active,
            config.samples,
            draws - draw,
        );
        dropped = false;
        let ahead = compute_ahead(
            &plan,
            (&layout, symbols, config.seed),
            &tallies,
            &active,
            limits.ops,
            draw..draw + wave,
        );
        for n in 0..wave {
            if active_links(&tallies, config.samples, draws) != active {
                // A link is done: what was computed ahead for the others
                // is only good for the same links; compute afresh.
                dropped = true;
                continue 'waves;
            }
            let mut at = DrawPoint {
                layout: &layout,
                symbols,
                seed: config.seed,
                draw,
                point: &mut point,
                built: false,
            };
            for &k in &active {
                tallies[k].tried += 1;
            }
            let computed = ahead.get(n as usize).map(Vec::as_slice);
            let verdicts = judge_group(&plan, &mut at, &mut tallies, &active, limits, computed);
            for (&k, verdict) in active.iter().zip(verdicts) {
                tallies[k].count(verdict, draw);
            }
            draw += 1;
        }
    }
    tallies
        .into_iter()
        .zip(links)
        .map(|(tally, &link)| conclude(store, symbols, link, tally, config, limits))
        .collect()
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
    limit: u64,
) -> (Vec<usize>, Vec<u64>, Vec<Option<usize>>) {
    let mut which: Vec<usize> = Vec::new();
    let mut allow: Vec<u64> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; n_roots];
    for &k in links {
        let left = limit.saturating_sub(tallies[k].ops) / cost;
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
    point: &'a mut Point,
    built: bool,
}

impl DrawPoint<'_> {
    fn get(&mut self) -> &Point {
        if !self.built {
            let raw = self.layout.draw(self.seed, self.draw);
            self.layout.point_into(self.symbols, &raw, self.point);
            self.built = true;
        }
        self.point
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
) -> Vec<Verdict> {
    let sides_of = |links: &[usize], tallies: &[Tally], cost: u64| {
        sides_of(links, tallies, plan.n_roots(), cost, limits.ops)
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
        let (values, ops) = pick(t, &slot, &fast, 1);
        t.ops = t.ops.saturating_add(ops);
        let verdict = match values {
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
        let (values, ops) = pick(t, &slot, &precise, DD_COST);
        t.ops = t.ops.saturating_add(ops);
        verdicts[n] = match values {
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
    let (which, mut allow, _) = sides_of(active, tallies, plan.n_roots(), 1, limit);
    // Each draw ahead gets its share of a side's allowance, so that a
    // wave never does more work for a side than its budget has left;
    // a draw that needed more is evaluated again when judged.
    for a in &mut allow {
        *a /= draws.len() as u64;
    }
    crate::parallel::map(draws.len(), |n| {
        let raw = layout.draw(seed, draws.start + n as u32);
        let point = layout.point(symbols, &raw);
        eval_each::<f64>(plan, &point, &which, &allow)
    })
}

/// A link's outcome once its group is sampled. A failure is shrunk as if
/// the link had been sampled alone: its own layout gives its part of the
/// failing draw (draws are keyed by name), and only the link is judged, so
/// the counterexample names only what the link mentions and does not
/// depend on the group.
fn conclude(
    store: &crate::expr::Store,
    symbols: &Symbols,
    (lhs, rhs, free): (Id, Id, &[IndexId]),
    tally: Tally,
    config: &SampleConfig,
    limits: &Limits,
) -> NumericOutcome {
    if let Some((draw, l, r, clear)) = tally.failure {
        let plan = match Plan::new(store, symbols, &[lhs, rhs]) {
            Ok(p) => p,
            Err(e) => return NumericOutcome::Inconclusive(format!("cannot evaluate: {e}")),
        };
        let layout = Layout::new(symbols, &plan, &[free]);
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
        return NumericOutcome::False(Box::new(counterexample(symbols, &layout, &point, l, r)));
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

/// proptest's shrinking loop over the failing draw's [`RawTree`]: simplify while
/// the link still fails, complicate when it passes; a candidate where a
/// side is undefined, or the sides cannot be told apart, counts as passing.
fn shrink(
    plan: &Plan,
    symbols: &Symbols,
    layout: &Layout,
    st: &mut State,
    limits: &Limits,
    mut tree: RawTree,
    failure: (Raw, f64, f64),
) -> (Raw, f64, f64) {
    let mut best = failure;
    if limits.max_shrink_iters == 0 || !tree.simplify() {
        return best;
    }
    let mut iterations = 0;
    while iterations < limits.max_shrink_iters {
        iterations += 1;
        let raw = tree.current();
        let fails = st.stopped.is_none()
            && match judge_raw(plan, symbols, layout, st, limits, &raw) {
                Verdict::Fail(l, r, _) => {
                    best = (raw, l, r);
                    true
                }
                Verdict::Stop(stop) => {
                    st.stopped = Some(stop);
                    false
                }
                Verdict::Pass | Verdict::Skip | Verdict::Vague | Verdict::Indeterminate => false,
            };
        let moved = if fails {
            tree.simplify()
        } else {
            tree.complicate()
        };
        if !moved {
            break;
        }
    }
    best
}

/// Values simpler than `x` for an element in `domain` (the raw encoding:
/// simplex weights, hot positions), simplest first: small integers and
/// halves, then `x` rounded to an integer, a half, a quarter.
fn simple_values(domain: Domain, x: f64) -> Vec<f64> {
    let mut out = match domain {
        Domain::Real => vec![0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0],
        Domain::Positive => vec![1.0, 2.0, 0.5, 3.0],
        Domain::Nonnegative => vec![0.0, 1.0, 2.0, 0.5, 3.0],
        Domain::Simplex => vec![1.0, 2.0, 3.0],
        Domain::Onehot => (0..MAX_DIM).map(|p| p as f64).collect(),
    };
    if let Some(p) = out.iter().position(|&y| y == x) {
        out.truncate(p);
        return out;
    }
    if domain != Domain::Onehot {
        for y in [x.round(), (2.0 * x).round() / 2.0, (4.0 * x).round() / 4.0] {
            let ok = match domain {
                Domain::Positive | Domain::Simplex => y > 0.0,
                Domain::Nonnegative => y >= 0.0,
                _ => true,
            };
            if ok && y != x && !out.contains(&y) {
                out.push(y);
            }
        }
    }
    out
}

/// After proptest's shrinking, which moves values toward simpler ones but
/// stops wherever the claim happens to hold, tries the simplest values for
/// each element in turn and keeps any that still fail. Only failures
/// confirmed by `judge` are kept, so the result is still a counterexample.
fn polish(
    plan: &Plan,
    symbols: &Symbols,
    layout: &Layout,
    st: &mut State,
    limits: &Limits,
    failure: (Raw, f64, f64),
) -> (Raw, f64, f64) {
    let mut best = failure;
    st.stopped = None;
    // proptest shrinks dimensions before values and never goes back, so a
    // dimension that could not shrink with the original values may shrink
    // with the simplified ones: repeat until nothing changes.
    for _ in 0..3 {
        let mut changed = false;
        let (raw, _, _) = &best;
        for pos in 0..raw.0.len() + raw.1.len() + raw.2.len() {
            // The first simpler draw that still fails, if any, is kept.
            for raw in simpler_at(layout, symbols, &best.0, pos) {
                match judge_raw(plan, symbols, layout, st, limits, &raw) {
                    Verdict::Fail(l, r, _) => {
                        best = (raw, l, r);
                        changed = true;
                        break;
                    }
                    Verdict::Stop(_) => return best,
                    Verdict::Pass | Verdict::Skip | Verdict::Vague | Verdict::Indeterminate => {}
                }
            }
        }
        if !changed {
            break;
        }
    }
    best
}

/// Judges one link (`plan`) at the point a draw of `layout` stands for, as
/// while shrinking.
fn judge_raw(
    plan: &Plan,
    symbols: &Symbols,
    layout: &Layout,
    st: &mut State,
    limits: &Limits,
    raw: &Raw,
) -> Verdict {
    let mut point = std::mem::take(&mut st.point);
    layout.point_into(symbols, raw, &mut point);
    let verdict = judge(plan, &point, st, limits.shrink_ops);
    st.point = point;
    verdict
}

/// Draws that differ from `raw` only at part `pos` (dimensions, then raw
/// index values, then variables' values, in draw order) and are simpler
/// there, simplest first: a smaller dimension (at least 1), a smaller
/// index, a simpler value (see [`simple_values`]).
fn simpler_at(layout: &Layout, symbols: &Symbols, raw: &Raw, pos: usize) -> Vec<Raw> {
    let (n_dims, n_free) = (raw.0.len(), raw.1.len());
    let with = |edit: &dyn Fn(&mut Raw)| {
        let mut r = raw.clone();
        edit(&mut r);
        r
    };
    if pos < n_dims {
        (1..raw.0[pos]).map(|v| with(&|r| r.0[pos] = v)).collect()
    } else if pos < n_dims + n_free {
        let k = pos - n_dims;
        (0..raw.1[k]).map(|v| with(&|r| r.1[k] = v)).collect()
    } else {
        let e = pos - n_dims - n_free;
        let Some(k) = (0..layout.vars.len()).find(|&k| layout.raw_range(k).contains(&e)) else {
            return Vec::new();
        };
        let domain = symbols.var(layout.vars[k]).domain;
        (simple_values(domain, raw.2[e]).into_iter())
            .map(|y| with(&|r| r.2[e] = y))
            .collect()
    }
}

/// `count` points drawn as `check_link` draws them (dimensions 1..=5, the
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
        .map(|n| layout.point(symbols, &layout.draw(seed, n as u32)))
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
            (info.name.clone(), value)
        })
        .collect();
    Counterexample {
        dims,
        indices,
        values,
        // Adding 0.0 turns -0.0 into 0.0, which reads better.
        lhs: lhs + 0.0,
        rhs: rhs + 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::expr::{Node, Store};

    /// A plan mentioning one variable of each domain.
    fn zoo() -> (Store, Symbols, Plan, Layout) {
        let mut y = Symbols::default();
        let n = y.dim("n");
        let m = y.dim("m");
        let p = y.add_var("p", vec![], Domain::Positive);
        let q = y.add_var("q", vec![n], Domain::Simplex);
        let h = y.add_var("y", vec![n], Domain::Onehot);
        let w = y.add_var("M", vec![n, m], Domain::Nonnegative);
        let s = y.add_var("S", vec![m, n], Domain::Simplex);
        let i = y.fresh_index("i", n);
        let j = y.fresh_index("j", m);
        let mut st = Store::new();
        let terms = vec![
            st.add(Node::Var(p, vec![])),
            st.add(Node::Var(q, vec![i])),
            st.add(Node::Var(h, vec![i])),
            st.add(Node::Var(w, vec![i, j])),
            st.add(Node::Var(s, vec![j, i])),
        ];
        let root = st.add(Node::Add(terms));
        let plan = Plan::new(&st, &y, &[root]).unwrap();
        let layout = Layout::new(&y, &plan, &[&[i, j]]);
        (st, y, plan, layout)
    }

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

    #[test]
    fn links_of_a_claim_share_same_named_free_indices() {
        let mut y = Symbols::default();
        let n = y.dim("n");
        let (a, b) = (y.fresh_index("i", n), y.fresh_index("i", n));
        let j = y.fresh_index("j", n);
        let plan = Plan::new(&crate::expr::Store::default(), &y, &[]).unwrap();
        // Two links, each with its own `i`: one raw value, one index value.
        let layout = Layout::new(&y, &plan, &[&[a, j], &[b]]);
        assert_eq!(layout.free_keys.len(), 2);
        let point = layout.point(&y, &(vec![5], vec![3, 1], vec![]));
        assert_eq!(point.indices[a.0 as usize], 3);
        assert_eq!(point.indices[b.0 as usize], 3);
        assert_eq!(point.indices[j.0 as usize], 1);
        // Within one link, two indices named alike stay apart.
        let layout = Layout::new(&y, &plan, &[&[a, b]]);
        assert_eq!(layout.free_keys.len(), 2);
    }

    #[test]
    fn samples_respect_their_domains() {
        let (_, symbols, _, layout) = zoo();
        let mut seen_dims = std::collections::BTreeSet::new();
        for n in 0..500 {
            let raw = layout.draw(3, n);
            let pt = layout.point(&symbols, &raw);
            let (n, m) = (pt.dims[0], pt.dims[1]);
            assert!((1..=MAX_DIM).contains(&n) && (1..=MAX_DIM).contains(&m));
            seen_dims.insert(n);
            assert!(pt.indices[0] < n && pt.indices[1] < m);
            assert!(pt.vars[0][0] > 0.0, "positive: {:?}", pt.vars[0]);
            let q = &pt.vars[1];
            assert_eq!(q.len(), n);
            assert!(q.iter().all(|&x| x >= 0.0));
            // Exactly 1, not 1 up to rounding: the precise re-check relies on it.
            assert_eq!(q.iter().sum::<f64>(), 1.0, "{q:?}");
            let y = &pt.vars[2];
            assert_eq!(y.iter().filter(|&&x| x == 1.0).count(), 1);
            assert_eq!(y.iter().filter(|&&x| x == 0.0).count(), n - 1);
            let w = &pt.vars[3];
            assert_eq!(w.len(), n * m);
            assert!(w.iter().all(|&x| x >= 0.0));
            // A simplex matrix: every row sums to 1.
            for row in pt.vars[4].chunks(n) {
                assert_eq!(row.iter().sum::<f64>(), 1.0);
            }
        }
        assert_eq!(seen_dims.len(), MAX_DIM);
    }

    #[test]
    fn numbers_shrink_to_the_simplest_failing_value() {
        // Fails when x² != x: the simplest such value is -1.
        let fails = |x: f64| x * x != x;
        let mut tree = NumTree::new(Domain::Real, -0.78);
        assert!(tree.simplify());
        loop {
            let more = if fails(tree.current()) {
                tree.simplify()
            } else {
                tree.complicate()
            };
            if !more {
                break;
            }
        }
        assert_eq!(tree.current(), -1.0);
        // A value that is already simplest stays.
        let mut tree = NumTree::new(Domain::Positive, 1.0);
        assert!(!tree.simplify());
        assert_eq!(tree.current(), 1.0);
    }
}
