//! The number types the evaluator is generic over: plain `f64`, the
//! double-double [`Dd`](super::dd::Dd), and forward-mode duals over either;
//! the [`Field`] they implement is here, `dd` being only double-double
//! arithmetic, so that neither file imports the other.
//!
//! Derivatives are never symbolic: a `Deriv` node perturbs one element of a
//! variable by an infinitesimal ε and reads off the ε coefficient. Nested
//! derivatives nest the dual type (`Dual<Dual<f64>>` for a second
//! derivative), one infinitesimal per nesting level ("slot"); slot 0 is the
//! outermost dual level.

use super::dd::Dd;
use super::tolerance::{DD_FACTOR, F64_FACTOR};

/// +0 for a finite `x`, NaN for ±∞ and NaN (see `Field::finite_probe`).
#[inline(always)]
#[allow(clippy::eq_op)] // x - x is the point: it is 0 exactly when x is finite.
pub(crate) fn probe(x: f64) -> f64 {
    x - x
}

/// A value and its rounding-error bound (in units of the precision's
/// rounding, see `compare`).
pub(crate) type Valued<T> = (T, f64);

/// A number the evaluator computes with.
///
/// Partial operations return `None` where the result is undefined (log of a
/// non-positive, division by zero, a non-integer power of a negative base);
/// the caller also rejects non-finite results, so overflow is undefined too.
///
/// `'static` so that the evaluator can keep spare memo tables per number
/// type (see `memo::SpareTables`).
pub(crate) trait Field: Copy + std::fmt::Debug + 'static {
    /// A constant, given at both precisions (so `Dd` keeps all of a
    /// rational's digits rather than those of its `f64` rounding).
    fn constant(lo_prec: f64, hi_prec: Dd) -> Self;
    /// An exact input value (sampled values are `f64`).
    fn from_f64(x: f64) -> Self;
    /// The real part (the value without infinitesimals), rounded to `f64`.
    fn value(&self) -> f64;
    /// 0 when every component is finite, NaN otherwise: the sum of `x - x`
    /// over the components, as `x - x` is +0 for a finite `x` and NaN for
    /// ±∞ and NaN. Every value the evaluator makes is tested; this tests
    /// all components with a few subtractions and one comparison rather
    /// than a mask, comparison and branch for each.
    fn finite_probe(&self) -> f64;
    /// The number type of the innermost real part (`f64` or `Dd`), which
    /// is its own base.
    type Base: Field<Base = Self::Base>;
    /// Whether this is a dual type (has infinitesimal parts).
    const DUAL: bool = false;
    /// The comparisons' tolerance per unit of rounding-error bound in this
    /// precision (see `compare`).
    const TOLERANCE: f64;
    /// A real value with every infinitesimal part zero.
    fn from_base(b: Self::Base) -> Self;
    /// No infinitesimal part is nonzero.
    fn is_constant(&self) -> bool;
    /// The value as an integer when it is exactly one (and modest).
    fn as_integer(&self) -> Option<i64>;
    /// Sum.
    fn add(self, o: Self) -> Self;
    /// Product.
    fn mul(self, o: Self) -> Self;
    /// 1 / self.
    fn recip(self) -> Option<Self>;
    /// e^self.
    fn exp(self) -> Self;
    /// Natural log, for positive values.
    fn ln(self) -> Option<Self>;
    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// 1 / (1 + e^-self), without overflow for large |self|.
    fn sigmoid(self) -> Self;
    /// self^n for an integer n (any base; 0 to a negative power is undefined).
    fn powi(self, n: i64) -> Option<Self>;
    /// self^r for a constant, non-integer r: needs self > 0, or self = 0
    /// with r > 0.
    fn powc(self, r: Self) -> Option<Self>;
    /// self + ε_slot.
    fn with_eps(self, slot: usize) -> Self;
    /// The coefficient of ε_slot.
    fn extract(self, slot: usize) -> Self;
    /// Rounding error this value carries beyond one rounding, in units of
    /// the precision's rounding: none, except where the number type loses
    /// relative precision (a double-double whose low part underflows).
    fn lost_precision(&self) -> f64 {
        0.0
    }

    /// tan = sin / cos, undefined where cos is 0.
    fn tan(self) -> Option<Self> {
        Some(self.sin().mul(self.cos().recip()?))
    }
    /// -self.
    fn neg(self) -> Self {
        self.mul(Self::from_f64(-1.0))
    }
}

