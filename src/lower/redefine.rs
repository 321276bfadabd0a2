//! A definition that bears a builtin function's name (`σ(t) := 1/(1 +
//! exp(-t))`, `tanh(t) := ...`). Courses define the functions they use, so
//! this is accepted: when the definition means the builtin (its body and
//! the builtin at a fresh variable have the same canonical form), uses get
//! the builtin with its rules, silently; otherwise the file's definition
//! wins everywhere in the file, with a warning at it naming what it
//! replaces. Undecided (a budget reached) counts as different: the file's
//! own definition is then used, which is never wrong about the file.

use super::builtins::{builtin_defs, builtin_fn, BuiltinFn};
use super::env::{DefEntry, Env, Global};
use super::expand::Lowerer;
use crate::canon::{self, Budget, Outcome};
use crate::diag::Diagnostic;
use crate::expr::{Domain, Node, Symbols};
use std::cell::Cell;

/// Decides, for each definition named like a builtin, whether it means the
/// builtin (marking it so), and returns a warning for each that does not.
pub(crate) fn decide(env: &Env<'_>, symbols: &Symbols) -> Vec<Diagnostic> {
    let mut names: Vec<&String> = env.globals.keys().collect();
    names.sort();
    let mut warnings = Vec::new();
    for name in names {
        let Some(Global::Def(d)) = env.get(name) else {
            continue;
        };
        if d.broken.get() {
            continue;
        }
        if name == "softmax" {
            // The builtin is a definition too: the file's is used either
            // way, and said so only when it is another function.
            if !means_softmax(env, symbols, d) {
                warnings.push(replaces(d, name));
            }
            continue;
        }
        let Some(b) = builtin_fn(name) else {
            continue;
        };
        let scalar = d.def.params.len() == 1 && d.def.result_indices.is_empty() && d.ranks == [0];
        if scalar && means_builtin(env, symbols, d, b) {
            d.same_as_builtin.set(true);
            continue;
        }
        warnings.push(replaces(d, name));
    }
    warnings
}

/// The warning at a definition that replaces the builtin `name`.
fn replaces(d: &DefEntry<'_>, name: &str) -> Diagnostic {
    Diagnostic::new(
        d.def.name.span,
        format!(
            "this definition replaces the builtin function `{name}` everywhere in this file: it is not the same function"
        ),
    )
    .with_help(format!(
        "to use the builtin, remove this definition; for a function of your own, give it another name, such as `my_{name}`"
    ))
}

/// Whether the file's `softmax(v)[i]` has the builtin's canonical form at
/// a fresh vector variable.
fn means_softmax(env: &Env<'_>, symbols: &Symbols, d: &DefEntry<'_>) -> bool {
    if d.def.params.len() != 1 || d.def.result_indices.len() != 1 || d.ranks != [1] {
        return false;
    }
    let Some((_, def)) = builtin_defs().iter().find(|(name, _)| name == "softmax") else {
        return false;
    };
    let builtin = DefEntry {
        def,
        ranks: vec![1],
        builtin: true,
        broken: Cell::new(false),
        same_as_builtin: Cell::new(false),
    };
    let mut symbols = symbols.clone();
    let n = symbols.dim("n");
    let v = symbols.add_var("v", vec![n], Domain::Real);
    let i = symbols.fresh_index("i", n);
    let mut lw = Lowerer::new(env, symbols);
    let (Ok(mine), Ok(theirs)) = (
        lw.lower_vector_def_at(d, v, i),
        lw.lower_vector_def_at(&builtin, v, i),
    ) else {
        return false;
    };
    proved(&mut lw, mine, theirs)
}

/// Whether `canon` proves `a = b`, within a node and work budget, so that
/// the decision never depends on the clock.
fn proved(lw: &mut Lowerer<'_>, a: crate::expr::Id, b: crate::expr::Id) -> bool {
    let budget = Budget {
        max_nodes: 50_000,
        ..Budget::default()
    };
    matches!(
        canon::prove_cached(
            &mut canon::Cache::new(),
            &mut lw.store,
            &mut lw.symbols,
            a,
            b,
            &budget,
        ),
        Outcome::Proved { .. }
    )
}

/// Whether `d`'s body at a fresh variable has the builtin's canonical form.
fn means_builtin(
    env: &Env<'_>,
    symbols: &Symbols,
    d: &super::env::DefEntry<'_>,
    b: BuiltinFn,
) -> bool {
    // A lowerer of its own: nothing of the comparison reaches the file's store.
    let mut symbols = symbols.clone();
    let t = symbols.add_var("t", Vec::new(), Domain::Real);
    let mut lw = Lowerer::new(env, symbols);
    let x = lw.store.add(Node::Var(t, Vec::new()));
    let Ok(body) = lw.lower_def_at(d, x) else {
        return false;
    };
    let builtin = match b {
        BuiltinFn::Func(f) => lw.store.apply(f, x),
        BuiltinFn::Sqrt => {
            let half = lw.store.num(crate::expr::Rational::new(1.into(), 2.into()));
            lw.store.pow(x, half)
        }
    };
    proved(&mut lw, body, builtin)
}
