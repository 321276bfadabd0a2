//! Canonical forms: the symbolic witness (issue 3).
//!
//! An expression is brought to a rational function in *atoms*: a polynomial
//! numerator (sums of monomials with exact rational coefficients, Laurent and
//! rational exponents allowed) over a factored denominator (a product of
//! normalized polynomial factors with positive integer exponents). Atoms are
//! variables, constants, deltas, function applications, index sums and
//! opaque powers, each with canonical arguments. Canonical expressions are
//! built in the [`Store`] from that form, so two canonical expressions are
//! equal exactly when their ids are.
//!
//! Soundness invariant: the canonical form is defined wherever the original
//! is, and equal to it there. Every rule either preserves that or is guarded
//! by a domain fact (see [`Rule`]).
//!
//! Canonical, not complete: two sides with different canonical forms may
//! still be equal (the numeric witness then says "holds"). Denominators are
//! not factored beyond what cancellation finds, so [`prove`] also reduces
//! `lhs − rhs`, and retries with σ, tanh and tan in exp/sin/cos form when
//! atoms don't meet.
//!
//! API: [`prove`], [`prove_cached`] (what `verify` calls, with one
//! [`Cache`] of canonical forms per file), [`canonicalize`] (for `simplify`
//! and diagnostics), [`Budget`] (size and work limits: past them the answer
//! is [`Outcome::Inconclusive`], never a hang), [`Rule`] (the trace).
//! Both entry points run on a thread with a large stack, since recursion is
//! as deep as the expression.
//!
//! Files: `trivial` (sides equal up to `+ 0` and `· 1`, found first),
//! `poly` (monomials and polynomials, exact division), `ratfun`
//! (rational functions, cancellation, building expressions), `funcs` (exp,
//! log, powers and the other functions), `powers` (rational powers of sums
//! and constants), `radicals` (positive factors out of a radicand), `logs`
//! (log over written factors), `periods` (sin, cos, tan of multiples of π),
//! `trig` (angle addition, fallback mode), `sums` (index sums and deltas), `facts`
//! (positivity), `trace` (named rules). Tests: `tests`
//! (completeness, backprop, the scalar network), `soundness_tests` (false
//! claims), `prop_tests` (random expressions), `examples_tests` (the brief's
//! derivations through the real parser and lowering).

mod exact_random;
mod facts;
mod funcs;
mod logs;
mod periods;
mod poly;
mod powers;
mod radicals;
mod ratfun;
mod sums;
mod trace;
mod trig;
mod trivial;

#[cfg(test)]
mod examples_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod soundness_tests;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

pub use exact_random::Proof as ExactProof;
pub use trace::{rule_names, Rule};

use crate::expr::{DimId, Id, IndexId, Node, Rational, Store, Symbols};
use num_traits::{One, Zero};
use ratfun::Rf;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Limits on one symbolic check, so that a link never hangs or exhausts
/// memory: past them the symbolic side says "inconclusive".
///
/// Both are counts, never time: a verdict is a function of the input and
/// the seed alone, the same on an idle machine and a loaded one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The most nodes the store may grow by, and the most terms any
    /// intermediate polynomial may have (scaled down by 8).
    pub max_nodes: usize,
    /// The most work units the whole check may spend: one per form
    /// computed or normalized, plus one per pair of terms multiplied or
    /// divided (see `Ctx::charge`).
    pub max_work: u64,
}

/// The default work limit: about 20 times what the costliest link of the
/// examples and the claims suites spends, and reached within a few seconds
/// by a release build.
pub const DEFAULT_MAX_WORK: u64 = 20_000_000;

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_nodes: 400_000,
            max_work: DEFAULT_MAX_WORK,
        }
    }
}

