//! Draws: which dimensions, free indices and variables a group of links
//! samples ([`Layout`]), the random value of each, and the point a draw
//! stands for.
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
//! Odd-numbered draws are edge draws ([`is_edge`]): boundary values of
//! each domain (zero shares and vertices of a simplex, 0 and ±1), far
//! magnitudes, and at a few of them dimensions 6 to 64
//! ([`Layout::large_dim`]);
//! the first scalars' edge values are enumerated jointly
//! ([`combination`]), so that catching a claim wrong only there does not
//! depend on the seed.

use super::plan::Plan;
use super::witness_data::Point;
use crate::expr::{DimId, Domain, IndexId, Symbols, VarId};

/// The largest dimension sampled.
pub(crate) const MAX_DIM: usize = 5;

/// The most dimensions a sampled variable may have (5⁴ values at most).
pub(super) const MAX_RANK: usize = 4;

/// One draw, before slicing: (dimension values by position in the link's
/// dimension list, raw free-index values, raw variable values: all
/// variables' values one after the other, see [`Layout::raw_ranges`]).
pub(super) type Raw = (Vec<usize>, Vec<usize>, Vec<f64>);

/// One element: a third small integers, a third simple fractions, a third
/// uniform reals (the domain's range in each case); a quarter of the
/// uniform ones are wide instead, of magnitude 2^-12..2^8 on a log scale,
/// so that a claim wrong only beyond the small range (sqrt((p − 100)²) =
/// 100 − p), or only for tiny positive values (sqrt((p − 0.01)²) = p −
/// 0.01), is likely caught (edge draws catch them under every seed).
/// Wider (2^20) made a network's exponentials overflow at a quarter of the
/// draws, which then cost a quarter more draws.
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
    let magnitude = || (-12.0 + 20.0 * unit).exp2();
    match domain {
        Domain::Real | Domain::Symmetric => match kind {
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

/// The boundary and special values of a domain, simplest first: where
/// claims typically break (0, ±1, 2, ½). Edge draws take every variable's
/// values from these (see [`Layout::draw`]). Simplex entries are weights:
/// a 0 is a zero share, and a row with one nonzero weight is a vertex.
fn edge_values(domain: Domain) -> &'static [f64] {
    match domain {
        Domain::Real | Domain::Symmetric => &[0.0, 1.0, -1.0, 2.0, 0.5, -2.0, -0.5],
        Domain::Positive => &[1.0, 2.0, 0.5, 3.0, 0.25],
        Domain::Nonnegative => &[0.0, 1.0, 2.0, 0.5, 3.0],
        Domain::Simplex => &[0.0, 1.0, 0.0, 2.0],
        Domain::Onehot => &[0.0, 1.0, 2.0, 3.0, 4.0],
    }
}

/// Far magnitudes, far beyond the ordinary draws' ±4 (and tiny ones):
/// every fourth edge draw takes each element from these, signed for real
/// variables, so that a claim wrong only beyond some constant of it
/// (`sqrt((x − 100)²) = 100 − x`, `tanh(x + 40) = 1`) is caught at every
/// seed.
const FAR: [f64; 5] = [1024.0, 1_048_576.0, 1.0 / 1_048_576.0, 100_000.0, 50.5];

/// A far value for an element of `domain` (see [`FAR`]), from random word
/// `a`; simplex and one-hot elements take their edge values.
fn far_value(domain: Domain, a: u64) -> f64 {
    let x = FAR[(a % FAR.len() as u64) as usize];
    match domain {
        Domain::Real | Domain::Symmetric if (a >> 8) & 1 == 1 => -x,
        Domain::Real | Domain::Symmetric | Domain::Positive | Domain::Nonnegative => x,
        Domain::Simplex | Domain::Onehot => {
            let edge = edge_values(domain);
            edge[(a % edge.len() as u64) as usize]
        }
    }
}

/// How many scalar variables an edge draw enumerates jointly (the rest
/// pick their edge values at random): 3 of 7 values each is 343
/// combinations, of which the 125 of the first 5 values come within the
/// first 256 draws.
const ENUMERATED: usize = 3;

/// Combination number `m` of `sizes.len()` digits, digit `k` below
/// `sizes[k]`, in order of the largest digit (so all combinations of the
/// first `r` values of every variable come before any with value `r`):
/// the simplest combinations first, each once, whatever the seed.
fn combination(mut m: u64, sizes: &[usize]) -> Vec<usize> {
    let k = sizes.len();
    let mut out = vec![0; k];
    if k == 0 {
        return out;
    }
    let total = sizes.iter().fold(1u64, |a, &s| a.saturating_mul(s as u64));
    m %= total.max(1);
    let widest = sizes.iter().copied().max().unwrap_or(1);
    // Shell r: the combinations whose largest digit is r (digits capped
    // by their sizes). Count them as (all within r) − (all within r − 1).
    let within = |r: usize| {
        sizes
            .iter()
            .fold(1u64, |a, &s| a.saturating_mul(s.min(r + 1) as u64))
    };
    let mut r = 0;
    while r + 1 < widest && within(r) <= m {
        r += 1;
    }
    let mut j = m - if r == 0 { 0 } else { within(r - 1) };
    // Within shell r: by the first position p holding r; before p digits
    // are below r, after it at most r.
    for p in 0..k {
        if sizes[p] <= r {
            continue;
        }
        let before: u64 = (sizes[..p].iter()).fold(1u64, |a, &s| a.saturating_mul(s.min(r) as u64));
        let after: u64 =
            (sizes[p + 1..].iter()).fold(1u64, |a, &s| a.saturating_mul(s.min(r + 1) as u64));
        let count = before.saturating_mul(after);
        if j >= count {
            j -= count;
            continue;
        }
        let (mut hi, mut lo) = (j / after.max(1), j % after.max(1));
        for (q, o) in out.iter_mut().enumerate() {
            if q < p {
                let base = sizes[q].min(r).max(1) as u64;
                // Most significant first.
                let rest: u64 =
                    (sizes[q + 1..p].iter()).fold(1u64, |a, &s| a.saturating_mul(s.min(r) as u64));
                *o = (hi / rest.max(1) % base) as usize;
                hi %= rest.max(1);
            } else if q == p {
                *o = r;
            } else {
                let base = sizes[q].min(r + 1) as u64;
                let rest: u64 = (sizes[q + 1..].iter())
                    .fold(1u64, |a, &s| a.saturating_mul(s.min(r + 1) as u64));
                *o = (lo / rest.max(1) % base) as usize;
                lo %= rest.max(1);
            }
        }
        return out;
    }
    out
}

/// Whether draw `n` is an edge draw: every other one, so that a claim
/// wrong only at boundary or special values is caught within the first
/// samples under every seed.
pub(super) fn is_edge(n: u32) -> bool {
    n % 2 == 1
}

/// The dimensions beyond 1..=5 that large-dimension draws set (see
/// [`Layout::large_dim`]).
const LARGE: [usize; 5] = [6, 7, 8, 16, 64];

/// The most memo-table entries a large-dimension draw may lay out (the
/// tables of every memoized shape at that dimension, summed): beyond it
/// the draw keeps its ordinary dimensions. Laying out tables is work the
/// operation budget does not count.
const LARGE_TABLES: u64 = 1 << 12;

/// The large dimensions whose memo tables stay within [`LARGE_TABLES`]
/// for `plan`.
fn large_dims_for(plan: &Plan) -> Vec<usize> {
    LARGE
        .iter()
        .copied()
        .filter(|&d| {
            let entries = (plan.memo_shapes.iter()).fold(0u64, |acc, &n| {
                let k = plan.nodes[n as usize].dep_dims.len() as u32;
                acc.saturating_add((d as u64).saturating_pow(k))
            });
            entries <= LARGE_TABLES
        })
        .collect()
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
    /// The dimensions drawn, sorted.
    pub(super) dims: Vec<DimId>,
    /// The free indices of every link.
    pub(super) free: Vec<IndexId>,
    /// Each free index's position among a draw's raw index values: links
    /// of one claim each have their own index variables for the claim's
    /// free index `i`, and they take the same value, so that the links
    /// are judged at the same point and share their sides' values.
    free_raw: Vec<usize>,
    /// The variables drawn, sorted.
    pub(super) vars: Vec<VarId>,
    /// Where each variable's raw values start in a draw's flat values.
    starts: Vec<usize>,
    /// The stream keys of the dimensions, of the raw index values, and of
    /// the variables (with their domains); see [`Layout::draw`].
    dim_keys: Vec<u64>,
    free_keys: Vec<u64>,
    var_keys: Vec<(u64, Domain)>,
    /// The scalar variables whose edge values are enumerated together
    /// (see [`combination`]), at most [`ENUMERATED`], and how many edge
    /// values each has: the first scalars of the links sampled together.
    enum_vars: Vec<(VarId, usize)>,
    /// For each of `enum_vars` this layout draws: (its digit in the
    /// combination, its position in `vars`).
    enumerated: Vec<(usize, usize)>,
    /// The large dimensions this layout's draws may set (see
    /// [`Layout::large_dim`]).
    large: Vec<usize>,
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
        // A set, not a scan of the keys so far: a link may have tens of
        // thousands of variables (a flat sum as a CAS prints it).
        let mut taken = std::collections::HashSet::with_capacity(plan.vars.len());
        for v in &plan.vars {
            let info = symbols.var(*v);
            let mut key = name_key(&["var", &info.name]);
            while !taken.insert(key) {
                key = mix(key);
            }
            var_keys.push((key, info.domain));
        }
        let enum_vars: Vec<(VarId, usize)> = (plan.vars.iter())
            .filter(|v| {
                let info = symbols.var(**v);
                info.dims.is_empty() && info.domain != Domain::Onehot
            })
            .map(|v| (*v, edge_values(symbols.var(*v).domain).len()))
            .take(ENUMERATED)
            .collect();
        let enumerated = (enum_vars.iter().enumerate())
            .filter_map(|(d, (v, _))| plan.vars.iter().position(|x| x == v).map(|k| (d, k)))
            .collect();
        Layout {
            large: large_dims_for(plan),
            enum_vars,
            enumerated,
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

    /// Draws edge values as `group` does: a layout for one link of a
    /// group (to shrink its failure) enumerates the group's scalars, so
    /// that its draw `n` is the group's draw `n`.
    pub(super) fn enumerate_as(&mut self, group: &Layout) {
        self.large.clone_from(&group.large);
        self.enum_vars.clone_from(&group.enum_vars);
        self.enumerated = (self.enum_vars.iter().enumerate())
            .filter_map(|(d, (v, _))| self.vars.iter().position(|x| x == v).map(|k| (d, k)))
            .collect();
    }

    /// The dimension every dimension takes at draw `n`, when it is one of
    /// the few draws that look beyond 1..=5: each of 6..=8, then 16 and
    /// 64, at edge draws spread over the first 50 (after the first 16,
    /// where most false claims fail, so that their counterexamples start
    /// small), each only where its memo tables stay small
    /// ([`LARGE_TABLES`]). Their evaluation is capped too (see
    /// `schedule`): a draw that would cost far more than the link's
    /// average is skipped.
    pub(super) fn large_dim(&self, n: u32) -> Option<usize> {
        if !is_edge(n) || n < 17 || !(n - 17).is_multiple_of(8) {
            return None;
        }
        let d = LARGE.get(((n - 17) / 8) as usize).copied()?;
        self.large.contains(&d).then_some(d)
    }

    /// The range of variable number `k`'s raw values in a draw.
    pub(super) fn raw_range(&self, k: usize) -> std::ops::Range<usize> {
        self.starts[k]..self.starts[k + 1]
    }

    /// Each variable's domain and raw element count, in draw order.
    pub(super) fn value_parts(&self, symbols: &Symbols) -> std::rc::Rc<[(Domain, usize)]> {
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
    pub(super) fn draw(&self, seed: u64, n: u32) -> Raw {
        let stream = |key: u64| mix(mix(seed ^ key) ^ u64::from(n));
        let large = self.large_dim(n);
        let dims = (self.dim_keys.iter())
            .map(|&k| large.unwrap_or_else(|| 1 + (stream(k) % MAX_DIM as u64) as usize))
            .collect();
        let free = (self.free_keys.iter())
            .map(|&k| (stream(k) % MAX_DIM as u64) as usize)
            .collect();
        let mut values = Vec::with_capacity(self.starts.last().copied().unwrap_or(0));
        if !is_edge(n) {
            for (k, &(key, domain)) in self.var_keys.iter().enumerate() {
                let base = stream(key);
                for e in 0..self.raw_range(k).len() {
                    values.push(draw(domain, mix(base ^ e as u64)));
                }
            }
            return (dims, free, values);
        }
        // An edge draw: every fourth one takes far values; the others run
        // the first scalar variables through their edge values'
        // combinations in a fixed order (the same under every seed), and
        // pick the other values among the edge values at random.
        let m = n / 2;
        if m % 8 == 7 {
            // Far draw number f: the magnitudes in turn, each with both
            // signs, the same under every seed.
            let f = u64::from(m / 8);
            let word = ((f / 2) % FAR.len() as u64) | ((f % 2) << 8);
            for (k, &(key, domain)) in self.var_keys.iter().enumerate() {
                let base = stream(key);
                for e in 0..self.raw_range(k).len() {
                    let a = match domain {
                        Domain::Simplex | Domain::Onehot => mix(base ^ e as u64),
                        _ => word,
                    };
                    values.push(far_value(domain, a));
                }
            }
            return (dims, free, values);
        }
        let sizes: Vec<usize> = self.enum_vars.iter().map(|&(_, n)| n).collect();
        let picks = combination(u64::from(m - m / 8), &sizes);
        for (k, &(key, domain)) in self.var_keys.iter().enumerate() {
            let edge = edge_values(domain);
            if let Some(&(d, _)) = self.enumerated.iter().find(|&&(_, e)| e == k) {
                values.push(edge[picks[d] % edge.len()]);
                continue;
            }
            let base = stream(key);
            for e in 0..self.raw_range(k).len() {
                let a = mix(base ^ e as u64);
                values.push(edge[(a % edge.len() as u64) as usize]);
            }
        }
        (dims, free, values)
    }

    /// The point a raw draw stands for, in `scratch`: the same point as
    /// [`Layout::point`], at a cost in the size of this layout rather than
    /// of the file (what the scratch's previous layout set is put back
    /// first; the rest of it is already as a new point has it).
    pub(super) fn point_in<'s>(
        &self,
        symbols: &Symbols,
        raw: &Raw,
        scratch: &'s mut Scratch,
    ) -> &'s Point {
        scratch.reset(symbols);
        self.point_into(symbols, raw, &mut scratch.point);
        scratch.set_dims.extend_from_slice(&self.dims);
        scratch.set_indices.extend_from_slice(&self.free);
        scratch.set_vars.extend_from_slice(&self.vars);
        &scratch.point
    }

    /// The point a raw draw stands for.
    pub(super) fn point(&self, symbols: &Symbols, raw: &Raw) -> Point {
        let mut point = Point::default();
        self.point_into(symbols, raw, &mut point);
        point
    }

    /// [`Layout::point`] into `point`, reusing its memory: a point filled
    /// by this layout before is overwritten, not reallocated.
    pub(super) fn point_into(&self, symbols: &Symbols, raw: &Raw, point: &mut Point) {
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

/// A point sized for a whole file, lent from draw to draw and from link
/// to link ([`Layout::point_in`]): a new point for each would cost as
/// many steps as the file has variables, dimensions and indices (to size,
/// fill and drop), and 60,000 claims about 60,000 variables would take
/// time in the square of that. Every entry but those of `set_*` is as a
/// new point has it (dimension 1, index 0, no values).
#[derive(Default)]
pub(super) struct Scratch {
    point: Point,
    set_dims: Vec<DimId>,
    set_indices: Vec<IndexId>,
    set_vars: Vec<VarId>,
}

impl Scratch {
    /// The point as last filled.
    pub(super) fn point(&self) -> &Point {
        &self.point
    }

    /// Puts back what the last layout set, and sizes the point for
    /// `symbols`.
    fn reset(&mut self, symbols: &Symbols) {
        let p = &mut self.point;
        for d in self.set_dims.drain(..) {
            if let Some(slot) = p.dims.get_mut(d.0 as usize) {
                *slot = 1;
            }
        }
        for i in self.set_indices.drain(..) {
            if let Some(slot) = p.indices.get_mut(i.0 as usize) {
                *slot = 0;
            }
        }
        for v in self.set_vars.drain(..) {
            if let Some(slot) = p.vars.get_mut(v.0 as usize) {
                // Dropped, not cleared: a large variable's values are not
                // kept for the rest of the run.
                *slot = Vec::new();
            }
        }
        // Lengths exactly the file's, as a new point gets them.
        p.dims.resize(symbols.dims.len(), 1);
        p.indices.resize(symbols.indices.len(), 0);
        p.vars.resize_with(symbols.vars.len(), Vec::new);
    }
}

thread_local! {
    /// Each thread's [`Scratch`], taken while in use (a nested user gets a
    /// new one).
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

/// This thread's [`Scratch`], to be given back with [`give_back`].
pub(super) fn take_scratch() -> Scratch {
    SCRATCH.with(std::cell::Cell::take)
}

/// Gives `scratch` back for the next user on this thread.
pub(super) fn give_back(scratch: Scratch) {
    SCRATCH.with(|s| s.set(scratch));
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
            // Dimensions beyond MAX_DIM repeat the drawn values.
            max_row += (rest % n) % MAX_DIM * stride;
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
                out.extend((0..last).map(|k| raw.get(base + k % MAX_DIM).copied().unwrap_or(1.0)));
                if domain == Domain::Simplex {
                    normalize_exactly(&mut out[start..]);
                }
            }
        }
    }
    // A symmetric matrix takes its lower triangle from its upper one, so
    // that every draw, and every shrunk point, is symmetric.
    if domain == Domain::Symmetric && shape.len() == 2 && shape[0] == shape[1] {
        let n = shape[0];
        for i in 0..n {
            for j in 0..i {
                out[i * n + j] = out[j * n + i];
            }
        }
    }
}

/// Scales nonnegative weights to sum to exactly 1, not just to 1 up to
/// rounding: the double-double re-check would otherwise see `Σ q = 1` fail
/// by 1e-16. Each share is rounded to a multiple of 2⁻⁴⁰ (so every partial
/// sum is exact in `f64`) and the last nonzero one takes what is left, so
/// that a zero weight is an exact zero share. A row of zeros becomes
/// uniform.
fn normalize_exactly(ws: &mut [f64]) {
    const GRID: f64 = (1u64 << 40) as f64;
    let total: f64 = ws.iter().sum();
    if total.is_nan() || total <= 0.0 {
        ws.iter_mut().for_each(|w| *w = 1.0);
    }
    let total: f64 = ws.iter().sum();
    let Some(last) = ws.iter().rposition(|&w| w > 0.0) else {
        return;
    };
    let mut used = 0.0;
    for w in &mut ws[..last] {
        *w = (*w / total * GRID).round() / GRID;
        used += *w;
    }
    ws[last] = (1.0 - used).max(0.0);
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

    /// A point lent from layout to layout is, at every draw, the point a
    /// new one would be: nothing another layout set is left in it.
    #[test]
    fn a_scratch_point_is_the_new_point_whatever_was_drawn_before() {
        let (st, y, _, zoo) = zoo();
        // A second layout over other variables and dimensions of the same
        // symbols: the zoo's first variable and a dimension of its own.
        let mut y2 = y.clone();
        let k = y2.dim("k");
        let z = y2.add_var("z", vec![k], Domain::Real);
        let i = y2.fresh_index("i", k);
        let mut st2 = st.clone();
        let root = st2.add(Node::Var(z, vec![i]));
        let plan2 = Plan::new(&st2, &y2, &[root]).unwrap();
        let other = Layout::new(&y2, &plan2, &[&[i]]);
        let mut scratch = Scratch::default();
        for n in 0..40 {
            for (layout, symbols) in [(&zoo, &y2), (&other, &y2), (&zoo, &y)] {
                let raw = layout.draw(9, n);
                let fresh = layout.point(symbols, &raw);
                assert_eq!(
                    layout.point_in(symbols, &raw, &mut scratch),
                    &fresh,
                    "draw {n}"
                );
            }
        }
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
            let large = layout.large_dim(n);
            let (n, m) = (pt.dims[0], pt.dims[1]);
            match large {
                Some(d) => assert_eq!((n, m), (d, d)),
                None => {
                    assert!((1..=MAX_DIM).contains(&n) && (1..=MAX_DIM).contains(&m));
                    seen_dims.insert(n);
                }
            }
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
    fn combinations_come_simplest_first_each_once() {
        for sizes in [vec![3, 3], vec![7, 7, 7], vec![2, 5, 3], vec![4], vec![]] {
            let total: usize = sizes.iter().product();
            let all: Vec<Vec<usize>> = (0..total as u64).map(|m| combination(m, &sizes)).collect();
            let distinct: std::collections::BTreeSet<&Vec<usize>> = all.iter().collect();
            assert_eq!(distinct.len(), total, "{sizes:?}");
            assert!(all.iter().all(|c| c.iter().zip(&sizes).all(|(d, s)| d < s)));
            // The largest digit never decreases along the order.
            let largest: Vec<usize> = all
                .iter()
                .map(|c| c.iter().copied().max().unwrap_or(0))
                .collect();
            assert!(
                largest.windows(2).all(|w| w[0] <= w[1]),
                "{sizes:?}: {largest:?}"
            );
        }
        // Three variables: every combination of the first five values
        // within the first 125.
        let firsts: std::collections::BTreeSet<Vec<usize>> =
            (0..125).map(|m| combination(m, &[7, 7, 7])).collect();
        assert!(firsts.iter().all(|c| c.iter().all(|&d| d < 5)));
    }

    #[test]
    fn edge_draws_reach_zero_shares_large_dimensions_and_far_values() {
        let (_, symbols, _, layout) = zoo();
        let (mut zero_share, mut vertex, mut far) = (false, false, false);
        let mut large = std::collections::BTreeSet::new();
        for n in 0..256 {
            let pt = layout.point(&symbols, &layout.draw(7, n));
            let q = &pt.vars[1];
            assert_eq!(q.iter().sum::<f64>(), 1.0, "{q:?}");
            zero_share |= q.contains(&0.0);
            vertex |= q.contains(&1.0) && q.len() > 1;
            far |= pt.vars[0][0] > 1000.0;
            if pt.dims[0] > MAX_DIM {
                large.insert(pt.dims[0]);
                // Values beyond the drawn ones repeat them.
                assert_eq!(pt.vars[3].len(), pt.dims[0] * pt.dims[1]);
            }
        }
        assert!(zero_share && vertex && far);
        assert_eq!(large.into_iter().collect::<Vec<_>>(), vec![6, 7, 8, 16, 64]);
    }
}
