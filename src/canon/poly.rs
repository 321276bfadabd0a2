//! Sums of monomials with exact rational coefficients.
//!
//! A monomial is a product of atoms (canonical expression ids that are not
//! sums, products or numbers) with nonzero rational exponents, so Laurent
//! monomials (`x^-1`) and roots (`x^(1/2)`) are monomials too. Monomials are
//! totally ordered by a group order (lexicographic on exponent vectors, atoms
//! by id), so the product of leading terms is the leading term of a product;
//! that is what makes exact division by trial work.

use crate::expr::{Id, Rational};
use num_traits::ToPrimitive;
use num_traits::{One, Signed, Zero};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// An exponent: a machine integer on the fast path (nearly every exponent),
/// an exact rational otherwise. The representation is unique (a rational
/// with an integer value that fits is always `Int`), so derived equality
/// and hashing are value equality.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Exp {
    Int(i64),
    Rat(Arc<Rational>),
}

impl Exp {
    pub(crate) fn from_rational(r: &Rational) -> Exp {
        if r.is_integer() {
            // The numerator itself: `to_integer` divides by the denominator.
            if let Some(n) = r.numer().to_i64() {
                return Exp::Int(n);
            }
        }
        Exp::Rat(Arc::new(r.clone()))
    }

    pub(crate) fn to_rational(&self) -> Rational {
        match self {
            Exp::Int(n) => Rational::from_integer((*n).into()),
            Exp::Rat(r) => (**r).clone(),
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Exp::Int(0))
    }

    pub(crate) fn is_one(&self) -> bool {
        matches!(self, Exp::Int(1))
    }

    pub(crate) fn is_integer(&self) -> bool {
        match self {
            Exp::Int(_) => true,
            Exp::Rat(r) => r.is_integer(),
        }
    }

    pub(crate) fn is_positive(&self) -> bool {
        match self {
            Exp::Int(n) => *n > 0,
            Exp::Rat(r) => r.is_positive(),
        }
    }

    pub(crate) fn is_negative(&self) -> bool {
        match self {
            Exp::Int(n) => *n < 0,
            Exp::Rat(r) => r.is_negative(),
        }
    }

    /// Even integer (x^e ≥ 0 for every real x).
    pub(crate) fn is_even(&self) -> bool {
        match self {
            Exp::Int(n) => n % 2 == 0,
            Exp::Rat(r) => r.is_integer() && !r.to_integer().bit(0),
        }
    }

    /// Odd integer.
    pub(crate) fn is_odd(&self) -> bool {
        match self {
            Exp::Int(n) => n % 2 != 0,
            Exp::Rat(r) => r.is_integer() && r.to_integer().bit(0),
        }
    }

    /// The value as a small positive count, if it is one.
    pub(crate) fn to_u32(&self) -> Option<u32> {
        match self {
            Exp::Int(n) => u32::try_from(*n).ok(),
            Exp::Rat(_) => None,
        }
    }

    fn add(&self, o: &Exp) -> Exp {
        if let (Exp::Int(a), Exp::Int(b)) = (self, o) {
            if let Some(c) = a.checked_add(*b) {
                return Exp::Int(c);
            }
        }
        Exp::from_rational(&(self.to_rational() + o.to_rational()))
    }

    fn mul(&self, o: &Exp) -> Exp {
        if let (Exp::Int(a), Exp::Int(b)) = (self, o) {
            if let Some(c) = a.checked_mul(*b) {
                return Exp::Int(c);
            }
        }
        Exp::from_rational(&(self.to_rational() * o.to_rational()))
    }

    fn neg(&self) -> Exp {
        self.mul(&Exp::Int(-1))
    }

    fn sign(&self) -> Ordering {
        if self.is_negative() {
            Ordering::Less
        } else if self.is_zero() {
            Ordering::Equal
        } else {
            Ordering::Greater
        }
    }
}

