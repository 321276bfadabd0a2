//! Certified interval arithmetic at any precision: intervals whose
//! endpoints are dyadic rationals (`m · 2^e`, `m` a big integer), every
//! operation rounded outward, and the elementary functions computed by
//! Taylor series with a bound on the remainder. The true value is always
//! inside the interval, so an interval of `lhs − rhs` that excludes 0 is
//! a certified difference.
//!
//! Written on `num-bigint` (already a dependency) rather than taken from
//! an arbitrary-precision crate: none was available offline, and what is
//! needed is small: +, ×, 1/x, integer powers, exp, log, sin, cos.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;

/// A dyadic rational `m · 2^e`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Dy {
    m: BigInt,
    e: i64,
}

impl Dy {
    fn int(n: i64) -> Dy {
        Dy {
            m: BigInt::from(n),
            e: 0,
        }
    }

    /// The exact value of a finite `f64`.
    pub(super) fn from_f64(x: f64) -> Option<Dy> {
        if !x.is_finite() {
            return None;
        }
        if x == 0.0 {
            return Some(Dy::int(0));
        }
        let bits = x.to_bits();
        let sign = if bits >> 63 == 1 { -1 } else { 1 };
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1 << 52) - 1);
        let (m, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1 << 52), exp - 1075)
        };
        Some(Dy {
            m: BigInt::from(m) * sign,
            e,
        })
    }

    fn sign(&self) -> Ordering {
        self.m.sign().cmp(&num_bigint::Sign::NoSign)
    }

    fn neg(&self) -> Dy {
        Dy {
            m: -&self.m,
            e: self.e,
        }
    }

    fn add(&self, o: &Dy) -> Dy {
        let e = self.e.min(o.e);
        let m = (&self.m << (self.e - e) as usize) + (&o.m << (o.e - e) as usize);
        Dy { m, e }
    }

    fn mul(&self, o: &Dy) -> Dy {
        Dy {
            m: &self.m * &o.m,
            e: self.e + o.e,
        }
    }

    fn cmp(&self, o: &Dy) -> Ordering {
        self.add(&o.neg()).sign()
    }

    /// Rounded to `prec` significant bits, down (`up` false) or up.
    fn round(&self, prec: u64, up: bool) -> Dy {
        let bits = self.m.bits();
        if bits <= prec {
            return self.clone();
        }
        let shift = bits - prec;
        // `>>` on a negative BigInt rounds toward −∞.
        let m = if up {
            -((-&self.m) >> shift as usize)
        } else {
            &self.m >> shift as usize
        };
        Dy {
            m,
            e: self.e + shift as i64,
        }
    }

    /// `self / o` rounded to `prec` bits, down or up; `o` nonzero.
    fn div(&self, o: &Dy, prec: u64, up: bool) -> Dy {
        // Enough bits in the quotient: prec beyond the divisor's size.
        let k = (prec + o.m.bits()).saturating_sub(self.m.bits()) + 2;
        let num = &self.m << k as usize;
        let q = if up {
            -((-num).div_floor(&o.m))
        } else {
            num.div_floor(&o.m)
        };
        Dy {
            m: q,
            e: self.e - o.e - k as i64,
        }
        .round(prec, up)
    }

    /// An `f64` near the value (for choices only, never for results).
    fn approx(&self) -> f64 {
        let bits = self.m.bits();
        let shift = bits.saturating_sub(60);
        let top = (&self.m >> shift as usize).to_f64().unwrap_or(f64::NAN);
        top * (self.e as f64 + shift as f64).exp2()
    }

    /// `self · 2^k`, exactly.
    fn scale(&self, k: i64) -> Dy {
        Dy {
            m: self.m.clone(),
            e: self.e + k,
        }
    }

    fn magnitude_log2(&self) -> i64 {
        if self.m.is_zero() {
            i64::MIN / 4
        } else {
            self.m.bits() as i64 + self.e
        }
    }
}

/// A closed interval `[lo, hi]` with dyadic endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Iv {
    lo: Dy,
    hi: Dy,
}