/// A budget limit was reached; the message names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit(pub String);

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the symbolic witness concluded about a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Both sides reduce to the same canonical form.
    Proved {
        /// The rules applied to the left side.
        lhs_trace: Vec<Rule>,
        /// The rules applied to the right side.
        rhs_trace: Vec<Rule>,
    },
    /// The canonical forms differ (which does not make the link false).
    NotProved {
        /// The left side's canonical form.
        lhs: Id,
        /// The right side's canonical form.
        rhs: Id,
    },
    /// A budget limit was reached.
    Inconclusive(String),
    /// The canonical forms were not compared or did not meet, but the
    /// exact-random witness found the sides equal as rational functions of
    /// their atoms, with the error bound it states (see [`ExactProof`]).
    ProvedExact(ExactProof),
    /// The two sides are one expression once `+ 0` and `· 1` are dropped:
    /// equal wherever they are defined, found without canonical forms, so
    /// whether they are defined anywhere is not known here (a proof only
    /// with the numeric witness's defined samples; see `verify`).
    SameUpToUnits,
}

/// How function atoms are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// σ, tanh and tan stay atoms (small forms, derivative rules suffice).
    Atoms,
    /// σ, tanh in terms of exp, tan as sin/cos, sin² = 1 − cos², sin and
    /// cos of sums by angle addition: the fallback that meets hand-expanded
    /// forms.
    ExpForm,
}

type R<T> = Result<T, Limit>;

/// The largest exact coefficient the canonicalizer builds (about 20,000
/// decimal digits): far beyond any derivation, small enough that arithmetic
/// on it stays fast.
const MAX_COEFF_BITS: u64 = 1 << 16;

/// Canonical forms remembered across the links of one store, so that the
/// parts links share (a network's layers, a softmax's denominator) are
/// brought to canonical form once per file instead of once per link.
///
/// Every entry is a function of the store's expression it is keyed by (ids
/// are never reused: the store only grows), the declared domains and the
/// mode, with the rules that produced it, so a cached form's trace is the
/// trace of computing it. Use one cache with one store (and its symbols);
/// a cache that sees a different store drops its contents.
#[derive(Default)]
pub struct Cache {
    modes: [Tables; 2],
    /// Both sides of every link have their derivatives eliminated first.
    elim: crate::diff::ElimMemo,
    /// The store's length and last node when the cache was last used.
    seen: Option<(usize, Node)>,
    /// The seed the exact-random witness draws its points from.
    seed: u64,
    /// Expressions without their `+ 0` and `· 1` (`trivial`): the links of
    /// a file share most of their nodes (a network's forward pass), so each
    /// is stripped once for all of them.
    stripped: FxHashMap<Id, Id>,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Cache {
        Cache::default()
    }

    /// An empty cache whose exact-random witness draws its points from
    /// `seed` (with the sides): the file's sampling seed, so that a verdict
    /// depends only on the input and the seed.
    pub fn with_seed(seed: u64) -> Cache {
        Cache {
            seed,
            ..Cache::default()
        }
    }

    /// Drops everything unless `store` is the store last used (or grew
    /// from it): its old last node must still be where it was.
    fn check_store(&mut self, store: &Store) {
        let same = match &self.seen {
            None => true,
            Some((len, node)) => {
                *len <= store.len() && (*len == 0 || store.get(Id(*len as u32 - 1)) == node)
            }
        };
        if !same {
            *self = Cache::with_seed(self.seed);
        }
    }

    fn remember_store(&mut self, store: &Store) {
        let len = store.len();
        self.seen = match len {
            0 => Some((0, Node::Num(Rational::zero()))),
            _ => Some((len, store.get(Id(len as u32 - 1)).clone())),
        };
    }
}

/// The memo tables of one mode.
#[derive(Default)]
pub(crate) struct Tables {
    memo: FxHashMap<Id, (Arc<Rf>, u64)>,
    /// The ids given a form of more than [`CACHE_MAX_TERMS`] terms since
    /// the last trim, so that trimming does not walk the whole memo.
    large: Vec<Id>,
    factor_polys: FxHashMap<Id, Arc<poly::Poly>>,
    free_memo: FxHashMap<Id, Arc<Vec<IndexId>>>,
    level_memo: FxHashMap<Id, Option<u32>>,
    undefined_memo: FxHashMap<Id, bool>,
    /// The canonical bound indices by dimension and level, and their
    /// levels: built from the symbols, which only grow, so each link scans
    /// only the indices added since the last (a full scan per link and mode
    /// was most of starting a link).
    canon_idx: FxHashMap<(DimId, u32), IndexId>,
    idx_level: FxHashMap<IndexId, u32>,
    /// How many of the symbols' indices `canon_idx` has seen.
    scanned: usize,
}

