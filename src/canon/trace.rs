//! The rule trace: which named rules the canonicalizer applied to a side.
//!
//! Each rule is data with a name for reports; a rule that holds only on part
//! of the domain names its side condition in its doc comment, and the code
//! that applies it checks that condition.

/// A named rewriting rule of the canonicalizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// `a·x + b·x = (a + b)·x`, and constants folded.
    CollectLikeTerms,
    /// `x^a · x^b = x^(a + b)` (only for exponents where both sides agree
    /// wherever the original is defined: rational exponents of one atom).
    CombinePowers,
    /// Products of sums multiplied out.
    Expand,
    /// `a/b + c/d` over one factored denominator.
    CommonDenominator,
    /// `f·g / f = g`: valid wherever the original is defined (f ≠ 0 there).
    CancelFactor,
    /// `exp(a + b) = exp(a)·exp(b)`.
    ExpOfSum,
    /// `exp(k·a) = exp(a)^k` for rational k.
    ExpOfMultiple,
    /// `exp(log(a)) = a` (where log(a) is defined, a > 0).
    ExpOfLog,
    /// `log(exp(a)) = a`.
    LogOfExp,
    /// `log(a·b / c) = log a + log b − log c`, only when every factor is known
    /// positive from the declared domains.
    LogOfProduct,
    /// `(a·b)^r = a^r·b^r` and `(a^k)^r = a^(k·r)` for non-integer r, only
    /// when the factors are known nonnegative (or k is odd).
    PowerOfProduct,
    /// `(a/b)^n`, `a^-n` with integer n: the power distributed exactly.
    IntegerPower,
    /// `σ(−a) = 1 − σ(a)`.
    SigmoidSymmetry,
    /// `f(−a) = −f(a)` for odd f (sin, tan, tanh), `cos(−a) = cos(a)`.
    Parity,
    /// `σ(a) = exp(a) / (1 + exp(a))` (the fallback when atoms don't meet).
    SigmoidToExp,
    /// `tanh(a) = (exp(2a) − 1) / (exp(2a) + 1)` (fallback form).
    TanhToExp,
    /// `tan(a) = sin(a) / cos(a)` (fallback form).
    TanToSinCos,
    /// `sin(a)^2 = 1 − cos(a)^2` (fallback form).
    Pythagoras,
    /// `sin(a + b)`, `cos(a + b)` and `sin(k·a)` by angle addition, exact
    /// values at multiples of π/4 and π/6 (fallback form; identities).
    AngleAddition,
    /// `δ(i, i) = 1`, `δ^k = δ`.
    DeltaSame,
    /// `Σ_i δ(i, k)·f(i) = f(k)`.
    DeltaContraction,
    /// `Σ_i (a + b) = Σ_i a + Σ_i b`.
    SumLinearity,
    /// `Σ_i c·f(i) = c·Σ_i f(i)` for c free of i.
    PullOutOfSum,
    /// `Σ_(i≠j) f(i) = Σ_i f(i) − f(j)`.
    SumExcept,
    /// `(Σ_i a_i)(Σ_j b_j) = Σ_i Σ_j a_i b_j` (bound indices kept apart).
    MergeSums,
    /// `Σ_i y[i] = 1` for y simplex or one-hot (a domain fact).
    SimplexSum,
    /// `y[i]^k = y[i]` for one-hot y and k > 0 (a domain fact).
    OnehotPower,
    /// Bound indices renamed canonically, nested sums ordered.
    RenameBound,
    /// `|a|² = a²`, `sqrt(a²) = |a|`, `relu(−a) = relu(a) − a`, `|a| = a`
    /// for a ≥ 0 and the like: the piecewise functions, valid everywhere.
    Piecewise,
    /// `softplus(a) = log(1 + exp(a))` (fallback form).
    SoftplusToLog,
    /// `A[j, i] = A[i, j]` for a symmetric A (a domain fact).
    Symmetric,
    /// `sin(u + k·π/2)`, `cos(u + k·π/2)` as ±sin u or ±cos u and
    /// `tan(u + k·π) = tan u`, for an exact integer k of any size.
    PiPeriod,
    /// `(c·m·P)^r = c^r·m^r·P^r` for a radicand with a positive constant
    /// factor c and a monomial factor m positive wherever it is defined (from
    /// the declared domains, or an even power), and a denominator factor
    /// known positive taken out likewise.
    RadicalFactor,
}

