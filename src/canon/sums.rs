//! Index sums and Kronecker deltas.
//!
//! Canonical sums are *multi-sums*: nested sums over canonically named
//! indices around a single term (a monomial over denominator factors) whose
//! every factor mentions a bound index. Getting there:
//! - `Σ_(i≠j) f(i) = Σ_i f(i) − f(j)`, so canonical sums have no exception;
//! - linearity: a sum of a polynomial is a sum of one-term sums;
//! - factors free of the bound indices are pulled out;
//! - sums inside a product are merged into one multi-sum (bound indices
//!   renamed apart first), so nesting order and products of sums don't
//!   matter;
//! - `Σ_i δ(i, k) f(i) = f(k)`;
//! - `Σ_i y[i] = 1` for y simplex or one-hot, when nothing else mentions i;
//! - bound indices are renamed `#h, #h+1, …` (h above every level bound
//!   inside), trying every order of up to four indices and keeping the least
//!   id, so alpha-equivalent and commuted sums meet.

use super::poly::{Exp, Mono};
use super::ratfun::Rf;
use super::{Ctx, Rule, R};
use crate::expr::{child_iter, Id, IndexId, Node, Rational, Store};
use num_traits::{One, Signed, ToPrimitive};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The fresh bound indices and the body factors of an opened sum.
type Opened = (Vec<IndexId>, Vec<(Id, Rational)>);

