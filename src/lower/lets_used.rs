//! Which lets a link's sides use, directly or through other lets and
//! definitions: the intermediates whose values a counterexample shows
//! (`where z1 = [0.5, -1.2], h = …`), so that a student sees the point in
//! the names the derivation is written in.

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