impl Field for f64 {
    fn constant(lo_prec: f64, _: Dd) -> f64 {
        lo_prec
    }
    fn from_f64(x: f64) -> f64 {
        x
    }
    fn value(&self) -> f64 {
        *self
    }
    fn finite_probe(&self) -> f64 {
        probe(*self)
    }
    type Base = f64;
    const TOLERANCE: f64 = F64_FACTOR;
    fn from_base(b: f64) -> f64 {
        b
    }
    fn is_constant(&self) -> bool {
        true
    }
    fn as_integer(&self) -> Option<i64> {
        (self.fract() == 0.0 && self.abs() < 1e9).then_some(*self as i64)
    }
    fn add(self, o: f64) -> f64 {
        self + o
    }
    fn mul(self, o: f64) -> f64 {
        self * o
    }
    fn recip(self) -> Option<f64> {
        (self != 0.0).then(|| 1.0 / self)
    }
    fn exp(self) -> f64 {
        f64::exp(self)
    }
    fn ln(self) -> Option<f64> {
        (self > 0.0).then(|| f64::ln(self))
    }
    fn sin(self) -> f64 {
        f64::sin(self)
    }
    fn cos(self) -> f64 {
        f64::cos(self)
    }
    fn tanh(self) -> f64 {
        f64::tanh(self)
    }
    fn tan(self) -> Option<f64> {
        // libm's tan is correctly reduced; sin/cos would add two roundings.
        Some(f64::tan(self))
    }
    fn sigmoid(self) -> f64 {
        // Each branch exponentiates a non-positive number, so nothing
        // overflows and the tiny tail keeps its relative precision.
        if self >= 0.0 {
            1.0 / (1.0 + (-self).exp())
        } else {
            let e = self.exp();
            e / (1.0 + e)
        }
    }
    fn powi(self, n: i64) -> Option<f64> {
        if self == 0.0 && n < 0 {
            return None;
        }
        Some(match i32::try_from(n) {
            Ok(n) => f64::powi(self, n),
            Err(_) => f64::powf(self, n as f64),
        })
    }
    fn powc(self, r: f64) -> Option<f64> {
        if self > 0.0 {
            Some(self.powf(r))
        } else if self == 0.0 && r > 0.0 {
            Some(0.0)
        } else {
            None
        }
    }
    fn with_eps(self, _: usize) -> f64 {
        self
    }
    fn extract(self, _: usize) -> f64 {
        0.0
    }
}

/// Where a double-double's low part (2⁻⁵³ of the high part) would be
/// subnormal.
const TINY_HI: f64 = 4.008_336_720_017_946e-292; // 2⁻⁹⁶⁸ (exactly, to the nearest f64)

impl Field for Dd {
    fn constant(_: f64, hi_prec: Dd) -> Dd {
        hi_prec
    }
    fn from_f64(x: f64) -> Dd {
        Dd::from(x)
    }
    fn value(&self) -> f64 {
        Dd::value(*self)
    }
    fn finite_probe(&self) -> f64 {
        probe(self.hi) + probe(self.lo)
    }
    type Base = Dd;
    const TOLERANCE: f64 = DD_FACTOR;
    fn from_base(b: Dd) -> Dd {
        b
    }
    fn is_constant(&self) -> bool {
        true
    }
    fn as_integer(&self) -> Option<i64> {
        (self.hi.fract() == 0.0 && self.lo == 0.0 && self.hi.abs() < 1e9).then_some(self.hi as i64)
    }
    fn add(self, o: Dd) -> Dd {
        self.plus(o)
    }
    fn mul(self, o: Dd) -> Dd {
        self.times(o)
    }
    fn lost_precision(&self) -> f64 {
        // Below 2⁻⁹⁶⁸ the low part is subnormal: 1 / e^699 or e^-700 is only
        // as precise as an f64 (2⁻⁵³ relative, 2⁵¹ double-double roundings).
        let a = self.hi.abs();
        if a != 0.0 && a < TINY_HI {
            a * (1u64 << 51) as f64
        } else {
            0.0
        }
    }
    fn recip(self) -> Option<Dd> {
        (self.hi != 0.0).then(|| Dd::from(1.0).over(self))
    }
    fn exp(self) -> Dd {
        Dd::exp(self)
    }
    fn ln(self) -> Option<Dd> {
        Dd::ln(self)
    }
    fn sin(self) -> Dd {
        self.sin_cos().0
    }
    fn cos(self) -> Dd {
        self.sin_cos().1
    }
    fn tan(self) -> Option<Dd> {
        let (s, c) = self.sin_cos();
        (c.hi != 0.0).then(|| s.over(c))
    }
    fn tanh(self) -> Dd {
        Dd::tanh(self)
    }
    fn sigmoid(self) -> Dd {
        let one = Dd::from(1.0);
        if self.hi >= 0.0 {
            one.over(one.plus(self.negate().exp()))
        } else {
            let e = self.exp();
            e.over(one.plus(e))
        }
    }
    fn powi(self, n: i64) -> Option<Dd> {
        if self.hi == 0.0 && n < 0 {
            return None;
        }
        let mut base = self;
        let mut m = n.unsigned_abs();
        let mut acc = Dd::from(1.0);
        while m > 0 {
            if m & 1 == 1 {
                acc = acc.times(base);
            }
            base = base.times(base);
            m >>= 1;
        }
        if n < 0 {
            Some(Dd::from(1.0).over(acc))
        } else {
            Some(acc)
        }
    }
    fn powc(self, r: Dd) -> Option<Dd> {
        if self.hi > 0.0 {
            Some(r.times(self.ln()?).exp())
        } else if self.hi == 0.0 && r.hi > 0.0 {
            Some(Dd::from(0.0))
        } else {
            None
        }
    }
    fn with_eps(self, _: usize) -> Dd {
        self
    }
    fn extract(self, _: usize) -> Dd {
        Dd::from(0.0)
    }
}

