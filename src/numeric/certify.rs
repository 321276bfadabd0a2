//! The certified re-check: a link whose exact constants `f64` and
//! double-double cannot hold (`(2^1000 + 1) exp(x) = 2^1000 exp(x)`,
//! `sqrt(10^40 + 1) = 10^20`) is evaluated at sample points in interval
//! arithmetic at a precision chosen from its constants (`interval`). A
//! point where the interval of `lhs − rhs` excludes 0 is a certified
//! counterexample; anything else (an interval that contains 0, a side the
//! evaluator cannot take, such as a derivative) decides nothing, and the
//! sampling's verdict stands.

use super::interval::{e, pi, Dy, Iv, Prec};
use super::pi_reduce::exact;
use super::witness_data::Point;
use crate::expr::{Constant, Func, Id, IndexId, Node, Rational, Store, Symbols};
use num_traits::{ToPrimitive, Zero};

/// Node visits one certified evaluation of a side may make.
const OPS: u64 = 20_000;

/// The most bits of precision tried.
const MAX_PREC: u64 = 30_000;

/// The size in bits of the largest exact constant of the link whose value
/// is not exactly an `f64` (`1/10^25`, `2^1000 + 1`, `10^40 + 1`; 0 for π
/// and e) or is one beyond 2^±52 (`2^-90`), or
/// `None` when every constant is an `f64` and sampling saw what there is
/// to see.
pub(super) fn inexact_constant_bits(
    store: &Store,
    roots: &[Id],
    seen: &mut ConstantMemo,
) -> Option<u64> {
    roots.iter().filter_map(|&r| walk(store, r, seen)).max()
}

/// What [`inexact_constant_bits`] found under each node of one store,
/// whether the node is a constant expression, and its `f64` value when it
/// is one, kept across the links that share nodes.
pub(super) type ConstantMemo = rustc_hash::FxHashMap<Id, Seen>;

/// One node's entry in the [`ConstantMemo`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Seen {
    bits: Option<u64>,
    /// Rationals, π and e under sums, products and powers: folded exactly.
    foldable: bool,
    /// Also functions of constants: an `f64` value only.
    constant: bool,
    value: f64,
}

/// The bits of the largest inexact constant under `id`. A constant
/// expression (rationals, π and e under sums, products and powers) is
/// folded exactly as a whole, so `2^1000 + 1` counts although its leaves
/// are `f64`s; only such nodes are folded, so the walk stays linear in the
/// nodes below the roots. A function of constants (`exp(-70)`) cannot be
/// folded exactly; it counts by its `f64` value's magnitude.
fn walk(store: &Store, id: Id, seen: &mut ConstantMemo) -> Option<u64> {
    visit(store, id, seen).bits
}

fn visit(store: &Store, id: Id, seen: &mut ConstantMemo) -> Seen {
    if let Some(&b) = seen.get(&id) {
        return b;
    }
    let none = Seen {
        bits: None,
        foldable: false,
        constant: false,
        value: f64::NAN,
    };
    if id.index() >= store.len() {
        return none;
    }
    let node = store.get(id);
    let kids: Vec<Seen> = crate::expr::child_iter(node)
        .map(|c| visit(store, c, seen))
        .collect();
    let below = kids.iter().filter_map(|k| k.bits).max();
    let arithmetic = matches!(node, Node::Add(_) | Node::Mul(_) | Node::Pow(..));
    let leaf = matches!(node, Node::Num(_) | Node::Const(_));
    let foldable = leaf || (arithmetic && kids.iter().all(|k| k.foldable));
    let constant = leaf
        || ((arithmetic || matches!(node, Node::Apply(..))) && kids.iter().all(|k| k.constant));
    let value = if constant {
        approx(node, &kids)
    } else {
        f64::NAN
    };
    let here = if foldable {
        match exact(store, id, &mut 0) {
            Some(r) => {
                (!is_f64(&r) || far_from_one(&r)).then(|| r.numer().bits() + r.denom().bits())
            }
            // π and e are never f64s.
            None if matches!(node, Node::Const(_)) => Some(0),
            None => below,
        }
    } else if constant {
        // A function of constants: by its magnitude.
        match (far_from_one_f64(value), below) {
            (Some(b), Some(c)) => Some(b.max(c)),
            (b, c) => b.or(c),
        }
    } else {
        below
    };
    let entry = Seen {
        bits: here,
        foldable,
        constant,
        value,
    };
    seen.insert(id, entry);
    entry
}

