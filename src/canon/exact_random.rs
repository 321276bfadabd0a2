//! The exact-random witness (issue 16): identity of two expressions as
//! rational functions of independent atoms, decided by exact evaluation at
//! random points modulo the prime p = 2^61 − 1 (Schwartz–Zippel), without
//! expanding anything. Its cost is linear in the size of the expressions
//! as written (a DAG: shared subexpressions are evaluated once per point),
//! where the canonical form's grows with their expansion.
//!
//! Each side is read as a rational function R of *atoms*: variables (and
//! elements, deltas, index sums, π), and function applications keyed by the
//! residue of their argument. Every rule below is an identity of real
//! functions, so `R(true atom values)` is the side's value wherever the
//! side is defined; hence if `R_lhs ≡ R_rhs` formally, the link holds
//! wherever both sides are defined. Atoms get independent values drawn by
//! a keyed hash; if the sides differ as rational functions, the numerator
//! of `R_lhs − R_rhs` (total degree ≤ D) vanishes at a random point with
//! probability ≤ D/p (Schwartz–Zippel), and two atoms of different
//! arguments share a value only when their arguments' residues collide
//! (≤ 2M/p for each pair, M the largest argument degree). Agreement at k
//! good points out of at most 2k attempts is accepted, with the bound
//! `C(2k, k) · ε^k`, ε the per-point bound; the argument is in
//! docs/exact-random.md.
//!
//! Function rules (each a true identity, so the atoms stay consistent with
//! the derivative rules `diff` uses):
//! - `exp(Σ c_t t) = Π E(t)^(c_t)` with `E(t)` an atom per term (integer
//!   numerators c_t of at most [`MAX_POWER`]), so exp(a+b) = exp(a)exp(b),
//!   exp(-u) = 1/exp(u), exp(2u) = exp(u)²; `e` is exp(1);
//!   `σ(u) = 1/(1 + exp(−u))`, `tanh(u) = (exp(2u) − 1)/(exp(2u) + 1)`;
//!   `log(exp(u)) = u`, other logs are atoms.
//! - `sin u = 2t/(1+t²)`, `cos u = (1−t²)/(1+t²)`, `tan u = 2t/(1−t²)`
//!   with t = tan(u/2), built by the addition formula from an atom
//!   tan(w/2) per term c·w of u (odd in w): sin² + cos² = 1, angle addition
//!   and multiple angles hold.
//! - `b^(n/d)` (d > 1) is `R_d(b)^n` with `R_d(b)` an atom: no root of a
//!   residue is ever taken, so sqrt(x²) is never x.

use crate::expr::{Constant, Func, Id, Node, Rational, Store};
use num_integer::Integer;
use num_traits::ToPrimitive;
use rustc_hash::FxHashMap;

/// The prime modulus, 2^61 − 1.
const P: u64 = (1 << 61) - 1;

/// The largest exponent a coefficient of an exp argument or a rational
/// power becomes (larger ones make the term's exp one atom): it raises the
/// degree bound by as much.
const MAX_POWER: i64 = 64;

/// The error probability the witness aims below, in bits.
const TARGET_BITS: f64 = 120.0;

/// The fewest bits a proof may carry: below this the witness declines.
const MIN_BITS: f64 = 64.0;

/// The most points evaluated (each needs its own walk of the DAG).
const MAX_POINTS: u32 = 48;

/// What the witness established: both sides agree at `points` random
/// points, which a pair of different rational functions of degree at
/// most `degree` does with probability below 2^-`bits`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The error probability is below 2^-bits.
    pub bits: u32,
    /// Points where both sides agreed.
    pub points: u32,
    /// The degree bound of the difference's numerator.
    pub degree: u64,
    /// Distinct atoms met at one point.
    pub atoms: u64,
}

impl Proof {
    /// The bound in words, as every report states it.
    pub fn describe(&self) -> String {
        format!(
            "exact evaluation at {} random points modulo 2^61 - 1 \
             (degree bound {}, {} atoms): error probability < 2^-{}",
            self.points, self.degree, self.atoms, self.bits
        )
    }
}

/// `a·b mod p` for residues below p: with p = 2^61 − 1, 2^61 ≡ 1, so the
/// product's high bits fold onto its low bits (a u128 division was a tenth
/// of a network's verification).
fn mul(a: u64, b: u64) -> u64 {
    let t = a as u128 * b as u128;
    let r = (t as u64 & P) + (t >> 61) as u64;
    if r >= P {
        r - P
    } else {
        r
    }
}

