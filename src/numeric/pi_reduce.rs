//! Sines, cosines and tangents of `k·π + x` with an exact rational `k`,
//! reduced exactly before sampling: `sin(10^20 π)` becomes `sin(0)` and
//! `sin(x + 2^60 π)` becomes `sin(x)`.
//!
//! In floating point `10^20 π` is π's rounding error times 10²⁰: the sine
//! of it is noise (−0.39 in `f64`), and no precision short of the full
//! product recovers it. The period is exact, so taking `k` modulo 2 (1 for
//! the tangent) in rationals changes nothing about the value and leaves an
//! argument that both precisions evaluate well. Only the evaluated copy of
//! the claim is rewritten; the claim as written is what reports show.

use crate::expr::{Constant, Func, Id, Node, Rational, Store};
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::collections::HashMap;

/// The largest exact power folded (`2^4096` is 4096 bits): beyond it the
/// coefficient is left alone and the evaluation sees what it always did.
const MAX_BITS: u64 = 1 << 16;

/// A copy of `store` with every reducible `sin`, `cos`, `tan` reachable
/// from `roots` reduced, and the roots' ids in it; `None` when nothing
/// needs reducing (the common case, which costs one walk).
pub(super) fn reduce(store: &Store, roots: &[Id]) -> Option<(Store, Vec<Id>)> {
    let mut seen = rustc_hash::FxHashMap::default();
    if !roots.iter().any(|&r| needs(store, r, &mut seen)) {
        return None;
    }
    let mut out = store.clone();
    let mut done = HashMap::new();
    let ids = roots
        .iter()
        .map(|&r| rebuild(store, &mut out, r, &mut done))
        .collect();
    Some((out, ids))
}

/// Whether a node reachable from `id` is a reducible trigonometric call.
fn needs(store: &Store, id: Id, seen: &mut rustc_hash::FxHashMap<Id, bool>) -> bool {
    if let Some(&b) = seen.get(&id) {
        return b;
    }
    // A malformed link is the sampler's to report.
    if id.index() >= store.len() {
        return false;
    }
    let here = match store.get(id) {
        Node::Apply(f, a) => period(*f).is_some_and(|p| split(store, *a, &p).is_some()),
        _ => false,
    };
    let b = here || crate::expr::child_iter(store.get(id)).any(|c| needs(store, c, seen));
    seen.insert(id, b);
    b
}

/// The period of `f` in units of π, for the functions reduced.
fn period(f: Func) -> Option<Rational> {
    match f {
        Func::Sin | Func::Cos => Some(Rational::from_integer(2.into())),
        Func::Tan => Some(Rational::one()),
        _ => None,
    }
}

/// `arg` as `rest + c·π` where the exact coefficient `c` is not already
/// in `[0, period)`: the terms that are not multiples of π and the reduced
/// coefficient. `None` when there is nothing to reduce.
fn split(store: &Store, arg: Id, period: &Rational) -> Option<(Vec<Id>, Rational)> {
    let terms: Vec<Id> = match store.get(arg) {
        Node::Add(xs) => xs.clone(),
        _ => vec![arg],
    };
    let mut rest = Vec::new();
    let mut c = Rational::zero();
    let mut pi_terms = 0;
    for t in terms {
        match pi_coefficient(store, t) {
            Some(k) => {
                c += k;
                pi_terms += 1;
            }
            None => rest.push(t),
        }
    }
    let reduced = &c - period * (&c / period).floor();
    if pi_terms == 0 || (pi_terms == 1 && reduced == c) {
        return None;
    }
    Some((rest, reduced))
}

/// `k` when term `t` is `k·π` with an exact rational `k`.
fn pi_coefficient(store: &Store, t: Id) -> Option<Rational> {
    match store.get(t) {
        Node::Const(Constant::Pi) => Some(Rational::one()),
        Node::Mul(fs) => {
            let mut pis = 0;
            let mut k = Rational::one();
            for &f in fs {
                if matches!(store.get(f), Node::Const(Constant::Pi)) {
                    pis += 1;
                } else {
                    k *= exact(store, f, &mut 0)?;
                }
            }
            (pis == 1).then_some(k)
        }
        _ => None,
    }
}

