//! Double-double numbers: an unevaluated sum `hi + lo` of two `f64`s, about
//! 106 bits of significand.
//!
//! The numeric witness re-checks a link in this type when the `f64` values
//! of its sides agree only up to rounding, so that a claim wrong by a
//! relative 1e-12 is caught (f64 alone cannot tell it from rounding). The
//! elementary functions below are accurate to roughly 1e-30 relative for the
//! argument sizes sampling produces; that is far more than the comparison
//! needs (its tolerance is about 1e-24 relative to the terms).

use crate::expr::Rational;
use num_traits::ToPrimitive;

/// `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dd {
    /// The leading part: the value rounded to `f64`.
    pub hi: f64,
    /// The rounding error of `hi`.
    pub lo: f64,
}

/// ln 2, π/2, π and e to double-double precision (the QD library's values).
const LN2: Dd = Dd::new(std::f64::consts::LN_2, 2.319_046_813_846_299_6e-17);
const PI_2: Dd = Dd::new(std::f64::consts::FRAC_PI_2, 6.123_233_995_736_766e-17);
/// π to double-double precision.
pub const PI: Dd = Dd::new(std::f64::consts::PI, 1.224_646_799_147_353_2e-16);
/// e to double-double precision.
pub const E: Dd = Dd::new(std::f64::consts::E, 1.445_646_891_729_250_2e-16);

/// 1/n to double-double precision for small n (the Taylor series' factors):
/// multiplying by these is several times cheaper than dividing by n.
fn inverse(n: usize) -> Dd {
    static TABLE: std::sync::OnceLock<Vec<Dd>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..72)
            .map(|k| Dd::from(1.0).over(Dd::from(k.max(1) as f64)))
            .collect()
    });
    table
        .get(n)
        .copied()
        .unwrap_or_else(|| Dd::from(1.0).over(Dd::from(n as f64)))
}

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

impl Dd {
    /// A double-double from its two parts (no normalization).
    pub const fn new(hi: f64, lo: f64) -> Dd {
        Dd { hi, lo }
    }

    /// An `f64`, exactly.
    pub const fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    /// A rational, to double-double precision (`None` if out of range).
    pub fn from_rational(r: &Rational) -> Option<Dd> {
        let hi = r.to_f64()?;
        if !hi.is_finite() {
            return None;
        }
        let rest = r - Rational::from_float(hi)?;
        let lo = rest.to_f64()?;
        let (hi, lo) = quick_two_sum(hi, lo);
        Some(Dd { hi, lo })
    }

    /// `hi + lo` rounded to `f64`.
    pub fn value(self) -> f64 {
        self.hi + self.lo
    }

    fn from_pair((hi, lo): (f64, f64)) -> Dd {
        let (hi, lo) = quick_two_sum(hi, lo);
        Dd { hi, lo }
    }