impl Ord for Exp {
    fn cmp(&self, o: &Exp) -> Ordering {
        match (self, o) {
            (Exp::Int(a), Exp::Int(b)) => a.cmp(b),
            _ => self.to_rational().cmp(&o.to_rational()),
        }
    }
}

impl PartialOrd for Exp {
    fn partial_cmp(&self, o: &Exp) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// A product of atoms with nonzero exponents, sorted by atom id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Mono(pub(crate) Vec<(Id, Exp)>);

impl Ord for Mono {
    fn cmp(&self, other: &Mono) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j) = (0, 0);
        loop {
            match (a.get(i), b.get(j)) {
                (None, None) => return Ordering::Equal,
                (Some((_, ea)), None) => return ea.sign(),
                (None, Some((_, eb))) => return eb.sign().reverse(),
                (Some((x, ea)), Some((y, eb))) => match x.cmp(y) {
                    Ordering::Less => return ea.sign(),
                    Ordering::Greater => return eb.sign().reverse(),
                    Ordering::Equal => {
                        let c = ea.cmp(eb);
                        if c != Ordering::Equal {
                            return c;
                        }
                        i += 1;
                        j += 1;
                    }
                },
            }
        }
    }
}

impl PartialOrd for Mono {
    fn partial_cmp(&self, other: &Mono) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Mono {
    /// The empty product.
    pub(crate) fn one() -> Mono {
        Mono(Vec::new())
    }

    /// `atom ^ e` (the empty product when `e` is zero).
    pub(crate) fn atom(atom: Id, e: Rational) -> Mono {
        if e.is_zero() {
            Mono::one()
        } else {
            Mono(vec![(atom, Exp::from_rational(&e))])
        }
    }

    /// The product of atoms with exponents, in any order, duplicates merged.
    pub(crate) fn from_factors(fs: Vec<(Id, Rational)>) -> Mono {
        Mono::from_exps(
            fs.into_iter()
                .map(|(a, e)| (a, Exp::from_rational(&e)))
                .collect(),
        )
    }

    /// [`Mono::from_factors`] for exponents already in [`Exp`] form: one
    /// sort and merge instead of a product (a new vector) per factor. The
    /// exponents of an atom are added exactly, so the result is the
    /// product's whatever the order.
    pub(crate) fn from_exps(mut fs: Vec<(Id, Exp)>) -> Mono {
        fs.sort_by_key(|(a, _)| *a);
        Mono(merge_sorted(fs, |sum, e| *sum = sum.add(&e), Exp::is_zero))
    }

    /// The factors with rational exponents.
    pub(crate) fn factors(&self) -> Vec<(Id, Rational)> {
        self.0.iter().map(|(a, e)| (*a, e.to_rational())).collect()
    }

    /// True for the empty product.
    pub(crate) fn is_one(&self) -> bool {
        self.0.is_empty()
    }

    /// The product, exponents of shared atoms added.
    pub(crate) fn mul(&self, other: &Mono) -> Mono {
        let (a, b) = (&self.0, &other.0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            match (a.get(i), b.get(j)) {
                (Some(x), None) => {
                    out.push(x.clone());
                    i += 1;
                }
                (None, Some(y)) => {
                    out.push(y.clone());
                    j += 1;
                }
                (Some(x), Some(y)) => match x.0.cmp(&y.0) {
                    Ordering::Less => {
                        out.push(x.clone());
                        i += 1;
                    }
                    Ordering::Greater => {
                        out.push(y.clone());
                        j += 1;
                    }
                    Ordering::Equal => {
                        let e = x.1.add(&y.1);
                        if !e.is_zero() {
                            out.push((x.0, e));
                        }
                        i += 1;
                        j += 1;
                    }
                },
                (None, None) => break,
            }
        }
        Mono(out)
    }

    /// Every exponent multiplied by `r` (the caller checks that this is
    /// valid for the atoms involved).
    pub(crate) fn pow(&self, r: &Rational) -> Mono {
        if r.is_zero() {
            return Mono::one();
        }
        let r = Exp::from_rational(r);
        Mono(self.0.iter().map(|(a, e)| (*a, e.mul(&r))).collect())
    }

    /// The inverse (every exponent negated).
    pub(crate) fn inv(&self) -> Mono {
        Mono(self.0.iter().map(|(a, e)| (*a, e.neg())).collect())
    }

    /// `self / other`.
    pub(crate) fn div(&self, other: &Mono) -> Mono {
        self.mul(&other.inv())
    }

    /// The exponent of `atom` (zero when absent).
    pub(crate) fn exp_of(&self, atom: Id) -> Exp {
        self.0
            .iter()
            .find(|(a, _)| *a == atom)
            .map_or(Exp::Int(0), |(_, e)| e.clone())
    }
}

/// A finite sum of monomials with nonzero rational coefficients.
///
/// The terms are a vector sorted by monomial (ascending in the group
/// order), each monomial once: most polynomials have one to three terms,
/// and a tree map allocated a large node for each of them, cloned and
/// dropped on every product (a quarter of the symbolic witness went to
/// the allocator).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Poly {
    pub(crate) terms: Vec<(Mono, Rational)>,
}