impl Tables {
    /// Forgets the large forms: they are a link's own expansions, rarely
    /// met again, and they are most of the memory (a network's gradient
    /// held hundreds of MiB across links); the small forms are the shared
    /// parts (layers, activations, a softmax's terms) and cheap to keep.
    fn trim(&mut self) {
        // Every large form in the memo was entered since the last trim, so
        // this drops exactly the forms of more than CACHE_MAX_TERMS terms.
        for id in self.large.drain(..) {
            if self
                .memo
                .get(&id)
                .is_some_and(|(rf, _)| rf.num.len() > CACHE_MAX_TERMS)
            {
                self.memo.remove(&id);
            }
        }
    }
}

/// The most terms a form kept across links may have.
const CACHE_MAX_TERMS: usize = 256;

/// The canonicalizer's state for one mode: memo tables and the budget.
pub(crate) struct Ctx<'a> {
    pub(crate) store: &'a mut Store,
    pub(crate) symbols: &'a mut Symbols,
    mode: Mode,
    /// The memo tables, kept across links (see [`Cache`]).
    tables: Tables,
    rules: u64,
    /// Work units spent so far, and the most allowed (see [`Budget`]).
    work: u64,
    max_work: u64,
    max_store: usize,
    max_terms: usize,
    norm_depth: u32,
    undefined_atom: Id,
    /// Memo tables of finished renamings, kept for their allocations.
    rename_memos: Vec<FxHashMap<Id, Id>>,
}

