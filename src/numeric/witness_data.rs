//! What the numeric witness is given and what it answers: the plain data
//! of its interface (re-exported by `numeric`, which is where callers name
//! them). Apart from the functions that use them, so that the files doing
//! the work import these without importing `numeric`'s entry points.

/// How to sample a link.
#[derive(Clone, Debug)]
pub struct SampleConfig {
    /// How many defined samples make "holds" (default 256).
    pub samples: u32,
    /// The seed of the sampler's random generator.
    pub seed: u64,
}

/// A value shown in a counterexample (serialized as a JSON number, array,
/// or array of rows, by the JSON report).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum SampleValue {
    /// A scalar.
    Scalar(f64),
    /// A vector, by index.
    Vector(Vec<f64>),
    /// A matrix, by rows.
    Matrix(Vec<Vec<f64>>),
}

/// A point where the two sides of a link differ, after shrinking.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Counterexample {
    /// Dimension values, e.g. `("n", 2)`.
    pub dims: Vec<(String, usize)>,
    /// Free index values (0-based), e.g. `("i", 1)`.
    pub indices: Vec<(String, usize)>,
    /// Values of the variables that occur in the link.
    pub values: Vec<(String, SampleValue)>,
    /// Values there of the lets the link uses (`z1`, `h`, …), in file
    /// order: filled after sampling, from the variables' values, so that
    /// the point reads in the derivation's own names. Empty from the
    /// sampler.
    pub intermediates: Vec<(String, SampleValue)>,
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

/// Limits on the work spent on one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Node evaluations allowed while sampling (over all samples of the
    /// link, both precisions). Running out makes the link inconclusive.
    pub ops: u64,
    /// Node evaluations allowed while shrinking a counterexample. Running
    /// out ends shrinking with the smallest failing point found so far.
    pub shrink_ops: u64,
    /// How many samples whose sides agree in `f64` only up to rounding are
    /// re-checked in double-double precision. A claim off by a relative
    /// 1e-12 differs at almost every point, so a few re-checks find it; the
    /// cap keeps true identities (which also round differently) cheap.
    pub precise_rechecks: u32,
    /// The most shrinking steps.
    pub max_shrink_iters: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            ops: 20_000_000,
            shrink_ops: 5_000_000,
            precise_rechecks: 16,
            max_shrink_iters: 4096,
        }
    }
}

/// Values for every dimension, index and variable, for evaluating a node
/// outside the sampler (diagnosis, property tests).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Point {
    /// Dimension values, by `DimId`.
    pub dims: Vec<usize>,
    /// Index values (0-based), by `IndexId`; bound indices are overwritten
    /// by the sums that bind them.
    pub indices: Vec<usize>,
    /// Variable values, by `VarId`, each row-major by the variable's
    /// dimensions (one value for a scalar).
    pub vars: Vec<Vec<f64>>,
}

impl Point {
    #[cfg(test)]
    /// Every dimension `dim`, every index 0, every variable zero (sized for
    /// those dimensions, up to 2²⁴ values each): a starting point to fill in.
    pub fn zeros(symbols: &crate::expr::Symbols, dim: usize) -> Point {
        Point {
            dims: vec![dim; symbols.dims.len()],
            indices: vec![0; symbols.indices.len()],
            vars: symbols
                .vars
                .iter()
                .map(|v| {
                    let n = u32::try_from(v.dims.len())
                        .ok()
                        .and_then(|rank| dim.checked_pow(rank));
                    // An absurd size gets no values (evaluation then says
                    // undefined) rather than an abort on allocation.
                    vec![0.0; n.filter(|&n| n <= 1 << 24).unwrap_or(0)]
                })
                .collect(),
        }
    }
}