/// `re + eps·ε` with ε² = 0; `T` carries the inner (later) slots.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Dual<T> {
    pub re: T,
    pub eps: T,
}

impl<T: Field> Dual<T> {
    fn real(re: T) -> Dual<T> {
        Dual {
            re,
            eps: T::from_f64(0.0),
        }
    }

    /// The chain rule: f(re + eps ε) = f(re) + f'(re)·eps ε. (Values that
    /// no derivative moves are not computed in duals at all; see the
    /// evaluator's `eval_node`.)
    fn chain(f: T, df: T, eps: T) -> Dual<T> {
        Dual {
            re: f,
            eps: df.mul(eps),
        }
    }
}

impl<T: Field> Field for Dual<T> {
    fn constant(lo_prec: f64, hi_prec: Dd) -> Self {
        Dual::real(T::constant(lo_prec, hi_prec))
    }
    fn from_f64(x: f64) -> Self {
        Dual::real(T::from_f64(x))
    }
    fn value(&self) -> f64 {
        self.re.value()
    }
    fn finite_probe(&self) -> f64 {
        self.re.finite_probe() + self.eps.finite_probe()
    }
    type Base = T::Base;
    const DUAL: bool = true;
    const TOLERANCE: f64 = T::TOLERANCE;
    fn from_base(b: T::Base) -> Self {
        Dual::real(T::from_base(b))
    }
    fn is_constant(&self) -> bool {
        self.re.is_constant() && self.eps.is_constant() && self.eps.value() == 0.0
    }
    fn as_integer(&self) -> Option<i64> {
        if self.is_constant() {
            self.re.as_integer()
        } else {
            None
        }
    }
    fn add(self, o: Self) -> Self {
        Dual {
            re: self.re.add(o.re),
            eps: self.eps.add(o.eps),
        }
    }
    fn mul(self, o: Self) -> Self {
        Dual {
            re: self.re.mul(o.re),
            eps: self.re.mul(o.eps).add(self.eps.mul(o.re)),
        }
    }
    fn recip(self) -> Option<Self> {
        let r = self.re.recip()?;
        Some(Dual::chain(r, r.mul(r).neg(), self.eps))
    }
    fn exp(self) -> Self {
        let e = self.re.exp();
        Dual::chain(e, e, self.eps)
    }
    fn ln(self) -> Option<Self> {
        Some(Dual::chain(self.re.ln()?, self.re.recip()?, self.eps))
    }
    fn sin(self) -> Self {
        Dual::chain(self.re.sin(), self.re.cos(), self.eps)
    }
    fn cos(self) -> Self {
        Dual::chain(self.re.cos(), self.re.sin().neg(), self.eps)
    }
    fn tan(self) -> Option<Self> {
        let t = self.re.tan()?;
        Some(Dual::chain(t, T::from_f64(1.0).add(t.mul(t)), self.eps))
    }
    fn tanh(self) -> Self {
        let t = self.re.tanh();
        Dual::chain(t, T::from_f64(1.0).add(t.mul(t).neg()), self.eps)
    }
    fn sigmoid(self) -> Self {
        let s = self.re.sigmoid();
        Dual::chain(s, s.mul(T::from_f64(1.0).add(s.neg())), self.eps)
    }
    fn powi(self, n: i64) -> Option<Self> {
        if n == 0 {
            return Some(Dual::from_f64(1.0));
        }
        let f = self.re.powi(n)?;
        let df = self.re.powi(n - 1)?.mul(T::from_f64(n as f64));
        Some(Dual::chain(f, df, self.eps))
    }
    fn powc(self, r: Self) -> Option<Self> {
        let f = self.re.powc(r.re)?;
        let df = self.re.powc(r.re.add(T::from_f64(-1.0)))?.mul(r.re);
        Some(Dual::chain(f, df, self.eps))
    }
    fn with_eps(self, slot: usize) -> Self {
        if slot == 0 {
            Dual {
                re: self.re,
                eps: self.eps.add(T::from_f64(1.0)),
            }
        } else {
            Dual {
                re: self.re.with_eps(slot - 1),
                eps: self.eps,
            }
        }
    }
    fn lost_precision(&self) -> f64 {
        self.re.lost_precision()
    }
    fn extract(self, slot: usize) -> Self {
        if slot == 0 {
            Dual::real(self.eps)
        } else {
            Dual {
                re: self.re.extract(slot - 1),
                eps: self.eps.extract(slot - 1),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dual_derivative_of_cube() {
        // d/dx x^3 at 2 is 12; d²/dx² is 12 as well (6x).
        let x = Dual::<f64>::from_f64(2.0).with_eps(0);
        let y = x.powi(3).unwrap();
        assert_eq!(y.extract(0).value(), 12.0);
        let x2 = Dual::<Dual<f64>>::from_f64(2.0).with_eps(0).with_eps(1);
        let y2 = x2.mul(x2).mul(x2);
        assert_eq!(y2.extract(1).extract(0).value(), 12.0);
    }

    #[test]
    fn partial_operations_are_undefined_not_panics() {
        assert!(Field::ln(0.0f64).is_none());
        assert!(Field::recip(0.0f64).is_none());
        assert!(Field::powi(0.0f64, -1).is_none());
        assert!(Field::powc(-1.0f64, 0.5).is_none());
        assert_eq!(Field::powc(0.0f64, 0.5), Some(0.0));
        // sqrt has an infinite slope at 0: its dual is undefined there.
        let x = Dual::<f64>::from_f64(0.0).with_eps(0);
        assert!(x.powc(Dual::from_f64(0.5)).is_none());
    }

    #[test]
    fn finite_probe_is_zero_exactly_when_every_component_is_finite() {
        for x in [0.0, -0.0, 1.5, -1e308, f64::MAX, f64::MIN_POSITIVE, 5e-324] {
            assert_eq!(x.finite_probe(), 0.0, "{x}");
            let d = Dual::<Dual<f64>>::from_f64(x).with_eps(1);
            assert_eq!(d.finite_probe(), 0.0, "{x}");
            assert_eq!(Dd::from(x).finite_probe(), 0.0, "{x}");
        }
        for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            assert!(bad.finite_probe().is_nan());
            assert!(Dd::from(bad).finite_probe().is_nan());
            // A bad component anywhere in a nested dual.
            let re = Dual {
                re: Dual { re: bad, eps: 1.0 },
                eps: Dual { re: 2.0, eps: 3.0 },
            };
            let deep = Dual {
                re: Dual { re: 1.0, eps: 0.0 },
                eps: Dual { re: 2.0, eps: bad },
            };
            assert!(re.finite_probe().is_nan() && deep.finite_probe().is_nan());
            assert!(Dual::<Dd>::from_f64(1.0)
                .mul(Dual::from_f64(bad))
                .finite_probe()
                .is_nan());
        }
    }

    #[test]
    fn sigmoid_is_stable_for_large_arguments() {
        assert_eq!(Field::sigmoid(1000.0f64), 1.0);
        assert_eq!(Field::sigmoid(-1000.0f64), 0.0);
        assert!(Field::sigmoid(-700.0f64) > 0.0);
    }

    #[test]
    fn low_part_underflows_below_tiny_hi() {
        assert_eq!(TINY_HI, 2f64.powi(-968));
        let tiny = Dd::from(1.0).over(Dd::from(1e300)).times(Dd::from(1e-5));
        assert!(tiny.lost_precision() > 0.0);
        assert_eq!(Dd::from(1e-290).lost_precision(), 0.0);
        assert_eq!(Dd::from(0.0).lost_precision(), 0.0);
    }

    #[test]
    fn powers() {
        assert_eq!(Dd::from(2.0).powi(10).unwrap().value(), 1024.0);
        assert!(Dd::from(0.0).powi(-2).is_none());
        let s = Dd::from(2.0).powc(Dd::from(0.5)).unwrap();
        assert!(s.times(s).minus(Dd::from(2.0)).value().abs() <= 2e-30);
    }
}