impl Poly {
    /// The monomials, in ascending order.
    pub(crate) fn monos(&self) -> impl Iterator<Item = &Mono> + '_ {
        self.terms.iter().map(|(m, _)| m)
    }

    /// The size in bits of the largest coefficient (numerator plus
    /// denominator), for the size budget.
    pub(crate) fn max_coeff_bits(&self) -> u64 {
        self.terms
            .iter()
            .map(|(_, c)| c.numer().bits() + c.denom().bits())
            .max()
            .unwrap_or(0)
    }

    /// Zero.
    pub(crate) fn zero() -> Poly {
        Poly::default()
    }

    /// A rational constant.
    pub(crate) fn constant(c: Rational) -> Poly {
        Poly::term(Mono::one(), c)
    }

    /// One term.
    pub(crate) fn term(m: Mono, c: Rational) -> Poly {
        if c.is_zero() {
            return Poly::zero();
        }
        Poly {
            terms: vec![(m, c)],
        }
    }

    /// True for zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// Number of terms.
    pub(crate) fn len(&self) -> usize {
        self.terms.len()
    }

    /// The value when the polynomial is a constant.
    pub(crate) fn as_constant(&self) -> Option<Rational> {
        match &self.terms[..] {
            [] => Some(Rational::zero()),
            [(m, c)] => m.is_one().then(|| c.clone()),
            _ => None,
        }
    }

    /// The only term, if there is exactly one.
    pub(crate) fn single(&self) -> Option<(&Mono, &Rational)> {
        match &self.terms[..] {
            [(m, c)] => Some((m, c)),
            _ => None,
        }
    }

    /// The greatest term in the group order.
    pub(crate) fn leading(&self) -> Option<(&Mono, &Rational)> {
        self.terms.last().map(|(m, c)| (m, c))
    }

    /// The least term in the group order.
    pub(crate) fn lowest(&self) -> Option<(&Mono, &Rational)> {
        self.terms.first().map(|(m, c)| (m, c))
    }

    /// Adds `c·m` in place, dropping the term if it cancels.
    pub(crate) fn add_term(&mut self, m: Mono, c: Rational) {
        if c.is_zero() {
            return;
        }
        // Terms mostly come in ascending order: try the end first.
        let pos = match self.terms.last() {
            None => Err(0),
            Some((last, _)) => match last.cmp(&m) {
                Ordering::Less => Err(self.terms.len()),
                Ordering::Equal => Ok(self.terms.len() - 1),
                Ordering::Greater => self.terms.binary_search_by(|(k, _)| k.cmp(&m)),
            },
        };
        match pos {
            Ok(i) => {
                add_coeff(&mut self.terms[i].1, &c);
                if self.terms[i].1.is_zero() {
                    self.terms.remove(i);
                }
            }
            Err(i) => self.terms.insert(i, (m, c)),
        }
    }

    /// `self += other`, merging the two sorted term lists in one pass
    /// (adding term by term would shift the vector for each).
    pub(crate) fn add_poly(&mut self, other: &Poly) {
        self.add_terms(other.terms.iter().cloned());
    }

    /// `self += other`, consuming `other`.
    pub(crate) fn add_poly_owned(&mut self, other: Poly) {
        self.add_terms(other.terms.into_iter());
    }

    /// `self +=` the sorted terms of `other`.
    fn add_terms(&mut self, other: impl ExactSizeIterator<Item = (Mono, Rational)>) {
        if other.len() == 0 {
            return;
        }
        if self.terms.is_empty() {
            self.terms = other.collect();
            return;
        }
        let mine = std::mem::take(&mut self.terms);
        self.terms = merge_terms(mine, other);
    }

    /// `c · self`.
    pub(crate) fn scale(&self, c: &Rational) -> Poly {
        if c.is_zero() {
            return Poly::zero();
        }
        // Products fold from 1, so scaling by 1 is the common case.
        if c.is_one() {
            return self.clone();
        }
        Poly {
            terms: self
                .terms
                .iter()
                .map(|(m, d)| (m.clone(), mul_coeff(d, c)))
                .collect(),
        }
    }

    /// `c·m · self`.
    pub(crate) fn mul_term(&self, m: &Mono, c: &Rational) -> Poly {
        if c.is_zero() {
            return Poly::zero();
        }
        // Multiplying by a monomial is injective and keeps the group order,
        // so the products are distinct and already sorted: no merging.
        let terms: Vec<(Mono, Rational)> = self
            .terms
            .iter()
            .map(|(n, d)| (n.mul(m), mul_coeff(d, c)))
            .collect();
        debug_assert!(terms.windows(2).all(|w| w[0].0 < w[1].0));
        Poly { terms }
    }

    /// `self · other`, term by term (no normalization of the products).
    pub(crate) fn mul(&self, other: &Poly) -> Poly {
        match (&self.terms[..], &other.terms[..]) {
            ([], _) | (_, []) => return Poly::zero(),
            ([(m, c)], _) => return other.mul_term(m, c),
            (_, [(n, d)]) => return self.mul_term(n, d),
            _ => {}
        }
        // All products, then one sort and a merge of equal monomials: the
        // sum is exact, so the order of additions does not matter.
        let mut prods: Vec<(Mono, Rational)> =
            Vec::with_capacity(self.terms.len() * other.terms.len());
        for (m, c) in &self.terms {
            for (n, d) in &other.terms {
                prods.push((m.mul(n), mul_coeff(c, d)));
            }
        }
        prods.sort_by(|a, b| a.0.cmp(&b.0));
        Poly {
            terms: merge_sorted(prods, |sum, c| add_coeff(sum, &c), Rational::is_zero),
        }
    }

    /// Every atom that occurs in some term.
    pub(crate) fn atoms(&self) -> BTreeSet<Id> {
        self.terms
            .iter()
            .flat_map(|(m, _)| m.0.iter().map(|(a, _)| *a))
            .collect()
    }

    /// True when the leading coefficient is negative.
    pub(crate) fn leading_negative(&self) -> bool {
        self.leading().is_some_and(|(_, c)| c.is_negative())
    }

    /// `self / f` when `f` divides `self` exactly, found by trial division
    /// on leading terms; `None` when it does not divide or when more than
    /// `max_steps` steps would be needed.
    ///
    /// Termination without a degree bound: in a group order the least term
    /// of a product is the product of least terms, so every quotient term
    /// lies at or above `lowest(self) / lowest(f)`; falling below proves
    /// that `f` does not divide.
    pub(crate) fn div_exact(&self, f: &Poly, max_steps: usize) -> Option<Poly> {
        let (lt_m, lt_c) = f.leading()?;
        let (low_f, _) = f.lowest()?;
        let Some((low_n, _)) = self.lowest() else {
            return Some(Poly::zero());
        };
        let bound = low_n.div(low_f);
        let mut r = self.clone();
        // Quotient terms come in strictly descending order (each step's
        // leading term is below the last): collected, then reversed.
        let mut q: Vec<(Mono, Rational)> = Vec::new();
        let mut steps = 0;
        while let Some((m, c)) = r.leading() {
            steps += 1;
            if steps > max_steps {
                return None;
            }
            let t = m.div(lt_m);
            if t < bound {
                return None;
            }
            let tc = c / lt_c;
            for (fm, fc) in &f.terms {
                r.add_term(fm.mul(&t), -(fc * &tc));
            }
            debug_assert!(q.last().is_none_or(|(p, _)| t < *p));
            if !tc.is_zero() {
                q.push((t, tc));
            }
        }
        q.reverse();
        Some(Poly { terms: q })
    }
}