fn add(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= P {
        s - P
    } else {
        s
    }
}

fn neg(a: u64) -> u64 {
    if a == 0 {
        0
    } else {
        P - a
    }
}

fn pow(mut a: u64, mut e: u64) -> u64 {
    let mut r = 1;
    while e > 0 {
        if e & 1 == 1 {
            r = mul(r, a);
        }
        a = mul(a, a);
        e >>= 1;
    }
    r
}

/// The inverse, or `None` for 0 (a pole at this point).
fn inv(a: u64) -> Option<u64> {
    (a != 0).then(|| pow(a, P - 2))
}

/// `a^k` for any integer k, `None` at a pole.
fn pow_i(a: u64, k: i64) -> Option<u64> {
    let r = pow(a, k.unsigned_abs());
    if k < 0 {
        inv(r)
    } else {
        Some(r)
    }
}

/// The residue of a rational, `None` when p divides its denominator.
fn residue(q: &Rational) -> Option<u64> {
    let p = num_bigint::BigInt::from(P);
    let n = q.numer().mod_floor(&p).to_u64()?;
    let d = q.denom().mod_floor(&p).to_u64()?;
    Some(mul(n, inv(d)?))
}

/// `v / c` for a small nonzero integer c; c = 1, by far the most common,
/// without an inversion (each costs about 120 multiplications).
fn divide_by(v: u64, c: i64) -> Option<u64> {
    let q = match c.unsigned_abs() {
        1 => v,
        m => mul(v, inv(m % P)?),
    };
    Some(if c < 0 { neg(q) } else { q })
}

/// `tan(a + b)` from `tan a` and `tan b`, `None` at a pole.
fn tan_add(ta: u64, tb: u64) -> Option<u64> {
    Some(mul(add(ta, tb), inv(add(1, neg(mul(ta, tb))))?))
}

/// A 64-bit mix (splitmix64's finalizer).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What an atom is, for its key.
#[derive(Clone, Copy)]
enum Tag {
    Var = 1,
    Delta,
    Sum,
    Pi,
    Exp,
    Log,
    HalfTan,
    Root,
    PowGeneral,
    /// A function with kinks or no rational form in the exp atoms (`abs`,
    /// `sign`, `relu`, `step`, `softplus`): an atom of its own, keyed by its
    /// argument, so that only identities that hold whatever its values are
    /// proved.
    Piecewise,
    Other,
}

/// A rational function's degree bound: numerator and denominator total
/// degrees in the atoms (saturating).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
struct Deg {
    num: u64,
    den: u64,
}

impl Deg {
    fn atom(k: u64) -> Deg {
        Deg { num: k, den: 0 }
    }
    fn total(self) -> u64 {
        self.num.saturating_add(self.den)
    }
}

/// One evaluation of the DAG at one point.
struct Point<'a> {
    store: &'a Store,
    key: u64,
    values: FxHashMap<Id, Option<u64>>,
    consts: &'a mut FxHashMap<Id, Option<u64>>,
    atoms: FxHashMap<(u8, u64, u64), u64>,
}