    /// Sum.
    pub fn plus(self, b: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, b.hi);
        let (t, f) = two_sum(self.lo, b.lo);
        let (s, e) = quick_two_sum(s, e + t);
        Dd::from_pair((s, e + f))
    }

    /// Negation.
    pub fn negate(self) -> Dd {
        Dd::new(-self.hi, -self.lo)
    }

    /// Difference.
    pub fn minus(self, b: Dd) -> Dd {
        self.plus(b.negate())
    }

    /// Product.
    pub fn times(self, b: Dd) -> Dd {
        let (p, e) = two_prod(self.hi, b.hi);
        Dd::from_pair((p, e + (self.hi * b.lo + self.lo * b.hi)))
    }

    /// Product with an `f64`.
    fn times_f(self, b: f64) -> Dd {
        let (p, e) = two_prod(self.hi, b);
        Dd::from_pair((p, e + self.lo * b))
    }

    /// Quotient (b must be nonzero).
    pub fn over(self, b: Dd) -> Dd {
        let q1 = self.hi / b.hi;
        let r = self.minus(b.times_f(q1));
        let q2 = r.hi / b.hi;
        let r = r.minus(b.times_f(q2));
        let q3 = r.hi / b.hi;
        Dd::from_pair(quick_two_sum(q1, q2)).plus(Dd::from(q3))
    }

    fn abs(self) -> Dd {
        if self.hi < 0.0 {
            self.negate()
        } else {
            self
        }
    }

    /// e^x - 1 for |x| <= ln2/2, by argument halving and the Taylor series,
    /// kept in the "minus one" form so that squaring back does not lose the
    /// small part's relative precision.
    fn expm1_reduced(x: Dd) -> Dd {
        const HALVINGS: i32 = 10;
        let r = x.times_f(1.0 / f64::from(1 << HALVINGS));
        let mut term = r;
        let mut sum = r;
        let mut n = 1.0;
        while term.hi.abs() > 1e-36 * sum.hi.abs().max(1e-300) && n < 40.0 {
            n += 1.0;
            term = term.times(r).times(inverse(n as usize));
            sum = sum.plus(term);
        }
        // (1 + p)^2 - 1 = p (2 + p)
        for _ in 0..HALVINGS {
            sum = sum.times(sum.plus(Dd::from(2.0)));
        }
        sum
    }

    /// e^x.
    pub fn exp(self) -> Dd {
        if self.hi > 709.8 {
            return Dd::from(f64::INFINITY);
        }
        if self.hi < -745.2 {
            return Dd::from(0.0);
        }
        let k = (self.hi / LN2.hi).round();
        let r = self.minus(LN2.times_f(k));
        let m = Dd::expm1_reduced(r).plus(Dd::from(1.0));
        // Scale by 2^k in two steps so neither factor overflows.
        let k = k as i32;
        let (a, b) = (k / 2, k - k / 2);
        m.times_f(2f64.powi(a)).times_f(2f64.powi(b))
    }

    /// Natural log of a positive number (Newton on exp).
    pub fn ln(self) -> Option<Dd> {
        if self.hi.is_nan() || self.hi <= 0.0 || self.hi.is_infinite() {
            return None;
        }
        // One Newton step, y += x e^-y - 1, squares the f64 logarithm's
        // relative error of ~1e-16.
        let y = Dd::from(self.hi.ln());
        Some(y.plus(self.times(y.negate().exp())).minus(Dd::from(1.0)))
    }

    /// sin and cos of a reduced argument |r| <= π/4, by Taylor series.
    fn sin_cos_reduced(r: Dd) -> (Dd, Dd) {
        let r2 = r.times(r);
        let (mut s, mut ts) = (r, r);
        let (mut c, mut tc) = (Dd::from(1.0), Dd::from(1.0));
        let mut n = 0.0;
        while n < 60.0 {
            // ts = (-1)^k r^(2k+1)/(2k+1)!, tc = (-1)^k r^(2k)/(2k)!
            let k = n as usize;
            tc = tc
                .times(r2)
                .times(inverse(k + 1))
                .times(inverse(k + 2))
                .negate();
            ts = ts
                .times(r2)
                .times(inverse(k + 2))
                .times(inverse(k + 3))
                .negate();
            c = c.plus(tc);
            s = s.plus(ts);
            n += 2.0;
            if tc.hi.abs() < 1e-36 && ts.hi.abs() < 1e-36 {
                break;
            }
        }
        (s, c)
    }

    /// (sin x, cos x).
    pub fn sin_cos(self) -> (Dd, Dd) {
        // x − k·π/2 in steps: beyond 2^53 one f64 quotient is off by many
        // multiples (sin(2^100 π − 10^5) came out 10^221), so the rest is
        // reduced again until it is small. The quadrant is summed from each
        // step's k: `k as i64` saturates beyond 2^63 (sin(10^20 π) came
        // out −1), while the remainder of an integer-valued f64 is exact
        // at any size.
        let mut r = self;
        let mut quadrant = 0.0;
        for _ in 0..4 {
            let k = (r.hi / PI_2.hi).round();
            if k == 0.0 {
                break;
            }
            r = r.minus(PI_2.times_f(k));
            quadrant = (quadrant + k.rem_euclid(4.0)).rem_euclid(4.0);
        }
        if r.hi.is_nan() || r.hi.abs() > 1.0 {
            // Beyond what a double-double can reduce: no value.
            return (Dd::from(f64::NAN), Dd::from(f64::NAN));
        }
        let (s, c) = Dd::sin_cos_reduced(r);
        match quadrant as u8 {
            0 => (s, c),
            1 => (c, s.negate()),
            2 => (s.negate(), c.negate()),
            _ => (c.negate(), s),
        }
    }

    /// tanh x.
    pub fn tanh(self) -> Dd {
        let a = self.abs();
        let t = if a.hi > 40.0 {
            Dd::from(1.0)
        } else if a.hi < 0.5 {
            // Series for sinh and cosh: no cancellation near 0.
            let a2 = a.times(a);
            let (mut sh, mut tsh) = (a, a);
            let (mut ch, mut tch) = (Dd::from(1.0), Dd::from(1.0));
            let mut n = 0.0;
            while n < 60.0 && (tsh.hi.abs() > 1e-36 || tch.hi.abs() > 1e-36) {
                tch = tch.times(a2).over(Dd::from((n + 1.0) * (n + 2.0)));
                tsh = tsh.times(a2).over(Dd::from((n + 2.0) * (n + 3.0)));
                ch = ch.plus(tch);
                sh = sh.plus(tsh);
                n += 2.0;
            }
            sh.over(ch)
        } else {
            let e = a.times_f(-2.0).exp();
            Dd::from(1.0).minus(e).over(Dd::from(1.0).plus(e))
        };
        if self.hi < 0.0 {
            t.negate()
        } else {
            t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Dd, b: Dd, rel: f64) -> bool {
        let d = a.minus(b);
        d.value().abs() <= rel * b.value().abs().max(1e-300)
    }

    #[test]
    fn exp_of_one_is_e() {
        assert!(
            close(Dd::from(1.0).exp(), E, 1e-30),
            "{:?}",
            Dd::from(1.0).exp()
        );
    }

    #[test]
    fn log_inverts_exp() {
        for x in [-20.0, -3.5, -0.001, 0.0, 1e-7, 0.75, 2.0, 13.0, 300.0] {
            let y = Dd::from(x).exp().ln().unwrap();
            let err = y.minus(Dd::from(x)).value().abs();
            assert!(err <= 1e-29 * x.abs().max(1.0), "x = {x}: err {err:e}");
        }
        assert!(Dd::from(0.0).ln().is_none());
        assert!(Dd::from(-1.0).ln().is_none());
    }

    #[test]
    fn sin_and_cos_are_accurate() {
        for x in [-7.0, -3.0, -1.0, 0.1, 0.5, 1.0, 2.5, 4.0, 10.0] {
            let (s, c) = Dd::from(x).sin_cos();
            let one = s.times(s).plus(c.times(c));
            assert!(close(one, Dd::from(1.0), 1e-30), "x = {x}");
            assert!((s.value() - x.sin()).abs() < 1e-15);
            assert!((c.value() - x.cos()).abs() < 1e-15);
        }
        // sin(π) is about 1.2e-16 in f64 only because π is rounded; in
        // double-double the residue is ~1e-32.
        assert!(PI.sin_cos().0.value().abs() < 1e-30);
    }

    #[test]
    fn sines_of_huge_arguments_keep_their_quadrant() {
        // 10^20·π rounded to a double-double is within ~1e-12 of a
        // multiple of 2π: its sine is about 0, not ±1.
        let x = Dd::from(1e20).times(PI);
        let (s, c) = x.sin_cos();
        assert!(s.value().abs() < 1e-6, "{s:?}");
        assert!((c.value() - 1.0).abs() < 1e-6, "{c:?}");
        let (s, _) = Dd::from(1e20).times(PI).plus(Dd::from(0.5)).sin_cos();
        assert!((s.value() - 0.5f64.sin()).abs() < 1e-6, "{s:?}");
        // 2^100 π − 10^5: one quotient in f64 is off by ~10^14 multiples.
        let x = Dd::from(2f64.powi(100)).times(PI).plus(Dd::from(-1e5));
        let (s, c) = x.sin_cos();
        assert!((s.value() - (-1e5f64).sin()).abs() < 1e-3, "{s:?}");
        assert!((c.value() - (-1e5f64).cos()).abs() < 1e-3, "{c:?}");
    }

    #[test]
    fn tanh_matches_its_exp_form() {
        for x in [-3.0, -0.3, 1e-6, 0.2, 0.49, 0.51, 2.0, 50.0] {
            let t = Dd::from(x).tanh();
            let e = Dd::from(2.0 * x).exp();
            let want = e.minus(Dd::from(1.0)).over(e.plus(Dd::from(1.0)));
            // The exp form loses digits to cancellation near 0.
            assert!(close(t, want, 1e-25), "x = {x}");
        }
    }

    #[test]
    fn rationals_keep_their_low_digits() {
        use num_bigint::BigInt;
        let r = Rational::new(
            BigInt::from(1_000_000_000_001i64),
            BigInt::from(1_000_000_000_000i64),
        );
        let d = Dd::from_rational(&r).unwrap();
        let back = d.minus(Dd::from(1.0)).value();
        assert!((back - 1e-12).abs() < 1e-27, "{back:e}");
    }
}