/// Merges two sorted term lists, adding the coefficients of equal
/// monomials and dropping the sums that cancel.
fn merge_terms(
    a: Vec<(Mono, Rational)>,
    b: impl Iterator<Item = (Mono, Rational)>,
) -> Vec<(Mono, Rational)> {
    let mut out = Vec::with_capacity(a.len() + b.size_hint().0);
    let mut a = a.into_iter().peekable();
    let mut b = b.peekable();
    loop {
        let ord = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => x.0.cmp(&y.0),
        };
        match ord {
            Ordering::Less => out.extend(a.next()),
            Ordering::Greater => out.extend(b.next()),
            Ordering::Equal => {
                let (Some((m, mut c)), Some((_, d))) = (a.next(), b.next()) else {
                    break;
                };
                add_coeff(&mut c, &d);
                if !c.is_zero() {
                    out.push((m, c));
                }
            }
        }
    }
    out
}

/// A cheap necessary condition for exact division, so that failed trial
/// divisions (the common case) cost one evaluation instead of a long
/// division: substituting pseudo-random residues modulo a prime for every
/// atom but one is a ring homomorphism, so if `f` divides `n` the images
/// divide too. Returns true when it cannot tell (rational exponents, a
/// vanishing image).
pub(crate) fn may_divide(n: &Poly, f: &Poly) -> bool {
    // Any atom of a normalized factor has a nontrivial exponent range (no
    // monomial content), so the leading term's first atom will do.
    let Some(var) = f.leading().and_then(|(m, _)| m.0.first().map(|(a, _)| *a)) else {
        return true;
    };
    let (Some(nu), Some(fu)) = (univariate(n, var), univariate(f, var)) else {
        return true;
    };
    uni_divides(&nu, &fu)
}

