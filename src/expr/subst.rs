//! Substitution in the store: a let-name variable by its value.
//!
//! Used by the symbolic engine once a derivative by a let-name has been
//! taken (see [`super::Binding`]); nothing here simplifies.

use super::{children, with_children, Id, IndexId, Node, Store, Symbols, VarId};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

#[cfg(test)]
/// `id` with every element `var[e]` replaced by the variable's bound value
/// at the indices `e`. A variable without a binding leaves `id` unchanged.
///
/// The value's own indices are renamed to the use's indices. No capture is
/// possible: lowering gives the value's bound indices fresh ids, so they
/// differ from every index at a use.
pub fn substitute_binding(store: &mut Store, symbols: &Symbols, id: Id, var: VarId) -> Id {
    substitute_binding_with(store, symbols, id, var, &mut SubstMemo::default())
}

/// What substitutions of one variable have learned about a store: both
/// tables are functions of store nodes and the variable's binding, so they
/// may be kept for later substitutions of the same variable in the same
/// store.
#[derive(Default)]
pub(crate) struct SubstMemo {
    /// Expression → the expression with the variable substituted.
    done: FxHashMap<Id, Id>,
    /// Whether an expression mentions the variable.
    mentions: FxHashMap<Id, bool>,
}

/// [`substitute_binding`] with `memo` from earlier substitutions of `var`
/// in the same store.
pub(crate) fn substitute_binding_with(
    store: &mut Store,
    symbols: &Symbols,
    id: Id,
    var: VarId,
    memo: &mut SubstMemo,
) -> Id {
    let Some(binding) = symbols.binding(var) else {
        return id;
    };
    let (params, value) = (binding.indices.clone(), binding.value);
    replace(
        store,
        id,
        var,
        &params,
        value,
        &mut memo.done,
        &mut memo.mentions,
    )
}

/// Whether `id` mentions `var` at all (any element, or a derivative by
/// it), `memo` kept per variable.
pub(crate) fn mentions_var(
    store: &Store,
    id: Id,
    var: VarId,
    memo: &mut FxHashMap<Id, bool>,
) -> bool {
    crate::expr::any_node(store, id, memo, &|_, node| match node {
        Node::Var(v, _) => Some(*v == var),
        Node::Deriv { var: v, .. } if *v == var => Some(true),
        _ => None,
    })
}

fn replace(
    store: &mut Store,
    id: Id,
    var: VarId,
    params: &[IndexId],
    value: Id,
    memo: &mut FxHashMap<Id, Id>,
    mentions: &mut FxHashMap<Id, bool>,
) -> Id {
    if !mentions_var(store, id, var, mentions) {
        return id;
    }
    if let Some(&r) = memo.get(&id) {
        return r;
    }
    let node = store.get(id).clone();
    let r = match node {
        Node::Var(v, ix) if v == var => {
            let map: HashMap<IndexId, IndexId> = params.iter().copied().zip(ix).collect();
            rename_indices(store, value, &map)
        }
        other => {
            let kids: Vec<Id> = children(&other)
                .into_iter()
                .map(|c| replace(store, c, var, params, value, memo, mentions))
                .collect();
            store.add(with_children(&other, &kids))
        }
    };
    memo.insert(id, r);
    r
}

/// `id` with the free indices in `map` renamed, simultaneously. Sums whose
/// bound index is a key keep it bound.
pub fn rename_indices(store: &mut Store, id: Id, map: &HashMap<IndexId, IndexId>) -> Id {
    if map.iter().all(|(a, b)| a == b) {
        return id;
    }
    let mut memo = FxHashMap::default();
    rename_in(store, id, map, &mut memo)
}

