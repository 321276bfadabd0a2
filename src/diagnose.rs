//! Diagnosis of a false link: one line that says what went wrong, in the
//! words a teacher would use ("a sign is lost", "a chain-rule factor (a) is
//! missing"), followed by the simplified difference of the two sides.
//!
//! Candidates come from the symbolic engine: the canonical ratio
//! `lhs / rhs` (a constant, the derivative of an inner argument, a power of
//! a factor), and the canonical difference `lhs − rhs`. A candidate is said
//! only after the numeric witness confirms it at several points where both
//! sides are defined (the counterexample and random samples), so a
//! diagnosis is never a guess: when nothing is confirmed there is none.
//!
//! Work is bounded by a small [`canon::Budget`] per canonicalization, a
//! pool of work units for the whole diagnosis and a fixed number of
//! points — counts, never time, so the diagnosis is the same on any
//! machine — and nothing here can fail a run: a limit only means a less
//! specific diagnosis, or none.

use crate::canon::{self, Budget};
use crate::diff::has_derivative;
use crate::expr::print::print;
use crate::expr::{Func, Id, IndexId, Node, Rational, Store, Symbols, VarId};
use crate::lower::{LetForm, Written};
use crate::numeric::{self, Counterexample, Point};
use num_traits::{One, Signed, Zero};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

mod transpose;

/// Random points checked besides the counterexample.
const POINTS: usize = 12;
/// Fewest points (where every value involved is defined) that must confirm
/// a candidate before it is said.
const MIN_CONFIRMED: usize = 3;
/// A printed term longer than this is not "a term" a student can read at a
/// glance: the diagnosis then says "the two sides differ by".
const SHORT_TERM: usize = 40;
/// The difference is left out of a diagnosis when it is longer than this:
/// a line nobody reads explains nothing.
const MAX_DIFFERENCE: usize = 200;
/// Expressions with more nodes than this (as a tree) are not printed.
const MAX_PRINTED_NODES: usize = 120;
/// Work units (see [`canon::Budget`]) for one canonicalization.
const CANON_WORK: u64 = 1_000_000;
/// Work units for the whole diagnosis, so a false link in a large
/// derivation costs at most this much more.
const TOTAL_WORK: u64 = 4_000_000;
/// At most this many inner arguments are tried as chain-rule candidates.
const MAX_INNER: usize = 24;

/// What went wrong in the false link `lhs = rhs`, in one line, or `None`
/// when no statement could be confirmed.
///
/// `free` are the link's free indices and `cx` the counterexample the
/// numeric witness found; both sides must be defined there. The store grows
/// (canonical forms, derivatives), as it does under [`canon::prove`].
pub fn diagnose(
    store: &mut Store,
    symbols: &mut Symbols,
    lhs: Id,
    rhs: Id,
    free: &[IndexId],
    cx: &Counterexample,
    wording: &Wording<'_>,
) -> Option<String> {
    let mut d = Diagnoser::new(store, symbols, lhs, rhs, free, cx);
    let said = say(&mut d, free, wording.written)?;
    Some(d.name_lets(wording.lets, said))
}

/// How the link is written, for a diagnosis's words only (nothing here
/// decides what is said true).
#[derive(Clone, Copy)]
pub struct Wording<'a> {
    /// The file's lets, named where their values appear.
    pub lets: &'a [LetForm],
    /// How each side (left, right) writes its variables: `X` or `Xᵀ`.
    pub written: &'a [Vec<Written>; 2],
}

/// The diagnosis, before let-names are put back.
fn say(d: &mut Diagnoser<'_>, free: &[IndexId], written: &[Vec<Written>; 2]) -> Option<String> {
    let difference = match d.difference() {
        Ok(difference) => difference,
        // Canonically equal sides contradict the counterexample; whatever
        // went wrong, no diagnosis is better than a made-up one.
        Err(Contradiction) => return None,
    };
    let headline = d
        .by_free_index(free)
        .or_else(|| d.by_wrong_rule())
        .or_else(|| d.by_transpose(free, written))
        .or_else(|| d.by_ratio());
    match (headline, difference) {
        (Some(h), Some((_, text))) if text.chars().count() <= MAX_DIFFERENCE => {
            Some(format!("{h}; left − right = {text}"))
        }
        (Some(h), _) => Some(h),
        (None, Some((diff, text))) => d.by_difference(diff, &text),
        (None, None) => None,
    }
}

/// The symbolic engine found the sides equal although the numeric
/// witness did not.
struct Contradiction;

/// A relation between the two sides to confirm numerically.
#[derive(Clone, Copy)]
enum Relation {
    /// `lhs = g · rhs`.
    Scaled(Id),
    /// `lhs = rhs + t`.
    Shifted(Id),
}

struct Diagnoser<'a> {
    store: &'a mut Store,
    symbols: &'a mut Symbols,
    lhs: Id,
    rhs: Id,
    /// Points with the values of both sides there (both defined).
    points: Vec<(Point, f64, f64)>,
    budget: Budget,
    /// Work units left for canonicalizations; at 0, nothing new is tried.
    work_left: u64,
}

impl Drop for Diagnoser<'_> {
    /// The points go back for the next false link's diagnosis (see
    /// `numeric::give_back_points`).
    fn drop(&mut self) {
        numeric::give_back_points(
            std::mem::take(&mut self.points)
                .into_iter()
                .map(|(p, ..)| p),
        );
    }
}

