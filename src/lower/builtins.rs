//! The builtins a file may use without declaring them: scalar functions,
//! the constants `e` and `pi`, and the definitions (`softmax`, `max`,
//! `logsumexp`, `diag`, `norm`, the hyperbolic and reciprocal trigonometric
//! functions, …).

use crate::expr::{Constant, Func};
use crate::syntax::ast::{map_item_spans, Def, Item};
use crate::syntax::span::Span;
use std::sync::OnceLock;

/// A builtin scalar function of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinFn {
    /// One of the store's functions.
    Func(Func),
    /// `sqrt(a)`, lowered to `a^(1/2)`.
    Sqrt,
}

/// The builtin scalar function called `name`, if any.
pub fn builtin_fn(name: &str) -> Option<BuiltinFn> {
    Some(match name {
        "exp" => BuiltinFn::Func(Func::Exp),
        "log" | "ln" => BuiltinFn::Func(Func::Log),
        "sin" => BuiltinFn::Func(Func::Sin),
        "cos" => BuiltinFn::Func(Func::Cos),
        "tan" => BuiltinFn::Func(Func::Tan),
        "tanh" => BuiltinFn::Func(Func::Tanh),
        "sigmoid" | "σ" => BuiltinFn::Func(Func::Sigmoid),
        "abs" => BuiltinFn::Func(Func::Abs),
        "sign" => BuiltinFn::Func(Func::Sign),
        "relu" => BuiltinFn::Func(Func::Relu),
        "step" => BuiltinFn::Func(Func::Step),
        "softplus" => BuiltinFn::Func(Func::Softplus),
        "sqrt" => BuiltinFn::Sqrt,
        _ => return None,
    })
}

/// The reserved constant called `name`, if any.
pub fn constant(name: &str) -> Option<Constant> {
    match name {
        "e" => Some(Constant::E),
        "pi" | "π" => Some(Constant::Pi),
        _ => None,
    }
}

/// The builtin definitions, written in the language itself so that each
/// expands exactly like a user's own (and a file that defines the same name
/// uses its own). Names in their bodies resolve to builtins only.
///
/// `max` and `min` go through `relu`, so that their kinks, derivatives and
/// `max(a, b) + min(a, b) = a + b` follow from relu's rules; `mean` counts
/// the entries with `v[k]^0`, which is 1 for every value (0 included) in
/// both witnesses, and `diag` gives its column index `j` the range of `v`
/// the same way.
const DEFS: &str = "\
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
max(a, b) := a + relu(b - a)
min(a, b) := a - relu(a - b)
logsumexp(v) := log(sum(j, exp(v[j])))
mean(v) := sum(i, v[i]) / sum(k, v[k]^0)
diag(v)[i, j] := v[i] delta(i, j) v[j]^0
tr(A) := sum(i, A[i, i])
norm(v) := sqrt(sum(i, v[i]^2))
sinh(t) := (exp(t) - exp(-t)) / 2
cosh(t) := (exp(t) + exp(-t)) / 2
sech(t) := 2 / (exp(t) + exp(-t))
csch(t) := 2 / (exp(t) - exp(-t))
coth(t) := (exp(t) + exp(-t)) / (exp(t) - exp(-t))
sec(t) := 1 / cos(t)
csc(t) := 1 / sin(t)
cot(t) := cos(t) / sin(t)
";

/// The identity matrix, when the file declares no `I` of its own: its size
/// comes from the square matrix it is added to or the value it multiplies,
/// and its entries are `δ(i, j)`.
pub const IDENTITY: &str = "I";

/// The name under which the row-wise softmax of a matrix is kept: not a
/// name a file can write, so no file can define or shadow it.
pub const SOFTMAX_ROWS: &str = "softmax·rows";

const ROWS: &str = "softmax(M)[i, j] := exp(M[i, j]) / sum(k, exp(M[i, k]))\n";

/// The name under which the norm of a scalar is kept (`‖x‖` of a number is
/// its absolute value, the Euclidean norm of a one-element vector), like
/// [`SOFTMAX_ROWS`] out of any file's reach.
pub const NORM_SCALAR: &str = "norm·scalar";

const SCALAR_NORM: &str = "norm(t) := sqrt(t^2)\n";

/// The builtin definitions with their names (the row-wise softmax under
/// [`SOFTMAX_ROWS`]); spans are empty, since no file's text holds them.
pub fn builtin_defs() -> &'static [(String, Def)] {
    static DEFS_PARSED: OnceLock<Vec<(String, Def)>> = OnceLock::new();
    DEFS_PARSED.get_or_init(|| {
        let parse = |text: &str| {
            crate::syntax::parser::parse_file(text)
                .items
                .into_iter()
                .filter_map(|mut item| {
                    map_item_spans(&mut item, &|_| Span::default());
                    match item {
                        Item::Def(d) => Some(d),
                        _ => None,
                    }
                })
                .collect::<Vec<_>>()
        };
        let mut out: Vec<(String, Def)> = parse(DEFS)
            .into_iter()
            .map(|d| (d.name.name.clone(), *d))
            .collect();
        out.extend(
            parse(ROWS)
                .into_iter()
                .map(|d| (SOFTMAX_ROWS.to_string(), *d)),
        );
        out.extend(
            parse(SCALAR_NORM)
                .into_iter()
                .map(|d| (NORM_SCALAR.to_string(), *d)),
        );
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_definition_parses() {
        let names: Vec<&str> = builtin_defs().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "softmax",
                "max",
                "min",
                "logsumexp",
                "mean",
                "diag",
                "tr",
                "norm",
                "sinh",
                "cosh",
                "sech",
                "csch",
                "coth",
                "sec",
                "csc",
                "cot",
                SOFTMAX_ROWS,
                NORM_SCALAR
            ]
        );
        let sm = &builtin_defs()[0].1;
        assert_eq!(sm.result_indices.len(), 1);
        assert_eq!(builtin_defs()[16].1.result_indices.len(), 2);
    }
}
