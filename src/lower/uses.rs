//! What a link's sides use, as written: the lets, directly or through
//! other lets and definitions (the intermediates whose values a
//! counterexample shows, `where z1 = [0.5, -1.2], h = …`, so that a student
//! sees the point in the names the derivation is written in), and the
//! matrix variables with whether each is written transposed (so that a
//! diagnosis says "X should be Xᵀ" the right way round).

use super::env::{walk, Env, Global};
use crate::syntax::ast::{Expr, ExprKind};
use std::collections::HashSet;

/// A let a link uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetUse {
    /// The let's name.
    pub name: String,
    /// True when a side names it; false when only a let or definition the
    /// sides use does.
    pub direct: bool,
}

/// The lets `sides` use, in the file's order of lets, each once.
pub(crate) fn lets_used(env: &Env, sides: &[&Expr]) -> Vec<LetUse> {
    let mut direct: Vec<&str> = Vec::new();
    for side in sides {
        names_in(env, side, &mut direct);
    }
    let direct_set: HashSet<&str> = direct.iter().copied().collect();
    // Closure over let values and definition bodies; `seen` also holds the
    // definitions visited, so a recursive one (reported elsewhere) ends.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack = direct.clone();
    let mut found: Vec<(usize, &str)> = Vec::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        let body = match env.get(name) {
            Some(Global::Let(l)) => {
                found.push((l.position, name));
                &l.item.value
            }
            // A builtin's body names builtins only, whatever the file's
            // names are.
            Some(Global::Def(d)) if !d.builtin => &d.def.body,
            _ => continue,
        };
        let params: Vec<&str> = match env.get(name) {
            Some(Global::Def(d)) => d.def.params.iter().map(|p| p.name.as_str()).collect(),
            _ => Vec::new(),
        };
        let mut inner = Vec::new();
        names_in(env, body, &mut inner);
        stack.extend(inner.into_iter().filter(|n| !params.contains(n)));
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(_, name)| LetUse {
            name: name.to_string(),
            direct: direct_set.contains(name),
        })
        .collect()
}

/// The let and definition names `e` mentions (a name, a call, or the
/// variable of a derivative), each once, in order of appearance.
fn names_in<'e>(env: &Env, e: &'e Expr, out: &mut Vec<&'e str>) {
    walk(e, &mut |n| {
        let name = match &n.kind {
            ExprKind::Name(id) | ExprKind::Call { func: id, .. } => id.name.as_str(),
            ExprKind::Deriv { var, .. } => var.name.as_str(),
            _ => return,
        };
        if matches!(env.get(name), Some(Global::Let(_) | Global::Def(_))) && !out.contains(&name) {
            out.push(name);
        }
    });
}

/// How a side writes a variable: plain (`X`), transposed (`Xᵀ`), or both.
/// A name inside a transposed expression (`(X w − y)ᵀ`, `(2 X)ᵀ`) counts
/// as neither: whether it ends up transposed depends on the expression.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// The variable's name.
    pub name: String,
    /// Some occurrence is written plain, outside any transpose.
    pub plain: bool,
    /// Some occurrence is written transposed itself (`Xᵀ`).
    pub transposed: bool,
}

/// Where a name stands, for [`Written`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Under {
    Nothing,
    /// Directly under a transpose.
    Transpose,
    /// Inside a transposed expression.
    Transposed,
}

/// The declared variables `side` names, each once in order of appearance,
/// with how it writes them.
pub(crate) fn written(env: &Env, side: &Expr) -> Vec<Written> {
    let mut out: Vec<Written> = Vec::new();
    visit(env, side, Under::Nothing, &mut out);
    out
}

fn visit(env: &Env, e: &Expr, under: Under, out: &mut Vec<Written>) {
    match &e.kind {
        ExprKind::Name(id) => {
            if !matches!(env.get(&id.name), Some(Global::Var(_))) {
                return;
            }
            let at = match out.iter().position(|w| w.name == id.name) {
                Some(k) => k,
                None => {
                    out.push(Written {
                        name: id.name.clone(),
                        ..Written::default()
                    });
                    out.len() - 1
                }
            };
            match under {
                Under::Nothing => out[at].plain = true,
                Under::Transpose => out[at].transposed = true,
                Under::Transposed => {}
            }
        }
        ExprKind::Transpose(a) => {
            let inner = match (&a.kind, under) {
                (ExprKind::Name(_), Under::Nothing) => Under::Transpose,
                _ => Under::Transposed,
            };
            visit(env, a, inner, out)
        }
        ExprKind::Num(_) | ExprKind::Delta(..) => {}
        ExprKind::Call { args, .. } => args.iter().for_each(|a| visit(env, a, under, out)),
        ExprKind::Index { base, .. } => visit(env, base, under, out),
        ExprKind::Neg(a) => visit(env, a, under, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            visit(env, lhs, under, out);
            visit(env, rhs, under, out);
        }
        ExprKind::Sum { body, .. } | ExprKind::Deriv { body, .. } => visit(env, body, under, out),
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::{lower_file, Link};
    use crate::syntax::parse_file;
    use pretty_assertions::assert_eq;

    fn first_link(source: &str) -> Link {
        let lowered = lower_file(&parse_file(source));
        assert!(lowered.errors.is_empty(), "{:?}", lowered.errors);
        lowered.claims[0].links[0].clone().expect("the link lowers")
    }

    #[test]
    fn lets_are_found_through_other_lets_and_definitions_in_file_order() {
        let link = first_link(
            "x : vector[n]\nW : matrix[n, n]\ng(t) := t + u\n\
             let z = W x\nlet u = 2\nlet h = sigmoid(z)\nlet unused = 3\n\
             let L = Σ_i h[i]\n\
             claim c: ∂L/∂z = g(h)\n",
        );
        let got: Vec<(&str, bool)> = link
            .lets
            .iter()
            .map(|u| (u.name.as_str(), u.direct))
            .collect();
        // `u` only through g's body, `h` both named and through L.
        assert_eq!(got, [("z", true), ("u", false), ("h", true), ("L", true)]);
    }

    #[test]
    fn a_definition_parameter_named_like_a_let_is_not_the_let() {
        let link = first_link("x : real\nlet t = 1\nf(t) := t^2\nclaim c: f(x) = x^2\n");
        assert!(link.lets.is_empty(), "{:?}", link.lets);
    }

    #[test]
    fn how_each_side_writes_its_matrices() {
        let link = first_link(
            "X : matrix[n, n]\nw, y : vector[n]\nclaim c: 2 Xᵀ (X w - y) = (X w - y)ᵀ Xᵀ\n",
        );
        let x = |side: usize| {
            let w = link.written[side].iter().find(|w| w.name == "X").unwrap();
            (w.plain, w.transposed)
        };
        assert_eq!(x(0), (true, true));
        // Inside `(X w - y)ᵀ`, X is neither: the transpose is the vector's.
        assert_eq!(x(1), (false, true));
        let names: Vec<&str> = link.written[0].iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["X", "w", "y"]);
    }
}