impl<'a> Diagnoser<'a> {
    fn new(
        store: &'a mut Store,
        symbols: &'a mut Symbols,
        lhs: Id,
        rhs: Id,
        free: &[IndexId],
        cx: &Counterexample,
    ) -> Diagnoser<'a> {
        // Deterministic, and different links get different points.
        let seed = 0x9e37_79b9_7f4a_7c15_u64 ^ (u64::from(lhs.0) << 32 | u64::from(rhs.0));
        let mut all = Vec::new();
        all.extend(numeric::counterexample_point(symbols, free, cx));
        all.extend(numeric::random_points(
            store,
            symbols,
            &[lhs, rhs],
            free,
            seed,
            POINTS,
        ));
        let points = all
            .into_iter()
            .filter_map(|p| {
                let l = numeric::eval_at(store, symbols, lhs, &p)?;
                let r = numeric::eval_at(store, symbols, rhs, &p)?;
                Some((p, l, r))
            })
            .collect();
        Diagnoser {
            store,
            symbols,
            lhs,
            rhs,
            points,
            budget: Budget {
                max_nodes: 40_000,
                max_work: CANON_WORK,
            },
            work_left: TOTAL_WORK,
        }
    }

    fn canon(&mut self, id: Id) -> Option<Id> {
        if self.work_left == 0 {
            return None;
        }
        let budget = Budget {
            max_work: self.budget.max_work.min(self.work_left),
            ..self.budget.clone()
        };
        let (result, spent) = canon::canonicalize_spent(self.store, self.symbols, id, &budget);
        self.work_left = self.work_left.saturating_sub(spent.max(1));
        result.ok().map(|(c, _)| c)
    }

    /// `id` printed, unless it is so large that the line would be
    /// unreadable (printing unfolds shared subexpressions, so a small store
    /// can print as a huge text).
    fn print(&self, id: Id) -> Option<String> {
        let mut sizes = HashMap::new();
        if tree_size(self.store, id, &mut sizes) > MAX_PRINTED_NODES {
            return None;
        }
        Some(print(self.store, self.symbols, id))
    }

    /// True when the relation holds at every point where its values are
    /// defined, and there are enough such points.
    fn confirmed(&self, relation: Relation) -> bool {
        if self.work_left == 0 {
            return false;
        }
        let mut checked = 0;
        for (p, l, r) in &self.points {
            let (g, t) = match relation {
                Relation::Scaled(g) => (numeric::eval_at(self.store, self.symbols, g, p), None),
                Relation::Shifted(t) => (None, numeric::eval_at(self.store, self.symbols, t, p)),
            };
            let predicted = match (relation, g, t) {
                (Relation::Scaled(_), Some(g), _) => g * r,
                (Relation::Shifted(_), _, Some(t)) => r + t,
                // The relation's own value is undefined here (a ratio where
                // the right side is 0): this point neither confirms nor
                // refutes it.
                _ => continue,
            };
            let scale = l.abs().max(predicted.abs()).max(r.abs());
            if !predicted.is_finite() || (l - predicted).abs() > 1e-7 * scale + 1e-9 {
                return false;
            }
            checked += 1;
        }
        checked >= MIN_CONFIRMED
    }

    /// A free index that only one side mentions, when that side changes
    /// with it: "the left side depends on `j` but the right side does not",
    /// with two values of `j` that give that side different values and
    /// everything else the same. An equality holds for each value of its
    /// free indices, so the other side is the same for both: one of them is
    /// a counterexample.
    fn by_free_index(&self, free: &[IndexId]) -> Option<String> {
        for &ix in free {
            let (in_l, in_r) = (
                mentions(self.store, self.lhs, ix),
                mentions(self.store, self.rhs, ix),
            );
            let (side, other, id) = match (in_l, in_r) {
                (true, false) => ("left", "right", self.lhs),
                (false, true) => ("right", "left", self.rhs),
                _ => continue,
            };
            let name = &self.symbols.index(ix).name;
            let dim = self.symbols.index_dim(ix).0 as usize;
            for (p, l, r) in &self.points {
                let here = if id == self.lhs { *l } else { *r };
                let (Some(&at), Some(&n)) = (p.indices.get(ix.0 as usize), p.dims.get(dim)) else {
                    continue;
                };
                for v in (0..n).filter(|&v| v != at) {
                    let mut q = p.clone();
                    q.indices[ix.0 as usize] = v;
                    let Some(there) = numeric::eval_at(self.store, self.symbols, id, &q) else {
                        continue;
                    };
                    let scale = here.abs().max(there.abs());
                    if (here - there).abs() > 1e-7 * scale + 1e-9 {
                        return Some(format!(
                            "the {side} side depends on `{name}` but the {other} side does not: \
                             the {side} side is {} at {name} = {at} and {} at {name} = {v}, \
                             everything else the same",
                            short_number(here),
                            short_number(there)
                        ));
                    }
                }
            }
        }
        None
    }

    /// The canonical `lhs − rhs`, printed, when it is confirmed.
    fn difference(&mut self) -> Result<Option<(Id, String)>, Contradiction> {
        let raw = self.store.sub(self.lhs, self.rhs);
        let Some(diff) = self.canon(raw) else {
            return Ok(None);
        };
        if is_zero(self.store, diff) {
            return Err(Contradiction);
        }
        if !self.confirmed(Relation::Shifted(diff)) {
            return Ok(None);
        }
        Ok(self.print(diff).map(|text| (diff, text)))
    }

    /// "exp of a sum is a product of exps": the right side is the left
    /// side with one of the classic wrong rules applied.
    fn by_wrong_rule(&mut self) -> Option<String> {
        for rule in WrongRule::ALL {
            let mut first = None;
            let wrong = rewrite(self.store, self.lhs, rule, &mut first, &mut HashMap::new());
            let Some((before, _)) = first else {
                continue;
            };
            if wrong == self.lhs || !self.agree(wrong) {
                continue;
            }
            let (w, b) = (first.map_or(wrong, |(_, w)| w), self.print(before)?);
            return Some(match rule.right(self.store, before) {
                Some(right) => format!("{}: {b} = {}", rule.says(), self.print(right)?),
                None => format!("{}: {b} ≠ {}", rule.says(), self.print(w)?),
            });
        }
        None
    }

    /// True when `id` equals the right side at every point where both are
    /// defined, and there are enough such points.
    fn agree(&self, id: Id) -> bool {
        self.agrees_with(id, false)
    }

    /// True when `id` equals the left side (`with_lhs`) or the right side
    /// at every point where both are defined, and there are enough such
    /// points.
    fn agrees_with(&self, id: Id, with_lhs: bool) -> bool {
        if self.work_left == 0 {
            return false;
        }
        let mut checked = 0;
        for (p, l, r) in &self.points {
            let Some(v) = numeric::eval_at(self.store, self.symbols, id, p) else {
                continue;
            };
            let r = if with_lhs { l } else { r };
            if (v - r).abs() > 1e-7 * v.abs().max(r.abs()) + 1e-9 {
                return false;
            }
            checked += 1;
        }
        checked >= MIN_CONFIRMED
    }

    /// A diagnosis from the ratio of the two sides: a constant factor, a
    /// missing chain-rule factor, an exponent off, a short factor.
    fn by_ratio(&mut self) -> Option<String> {
        let raw = self.store.div(self.lhs, self.rhs);
        let Some(q) = self.canon(raw) else {
            return self.sign_lost_numerically();
        };
        if let Node::Num(c) = self.store.get(q).clone() {
            // A ratio of 1 contradicts the counterexample: say nothing.
            if c.is_zero() || c.is_one() || !self.confirmed(Relation::Scaled(q)) {
                return None;
            }
            if c == -Rational::one() {
                return Some("a sign is lost".into());
            }
            let c = self.print(q)?;
            return Some(format!(
                "off by a factor {c}: the left side is {c} times the right side"
            ));
        }
        if let Some(s) = self.chain_factor(q) {
            return Some(s);
        }
        // A ratio that happens to be some f′(u) is a chain-rule slip only
        // where something is differentiated: `1 − σ(x) = σ(x)` has the
        // ratio e^(−x), which is not a forgotten exp′.
        if has_derivative(self.store, self.lhs) || has_derivative(self.store, self.rhs) {
            if let Some(s) = self.outer_factor(q) {
                return Some(s);
            }
        }
        if let Some(s) = self.exponent(q) {
            return Some(s);
        }
        // The same function written two ways (the builtin σ on one side,
        // 1/(1 + e^(−x)) on the other) can leave a ratio of −1 that the
        // canonical forms do not reach: the lost sign is the same mistake.
        if let Some(s) = self.sign_lost_numerically() {
            return Some(s);
        }
        // A short product (no sum, no division in it) is still a factor a
        // student can look for; a ratio like sin(x) / cos(x) only restates
        // the two sides.
        let text = self.print(q)?;
        if !has_add(self.store, q)
            && !has_division(self.store, q)
            && text.chars().count() <= SHORT_TERM
            && self.confirmed(Relation::Scaled(q))
        {
            return Some(format!("the left side is {text} times the right side"));
        }
        None
    }

    /// `text` with each let's value, where it appears as printed, replaced
    /// by the let's name at the index it appears at: `sigmoid′(z1[i])`
    /// rather than the expansion of `z1`. Later lets are matched after the
    /// earlier ones they use are named in their own printed values. Only
    /// printing changes: nothing is claimed that was not confirmed.
    fn name_lets(&mut self, lets: &[LetForm], mut text: String) -> String {
        let mut named: Vec<(String, String)> = Vec::new();
        for form in lets {
            if self.work_left == 0 {
                break;
            }
            // A scalar let's value is a name a reader already sees, and
            // one-index lets are what a diagnosis expands.
            let [ix] = form.indices[..] else { continue };
            let Some(c) = self.canon(form.value) else {
                continue;
            };
            let saved = std::mem::replace(
                &mut self.symbols.indices[ix.0 as usize].name,
                HOLE.to_string(),
            );
            let printed = self.print(c);
            self.symbols.indices[ix.0 as usize].name = saved;
            let Some(mut pattern) = printed else { continue };
            for (from, to) in &named {
                pattern = pattern.replace(from.as_str(), to.as_str());
            }
            // Too short a value (a bare `x[i]`) would name what is not it.
            if pattern.chars().count() < 8 || !pattern.contains(HOLE) {
                continue;
            }
            text = fill_holes(&text, &pattern, &form.name);
            named.push((pattern, format!("{}[{HOLE}]", form.name)));
        }
        text
    }

    /// "a sign is lost" when `lhs = −rhs` at every point, by the numeric
    /// witness alone.
    fn sign_lost_numerically(&mut self) -> Option<String> {
        let m1 = self.store.int(-1);
        self.confirmed(Relation::Scaled(m1))
            .then(|| "a sign is lost".to_string())
    }

    /// "a chain-rule factor (a) is missing": the ratio is the derivative
    /// of an argument inside a differentiated expression.
    fn chain_factor(&mut self, q: Id) -> Option<String> {
        let mut derivs = Vec::new();
        collect_derivs(self.store, self.lhs, &mut derivs, &mut HashSet::new());
        let lhs_derivs = derivs.len();
        collect_derivs(self.store, self.rhs, &mut derivs, &mut HashSet::new());
        if derivs.is_empty() {
            return None;
        }
        let m1 = self.store.int(-1);
        let inv = self.store.pow(q, m1);
        let q_inv = self.canon(inv)?;
        let mut found: Option<(Id, Id, bool, usize)> = None;
        'outer: for (k, &(body, var, ref at)) in derivs.iter().enumerate() {
            let mut inner = Vec::new();
            collect_inner(self.store, body, &mut inner, &mut HashSet::new());
            for u in inner {
                let derived = crate::diff::derive(self.store, self.symbols, u, var, at);
                let Some(g) = self.canon(derived) else {
                    continue;
                };
                if is_number(self.store, g) {
                    continue;
                }
                if g == q || g == q_inv {
                    found = Some((u, g, g == q, k));
                    break 'outer;
                }
            }
        }
        let (u, g, lhs_has_it, k) = found?;
        if !self.confirmed(Relation::Scaled(q)) {
            return None;
        }
        let deriv_on_left = k < lhs_derivs;
        let (factor, inner) = (self.print(g)?, self.print(u)?);
        let var_name = self.symbols.var(derivs[k].1).name.clone();
        // The side with the derivative is the one written before applying
        // the chain rule; the other side is the student's result.
        Some(if lhs_has_it == deriv_on_left {
            format!(
                "a chain-rule factor ({factor}) is missing: the derivative of {inner} by {var_name}"
            )
        } else {
            format!(
                "a factor {factor} (the derivative of {inner} by {var_name}) is applied where none belongs"
            )
        })
    }

    /// "a chain-rule factor f′(u) is missing": the ratio is the derivative
    /// of an outer function at its argument, for some f(u) in either side's
    /// canonical form (σ′(z1) dropped from a backprop step).
    fn outer_factor(&mut self, q: Id) -> Option<String> {
        let mut apps = Vec::new();
        for side in [self.lhs, self.rhs] {
            let c = self.canon(side)?;
            collect_apps(self.store, c, &mut apps, &mut HashSet::new());
        }
        let m1 = self.store.int(-1);
        let inv = self.store.pow(q, m1);
        let q_inv = self.canon(inv)?;
        for (f, u) in apps {
            let derivative = outer_derivative(self.store, f, u);
            let Some(g) = self.canon(derivative) else {
                continue;
            };
            if (g == q || g == q_inv) && self.confirmed(Relation::Scaled(q)) {
                let (factor, at) = (self.print(g)?, self.print(u)?);
                let name = f.name();
                let missing = if g == q {
                    "is missing"
                } else {
                    "is applied where none belongs"
                };
                return Some(format!(
                    "a chain-rule factor {missing}: {name}′({at}) = {factor}"
                ));
            }
        }
        None
    }

    /// "an exponent is off by k": the ratio is a power of a factor of the
    /// two sides.
    fn exponent(&mut self, q: Id) -> Option<String> {
        let (base, k) = match self.store.get(q).clone() {
            Node::Pow(b, e) => match self.store.get(e) {
                Node::Num(k) => (b, k.clone()),
                _ => return None,
            },
            Node::Var(..) | Node::Apply(..) | Node::Const(_) | Node::Sum { .. } => {
                (q, Rational::one())
            }
            _ => return None,
        };
        let cl = self.canon(self.lhs)?;
        let cr = self.canon(self.rhs)?;
        // A power on one side only is a missing factor, not an exponent
        // off; the generic factor diagnosis says that better.
        let el = exponent_of(self.store, cl, base)?;
        let er = exponent_of(self.store, cr, base)?;
        if !self.confirmed(Relation::Scaled(q)) {
            return None;
        }
        let kt = print_num(self.store, self.symbols, &k.abs());
        let power = |this: &mut Self, e: Rational| -> Option<String> {
            if e.is_one() {
                return this.print(base);
            }
            let en = this.store.num(e);
            let p = this.store.pow(base, en);
            this.print(p)
        };
        let (pl, pr) = (power(self, el)?, power(self, er)?);
        Some(format!(
            "an exponent is off by {kt}: {pl} on the left, {pr} on the right"
        ))
    }

    /// A diagnosis from the difference alone: a missing or extra term when
    /// it is one short term, else the difference itself.
    fn by_difference(&mut self, diff: Id, text: &str) -> Option<String> {
        if text.chars().count() > MAX_DIFFERENCE {
            return None;
        }
        if !matches!(self.store.get(diff), Node::Add(_)) && text.chars().count() <= SHORT_TERM {
            if is_negative(self.store, diff) {
                let neg = self.store.neg(diff);
                if let Some(t) = self.canon(neg).and_then(|t| self.print(t)) {
                    return Some(format!("the right side adds {t}"));
                }
            }
            return Some(format!("the right side misses {text}"));
        }
        Some(format!("the two sides differ by {text} (left − right)"))
    }
}

