//! Rational powers of compound and constant bases: one canonical form for
//! `b^r` however it was written (`(p+1)^(-1/2)`, `1/sqrt(p+1)`,
//! `sqrt(p+1)^3 / (p+1)^2`).
//!
//! A *root atom* is `B^f` with `f` a rational in (0, 1) and `B` either a
//! canonical polynomial of two or more terms or a positive integer that
//! trial division does not split (a prime, or a cofactor without small
//! primes). In a monomial every power of the same base is gathered into one
//! total exponent `T` and written `B^⌊T⌋ · B^(T − ⌊T⌋)`: the integer part is
//! an ordinary (expanded or denominator) power, the rest one root atom.
//! Constants are split into prime powers first, so `sqrt(8) = 2·sqrt(2)`
//! and `sqrt(1/2) = sqrt(2)/2`.
//!
//! Soundness: a non-integer power is defined only where its base is ≥ 0
//! (the numeric witness's `Pow` semantics: a negative base needs an integer
//! exponent). Where every power of `B` in the monomial is defined, `B ≥ 0`;
//! for `B > 0` the power laws hold, and for `B = 0` the original is defined
//! only when every exponent is positive, and then both forms are 0. So the
//! folded form equals the original wherever the original is defined (it may
//! be defined on more: `sqrt(x−1)^2 = x − 1`).

use super::poly::{Mono, Poly};
use super::ratfun::Rf;
use super::{Ctx, Rule, R};
use crate::expr::{Id, Node, Rational};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::collections::BTreeMap;

/// Trial division bound for splitting constant bases into prime powers.
const TRIAL_PRIMES_BELOW: u32 = 1000;

/// Integer powers of a compound base above this stay an opaque atom
/// (expanding them is the budget's business, but a root atom should not be
/// the reason a polynomial explodes).
const MAX_FOLD_POWER: i64 = 64;

/// `n` split into (factor, multiplicity) by trial division; the cofactor
/// left over (no prime below the bound divides it) is one more factor.
pub(super) fn split_integer(n: &BigInt) -> Vec<(BigInt, i64)> {
    let mut out = Vec::new();
    let mut n = n.clone();
    let mut p = 2u32;
    while p < TRIAL_PRIMES_BELOW && n > BigInt::one() {
        let bp = BigInt::from(p);
        if &bp * &bp > n {
            break;
        }
        let mut k = 0i64;
        loop {
            let (q, r) = n.div_rem(&bp);
            if !r.is_zero() {
                break;
            }
            n = q;
            k += 1;
        }
        if k > 0 {
            out.push((bp, k));
        }
        p += if p == 2 { 1 } else { 2 };
    }
    if n > BigInt::one() {
        out.push((n, 1));
    }
    out
}

/// A positive integer that [`split_integer`] leaves whole.
fn is_split_base(n: &BigInt) -> bool {
    *n > BigInt::one() && matches!(split_integer(n).as_slice(), [(b, 1)] if b == n)
}

/// `floor(t)` and `t − floor(t)`.
fn floor_frac(t: &Rational) -> (Rational, Rational) {
    let f = t.floor();
    let rest = t - &f;
    (f, rest)
}