const P: u64 = (1 << 61) - 1;

/// `a·b mod P` by folding (P is a Mersenne prime): a 128-bit `%` is a
/// library call, and it was the largest single cost of the scalar network.
fn mulmod(a: u64, b: u64) -> u64 {
    let p = a as u128 * b as u128;
    let m = P as u128;
    let r = (p & m) + (p >> 61);
    let r = (r & m) + (r >> 61);
    let r = r as u64;
    if r >= P {
        r - P
    } else {
        r
    }
}

fn powmod(mut a: u64, mut e: u64) -> u64 {
    let mut r = 1;
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, a);
        }
        a = mulmod(a, a);
        e >>= 1;
    }
    r
}

fn inv(a: u64) -> u64 {
    powmod(a, P - 2)
}

fn big_mod(b: &num_bigint::BigInt) -> u64 {
    // Coefficients are almost always small: skip the bignum remainders.
    if let Some(v) = num_traits::ToPrimitive::to_i64(b) {
        return v.rem_euclid(P as i64) as u64;
    }
    let p = num_bigint::BigInt::from(P);
    let r = ((b % &p) + &p) % &p;
    num_traits::ToPrimitive::to_u64(&r).unwrap_or(0)
}

fn rat_mod(r: &Rational) -> Option<u64> {
    if r.is_integer() {
        return Some(big_mod(r.numer()));
    }
    let d = big_mod(r.denom());
    (d != 0).then(|| mulmod(big_mod(r.numer()), inv(d)))
}