/// A rule students apply that does not hold, as data: what it rewrites,
/// what it should have been, and what to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WrongRule {
    /// `exp(a + b) → exp(a) + exp(b)`.
    ExpOfSum,
    /// `log(a + b) → log(a) + log(b)`.
    LogOfSum,
    /// `log(a · b) → log(a) · log(b)`.
    LogOfProduct,
    /// `(a + b)^n → a^n + b^n` for an integer n ≠ 0, 1 (so also
    /// `1/(a + b) → 1/a + 1/b`).
    PowerOfSum,
}

impl WrongRule {
    const ALL: [WrongRule; 4] = [
        WrongRule::ExpOfSum,
        WrongRule::LogOfSum,
        WrongRule::LogOfProduct,
        WrongRule::PowerOfSum,
    ];

    fn says(self) -> &'static str {
        match self {
            WrongRule::ExpOfSum => "exp of a sum is a product of exps, not a sum",
            WrongRule::LogOfSum => "log of a sum is not the sum of the logs",
            WrongRule::LogOfProduct => "log of a product is a sum of logs, not a product",
            WrongRule::PowerOfSum => "a power of a sum is not the sum of the powers",
        }
    }

    /// The wrong rewrite of `id`, when the rule applies to it.
    fn wrong(self, store: &mut Store, id: Id) -> Option<Id> {
        match (self, store.get(id).clone()) {
            (WrongRule::ExpOfSum, Node::Apply(Func::Exp, a)) => {
                let Node::Add(xs) = store.get(a).clone() else {
                    return None;
                };
                let parts = xs.iter().map(|&x| store.apply(Func::Exp, x)).collect();
                Some(store.add(Node::Add(parts)))
            }
            (WrongRule::LogOfSum, Node::Apply(Func::Log, a)) => {
                let Node::Add(xs) = store.get(a).clone() else {
                    return None;
                };
                let parts = xs.iter().map(|&x| store.apply(Func::Log, x)).collect();
                Some(store.add(Node::Add(parts)))
            }
            (WrongRule::LogOfProduct, Node::Apply(Func::Log, a)) => {
                let Node::Mul(xs) = store.get(a).clone() else {
                    return None;
                };
                let parts = xs.iter().map(|&x| store.apply(Func::Log, x)).collect();
                Some(store.add(Node::Mul(parts)))
            }
            (WrongRule::PowerOfSum, Node::Pow(b, e)) => {
                let Node::Num(n) = store.get(e) else {
                    return None;
                };
                if !n.is_integer() || n.is_zero() || n.is_one() {
                    return None;
                }
                let Node::Add(xs) = store.get(b).clone() else {
                    return None;
                };
                let parts = xs.iter().map(|&x| store.pow(x, e)).collect();
                Some(store.add(Node::Add(parts)))
            }
            _ => None,
        }
    }

    /// What `id` is by the right rule, when that is short enough to show
    /// beside the mistake.
    fn right(self, store: &mut Store, id: Id) -> Option<Id> {
        match (self, store.get(id).clone()) {
            (WrongRule::ExpOfSum, Node::Apply(_, a)) => {
                let Node::Add(xs) = store.get(a).clone() else {
                    return None;
                };
                let parts = xs.iter().map(|&x| store.apply(Func::Exp, x)).collect();
                Some(store.add(Node::Mul(parts)))
            }
            (WrongRule::LogOfProduct, Node::Apply(_, a)) => {
                let Node::Mul(xs) = store.get(a).clone() else {
                    return None;
                };
                let parts = xs.iter().map(|&x| store.apply(Func::Log, x)).collect();
                Some(store.add(Node::Add(parts)))
            }
            // No short right form: the wrong one is shown instead.
            _ => None,
        }
    }
}

