//! Rational functions in atoms: a polynomial numerator over a factored
//! denominator, with common factors cancelled factor by factor.
//!
//! Denominator factors are normalized polynomials: no monomial content (no
//! atom divides every term) and leading coefficient 1; the content goes to
//! the numerator as a Laurent monomial. Nothing is ever brought over a
//! common denominator by expanding the denominators themselves: they stay a
//! product of factors, and cancellation is trial division of the numerator
//! by one factor at a time.

use super::poly::{Mono, Poly};
use super::{Ctx, Mode, Rule, R};
use crate::expr::{Id, Node, Rational};
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `num / Π den_f^k`: den sorted by factor id, exponents positive.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rf {
    pub(crate) num: Poly,
    pub(crate) den: Vec<(Id, u32)>,
}

impl Rf {
    pub(crate) fn zero() -> Rf {
        Rf {
            num: Poly::zero(),
            den: Vec::new(),
        }
    }

    pub(crate) fn one() -> Rf {
        Rf::constant(Rational::one())
    }

    pub(crate) fn constant(c: Rational) -> Rf {
        Rf {
            num: Poly::constant(c),
            den: Vec::new(),
        }
    }

    pub(crate) fn atom(id: Id) -> Rf {
        Rf::mono(Mono::atom(id, Rational::one()))
    }

    pub(crate) fn mono(m: Mono) -> Rf {
        Rf {
            num: Poly::term(m, Rational::one()),
            den: Vec::new(),
        }
    }

    pub(crate) fn poly(p: Poly) -> Rf {
        Rf {
            num: p,
            den: Vec::new(),
        }
    }

    pub(crate) fn as_constant(&self) -> Option<Rational> {
        if self.den.is_empty() {
            self.num.as_constant()
        } else {
            None
        }
    }

    pub(crate) fn scale(&self, c: &Rational) -> Rf {
        if c.is_zero() {
            return Rf::zero();
        }
        Rf {
            num: self.num.scale(c),
            den: self.den.clone(),
        }
    }

    pub(crate) fn neg(&self) -> Rf {
        self.scale(&-Rational::one())
    }
}

fn int(n: i64) -> Rational {
    Rational::from_integer(n.into())
}