/// The name prefix of canonical bound indices; `#` cannot occur in a
/// user's identifier, so they never clash with a user's index.
const CANON_PREFIX: &str = "#";

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        store: &'a mut Store,
        symbols: &'a mut Symbols,
        mode: Mode,
        budget: &Budget,
        mut tables: Tables,
    ) -> Ctx<'a> {
        if tables.scanned > symbols.indices.len() {
            // Not the symbols these tables saw: start over.
            tables.canon_idx.clear();
            tables.idx_level.clear();
            tables.scanned = 0;
        }
        // In order, so that (as in a full scan) the last index of a name wins.
        for (k, info) in symbols.indices.iter().enumerate().skip(tables.scanned) {
            if let Some(level) = info
                .name
                .strip_prefix(CANON_PREFIX)
                .and_then(|s| s.parse::<u32>().ok())
            {
                let id = IndexId(k as u32);
                tables.canon_idx.insert((info.dim, level), id);
                tables.idx_level.insert(id, level);
            }
        }
        tables.scanned = symbols.indices.len();
        let z = store.int(0);
        let m1 = store.int(-1);
        let undefined_atom = store.add(Node::Pow(z, m1));
        let max_store = store.len().saturating_add(budget.max_nodes);
        Ctx {
            store,
            symbols,
            mode,
            tables,
            rules: 0,
            work: 0,
            max_work: budget.max_work,
            max_store,
            max_terms: (budget.max_nodes / 8).max(64),
            norm_depth: 0,
            undefined_atom,
            rename_memos: Vec::new(),
        }
    }

    /// The memo tables, to keep for later links of the same store.
    fn into_tables(self) -> Tables {
        self.tables
    }

    pub(crate) fn note(&mut self, rule: Rule) {
        self.rules |= rule.bit();
    }

    /// Fails when a budget limit is reached; one unit of work.
    pub(crate) fn tick(&mut self) -> R<()> {
        self.charge(1)
    }

    /// Counts `units` of work (an operation's cost: a product of
    /// polynomials costs the pairs of terms it multiplies) and fails when
    /// a budget limit is reached.
    pub(crate) fn charge(&mut self, units: u64) -> R<()> {
        self.work = self.work.saturating_add(units);
        if self.store.len() > self.max_store {
            return Err(Limit(format!(
                "the symbolic size limit was reached ({} new expression nodes)",
                self.max_store
            )));
        }
        if self.work > self.max_work {
            return Err(Limit(format!(
                "the symbolic work limit was reached ({} work units)",
                self.max_work
            )));
        }
        Ok(())
    }

    /// Refuses an exact coefficient of more than [`MAX_COEFF_BITS`] bits:
    /// a few terms with huge coefficients (`(2^100 x + 3)^1000`) cost as
    /// much as many terms, and one multiplication of them cannot be
    /// interrupted by the time budget.
    pub(crate) fn check_bits(&self, bits: u64) -> R<()> {
        if bits > MAX_COEFF_BITS {
            return Err(Limit(format!(
                "the symbolic size limit was reached (a coefficient of more than {MAX_COEFF_BITS} bits)"
            )));
        }
        Ok(())
    }

    pub(crate) fn check_terms(&self, n: usize) -> R<()> {
        if n > self.max_terms {
            return Err(Limit(format!(
                "the symbolic size limit was reached (a polynomial with more than {} terms)",
                self.max_terms
            )));
        }
        Ok(())
    }

    /// The canonical expression of `id` and the rules used.
    pub(crate) fn canon(&mut self, id: Id) -> R<(Id, u64)> {
        let (rf, bits) = self.form(id)?;
        Ok((self.rf_expr(&rf), bits))
    }

    /// The canonical form of `id` as a rational function, and the rules
    /// used.
    fn form(&mut self, id: Id) -> R<(Arc<Rf>, u64)> {
        let saved = self.rules;
        self.rules = 0;
        let rf = self.rf_of(id);
        let bits = self.rules;
        self.rules = saved | bits;
        Ok((rf?, bits))
    }

    /// Whether the expression of `rf` would mention the undefined atom:
    /// exactly when one of its atoms or denominator factors does (the
    /// sums, products and number powers around them never are it).
    fn rf_mentions_undefined(&mut self, rf: &Rf) -> bool {
        let atoms: Vec<Id> = rf
            .num
            .monos()
            .flat_map(|m| m.0.iter().map(|(a, _)| *a))
            .chain(rf.den.iter().map(|(f, _)| *f))
            .collect();
        atoms.into_iter().any(|a| self.mentions_undefined(a))
    }

    /// Whether the undefined atom occurs in the expression `id`
    /// (remembered across links: atoms recur).
    fn mentions_undefined(&mut self, id: Id) -> bool {
        mentions_undefined(
            self.store,
            self.undefined_atom,
            id,
            &mut self.tables.undefined_memo,
        )
    }

    /// The rational-function form of any expression (memoized).
    pub(crate) fn rf_of(&mut self, id: Id) -> R<Arc<Rf>> {
        if let Some((rf, bits)) = self.tables.memo.get(&id) {
            self.rules |= *bits;
            return Ok(rf.clone());
        }
        self.tick()?;
        let saved = self.rules;
        self.rules = 0;
        let result = self.rf_of_uncached(id);
        let bits = self.rules;
        self.rules = saved | bits;
        let rf = Arc::new(result?);
        if rf.num.len() > CACHE_MAX_TERMS {
            self.tables.large.push(id);
        }
        self.tables.memo.insert(id, (rf.clone(), bits));
        Ok(rf)
    }

    /// The canonical form of an expression defined nowhere (`0^-1`): any
    /// form is sound for it, and one shared form keeps canonicity.
    pub(crate) fn undefined(&mut self) -> Rf {
        Rf::atom(self.undefined_atom)
    }

    /// Undefinedness propagates to the whole expression, so an undefined
    /// form is always exactly the undefined atom.
    pub(crate) fn is_undefined(&self, rf: &Rf) -> bool {
        rf.den.is_empty()
            && rf.num.single().is_some_and(|(m, c)| {
                c.is_one() && m.0.len() == 1 && m.0[0].0 == self.undefined_atom
            })
    }

    fn rf_of_uncached(&mut self, id: Id) -> R<Rf> {
        // The node is read in place, never cloned: its children are copied
        // out one at a time (an Add's or a Var's vector would otherwise be
        // allocated and freed on every form computed).
        // A nowhere-defined part makes the whole nowhere defined.
        if !matches!(self.store.get(id), Node::Sum { .. } | Node::Deriv { .. }) {
            let mut k = 0;
            while let Some(c) = child_at(self.store.get(id), k) {
                let r = self.rf_of(c)?;
                if self.is_undefined(&r) {
                    return Ok(self.undefined());
                }
                k += 1;
            }
        }
        match self.store.get(id) {
            Node::Num(r) => Ok(Rf::constant(r.clone())),
            Node::Var(v, ix) => match self.symmetric_order(*v, ix) {
                Some(n) => {
                    self.note(Rule::Symmetric);
                    Ok(Rf::atom(self.store.add(n)))
                }
                None => Ok(Rf::atom(id)),
            },
            Node::Const(_) => Ok(Rf::atom(id)),
            &Node::Delta(i, j) => {
                if i == j {
                    self.note(Rule::DeltaSame);
                    return Ok(Rf::one());
                }
                let (a, b) = if i < j { (i, j) } else { (j, i) };
                let d = self.store.add(Node::Delta(a, b));
                Ok(Rf::atom(d))
            }
            Node::Add(xs) => {
                // Added in a balanced tree, not one by one: a flat sum of
                // n terms (as computer-algebra systems print them) then
                // costs n log n merges of sorted term lists, not n².
                let xs = xs.clone();
                let mut forms = Vec::with_capacity(xs.len());
                for x in xs {
                    forms.push((*self.rf_of(x)?).clone());
                }
                while forms.len() > 1 {
                    let mut next = Vec::with_capacity(forms.len().div_ceil(2));
                    let mut pairs = forms.into_iter();
                    while let Some(a) = pairs.next() {
                        next.push(match pairs.next() {
                            Some(b) => self.rf_add_uncancelled(a, &b)?,
                            None => a,
                        });
                    }
                    forms = next;
                }
                let acc = forms.pop().unwrap_or_else(Rf::zero);
                self.cancel(acc)
            }
            Node::Mul(xs) => {
                // The product starts from the first factor's form itself
                // (1 · f would only copy it).
                let Some(&x0) = xs.first() else {
                    return Ok(Rf::one());
                };
                let first = self.rf_of(x0)?;
                if first.num.is_zero() {
                    return Ok(Rf::zero());
                }
                let mut acc = Cow::Borrowed(&*first);
                let mut k = 1;
                while let Some(x) = child_at(self.store.get(id), k) {
                    let r = self.rf_of(x)?;
                    acc = Cow::Owned(self.rf_mul(&acc, &r)?);
                    if acc.num.is_zero() {
                        break;
                    }
                    k += 1;
                }
                Ok(acc.into_owned())
            }
            &Node::Pow(b, e) => {
                let int_exp = match self.store.get(e) {
                    Node::Num(n) if n.is_integer() => Some(n.clone()),
                    _ => None,
                };
                if let Some(n) = int_exp {
                    // (b^m)^n = b^(m·n) for integers m, n keeps a denominator
                    // like (1 + e^-x)^2 factored instead of expanded.
                    if let &Node::Pow(b2, e2) = self.store.get(b) {
                        if let Node::Num(m) = self.store.get(e2) {
                            if m.is_integer() {
                                let mn = m * &n;
                                let rb = self.rf_of(b2)?;
                                return self.pow_rf(&rb, &Rf::constant(mn));
                            }
                        }
                    }
                    // (a·b)^n = a^n·b^n for an integer n keeps each factor of
                    // a denominator separate instead of expanding their
                    // product.
                    if let Node::Mul(xs) = self.store.get(b) {
                        let xs = xs.clone();
                        let ps: Vec<Id> = xs.iter().map(|&x| self.store.pow(x, e)).collect();
                        let m = self.store.add(Node::Mul(ps));
                        return Ok((*self.rf_of(m)?).clone());
                    }
                }
                if let Some(p) = self.power_of_power(b, e)? {
                    return Ok(p); // radicals.rs
                }
                let rb = self.rf_of(b)?;
                let re = self.rf_of(e)?;
                self.pow_rf(&rb, &re)
            }
            &Node::Apply(f, a) => {
                if f == crate::expr::Func::Log {
                    if let Some(r) = self.log_split(a)? {
                        return Ok(r); // logs.rs
                    }
                }
                let ra = self.rf_of(a)?;
                self.apply_rf(f, &ra)
            }
            Node::Sum { .. } => self.sum_rf(id),
            Node::Deriv { .. } => {
                let e = crate::diff::eliminate_inner(self.store, self.symbols, id);
                if e == id {
                    // Not reachable: elimination removes every Deriv node.
                    return Ok(Rf::atom(id));
                }
                Ok((*self.rf_of(e)?).clone())
            }
        }
    }

    /// The canonical bound index number `level` over `dim`.
    pub(crate) fn canon_index(&mut self, dim: DimId, level: u32) -> IndexId {
        if let Some(&i) = self.tables.canon_idx.get(&(dim, level)) {
            return i;
        }
        let i = self
            .symbols
            .fresh_index(&format!("{CANON_PREFIX}{level}"), dim);
        self.tables.canon_idx.insert((dim, level), i);
        self.tables.idx_level.insert(i, level);
        i
    }
}