/// The working precision in bits, and a bound on the bits any endpoint
/// may grow to before the computation gives up.
#[derive(Clone, Copy, Debug)]
pub(super) struct Prec(pub(super) u64);

impl Iv {
    pub(super) fn point(d: Dy) -> Iv {
        Iv {
            lo: d.clone(),
            hi: d,
        }
    }

    pub(super) fn int(n: i64) -> Iv {
        Iv::point(Dy::int(n))
    }

    /// A rational `p/q` enclosed at precision `prec`.
    pub(super) fn rational(p: &BigInt, q: &BigInt, prec: Prec) -> Iv {
        let (p, q) = (Dy { m: p.clone(), e: 0 }, Dy { m: q.clone(), e: 0 });
        if q.m.is_one() {
            return Iv::point(p);
        }
        Iv {
            lo: p.div(&q, prec.0, false),
            hi: p.div(&q, prec.0, true),
        }
    }

    /// Whether 0 is inside.
    pub(super) fn has_zero(&self) -> bool {
        self.lo.sign() != Ordering::Greater && self.hi.sign() != Ordering::Less
    }

    /// Lies entirely above 0.
    fn positive(&self) -> bool {
        self.lo.sign() == Ordering::Greater
    }

    /// An `f64` near the midpoint.
    pub(super) fn approx(&self) -> f64 {
        (self.lo.approx() + self.hi.approx()) / 2.0
    }

    /// The exact integer, when the interval is one point that is one.
    pub(super) fn as_integer(&self) -> Option<i64> {
        if self.lo != self.hi || self.lo.e < 0 {
            return None;
        }
        if self.lo.e > 62 {
            return None;
        }
        (&self.lo.m << self.lo.e as usize).to_i64()
    }

    pub(super) fn neg(&self) -> Iv {
        Iv {
            lo: self.hi.neg(),
            hi: self.lo.neg(),
        }
    }

    pub(super) fn add(&self, o: &Iv, prec: Prec) -> Iv {
        Iv {
            lo: self.lo.add(&o.lo).round(prec.0, false),
            hi: self.hi.add(&o.hi).round(prec.0, true),
        }
    }

    pub(super) fn sub(&self, o: &Iv, prec: Prec) -> Iv {
        self.add(&o.neg(), prec)
    }

    pub(super) fn mul(&self, o: &Iv, prec: Prec) -> Iv {
        let ps = [
            self.lo.mul(&o.lo),
            self.lo.mul(&o.hi),
            self.hi.mul(&o.lo),
            self.hi.mul(&o.hi),
        ];
        let mut lo = &ps[0];
        let mut hi = &ps[0];
        for p in &ps[1..] {
            if p.cmp(lo) == Ordering::Less {
                lo = p;
            }
            if p.cmp(hi) == Ordering::Greater {
                hi = p;
            }
        }
        Iv {
            lo: lo.round(prec.0, false),
            hi: hi.round(prec.0, true),
        }
    }

    /// `[0, max²]` when 0 is inside, tighter than `self · self`.
    fn square(&self, prec: Prec) -> Iv {
        if self.has_zero() {
            let m = if self.lo.neg().cmp(&self.hi) == Ordering::Greater {
                self.lo.neg()
            } else {
                self.hi.clone()
            };
            return Iv {
                lo: Dy::int(0),
                hi: m.mul(&m).round(prec.0, true),
            };
        }
        self.mul(self, prec)
    }

    /// 1/self; `None` when 0 is inside.
    pub(super) fn recip(&self, prec: Prec) -> Option<Iv> {
        if self.has_zero() {
            return None;
        }
        let one = Dy::int(1);
        Some(Iv {
            lo: one.div(&self.hi, prec.0, false),
            hi: one.div(&self.lo, prec.0, true),
        })
    }