impl Point<'_> {
    /// The value of the atom `(tag, a, b)` at this point: a keyed hash,
    /// the same for the same key.
    fn atom(&mut self, tag: Tag, a: u64, b: u64) -> u64 {
        let key = self.key;
        *self.atoms.entry((tag as u8, a, b)).or_insert_with(|| {
            let h = mix(key ^ mix((tag as u64) << 56 ^ mix(a ^ mix(b))));
            h % P
        })
    }

    fn num(&mut self, id: Id, q: &Rational) -> Option<u64> {
        *self.consts.entry(id).or_insert_with(|| residue(q))
    }

    /// The value of `id`, `None` at a pole (or where p divides a
    /// coefficient's denominator).
    fn eval(&mut self, id: Id) -> Option<u64> {
        if let Some(&v) = self.values.get(&id) {
            return v;
        }
        let v = self.eval_uncached(id);
        self.values.insert(id, v);
        v
    }

    fn eval_uncached(&mut self, id: Id) -> Option<u64> {
        let store = self.store;
        match store.get(id) {
            Node::Num(q) => self.num(id, q),
            Node::Const(Constant::Pi) => Some(self.atom(Tag::Pi, 0, 0)),
            Node::Const(Constant::E) => self.exp_term(1, 1, 1),
            Node::Var(v, at) => {
                // Exact keys for scalars, vector and matrix elements (two
                // 32-bit indices fit); a hash only past two indices.
                let packed = match at[..] {
                    [] => 0,
                    [i] => u64::from(i.0),
                    [i, j] => u64::from(i.0) << 32 | u64::from(j.0),
                    _ => at.iter().fold(0, |h, i| mix(h ^ u64::from(i.0))),
                };
                let a = u64::from(v.0) | (at.len() as u64) << 32;
                Some(self.atom(Tag::Var, a, packed))
            }
            &Node::Delta(i, j) => {
                if i == j {
                    return Some(1);
                }
                let (a, b) = if i < j { (i, j) } else { (j, i) };
                Some(self.atom(Tag::Delta, u64::from(a.0), u64::from(b.0)))
            }
            // Same node, same function: an index sum or an un-eliminated
            // derivative is an atom of its own.
            Node::Sum { .. } => Some(self.atom(Tag::Sum, u64::from(id.0), 0)),
            Node::Deriv { .. } => Some(self.atom(Tag::Other, u64::from(id.0), 0)),
            Node::Add(xs) => {
                let mut s = 0;
                for &x in xs {
                    s = add(s, self.eval(x)?);
                }
                Some(s)
            }
            Node::Mul(xs) => {
                let mut s = 1;
                for &x in xs {
                    s = mul(s, self.eval(x)?);
                }
                Some(s)
            }
            &Node::Pow(b, e) => {
                let vb = self.eval(b)?;
                match exponent(store, e) {
                    Some((k, 1)) => pow_i(vb, k),
                    Some((n, d)) => {
                        let r = self.atom(Tag::Root, vb, d);
                        pow_i(r, n)
                    }
                    None => {
                        let ve = self.eval(e)?;
                        Some(self.atom(Tag::PowGeneral, vb, ve))
                    }
                }
            }
            &Node::Apply(f, a) => self.apply(f, a),
        }
    }

    fn apply(&mut self, f: Func, a: Id) -> Option<u64> {
        match f {
            Func::Exp => self.exp(a, 1),
            Func::Sigmoid => {
                let e = self.exp(a, -1)?;
                inv(add(1, e))
            }
            Func::Tanh => {
                let e = self.exp(a, 2)?;
                mul(add(e, neg(1)), inv(add(e, 1))?).into()
            }
            Func::Log => {
                if let &Node::Apply(Func::Exp, inner) = self.store.get(a) {
                    return self.eval(inner);
                }
                let v = self.eval(a)?;
                Some(self.atom(Tag::Log, v, 0))
            }
            Func::Abs | Func::Sign | Func::Relu | Func::Step | Func::Softplus => {
                let v = self.eval(a)?;
                Some(self.atom(Tag::Piecewise, v, f as u64))
            }
            Func::Sin | Func::Cos | Func::Tan => {
                let t = self.half_tan(a)?;
                let t2 = mul(t, t);
                match f {
                    Func::Sin => Some(mul(mul(2, t), inv(add(1, t2))?)),
                    Func::Cos => Some(mul(add(1, neg(t2)), inv(add(1, t2))?)),
                    _ => Some(mul(mul(2, t), inv(add(1, neg(t2)))?)),
                }
            }
        }
    }

    /// tan(u/2), by the addition formula over the terms of a sum
    /// (`tan((a+b)/2) = (Ta + Tb)/(1 − Ta·Tb)`), so that sin and cos of sums
    /// meet their expansions.
    fn half_tan(&mut self, u: Id) -> Option<u64> {
        match self.store.get(u) {
            Node::Add(xs) => {
                let mut t = 0;
                for &x in xs {
                    let tx = self.half_tan_term(x)?;
                    t = tan_add(t, tx)?;
                }
                Some(t)
            }
            _ => self.half_tan_term(u),
        }
    }

    /// tan(x/2) for a term x = c·w with c its coefficient's numerator: the
    /// atom T = tan(w/2), odd in w (its key is w's residue up to sign),
    /// added to itself |c| times.
    fn half_tan_term(&mut self, x: Id) -> Option<u64> {
        let v = self.eval(x)?;
        if v == 0 {
            return Some(0);
        }
        let c = coefficient(self.store, x);
        let w = divide_by(v, c)?;
        let (k, flip) = if w > P / 2 {
            (neg(w), true)
        } else {
            (w, false)
        };
        let tw = self.atom(Tag::HalfTan, k, 0);
        let tw = if flip { neg(tw) } else { tw };
        let mut t = 0;
        for _ in 0..c.unsigned_abs() {
            t = tan_add(t, tw)?;
        }
        Some(if c < 0 { neg(t) } else { t })
    }

    /// `exp(s·u)`, split over the terms of a sum.
    fn exp(&mut self, u: Id, s: i64) -> Option<u64> {
        let store = self.store;
        match store.get(u) {
            Node::Add(xs) => {
                let mut r = 1;
                for &x in xs {
                    r = mul(r, self.exp(x, s)?);
                }
                Some(r)
            }
            _ => {
                let v = self.eval(u)?;
                let c = coefficient(store, u);
                self.exp_term(v, c, s)
            }
        }
    }

    /// `exp(v)^s` for a term of value `v` whose coefficient's numerator is
    /// `c`: the atom E = exp(v/c), raised to c·s.
    fn exp_term(&mut self, v: u64, c: i64, s: i64) -> Option<u64> {
        if v == 0 {
            return Some(1);
        }
        let key = divide_by(v, c)?;
        let e = self.atom(Tag::Exp, key, 0);
        pow_i(e, c * s)
    }
}