/// A constant node's value in `f64`, from its children's: only its
/// magnitude is used, to see whether it is far from 1.
fn approx(node: &Node, kids: &[Seen]) -> f64 {
    let v = |i: usize| kids.get(i).map_or(f64::NAN, |k| k.value);
    match node {
        Node::Num(r) => r.to_f64().unwrap_or(f64::NAN),
        Node::Const(Constant::Pi) => std::f64::consts::PI,
        Node::Const(Constant::E) => std::f64::consts::E,
        Node::Add(_) => kids.iter().map(|k| k.value).sum(),
        Node::Mul(_) => kids.iter().map(|k| k.value).product(),
        Node::Pow(..) => v(0).powf(v(1)),
        Node::Apply(f, _) => {
            let x = v(0);
            match f {
                Func::Exp => x.exp(),
                Func::Log => x.ln(),
                Func::Sin => x.sin(),
                Func::Cos => x.cos(),
                Func::Tan => x.tan(),
                Func::Tanh => x.tanh(),
                Func::Sigmoid => 1.0 / (1.0 + (-x).exp()),
                Func::Softplus => x.exp().ln_1p(),
                Func::Abs => x.abs(),
                Func::Relu => x.max(0.0),
                Func::Sign | Func::Step => f64::NAN,
            }
        }
        _ => f64::NAN,
    }
}

/// The bits that a constant of magnitude `v` beyond 2^±52 calls for (its
/// binary exponent); `None` near 1, and for 0 and non-finite values, whose
/// magnitude `f64` does not tell.
fn far_from_one_f64(v: f64) -> Option<u64> {
    if !v.is_finite() || v == 0.0 {
        return None;
    }
    let log2 = v.abs().log2().abs();
    (log2 > 52.0).then(|| log2.ceil() as u64)
}

/// A constant beyond 2^±52 hides a difference although it is an `f64`:
/// `x + 2^-90 x` and `x` are one `f64` (and within double-double's
/// allowance), as are `x + x/2^90` and `x`.
fn far_from_one(r: &Rational) -> bool {
    let log2 = r.numer().bits() as i64 - r.denom().bits() as i64;
    !r.numer().is_zero() && log2.abs() > 52
}

fn is_f64(r: &Rational) -> bool {
    r.to_f64()
        .and_then(Rational::from_float)
        .is_some_and(|back| &back == r)
}

/// Whether `lhs − rhs` is certified nonzero at `point`, trying a modest
/// precision first and then one fit for constants of `bits` bits.
pub(super) fn differs(
    store: &Store,
    symbols: &Symbols,
    (lhs, rhs): (Id, Id),
    point: &Point,
    bits: u64,
) -> bool {
    let first = 2 * bits + 128;
    let second = (8 * bits + 1024).min(MAX_PREC);
    for prec in [first.min(MAX_PREC), second] {
        let mut c = Certifier {
            store,
            symbols,
            point,
            prec: Prec(prec),
            ops: 0,
            env: point.indices.clone(),
        };
        let (Some(l), Some(r)) = (c.eval(lhs), c.eval(rhs)) else {
            return false;
        };
        if !l.sub(&r, Prec(prec)).has_zero() {
            return true;
        }
    }
    false
}

/// One certified evaluation at a point.
struct Certifier<'a> {
    store: &'a Store,
    symbols: &'a Symbols,
    point: &'a Point,
    prec: Prec,
    ops: u64,
    /// Index values by `IndexId`: the point's free indices, and the sums'
    /// bound ones as they run.
    env: Vec<usize>,
}