use crate::parallel::with_big_stack;

/// Brings `id` to its canonical form (σ, tanh and tan kept as atoms), with
/// the rules applied. Deriv nodes are eliminated first.
pub fn canonicalize(
    store: &mut Store,
    symbols: &mut Symbols,
    id: Id,
    budget: &Budget,
) -> Result<(Id, Vec<Rule>), Limit> {
    with_big_stack(|| canonicalize_inner(store, symbols, id, budget, Mode::Atoms))
}

/// [`canonicalize`] in the fallback exp form that `prove` also tries: σ and
/// tanh in terms of exp, tan as sin/cos, sin² = 1 − cos². Longer for most
/// expressions, but it meets identities the atom form leaves apart
/// (`sin(x)^2 + cos(x)^2`, `tanh(x) - 2 sigmoid(2 x)`).
pub fn canonicalize_exp_form(
    store: &mut Store,
    symbols: &mut Symbols,
    id: Id,
    budget: &Budget,
) -> Result<(Id, Vec<Rule>), Limit> {
    with_big_stack(|| canonicalize_inner(store, symbols, id, budget, Mode::ExpForm))
}

/// [`canonicalize`] that also says how many work units it spent (all of
/// the budget's when it ran out), for callers that share one budget among
/// several canonicalizations.
pub(crate) fn canonicalize_spent(
    store: &mut Store,
    symbols: &mut Symbols,
    id: Id,
    budget: &Budget,
) -> (Result<(Id, Vec<Rule>), Limit>, u64) {
    with_big_stack(|| canonicalize_counted(store, symbols, id, budget, Mode::Atoms))
}