impl Ctx<'_> {
    /// `(B, f)` when `a` is a power `B^f` with a non-integer rational `f`
    /// and a base this module folds (a sum, or a positive number).
    fn root_parts(&self, a: Id) -> Option<(Id, Rational)> {
        let Node::Pow(b, e) = self.store.get(a) else {
            return None;
        };
        let Node::Num(f) = self.store.get(*e) else {
            return None;
        };
        if f.is_integer() {
            return None;
        }
        match self.store.get(*b) {
            Node::Add(_) => Some((*b, f.clone())),
            Node::Num(c) if c.is_positive() => Some((*b, f.clone())),
            _ => None,
        }
    }

    /// Whether the monomial has powers of a root base not yet in canonical
    /// form: an exponent on a root atom, an exponent outside (0, 1), two
    /// powers of one base, or a constant base that splits further.
    pub(crate) fn roots_need_fold(&self, m: &Mono) -> bool {
        let mut bases: Vec<Id> = Vec::new();
        for (a, e) in &m.0 {
            let Some((b, f)) = self.root_parts(*a) else {
                continue;
            };
            let total = f * e.to_rational();
            if total.abs() > Rational::from_integer(MAX_FOLD_POWER.into()) {
                continue;
            }
            if let Node::Num(c) = self.store.get(b) {
                if !c.is_integer() || !is_split_base(c.numer()) {
                    return true;
                }
            }
            if !e.is_one() || f_out_of_range(&total) || bases.contains(&b) {
                return true;
            }
            bases.push(b);
        }
        false
    }

    /// The monomial with every root base folded: the rest of `m` times the
    /// folded powers.
    pub(crate) fn fold_roots(&mut self, m: &Mono) -> R<Rf> {
        let mut rest = Vec::new();
        let mut compound: BTreeMap<Id, Rational> = BTreeMap::new();
        let mut constant: BTreeMap<BigInt, Rational> = BTreeMap::new();
        for (a, e) in &m.0 {
            let e = e.to_rational();
            let Some((b, f)) = self.root_parts(*a) else {
                rest.push((*a, e));
                continue;
            };
            let total = f * &e;
            if total.abs() > Rational::from_integer(MAX_FOLD_POWER.into()) {
                rest.push((*a, e));
                continue;
            }
            match self.store.get(b).clone() {
                Node::Num(c) => {
                    for (p, k) in split_integer(c.numer()) {
                        *constant.entry(p).or_insert_with(Rational::zero) +=
                            &total * Rational::from_integer(k.into());
                    }
                    for (p, k) in split_integer(c.denom()) {
                        *constant.entry(p).or_insert_with(Rational::zero) -=
                            &total * Rational::from_integer(k.into());
                    }
                }
                _ => *compound.entry(b).or_insert_with(Rational::zero) += total,
            }
        }
        self.note(Rule::CombinePowers);
        let mut acc = Rf::mono(Mono::from_factors(rest));
        for (p, t) in constant {
            let r = self.prime_power(&p, &t)?;
            acc = self.rf_mul(&acc, &r)?;
        }
        for (b, t) in compound {
            let r = self.compound_power_of(b, &t)?;
            acc = self.rf_mul(&acc, &r)?;
        }
        self.normalize(acc)
    }

    /// `p^t` for a base `p` that does not split: a rational coefficient
    /// times at most one root atom.
    fn prime_power(&mut self, p: &BigInt, t: &Rational) -> R<Rf> {
        let (n, f) = floor_frac(t);
        let base = Rational::from_integer(p.clone());
        let k = n.to_integer().to_i32().ok_or_else(huge_power)?;
        self.check_bits(p.bits().saturating_mul(u64::from(k.unsigned_abs())))?;
        let c = num_traits::pow::Pow::pow(&base, k);
        if f.is_zero() {
            return Ok(Rf::constant(c));
        }
        let b = self.store.num(base);
        let e = self.store.num(f);
        let a = self.store.add(Node::Pow(b, e));
        Ok(Rf::poly(Poly::term(Mono::atom(a, Rational::one()), c)))
    }

    /// `c^r` for a positive rational `c` and a non-integer `r`, in prime
    /// powers.
    pub(crate) fn const_power(&mut self, c: &Rational, r: &Rational) -> R<Rf> {
        let mut acc = Rf::one();
        let mut parts: BTreeMap<BigInt, Rational> = BTreeMap::new();
        for (p, k) in split_integer(c.numer()) {
            *parts.entry(p).or_insert_with(Rational::zero) += r * Rational::from_integer(k.into());
        }
        for (p, k) in split_integer(c.denom()) {
            *parts.entry(p).or_insert_with(Rational::zero) -= r * Rational::from_integer(k.into());
        }
        for (p, t) in parts {
            if t.abs() > Rational::from_integer(MAX_FOLD_POWER.into()) {
                let b = self.store.num(c.clone());
                let e = self.store.num(r.clone());
                return Ok(Rf::atom(self.store.add(Node::Pow(b, e))));
            }
            let f = self.prime_power(&p, &t)?;
            acc = self.rf_mul(&acc, &f)?;
        }
        Ok(acc)
    }

    /// `rb^r` for a polynomial `rb` of two or more terms (no denominator)
    /// and a non-integer `r`.
    pub(crate) fn compound_power(&mut self, rb: &Rf, r: &Rational) -> R<Rf> {
        // A non-integer power of a base known negative is defined nowhere,
        // like that of a negative number.
        if self.poly_positive(&rb.num.scale(&-Rational::one())) {
            return Ok(self.undefined());
        }
        let b = self.rf_expr(rb);
        if r.abs() > Rational::from_integer(MAX_FOLD_POWER.into())
            || !matches!(self.store.get(b), Node::Add(_))
        {
            let e = self.store.num(r.clone());
            return Ok(Rf::atom(self.store.add(Node::Pow(b, e))));
        }
        self.compound_power_of(b, r)
    }

    /// `B^t` for a canonical sum `B`: `B^⌊t⌋ · B^(t − ⌊t⌋)`.
    fn compound_power_of(&mut self, b: Id, t: &Rational) -> R<Rf> {
        let (n, f) = floor_frac(t);
        let rb = self.rf_of(b)?;
        let n = n.to_integer().to_i64().ok_or_else(huge_power)?;
        let int_part = if rb.den.is_empty() {
            self.rf_pow_int(&rb, n)?
        } else {
            // Not reachable for a canonical sum; kept opaque to be safe.
            let e = self.store.num(Rational::from_integer(n.into()));
            Rf::atom(self.store.add(Node::Pow(b, e)))
        };
        if f.is_zero() {
            return Ok(int_part);
        }
        let e = self.store.num(f);
        let a = self.store.add(Node::Pow(b, e));
        self.rf_mul(&int_part, &Rf::atom(a))
    }
}

fn huge_power() -> super::Limit {
    super::Limit("the symbolic size limit was reached (a huge power)".into())
}

/// A total exponent that is not already a root atom's own exponent.
fn f_out_of_range(t: &Rational) -> bool {
    !t.is_positive() || *t >= Rational::one() || t.is_integer()
}
