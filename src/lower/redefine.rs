//! A definition that bears a builtin function's name (`σ(t) := 1/(1 +
//! exp(-t))`, `tanh(t) := ...`). Courses define the functions they use, so
//! this is accepted: when the definition means the builtin, uses get the
//! builtin with its rules, silently; otherwise the file's definition wins
//! everywhere in the file, with a warning at it naming what it replaces.
//! Undecided (a budget reached) counts as different: the file's own
//! definition is then used, which is never wrong about the file.
//!
//! "Means the builtin" must include the domain. Equal canonical forms only
//! say "equal wherever both are defined", so for a builtin defined
//! everywhere (σ, exp, tanh, ...) they do mean the same function where the
//! file's is defined, and putting the builtin in its place can only check
//! a claim at more points, never fewer. For a builtin with a restricted
//! domain (`log`, `sqrt`, `tan`) it would narrow the file's function:
//! `sqrt(t) := exp(log(t)/2)` is undefined at 0 (where `sqrt(0) = 0` would
//! be proved of it), and a body defined for t < 0 with `log`'s canonical
//! form would verify a claim false only there. Such a definition means
//! the builtin only when its body is undefined wherever the builtin is:
//! when an operand it cannot do without is the builtin's own guard at the
//! variable (`log(t)`, `t^(1/2)`, `tan(t)`; see [`guarded`]). Then the
//! builtin can only be defined at more points, and a claim is checked at
//! more points, never fewer. Otherwise its own body is used, with a
//! warning.

use super::builtins::{builtin_defs, builtin_fn, BuiltinFn};
use super::env::{DefEntry, Env, Global};
use super::expand::Lowerer;
use crate::canon::{self, Budget, Outcome};
use crate::diag::Diagnostic;
use crate::expr::{Domain, Func, Id, Node, Rational, Store, Symbols};
use num_traits::{One, ToPrimitive, Zero};
use std::cell::Cell;
use std::collections::HashSet;

/// Decides, for each definition named like a builtin, whether it means the
/// builtin (marking it so), and returns a warning for each that does not.
pub(crate) fn decide(env: &Env<'_>, symbols: &Symbols) -> Vec<Diagnostic> {
    // Only the definitions: a file may declare millions of variables.
    let mut names: Vec<&str> = (env.globals.iter())
        .filter(|(_, g)| matches!(g, Global::Def(_)))
        .map(|(n, _)| *n)
        .collect();
    names.sort_unstable();
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
            // way, and said so only when it is another function. The
            // builtin itself means softmax: it is not compared with itself
            // (that copied every declared variable, issue #14).
            if !d.builtin && !means_softmax(env, symbols, d) {
                warnings.push(replaces(d, name));
            }
            continue;
        }
        let Some(b) = builtin_fn(name) else {
            continue;
        };
        let scalar = d.def.params.len() == 1 && d.def.result_indices.is_empty() && d.ranks == [0];
        let same = if scalar {
            means_builtin(env, symbols, d, b)
        } else {
            Same::No
        };
        match same {
            Same::Yes => d.same_as_builtin.set(true),
            Same::WhereBothDefined => warnings.push(replaces_because(
                d,
                name,
                "it equals the builtin wherever both are defined, but is not known to be defined exactly where the builtin is",
            )),
            Same::No => warnings.push(replaces(d, name)),
        }
    }
    warnings
}

/// The warning at a definition that replaces the builtin `name`.
fn replaces(d: &DefEntry<'_>, name: &str) -> Diagnostic {
    replaces_because(d, name, "it is not the same function")
}