    /// self^n; `None` for 0 inside and n < 0.
    pub(super) fn powi(&self, n: i64, prec: Prec) -> Option<Iv> {
        if n < 0 {
            return self.recip(prec)?.powi(-n, prec);
        }
        let mut acc = Iv::int(1);
        let mut base = self.clone();
        let mut n = n as u64;
        let mut first = true;
        while n > 0 {
            if n & 1 == 1 {
                acc = if first {
                    base.clone()
                } else {
                    acc.mul(&base, prec)
                };
                first = false;
            }
            n >>= 1;
            if n > 0 {
                base = base.square(prec);
            }
        }
        Some(acc)
    }

    /// `self ± r`: the interval widened by a bound on a remainder.
    fn widen(&self, r: &Dy, prec: Prec) -> Iv {
        Iv {
            lo: self.lo.add(&r.neg()).round(prec.0, false),
            hi: self.hi.add(r).round(prec.0, true),
        }
    }

    /// The largest magnitude in the interval.
    fn max_abs(&self) -> Dy {
        let (a, b) = (self.lo.neg(), self.hi.clone());
        if a.cmp(&b) == Ordering::Greater {
            a
        } else {
            b
        }
    }

    /// `self · 2^k`, exactly.
    fn scale(&self, k: i64) -> Iv {
        Iv {
            lo: self.lo.scale(k),
            hi: self.hi.scale(k),
        }
    }

    /// e^self; `None` beyond |x| ≤ 2^20 (the result would have millions
    /// of bits of exponent).
    pub(super) fn exp(&self, prec: Prec) -> Option<Iv> {
        let big = self.max_abs().magnitude_log2();
        if big > 20 {
            return None;
        }
        // Halve until |x| ≤ 1/2, then square back: each squaring doubles
        // the relative error, so work with that many more bits.
        let s = (big + 1).max(0);
        let work = Prec(prec.0 + s as u64 + 16);
        let x = self.scale(-s);
        // Terms until (1/2)^(n+1)/(n+1)! is below 2^-work.
        let mut n = 1u64;
        let mut log_term = 0.0f64;
        while log_term > -(work.0 as f64) - 2.0 {
            n += 1;
            log_term -= 1.0 + (n as f64).log2();
        }
        // Horner: 1 + x(1 + x/2 (1 + x/3 (…))).
        let mut acc = Iv::int(1);
        for k in (1..=n).rev() {
            let k = Iv::int(k as i64);
            acc = Iv::int(1).add(&x.mul(&acc, work).mul(&k.recip(work)?, work), work);
        }
        // |remainder| ≤ 2 |x|^(n+1)/(n+1)! ≤ 2^(log_term + 1).
        let rem = Dy::int(1).scale(log_term.floor() as i64 + 1);
        let mut v = acc.widen(&rem, work);
        for _ in 0..s {
            v = v.square(work);
        }
        Some(v.round(prec))
    }

    fn round(&self, prec: Prec) -> Iv {
        Iv {
            lo: self.lo.round(prec.0, false),
            hi: self.hi.round(prec.0, true),
        }
    }

    /// ln(self); `None` unless self > 0.
    pub(super) fn ln(&self, prec: Prec) -> Option<Iv> {
        if !self.positive() {
            return None;
        }
        // ln is increasing: the low end's lower bound, the high end's upper.
        let lo = ln_point(&self.lo, prec)?;
        let hi = ln_point(&self.hi, prec)?;
        Some(Iv {
            lo: lo.lo,
            hi: hi.hi,
        })
    }

