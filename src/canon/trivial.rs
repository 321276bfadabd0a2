//! Sides that are one expression up to `+ 0` and `· 1`, found before any
//! canonical form is computed: `e = e + 0` must not wait for the canonical
//! form of `e`, which may be out of reach (the fourth derivative of a
//! composition 720 deep) though nothing needs computing.
//!
//! `a + 0` and `a · 1` are defined exactly where `a` is, and equal to it
//! there; every other node is rebuilt from its children unchanged, so
//! derivatives, sums and functions keep their meaning. Such sides are
//! equal wherever defined — but may be defined nowhere (`log(0) =
//! log(0) + 0`), which only canonical forms or samples tell: the answer
//! is `Outcome::SameUpToUnits`, a proof only once the numeric witness has
//! found the sides defined.

use crate::expr::{child_iter, with_children, Id, Node, Store};
use num_traits::{One, Zero};
use rustc_hash::FxHashMap;

/// Whether `l` and `r` are the same expression once additive zeros and
/// unit factors are dropped, at any depth. Linear in the size of the two
/// sides as stored (shared parts are visited once, across the calls that
/// share `memo`: the store only grows, so what was stripped stays so).
pub(super) fn same_up_to_units(
    store: &mut Store,
    l: Id,
    r: Id,
    memo: &mut FxHashMap<Id, Id>,
) -> bool {
    let a = strip(store, l, memo);
    let b = strip(store, r, memo);
    a == b
}

/// `id` without additive zeros and unit factors.
fn strip(store: &mut Store, id: Id, memo: &mut FxHashMap<Id, Id>) -> Id {
    if let Some(&s) = memo.get(&id) {
        return s;
    }
    let kids: Vec<Id> = child_iter(store.get(id)).collect();
    let stripped: Vec<Id> = kids.iter().map(|&k| strip(store, k, memo)).collect();
    let unit = |store: &Store, k: Id, one: bool| matches!(store.get(k), Node::Num(q) if if one { q.is_one() } else { q.is_zero() });
    // Most nodes have nothing to drop: keep them without copying.
    let sum_or_product = match store.get(id) {
        Node::Add(_) => Some(false),
        Node::Mul(_) => Some(true),
        _ => None,
    };
    let drops = sum_or_product.is_some_and(|one| stripped.iter().any(|&k| unit(store, k, one)));
    if stripped == kids && !drops && (sum_or_product.is_none() || kids.len() >= 2) {
        memo.insert(id, id);
        return id;
    }
    let node = store.get(id).clone();
    let out = match node {
        Node::Add(_) | Node::Mul(_) => {
            let one = matches!(node, Node::Mul(_));
            let kept: Vec<Id> = (stripped.into_iter())
                .filter(|&k| !unit(store, k, one))
                .collect();
            match kept.len() {
                0 => store.int(i64::from(one)),
                1 => kept[0],
                _ => store.add(with_children(&node, &kept)),
            }
        }
        _ if stripped == kids => id,
        _ => store.add(with_children(&node, &stripped)),
    };
    memo.insert(id, out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::testkit::T;
    use super::*;

    #[test]
    fn zeros_and_units_are_dropped_at_any_depth_and_nothing_else() {
        let cases = [
            ("d(sin(x), x) + 0", "d(sin(x), x)", true),
            ("d(sin(x) * 1, x)", "d(sin(x), x)", true),
            ("1 * exp(x * 1 + 0) + 0", "exp(x) + 0", true),
            ("x + 0 * y", "x", false),
            ("x + 1", "x", false),
            ("2 * x", "x", false),
            ("x - x", "0", false),
        ];
        for (l, r, same) in cases {
            let mut t = T::new("x y: real");
            let (a, b) = (t.parse(l), t.parse(r));
            assert_eq!(
                same_up_to_units(&mut t.store, a, b, &mut FxHashMap::default()),
                same,
                "{l} = {r}"
            );
        }
    }
}
