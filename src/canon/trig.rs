//! Angle addition in the fallback mode: sin and cos of a sum of terms, or
//! of an integer multiple, become polynomials in sin and cos of *primitive*
//! angles, so `sin(2x) = 2·sin(x)·cos(x)`, `cos(p + q) = cos p cos q −
//! sin p sin q` and, with the fallback's `sin² = 1 − cos²`, `(sin x +
//! cos x)² = 1 + sin(2x)` meet.
//!
//! The argument must be a polynomial (no denominator). Each term `(n/d)·m`
//! (`n/d` in lowest terms, `d > 0`) is `n` times the primitive angle `m/d`,
//! constants included (`sin(2x − 4)` uses `cos 1`, `sin 1`, `cos x`,
//! `sin x`; a constant with a large numerator is its own angle). Rational multiples
//! of π with denominator 1, 2, 3, 4 or 6 have exact values (`sin(π/4) =
//! √2/2`). Identities valid for every real argument: no domain conditions
//! (tan = sin/cos is undefined exactly where cos is zero, in either form).
//!
//! Bounded: at most [`MAX_PRIMITIVES`] primitive angles and a total
//! multiplicity of [`MAX_MULTIPLE`]; past that the function stays an atom.

use super::poly::{Mono, Poly};
use super::ratfun::Rf;
use super::{Ctx, Mode, Rule, R};
use crate::expr::{Constant, Func, Node, Rational};
use num_traits::{One, Signed, ToPrimitive, Zero};

const MAX_PRIMITIVES: usize = 6;
const MAX_MULTIPLE: i64 = 12;

/// `cos(k·π/6)` for k = 0..11 as (rational part, coefficient of √3).
fn cos_sixths(k: i64) -> (Rational, Rational) {
    let h = Rational::new(1.into(), 2.into());
    let z = Rational::zero();
    let one = Rational::one();
    match k.rem_euclid(12) {
        0 => (one, z),
        1 => (z, h),
        2 => (h, z),
        3 => (z.clone(), z),
        4 => (-h, z),
        5 => (z, -h),
        6 => (-one, z),
        7 => (z, -h),
        8 => (-h, z),
        9 => (z.clone(), z),
        10 => (h, z),
        _ => (z, h),
    }
}

/// `cos(k·π/4)` for k = 0..7 as (rational part, coefficient of √2).
fn cos_quarters(k: i64) -> (Rational, Rational) {
    let h = Rational::new(1.into(), 2.into());
    let z = Rational::zero();
    let one = Rational::one();
    match k.rem_euclid(8) {
        0 => (one, z),
        1 => (z, h),
        2 => (z.clone(), z),
        3 => (z, -h),
        4 => (-one, z),
        5 => (z, -h),
        6 => (z.clone(), z),
        _ => (z, h),
    }
}

/// One angle of the expansion: a primitive `u` taken `k` times, or an
/// exact value.
enum Angle {
    Multiple(Rf, i64),
    Exact(Rf, Rf),
}

