//! Radicands in canonical form: the positive factors of a non-integer
//! power's base come out of it, so that `sqrt(4a² + 4)` and `2·sqrt(a² + 1)`,
//! `((1/4)a² + 1)^(3/2)` and `(a² + 4)·sqrt(a² + 4)/8`, or `sqrt(1 + 1/w⁴)`
//! and `sqrt(w⁴ + 1)/w²` (w positive) meet.
//!
//! For a base `B = c·m·X / D` and a non-integer rational r:
//!
//! - `c` is the base's positive content: the positive rational that leaves
//!   the numerator's coefficients integers without a common factor (for a
//!   single term, the coefficient's absolute value);
//! - `m` is the part of the numerator's monomial content (each atom to the
//!   least exponent it has over the terms, 0 where it is absent) that is
//!   positive wherever it is defined: atoms known positive from the declared
//!   domains (any exponent), and atoms to an even negative exponent (`w⁻⁴`
//!   is defined only where w ≠ 0, and is positive there);
//! - `D` is the product of the denominator factors known positive.
//!
//! Then `B^r = c^r · m^r · D^(−r) · X^r`. Soundness: c, m and D are positive
//! wherever B is defined (an atom's negative exponent in m is one of the
//! numerator's, so B is undefined where that atom is 0), so `B ≥ 0` exactly
//! where `X ≥ 0` and the power law for positive factors holds: the form is
//! defined exactly where the original is and equal to it there. Factors of
//! unknown sign stay inside `X`: `sqrt(x·y)` is not `sqrt(x)·sqrt(y)` for
//! real x, y (the left side is defined at x = y = −1), and `sqrt(x²)` is
//! `|x|`, never `x`, unless x is declared nonnegative.
//!
//! What is left, `X^r`, goes to the ordinary rules: a single atom by the
//! power rules of `funcs.rs` (`(a^k)^r = |a|^(k·r)` for even k), a sum of
//! two or more terms to a root atom (`powers.rs`), anything else an opaque
//! power. `X` then has content 1 and no positive monomial factor, so the
//! second pass takes nothing out and ends.
//!
//! Two more shapes meet their written forms: a radicand that is exactly
//! the square of a binomial, `(Q²)^r = |Q|^(2r)` (`square_radicand`), and
//! a power of a power as written, `(b^m)^r` with integer m, before `b^m` is
//! expanded (`power_of_power`).

use super::funcs::exact_root;
use super::poly::{Exp, Mono, Poly};
use super::ratfun::Rf;
use super::{Ctx, Rule, R};
use crate::expr::{Id, Node, Rational};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use std::collections::BTreeMap;

/// The positive rational `c` with `p / c` having coprime integer
/// coefficients (for one term, the coefficient's absolute value).
fn positive_content(p: &Poly) -> Rational {
    let mut g = BigInt::zero();
    let mut l = BigInt::one();
    for (_, c) in &p.terms {
        g = g.gcd(c.numer());
        l = l.lcm(c.denom());
    }
    if g.is_zero() {
        return Rational::one();
    }
    Rational::new(g.abs(), l)
}

/// Each atom of `p` to the least exponent it has over the terms (an atom
/// absent from a term has exponent 0 there), zero exponents left out.
fn monomial_content(p: &Poly) -> Vec<(Id, Exp)> {
    let mut least: BTreeMap<Id, (Exp, usize)> = BTreeMap::new();
    for m in p.monos() {
        for (a, e) in &m.0 {
            let entry = least.entry(*a).or_insert_with(|| (e.clone(), 0));
            if *e < entry.0 {
                entry.0 = e.clone();
            }
            entry.1 += 1;
        }
    }
    least
        .into_iter()
        .filter_map(|(a, (e, seen))| {
            // An atom missing from some term has exponent 0 there.
            let e = if seen < p.len() && e.is_positive() {
                Exp::Int(0)
            } else {
                e
            };
            (!e.is_zero()).then_some((a, e))
        })
        .collect()
}