    /// (sin, cos) of self; `None` for |x| > 2^40.
    pub(super) fn sin_cos(&self, prec: Prec) -> Option<(Iv, Iv)> {
        let big = self.max_abs().magnitude_log2();
        if big > 40 {
            return None;
        }
        let work = Prec(prec.0 + big.max(0) as u64 + 16);
        // x − k·2π, k from the midpoint (its rounding only costs width).
        let k = (self.approx() / std::f64::consts::TAU).round() as i64;
        let r = self.sub(&pi(work)?.scale(1).mul(&Iv::int(k), work), work);
        let m = r.max_abs();
        if m.magnitude_log2() > 3 {
            return None;
        }
        // Terms until 8^(n+1)/(n+1)! < 2^-work (|r| < 8).
        let mut n = 1u64;
        let mut log_term = 3.0f64;
        while log_term > -(work.0 as f64) - 2.0 {
            n += 1;
            log_term += 3.0 - (n as f64).log2();
        }
        let r2 = r.square(work);
        // sin r = r (1 − r²/(2·3) (1 − r²/(4·5) (…))), cos alike.
        let series = |first: i64| -> Option<Iv> {
            let mut acc = Iv::int(1);
            let mut k = n + 2 - (n % 2);
            while k >= 2 {
                let d = Iv::int((k as i64 + first - 1) * (k as i64 + first));
                acc = Iv::int(1).sub(&r2.mul(&d.recip(work)?, work).mul(&acc, work), work);
                k -= 2;
            }
            Some(acc)
        };
        let rem = Dy::int(1).scale(log_term.floor() as i64 + 1);
        let sin = r.mul(&series(1)?, work).widen(&rem, work);
        let cos = series(0)?.widen(&rem, work);
        Some((sin.round(prec), cos.round(prec)))
    }

    /// tanh, increasing: each end from e^(2x) as 1 − 2/(e^(2x) + 1).
    pub(super) fn tanh(&self, prec: Prec) -> Option<Iv> {
        let end = |d: &Dy| -> Option<Iv> {
            let e = Iv::point(d.scale(1)).exp(prec)?;
            let t = Iv::int(2).mul(&e.add(&Iv::int(1), prec).recip(prec)?, prec);
            Some(Iv::int(1).sub(&t, prec))
        };
        Some(Iv {
            lo: end(&self.lo)?.lo,
            hi: end(&self.hi)?.hi,
        })
    }

    /// σ(x) = 1/(1 + e^-x), increasing.
    pub(super) fn sigmoid(&self, prec: Prec) -> Option<Iv> {
        let end = |d: &Dy| -> Option<Iv> {
            let e = Iv::point(d.neg()).exp(prec)?;
            e.add(&Iv::int(1), prec).recip(prec)
        };
        Some(Iv {
            lo: end(&self.lo)?.lo,
            hi: end(&self.hi)?.hi,
        })
    }
}

/// The piecewise functions, enclosed; `None` where the interval straddles
/// a jump (of `sign` or `step`), which no precision could decide.
impl Iv {
    /// |self|.
    pub(super) fn abs(&self) -> Iv {
        if self.lo.sign() != Ordering::Less {
            self.clone()
        } else if self.hi.sign() != Ordering::Greater {
            self.neg()
        } else {
            Iv {
                lo: Dy::int(0),
                hi: self.max_abs(),
            }
        }
    }

    /// max(self, 0).
    pub(super) fn relu(&self) -> Iv {
        let clamp = |d: &Dy| {
            if d.sign() == Ordering::Less {
                Dy::int(0)
            } else {
                d.clone()
            }
        };
        Iv {
            lo: clamp(&self.lo),
            hi: clamp(&self.hi),
        }
    }

    /// −1, 0 or 1 by the sign, when the whole interval has one.
    pub(super) fn sign(&self) -> Option<Iv> {
        match (self.lo.sign(), self.hi.sign()) {
            (Ordering::Greater, _) => Some(Iv::int(1)),
            (_, Ordering::Less) => Some(Iv::int(-1)),
            (Ordering::Equal, Ordering::Equal) => Some(Iv::int(0)),
            _ => None,
        }
    }

    /// 1 above 0, else 0 (`step(0) = 0`), when the whole interval is on one
    /// side.
    pub(super) fn step(&self) -> Option<Iv> {
        if self.lo.sign() == Ordering::Greater {
            Some(Iv::int(1))
        } else if self.hi.sign() != Ordering::Greater {
            Some(Iv::int(0))
        } else {
            None
        }
    }