impl Ctx<'_> {
    /// sin, cos or tan of `ra` expanded by angle addition (fallback mode
    /// only); `None` leaves the function to the ordinary rules.
    pub(crate) fn trig_expand(&mut self, f: Func, ra: &Rf) -> R<Option<Rf>> {
        if self.mode != Mode::ExpForm || !matches!(f, Func::Sin | Func::Cos | Func::Tan) {
            return Ok(None);
        }
        if f == Func::Tan {
            let s = self.apply_rf(Func::Sin, ra)?;
            let c = self.apply_rf(Func::Cos, ra)?;
            self.note(Rule::TanToSinCos);
            return Ok(Some(match self.rf_inv(&c)? {
                Some(inv) => self.rf_mul(&s, &inv)?,
                None => self.undefined(),
            }));
        }
        let Some(angles) = self.angles(ra) else {
            return Ok(None);
        };
        // A single primitive angle taken once is the atom itself.
        if let [Angle::Multiple(_, 1)] = angles.as_slice() {
            return Ok(None);
        }
        self.note(Rule::AngleAddition);
        let (mut c, mut s) = (Rf::one(), Rf::zero());
        for angle in angles {
            let (ca, sa) = match angle {
                Angle::Exact(ca, sa) => (ca, sa),
                Angle::Multiple(u, k) => self.multiple(&u, k)?,
            };
            let (c2, s2) = self.add_angles((&c, &s), (&ca, &sa))?;
            c = c2;
            s = s2;
        }
        Ok(Some(if f == Func::Sin { s } else { c }))
    }

    /// The argument split into angles, or `None` when it is not a
    /// polynomial or exceeds the bounds.
    fn angles(&mut self, ra: &Rf) -> Option<Vec<Angle>> {
        if !ra.den.is_empty() || ra.num.len() > MAX_PRIMITIVES {
            return None;
        }
        let pi = self.store.add(Node::Const(Constant::Pi));
        let mut out = Vec::new();
        let mut total = 0i64;
        for (m, c) in &ra.num.terms {
            if m.is_one() {
                // n/d = n·(1/d) while n is small, so cos(x − 2) and
                // sin(2x − 4) meet; a larger constant is its own angle.
                let n = c.numer().to_i64().filter(|n| n.abs() <= MAX_MULTIPLE);
                match n {
                    Some(n) => {
                        let d = Rational::from_integer(c.denom().clone());
                        out.push(Angle::Multiple(Rf::constant(d.recip()), n));
                        total += n.abs();
                    }
                    None => {
                        let sign = if c.is_negative() { -1 } else { 1 };
                        out.push(Angle::Multiple(Rf::constant(c.abs()), sign));
                        total += 1;
                    }
                }
                continue;
            }
            if m.0.len() == 1 && m.0[0].0 == pi && m.0[0].1.is_one() {
                if let Some(exact) = self.exact_pi(c) {
                    out.push(exact);
                    continue;
                }
            }
            let n = c.numer().to_i64()?;
            let d = Rational::from_integer(c.denom().clone());
            total += n.abs();
            let u = Rf::poly(Poly::term(m.clone(), d.recip()));
            out.push(Angle::Multiple(u, n));
        }
        (total <= MAX_MULTIPLE).then_some(out)
    }

    /// cos and sin of `c·π` when exact (c a multiple of 1/4 or 1/6).
    fn exact_pi(&mut self, c: &Rational) -> Option<Angle> {
        let twelve = c * Rational::from_integer(12.into());
        if !twelve.is_integer() {
            return None;
        }
        let t = twelve.to_integer().to_i64()?;
        let (cos, sin, root) = if t % 2 == 0 {
            (cos_sixths(t / 2), cos_sixths(3 - t / 2), 3)
        } else if t % 3 == 0 {
            (cos_quarters(t / 3), cos_quarters(2 - t / 3), 2)
        } else {
            return None;
        };
        let r = self
            .const_power(
                &Rational::from_integer(root.into()),
                &Rational::new(1.into(), 2.into()),
            )
            .ok()?;
        let value = |(q, k): (Rational, Rational)| {
            let mut p = r.num.scale(&k);
            if !q.is_zero() {
                p.add_term(Mono::one(), q);
            }
            Rf::poly(p)
        };
        Some(Angle::Exact(value(cos), value(sin)))
    }

    /// cos(k·u) and sin(k·u), by repeated angle addition.
    fn multiple(&mut self, u: &Rf, k: i64) -> R<(Rf, Rf)> {
        let cu = {
            let a = self.rf_expr(u);
            Rf::atom(self.store.apply(Func::Cos, a))
        };
        let su = {
            let a = self.rf_expr(u);
            Rf::atom(self.store.apply(Func::Sin, a))
        };
        let (mut c, mut s) = (Rf::one(), Rf::zero());
        for _ in 0..k.unsigned_abs() {
            let (c2, s2) = self.add_angles((&c, &s), (&cu, &su))?;
            c = c2;
            s = s2;
        }
        if k < 0 {
            s = s.neg();
        }
        Ok((c, s))
    }

    /// cos(a + b) and sin(a + b) from cos and sin of a and b.
    fn add_angles(&mut self, (ca, sa): (&Rf, &Rf), (cb, sb): (&Rf, &Rf)) -> R<(Rf, Rf)> {
        let cc = self.rf_mul(ca, cb)?;
        let ss = self.rf_mul(sa, sb)?;
        let sc = self.rf_mul(sa, cb)?;
        let cs = self.rf_mul(ca, sb)?;
        let c = self.rf_add(&cc, &ss.neg())?;
        let s = self.rf_add(&sc, &cs)?;
        Ok((c, s))
    }
}
