//! sin, cos and tan of an argument holding an exact rational multiple of π:
//! the multiple is reduced exactly, whatever its size (`sin(10^20 π) = 0`,
//! `sin(t + 2^60 π) = sin(t)`, `cos(x + 3π/2) = sin(x)`).
//!
//! With `c·π` the argument's term in π alone (an exact rational `c`), write
//! `c = h/2 + s` with `h = ⌊2c⌋` and `s ∈ [0, 1/2)`; then
//! `sin(u + h·π/2) = sin u, cos u, −sin u, −cos u` and
//! `cos(u + h·π/2) = cos u, −sin u, −cos u, sin u` for `h ≡ 0, 1, 2, 3
//! (mod 4)`. tan keeps its own period only: `c = h + s` with `s ∈ [0, 1)`,
//! `tan(u + h·π) = tan u` (a quarter turn would make it `−1/tan u`, which is
//! undefined where tan u = 0 although the original is not).
//!
//! Every rule is an identity on the whole real line with the same domain on
//! both sides, so none needs a declared domain. Only the term `c·π` itself
//! is reduced, and only in an argument without a denominator: `π·x`, `π²`
//! or `(x + π)/y` are left to the other rules.

use super::poly::Mono;
use super::ratfun::Rf;
use super::{Ctx, Rule, R};
use crate::expr::{Constant, Func, Id, Node, Rational};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

impl Ctx<'_> {
    /// The coefficient of π alone in `ra`, with π's id, when `ra` has no
    /// denominator and such a term.
    fn pi_term(&self, ra: &Rf) -> Option<(Id, Rational)> {
        if !ra.den.is_empty() {
            return None;
        }
        ra.num.terms.iter().find_map(|(m, c)| match m.0.as_slice() {
            [(a, e)] if e.is_one() && *self.store.get(*a) == Node::Const(Constant::Pi) => {
                Some((*a, c.clone()))
            }
            _ => None,
        })
    }

    /// The turns `f(ra)` may drop: π's id, the whole number `h` of units
    /// (quarter turns for sin and cos, half turns for tan) in its multiple
    /// of π, and the units per π; `None` when `f` is another function or
    /// `h` is 0 (nothing to reduce).
    fn pi_turns(&self, f: Func, ra: &Rf) -> Option<(Id, Rational, i64)> {
        if !matches!(f, Func::Sin | Func::Cos | Func::Tan) {
            return None;
        }
        let (pi, c) = self.pi_term(ra)?;
        // A quarter turn for sin and cos, half a turn (tan's period) for tan.
        let per_pi: i64 = if f == Func::Tan { 1 } else { 2 };
        let h = (&c * Rational::from_integer(per_pi.into())).floor();
        (!h.is_zero()).then_some((pi, h, per_pi))
    }

    /// `f(ra)` with the multiple of π in `ra` brought into `[0, 1/2)` (sin
    /// and cos) or `[0, 1)` (tan); `None` when `f` is another function or
    /// there is nothing to reduce.
    pub(crate) fn reduce_pi(&mut self, f: Func, ra: &Rf) -> R<Option<Rf>> {
        let Some((pi, h, per_pi)) = self.pi_turns(f, ra) else {
            return Ok(None);
        };
        let shift = &h / Rational::from_integer(per_pi.into());
        let mut rest = ra.num.clone();
        rest.add_term(Mono::atom(pi, Rational::one()), -shift);
        let u = Rf::poly(rest);
        self.note(Rule::PiPeriod);
        if f == Func::Tan {
            return Ok(Some(self.apply_rf(Func::Tan, &u)?));
        }
        let quarter = h
            .to_integer()
            .mod_floor(&BigInt::from(4))
            .to_u8()
            .unwrap_or(0);
        let (g, negate) = match (f, quarter) {
            (Func::Sin, 0) | (Func::Cos, 3) => (Func::Sin, false),
            (Func::Sin, 2) | (Func::Cos, 1) => (Func::Sin, true),
            (Func::Cos, 0) | (Func::Sin, 1) => (Func::Cos, false),
            _ => (Func::Cos, true),
        };
        let v = self.apply_rf(g, &u)?;
        Ok(Some(if negate { v.neg() } else { v }))
    }

    /// Whether `f(ra)` would be reduced by [`Ctx::reduce_pi`]: the parity
    /// rules go through it again after negating an argument (the multiple
    /// of π then leaves its range).
    pub(crate) fn pi_out_of_range(&self, f: Func, ra: &Rf) -> bool {
        self.pi_turns(f, ra).is_some()
    }
}

#[cfg(test)]
mod tests {
    use crate::canon::testkit::T;

    const DECLS: &str = "x y t: real; p q w: positive";

    #[track_caller]
    fn assert_proved(l: &str, r: &str) {
        T::new(DECLS).assert_proved_canonically(l, r);
    }

    #[track_caller]
    fn assert_not_proved(l: &str, r: &str) {
        T::new(DECLS).assert_not_proved(l, r);
    }
    #[test]
    fn huge_integer_multiples_reduce_exactly() {
        assert_proved("sin(10^20 * pi)", "0");
        assert_proved("cos(10^20 * pi)", "1");
        assert_proved("cos((10^20 + 1) * pi)", "-1");
        assert_proved("sin(t + 2^60 * pi)", "sin(t)");
        assert_proved("cos(t - (2^61 + 1) * pi)", "-cos(t)");
        assert_proved("tan(t + 10^30 * pi)", "tan(t)");
    }

    #[test]
    fn half_integer_multiples_swap_sin_and_cos() {
        assert_proved("sin(t + pi/2)", "cos(t)");
        assert_proved("cos(t + pi/2)", "-sin(t)");
        assert_proved("sin(t + 3*pi/2)", "-cos(t)");
        assert_proved("cos(t - pi/2)", "sin(t)");
        assert_proved("sin(pi/2 - t)", "cos(t)");
        assert_proved("cos(pi/2 - t)", "sin(t)");
        assert_proved("sin((10^20 + 1/2) * pi - t)", "cos(t)");
        assert_proved("cos(t + 5*pi/4)", "-cos(t + pi/4)");
    }

    #[test]
    fn near_misses_are_not_proved() {
        assert_not_proved("sin(t + pi/2)", "-cos(t)");
        assert_not_proved("cos(t + pi)", "cos(t)");
        assert_not_proved("sin(10^20 * pi + 1)", "sin(1)+1");
        assert_not_proved("tan(t + pi/2)", "tan(t)");
        assert_not_proved("sin(t + (10^20 + 1) * pi)", "sin(t)");
        assert_not_proved("sin(pi * t + pi)", "sin(pi * t)");
    }
}