/// A pseudo-random nonzero residue for an atom.
fn value(a: Id) -> u64 {
    let mut x = u64::from(a.0).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    (x % (P - 1)) + 1
}

/// The image in GF(P)[var, 1/var]: exponent of `var` → coefficient.
/// A polynomial has few distinct degrees in one atom, so they are
/// collected in a short vector first (a tree map per term cost more than
/// the arithmetic).
fn univariate(p: &Poly, var: Id) -> Option<BTreeMap<i64, u64>> {
    let mut degs: Vec<(i64, u64)> = Vec::new();
    let mut many: Option<BTreeMap<i64, u64>> = None;
    // An inverse costs ~120 multiplications; atoms recur across terms.
    let mut inverses: rustc_hash::FxHashMap<Id, u64> = Default::default();
    for (m, c) in &p.terms {
        let (deg, coef) = term_image(m, c, var, &mut inverses)?;
        if let Some(out) = many.as_mut() {
            let slot = out.entry(deg).or_insert(0);
            *slot = addmod(*slot, coef);
            continue;
        }
        let n = degs.len();
        match degs.iter_mut().find(|(d, _)| *d == deg) {
            Some((_, slot)) => *slot = addmod(*slot, coef),
            None if n < 64 => degs.push((deg, coef)),
            // Many degrees: a linear search per term would be quadratic.
            None => {
                let mut out: BTreeMap<i64, u64> = degs.drain(..).collect();
                out.insert(deg, coef);
                many = Some(out);
            }
        }
    }
    let out = many.unwrap_or_else(|| degs.into_iter().collect());
    Some(out.into_iter().filter(|(_, c)| *c != 0).collect())
}

/// One term's image: its degree in `var` and its coefficient.
fn term_image(
    m: &Mono,
    c: &Rational,
    var: Id,
    inverses: &mut rustc_hash::FxHashMap<Id, u64>,
) -> Option<(i64, u64)> {
    let mut coef = rat_mod(c)?;
    let mut deg = 0i64;
    for (a, e) in &m.0 {
        let Exp::Int(k) = *e else {
            return None;
        };
        if *a == var {
            deg = k;
        } else {
            let v = if k < 0 {
                *inverses.entry(*a).or_insert_with(|| inv(value(*a)))
            } else {
                value(*a)
            };
            coef = mulmod(
                coef,
                if k.unsigned_abs() == 1 {
                    v
                } else {
                    powmod(v, k.unsigned_abs())
                },
            );
        }
    }
    Some((deg, coef))
}

/// `a + b mod P` for reduced a, b.
fn addmod(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= P {
        s - P
    } else {
        s
    }
}

fn uni_divides(n: &BTreeMap<i64, u64>, f: &BTreeMap<i64, u64>) -> bool {
    let (Some((&flo, _)), Some((&fhi, &flead))) = (f.iter().next(), f.iter().next_back()) else {
        return true;
    };
    let Some((&nlo, _)) = n.iter().next() else {
        return true;
    };
    let Some((&nhi, _)) = n.iter().next_back() else {
        return true;
    };
    if fhi == flo {
        return true;
    }
    let (fdeg, ndeg) = ((fhi - flo) as usize, (nhi - nlo) as usize);
    if ndeg > 100_000 || fdeg > 100_000 {
        return true;
    }
    if ndeg < fdeg {
        return false;
    }
    let mut r = vec![0u64; ndeg + 1];
    for (&e, &c) in n {
        r[(e - nlo) as usize] = c;
    }
    let mut fv = vec![0u64; fdeg + 1];
    for (&e, &c) in f {
        fv[(e - flo) as usize] = c;
    }
    let li = inv(flead);
    for top in (fdeg..=ndeg).rev() {
        let c = r[top];
        if c == 0 {
            continue;
        }
        let q = mulmod(c, li);
        for (k, &fc) in fv.iter().enumerate() {
            let idx = top - fdeg + k;
            r[idx] = (r[idx] + P - mulmod(q, fc)) % P;
        }
    }
    r.iter().all(|&c| c == 0)
}