/// A power's exponent as `(n, d)` for `b^(n/d)`: an integer (d = 1) of at
/// most 64 bits, or a fraction with a numerator of at most [`MAX_POWER`];
/// `None` for any other exponent (the power is then one atom).
fn exponent(store: &Store, e: Id) -> Option<(i64, u64)> {
    match store.get(e) {
        Node::Num(q) => match (q.numer().to_i64(), q.denom().to_u64()) {
            (Some(n), Some(1)) => Some((n, 1)),
            (Some(n), Some(d)) if n.abs() <= MAX_POWER => Some((n, d)),
            _ => None,
        },
        _ => None,
    }
}

/// The numerator of a term's numeric coefficient (a number, or the
/// product of the number factors of a product, nested products included),
/// 1 when larger than [`MAX_POWER`] or absent. Any choice is sound (it only
/// picks which atom stands for the term's exp); this one makes `exp(3 u)`
/// and `exp(u)^3` meet.
fn coefficient(store: &Store, id: Id) -> i64 {
    fn walk(store: &Store, id: Id, c: &mut i64) -> bool {
        match store.get(id) {
            Node::Num(q) => match q.numer().to_i64().and_then(|n| c.checked_mul(n)) {
                Some(m) if m != 0 && m.abs() <= MAX_POWER => {
                    *c = m;
                    true
                }
                _ => false,
            },
            Node::Mul(xs) => xs.iter().all(|&x| walk(store, x, c)),
            _ => true,
        }
    }
    let mut c = 1;
    if walk(store, id, &mut c) {
        c
    } else {
        1
    }
}

/// Degree bounds of every node below a side, and the largest degree of an
/// atom's argument.
struct Degrees<'a> {
    store: &'a Store,
    memo: FxHashMap<Id, Deg>,
    max_arg: u64,
}

