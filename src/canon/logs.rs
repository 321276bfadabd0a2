//! log of a product, quotient or power split over the argument *as written*,
//! before the argument is expanded (expansion loses the factors:
//! `log((exp(q) + 1)^3)` would become log of a four-term polynomial).
//!
//! `log(Π f_i^(e_i)) = Σ e_i·log(f_i)` when every factor `f_i` is known
//! positive (facts.rs: the canonical form's numerator and denominator
//! factors are all known positive). Then each power is defined for any
//! real exponent, symbolic ones included (`log(p^(x+y)) = (x+y)·log(p)`),
//! and the split holds wherever the original is defined. When some factor
//! is not known positive nothing is split here, and the canonical form of
//! the expanded argument decides (funcs.rs `log_rf`).
//!
//! Also `log(b^e) = e·log(b)` for a canonical power atom `b^e` whose log
//! is taken (the atom is then > 0 wherever the log is defined): for a
//! non-integer rational `e` (then `b ≥ 0`, so `b > 0`) or a known-positive
//! base `b`.

use super::ratfun::Rf;
use super::{Ctx, Rule, R};
use crate::expr::{Func, Id, Node, Rational};
use num_traits::{One, Signed};

/// Bound on the factors collected, so a huge product is left alone.
const MAX_LOG_FACTORS: usize = 64;

impl Ctx<'_> {
    /// `log(a)` split over `a`'s written factors, or `None` when `a` is not
    /// a product or power, or some factor is not known positive.
    pub(crate) fn log_split(&mut self, a: Id) -> R<Option<Rf>> {
        if !matches!(self.store.get(a), Node::Mul(_) | Node::Pow(..)) {
            return Ok(None);
        }
        let mut factors = Vec::new();
        if !self.log_factors(a, Rf::one(), &mut factors)? {
            return Ok(None);
        }
        if factors.len() < 2
            && factors
                .iter()
                .all(|(_, e)| e.as_constant().is_some_and(|c| c.is_one()))
        {
            return Ok(None);
        }
        let mut acc = Rf::zero();
        for (f, e) in factors {
            let rf = self.rf_of(f)?;
            let l = self.log_rf(&rf)?;
            let t = self.rf_mul(&e, &l)?;
            acc = self.rf_add(&acc, &t)?;
        }
        self.note(Rule::LogOfProduct);
        Ok(Some(acc))
    }

    /// Collects `(factor, exponent)`; false when a leaf is not known
    /// positive or there are too many.
    fn log_factors(&mut self, id: Id, e: Rf, out: &mut Vec<(Id, Rf)>) -> R<bool> {
        match self.store.get(id).clone() {
            Node::Mul(xs) => {
                for x in xs {
                    if !self.log_factors(x, e.clone(), out)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Node::Pow(b, k) => {
                let rk = self.rf_of(k)?;
                let e = self.rf_mul(&e, &rk)?;
                self.log_factors(b, e, out)
            }
            _ => {
                if out.len() >= MAX_LOG_FACTORS {
                    return Ok(false);
                }
                let rf = self.rf_of(id)?;
                if !self.rf_positive(&rf)? {
                    return Ok(false);
                }
                out.push((id, e));
                Ok(true)
            }
        }
    }

    /// Known > 0: numerator and every denominator factor known positive.
    fn rf_positive(&mut self, rf: &Rf) -> R<bool> {
        if self.is_undefined(rf) || !self.poly_positive(&rf.num) {
            return Ok(false);
        }
        for &(f, _) in &rf.den {
            let p = self.factor_poly(f)?;
            if !self.poly_positive(&p) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `log` of a canonical power atom `b^e` known > 0 where defined.
    pub(crate) fn log_of_power_atom(&mut self, a: Id, b: Id, e: Id) -> R<Rf> {
        let fold = match self.store.get(e) {
            Node::Num(r) => !r.is_integer() || self.positive(b),
            _ => self.positive(b),
        };
        if !fold {
            return Ok(Rf::atom(self.store.add(Node::Apply(Func::Log, a))));
        }
        self.note(Rule::LogOfProduct);
        let rb = self.rf_of(b)?;
        let re = self.rf_of(e)?;
        let l = self.log_rf(&rb)?;
        self.rf_mul(&re, &l)
    }

    /// `log` of a sum: a known-positive content `c·m` splits off
    /// (`log(q·x² + q) = log(q) + log(x² + 1)`), so the sum's log meets the
    /// log of its factored form. Valid wherever the log is defined: the
    /// rest is then `num / (c·m) > 0`.
    pub(crate) fn log_of_sum(&mut self, ra: &Rf) -> R<Rf> {
        let plain = |ctx: &mut Self| {
            let a = ctx.rf_expr(ra);
            Ok(Rf::atom(ctx.store.add(Node::Apply(Func::Log, a))))
        };
        if ra.num.len() < 2 {
            return plain(self);
        }
        // A quotient splits only when every factor of its denominator is
        // positive: then the numerator is positive wherever the log is
        // defined, and so is its primitive part once a positive content is
        // taken out. Splitting here, not only once the quotient has been
        // through canonicalization again, keeps the form a fixed point.
        for &(d, _) in &ra.den {
            let fp = self.factor_poly(d)?;
            if !self.poly_positive(&fp) {
                return plain(self);
            }
        }
        let (c, m, f) = self.make_factor(&ra.num)?;
        if !c.is_positive()
            || !self.mono_positive(&m)
            || (c.is_one() && m.is_one() && ra.den.is_empty())
        {
            return plain(self);
        }
        self.note(Rule::LogOfProduct);
        let mut acc = self.log_const(&c)?;
        for (a, e) in m.factors() {
            let l = self.log_atom(a)?;
            acc = self.rf_add(&acc, &l.scale(&e))?;
        }
        for &(d, k) in &ra.den {
            let l = Rf::atom(self.store.add(Node::Apply(Func::Log, d)));
            acc = self.rf_add(
                &acc,
                &l.scale(&-Rational::from_integer(i64::from(k).into())),
            )?;
        }
        let l = Rf::atom(self.store.add(Node::Apply(Func::Log, f)));
        self.rf_add(&acc, &l)
    }
}