impl Ctx<'_> {
    /// An atom to exponent `e` is positive wherever it is defined.
    fn positive_power(&self, a: Id, e: &Exp) -> bool {
        self.positive(a) || (e.is_even() && e.is_negative())
    }

    /// `rb^r` for a non-integer `r` and a non-constant base with its
    /// positive factors taken out (see the module's comment); `None` when
    /// it has none to take out.
    pub(crate) fn radical_factors(&mut self, rb: &Rf, r: &Rational) -> R<Option<Rf>> {
        if rb.num.is_zero() {
            return Ok(None);
        }
        let c = positive_content(&rb.num);
        let m: Vec<(Id, Rational)> = monomial_content(&rb.num)
            .into_iter()
            .filter(|(a, e)| self.positive_power(*a, e))
            .map(|(a, e)| (a, e.to_rational()))
            .collect();
        let mut pos_den = Vec::new();
        let mut rest_den = Vec::new();
        for &(f, k) in &rb.den {
            let fp = self.factor_poly(f)?;
            if self.poly_positive(&fp) {
                pos_den.push((fp, k));
            } else {
                rest_den.push((f, k));
            }
        }
        if c.is_one() && m.is_empty() && pos_den.is_empty() {
            return Ok(None);
        }
        self.note(Rule::RadicalFactor);
        let m = Mono::from_factors(m);
        let rest_num = rb.num.mul_term(&m.inv(), &c.recip());
        // c^r, then each factor of m to its own power (each is positive
        // where defined, so the power of their product splits).
        let mut acc = self.pow_rf(&Rf::constant(c), &Rf::constant(r.clone()))?;
        for (a, e) in &m.0 {
            let one = Rf::mono(Mono(vec![(*a, e.clone())]));
            let p = self.pow_rf(&one, &Rf::constant(r.clone()))?;
            if self.is_undefined(&p) {
                return Ok(Some(p));
            }
            acc = self.rf_mul(&acc, &p)?;
        }
        for (fp, k) in pos_den {
            let e = -(r * Rational::from_integer(k.into()));
            let p = self.pow_rf(&Rf::poly((*fp).clone()), &Rf::constant(e))?;
            if self.is_undefined(&p) {
                return Ok(Some(p));
            }
            acc = self.rf_mul(&acc, &p)?;
        }
        let rest = Rf {
            num: rest_num,
            den: rest_den,
        };
        if self.is_undefined(&acc) {
            return Ok(Some(acc));
        }
        let p = if rest.as_constant().is_some_and(|k| k.is_one()) {
            Rf::one()
        } else if rest.den.is_empty() {
            self.pow_rf(&rest, &Rf::constant(r.clone()))?
        } else {
            // A quotient whose denominator's sign is unknown stays whole.
            let b = self.rf_expr(&rest);
            let e = self.store.num(r.clone());
            Rf::atom(self.store.add(Node::Pow(b, e)))
        };
        if self.is_undefined(&p) {
            // Undefined anywhere is undefined as a whole, and one atom.
            return Ok(Some(p));
        }
        self.rf_mul(&acc, &p).map(Some)
    }
}