impl Rule {
    /// The rule's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::CollectLikeTerms => "collect like terms",
            Rule::CombinePowers => "combine powers of a base",
            Rule::Expand => "expand products",
            Rule::CommonDenominator => "common denominator",
            Rule::CancelFactor => "cancel common factor",
            Rule::ExpOfSum => "exp of a sum",
            Rule::ExpOfMultiple => "exp(k·a) = exp(a)^k",
            Rule::ExpOfLog => "exp(log(a)) = a",
            Rule::LogOfExp => "log(exp(a)) = a",
            Rule::LogOfProduct => "log of a product (factors positive)",
            Rule::PowerOfProduct => "power of a product (factors nonnegative)",
            Rule::IntegerPower => "integer power",
            Rule::SigmoidSymmetry => "σ(−a) = 1 − σ(a)",
            Rule::Parity => "odd/even function of −a",
            Rule::SigmoidToExp => "σ(a) = 1/(1 + exp(−a))",
            Rule::TanhToExp => "tanh in exp form",
            Rule::TanToSinCos => "tan = sin/cos",
            Rule::Pythagoras => "sin² = 1 − cos²",
            Rule::AngleAddition => "angle addition",
            Rule::DeltaSame => "δ(i, i) = 1",
            Rule::DeltaContraction => "delta contraction",
            Rule::SumLinearity => "sum linearity",
            Rule::PullOutOfSum => "factor pulled out of a sum",
            Rule::SumExcept => "sum(i != j) split",
            Rule::MergeSums => "product of sums merged",
            Rule::SimplexSum => "Σ y = 1 (y simplex/one-hot)",
            Rule::OnehotPower => "y^k = y (y one-hot)",
            Rule::RenameBound => "bound indices renamed",
            Rule::Piecewise => "piecewise function (|a|² = a², relu(−a) = relu(a) − a, …)",
            Rule::SoftplusToLog => "softplus(a) = log(1 + exp(a))",
            Rule::Symmetric => "Aᵀ = A (A symmetric)",
            Rule::PiPeriod => "sin/cos/tan of a multiple of π reduced",
            Rule::RadicalFactor => "positive factor out of a radical",
        }
    }

    /// Every rule, in trace order.
    pub const ALL: [Rule; 33] = [
        Rule::CollectLikeTerms,
        Rule::CombinePowers,
        Rule::Expand,
        Rule::CommonDenominator,
        Rule::CancelFactor,
        Rule::ExpOfSum,
        Rule::ExpOfMultiple,
        Rule::ExpOfLog,
        Rule::LogOfExp,
        Rule::LogOfProduct,
        Rule::PowerOfProduct,
        Rule::IntegerPower,
        Rule::SigmoidSymmetry,
        Rule::Parity,
        Rule::SigmoidToExp,
        Rule::TanhToExp,
        Rule::TanToSinCos,
        Rule::Pythagoras,
        Rule::AngleAddition,
        Rule::DeltaSame,
        Rule::DeltaContraction,
        Rule::SumLinearity,
        Rule::PullOutOfSum,
        Rule::SumExcept,
        Rule::MergeSums,
        Rule::SimplexSum,
        Rule::OnehotPower,
        Rule::RenameBound,
        Rule::Piecewise,
        Rule::SoftplusToLog,
        Rule::Symmetric,
        Rule::PiPeriod,
        Rule::RadicalFactor,
    ];

    pub(crate) fn bit(self) -> u64 {
        1u64 << (self as u32)
    }

    /// The rules in a bit set, in trace order.
    pub(crate) fn from_bits(bits: u64) -> Vec<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| bits & r.bit() != 0)
            .collect()
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The names of `rules`, each once, in order of first use: what a report
/// shows as the trace of a proof.
pub fn rule_names(rules: impl IntoIterator<Item = Rule>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for rule in rules {
        let name = rule.name().to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}
