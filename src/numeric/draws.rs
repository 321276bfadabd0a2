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
}