fn rename_in(
    store: &mut Store,
    id: Id,
    map: &HashMap<IndexId, IndexId>,
    memo: &mut FxHashMap<Id, Id>,
) -> Id {
    if let Some(&r) = memo.get(&id) {
        return r;
    }
    let f = |i: IndexId| *map.get(&i).unwrap_or(&i);
    let node = store.get(id).clone();
    let new = match node {
        Node::Num(_) | Node::Const(_) => return id,
        Node::Var(v, ix) => Node::Var(v, ix.into_iter().map(f).collect()),
        Node::Delta(a, b) => Node::Delta(f(a), f(b)),
        Node::Sum {
            index,
            except,
            body,
        } => {
            let body = if map.contains_key(&index) {
                let mut inner = map.clone();
                inner.remove(&index);
                rename_in(store, body, &inner, &mut FxHashMap::default())
            } else {
                rename_in(store, body, map, memo)
            };
            Node::Sum {
                index,
                except: except.map(f),
                body,
            }
        }
        Node::Deriv { body, var, at } => Node::Deriv {
            body: rename_in(store, body, map, memo),
            var,
            at: at.into_iter().map(f).collect(),
        },
        other => {
            let kids: Vec<Id> = children(&other)
                .into_iter()
                .map(|c| rename_in(store, c, map, memo))
                .collect();
            with_children(&other, &kids)
        }
    };
    let r = store.add(new);
    memo.insert(id, r);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Binding, Domain};

    #[test]
    fn a_bound_variable_becomes_its_value_at_the_use_indices() {
        let mut sym = Symbols::default();
        let n = sym.dim("n");
        let v = sym.add_var("v", vec![n], Domain::Real);
        let (i0, j, k) = (
            sym.fresh_index("i", n),
            sym.fresh_index("j", n),
            sym.fresh_index("k", n),
        );
        let mut store = Store::new();
        // z[i0] = Σ_k v[k] δ(k, i0) + v[i0]
        let vk = store.add(Node::Var(v, vec![k]));
        let d = store.add(Node::Delta(k, i0));
        let prod = store.add(Node::Mul(vec![vk, d]));
        let sum = store.add(Node::Sum {
            index: k,
            except: None,
            body: prod,
        });
        let vi = store.add(Node::Var(v, vec![i0]));
        let value = store.add(Node::Add(vec![sum, vi]));
        let z = sym.add_bound_var(
            "z",
            vec![n],
            Binding {
                indices: vec![i0],
                value,
            },
        );
        assert_eq!(
            sym.var_named("z"),
            None,
            "a let-name is not a declared variable"
        );
        // Σ_j z[j] → Σ_j (Σ_k v[k] δ(k, j) + v[j])
        let zj = store.add(Node::Var(z, vec![j]));
        let outer = store.add(Node::Sum {
            index: j,
            except: None,
            body: zj,
        });
        let got = substitute_binding(&mut store, &sym, outer, z);
        let dj = store.add(Node::Delta(k, j));
        let prod_j = store.add(Node::Mul(vec![vk, dj]));
        let sum_j = store.add(Node::Sum {
            index: k,
            except: None,
            body: prod_j,
        });
        let vj = store.add(Node::Var(v, vec![j]));
        let value_j = store.add(Node::Add(vec![sum_j, vj]));
        let want = store.add(Node::Sum {
            index: j,
            except: None,
            body: value_j,
        });
        assert_eq!(got, want);
        // A variable without a binding changes nothing.
        assert_eq!(substitute_binding(&mut store, &sym, outer, v), outer);
    }

    #[test]
    fn renaming_leaves_bound_indices_bound() {
        let mut sym = Symbols::default();
        let n = sym.dim("n");
        let v = sym.add_var("v", vec![n], Domain::Real);
        let (i, j, k) = (
            sym.fresh_index("i", n),
            sym.fresh_index("j", n),
            sym.fresh_index("k", n),
        );
        let mut store = Store::new();
        // Σ_{i≠j} v[i] v[j], with i ↦ k and j ↦ k: only the free j moves.
        let vi = store.add(Node::Var(v, vec![i]));
        let vj = store.add(Node::Var(v, vec![j]));
        let body = store.add(Node::Mul(vec![vi, vj]));
        let s = store.add(Node::Sum {
            index: i,
            except: Some(j),
            body,
        });
        let map: HashMap<IndexId, IndexId> = [(i, k), (j, k)].into_iter().collect();
        let got = rename_indices(&mut store, s, &map);
        let vk = store.add(Node::Var(v, vec![k]));
        let body_k = store.add(Node::Mul(vec![vi, vk]));
        let want = store.add(Node::Sum {
            index: i,
            except: Some(k),
            body: body_k,
        });
        assert_eq!(got, want);
    }
}