impl Ctx<'_> {
    /// The free indices of an expression, sorted.
    pub(crate) fn free_indices(&mut self, id: Id) -> Arc<Vec<IndexId>> {
        free_indices(self.store, id, &mut self.tables.free_memo)
    }

    fn depends(&mut self, id: Id, idx: &[IndexId]) -> bool {
        self.free_indices(id).iter().any(|i| idx.contains(i))
    }

    /// The highest canonical level bound anywhere inside.
    fn max_level(&mut self, id: Id) -> Option<u32> {
        max_level(
            self.store,
            &self.tables.idx_level,
            id,
            &mut self.tables.level_memo,
        )
    }

    /// Renames free indices simultaneously (no simplification). The map
    /// is a short list (one to four bound indices), searched linearly.
    pub(crate) fn rename(&mut self, id: Id, map: &[(IndexId, IndexId)]) -> Id {
        let mut memo = self.take_rename_memo();
        let r = self.rename_in(id, map, &mut memo);
        self.rename_memos.push(memo);
        r
    }

    /// An empty memo for a renaming, reusing an earlier one's allocation
    /// (renamings are many and small; a new table grew by rehashing each
    /// time).
    fn take_rename_memo(&mut self) -> FxHashMap<Id, Id> {
        let mut memo = self.rename_memos.pop().unwrap_or_default();
        memo.clear();
        memo
    }

    fn rename_in(
        &mut self,
        id: Id,
        map: &[(IndexId, IndexId)],
        memo: &mut FxHashMap<Id, Id>,
    ) -> Id {
        if !self
            .free_indices(id)
            .iter()
            .any(|i| map_get(map, *i).is_some())
        {
            return id;
        }
        if let Some(&r) = memo.get(&id) {
            return r;
        }
        let f = |i: IndexId| map_get(map, i).unwrap_or(i);
        let new = match self.store.get(id) {
            Node::Var(v, ix) => {
                let (v, ix): (_, Vec<IndexId>) = (*v, ix.iter().map(|&i| f(i)).collect());
                self.symmetric_order(v, &ix).unwrap_or(Node::Var(v, ix))
            }
            &Node::Delta(a, b) => Node::Delta(f(a), f(b)),
            &Node::Sum {
                index,
                except,
                body,
            } => {
                let body = if map_get(map, index).is_some() {
                    let inner: Vec<(IndexId, IndexId)> =
                        map.iter().copied().filter(|(k, _)| *k != index).collect();
                    let mut fresh = self.take_rename_memo();
                    let r = self.rename_in(body, &inner, &mut fresh);
                    self.rename_memos.push(fresh);
                    r
                } else {
                    self.rename_in(body, map, memo)
                };
                Node::Sum {
                    index,
                    except: except.map(f),
                    body,
                }
            }
            Node::Deriv { body, var, at } => {
                let (body, var) = (*body, *var);
                let at: Vec<IndexId> = at.iter().map(|&i| f(i)).collect();
                Node::Deriv {
                    body: self.rename_in(body, map, memo),
                    var,
                    at,
                }
            }
            n @ (Node::Add(_) | Node::Mul(_)) => {
                // The same operator over the renamed operands.
                let mut n = n.clone();
                if let Node::Add(xs) | Node::Mul(xs) = &mut n {
                    for x in xs.iter_mut() {
                        *x = self.rename_in(*x, map, memo);
                    }
                }
                n
            }
            &Node::Pow(a, b) => {
                let a = self.rename_in(a, map, memo);
                let b = self.rename_in(b, map, memo);
                Node::Pow(a, b)
            }
            &Node::Apply(g, a) => Node::Apply(g, self.rename_in(a, map, memo)),
            n @ (Node::Num(_) | Node::Const(_)) => n.clone(),
        };
        let r = self.store.add(new);
        memo.insert(id, r);
        r
    }

    pub(crate) fn raw_product(&mut self, fs: &[(Id, Rational)]) -> Id {
        let xs: Vec<Id> = fs.iter().map(|(a, e)| self.factor_expr(*a, e)).collect();
        match xs.len() {
            0 => self.store.int(1),
            1 => xs[0],
            _ => self.store.add(Node::Mul(xs)),
        }
    }

    /// The canonical form of a `Sum` node.
    pub(crate) fn sum_rf(&mut self, id: Id) -> R<Rf> {
        let &Node::Sum {
            index,
            except,
            body,
        } = self.store.get(id)
        else {
            return Ok(Rf::atom(id));
        };
        if let Some(j) = except {
            self.note(Rule::SumExcept);
            let full = self.store.add(Node::Sum {
                index,
                except: None,
                body,
            });
            let at_j = self.rename(body, &[(index, j)]);
            let e = self.store.sub(full, at_j);
            return Ok((*self.rf_of(e)?).clone());
        }
        let mut idx = vec![index];
        let mut b = body;
        while let &Node::Sum {
            index,
            except: None,
            body,
        } = self.store.get(b)
        {
            idx.push(index);
            b = body;
        }
        self.sum_over(idx, b)
    }

    /// `Σ_idx body` for a raw body.
    fn sum_over(&mut self, idx: Vec<IndexId>, body: Id) -> R<Rf> {
        let rb = self.rf_of(body)?;
        if rb.num.is_zero() {
            return Ok(Rf::zero());
        }
        if self.is_undefined(&rb) {
            return Ok(self.undefined());
        }
        let mut den_in = Vec::new();
        let mut den_out = Vec::new();
        for &(f, k) in &rb.den {
            if self.depends(f, &idx) {
                den_in.push((f, k));
            } else {
                den_out.push((f, k));
            }
        }
        if rb.num.len() > 1 {
            self.note(Rule::SumLinearity);
        }
        // The body's form is held here (an Arc), not borrowed from the
        // context: its terms are read in place.
        let mut total = Rf::zero();
        for (m, c) in &rb.num.terms {
            let mut factors = m.factors();
            for &(f, k) in &den_in {
                factors.push((f, -Rational::from_integer(k.into())));
            }
            let r = self.sum_single(idx.clone(), factors)?;
            // Moved, not copied, where adding would only copy: a unit
            // coefficient, and the first term (0 + r is a copy of r).
            let r = if c.is_one() { r } else { r.scale(c) };
            total = if total.num.is_zero() {
                r
            } else {
                self.rf_add_uncancelled(total, &r)?
            };
        }
        if !den_out.is_empty() {
            self.note(Rule::PullOutOfSum);
            let d = Rf {
                num: super::poly::Poly::constant(Rational::one()),
                den: den_out,
            };
            total = self.rf_mul(&total, &d)?;
        }
        self.cancel(total)
    }

    /// `Σ_idx Π factors` for canonical atoms with exponents.
    pub(crate) fn sum_single(
        &mut self,
        mut idx: Vec<IndexId>,
        factors: Vec<(Id, Rational)>,
    ) -> R<Rf> {
        self.tick()?;
        // The product's factors, multiplied out once at the end.
        let mut exps: Vec<(Id, Exp)> = Vec::with_capacity(factors.len());
        let mut merged = false;
        for (a, e) in factors {
            let positive_sum =
                matches!(self.store.get(a), Node::Sum { .. }) && e.is_integer() && e.is_positive();
            if positive_sum {
                let k = e.to_u32().unwrap_or(u32::MAX);
                if k > 16 {
                    return Err(super::Limit(
                        "the symbolic size limit was reached (a power of a sum)".into(),
                    ));
                }
                for _ in 0..k {
                    match self.open_sum(a)? {
                        Some((js, fs)) => {
                            merged = true;
                            idx.extend(js);
                            exps.extend(fs.iter().map(|(b, f)| (*b, Exp::from_rational(f))));
                        }
                        None => exps.push((a, Exp::Int(1))),
                    }
                }
            } else {
                exps.push((a, Exp::from_rational(&e)));
            }
        }
        if merged {
            self.note(Rule::MergeSums);
        }
        let mut fs = Mono::from_exps(exps).factors();

        for pos in 0..fs.len() {
            let (a, e) = &fs[pos];
            if let Node::Delta(p, q) = *self.store.get(*a) {
                if !e.is_positive() {
                    continue;
                }
                let (b, o) = if idx.contains(&p) {
                    (p, q)
                } else if idx.contains(&q) {
                    (q, p)
                } else {
                    continue;
                };
                self.note(Rule::DeltaContraction);
                idx.retain(|x| *x != b);
                fs.remove(pos);
                let prod = self.raw_product(&fs);
                let prod = self.rename(prod, &[(b, o)]);
                if idx.is_empty() {
                    return Ok((*self.rf_of(prod)?).clone());
                }
                return self.sum_over(idx, prod);
            }
        }

        loop {
            let mut hit = None;
            for &i in &idx {
                let mut users = Vec::new();
                for (pos, (a, _)) in fs.iter().enumerate() {
                    if self.depends(*a, &[i]) {
                        users.push(pos);
                    }
                }
                if let [pos] = users[..] {
                    let (a, e) = &fs[pos];
                    if let Node::Var(v, ix) = self.store.get(*a) {
                        if e.is_one() && ix[..] == [i] && self.is_simplex_like(*v) {
                            hit = Some((i, pos));
                            break;
                        }
                    }
                }
            }
            match hit {
                Some((i, pos)) => {
                    self.note(Rule::SimplexSum);
                    idx.retain(|x| *x != i);
                    fs.remove(pos);
                }
                None => break,
            }
        }

        let mut inside = Vec::new();
        let mut outside = Vec::new();
        for (a, e) in fs {
            if self.depends(a, &idx) {
                inside.push((a, e));
            } else {
                outside.push((a, e));
            }
        }
        let out = self.raw_product(&outside);
        let out_rf = self.rf_of(out)?;
        if idx.is_empty() {
            return Ok((*out_rf).clone());
        }
        if !outside.is_empty() {
            self.note(Rule::PullOutOfSum);
        }
        let s = self.make_multisum(&idx, &inside)?;
        self.rf_mul(&out_rf, &Rf::atom(s))
    }

    /// The bound indices and body factors of a canonical sum atom, renamed
    /// apart with fresh indices.
    fn open_sum(&mut self, a: Id) -> R<Option<Opened>> {
        let mut js = Vec::new();
        let mut b = a;
        while let &Node::Sum {
            index,
            except: None,
            body,
        } = self.store.get(b)
        {
            js.push(index);
            b = body;
        }
        if js.is_empty() || matches!(self.store.get(b), Node::Sum { .. }) {
            return Ok(None);
        }
        let mut map = Vec::with_capacity(js.len());
        let mut fresh = Vec::new();
        for j in js {
            let dim = self.symbols.index_dim(j);
            let f = self.symbols.fresh_index("k", dim);
            map_set(&mut map, j, f);
            fresh.push(f);
        }
        let renamed = self.rename(b, &map);
        let rf = self.rf_of(renamed)?;
        let Some((m, c)) = rf.num.single() else {
            return Ok(None);
        };
        if !c.is_one() {
            return Ok(None);
        }
        let mut fs = m.factors();
        for &(f, k) in &rf.den {
            fs.push((f, -Rational::from_integer(k.into())));
        }
        Ok(Some((fresh, fs)))
    }

    /// The canonical multi-sum over `idx` of the product of `inside`.
    fn make_multisum(&mut self, idx: &[IndexId], inside: &[(Id, Rational)]) -> R<Id> {
        let body = self.raw_product(inside);
        let h = inside
            .iter()
            .filter_map(|(a, _)| self.max_level(*a))
            .max()
            .map_or(0, |l| l + 1);
        let n = idx.len();
        let identity: Vec<Vec<usize>>;
        let perms: &[Vec<usize>] = if n <= 4 {
            &small_permutations()[n]
        } else {
            identity = vec![(0..n).collect()];
            &identity
        };
        let mut best: Option<(Id, Vec<IndexId>)> = None;
        for perm in perms {
            self.tick()?;
            let mut map = Vec::with_capacity(n);
            let mut targets = Vec::with_capacity(n);
            for (p, &k) in perm.iter().enumerate() {
                let i = idx[k];
                let dim = self.symbols.index_dim(i);
                let t = self.canon_index(dim, h + p as u32);
                map_set(&mut map, i, t);
                targets.push(t);
            }
            let renamed = self.rename(body, &map);
            let rf = self.rf_of(renamed)?;
            let mut e = self.rf_expr(&rf);
            for &t in targets.iter().rev() {
                e = self.store.add(Node::Sum {
                    index: t,
                    except: None,
                    body: e,
                });
            }
            if best.as_ref().is_none_or(|(b, _)| e < *b) {
                best = Some((e, targets));
            }
        }
        let (e, targets) = best.ok_or_else(|| super::Limit("empty sum".into()))?;
        if targets[..] != idx[..] {
            self.note(Rule::RenameBound);
        }
        Ok(e)
    }
}