impl Degrees<'_> {
    fn of(&mut self, id: Id) -> Deg {
        if let Some(&d) = self.memo.get(&id) {
            return d;
        }
        let d = self.uncached(id);
        self.memo.insert(id, d);
        d
    }

    fn arg(&mut self, id: Id) {
        let t = self.of(id).total();
        self.max_arg = self.max_arg.max(t);
    }

    /// The degree of exp(s·u) as [`Point::exp`] evaluates it.
    fn exp(&mut self, u: Id, s: i64) -> Deg {
        match self.store.get(u) {
            Node::Add(xs) => {
                let mut d = Deg::default();
                for &x in xs {
                    let e = self.exp(x, s);
                    d.num = d.num.saturating_add(e.num);
                    d.den = d.den.saturating_add(e.den);
                }
                d
            }
            _ => {
                self.arg(u);
                let k = coefficient(self.store, u) * s;
                if k < 0 {
                    Deg {
                        num: 0,
                        den: k.unsigned_abs(),
                    }
                } else {
                    Deg::atom(k as u64)
                }
            }
        }
    }

    fn uncached(&mut self, id: Id) -> Deg {
        let store = self.store;
        match store.get(id) {
            Node::Num(_) => Deg::default(),
            Node::Const(Constant::Pi) | Node::Var(..) | Node::Delta(..) => Deg::atom(1),
            Node::Sum { .. } | Node::Deriv { .. } => Deg::atom(1),
            Node::Const(Constant::E) => Deg::atom(1),
            Node::Add(xs) => {
                let ds: Vec<Deg> = xs.iter().map(|&x| self.of(x)).collect();
                let den = ds.iter().fold(0u64, |a, d| a.saturating_add(d.den));
                let num = ds
                    .iter()
                    .map(|d| d.num.saturating_add(den - d.den.min(den)))
                    .max()
                    .unwrap_or(0);
                Deg { num, den }
            }
            Node::Mul(xs) => xs.iter().fold(Deg::default(), |a, &x| {
                let d = self.of(x);
                Deg {
                    num: a.num.saturating_add(d.num),
                    den: a.den.saturating_add(d.den),
                }
            }),
            &Node::Pow(b, e) => {
                let db = self.of(b);
                let scale = |d: Deg, k: u64| Deg {
                    num: d.num.saturating_mul(k),
                    den: d.den.saturating_mul(k),
                };
                match exponent(store, e) {
                    Some((k, 1)) if k >= 0 => scale(db, k as u64),
                    Some((k, 1)) => scale(
                        Deg {
                            num: db.den,
                            den: db.num,
                        },
                        k.unsigned_abs(),
                    ),
                    // An atom R_d(b), raised to n.
                    Some((n, _)) => {
                        self.arg(b);
                        if n < 0 {
                            Deg {
                                num: 0,
                                den: n.unsigned_abs(),
                            }
                        } else {
                            Deg::atom(n as u64)
                        }
                    }
                    None => {
                        self.arg(b);
                        self.arg(e);
                        Deg::atom(1)
                    }
                }
            }
            &Node::Apply(f, a) => match f {
                Func::Exp => self.exp(a, 1),
                Func::Sigmoid | Func::Tanh => {
                    // 1/(1 + N/D) = D/(D + N); tanh likewise.
                    let e = self.exp(a, if f == Func::Tanh { 2 } else { -1 });
                    let top = e.num.max(e.den);
                    match f {
                        Func::Tanh => Deg { num: top, den: top },
                        _ => Deg {
                            num: e.den,
                            den: top,
                        },
                    }
                }
                Func::Log => match store.get(a) {
                    &Node::Apply(Func::Exp, inner) => self.of(inner),
                    _ => {
                        self.arg(a);
                        Deg::atom(1)
                    }
                },
                Func::Abs | Func::Sign | Func::Relu | Func::Step | Func::Softplus => {
                    self.arg(a);
                    Deg::atom(1)
                }
                Func::Sin | Func::Cos | Func::Tan => {
                    // tan(u/2) = N/D with both of degree ≤ K, the terms'
                    // multiplicities; sin, cos and tan are then of 2K.
                    let terms: Vec<Id> = match store.get(a) {
                        Node::Add(xs) => xs.clone(),
                        _ => vec![a],
                    };
                    let mut k: u64 = 0;
                    for x in terms {
                        self.arg(x);
                        k = k.saturating_add(coefficient(store, x).unsigned_abs());
                    }
                    let k = k.saturating_mul(2);
                    Deg { num: k, den: k }
                }
            },
        }
    }
}

