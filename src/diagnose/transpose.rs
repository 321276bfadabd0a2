//! "a transpose is missing: X should be Xᵀ": one side equals the other
//! once one square matrix in it is read transposed (`2 X (X w − y)` for
//! the gradient `2 Xᵀ (X w − y)`). A non-square one is a shape error, which
//! the lowering reports with its fix.
//!
//! The candidate is a rewrite of the lowered side, `X[a, b]` → `X[b, a]` at
//! one occurrence, and it is said only when the numeric witness finds the
//! rewritten side equal to the other side at every point checked, as for
//! the other rules.

use super::Diagnoser;
use crate::expr::{children, with_children, Domain, Id, IndexId, Node, Store, Symbols, VarId};
use crate::lower::Written;
use std::collections::{HashMap, HashSet};

/// At most this many occurrences of matrices are tried per side.
const MAX_OCCURRENCES: usize = 16;

/// One occurrence of a square, non-symmetric matrix variable.
struct Occurrence {
    /// Its node, `X[a, b]`.
    node: Id,
    var: VarId,
    /// Whether its indices read as `Xᵀ` in the index form: the index the
    /// innermost enclosing sum contracts is its first (`Σ_k X[k, i] v[k]`),
    /// or, with none contracted, the free indices come in the other order.
    reads_transposed: bool,
}

impl Diagnoser<'_> {
    /// "a transpose is missing: X should be Xᵀ on the right side" (or one
    /// too many), when transposing one matrix occurrence on one side makes
    /// the sides agree; when that works on either side (a link between a
    /// wrong step and a right one), "the two sides differ by a transpose".
    /// `written` says how each side writes its variables, which decides
    /// the words when a side writes a matrix one way only.
    pub(super) fn by_transpose(
        &mut self,
        free: &[IndexId],
        written: &[Vec<Written>; 2],
    ) -> Option<String> {
        if self.work_left == 0 {
            return None;
        }
        let left = self.transpose_fix(0, free, written);
        let right = self.transpose_fix(1, free, written);
        let t = |name: &str, transposed: bool| {
            if transposed {
                format!("{name}ᵀ")
            } else {
                name.to_string()
            }
        };
        let alone = |(name, transposed): (String, bool), side: &str| {
            if transposed {
                format!("a transpose is one too many: {name}ᵀ should be {name} on the {side} side")
            } else {
                format!("a transpose is missing: {name} should be {name}ᵀ on the {side} side")
            }
        };
        match (left, right) {
            (Some((l, lt)), Some((r, rt))) if l == r => Some(format!(
                "the two sides differ by a transpose: {} on the left side, {} on the right",
                t(&l, lt),
                t(&r, rt)
            )),
            // The right side first: in a chain it is the step just written.
            (_, Some(fix)) => Some(alone(fix, "right")),
            (Some(fix), None) => Some(alone(fix, "left")),
            (None, None) => None,
        }
    }

    /// The first matrix occurrence on side `k` (0 left, 1 right) whose
    /// transpose makes that side agree with the other: the matrix's name,
    /// and whether the side has it transposed there.
    fn transpose_fix(
        &mut self,
        k: usize,
        free: &[IndexId],
        written: &[Vec<Written>; 2],
    ) -> Option<(String, bool)> {
        let side = if k == 0 { self.lhs } else { self.rhs };
        let mut found = Vec::new();
        occurrences(
            self.store,
            self.symbols,
            side,
            free,
            &mut Vec::new(),
            &mut found,
            &mut HashSet::new(),
        );
        for occ in found {
            let Node::Var(v, ix) = self.store.get(occ.node).clone() else {
                continue;
            };
            let swapped = self.store.add(Node::Var(v, vec![ix[1], ix[0]]));
            let rewritten = replace(self.store, side, occ.node, swapped, &mut HashMap::new());
            if rewritten == side || !self.agrees_with(rewritten, k == 1) {
                continue;
            }
            let name = self.symbols.var(occ.var).name.to_string();
            let transposed = match written[k].iter().find(|w| w.name == name) {
                Some(w) if w.plain != w.transposed => w.transposed,
                _ => occ.reads_transposed,
            };
            return Some((name, transposed));
        }
        None
    }
}

/// The occurrences of square, non-symmetric matrix variables in `id`, each
/// node once (in its first context), at most [`MAX_OCCURRENCES`]. `sums`
/// holds the indices of the enclosing sums, innermost last.
fn occurrences(
    store: &Store,
    symbols: &Symbols,
    id: Id,
    free: &[IndexId],
    sums: &mut Vec<IndexId>,
    out: &mut Vec<Occurrence>,
    seen: &mut HashSet<Id>,
) {
    if out.len() >= MAX_OCCURRENCES || !seen.insert(id) {
        return;
    }
    match store.get(id) {
        Node::Var(v, ix) => {
            let info = symbols.var(*v);
            let square = matches!(&info.dims[..], [r, c] if r == c);
            if !square || info.domain == Domain::Symmetric || ix.len() != 2 || ix[0] == ix[1] {
                return;
            }
            let (a, b) = (ix[0], ix[1]);
            let depth = |i: IndexId| sums.iter().rposition(|&s| s == i);
            let order = |i: IndexId| free.iter().position(|&f| f == i);
            let reads_transposed = match (depth(a), depth(b)) {
                (Some(da), Some(db)) => da > db,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => order(a) > order(b),
            };
            out.push(Occurrence {
                node: id,
                var: *v,
                reads_transposed,
            });
        }
        Node::Sum { index, body, .. } => {
            let (index, body) = (*index, *body);
            sums.push(index);
            occurrences(store, symbols, body, free, sums, out, seen);
            sums.pop();
        }
        node => {
            for c in children(node) {
                occurrences(store, symbols, c, free, sums, out, seen);
            }
        }
    }
}

/// `id` with the node `from` replaced by `to` wherever it occurs.
fn replace(store: &mut Store, id: Id, from: Id, to: Id, memo: &mut HashMap<Id, Id>) -> Id {
    if id == from {
        return to;
    }
    if let Some(&r) = memo.get(&id) {
        return r;
    }
    let node = store.get(id).clone();
    let kids = children(&node);
    let new: Vec<Id> = kids
        .iter()
        .map(|&c| replace(store, c, from, to, memo))
        .collect();
    let result = if new == kids {
        id
    } else {
        store.add(with_children(&node, &new))
    };
    memo.insert(id, result);
    result
}