/// `a · b`, skipping the gcd when both are integers: num-rational reduces
/// after every operation, and its binary gcd of a huge integer with 1 costs
/// time quadratic in the digits, which dominated large expansions.
fn mul_coeff(a: &Rational, b: &Rational) -> Rational {
    if a.is_integer() && b.is_integer() {
        Rational::from_integer(a.numer() * b.numer())
    } else {
        a * b
    }
}

/// `items`, sorted by key, with the values of equal keys summed by `add`
/// and the pairs whose sum is zero dropped: the terms of a product once
/// its factors (or a polynomial product's terms) are sorted.
fn merge_sorted<K: PartialEq, V>(
    items: Vec<(K, V)>,
    add: impl Fn(&mut V, V),
    is_zero: impl Fn(&V) -> bool,
) -> Vec<(K, V)> {
    let mut out: Vec<(K, V)> = Vec::with_capacity(items.len());
    for (k, v) in items {
        match out.last_mut() {
            Some((last, sum)) if *last == k => add(sum, v),
            _ => {
                if out.last().is_some_and(|(_, s)| is_zero(s)) {
                    out.pop();
                }
                out.push((k, v));
            }
        }
    }
    if out.last().is_some_and(|(_, s)| is_zero(s)) {
        out.pop();
    }
    out
}

/// `old += c`, skipping the gcd when both are integers (see [`mul_coeff`]).
fn add_coeff(old: &mut Rational, c: &Rational) {
    if old.is_integer() && c.is_integer() {
        *old = Rational::from_integer(old.numer() + c.numer());
    } else {
        *old += c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Rational {
        Rational::from_integer(n.into())
    }

    fn x(e: i64) -> Mono {
        Mono::atom(Id(1), q(e))
    }

    fn poly(terms: &[(i64, i64)]) -> Poly {
        let mut p = Poly::zero();
        for &(e, c) in terms {
            p.add_term(x(e), q(c));
        }
        p
    }

    #[test]
    fn group_order_is_compatible_with_products() {
        let y = Mono::atom(Id(2), q(1));
        assert!(x(1) > x(0));
        assert!(x(-1) < Mono::one());
        assert!(x(1).mul(&y) > x(0).mul(&y));
    }

    #[test]
    fn folded_mulmod_matches_remainder() {
        let xs = [
            0,
            1,
            2,
            P - 1,
            P - 2,
            1 << 60,
            0x1234_5678_9abc_def0 % P,
            u64::MAX,
        ];
        for &a in &xs {
            for &b in &xs {
                let want = ((a as u128 * b as u128) % P as u128) as u64;
                assert_eq!(mulmod(a, b), want, "{a} * {b}");
            }
        }
        for v in [-5i64, 0, 7, i64::MIN, i64::MAX] {
            let want = num_bigint::BigInt::from(v);
            let p = num_bigint::BigInt::from(P);
            let slow = ((&want % &p) + &p) % &p;
            assert_eq!(num_bigint::BigInt::from(big_mod(&want)), slow);
        }
    }

    #[test]
    fn exact_division() {
        // (x^2 - 1) / (x + 1) = x - 1
        let n = poly(&[(2, 1), (0, -1)]);
        let f = poly(&[(1, 1), (0, 1)]);
        assert_eq!(n.div_exact(&f, 100), Some(poly(&[(1, 1), (0, -1)])));
        // x^2 + 1 is not divisible by x + 1
        let n = poly(&[(2, 1), (0, 1)]);
        assert_eq!(n.div_exact(&f, 100), None);
        // Laurent: (x + x^-1) / (x^2 + 1) = x^-1
        let n = poly(&[(1, 1), (-1, 1)]);
        let f = poly(&[(2, 1), (0, 1)]);
        assert_eq!(n.div_exact(&f, 100), Some(poly(&[(-1, 1)])));
    }
}