/// The warning at a definition that replaces the builtin `name`, saying
/// `why` it is not taken for the builtin.
fn replaces_because(d: &DefEntry<'_>, name: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        d.def.name.span,
        format!("this definition replaces the builtin function `{name}` everywhere in this file: {why}"),
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
fn proved(lw: &mut Lowerer<'_>, a: Id, b: Id) -> bool {
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

/// How far a scalar definition named like a builtin means the builtin.
#[derive(Debug, PartialEq, Eq)]
enum Same {
    /// The same function, domain included: uses get the builtin.
    Yes,
    /// Equal canonical forms, but the builtin's domain is restricted and
    /// the file's may differ (see the module comment).
    WhereBothDefined,
    /// Another function, or not shown to be the same within the budget.
    No,
}

/// Whether the builtin `b` is defined for every real argument, so that a
/// body with its canonical form is defined nowhere it is not.
fn total(b: BuiltinFn) -> bool {
    match b {
        BuiltinFn::Sqrt => false,
        BuiltinFn::Func(f) => !matches!(f, Func::Log | Func::Tan),
    }
}

/// Whether `body` (the file's definition at the variable `x`) is the
/// builtin `b` (its node `builtin` at `x`), domain included.
fn same_function(lw: &mut Lowerer<'_>, b: BuiltinFn, x: Id, body: Id, builtin: Id) -> Same {
    if !proved(lw, body, builtin) {
        return Same::No;
    }
    if total(b) || guarded(&lw.store, b, x, body) {
        Same::Yes
    } else {
        Same::WhereBothDefined
    }
}

/// Whether `body` is undefined wherever the builtin `b` is undefined at
/// `x`: it contains the builtin's own guard (`log(x)` for `log`; `log(x)`
/// or `x` to a power of even denominator for `sqrt`; `tan(x)` for `tan`)
/// where an undefined value cannot be lost. Only sums, products, powers to
/// a nonzero constant and the functions that keep an undefined argument
/// undefined are looked through: `u^0` is 1 and `relu` of an undefined
/// value may be 0 in floating point, and a sum over an index or a
/// derivative may not evaluate its body where written.
fn guarded(store: &Store, b: BuiltinFn, x: Id, body: Id) -> bool {
    let mut seen = HashSet::new();
    let mut todo = vec![body];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        match store.get(id) {
            Node::Apply(f, a) => {
                let guard = matches!(
                    (b, f),
                    (BuiltinFn::Sqrt | BuiltinFn::Func(Func::Log), Func::Log)
                        | (BuiltinFn::Func(Func::Tan), Func::Tan)
                );
                if guard && *a == x {
                    return true;
                }
                if matches!(
                    f,
                    Func::Exp | Func::Log | Func::Sin | Func::Cos | Func::Tan | Func::Tanh
                ) {
                    todo.push(*a);
                }
            }
            Node::Add(ops) | Node::Mul(ops) => todo.extend(ops.iter().copied()),
            Node::Pow(base, e) => match constant(store, *e) {
                Some(r) if r.is_zero() => {}
                Some(r) => {
                    if b == BuiltinFn::Sqrt && *base == x && (r.denom() % 2u8).is_zero() {
                        return true;
                    }
                    todo.push(*base);
                }
                None => {}
            },
            _ => {}
        }
    }
    false
}

/// The value of a constant written with numbers, sums, products and
/// integer powers (`1/2` lowers to `1 · 2^-1`); `None` for anything else.
fn constant(store: &Store, id: Id) -> Option<Rational> {
    match store.get(id) {
        Node::Num(r) => Some(r.clone()),
        Node::Add(ops) => ops
            .iter()
            .try_fold(Rational::zero(), |acc, &o| Some(acc + constant(store, o)?)),
        Node::Mul(ops) => ops
            .iter()
            .try_fold(Rational::one(), |acc, &o| Some(acc * constant(store, o)?)),
        Node::Pow(base, e) => {
            let base = constant(store, *base)?;
            let e = constant(store, *e)?;
            if !e.is_integer() || (base.is_zero() && e <= Rational::zero()) {
                return None;
            }
            let k = e.to_integer().to_i32()?;
            if !(-64..=64).contains(&k) {
                return None;
            }
            Some(base.pow(k))
        }
        _ => None,
    }
}

/// Whether `d`'s body at a fresh variable is the builtin (see [`Same`]).
fn means_builtin(
    env: &Env<'_>,
    symbols: &Symbols,
    d: &super::env::DefEntry<'_>,
    b: BuiltinFn,
) -> Same {
    // A lowerer of its own: nothing of the comparison reaches the file's store.
    let mut symbols = symbols.clone();
    let t = symbols.add_var("t", Vec::new(), Domain::Real);
    let mut lw = Lowerer::new(env, symbols);
    let x = lw.store.add(Node::Var(t, Vec::new()));
    let Ok(body) = lw.lower_def_at(d, x) else {
        return Same::No;
    };
    let builtin = match b {
        BuiltinFn::Func(f) => lw.store.apply(f, x),
        BuiltinFn::Sqrt => {
            let half = lw.store.num(crate::expr::Rational::new(1.into(), 2.into()));
            lw.store.pow(x, half)
        }
    };
    same_function(&mut lw, b, x, body, builtin)
}

#[cfg(test)]
mod tests {
    use super::{proved, same_function, Same};
    use crate::expr::{Domain, Func, Node, Rational, Symbols};
    use crate::lower::builtins::BuiltinFn;
    use crate::lower::env::Env;
    use crate::lower::expand::Lowerer;

    #[test]
    fn equal_canonical_forms_make_a_partial_builtin_only_with_its_guard() {
        let env = Env::default();
        let mut symbols = Symbols::default();
        let t = symbols.add_var("t", Vec::new(), Domain::Real);
        let mut lw = Lowerer::new(&env, symbols);
        let x = lw.store.add(Node::Var(t, Vec::new()));
        let half = lw.store.num(Rational::new(1.into(), 2.into()));
        let sqrt = BuiltinFn::Sqrt;
        let builtin = lw.store.pow(x, half);
        // (t^3)^(1/6) has sqrt's canonical form (checked, so that the test
        // cannot pass for nothing) but no guard `t^(1/2)` or `log(t)`.
        let three = lw.store.int(3);
        let cube = lw.store.pow(x, three);
        let one = lw.store.int(1);
        let six = lw.store.int(6);
        let sixth = lw.store.div(one, six);
        let root = lw.store.pow(cube, sixth);
        assert!(proved(&mut lw, root, builtin));
        assert_eq!(
            same_function(&mut lw, sqrt, x, root, builtin),
            Same::WhereBothDefined
        );
        // exp(log(t)/2) is undefined wherever log(t) is, so wherever sqrt
        // is (and at 0 too): the builtin only widens it.
        let log = lw.store.apply(Func::Log, x);
        let halved = lw.store.mul2(half, log);
        let body = lw.store.apply(Func::Exp, halved);
        assert!(proved(&mut lw, body, builtin));
        assert_eq!(same_function(&mut lw, sqrt, x, body, builtin), Same::Yes);
        // ... but not once the guard is under a power 0, which is 1 even
        // of an undefined value.
        let zero = lw.store.int(0);
        let gone = lw.store.pow(log, zero);
        let hidden = lw.store.mul2(root, gone);
        assert!(proved(&mut lw, hidden, builtin));
        assert_eq!(
            same_function(&mut lw, sqrt, x, hidden, builtin),
            Same::WhereBothDefined
        );
        // log(t^2)/2, defined for t < 0 too, is never the builtin `log`.
        let two = lw.store.int(2);
        let sq = lw.store.pow(x, two);
        let log_sq = lw.store.apply(Func::Log, sq);
        let wide = lw.store.mul2(half, log_sq);
        assert_ne!(
            same_function(&mut lw, BuiltinFn::Func(Func::Log), x, wide, log),
            Same::Yes
        );
        // For a builtin defined everywhere, equal canonical forms are
        // enough: 1/(1 + e^(-t)) is σ wherever it is defined.
        let minus = lw.store.neg(x);
        let e = lw.store.apply(Func::Exp, minus);
        let den = lw.store.add2(one, e);
        let logistic = lw.store.div(one, den);
        let sigma = lw.store.apply(Func::Sigmoid, x);
        assert_eq!(
            same_function(&mut lw, BuiltinFn::Func(Func::Sigmoid), x, logistic, sigma),
            Same::Yes
        );
    }
}
