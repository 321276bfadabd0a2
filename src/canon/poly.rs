//! Sums of monomials with exact rational coefficients.
//!
//! A monomial is a product of atoms (canonical expression ids that are not
//! sums, products or numbers) with nonzero rational exponents, so Laurent
//! monomials (`x^-1`) and roots (`x^(1/2)`) are monomials too. Monomials are
//! totally ordered by a group order (lexicographic on exponent vectors, atoms
//! by id), so the product of leading terms is the leading term of a product;
//! that is what makes exact division by trial work.

use crate::expr::{Id, Rational};
use num_traits::{One, Signed, Zero};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// A product of atoms with nonzero exponents, sorted by atom id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Mono(pub(crate) Vec<(Id, Rational)>);

impl Ord for Mono {
    fn cmp(&self, other: &Mono) -> Ordering {
        let zero = Rational::zero();
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j) = (0, 0);
        loop {
            match (a.get(i), b.get(j)) {
                (None, None) => return Ordering::Equal,
                (Some((_, ea)), None) => return ea.cmp(&zero),
                (None, Some((_, eb))) => return zero.cmp(eb),
                (Some((x, ea)), Some((y, eb))) => match x.cmp(y) {
                    Ordering::Less => return ea.cmp(&zero),
                    Ordering::Greater => return zero.cmp(eb),
                    Ordering::Equal => {
                        if ea != eb {
                            return ea.cmp(eb);
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
            Mono(vec![(atom, e)])
        }
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
                        let e = &x.1 + &y.1;
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
        Mono(self.0.iter().map(|(a, e)| (*a, e * r)).collect())
    }

    /// The inverse (every exponent negated).
    pub(crate) fn inv(&self) -> Mono {
        self.pow(&-Rational::one())
    }

    /// `self / other`.
    pub(crate) fn div(&self, other: &Mono) -> Mono {
        self.mul(&other.inv())
    }

    /// The exponent of `atom` (zero when absent).
    pub(crate) fn exponent(&self, atom: Id) -> Rational {
        self.0
            .iter()
            .find(|(a, _)| *a == atom)
            .map(|(_, e)| e.clone())
            .unwrap_or_else(Rational::zero)
    }
}

/// A finite sum of monomials with nonzero rational coefficients.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Poly {
    pub(crate) terms: BTreeMap<Mono, Rational>,
}

impl Poly {
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
        let mut p = Poly::zero();
        p.add_term(m, c);
        p
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
        match self.terms.len() {
            0 => Some(Rational::zero()),
            1 => {
                let (m, c) = self.terms.iter().next()?;
                m.is_one().then(|| c.clone())
            }
            _ => None,
        }
    }

    /// The only term, if there is exactly one.
    pub(crate) fn single(&self) -> Option<(&Mono, &Rational)> {
        if self.terms.len() == 1 {
            self.terms.iter().next()
        } else {
            None
        }
    }

    /// The greatest term in the group order.
    pub(crate) fn leading(&self) -> Option<(&Mono, &Rational)> {
        self.terms.iter().next_back()
    }

    /// The least term in the group order.
    pub(crate) fn lowest(&self) -> Option<(&Mono, &Rational)> {
        self.terms.iter().next()
    }

    /// Adds `c·m` in place, dropping the term if it cancels.
    pub(crate) fn add_term(&mut self, m: Mono, c: Rational) {
        if c.is_zero() {
            return;
        }
        match self.terms.get_mut(&m) {
            Some(old) => {
                *old += c;
                if old.is_zero() {
                    self.terms.remove(&m);
                }
            }
            None => {
                self.terms.insert(m, c);
            }
        }
    }

    /// `self + other`.
    pub(crate) fn add(&self, other: &Poly) -> Poly {
        let mut out = self.clone();
        for (m, c) in &other.terms {
            out.add_term(m.clone(), c.clone());
        }
        out
    }

    /// `c · self`.
    pub(crate) fn scale(&self, c: &Rational) -> Poly {
        if c.is_zero() {
            return Poly::zero();
        }
        Poly {
            terms: self
                .terms
                .iter()
                .map(|(m, d)| (m.clone(), d * c))
                .collect(),
        }
    }

    /// `c·m · self`.
    pub(crate) fn mul_term(&self, m: &Mono, c: &Rational) -> Poly {
        let mut out = Poly::zero();
        for (n, d) in &self.terms {
            out.add_term(n.mul(m), d * c);
        }
        out
    }

    /// `self · other`, term by term (no normalization of the products).
    pub(crate) fn mul(&self, other: &Poly) -> Poly {
        let mut out = Poly::zero();
        for (m, c) in &self.terms {
            for (n, d) in &other.terms {
                out.add_term(m.mul(n), c * d);
            }
        }
        out
    }

    /// Every atom that occurs in some term.
    pub(crate) fn atoms(&self) -> BTreeSet<Id> {
        self.terms
            .keys()
            .flat_map(|m| m.0.iter().map(|(a, _)| *a))
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
        let mut q = Poly::zero();
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
            let neg = -tc.clone();
            r = r.add(&f.mul_term(&t, &neg));
            q.add_term(t, tc);
        }
        Some(q)
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
