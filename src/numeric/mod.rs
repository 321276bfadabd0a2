//! The numeric witness: evaluation in f64, forward-mode derivatives, and
//! proptest-driven sampling with shrinking.

use crate::expr::{Id, IndexId, Store, Symbols};
use serde::Serialize;

/// How to sample a link.
#[derive(Clone, Debug)]
pub struct SampleConfig {
    /// How many defined samples make "holds" (default 256).
    pub samples: u32,
    /// The seed of the sampler's random generator.
    pub seed: u64,
}

/// A value shown in a counterexample.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SampleValue {
    /// A scalar.
    Scalar(f64),
    /// A vector, by index.
    Vector(Vec<f64>),
    /// A matrix, by rows.
    Matrix(Vec<Vec<f64>>),
}

/// A point where the two sides of a link differ, after shrinking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counterexample {
    /// Dimension values, e.g. `("n", 2)`.
    pub dims: Vec<(String, usize)>,
    /// Free index values (0-based), e.g. `("i", 1)`.
    pub indices: Vec<(String, usize)>,
    /// Values of the variables that occur in the link.
    pub values: Vec<(String, SampleValue)>,
    /// The left side's value there.
    pub lhs: f64,
    /// The right side's value there.
    pub rhs: f64,
}

/// What the numeric witness concluded about a link.
#[derive(Clone, Debug, PartialEq)]
pub enum NumericOutcome {
    /// No counterexample in `defined` samples (of `tried`).
    Holds {
        /// Samples where both sides were defined.
        defined: u32,
        /// Samples drawn.
        tried: u32,
    },
    /// A counterexample, shrunk.
    False(Box<Counterexample>),
    /// Too few samples where both sides are defined.
    Undefined {
        /// Samples where both sides were defined.
        defined: u32,
        /// Samples drawn.
        tried: u32,
    },
    /// A limit was reached; the message names it.
    Inconclusive(String),
}

/// Samples `lhs = rhs` at random dimensions, free-index values and variable
/// values in their domains.
pub fn check_link(
    store: &Store,
    symbols: &Symbols,
    lhs: Id,
    rhs: Id,
    free: &[IndexId],
    config: &SampleConfig,
) -> NumericOutcome {
    let _ = (store, symbols, lhs, rhs, free, config);
    NumericOutcome::Inconclusive("numeric engine not built yet".into())
}
