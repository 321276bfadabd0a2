//! Shrinking a failing draw, with proptest-style value trees (see
//! `value_tree`).
//!
//! Keeping a draw's parts independent (see `draws`) lets a failing draw
//! shrink each on its own ([`RawTree`]): dimensions toward 1, indices
//! toward 0, values toward simple numbers (0, ±1, ±2, halves, ...; see
//! [`NumTree`]). A last pass ([`polish`]) revisits dimensions and indices
//! once the values are simple.
//!
//! A candidate where either side is undefined counts as "not failing", so
//! an undefined point never becomes the counterexample.

use super::draws::{Layout, Raw, MAX_DIM};
use super::judge::{judge, State, Verdict};
use super::plan::Plan;
use super::value_tree::{BinarySearch, ValueTree};
use super::witness_data::Limits;
use crate::expr::{Domain, Symbols};

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

/// The shrinking of one draw, part by part in order: each dimension
/// (toward 1), each raw index value (toward 0), then the variables' values
/// (see [`ValuesTree`]), as proptest shrinks a tuple of vectors: a part is
/// simplified until it cannot be, and `complicate` moves back only the
/// part last simplified.
#[derive(Clone, Debug)]
pub(super) struct RawTree {
    /// Dimensions, then raw index values.
    ints: Vec<BinarySearch>,
    n_dims: usize,
    values: ValuesTree,
    /// The part being simplified (`ints.len()` for the values).
    part: usize,
    prev: Option<usize>,
}

impl RawTree {
    pub(super) fn new(layout: &Layout, symbols: &Symbols, raw: &Raw) -> RawTree {
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

/// proptest's shrinking loop, as its runner runs it, over the failing
/// draw's [`RawTree`]: simplify while the link still fails, complicate
/// when it passes; a candidate where a side is undefined, or the sides
/// cannot be told apart, counts as passing.
pub(super) fn shrink(
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
        Domain::Real | Domain::Symmetric => {
            vec![0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0]
        }
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

/// After the proptest-style shrinking, which moves values toward simpler ones but
/// stops wherever the claim happens to hold, tries the simplest values for
/// each element in turn and keeps any that still fail. Only failures
/// confirmed by `judge` are kept, so the result is still a counterexample.
pub(super) fn polish(
    plan: &Plan,
    symbols: &Symbols,
    layout: &Layout,
    st: &mut State,
    limits: &Limits,
    failure: (Raw, f64, f64),
) -> (Raw, f64, f64) {
    let mut best = failure;
    st.stopped = None;
    // The value trees shrink dimensions before values and never go back,
    // so a dimension that could not shrink with the original values may
    // shrink with the simplified ones: repeat until nothing changes.
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

#[cfg(test)]
mod tests {
    use super::*;

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