/// `id` with every node the wrong rule applies to rewritten by it; `first`
/// gets the first rewritten node and its rewrite.
fn rewrite(
    store: &mut Store,
    id: Id,
    rule: WrongRule,
    first: &mut Option<(Id, Id)>,
    memo: &mut HashMap<Id, Id>,
) -> Id {
    if let Some(&r) = memo.get(&id) {
        return r;
    }
    let node = store.get(id).clone();
    let rebuilt = match node.clone() {
        Node::Add(xs) => {
            let ys = xs
                .iter()
                .map(|&x| rewrite(store, x, rule, first, memo))
                .collect();
            store.add(Node::Add(ys))
        }
        Node::Mul(xs) => {
            let ys = xs
                .iter()
                .map(|&x| rewrite(store, x, rule, first, memo))
                .collect();
            store.add(Node::Mul(ys))
        }
        Node::Pow(b, e) => {
            let b = rewrite(store, b, rule, first, memo);
            let e = rewrite(store, e, rule, first, memo);
            store.pow(b, e)
        }
        Node::Apply(f, a) => {
            let a = rewrite(store, a, rule, first, memo);
            store.apply(f, a)
        }
        Node::Sum {
            index,
            except,
            body,
        } => {
            let body = rewrite(store, body, rule, first, memo);
            store.add(Node::Sum {
                index,
                except,
                body,
            })
        }
        // A derivative is not rewritten inside: its value is a different
        // expression from its body's.
        _ => id,
    };
    let result = match rule.wrong(store, rebuilt) {
        Some(w) => {
            first.get_or_insert((id, w));
            w
        }
        None => rebuilt,
    };
    memo.insert(id, result);
    result
}