    /// log(1 + e^self), increasing: each end enclosed on its own.
    pub(super) fn softplus(&self, prec: Prec) -> Option<Iv> {
        let end = |d: &Dy| -> Option<Iv> {
            Iv::point(d.clone())
                .exp(prec)?
                .add(&Iv::int(1), prec)
                .ln(prec)
        };
        Some(Iv {
            lo: end(&self.lo)?.lo,
            hi: end(&self.hi)?.hi,
        })
    }
}

/// atanh(z) = z + z³/3 + z⁵/5 + … for 0 ≤ z ≤ 1/3, enclosed.
fn atanh_small(z: &Iv, prec: Prec) -> Option<Iv> {
    // (1/3)^(2n+1) < 2^-(prec+4).
    let n = (prec.0 + 8) / 3 + 2;
    let z2 = z.square(prec);
    let mut acc = Iv::int(0);
    for k in (0..=n).rev() {
        let term = Iv::int(2 * k as i64 + 1).recip(prec)?;
        acc = term.add(&z2.mul(&acc, prec), prec);
    }
    // Remainder ≤ z^(2n+3)/(1 − z²) ≤ (9/8)(1/3)^(2n+3) < 2^-(3n+3).
    let rem = Dy::int(1).scale(-(3 * n as i64 + 3));
    Some(z.mul(&acc, prec).widen(&rem, prec))
}

/// ln 2 = 2 atanh(1/3), enclosed.
fn ln2(prec: Prec) -> Option<Iv> {
    let third = Iv::rational(&BigInt::one(), &BigInt::from(3), prec);
    Some(atanh_small(&third, prec)?.scale(1))
}

/// ln of a positive dyadic: k ln 2 + 2 atanh((y − 1)/(y + 1)) with y in
/// [1, 2).
fn ln_point(d: &Dy, prec: Prec) -> Option<Iv> {
    let work = Prec(prec.0 + 64);
    let bits = d.m.bits() as i64;
    let k = bits - 1 + d.e;
    let y = Iv::point(Dy {
        m: d.m.clone(),
        e: -(bits - 1),
    });
    let z = y
        .sub(&Iv::int(1), work)
        .mul(&y.add(&Iv::int(1), work).recip(work)?, work);
    let lny = atanh_small(&z, work)?.scale(1);
    Some(
        lny.add(&ln2(work)?.mul(&Iv::int(k), work), work)
            .round(prec),
    )
}

/// π = 16 atan(1/5) − 4 atan(1/239), enclosed.
pub(super) fn pi(prec: Prec) -> Option<Iv> {
    let work = Prec(prec.0 + 16);
    let atan_inv = |q: i64| -> Option<Iv> {
        // Σ (−1)^k / ((2k+1) q^(2k+1)); the tail after n terms is below
        // its first term, q^-(2n+3).
        let z = Iv::rational(&BigInt::one(), &BigInt::from(q), work);
        let z2 = z.square(work);
        let qbits = (q as f64).log2();
        let n = ((work.0 as f64 + 8.0) / (2.0 * qbits)).ceil() as i64 + 1;
        let mut acc = Iv::int(0);
        for k in (0..=n).rev() {
            let term = Iv::int(2 * k + 1).recip(work)?;
            acc = term.sub(&z2.mul(&acc, work), work);
        }
        let rem = Dy::int(1).scale(-((2 * n + 3) as f64 * qbits).floor() as i64);
        Some(z.mul(&acc, work).widen(&rem, work))
    };
    let a = atan_inv(5)?.scale(4);
    let b = atan_inv(239)?.scale(2);
    Some(a.sub(&b, work).round(prec))
}