fn canonicalize_inner(
    store: &mut Store,
    symbols: &mut Symbols,
    id: Id,
    budget: &Budget,
    mode: Mode,
) -> Result<(Id, Vec<Rule>), Limit> {
    canonicalize_counted(store, symbols, id, budget, mode).0
}

fn canonicalize_counted(
    store: &mut Store,
    symbols: &mut Symbols,
    id: Id,
    budget: &Budget,
    mode: Mode,
) -> (Result<(Id, Vec<Rule>), Limit>, u64) {
    let id = crate::diff::eliminate_inner(store, symbols, id);
    let mut ctx = Ctx::new(store, symbols, mode, budget, Tables::default());
    let result = ctx.canon(id).map(|(c, bits)| (c, Rule::from_bits(bits)));
    (result, ctx.work)
}

/// Tries to prove `lhs = rhs` (in the sense of the language brief: equal
/// wherever both sides are defined) by canonical forms: first with function
/// atoms, then in the fallback exp form; in each mode both by comparing the
/// two forms and by reducing `lhs − rhs` to zero.
#[cfg(test)]
pub fn prove(
    store: &mut Store,
    symbols: &mut Symbols,
    lhs: Id,
    rhs: Id,
    budget: &Budget,
) -> Outcome {
    prove_cached(&mut Cache::new(), store, symbols, lhs, rhs, budget)
}