/// Stands for a let's index in its printed value while it is matched.
const HOLE: &str = "\u{2983}";

/// `text` with every occurrence of `pattern` (where each `HOLE` stands for
/// one and the same index name) replaced by `name[that index]`.
fn fill_holes(text: &str, pattern: &str, name: &str) -> String {
    let parts: Vec<&str> = pattern.split(HOLE).collect();
    if parts[0].is_empty() {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    'scan: while let Some(at) = rest.find(parts[0]) {
        let mut pos = at + parts[0].len();
        let mut index: Option<&str> = None;
        for part in &parts[1..] {
            let tail = &rest[pos..];
            let len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let ident = &tail[..len];
            if len == 0 || index.is_some_and(|i| i != ident) || !tail[len..].starts_with(part) {
                let next = at + rest[at..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&rest[..next]);
                rest = &rest[next..];
                continue 'scan;
            }
            index = Some(ident);
            pos += len + part.len();
        }
        out.push_str(&rest[..at]);
        let _ = write!(out, "{name}[{}]", index.unwrap_or_default());
        rest = &rest[pos..];
    }
    out.push_str(rest);
    out
}

/// True when index `ix` occurs anywhere in `id`.
fn mentions(store: &Store, id: Id, ix: IndexId) -> bool {
    any_node(store, id, |n| match n {
        Node::Var(_, is) => is.contains(&ix),
        Node::Delta(a, b) => *a == ix || *b == ix,
        Node::Sum { except, .. } => *except == Some(ix),
        Node::Deriv { at, .. } => at.contains(&ix),
        _ => false,
    })
}

