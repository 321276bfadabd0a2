//! The tolerance factors: how far two values may differ, per unit of their
//! rounding-error bounds, and still count as equal. How they are applied,
//! and why these sizes, is `compare`'s documentation; they live apart so
//! that the number types (whose `Field::TOLERANCE` they are) and the
//! comparison import them without importing each other.

/// 2⁻⁴⁰: the `f64` tolerance per unit of rounding-error bound.
pub(crate) const F64_FACTOR: f64 = 1.0 / (1u64 << 40) as f64;

/// 2⁻⁸⁰: the double-double tolerance per unit of rounding-error bound.
pub(crate) const DD_FACTOR: f64 = F64_FACTOR * F64_FACTOR;

/// 2⁻³⁸: the double-double allowance per unit of *measured* `f64` error.
///
/// The bound `err` is first-order and, for derivative values, a heuristic:
/// the chain rule can amplify rounding beyond it (in `d/dx cos(e^(2x))` the
/// argument's rounding is multiplied by the derivative of the outer
/// function). The same amplification applies in both precisions, so each
/// side's actual `f64` error — its distance from the double-double value —
/// times 2⁻⁵¹ (the ratio of the two precisions' rounding) estimates its
/// double-double error; 2⁻³⁸ leaves a factor of 8192 over that.
pub(crate) const DD_MEASURED_FACTOR: f64 = 1.0 / (1u64 << 38) as f64;