/// `prove` with canonical forms remembered in `cache` across calls on the
/// same store (the links of one file): the outcome is the same, sooner.
pub fn prove_cached(
    cache: &mut Cache,
    store: &mut Store,
    symbols: &mut Symbols,
    lhs: Id,
    rhs: Id,
    budget: &Budget,
) -> Outcome {
    cache.check_store(store);
    let out = with_big_stack(|| prove_inner(cache, store, symbols, lhs, rhs, budget));
    cache.remember_store(store);
    out
}

fn prove_inner(
    cache: &mut Cache,
    store: &mut Store,
    symbols: &mut Symbols,
    lhs: Id,
    rhs: Id,
    budget: &Budget,
) -> Outcome {
    if trivial::same_up_to_units(store, lhs, rhs, &mut cache.stripped) {
        return Outcome::SameUpToUnits;
    }
    let l = crate::diff::elim(store, symbols, lhs, &mut cache.elim);
    let r = crate::diff::elim(store, symbols, rhs, &mut cache.elim);
    // Sides this large are what the canonical form expands past its size
    // limit (a wide network's gradient): the exact-random witness, linear
    // in their size, goes first.
    let large = dag_size(store, &[l, r], EXACT_FIRST_NODES) >= EXACT_FIRST_NODES;
    if large {
        if let Some(proof) = exact_random::prove(store, l, r, cache.seed) {
            return Outcome::ProvedExact(proof);
        }
    }
    let outcome = prove_canonical(cache, store, symbols, l, r, budget);
    match outcome {
        Outcome::NotProved { .. } | Outcome::Inconclusive(_) if !large => {
            match exact_random::prove(store, l, r, cache.seed) {
                Some(proof) => Outcome::ProvedExact(proof),
                None => outcome,
            }
        }
        _ => outcome,
    }
}

/// [`prove`] with the canonical forms only, never the exact-random
/// witness: for the tests of the canonical form itself.
#[cfg(test)]
pub(crate) fn prove_canonical_only(
    store: &mut Store,
    symbols: &mut Symbols,
    lhs: Id,
    rhs: Id,
    budget: &Budget,
) -> Outcome {
    with_big_stack(|| {
        let mut cache = Cache::new();
        let l = crate::diff::elim(store, symbols, lhs, &mut cache.elim);
        let r = crate::diff::elim(store, symbols, rhs, &mut cache.elim);
        prove_canonical(&mut cache, store, symbols, l, r, budget)
    })
}

/// Sides of at least this many distinct nodes (together) try the
/// exact-random witness before the canonical form: the canonical form's
/// cost grows with the expansion (a softmax over 200 classes took 85 ms a
/// link and a GiB in all, the ∂L/∂x of a 16-unit network ran out of its
/// size limit), the exact-random witness's with the size as written. The
/// derivations people write by hand stay far below it (the largest link of
/// the examples has 142 nodes), so they keep their exact proofs.
const EXACT_FIRST_NODES: usize = 256;

/// How many distinct nodes the expressions `roots` have together, counted
/// up to `limit`.
fn dag_size(store: &Store, roots: &[Id], limit: usize) -> usize {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut stack: Vec<Id> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if seen.len() >= limit {
            break;
        }
        if seen.insert(id) {
            stack.extend(crate::expr::child_iter(store.get(id)));
        }
    }
    seen.len()
}