/// A value for a message: at most 6 decimals, no trailing zeros.
fn short_number(x: f64) -> String {
    let s = format!("{:.6}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn is_zero(store: &Store, id: Id) -> bool {
    matches!(store.get(id), Node::Num(r) if r.is_zero())
}

fn is_number(store: &Store, id: Id) -> bool {
    matches!(store.get(id), Node::Num(_))
}

/// A term that prints with a leading minus.
fn is_negative(store: &Store, id: Id) -> bool {
    match store.get(id) {
        Node::Num(r) => r.is_negative(),
        Node::Mul(xs) => xs.iter().any(|&x| is_negative(store, x)),
        _ => false,
    }
}

fn has_add(store: &Store, id: Id) -> bool {
    any_node(store, id, |n| matches!(n, Node::Add(_)))
}

/// Whether some node of `id` satisfies `pred`, each shared node looked at
/// once (lowered sides share much: a let's value everywhere it is used).
fn any_node(store: &Store, id: Id, pred: impl Fn(&Node) -> bool) -> bool {
    let mut memo = rustc_hash::FxHashMap::default();
    crate::expr::any_node(store, id, &mut memo, &|_, node| pred(node).then_some(true))
}

/// True when `id` divides by something (a negative power).
fn has_division(store: &Store, id: Id) -> bool {
    match store.get(id) {
        Node::Pow(_, e) => matches!(store.get(*e), Node::Num(k) if k.is_negative()),
        Node::Mul(xs) => xs.iter().any(|&x| has_division(store, x)),
        _ => false,
    }
}

/// The number of nodes of `id` as a tree (shared subexpressions counted
/// each time), saturating just past [`MAX_PRINTED_NODES`].
fn tree_size(store: &Store, id: Id, memo: &mut HashMap<Id, usize>) -> usize {
    if let Some(&n) = memo.get(&id) {
        return n;
    }
    let n = crate::expr::children(store.get(id))
        .into_iter()
        .fold(1usize, |acc, c| {
            acc.saturating_add(tree_size(store, c, memo))
                .min(MAX_PRINTED_NODES + 1)
        });
    memo.insert(id, n);
    n
}

fn print_num(store: &mut Store, symbols: &Symbols, r: &Rational) -> String {
    let id = store.num(r.clone());
    print(store, symbols, id)
}

/// The exponent of `base` as a factor of the canonical `id`.
fn exponent_of(store: &Store, id: Id, base: Id) -> Option<Rational> {
    if id == base {
        return Some(Rational::one());
    }
    match store.get(id) {
        Node::Pow(b, e) if *b == base => match store.get(*e) {
            Node::Num(k) => Some(k.clone()),
            _ => None,
        },
        Node::Mul(xs) => xs.iter().find_map(|&x| exponent_of(store, x, base)),
        _ => None,
    }
}

/// Every derivative in `id`: (body, variable, element).
fn collect_derivs(
    store: &Store,
    id: Id,
    out: &mut Vec<(Id, VarId, Vec<IndexId>)>,
    seen: &mut HashSet<Id>,
) {
    if !seen.insert(id) || out.len() >= MAX_INNER {
        return;
    }
    let node = store.get(id);
    if let Node::Deriv { body, var, at } = node {
        out.push((*body, *var, at.clone()));
    }
    for c in crate::expr::children(node) {
        collect_derivs(store, c, out, seen);
    }
}

/// The function applications `f(u)` in `id`, each once.
fn collect_apps(store: &Store, id: Id, out: &mut Vec<(Func, Id)>, seen: &mut HashSet<Id>) {
    if !seen.insert(id) || out.len() >= MAX_INNER {
        return;
    }
    let node = store.get(id);
    if let Node::Apply(f, u) = node {
        if !out.contains(&(*f, *u)) {
            out.push((*f, *u));
        }
    }
    for c in crate::expr::children(node) {
        collect_apps(store, c, out, seen);
    }
}

/// `f′(u)`, written out with the derivative rule of `f`.
fn outer_derivative(store: &mut Store, f: Func, u: Id) -> Id {
    let fu = store.apply(f, u);
    crate::diff::fprime(store, f, u, fu)
}

/// The inner arguments of `id`: arguments of functions, bases and
/// non-constant exponents of powers, and each of them without its numeric
/// coefficient (`-a x` → `a x`), since a dropped factor is often exactly
/// that.
fn collect_inner(store: &mut Store, id: Id, out: &mut Vec<Id>, seen: &mut HashSet<Id>) {
    if !seen.insert(id) || out.len() >= MAX_INNER {
        return;
    }
    let node = store.get(id).clone();
    let push = |store: &mut Store, u: Id, out: &mut Vec<Id>| {
        if !is_number(store, u) && !out.contains(&u) {
            out.push(u);
        }
        if let Some(v) = without_coefficient(store, u) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    };
    match &node {
        Node::Apply(_, a) => push(store, *a, out),
        Node::Pow(b, e) => {
            push(store, *b, out);
            if !is_number(store, *e) {
                push(store, *e, out);
            }
        }
        _ => {}
    }
    for c in crate::expr::children(&node) {
        collect_inner(store, c, out, seen);
    }
}

/// `c · rest` without the number `c` (nested products flattened).
fn without_coefficient(store: &mut Store, id: Id) -> Option<Id> {
    let Node::Mul(xs) = store.get(id).clone() else {
        return None;
    };
    let mut factors = Vec::new();
    let mut had_number = false;
    let mut stack: Vec<Id> = xs.into_iter().rev().collect();
    while let Some(x) = stack.pop() {
        match store.get(x).clone() {
            Node::Num(_) => had_number = true,
            Node::Mul(ys) => stack.extend(ys.into_iter().rev()),
            _ => factors.push(x),
        }
    }
    if !had_number || factors.is_empty() {
        return None;
    }
    Some(if factors.len() == 1 {
        factors[0]
    } else {
        store.add(Node::Mul(factors))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::SampleValue;

    /// Nothing about how the link is written.
    const NO_WORDING: Wording<'static> = Wording {
        lets: &[],
        written: &[Vec::new(), Vec::new()],
    };

    #[test]
    fn let_values_are_named_where_they_appear_whole() {
        let pattern = format!("b1[{HOLE}] + sum(k, x[k] * W1[{HOLE}, k])");
        assert_eq!(
            fill_holes(
                "σ′(b1[i] + sum(k, x[k] * W1[i, k])) and b1[j] + sum(k, x[k] * W1[a, k])",
                &pattern,
                "z1"
            ),
            // The second one's two indices differ: it is not z1's value.
            "σ′(z1[i]) and b1[j] + sum(k, x[k] * W1[a, k])"
        );
        assert_eq!(fill_holes("nothing here", &pattern, "z1"), "nothing here");
    }
    use crate::lower::lower_file;
    use crate::numeric::{check_link, NumericOutcome, SampleConfig};
    use crate::syntax::parse_file;

    /// The diagnosis of the first link of the only claim in `source`, which
    /// must be false.
    fn diagnosis(source: &str) -> Option<String> {
        let parsed = parse_file(source);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut lowered = lower_file(&parsed);
        assert!(lowered.errors.is_empty(), "{:?}", lowered.errors);
        let Ok(link) = lowered.claims[0].links[0].clone() else {
            panic!("the first link of {source} is in error");
        };
        let config = SampleConfig {
            samples: 64,
            seed: 1,
        };
        let outcome = check_link(
            &lowered.store,
            &lowered.symbols,
            link.lhs,
            link.rhs,
            &link.free,
            &config,
        );
        let NumericOutcome::False(cx) = outcome else {
            panic!("not false: {outcome:?}");
        };
        diagnose(
            &mut lowered.store,
            &mut lowered.symbols,
            link.lhs,
            link.rhs,
            &link.free,
            &cx,
            &Wording {
                lets: &lowered.lets,
                written: &link.written,
            },
        )
    }

    /// The headline must be exactly `want`; the difference that follows
    /// is the engine's canonical form, whose term order is its own, so it
    /// is only required to be there (`with_difference`) or not.
    fn check(source: &str, want: &str, with_difference: bool) {
        let got = diagnosis(&format!("x, a : real\nf(t) := exp(t)\n{source}\n"));
        let got = got.unwrap_or_else(|| panic!("no diagnosis for {source}"));
        let (headline, difference) = match got.split_once("; left − right = ") {
            Some((h, d)) => (h, Some(d)),
            None => (got.as_str(), None),
        };
        assert_eq!(headline, want, "{got}");
        assert_eq!(difference.is_some(), with_difference, "{got}");
        if let Some(d) = difference {
            assert!(!d.is_empty() && !d.contains('#'), "{got}");
        }
    }

    macro_rules! case {
        ($name:ident, $source:expr, $want:expr) => {
            #[test]
            fn $name() {
                check($source, $want, true);
            }
        };
        ($name:ident, $source:expr, $want:expr, alone) => {
            #[test]
            fn $name() {
                check($source, $want, false);
            }
        };
    }

    case!(
        outer_derivative_dropped,
        "claim c: d/dx tanh(x^2) = 2 x",
        "a chain-rule factor is missing: tanh′(x^2) = 1 - tanh(x^2)^2"
    );
    case!(
        no_chain_rule_without_a_derivative,
        "claim c: 1 - sigmoid(x) = sigmoid(x)",
        "the two sides differ by 1 - 2 * sigmoid(x) (left − right)",
        alone
    );
    case!(
        exponent_off,
        "claim c: x^3 = x^2",
        "an exponent is off by 1: x^3 on the left, x^2 on the right"
    );
    case!(
        exponent_off_below,
        "claim c: x^(-2) exp(x) = x^(-1) exp(x)",
        "an exponent is off by 1: 1 / x^2 on the left, 1 / x on the right"
    );
    case!(
        constant_factor,
        "claim c: 2 x = x",
        "off by a factor 2: the left side is 2 times the right side"
    );
    case!(
        constant_fraction,
        "claim c: x / 2 = x",
        "off by a factor 1/2: the left side is 1/2 times the right side"
    );
    case!(
        missing_term,
        "claim c: x + 1 = x",
        "the right side misses 1",
        alone
    );
    case!(
        extra_term,
        "claim c: x = x + 1",
        "the right side adds 1",
        alone
    );
    case!(
        extra_variable_term,
        "claim c: exp(x) = exp(x) + 2 a",
        "the right side adds 2 * a",
        alone
    );
    case!(lost_sign, "claim c: -f(x) = f(x)", "a sign is lost");
    case!(
        chain_rule,
        "claim c: d/dx f(a x) = f(a x)",
        "a chain-rule factor (a) is missing: the derivative of a * x by x"
    );
    case!(
        chain_rule_on_the_right,
        "claim c: f(x^2) = d/dx f(x^2)",
        "a chain-rule factor (2 * x) is missing: the derivative of x^2 by x"
    );
    case!(
        wrong_exp_of_sum,
        "claim c: exp(x + a) = exp(x) + exp(a)",
        "exp of a sum is a product of exps, not a sum: exp(x + a) = exp(x) * exp(a)"
    );
    case!(
        wrong_power_of_sum,
        "claim c: (x + a)^2 = x^2 + a^2",
        "a power of a sum is not the sum of the powers: (x + a)^2 ≠ x^2 + a^2"
    );
    case!(
        wrong_log_of_product,
        "p, q : positive\nclaim c: log(p q) = log(p) log(q)",
        "log of a product is a sum of logs, not a product: log(p * q) = log(p) + log(q)"
    );
    case!(
        wrong_log_of_sum,
        "p, q : positive\nclaim c: log(p + q) = log(p) + log(q)",
        "log of a sum is not the sum of the logs: log(p + q) ≠ log(p) + log(q)"
    );
    case!(
        a_factor_on_one_side_only,
        "claim c: x exp(x) = exp(x)",
        "the left side is x times the right side"
    );
    case!(
        half_an_exponent,
        "p : positive\nclaim c: sqrt(p) = p",
        "an exponent is off by 1/2: sqrt(p) on the left, p on the right"
    );
    const SQUARE: &str = "X : matrix[n, n]\nS : symmetric matrix[n, n]\nw, y : vector[n]\n";
    case!(
        transpose_missing,
        &format!("{SQUARE}claim c: ∂/∂w ‖X w - y‖^2 = 2 X (X w - y)"),
        "a transpose is missing: X should be Xᵀ on the right side"
    );
    case!(
        transpose_too_many,
        &format!("{SQUARE}claim c: ∂/∂w ‖X w - y‖^2 = 2 Xᵀ (Xᵀ w - y)"),
        "a transpose is one too many: Xᵀ should be X on the right side"
    );
    case!(
        transpose_on_either_side,
        &format!("{SQUARE}claim c: (X w - y)ᵀ X = (X w - y)ᵀ Xᵀ"),
        "the two sides differ by a transpose: X on the left side, Xᵀ on the right"
    );
    case!(
        a_symmetric_matrix_is_its_own_transpose,
        &format!("{SQUARE}claim c: ∂/∂w (wᵀ S w) = S w"),
        "off by a factor 2: the left side is 2 times the right side"
    );
    #[test]
    fn a_ratio_that_only_restates_the_sides_is_not_said() {
        let got = diagnosis("x : real\nclaim c: sin(x) = cos(x)\n").unwrap_or_default();
        assert!(got.starts_with("the two sides differ by "), "{got}");
    }
    case!(
        non_constant_factor,
        "claim c: a x exp(x) = exp(x)",
        "the left side is a * x times the right side"
    );

    #[test]
    fn otherwise_the_difference() {
        let got = diagnosis("x : real\nclaim c: x^2 + x = 2 x^2 + 3\n").unwrap_or_default();
        let d = got
            .strip_prefix("the two sides differ by ")
            .and_then(|d| d.strip_suffix(" (left − right)"))
            .unwrap_or_else(|| panic!("{got}"));
        for term in ["x^2", "3", "x"] {
            assert!(d.contains(term), "{got}");
        }
    }

    #[test]
    fn a_counterexample_with_other_names_is_not_needed() {
        // The counterexample only adds a point; a stale one changes nothing.
        let mut cx = Counterexample {
            dims: vec![("nope".into(), 2)],
            indices: vec![],
            values: vec![],
            intermediates: vec![],
            lhs: 1.0,
            rhs: 2.0,
        };
        let mut store = Store::new();
        let mut symbols = Symbols::default();
        let xv = symbols.add_var("x", vec![], crate::expr::Domain::Real);
        let x = store.add(Node::Var(xv, vec![]));
        let two = store.int(2);
        let lhs = store.mul2(two, x);
        let got = diagnose(&mut store, &mut symbols, lhs, x, &[], &cx, &NO_WORDING);
        assert!(got.is_some_and(|g| g.starts_with("off by a factor 2")));
        cx.dims.clear();
        assert!(numeric::counterexample_point(&symbols, &[], &cx).is_some());
    }

    #[test]
    fn nothing_unconfirmed_is_said() {
        // Equal sides: the difference is 0, which would contradict any
        // counterexample, so there is no diagnosis at all.
        let mut store = Store::new();
        let mut symbols = Symbols::default();
        let xv = symbols.add_var("x", vec![], crate::expr::Domain::Real);
        let x = store.add(Node::Var(xv, vec![]));
        let cx = Counterexample {
            dims: vec![],
            indices: vec![],
            values: vec![("x".into(), SampleValue::Scalar(1.0))],
            intermediates: vec![],
            lhs: 1.0,
            rhs: 2.0,
        };
        assert_eq!(
            diagnose(&mut store, &mut symbols, x, x, &[], &cx, &NO_WORDING),
            None
        );
    }
}