/// e, enclosed.
pub(super) fn e(prec: Prec) -> Option<Iv> {
    Iv::int(1).exp(prec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Prec = Prec(200);

    /// The interval contains `x` and is narrower than `2^-bits` relative.
    fn tight(iv: &Iv, x: f64) -> bool {
        let (lo, hi) = (iv.lo.approx(), iv.hi.approx());
        let slack = x.abs() * 1e-15 + 1e-300;
        lo <= x + slack && hi >= x - slack && {
            let w = iv.hi.add(&iv.lo.neg());
            w.magnitude_log2() < iv.hi.magnitude_log2().max(iv.lo.magnitude_log2()) - 150
        }
    }

    #[test]
    fn piecewise_functions_enclose_and_refuse_to_guess_at_a_jump() {
        let span = |a: f64, b: f64| Iv {
            lo: Dy::from_f64(a).unwrap(),
            hi: Dy::from_f64(b).unwrap(),
        };
        let ends = |iv: &Iv| (iv.lo.approx(), iv.hi.approx());
        assert_eq!(ends(&span(-3.0, 2.0).abs()), (0.0, 3.0));
        assert_eq!(ends(&span(-3.0, -2.0).abs()), (2.0, 3.0));
        assert_eq!(ends(&span(-3.0, 2.0).relu()), (0.0, 2.0));
        assert_eq!(ends(&span(0.5, 2.0).sign().unwrap()), (1.0, 1.0));
        assert_eq!(ends(&span(0.0, 0.0).sign().unwrap()), (0.0, 0.0));
        assert_eq!(ends(&span(-1.0, 0.0).step().unwrap()), (0.0, 0.0));
        assert!(span(-1e-30, 1e-30).sign().is_none());
        assert!(span(-1e-30, 1e-30).step().is_none());
        let x = 0.75_f64;
        assert!(tight(&span(x, x).softplus(P).unwrap(), x.exp().ln_1p()));
    }

    #[test]
    fn functions_enclose_their_values_tightly() {
        let at = |x: f64| Iv::point(Dy::from_f64(x).unwrap());
        assert!(tight(&pi(P).unwrap(), std::f64::consts::PI));
        assert!(tight(&e(P).unwrap(), std::f64::consts::E));
        for x in [0.5, -3.25, 10.0, 1e-5, 700.0, -700.0] {
            assert!(tight(&at(x).exp(P).unwrap(), x.exp()), "exp {x}");
        }
        for x in [0.5, 3.25, 1e10, 1e-10, 1.0 + 1e-9] {
            let l = at(x).ln(P).unwrap();
            assert!(tight(&l, x.ln()), "ln {x}: {l:?}");
        }
        for x in [0.5, -3.25, 100.0, 1e6] {
            let (s, c) = at(x).sin_cos(P).unwrap();
            assert!(tight(&s, x.sin()) && tight(&c, x.cos()), "sin/cos {x}");
        }
        assert!(tight(&at(0.75).tanh(P).unwrap(), 0.75f64.tanh()));
        assert!(tight(
            &at(-2.0).sigmoid(P).unwrap(),
            1.0 / (1.0 + 2f64.exp())
        ));
        // ln 1 = 0 exactly inside; e^0 = 1.
        assert!(at(1.0).ln(P).unwrap().has_zero());
        assert!(at(0.0).exp(P).unwrap().sub(&Iv::int(1), P).has_zero());
        assert_eq!(Iv::int(3).powi(4, P).unwrap().as_integer(), Some(81));
    }

    #[test]
    fn a_difference_of_one_part_in_two_to_the_thousand_is_certified() {
        let p = Prec(1100);
        let two_1000 = Iv::int(2).powi(1000, p).unwrap();
        let x = Iv::point(Dy::from_f64(0.3).unwrap()).exp(p).unwrap();
        let l = two_1000.add(&Iv::int(1), p).mul(&x, p);
        let r = two_1000.mul(&x, p);
        assert!(!l.sub(&r, p).has_zero());
        // At 200 bits it cannot be told from 0, and says so.
        let p = Prec(200);
        let two_1000 = Iv::int(2).powi(1000, p).unwrap();
        let x = Iv::point(Dy::from_f64(0.3).unwrap()).exp(p).unwrap();
        let l = two_1000.add(&Iv::int(1), p).mul(&x, p);
        assert!(l.sub(&two_1000.mul(&x, p), p).has_zero());
    }
}

/// The property test against the soundness fuzzer's independent oracle
/// (`tests/oracle`, on `dashu-float`): every enclosure holds its value.
#[cfg(test)]
mod oracle_tests;