/// The exact value of a constant expression of rationals, sums, products
/// and integer powers, within [`MAX_BITS`] (`bits` counts what was made).
pub(super) fn exact(store: &Store, id: Id, bits: &mut u64) -> Option<Rational> {
    let size = |r: &Rational| r.numer().bits() + r.denom().bits();
    let r = match store.get(id) {
        Node::Num(r) => r.clone(),
        Node::Add(xs) => {
            let mut s = Rational::zero();
            for &x in xs {
                s += exact(store, x, bits)?;
            }
            s
        }
        Node::Mul(xs) => {
            let mut p = Rational::one();
            for &x in xs {
                p *= exact(store, x, bits)?;
            }
            p
        }
        Node::Pow(b, e) => {
            let e = exact(store, *e, bits)?;
            if !e.is_integer() {
                return None;
            }
            let n = e.to_integer().to_i32()?;
            let b = exact(store, *b, bits)?;
            if b.is_zero() && n < 0 {
                return None;
            }
            let grown = size(&b).saturating_mul(u64::from(n.unsigned_abs()));
            if grown > MAX_BITS || bits.saturating_add(grown) > MAX_BITS {
                return None;
            }
            let p = num_traits::pow(b.abs(), n.unsigned_abs() as usize);
            let p = if b.is_negative() && n % 2 != 0 { -p } else { p };
            if n < 0 {
                p.recip()
            } else {
                p
            }
        }
        _ => return None,
    };
    *bits = bits.saturating_add(size(&r));
    (*bits <= MAX_BITS).then_some(r)
}

/// Node `id` of `from` rebuilt in `to` with its reducible calls reduced.
fn rebuild(from: &Store, to: &mut Store, id: Id, done: &mut HashMap<Id, Id>) -> Id {
    if let Some(&n) = done.get(&id) {
        return n;
    }
    if id.index() >= from.len() {
        return id;
    }
    let node = from.get(id).clone();
    let mut map = |c: Id, to: &mut Store| rebuild(from, to, c, done);
    let new = match node {
        Node::Apply(f, a) => {
            let reduced = period(f).and_then(|p| split(from, a, &p));
            match reduced {
                Some((rest, c)) => {
                    let mut terms: Vec<Id> = rest.into_iter().map(|t| map(t, to)).collect();
                    if !c.is_zero() {
                        let k = to.num(c);
                        let pi = to.add(Node::Const(Constant::Pi));
                        terms.push(to.add(Node::Mul(vec![k, pi])));
                    }
                    let arg = match terms.len() {
                        0 => to.int(0),
                        1 => terms[0],
                        _ => to.add(Node::Add(terms)),
                    };
                    to.add(Node::Apply(f, arg))
                }
                None => {
                    let a = map(a, to);
                    to.add(Node::Apply(f, a))
                }
            }
        }
        Node::Add(xs) => {
            let xs = xs.into_iter().map(|x| map(x, to)).collect();
            to.add(Node::Add(xs))
        }
        Node::Mul(xs) => {
            let xs = xs.into_iter().map(|x| map(x, to)).collect();
            to.add(Node::Mul(xs))
        }
        Node::Pow(b, e) => {
            let (b, e) = (map(b, to), map(e, to));
            to.add(Node::Pow(b, e))
        }
        Node::Sum {
            index,
            except,
            body,
        } => {
            let body = map(body, to);
            to.add(Node::Sum {
                index,
                except,
                body,
            })
        }
        Node::Deriv { body, var, at } => {
            let body = map(body, to);
            to.add(Node::Deriv { body, var, at })
        }
        Node::Num(_) | Node::Const(_) | Node::Var(..) | Node::Delta(..) => id,
    };
    done.insert(id, new);
    new
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Domain, Symbols};
    use pretty_assertions::assert_eq;

    #[test]
    fn integer_multiples_of_pi_reduce_exactly() {
        let mut st = Store::new();
        let mut y = Symbols::default();
        let x = y.add_var("x", vec![], Domain::Real);
        let x = st.add(Node::Var(x, vec![]));
        let (two, sixty) = (st.int(2), st.int(61));
        let big = st.pow(two, sixty);
        let three = st.int(3);
        let k = st.add(Node::Add(vec![big, three]));
        let pi = st.add(Node::Const(Constant::Pi));
        let kpi = st.add(Node::Mul(vec![k, pi]));
        let arg = st.add(Node::Add(vec![x, kpi]));
        let sin = st.apply(Func::Sin, arg);
        let (out, ids) = reduce(&st, &[sin]).expect("reducible");
        // 2^61 + 3 is odd: the argument becomes x + π.
        let Node::Apply(Func::Sin, a) = out.get(ids[0]) else {
            panic!("{:?}", out.get(ids[0]));
        };
        let Node::Add(terms) = out.get(*a) else {
            panic!("{:?}", out.get(*a));
        };
        assert_eq!(terms.len(), 2);
        assert_eq!(pi_coefficient(&out, terms[1]), Some(Rational::one()));
        // Already reduced: nothing to do.
        let small = st.apply(Func::Cos, pi);
        assert!(reduce(&st, &[small]).is_none());
    }

    #[test]
    fn huge_powers_are_not_folded() {
        let mut st = Store::new();
        let (two, n) = (st.int(2), st.int(1 << 20));
        let big = st.pow(two, n);
        assert_eq!(exact(&st, big, &mut 0), None);
        let (two, n) = (st.int(2), st.int(100));
        let p = st.pow(two, n);
        assert_eq!(
            exact(&st, p, &mut 0),
            Some(Rational::from_integer(num_bigint::BigInt::one() << 100))
        );
    }
}