/// The canonical forms' answer on two sides whose derivatives are already
/// eliminated.
fn prove_canonical(
    cache: &mut Cache,
    store: &mut Store,
    symbols: &mut Symbols,
    l: Id,
    r: Id,
    budget: &Budget,
) -> Outcome {
    let mut used = 0;
    let mut first: Option<(Id, Id)> = None;
    for mode in [Mode::Atoms, Mode::ExpForm] {
        // The fallback usually meets forms small enough to settle quickly;
        // give it a third of what is left so that a false link (which no
        // mode proves) does not spend the whole budget twice.
        let mode_budget = match mode {
            Mode::Atoms => budget.clone(),
            Mode::ExpForm => Budget {
                max_work: budget.max_work.saturating_sub(used) / 3,
                ..budget.clone()
            },
        };
        let slot = &mut cache.modes[mode as usize];
        let mut ctx = Ctx::new(store, symbols, mode, &mode_budget, std::mem::take(slot));
        let result = prove_in(&mut ctx, l, r);
        used += ctx.work;
        let mut tables = ctx.into_tables();
        tables.trim();
        *slot = tables;
        match result {
            Ok(Ok((lt, rt))) => {
                return Outcome::Proved {
                    lhs_trace: Rule::from_bits(lt),
                    rhs_trace: Rule::from_bits(rt),
                }
            }
            Ok(Err(forms)) => {
                let (cl, cr) = forms;
                first.get_or_insert(forms);
                // The fallback mode rewrites only σ, tanh, tan, sin and cos; when
                // neither form has them it would repeat the same work.
                if mode == Mode::Atoms
                    && !has_fallback_atoms(store, cl, &mut FxHashMap::default())
                    && !has_fallback_atoms(store, cr, &mut FxHashMap::default())
                {
                    break;
                }
            }
            Err(limit) => {
                if first.is_none() {
                    return Outcome::Inconclusive(limit.0);
                }
                break;
            }
        }
    }
    match first {
        Some((lhs, rhs)) => Outcome::NotProved { lhs, rhs },
        None => Outcome::Inconclusive("no canonical form".into()),
    }
}

/// The `k`-th child of a node in [`crate::expr::child_iter`] order, for
/// walks that need the context mutably between children and so cannot
/// hold the node borrowed.
fn child_at(node: &Node, k: usize) -> Option<Id> {
    crate::expr::child_iter(node).nth(k)
}

/// Whether `undefined` occurs in the expression `id`; a function of the
/// store, so that the walk borrows it instead of cloning nodes.
fn mentions_undefined(
    store: &Store,
    undefined: Id,
    id: Id,
    memo: &mut FxHashMap<Id, bool>,
) -> bool {
    crate::expr::any_node(store, id, memo, &|id, _| {
        // Children come before parents in the store.
        (id <= undefined).then_some(id == undefined)
    })
}

/// Whether an expression mentions a function the fallback mode rewrites.
fn has_fallback_atoms(store: &Store, id: Id, seen: &mut FxHashMap<Id, bool>) -> bool {
    use crate::expr::Func;
    crate::expr::any_node(store, id, seen, &|_, node| {
        matches!(
            node,
            Node::Apply(
                Func::Sigmoid | Func::Tanh | Func::Tan | Func::Sin | Func::Cos | Func::Softplus,
                _
            )
        )
        .then_some(true)
    })
}

/// Ok(Ok(traces)) when proved, Ok(Err(forms)) when the forms differ.
fn prove_in(ctx: &mut Ctx, l: Id, r: Id) -> R<Result<(u64, u64), (Id, Id)>> {
    let (lf, lt) = ctx.form(l)?;
    let (rf, rt) = ctx.form(r)?;
    // A side defined nowhere is left to the numeric witness ("undefined"),
    // never called proved: its form is the undefined atom, and an undefined
    // atom anywhere inside a form is refused too.
    let refused = ctx.is_undefined(&lf)
        || ctx.is_undefined(&rf)
        || ctx.rf_mentions_undefined(&lf)
        || ctx.rf_mentions_undefined(&rf);
    // Equal forms have equal expressions: the (large) canonical
    // expressions are only built when the forms differ.
    if !refused && lf == rf {
        return Ok(Ok((lt, rt)));
    }
    let cl = ctx.rf_expr(&lf);
    let cr = ctx.rf_expr(&rf);
    if refused {
        return Ok(Err((cl, cr)));
    }
    if cl == cr {
        return Ok(Ok((lt, rt)));
    }
    // The difference can cancel where the two forms alone do not meet
    // (denominators that are not fully factored).
    let d = ctx.store.sub(l, r);
    let (cd, dt) = ctx.canon(d)?;
    if matches!(ctx.store.get(cd), Node::Num(q) if num_traits::Zero::is_zero(q)) {
        return Ok(Ok((lt | dt, rt)));
    }
    Ok(Err((cl, cr)))
}