impl Certifier<'_> {
    fn eval(&mut self, id: Id) -> Option<Iv> {
        self.ops += 1;
        if self.ops > OPS || id.index() >= self.store.len() {
            return None;
        }
        let p = self.prec;
        Some(match self.store.get(id) {
            Node::Num(r) => Iv::rational(r.numer(), r.denom(), p),
            Node::Const(Constant::Pi) => pi(p)?,
            Node::Const(Constant::E) => e(p)?,
            Node::Var(v, idx) => {
                let info = self.symbols.vars.get(v.0 as usize)?;
                if info.binding.is_some() || info.dims.len() != idx.len() {
                    return None;
                }
                let mut flat = 0;
                for (d, i) in info.dims.iter().zip(idx) {
                    let n = *self.point.dims.get(d.0 as usize)?;
                    let k = *self.env.get(i.0 as usize)?;
                    if k >= n {
                        return None;
                    }
                    flat = flat * n + k;
                }
                let x = *self.point.vars.get(v.0 as usize)?.get(flat)?;
                Iv::point(Dy::from_f64(x)?)
            }
            Node::Add(xs) => {
                let mut acc = Iv::int(0);
                for &x in xs {
                    acc = acc.add(&self.eval(x)?, p);
                }
                acc
            }
            Node::Mul(xs) => {
                let mut acc = Iv::int(1);
                for &x in xs {
                    acc = acc.mul(&self.eval(x)?, p);
                }
                acc
            }
            Node::Pow(b, x) => {
                let (b, x) = (*b, *x);
                let base = self.eval(b)?;
                let int = exact(self.store, x, &mut 0)
                    .filter(|r| r.is_integer())
                    .and_then(|r| r.to_integer().to_i64());
                match int {
                    Some(n) => base.powi(n, p)?,
                    None => {
                        let ex = self.eval(x)?;
                        match ex.as_integer() {
                            Some(n) => base.powi(n, p)?,
                            None => ex.mul(&base.ln(p)?, p).exp(p)?,
                        }
                    }
                }
            }
            Node::Apply(f, a) => {
                let (f, a) = (*f, *a);
                let x = self.eval(a)?;
                match f {
                    Func::Exp => x.exp(p)?,
                    Func::Log => x.ln(p)?,
                    Func::Sin => x.sin_cos(p)?.0,
                    Func::Cos => x.sin_cos(p)?.1,
                    Func::Tan => {
                        let (s, c) = x.sin_cos(p)?;
                        s.mul(&c.recip(p)?, p)
                    }
                    Func::Tanh => x.tanh(p)?,
                    Func::Sigmoid => x.sigmoid(p)?,
                    Func::Abs => x.abs(),
                    Func::Relu => x.relu(),
                    Func::Sign => x.sign()?,
                    Func::Step => x.step()?,
                    Func::Softplus => x.softplus(p)?,
                }
            }
            Node::Sum {
                index,
                except,
                body,
            } => {
                let (index, except, body) = (*index, *except, *body);
                let n = self.dim_of(index)?;
                let skip = match except {
                    Some(j) => Some(*self.env.get(j.0 as usize)?),
                    None => None,
                };
                let saved = *self.env.get(index.0 as usize)?;
                let mut acc = Iv::int(0);
                for k in 0..n {
                    if Some(k) == skip {
                        continue;
                    }
                    self.env[index.0 as usize] = k;
                    let v = self.eval(body);
                    let Some(v) = v else {
                        self.env[index.0 as usize] = saved;
                        return None;
                    };
                    acc = acc.add(&v, p);
                }
                self.env[index.0 as usize] = saved;
                acc
            }
            Node::Delta(i, j) => {
                let (a, b) = (self.env.get(i.0 as usize)?, self.env.get(j.0 as usize)?);
                Iv::int(i64::from(a == b))
            }
            // Derivatives are the dual numbers' (and the symbolic
            // engine's); this re-check does not take them.
            Node::Deriv { .. } => return None,
        })
    }

    fn dim_of(&self, i: IndexId) -> Option<usize> {
        let d = self.symbols.indices.get(i.0 as usize)?.dim;
        self.point.dims.get(d.0 as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Domain;

    #[test]
    fn only_constants_beyond_f64_call_for_a_certificate() {
        let mut st = Store::new();
        let mut y = Symbols::default();
        let x = y.add_var("x", vec![], Domain::Real);
        let x = st.add(Node::Var(x, vec![]));
        let half = st.num(Rational::new(1.into(), 2.into()));
        let plain = st.mul2(half, x);
        assert_eq!(
            inexact_constant_bits(&st, &[plain], &mut ConstantMemo::default()),
            None
        );
        let (two, k, one) = (st.int(2), st.int(1000), st.int(1));
        let p = st.pow(two, k);
        let c = st.add2(p, one);
        let e = st.apply(Func::Exp, x);
        let l = st.mul2(c, e);
        let r = st.mul2(p, e);
        assert_eq!(
            inexact_constant_bits(&st, &[l, r], &mut ConstantMemo::default()),
            Some(1002)
        );
        let mut point = Point::zeros(&y, 1);
        point.vars[0] = vec![0.25];
        assert!(differs(&st, &y, (l, r), &point, 1002));
        assert!(!differs(&st, &y, (r, r), &point, 1002));
    }

    #[test]
    fn constants_far_from_one_call_for_a_certificate_though_f64s() {
        let mut st = Store::new();
        let mut y = Symbols::default();
        let x = y.add_var("x", vec![], Domain::Real);
        let x = st.add(Node::Var(x, vec![]));
        let bits = |st: &Store, id| inexact_constant_bits(st, &[id], &mut ConstantMemo::default());
        // 2^-90 is an f64, but 1 + 2^-90 is not one it can tell from 1.
        let (two, k) = (st.int(2), st.int(-90));
        let tiny = st.pow(two, k);
        let term = st.mul2(tiny, x);
        assert_eq!(bits(&st, term), Some(92));
        let (two, k) = (st.int(2), st.int(-40));
        let small = st.pow(two, k);
        let term = st.mul2(small, x);
        assert_eq!(bits(&st, term), None);
        // exp(-70) ≈ 2^-101: by its magnitude.
        let m = st.int(-70);
        let e = st.apply(Func::Exp, m);
        let term = st.mul2(e, x);
        assert_eq!(bits(&st, term), Some(101));
        let m = st.int(-3);
        let e = st.apply(Func::Exp, m);
        let term = st.mul2(e, x);
        assert_eq!(bits(&st, term), None);
    }
}
