//! When two computed values count as equal.
//!
//! Each evaluated value carries `err`, a first-order bound on its
//! accumulated rounding error in units of one rounding (`ε`, 2⁻⁵³ for `f64`):
//! every operation adds the magnitude of its result, additions and sums add
//! the magnitudes of their terms (so cancellation is charged by the size of
//! what cancelled, not by the small result), products and functions carry
//! their operands' errors through the derivative. The two sides agree when
//!
//! ```text
//! |lhs - rhs| <= FACTOR · (err(lhs) + err(rhs))
//! ```
//!
//! with `FACTOR = 2⁻⁴⁰` in `f64` (about 8000 ε of headroom over the bound,
//! so libm's last-bit errors and second-order terms never matter) and
//! `2⁻⁸⁰` in double-double (ε ≈ 2⁻¹⁰⁴, the same kind of headroom). Since
//! `err >= |value|`, the tolerance is never tighter than about 1e-12 relative
//! in `f64`; a coefficient off by 1/1000 is a billion times outside it. A
//! difference inside the `f64` tolerance but not zero is re-checked in
//! double-double, where a claim wrong by a relative 1e-12 is twelve orders of
//! magnitude outside the tolerance; and an `f64` difference outside the
//! tolerance is confirmed in double-double before it is reported, so an
//! ill-conditioned point (a cancellation the bound underestimates) cannot
//! produce a false counterexample.
//!
//! The factors themselves are constants of `tolerance`.

use super::scalar::{Field, Valued};

/// Differences below this are never significant: near the bottom of the
/// `f64` range a double-double's low part underflows, and its relative
/// precision with it.
const TINY: f64 = 1e-280;

/// The coarsest tolerance that still tells values apart, relative to the
/// larger of them (and to 1, so that a sum that cancels to about 0 is judged
/// against the scale of its terms' rounding, not against 0): 2⁻¹⁶, so that a
/// coefficient off by 1/1000 is always outside it.
const RESOLUTION: f64 = 1.0 / (1u64 << 16) as f64;

/// How two values compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    /// Bit-for-bit equal.
    Equal,
    /// Different, but within the tolerance.
    Close,
    /// Within the tolerance, but the tolerance is too wide to tell the
    /// values apart: the rounding-error bound of a cancellation exceeds the
    /// values themselves (`10^30 ((x+1)^2 - x^2 - 2x - 1)` against 5). The
    /// point says nothing either way.
    Vague,
    /// Outside the tolerance.
    Differ,
}

/// Compares two values with their error bounds at the given `factor`.
pub(crate) fn compare<B: Field>(l: Valued<B>, r: Valued<B>, factor: f64) -> Cmp {
    compare_with_slack(l, r, factor, 0.0)
}

/// [`compare`] with an extra absolute allowance.
pub(crate) fn compare_with_slack<B: Field>(
    l: Valued<B>,
    r: Valued<B>,
    factor: f64,
    slack: f64,
) -> Cmp {
    let d = l.0.add(r.0.neg()).value().abs();
    let tolerance = factor * (l.1 + r.1) + slack + TINY;
    // Equal bits are no evidence either when the bound says the bits are
    // noise: (1 + 10^-20)^(10^20) rounds to 1 in f64.
    let informative = tolerance <= RESOLUTION * l.0.value().abs().max(r.0.value().abs()).max(1.0);
    if d > tolerance {
        Cmp::Differ
    } else if !informative {
        Cmp::Vague
    } else if d == 0.0 {
        Cmp::Equal
    } else {
        Cmp::Close
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::dd::Dd;
    use crate::numeric::tolerance::{DD_FACTOR, F64_FACTOR};

    #[test]
    fn relative_floor_and_cancellation_allowance() {
        // 1e-14 relative is rounding; 1e-3 is not.
        assert_eq!(
            compare((1.0, 1.0), (1.0 + 1e-14, 1.0), F64_FACTOR),
            Cmp::Close
        );
        assert_eq!(compare((1.0, 1.0), (1.001, 1.0), F64_FACTOR), Cmp::Differ);
        // A small result of a large cancellation gets the large terms' slack.
        assert_eq!(
            compare((1e-6, 1e6), (1e-6 + 1e-9, 1e6), F64_FACTOR),
            Cmp::Close
        );
        assert_eq!(compare((0.0, 0.0), (0.0, 0.0), F64_FACTOR), Cmp::Equal);
    }

    #[test]
    fn a_tolerance_wider_than_the_values_decides_nothing() {
        // 10^30 times a cancellation of terms about 4: the bound is 10^19.
        assert_eq!(compare((0.0, 4e30), (5.0, 1.0), F64_FACTOR), Cmp::Vague);
        assert_eq!(compare((4.4e14, 4e30), (0.0, 1.0), F64_FACTOR), Cmp::Vague);
        // The same in double-double, still far wider than 5.
        assert_eq!(compare((0.0, 4e30), (5.0, 1.0), DD_FACTOR), Cmp::Vague);
        // A cancellation to about 0 of terms about 1 is still resolved.
        assert_eq!(compare((1e-16, 3.0), (0.0, 0.0), F64_FACTOR), Cmp::Close);
    }

    #[test]
    fn double_double_sees_one_part_in_a_trillion() {
        let one = Dd::from(1.0);
        let off = one.plus(Dd::from(1e-12));
        assert_eq!(compare((one, 1.0), (off, 1.0), DD_FACTOR), Cmp::Differ);
        assert_eq!(
            compare((1.0, 1.0), (1.0 + 1e-12, 1.0), F64_FACTOR),
            Cmp::Close
        );
    }
}