impl Ctx<'_> {
    /// `(b^m)^r` for an integer `m` and a non-integer rational `r`, as
    /// written, before `b^m` is expanded (`((x² + 1)³)^(1/2)` is
    /// `(x² + 1)·sqrt(x² + 1)`, not the root of a sextic): `b^(m·r)` for odd
    /// m (where `b^m ≥ 0`, `b ≥ 0` too), `|b|^(m·r)` for even m (`b^m =
    /// |b|^m`). Either is defined wherever the original is. `None` for any
    /// other power.
    pub(crate) fn power_of_power(&mut self, b: Id, e: Id) -> R<Option<Rf>> {
        let Node::Pow(b2, e2) = *self.store.get(b) else {
            return Ok(None);
        };
        // The exponents as written may be quotients (`1/2`): their forms.
        let (Some(r), Some(m)) = (self.rf_of(e)?.as_constant(), self.rf_of(e2)?.as_constant())
        else {
            return Ok(None);
        };
        if r.is_integer() || !m.is_integer() || m.is_zero() {
            return Ok(None);
        }
        let mr = &m * &r;
        let even = !m.to_integer().bit(0);
        let rb2 = self.rf_of(b2)?;
        // Single atoms already have these rules (funcs.rs), and constants
        // their exact roots.
        if rb2.den.is_empty() && rb2.num.len() < 2 {
            return Ok(None);
        }
        self.note(Rule::PowerOfProduct);
        let base = if even {
            self.apply_rf(crate::expr::Func::Abs, &rb2)?
        } else {
            (*rb2).clone()
        };
        self.pow_rf(&base, &Rf::constant(mr)).map(Some)
    }

    /// `rb^r` for a radicand that is the square of a binomial `Q`
    /// (`x² + 2x + 1`, `4p² − 4pq + q²`): `(Q²)^r = |Q|^(2r)`, since
    /// `Q² = |Q|²` and `|Q| ≥ 0`; both sides are defined where `Q ≠ 0` or
    /// `r > 0`. `None` for any other radicand.
    pub(crate) fn square_radicand(&mut self, rb: &Rf, r: &Rational) -> R<Option<Rf>> {
        let [(m0, c0), _, (m2, c2)] = rb.num.terms.as_slice() else {
            return Ok(None);
        };
        if !rb.den.is_empty() {
            return Ok(None);
        }
        // In a square (a + b)² = a² + 2ab + b² of distinct monomials, the
        // squares are the least and the greatest terms (the order is
        // compatible with products).
        let half = Rational::new(1.into(), 2.into());
        let even = |m: &Mono| m.0.iter().all(|(_, e)| e.is_even());
        if !even(m0) || !even(m2) || !c0.is_positive() || !c2.is_positive() {
            return Ok(None);
        }
        let (Some(r0), Some(r2)) = (exact_root(c0, &half), exact_root(c2, &half)) else {
            return Ok(None);
        };
        let (s0, s2) = (m0.pow(&half), m2.pow(&half));
        for sign in [1, -1] {
            let mut q = Poly::term(s0.clone(), r0.clone());
            q.add_term(s2.clone(), &r2 * Rational::from_integer(sign.into()));
            self.charge(9)?;
            if q.mul(&q) == rb.num {
                self.note(Rule::Piecewise);
                let abs = self.apply_rf(crate::expr::Func::Abs, &Rf::poly(q))?;
                let e = r * Rational::from_integer(2.into());
                return self.pow_rf(&abs, &Rf::constant(e)).map(Some);
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use crate::canon::testkit::T;

    const DECLS: &str = "a b x y t: real; p q w: positive; n: nonnegative";

    #[track_caller]
    fn assert_proved(l: &str, r: &str) {
        T::new(DECLS).assert_proved_canonically(l, r);
    }

    #[track_caller]
    fn assert_not_proved(l: &str, r: &str) {
        T::new(DECLS).assert_not_proved(l, r);
    }

    #[test]
    fn content_comes_out() {
        assert_proved("sqrt(4*a^2 + 4)", "2*sqrt(a^2 + 1)");
        assert_proved("sqrt(a^2/4 + 1)", "sqrt(a^2 + 4)/2");
        assert_proved("(2*a^2 + 2)^(3/2)", "2*sqrt(2)*(a^2 + 1)*sqrt(a^2 + 1)");
        assert_proved("sqrt(2*x)", "sqrt(2)*sqrt(x)");
        assert_proved("sqrt(4*x^2)", "2*abs(x)");
        assert_proved("(9*x + 9)^(-1/2)", "1/(3*sqrt(x + 1))");
    }

    #[test]
    fn derivatives_of_radicals() {
        assert_proved("d(((1/4)*a^2 + 1)^(3/2), a)", "(3/8)*a*sqrt(a^2 + 4)");
        assert_proved("d(sqrt(1 + 1/w^4), w)", "-2/(w^3*sqrt(w^4 + 1))");
        assert_proved("d(sqrt(4*a^2 + 4), a)", "2*a/sqrt(a^2 + 1)");
    }

    #[test]
    fn positive_monomials_and_denominators_come_out() {
        assert_proved("sqrt(1 + 1/w^4)", "sqrt(w^4 + 1)/w^2");
        assert_proved("sqrt(w^3 + w^2)", "w*sqrt(w + 1)");
        assert_proved("sqrt(p*q)", "sqrt(p)*sqrt(q)");
        assert_proved("sqrt(p*x^2)", "sqrt(p)*abs(x)");
        assert_proved("sqrt(1 + 1/x^2)", "sqrt(x^2 + 1)/abs(x)");
        assert_proved("sqrt((a^2 + 1)/(b^2 + 1))", "sqrt(a^2 + 1)/sqrt(b^2 + 1)");
        assert_proved("sqrt(x/(a^2 + 1))", "sqrt(x)/sqrt(a^2 + 1)");
    }

    #[test]
    fn squares_come_out_as_absolute_values() {
        assert_proved("sqrt(a^2 + 2*a + 1)", "abs(a + 1)");
        assert_proved("sqrt(4*a^2 - 4*a*b + b^2)", "abs(2*a - b)");
        assert_proved("sqrt(p^2 + 2*p + 1)", "p + 1");
        assert_proved("sqrt((a + 1)^2)", "abs(a + 1)");
        assert_proved("sqrt(a^4 + 2*a^3 + a^2)", "abs(a^2 + a)");
        assert_proved("(a^2 - 2*a + 1)^(3/2)", "abs(a - 1)^3");
        assert_proved("sqrt(a^2*b^2)", "abs(a)*abs(b)");
        assert_proved("((a^2 + 1)^3)^(1/2)", "(a^2 + 1)*sqrt(a^2 + 1)");
        assert_proved("((a + b + 1)^2)^(1/2)", "abs(a + b + 1)");
        assert_proved("((a + 1)^3)^(1/3)", "a + 1");
        assert_proved("((a + 1)^(-2))^(1/2)", "1/abs(a + 1)");
        assert_not_proved("((a + b + 1)^2)^(1/2)", "a + b + 1");
        assert_not_proved("sqrt(a^2 + 2*a + 1)", "a + 1");
        assert_not_proved("sqrt(a^2 + a + 1)", "abs(a + 1)");
        assert_not_proved("sqrt(a^2*b^2)", "a*b");
    }

    #[test]
    fn factors_of_unknown_sign_stay_inside() {
        assert_not_proved("sqrt(a^2)", "a");
        assert_not_proved("sqrt(x*y)", "sqrt(x)*sqrt(y)");
        assert_not_proved("sqrt(1 + 1/x^2)", "sqrt(x^2 + 1)/x");
        assert_not_proved("sqrt((a + 1)/(b + 1))", "sqrt(a + 1)/sqrt(b + 1)");
        assert_not_proved("sqrt(4*a^2 + 4)", "4*sqrt(a^2 + 1)");
        assert_not_proved("sqrt(-4*a^2 - 4)", "2*sqrt(a^2 + 1)");
        assert_not_proved("sqrt(-4*a^2 - 4)", "sqrt(-a^2 - 1)");
        assert_not_proved("sqrt(-p)", "0");
        assert_not_proved("d(sqrt(1 + 1/w^4), w)", "2/(w^3*sqrt(w^4 + 1))");
    }
}