/// Where a renaming sends `i`, if it renames it.
fn map_get(map: &[(IndexId, IndexId)], i: IndexId) -> Option<IndexId> {
    map.iter().find(|(k, _)| *k == i).map(|(_, v)| *v)
}

/// Sends `k` to `v` in a renaming, replacing an earlier target of `k`
/// (as inserting into a map would).
fn map_set(map: &mut Vec<(IndexId, IndexId)>, k: IndexId, v: IndexId) {
    match map.iter_mut().find(|(a, _)| *a == k) {
        Some(slot) => slot.1 = v,
        None => map.push((k, v)),
    }
}

/// The free indices of an expression, sorted. Free functions of the store
/// (here and in [`max_level`]), so that these walks over every node borrow
/// it instead of cloning each node.
fn free_indices(
    store: &Store,
    id: Id,
    memo: &mut FxHashMap<Id, Arc<Vec<IndexId>>>,
) -> Arc<Vec<IndexId>> {
    if let Some(v) = memo.get(&id) {
        return v.clone();
    }
    let node = store.get(id);
    let mut out: Vec<IndexId> = match node {
        Node::Var(_, ix) => ix.clone(),
        Node::Delta(a, b) => vec![*a, *b],
        Node::Sum {
            index,
            except,
            body,
        } => {
            let mut v: Vec<IndexId> = free_indices(store, *body, memo)
                .iter()
                .copied()
                .filter(|i| i != index)
                .collect();
            v.extend(except);
            v
        }
        Node::Deriv { body, at, .. } => {
            let mut v = (*free_indices(store, *body, memo)).clone();
            v.extend(at.iter().copied());
            v
        }
        _ => {
            let mut v = Vec::new();
            for c in child_iter(node) {
                v.extend(free_indices(store, c, memo).iter().copied());
            }
            v
        }
    };
    out.sort();
    out.dedup();
    let out = Arc::new(out);
    memo.insert(id, out.clone());
    out
}

/// The highest canonical level bound anywhere inside.
fn max_level(
    store: &Store,
    levels: &FxHashMap<IndexId, u32>,
    id: Id,
    memo: &mut FxHashMap<Id, Option<u32>>,
) -> Option<u32> {
    if let Some(l) = memo.get(&id) {
        return *l;
    }
    let node = store.get(id);
    let mut best = match node {
        Node::Sum { index, .. } => levels.get(index).copied(),
        _ => None,
    };
    for c in child_iter(node) {
        best = best.max(max_level(store, levels, c, memo));
    }
    memo.insert(id, best);
    best
}

/// The permutations of up to four indices, in [`permutations`] order,
/// computed once: every multi-sum tries them all.
fn small_permutations() -> &'static [Vec<Vec<usize>>; 5] {
    static PERMS: std::sync::OnceLock<[Vec<Vec<usize>>; 5]> = std::sync::OnceLock::new();
    PERMS.get_or_init(|| std::array::from_fn(permutations))
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for pos in 0..=p.len() {
            let mut q = p.clone();
            q.insert(pos, n - 1);
            out.push(q);
        }
    }
    out
}