/// Tries to prove `lhs = rhs` by exact evaluation at random points; the
/// points derive from `seed` and the two sides only. `None` when the sides
/// differ at a point, when too many points are poles, or when the degree
/// bound is too large for a useful error bound.
pub fn prove(store: &Store, lhs: Id, rhs: Id, seed: u64) -> Option<Proof> {
    let mut degrees = Degrees {
        store,
        memo: FxHashMap::default(),
        max_arg: 0,
    };
    let (dl, dr) = (degrees.of(lhs), degrees.of(rhs));
    let degree = dl
        .num
        .saturating_add(dr.den)
        .max(dr.num.saturating_add(dl.den))
        .max(1);
    let max_arg = degrees.max_arg;
    let mut consts = FxHashMap::default();
    let base = mix(seed ^ mix(u64::from(lhs.0) << 32 | u64::from(rhs.0)));
    let mut atoms: u64 = 0;
    let mut agreed: u32 = 0;
    let mut points: u32 = 0;
    let mut needed: u32 = 1;
    let mut attempts: u32 = 0;
    let mut bits = 0.0;
    while agreed < needed {
        if attempts >= 2 * needed.max(2) {
            return None;
        }
        attempts += 1;
        let mut point = Point {
            store,
            key: mix(base.wrapping_add(u64::from(attempts))),
            values: FxHashMap::default(),
            consts: &mut consts,
            atoms: FxHashMap::default(),
        };
        let (Some(l), Some(r)) = (point.eval(lhs), point.eval(rhs)) else {
            continue; // a pole: another point (counted in the attempts)
        };
        if l != r {
            return None;
        }
        agreed += 1;
        points += 1;
        atoms = atoms.max(point.atoms.len() as u64);
        // The bound per point: the difference's numerator vanishes, or two
        // atoms' arguments collide (up to sign, for tan(u/2)).
        let a = atoms as f64;
        let eps = (degree as f64 + 2.0 * a * a * (2.0 * max_arg.max(1) as f64)) / P as f64;
        if eps >= 1.0 / 16.0 {
            return None;
        }
        let per = -eps.log2();
        // k points out of at most 2k attempts: C(2k, k) ε^k ≤ 4^k ε^k.
        needed = ((TARGET_BITS / (per - 2.0)).ceil() as u32).clamp(1, MAX_POINTS);
        bits = f64::from(needed) * (per - 2.0);
    }
    if bits < MIN_BITS {
        return None;
    }
    Some(Proof {
        bits: bits.floor() as u32,
        points,
        degree,
        atoms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canon::testkit;
    use pretty_assertions::assert_eq;

    /// Parses and lowers `lhs = rhs` with the declarations, eliminates
    /// derivatives and runs the witness.
    fn check(decls: &str, lhs: &str, rhs: &str) -> Option<Proof> {
        let mut t = testkit::T::new(decls);
        let (l, r) = (t.parse(lhs), t.parse(rhs));
        let l = crate::diff::eliminate_inner(&mut t.store, &mut t.sym, l);
        let r = crate::diff::eliminate_inner(&mut t.store, &mut t.sym, r);
        prove(&t.store, l, r, 7)
    }

    #[test]
    fn arithmetic_is_exact_modulo_p() {
        assert_eq!(mul(P - 1, P - 1), 1);
        assert_eq!(add(P - 1, 2), 1);
        let x = 123_456_789_u64;
        assert_eq!(mul(x, inv(x).unwrap()), 1);
        assert_eq!(inv(0), None);
        let half = Rational::new(1.into(), 2.into());
        assert_eq!(mul(residue(&half).unwrap(), 2), 1);
    }

    #[test]
    fn identities_of_rational_functions_are_proved_with_a_bound() {
        let p = check("x y: real", "(x + y)^2 / (x + y)", "x + y").expect("proved");
        assert!(p.bits >= 120, "{p:?}");
        assert!(p.describe().contains("error probability < 2^-"));
    }

    #[test]
    fn function_rules_meet_their_identities() {
        for (lhs, rhs) in [
            ("exp(a + b)", "exp(a)*exp(b)"),
            ("exp(-a)", "1 / exp(a)"),
            ("sigmoid(a)", "1 / (1 + exp(-a))"),
            ("tanh(a)", "(exp(2*a) - 1) / (exp(2*a) + 1)"),
            ("sin(a)^2 + cos(a)^2", "1"),
            ("tan(a)", "sin(a) / cos(a)"),
            ("sin(-a)", "-sin(a)"),
            ("sin(2*a)", "2*sin(a)*cos(a)"),
            (
                "sin(a + a/(b^2 + 1))",
                "sin(a)*cos(a/(b^2 + 1)) + cos(a)*sin(a/(b^2 + 1))",
            ),
            ("cos(a - b)", "cos(a)*cos(b) + sin(a)*sin(b)"),
            ("log(exp(a + b))", "a + b"),
            ("exp(a / (a^2 + 1))^3", "exp(3*a / (a^2 + 1))"),
            ("d(sigmoid(a), a)", "sigmoid(a)*(1 - sigmoid(a))"),
            ("d(tanh(a), a)", "1 - tanh(a)^2"),
            ("d(sin(a*b), a)", "b*cos(a*b)"),
            ("d(sqrt(a^2 + b), a)", "a / sqrt(a^2 + b)"),
        ] {
            assert!(
                check("a b: real", lhs, rhs).is_some(),
                "{lhs} = {rhs} not proved"
            );
        }
    }

    #[test]
    fn false_links_and_non_identities_are_never_proved() {
        for (lhs, rhs) in [
            ("a + b", "a + b + 1/1000000000000"),
            ("sqrt(a^2)", "a"),
            ("exp(a + b)", "exp(a) + exp(b)"),
            ("log(a*b)", "log(a) + log(b)"),
            ("sin(a + b)", "sin(a) + sin(b)"),
            ("cos(a + b)", "cos(a)*cos(b) + sin(a)*sin(b)"),
            ("sin(2*a)", "2*sin(a)"),
            ("d(sigmoid(a), a)", "sigmoid(a)"),
            ("(a + b)^2", "a^2 + b^2"),
            ("1 / (a - a)", "1 / (a - a)"),
            ("relu(a)", "a"),
            ("abs(a)", "a"),
            ("relu(a) + relu(b)", "relu(a + b)"),
            ("sign(a) * sign(b)", "sign(a * b) + step(a)"),
            ("softplus(a)", "exp(a)"),
        ] {
            assert_eq!(check("a b: real", lhs, rhs), None, "{lhs} = {rhs}");
        }
    }

    #[test]
    fn piecewise_functions_are_atoms_of_their_argument() {
        for (lhs, rhs) in [
            ("relu(a + b) * 2", "relu(b + a) + relu(a + b)"),
            ("abs(a)^2 / abs(a)", "abs(a)"),
            (
                "step(a) * (1 + sign(2*a))",
                "step(a) + step(a) * sign(a + a)",
            ),
        ] {
            assert!(check("a b: real", lhs, rhs).is_some(), "{lhs} = {rhs}");
        }
    }

    #[test]
    fn the_answer_depends_only_on_the_sides_and_the_seed() {
        let mut t = testkit::T::new("x: real");
        let (l, r) = (t.parse("exp(2*x)"), t.parse("exp(x)^2"));
        assert_eq!(prove(&t.store, l, r, 1), prove(&t.store, l, r, 1));
        assert!(prove(&t.store, l, r, 2).is_some());
    }
}

#[cfg(test)]
mod wide_tests {
    //! The witness on wide expressions written the way a CAS prints them,
    //! through the real parser and lowering: true gradients are proved,
    //! near-identities (one term, one coefficient or one index off deep
    //! inside) never are.

    use super::prove;
    use pretty_assertions::assert_eq;

    /// ∂CE/∂z_k of softmax + cross-entropy over `n` classes, with the right
    /// side given; the result of the witness on the link.
    fn ce_link(n: usize, k: usize, rhs: &str) -> Option<super::Proof> {
        let sum = |f: &dyn Fn(usize) -> String| (1..=n).map(f).collect::<Vec<_>>().join(" + ");
        let vars: Vec<String> = (1..=n)
            .map(|i| format!("z{i}"))
            .chain((1..=n).map(|i| format!("y{i}")))
            .collect();
        let text = format!(
            "{} : real\nlet S = {}\nlet CE = -({})\nclaim c: ∂CE/∂z{k} = {rhs}\n",
            vars.join(", "),
            sum(&|i| format!("exp(z{i})")),
            sum(&|i| format!("y{i} log(exp(z{i}) / S)")),
        );
        let parsed = crate::syntax::parse_file(&text);
        assert_eq!(parsed.errors.len(), 0, "{:?}", parsed.errors);
        let mut lowered = crate::lower::lower_file(&parsed);
        assert!(lowered.errors.is_empty());
        let link = lowered.claims[0]
            .checkable()
            .next()
            .expect("one link")
            .clone();
        crate::parallel::with_big_stack(|| {
            let (store, symbols) = (&mut lowered.store, &mut lowered.symbols);
            let l = crate::diff::eliminate_inner(store, symbols, link.lhs);
            let r = crate::diff::eliminate_inner(store, symbols, link.rhs);
            prove(store, l, r, 11)
        })
    }

    /// The right side a CAS prints, with its numerator's terms given.
    fn ce_rhs(n: usize, num: &dyn Fn(usize) -> String, tail: &str) -> String {
        let terms: Vec<String> = (1..=n).map(num).collect();
        let s: Vec<String> = (1..=n).map(|i| format!("exp(z{i})")).collect();
        format!("({}) / ({}) {tail}", terms.join(" + "), s.join(" + "))
    }

    #[test]
    fn a_wide_true_gradient_is_proved() {
        let (n, k) = (120, 37);
        let rhs = ce_rhs(n, &|i| format!("y{i} exp(z{k})"), &format!("- y{k}"));
        let proof = ce_link(n, k, &rhs).expect("proved");
        assert!(proof.bits >= 120, "{proof:?}");
    }

    #[test]
    fn near_identities_deep_inside_a_wide_gradient_are_not_proved() {
        let (n, k) = (120, 37);
        let cases = [
            // One term of the 120-term numerator missing.
            ce_rhs(
                n,
                &|i| match i {
                    77 => "0".to_string(),
                    _ => format!("y{i} exp(z{k})"),
                },
                &format!("- y{k}"),
            ),
            // One coefficient off by 10^-12.
            ce_rhs(
                n,
                &|i| match i {
                    77 => format!("1.000000000001 y{i} exp(z{k})"),
                    _ => format!("y{i} exp(z{k})"),
                },
                &format!("- y{k}"),
            ),
            // One index swapped: y78 where y77 belongs.
            ce_rhs(
                n,
                &|i| match i {
                    77 => format!("y78 exp(z{k})"),
                    _ => format!("y{i} exp(z{k})"),
                },
                &format!("- y{k}"),
            ),
            // The wrong class's exp in one term.
            ce_rhs(
                n,
                &|i| match i {
                    77 => format!("y{i} exp(z{})", k + 1),
                    _ => format!("y{i} exp(z{k})"),
                },
                &format!("- y{k}"),
            ),
            // The sign of the last term flipped.
            ce_rhs(n, &|i| format!("y{i} exp(z{k})"), &format!("+ y{k}")),
        ];
        for rhs in cases {
            assert_eq!(ce_link(n, k, &rhs), None);
        }
    }
}

#[cfg(test)]
mod prop_tests {
    //! The exact-random witness against the canonical form on small
    //! expressions where both apply (rational operations, σ as an atom):
    //! what the canonical form proves, the witness proves; what the
    //! witness proves evaluates equal; a perturbed side is never proved.

    use super::prove;
    use crate::canon::testkit::{eval, Point, T};
    use crate::canon::{Budget, Outcome};
    use proptest::prelude::*;

    const DECLS: &str = "x y: real; v: vector n; idx i: n";

    fn expr() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("x".to_string()),
            Just("y".to_string()),
            Just("v[i]".to_string()),
            (-3i32..4).prop_map(|n| format!("({n})")),
            Just("(1/3)".to_string()),
        ];
        leaf.prop_recursive(4, 20, 3, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} * {b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} / (1 + {b}^2))")),
                (inner.clone(), 0i32..4).prop_map(|(a, n)| format!("({a})^({n})")),
                inner.clone().prop_map(|a| format!("sigmoid({a})")),
            ]
        })
    }

    /// The two witnesses on `l = r`: canonical form proved, exact-random
    /// proved, and whether the sides agree numerically where defined.
    fn both(l: &str, r: &str) -> (bool, bool, bool) {
        let mut t = T::new(DECLS);
        let (lid, rid) = (t.parse(l), t.parse(r));
        let canon = matches!(
            crate::canon::prove(&mut t.store, &mut t.sym, lid, rid, &Budget::default()),
            Outcome::Proved { .. }
        );
        let exact = prove(&t.store, lid, rid, 3).is_some();
        let agree = (0..20u64).all(|seed| {
            let mut pt = Point::sample(&t.sym, seed);
            match (
                eval(&t.store, &t.sym, lid, &mut pt),
                eval(&t.store, &t.sym, rid, &mut pt),
            ) {
                (Some(a), Some(b)) if a.abs() < 1e6 => (a - b).abs() <= 1e-6 * (1.0 + a.abs()),
                _ => true,
            }
        });
        (canon, exact, agree)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn agrees_with_the_canonical_form(a in expr(), b in expr()) {
            // A rewrite of `a` that is a rational identity, and an
            // unrelated pair.
            let same = format!("(({a}) * (1 + y^2) + ({b}) - ({b})) / (1 + y^2)");
            for (l, r) in [(a.clone(), same), (a.clone(), b.clone())] {
                let (canon, exact, agree) = both(&l, &r);
                prop_assert!(!canon || exact, "canonical form proves {} = {}, exact-random not", l, r);
                prop_assert!(!exact || agree, "exact-random proves {} = {}, which differ", l, r);
            }
        }

        #[test]
        fn a_perturbed_side_is_never_proved(a in expr()) {
            let r = format!("({a}) + x/1000000000000");
            let (_, exact, _) = both(&a, &r);
            prop_assert!(!exact, "{} = {} proved", a, r);
        }
    }
}