impl Ctx<'_> {
    /// The polynomial behind a denominator factor id.
    pub(crate) fn factor_poly(&mut self, f: Id) -> R<Arc<Poly>> {
        if let Some(p) = self.tables.factor_polys.get(&f) {
            return Ok(p.clone());
        }
        let rf = self.rf_of(f)?;
        let p = Arc::new(rf.num.clone());
        self.tables.factor_polys.insert(f, p.clone());
        Ok(p)
    }

    fn poly_mul(&mut self, a: &Poly, b: &Poly) -> R<Poly> {
        self.check_terms(a.len().saturating_mul(b.len()) / 4)?;
        // A product's coefficients are at most this big (sums of products).
        let fan_in = u64::BITS - (a.len().min(b.len()) as u64).leading_zeros();
        self.check_bits(a.max_coeff_bits() + b.max_coeff_bits() + u64::from(fan_in))?;
        // Each pair of terms multiplies coefficients too: a product of
        // huge binomial coefficients (`(1 + e^(-p))^(2^100)`) costs by
        // their size, in 64-bit words.
        let words = 1 + (a.max_coeff_bits() + b.max_coeff_bits()) / 64;
        let pairs = (a.len() as u64).saturating_mul(b.len() as u64).max(1);
        self.charge(pairs.saturating_mul(words))?;
        let p = a.mul(b);
        self.check_terms(p.len())?;
        Ok(p)
    }

    fn poly_pow(&mut self, p: &Poly, n: u32) -> R<Poly> {
        let mut acc = Poly::constant(Rational::one());
        for _ in 0..n {
            acc = self.poly_mul(&acc, p)?;
        }
        Ok(acc)
    }

    pub(crate) fn rf_add(&mut self, a: &Rf, b: &Rf) -> R<Rf> {
        let sum = self.rf_add_uncancelled(a.clone(), b)?;
        self.cancel(sum)
    }

    /// `a + b` without the final cancellation, adding into `a` in place
    /// when the denominators agree: folds over many terms call this and
    /// cancel once at the end (the result is the same, and a sum of n
    /// terms costs O(n) instead of O(n²)).
    pub(crate) fn rf_add_uncancelled(&mut self, mut a: Rf, b: &Rf) -> R<Rf> {
        if a.num.is_zero() {
            return Ok(b.clone());
        }
        if b.num.is_zero() {
            return Ok(a);
        }
        if a.den == b.den {
            let before = a.num.len() + b.num.len();
            a.num.add_poly(&b.num);
            if a.num.len() < before {
                self.note(Rule::CollectLikeTerms);
            }
            self.check_terms(a.num.len())?;
            if a.num.is_zero() {
                return Ok(Rf::zero());
            }
            return Ok(a);
        }
        let a = &a;
        self.note(Rule::CommonDenominator);
        let mut den: BTreeMap<Id, u32> = BTreeMap::new();
        for &(f, k) in a.den.iter().chain(&b.den) {
            let e = den.entry(f).or_insert(0);
            *e = (*e).max(k);
        }
        let mut num = Poly::zero();
        for side in [a, b] {
            let mut n = side.num.clone();
            for (&f, &k) in &den {
                let have = side.den.iter().find(|(g, _)| *g == f).map_or(0, |x| x.1);
                if k > have {
                    let fp = self.factor_poly(f)?;
                    let m = self.poly_pow(&fp, k - have)?;
                    n = self.poly_mul(&n, &m)?;
                }
            }
            // Moved in, not cloned: these numerators are the big ones.
            num.add_poly_owned(n);
        }
        let rf = Rf {
            num,
            den: den.into_iter().collect(),
        };
        self.normalize(rf)
    }

    pub(crate) fn rf_mul(&mut self, a: &Rf, b: &Rf) -> R<Rf> {
        if a.num.is_zero() || b.num.is_zero() {
            return Ok(Rf::zero());
        }
        if let Some(c) = a.as_constant() {
            return Ok(b.scale(&c));
        }
        if let Some(c) = b.as_constant() {
            return Ok(a.scale(&c));
        }
        if a.num.len() > 1 || b.num.len() > 1 {
            self.note(Rule::Expand);
        }
        let mut den: BTreeMap<Id, u32> = BTreeMap::new();
        for &(f, k) in a.den.iter().chain(&b.den) {
            let e = den.entry(f).or_insert(0);
            *e = e.saturating_add(k);
        }
        // Cancel before multiplying: dividing each numerator by the
        // denominator factors is far cheaper than dividing the product
        // (ŷ⁻¹·ŷ′ would otherwise multiply by Σ exp and divide again).
        // Borrowed until a division succeeds: cloning big numerators on
        // every product was a visible share of the scalar network.
        let mut na = std::borrow::Cow::Borrowed(&a.num);
        let mut nb = std::borrow::Cow::Borrowed(&b.num);
        for (&f, k) in den.iter_mut() {
            let fp = self.factor_poly(f)?;
            for n in [&mut na, &mut nb] {
                while *k > 0 && n.len() >= fp.len() {
                    match self.try_divide(n, &fp)? {
                        Some(q) => {
                            *n = std::borrow::Cow::Owned(q);
                            *k -= 1;
                        }
                        None => break,
                    }
                }
            }
        }
        let num = self.poly_mul(&na, &nb)?;
        let rf = Rf {
            num,
            den: den.into_iter().filter(|&(_, k)| k > 0).collect(),
        };
        let rf = self.normalize(rf)?;
        self.cancel(rf)
    }

    /// `n / f` when `f` divides `n` exactly (a cheap modular test first).
    fn try_divide(&mut self, n: &Poly, f: &Poly) -> R<Option<Poly>> {
        if n.len() < 2 || !super::poly::may_divide(n, f) {
            return Ok(None);
        }
        self.charge((n.len() as u64).saturating_mul(f.len() as u64).max(1))?;
        // A quotient rarely has more terms than the dividend; a longer
        // division is given up (completeness only, never soundness).
        let steps = n.len().saturating_add(16);
        let q = n.div_exact(f, steps.min(self.max_terms));
        if q.is_some() {
            self.note(Rule::CancelFactor);
        }
        Ok(q)
    }

    /// `rf^n` for an integer n (`rf` nonzero when n < 0; 0^-n stays an
    /// opaque atom, undefined like the original).
    pub(crate) fn rf_pow_int(&mut self, rf: &Rf, n: i64) -> R<Rf> {
        if n == 0 {
            return Ok(Rf::one());
        }
        if n == 1 {
            return Ok(rf.clone());
        }
        let base = if n < 0 {
            match self.rf_inv(rf)? {
                Some(inv) => inv,
                None => return Ok(self.undefined()),
            }
        } else {
            rf.clone()
        };
        let k = n.unsigned_abs();
        if k > 1 {
            self.note(Rule::IntegerPower);
        }
        if k > 10_000 {
            return Err(super::Limit(format!(
                "the symbolic size limit was reached (a power {n})"
            )));
        }
        // A single term is raised exponent by exponent, never expanded.
        if base.num.len() == 1 {
            let (m, c) = base
                .num
                .single()
                .map(|(m, c)| (m.clone(), c.clone()))
                .unwrap_or_default();
            let e = int(k as i64);
            self.check_bits((c.numer().bits() + c.denom().bits()).saturating_mul(k))?;
            let c = num_traits::pow::Pow::pow(&c, k as u32);
            let mut out = Rf {
                num: Poly::term(m.pow(&e), c),
                den: base
                    .den
                    .iter()
                    .map(|&(f, j)| (f, j.saturating_mul(k as u32)))
                    .collect(),
            };
            if !out.num.is_zero() && out.num.single().is_some_and(|(m, _)| !m.is_one()) {
                out = self.normalize(out)?;
            }
            return Ok(out);
        }
        let mut acc = Rf::one();
        let mut sq = base;
        let mut k = k;
        while k > 0 {
            if k & 1 == 1 {
                acc = self.rf_mul(&acc, &sq)?;
            }
            k >>= 1;
            if k > 0 {
                sq = self.rf_mul(&sq, &sq)?;
            }
        }
        Ok(acc)
    }

    /// `1 / rf`, or `None` for zero.
    pub(crate) fn rf_inv(&mut self, rf: &Rf) -> R<Option<Rf>> {
        if rf.num.is_zero() {
            return Ok(None);
        }
        let mut num = Poly::constant(Rational::one());
        for &(f, k) in &rf.den {
            let fp = self.factor_poly(f)?;
            let m = self.poly_pow(&fp, k)?;
            num = self.poly_mul(&num, &m)?;
        }
        let normalized = self.normalize(Rf::poly(rf.num.clone()))?;
        let rf = &Rf {
            num: if normalized.den.is_empty() && !normalized.num.is_zero() {
                normalized.num
            } else {
                rf.num.clone()
            },
            den: rf.den.clone(),
        };
        if let Some((m, c)) = rf.num.single() {
            let out = Rf {
                num: num.mul_term(&m.inv(), &(Rational::one() / c)),
                den: Vec::new(),
            };
            return Ok(Some(self.normalize(out)?));
        }
        let (c, m, f) = self.make_factor(&rf.num)?;
        let out = Rf {
            num: num.mul_term(&m.inv(), &(Rational::one() / c)),
            den: vec![(f, 1)],
        };
        let out = self.normalize(out)?;
        Ok(Some(self.cancel(out)?))
    }

    /// Splits a polynomial with two or more terms into `c · m · f` with `f`
    /// normalized (no monomial content, leading coefficient 1); returns
    /// `(c, m, id of f)` and registers `f` as a denominator factor.
    pub(crate) fn make_factor(&mut self, p: &Poly) -> R<(Rational, Mono, Id)> {
        let mut content = content_of(p);
        let mut shifted = p.mul_term(&content.inv(), &Rational::one());
        // Dividing out the content can turn 1/Σ into Σ: normalize again
        // (merging products of sums), so equal factors get equal ids.
        let normalized = self.normalize(Rf::poly(shifted.clone()))?;
        if normalized.den.is_empty() && normalized.num.len() >= 2 {
            let more = content_of(&normalized.num);
            shifted = normalized.num.mul_term(&more.inv(), &Rational::one());
            content = content.mul(&more);
        }
        let lc = shifted
            .leading()
            .map(|(_, c)| c.clone())
            .unwrap_or_else(Rational::one);
        let f = shifted.scale(&(Rational::one() / &lc));
        let id = self.poly_expr(&f);
        self.tables.factor_polys.insert(id, Arc::new(f));
        Ok((lc, content, id))
    }

    /// Trial-divides the numerator by each denominator factor.
    pub(crate) fn cancel(&mut self, mut rf: Rf) -> R<Rf> {
        if rf.num.is_zero() {
            return Ok(Rf::zero());
        }
        if rf.den.is_empty() || rf.num.as_constant().is_some() {
            return Ok(rf);
        }
        let mut den = Vec::with_capacity(rf.den.len());
        for (f, mut k) in std::mem::take(&mut rf.den) {
            let fp = self.factor_poly(f)?;
            while k > 0 {
                match self.try_divide(&rf.num, &fp)? {
                    Some(q) => {
                        rf.num = q;
                        k -= 1;
                    }
                    None => break,
                }
            }
            if k > 0 {
                den.push((f, k));
            }
        }
        rf.den = den;
        Ok(rf)
    }

    /// Applies the monomial rules that need more than exponent arithmetic:
    /// one-hot powers, delta powers, products of sums, and (fallback mode)
    /// sin² = 1 − cos².
    pub(crate) fn normalize(&mut self, rf: Rf) -> R<Rf> {
        // Normalizing a monomial multiplies, which normalizes again; the
        // rules shrink what they touch, but a bound keeps any unforeseen
        // cycle from recursing forever (a deeper form is merely less
        // normalized, never wrong).
        if self.norm_depth >= 32 {
            return Ok(rf);
        }
        self.tick()?;
        self.norm_depth += 1;
        let out = self.normalize_inner(rf);
        self.norm_depth -= 1;
        out
    }

    fn normalize_inner(&mut self, rf: Rf) -> R<Rf> {
        // Most forms need nothing: find that out before collecting anything.
        let Some(first) = rf.num.monos().position(|m| self.mono_needs_work(m)) else {
            return Ok(rf);
        };
        let mut needs = vec![false; first];
        needs.push(true);
        for m in rf.num.monos().skip(first + 1) {
            needs.push(self.mono_needs_work(m));
        }
        let mut plain = Poly::zero();
        let mut worked = Rf::zero();
        for ((m, c), need) in rf.num.terms.iter().zip(needs) {
            if need {
                let r = self.norm_mono(m)?;
                let r = r.scale(c);
                worked = self.rf_add(&worked, &r)?;
            } else {
                plain.add_term(m.clone(), c.clone());
            }
        }
        let total = self.rf_add(&Rf::poly(plain), &worked)?;
        if rf.den.is_empty() {
            return Ok(total);
        }
        let d = Rf {
            num: Poly::constant(Rational::one()),
            den: rf.den,
        };
        self.rf_mul(&total, &d)
    }

    /// `(b, e)` when the atom is a power with a symbolic exponent.
    fn symbolic_power(&self, a: Id) -> Option<(Id, Id)> {
        match self.store.get(a) {
            Node::Pow(b, e) if !matches!(self.store.get(*e), Node::Num(_)) => Some((*b, *e)),
            _ => None,
        }
    }

    /// Whether a symbolic power `b^e` in `m` meets another power of `b`.
    /// Exactly when `merge_powers` changes something (or it would loop):
    /// only integer multiples of a symbolic power take part.
    fn powers_meet(&self, m: &Mono) -> bool {
        m.0.iter().any(|(a, k)| {
            k.is_integer()
                && self.symbolic_power(*a).is_some_and(|(b, _)| {
                    !k.is_one()
                        || m.0.iter().any(|(c, j)| {
                            *c == b
                                || (*c != *a
                                    && j.is_integer()
                                    && self.symbolic_power(*c).is_some_and(|(d, _)| d == b))
                        })
                })
        })
    }

    /// One pass over the atoms (this runs on every term of every
    /// product): the symbolic-power test only when there is one.
    fn mono_needs_work(&mut self, m: &Mono) -> bool {
        if self.roots_need_fold(m) {
            return true; // powers.rs
        }
        if self.abs_sign_pair(m).is_some() {
            return true;
        }
        let mut sums = 0u32;
        let mut symbolic = false;
        for (a, e) in &m.0 {
            match self.store.get(*a) {
                Node::Pow(_, x) if !matches!(self.store.get(*x), Node::Num(_)) => symbolic = true,
                Node::Var(v, ix)
                    if ix.len() == 1 && self.is_onehot(*v) && e.is_positive() && !e.is_one() =>
                {
                    return true
                }
                Node::Delta(..) if e.is_positive() && !e.is_one() => return true,
                Node::Sum { .. } if e.is_integer() && e.is_positive() => {
                    sums += e.to_u32().unwrap_or(2);
                    if sums >= 2 {
                        return true;
                    }
                }
                Node::Apply(crate::expr::Func::Sin, _)
                    if self.mode == Mode::ExpForm && e.to_u32().is_some_and(|k| k >= 2) =>
                {
                    return true
                }
                Node::Apply(crate::expr::Func::Abs, _) if e.is_even() && e.is_positive() => {
                    return true
                }
                Node::Apply(crate::expr::Func::Step, _)
                    if e.is_integer() && e.to_u32().is_some_and(|k| k >= 2) =>
                {
                    return true
                }
                _ => {}
            }
        }
        symbolic && self.powers_meet(m)
    }

    /// Positions of `|u|^k` (or of an atom `u^k`) and `sign(u)^l` (k, l
    /// positive integers) in `m`, for one argument u, and whether the first
    /// is `|u|`.
    fn abs_sign_pair(&self, m: &Mono) -> Option<(usize, usize, Id, bool)> {
        use crate::expr::Func;
        let positive_int = |e: &super::poly::Exp| e.is_integer() && e.is_positive();
        m.0.iter().enumerate().find_map(|(p, (a, e))| {
            if !positive_int(e) {
                return None;
            }
            let (u, is_abs) = match self.store.get(*a) {
                Node::Apply(Func::Abs, u) => (u, true),
                _ => (a, false),
            };
            m.0.iter().enumerate().find_map(|(q, (b, l))| {
                (positive_int(l) && *self.store.get(*b) == Node::Apply(Func::Sign, *u))
                    .then_some((p, q, *u, is_abs))
            })
        })
    }

    fn norm_mono(&mut self, m: &Mono) -> R<Rf> {
        if self.roots_need_fold(m) {
            return self.fold_roots(m); // powers.rs
        }
        // |u|·sign(u) = u and u·sign(u) = |u| at every u (all are 0 at
        // u = 0); each use lowers an exponent, so this ends.
        if let Some((p, q, u, is_abs)) = self.abs_sign_pair(m) {
            self.note(Rule::Piecewise);
            let mut fs: Vec<(Id, Rational)> =
                m.0.iter().map(|(a, e)| (*a, e.to_rational())).collect();
            fs[p].1 -= Rational::one();
            fs[q].1 -= Rational::one();
            fs.retain(|(_, e)| !e.is_zero());
            let rest = self.normalize(Rf::mono(Mono::from_factors(fs)))?;
            let other = if is_abs {
                (*self.rf_of(u)?).clone()
            } else {
                self.apply_rf(crate::expr::Func::Abs, &Rf::atom(u))?
            };
            return self.rf_mul(&rest, &other);
        }
        let mut factors = Vec::new();
        let mut extra = Rf::one();
        let m = &self.merge_powers(m, &mut extra)?;
        for (a, e) in &m.0 {
            let node = self.store.get(*a).clone();
            match node {
                Node::Var(v, ix) if ix.len() == 1 && self.is_onehot(v) && e.is_positive() => {
                    if !e.is_one() {
                        self.note(Rule::OnehotPower);
                    }
                    factors.push((*a, Rational::one()));
                }
                Node::Delta(..) if e.is_positive() => {
                    if !e.is_one() {
                        self.note(Rule::DeltaSame);
                    }
                    factors.push((*a, Rational::one()));
                }
                Node::Apply(crate::expr::Func::Sin, x)
                    if self.mode == Mode::ExpForm && e.to_u32().is_some_and(|k| k >= 2) =>
                {
                    self.note(Rule::Pythagoras);
                    let k = i64::from(e.to_u32().unwrap_or(2));
                    let cos = self.store.apply(crate::expr::Func::Cos, x);
                    let mut p = Poly::constant(Rational::one());
                    p.add_term(Mono::atom(cos, int(2)), int(-1));
                    let mut r = self.rf_pow_int(&Rf::poly(p), k / 2)?;
                    if k % 2 == 1 {
                        r = self.rf_mul(&r, &Rf::atom(*a))?;
                    }
                    extra = self.rf_mul(&extra, &r)?;
                }
                // |a|^(2k) = a^(2k) and step(a)^k = step(a), at every a.
                Node::Apply(crate::expr::Func::Abs, x) if e.is_even() && e.is_positive() => {
                    self.note(Rule::Piecewise);
                    let r = self.rf_of(x)?;
                    let k = e.to_rational().to_integer().to_i64().unwrap_or(2);
                    let p = self.rf_pow_int(&r, k)?;
                    extra = self.rf_mul(&extra, &p)?;
                }
                Node::Apply(crate::expr::Func::Step, _)
                    if e.is_integer() && e.to_u32().is_some_and(|k| k >= 2) =>
                {
                    self.note(Rule::Piecewise);
                    factors.push((*a, Rational::one()));
                }
                _ => factors.push((*a, e.to_rational())),
            }
        }
        let has_sums = factors
            .iter()
            .filter(|(a, e)| {
                matches!(self.store.get(*a), Node::Sum { .. }) && e.is_integer() && e.is_positive()
            })
            .map(|(_, e)| e.to_u32().unwrap_or(2))
            .sum::<u32>()
            >= 2;
        let base = if has_sums {
            self.sum_single(Vec::new(), factors)?
        } else {
            Rf::mono(Mono::from_factors(factors))
        };
        self.rf_mul(&base, &extra)
    }

    /// `b^e1 · b^e2 · b^k = b^(e1 + e2 + k)` for symbolic exponents (and
    /// `(b^e)^n = b^(n·e)` for integer n). Sound in this direction: the
    /// product is defined only where each power is, and there the powers
    /// combine (b > 0, or integer exponents, or b = 0 with positive ones).
    /// The merged powers go to `extra`; the rest of `m` is returned.
    fn merge_powers(&mut self, m: &Mono, extra: &mut Rf) -> R<Mono> {
        if !self.powers_meet(m) {
            return Ok(m.clone());
        }
        let mut by_base: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
        let mut used = vec![false; m.0.len()];
        for (pos, (a, k)) in m.0.iter().enumerate() {
            if let Some((b, e)) = self.symbolic_power(*a) {
                if k.is_integer() {
                    let kn = self.store.num(k.to_rational());
                    let term = self.store.mul2(kn, e);
                    by_base.entry(b).or_default().push(term);
                    used[pos] = true;
                }
            }
        }
        for (pos, (a, k)) in m.0.iter().enumerate() {
            if let Some(terms) = by_base.get_mut(a) {
                terms.push(self.store.num(k.to_rational()));
                used[pos] = true;
            }
        }
        for (b, terms) in by_base {
            self.note(Rule::CombinePowers);
            let total = match terms.len() {
                1 => terms[0],
                _ => self.store.add(Node::Add(terms)),
            };
            let rb = self.rf_of(b)?;
            let re = self.rf_of(total)?;
            let p = self.pow_rf(&rb, &re)?;
            *extra = self.rf_mul(extra, &p)?;
        }
        Ok(Mono(
            m.0.iter()
                .zip(used)
                .filter(|(_, u)| !u)
                .map(|(f, _)| f.clone())
                .collect(),
        ))
    }

    // ---- building canonical expressions ----

    /// `c · m` as an expression: coefficient first, then factors by atom id.
    pub(crate) fn term_expr(&mut self, m: &Mono, c: &Rational) -> Id {
        let mut xs = Vec::with_capacity(m.0.len() + 1);
        if !c.is_one() {
            xs.push(self.store.num(c.clone()));
        }
        for (a, e) in &m.0 {
            xs.push(self.factor_expr(*a, &e.to_rational()));
        }
        self.product(xs)
    }

    pub(crate) fn factor_expr(&mut self, a: Id, e: &Rational) -> Id {
        if e.is_one() {
            a
        } else {
            let en = self.store.num(e.clone());
            self.store.add(Node::Pow(a, en))
        }
    }

    fn product(&mut self, xs: Vec<Id>) -> Id {
        match xs.len() {
            0 => self.store.int(1),
            1 => xs[0],
            _ => self.store.add(Node::Mul(xs)),
        }
    }

    pub(crate) fn poly_expr(&mut self, p: &Poly) -> Id {
        // `p` is not the context's: its terms are read in place.
        let mut terms: Vec<Id> = p.terms.iter().map(|(m, c)| self.term_expr(m, c)).collect();
        match terms.len() {
            0 => self.store.int(0),
            1 => terms[0],
            _ => {
                terms.sort();
                self.store.add(Node::Add(terms))
            }
        }
    }

    /// The canonical expression of a rational function.
    pub(crate) fn rf_expr(&mut self, rf: &Rf) -> Id {
        if rf.den.is_empty() {
            return self.poly_expr(&rf.num);
        }
        let mut coef = None;
        let mut xs = Vec::new();
        if let Some((m, c)) = rf.num.single() {
            if !c.is_one() {
                coef = Some(self.store.num(c.clone()));
            }
            let m = m.clone();
            for (a, e) in &m.0 {
                xs.push(self.factor_expr(*a, &e.to_rational()));
            }
        } else {
            xs.push(self.poly_expr(&rf.num));
        }
        for &(f, k) in &rf.den {
            let e = Rational::from_integer((-(k as i64)).into());
            xs.push(self.factor_expr(f, &e));
        }
        xs.sort();
        if let Some(c) = coef {
            xs.insert(0, c);
        }
        self.product(xs)
    }
}

/// The monomial content: each atom to its least exponent over the terms,
/// so that dividing by it leaves no atom dividing every term.
fn content_of(p: &Poly) -> Mono {
    // Atoms come sorted and each once, and zero exponents are left out:
    // already a monomial's form.
    let mut fs = Vec::new();
    for a in p.atoms() {
        let min = p.monos().map(|m| m.exp_of(a)).min();
        if let Some(min) = min.filter(|e| !e.is_zero()) {
            fs.push((a, min));
        }
    }
    Mono(fs)
}
