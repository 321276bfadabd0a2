//! A link's nodes compiled for evaluation: the [`Plan`].
//!
//! A plan holds the nodes reachable from the link's sides, children first,
//! with each node's free-index set (the index variables its value depends
//! on), the variables it mentions, and its shape (its structure up to
//! renaming of indices), which is what the evaluator's memo is keyed by:
//! copies of a definition expanded with different index names share their
//! values. Which nodes are memoized (sums, derivatives, shared nodes) is
//! decided here too, from the plan's structure alone.

use super::dd::{self, Dd};
use super::memo::Fx;
use super::reverse::Tape;
use crate::expr::{Constant, DimId, Func, Id, IndexId, Node, Store, Symbols, VarId};
use num_traits::ToPrimitive;
use std::collections::HashMap;

/// One compiled node; children are positions in [`Plan::nodes`].
///
/// `repr(u8)` gives the variant a tag byte of its own: otherwise it is
/// folded into a niche of a vector's capacity and every dispatch (one
/// per node visit) first decodes it in several instructions.
#[derive(Clone, Debug)]
#[repr(u8)]
pub(super) enum Op {
    Const(f64, Dd),
    Var {
        var: VarId,
        idx: Vec<IndexId>,
        dims: Vec<DimId>,
        /// For a let-name's variable: its value's node and the value's own
        /// indices (see [`crate::expr::Binding`]).
        bound: Option<(u32, Vec<IndexId>)>,
    },
    Add(Vec<u32>),
    Mul(Vec<u32>),
    PowInt(u32, i64),
    Pow(u32, u32),
    Apply(Func, u32),
    Sum {
        index: IndexId,
        except: Option<IndexId>,
        body: u32,
        dim: DimId,
    },
    Delta(IndexId, IndexId),
    Deriv {
        body: u32,
        var: VarId,
        at: Vec<IndexId>,
        dims: Vec<DimId>,
    },
}

/// A compiled node and what the evaluator needs to know of it.
#[derive(Clone, Debug)]
pub(super) struct PlanNode {
    /// What the node computes.
    pub(super) op: Op,
    /// The node's shape: nodes with equal shapes are equal up to renaming
    /// of indices (bound ones freely, free ones in `deps` order), so they
    /// share memo entries. Lowering gives every expansion of a definition
    /// fresh bound indices, so `h[j]` in one step and `h[k]` in the next
    /// are different nodes of one shape.
    pub(super) shape: u32,
    /// The index variables the value depends on, in order of first
    /// occurrence (the order the shape's positions refer to).
    pub(super) deps: Vec<IndexId>,
    /// Their dimensions, in the same order.
    pub(super) dep_dims: Vec<DimId>,
    /// Bit `v % 64` for every variable `v` the node mentions. A collision
    /// only makes the node look dependent, which costs sharing, never
    /// correctness.
    pub(super) vars: u64,
    /// The node's values are memoized.
    pub(super) memo: bool,
    /// A derivative is taken somewhere in the node.
    pub(super) has_deriv: bool,
}

/// A link's nodes compiled for evaluation.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The nodes, children first.
    pub(super) nodes: Vec<PlanNode>,
    /// How many shapes the nodes have.
    pub(super) n_shapes: usize,
    /// Each memoized shape once, with a node of that shape: what the memo
    /// tables are laid out for at every point.
    pub(super) memo_shapes: Vec<u32>,
    /// The roots' positions in `nodes`.
    pub(super) roots: Vec<u32>,
    /// The deepest nesting of `Deriv` nodes in each root.
    pub root_depth: Vec<usize>,
    /// The variables mentioned, sorted.
    pub vars: Vec<VarId>,
    /// The dimensions used (by indices or variables), sorted.
    pub dims: Vec<DimId>,
    /// How many index variables `Symbols` has (the environment's size).
    pub n_indices: usize,
    /// For each root: some constant in it is not exactly an `f64` (like 1 +
    /// 10⁻¹⁷), so sides that agree exactly in `f64` may still differ.
    pub root_inexact: Vec<bool>,
    /// The bodies that several roots differentiate, each compiled for
    /// reverse sweeps that give all their derivatives at once (see
    /// `reverse`).
    pub(super) tapes: Vec<Tape>,
}

impl Plan {
    /// The deepest nesting of `Deriv` nodes over all roots.
    pub fn depth(&self) -> usize {
        self.root_depth.iter().copied().max().unwrap_or(0)
    }

    /// How many roots the plan was made for (a root's position in that
    /// list is how samplers name it).
    pub fn n_roots(&self) -> usize {
        self.roots.len()
    }

    /// Some root has a constant that is not exactly an `f64`.
    pub fn inexact(&self) -> bool {
        self.root_inexact.iter().any(|&b| b)
    }
}

/// A variable's bit in a node's `vars` mask.
pub(super) fn var_bit(v: VarId) -> u64 {
    1u64 << (v.0 % 64)
}

impl Plan {
    /// Compiles the nodes reachable from `roots`. Fails (with a message) only
    /// when a handle does not belong to `symbols`.
    pub fn new(store: &Store, symbols: &Symbols, roots: &[Id]) -> Result<Plan, String> {
        // Positions by store id in a table kept per thread: the entries a
        // plan touches are reset after it, so that a plan costs what it
        // reaches, not the size of the store (a file's false links each
        // build plans for their diagnosis).
        let mut seen = SEEN.with(|s| std::mem::take(&mut *s.borrow_mut()));
        if seen.len() < store.len() {
            seen.resize(store.len(), UNSEEN);
        }
        let mut order = Vec::new();
        let plan = Plan::build(store, symbols, roots, &mut seen, &mut order);
        for id in &order {
            seen[id.index()] = UNSEEN;
        }
        SEEN.with(|s| *s.borrow_mut() = seen);
        plan
    }

    /// [`Plan::new`] with the position table `seen` (all `UNSEEN`), which
    /// it fills for the nodes it puts in `order`.
    fn build(
        store: &Store,
        symbols: &Symbols,
        roots: &[Id],
        seen: &mut [u32],
        order: &mut Vec<Id>,
    ) -> Result<Plan, String> {
        reachable(store, symbols, roots, seen, order)?;
        let (order, seen) = (&*order, &*seen);
        let local = |id: &Id| seen[id.index()];
        let Compiled {
            mut nodes,
            parents,
            depth,
            mut vars,
            mut dims,
        } = compile(store, symbols, order, seen)?;
        let n_shapes = assign_shapes(&mut nodes, order, symbols)?;
        mark_memoized(&mut nodes, &parents, n_shapes);
        let memo_shapes = memo_shapes(&nodes, n_shapes);
        vars.sort_unstable();
        vars.dedup();
        dims.sort_unstable();
        dims.dedup();
        if let Some(d) = dims.iter().find(|d| d.0 as usize >= symbols.dims.len()) {
            return Err(format!("unknown dimension {}", d.0));
        }
        let roots: Vec<u32> = roots.iter().map(local).collect();
        let root_depth: Vec<usize> = roots.iter().map(|&r| depth[r as usize]).collect();
        let inexact_at = inexact_nodes(store, order, &nodes, seen);
        let root_inexact: Vec<bool> = roots.iter().map(|&r| inexact_at[r as usize]).collect();
        let tapes = tapes(&nodes, symbols, &roots);
        Ok(Plan {
            tapes,
            root_inexact,
            root_depth,
            nodes,
            n_shapes,
            memo_shapes,
            roots,
            vars,
            dims,
            n_indices: symbols.indices.len(),
        })
    }
}

/// The nodes reachable from `roots` (a let-name's variable reaches its
/// value) in ascending id order, so that children come before parents, and
/// each one's position in that order by store id.
fn reachable(
    store: &Store,
    symbols: &Symbols,
    roots: &[Id],
    seen: &mut [u32],
    order: &mut Vec<Id>,
) -> Result<(), String> {
    let n_store = store.len();
    // Reachable set, then ascending ids: children come before parents.
    // Position in the plan by store id (`UNSEEN` until reached): a
    // table over the store, which is cheaper than hashing every node.
    let mut todo: Vec<Id> = roots.to_vec();
    while let Some(id) = todo.pop() {
        if id.index() >= n_store {
            return Err(format!("node {id} is not in the store"));
        }
        if std::mem::replace(&mut seen[id.index()], 0) == UNSEEN {
            order.push(id);
            let node = store.get(id);
            todo.extend(crate::expr::child_iter(node));
            // A let-name's variable is evaluated through its value.
            if let Node::Var(v, _) = node {
                todo.extend(symbols.binding(*v).map(|b| b.value));
            }
        }
    }
    order.sort_unstable();
    for (pos, id) in order.iter().enumerate() {
        seen[id.index()] = pos as u32;
    }
    Ok(())
}

/// Not yet reached, in [`reachable`]'s table.
const UNSEEN: u32 = u32::MAX;

thread_local! {
    /// [`Plan::new`]'s position table, all `UNSEEN` between plans.
    static SEEN: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The nodes of a plan compiled one by one, children first, before their
/// shapes are known.
struct Compiled {
    nodes: Vec<PlanNode>,
    /// How many parents each node has.
    parents: Vec<u32>,
    /// The deepest nesting of `Deriv` nodes in each node.
    depth: Vec<usize>,
    /// The sampled variables mentioned (with repeats).
    vars: Vec<VarId>,
    /// The dimensions used (with repeats).
    dims: Vec<DimId>,
}

/// Compiles the nodes `order` (children first), whose positions by store
/// id are `seen`.
fn compile(
    store: &Store,
    symbols: &Symbols,
    order: &[Id],
    seen: &[u32],
) -> Result<Compiled, String> {
    let mut c = Compiled {
        nodes: Vec::with_capacity(order.len()),
        parents: vec![0u32; order.len()],
        depth: vec![0usize; order.len()],
        vars: Vec::new(),
        dims: Vec::new(),
    };
    for (pos, id) in order.iter().enumerate() {
        let node = store.get(*id);
        for ch in crate::expr::child_iter(node) {
            c.parents[seen[ch.index()] as usize] += 1;
        }
        let (op, mask) = c.op(store, symbols, seen, pos, *id)?;
        // The free indices, and their dimensions, are `assign_shapes`'s:
        // each comes from a leaf, whose dimension is in `dims` already.
        c.nodes.push(PlanNode {
            op,
            shape: 0,
            deps: Vec::new(),
            dep_dims: Vec::new(),
            vars: mask,
            memo: false,
            has_deriv: c.depth[pos] > 0,
        });
    }
    Ok(c)
}

impl Compiled {
    /// The operation of node `id`, at position `pos`, and the mask of the
    /// variables it mentions; records its depth and the sampled variables
    /// and dimensions it uses.
    fn op(
        &mut self,
        store: &Store,
        symbols: &Symbols,
        seen: &[u32],
        pos: usize,
        id: Id,
    ) -> Result<(Op, u64), String> {
        let Compiled {
            nodes,
            depth,
            vars,
            dims,
            ..
        } = self;
        let local = |id: &Id| seen[id.index()];
        let index_dim = |i: IndexId| -> Result<DimId, String> {
            symbols
                .indices
                .get(i.0 as usize)
                .map(|info| info.dim)
                .ok_or_else(|| format!("unknown index {}", i.0))
        };
        let var_dims = |v: VarId| -> Result<Vec<DimId>, String> {
            symbols
                .vars
                .get(v.0 as usize)
                .map(|info| info.dims.clone())
                .ok_or_else(|| format!("unknown variable {}", v.0))
        };

        let node = store.get(id);
        let child = |c: &Id| &nodes[local(c) as usize];
        let (op, mask) = match node {
            Node::Num(r) => {
                let f = r.to_f64().unwrap_or(f64::NAN);
                let d = dd::Dd::from_rational(r).unwrap_or(Dd::from(f64::NAN));
                (Op::Const(f, d), 0)
            }
            Node::Const(Constant::E) => (Op::Const(std::f64::consts::E, dd::E), 0),
            Node::Const(Constant::Pi) => (Op::Const(std::f64::consts::PI, dd::PI), 0),
            Node::Var(v, idx) => {
                let vd = var_dims(*v)?;
                if vd.len() != idx.len() {
                    return Err(format!(
                        "variable {} has {} dimensions but {} indices",
                        v.0,
                        vd.len(),
                        idx.len()
                    ));
                }
                dims.extend(&vd);
                for i in idx {
                    dims.push(index_dim(*i)?);
                }
                let mut mask = var_bit(*v);
                let bound = match symbols.binding(*v) {
                    None => {
                        vars.push(*v);
                        None
                    }
                    Some(b) => {
                        // Children come first: the value was lowered
                        // before the variable was made.
                        if b.value >= id || b.indices.len() != idx.len() {
                            return Err(format!("variable {} has a malformed binding", v.0));
                        }
                        let value = local(&b.value);
                        mask |= nodes[value as usize].vars;
                        depth[pos] = depth[value as usize];
                        Some((value, b.indices.clone()))
                    }
                };
                let op = Op::Var {
                    var: *v,
                    idx: idx.clone(),
                    dims: vd,
                    bound,
                };
                (op, mask)
            }
            Node::Add(xs) | Node::Mul(xs) => {
                let mut mask = 0;
                for x in xs {
                    mask |= child(x).vars;
                    depth[pos] = depth[pos].max(depth[local(x) as usize]);
                }
                let ids = xs.iter().map(local).collect();
                let op = if matches!(node, Node::Add(_)) {
                    Op::Add(ids)
                } else {
                    Op::Mul(ids)
                };
                (op, mask)
            }
            Node::Pow(b, e) => {
                let mask = child(b).vars | child(e).vars;
                depth[pos] = depth[local(b) as usize].max(depth[local(e) as usize]);
                let int_exp = match store.get(*e) {
                    Node::Num(r) if r.is_integer() => r.to_integer().to_i64(),
                    _ => None,
                };
                let op = match int_exp {
                    Some(n) => Op::PowInt(local(b), n),
                    None => Op::Pow(local(b), local(e)),
                };
                (op, mask)
            }
            Node::Apply(f, a) => {
                depth[pos] = depth[local(a) as usize];
                (Op::Apply(*f, local(a)), child(a).vars)
            }
            Node::Sum {
                index,
                except,
                body,
            } => {
                let dim = index_dim(*index)?;
                dims.push(dim);
                if let Some(j) = except {
                    dims.push(index_dim(*j)?);
                }
                depth[pos] = depth[local(body) as usize];
                let op = Op::Sum {
                    index: *index,
                    except: *except,
                    body: local(body),
                    dim,
                };
                (op, child(body).vars)
            }
            Node::Delta(i, j) => {
                dims.push(index_dim(*i)?);
                dims.push(index_dim(*j)?);
                (Op::Delta(*i, *j), 0)
            }
            Node::Deriv { body, var, at } => {
                let vd = var_dims(*var)?;
                if vd.len() != at.len() {
                    return Err(format!(
                        "derivative by variable {} with {} indices",
                        var.0,
                        at.len()
                    ));
                }
                if symbols.binding(*var).is_none() {
                    vars.push(*var);
                }
                dims.extend(&vd);
                for i in at {
                    dims.push(index_dim(*i)?);
                }
                depth[pos] = depth[local(body) as usize] + 1;
                let op = Op::Deriv {
                    body: local(body),
                    var: *var,
                    at: at.clone(),
                    dims: vd,
                };
                (op, child(body).vars | var_bit(*var))
            }
        };
        Ok((op, mask))
    }
}

/// The tapes of the bodies that two or more of the roots `roots`
/// differentiate by a sampled variable, where a reverse sweep can take
/// them (see `reverse`).
fn tapes(nodes: &[PlanNode], symbols: &Symbols, roots: &[u32]) -> Vec<Tape> {
    let mut by_body: HashMap<u32, Vec<usize>, Fx> = HashMap::default();
    for (r, &n) in roots.iter().enumerate() {
        if let Some(Op::Deriv { body, var, .. }) = nodes.get(n as usize).map(|n| &n.op) {
            let flat = nodes.get(*body as usize).is_some_and(|b| !b.has_deriv);
            if flat && symbols.binding(*var).is_none() {
                by_body.entry(*body).or_default().push(r);
            }
        }
    }
    let mut shared: Vec<(u32, Vec<usize>)> =
        by_body.into_iter().filter(|(_, r)| r.len() > 1).collect();
    shared.sort_unstable();
    shared
        .into_iter()
        .filter_map(|(body, roots)| Tape::new(nodes, body, roots))
        .collect()
}

/// Marks the nodes whose values are memoized: sums, derivatives, and
/// inner nodes that are shared (several parents, or a shape several nodes
/// have).
fn mark_memoized(nodes: &mut [PlanNode], parents: &[u32], n_shapes: usize) {
    let mut per_shape = vec![0u32; n_shapes];
    for node in nodes.iter() {
        per_shape[node.shape as usize] += 1;
    }
    for (node, &p) in nodes.iter_mut().zip(parents) {
        let leaf = matches!(
            node.op,
            Op::Const(..) | Op::Var { bound: None, .. } | Op::Delta(..)
        );
        let shared = p > 1 || per_shape[node.shape as usize] > 1;
        node.memo = matches!(node.op, Op::Sum { .. } | Op::Deriv { .. }) || (shared && !leaf);
    }
}

/// Each memoized shape once, with its first node.
fn memo_shapes(nodes: &[PlanNode], n_shapes: usize) -> Vec<u32> {
    let mut memo_shapes: Vec<u32> = Vec::new();
    let mut listed = vec![false; n_shapes];
    for (pos, node) in nodes.iter().enumerate() {
        if node.memo && !std::mem::replace(&mut listed[node.shape as usize], true) {
            memo_shapes.push(pos as u32);
        }
    }
    memo_shapes
}

/// For each node (positions in `order`, children first): some constant in
/// it is not exactly an `f64`.
fn inexact_nodes(store: &Store, order: &[Id], nodes: &[PlanNode], seen: &[u32]) -> Vec<bool> {
    let local = |id: &Id| seen[id.index()];
    // Children come first, so one pass carries inexactness upward.
    let mut inexact_at = vec![false; nodes.len()];
    for (pos, id) in order.iter().enumerate() {
        let via_binding = match &nodes[pos].op {
            Op::Const(_, d) => d.lo != 0.0,
            Op::Var {
                bound: Some((value, _)),
                ..
            } => inexact_at[*value as usize],
            _ => false,
        };
        inexact_at[pos] = via_binding
            || crate::expr::child_iter(store.get(*id)).any(|c| inexact_at[local(&c) as usize]);
    }
    inexact_at
}

/// Marks a child's free index that the parent binds.
const BOUND: u16 = u16::MAX;

/// The position of `i` in `free`, appending it if new.
fn position_in(free: &mut Vec<IndexId>, i: IndexId) -> Result<u16, String> {
    let p = match free.iter().position(|&f| f == i) {
        Some(p) => p,
        None => {
            free.push(i);
            free.len() - 1
        }
    };
    u16::try_from(p)
        .ok()
        .filter(|&p| p != BOUND)
        .ok_or_else(|| "too many free indices".to_string())
}

/// Kinds of node in a shape key (see [`assign_shapes`]).
mod kind {
    pub const LEAF: u32 = 0;
    pub const VAR: u32 = 1;
    pub const DELTA: u32 = 2;
    pub const INNER: u32 = 3;
    pub const SUM: u32 = 4;
    pub const DERIV: u32 = 5;
}

/// Computes every node's shape and its free indices in first-occurrence
/// order; returns how many shapes there are.
///
/// A shape is a node's structure with its index variables replaced by
/// positions in its free-index list (bound ones by [`BOUND`]), and the
/// dimensions of those free indices. Its key is written as one flat list
/// of numbers, every variable-length part preceded by its length so that
/// different structures never write the same list: one allocation per
/// node rather than one per child.
fn assign_shapes(nodes: &mut [PlanNode], order: &[Id], symbols: &Symbols) -> Result<usize, String> {
    let mut interned: HashMap<Vec<u32>, u32, Fx> =
        HashMap::with_capacity_and_hasher(nodes.len(), Fx::default());
    let mut free: Vec<IndexId> = Vec::new();
    for n in 0..nodes.len() {
        free.clear();
        let mut key: Vec<u32> = Vec::with_capacity(16);
        // A child's shape and where its free indices are among ours.
        let child = |c: u32,
                     free: &mut Vec<IndexId>,
                     key: &mut Vec<u32>,
                     bound: Option<IndexId>|
         -> Result<(), String> {
            let node: &PlanNode = &nodes[c as usize];
            key.push(node.shape);
            key.push(node.deps.len() as u32);
            for &i in &node.deps {
                let p = if Some(i) == bound {
                    BOUND
                } else {
                    position_in(free, i)?
                };
                key.push(u32::from(p));
            }
            Ok(())
        };
        let positions = |idx: &[IndexId], free: &mut Vec<IndexId>, key: &mut Vec<u32>| {
            key.push(idx.len() as u32);
            for &i in idx {
                key.push(u32::from(position_in(free, i)?));
            }
            Ok::<(), String>(())
        };
        match &nodes[n].op {
            Op::Const(..) => key.extend([kind::LEAF, order[n].0]),
            Op::Var { var, idx, .. } => {
                key.extend([kind::VAR, var.0]);
                positions(idx, &mut free, &mut key)?;
            }
            Op::Delta(i, j) => {
                key.push(kind::DELTA);
                positions(&[*i, *j], &mut free, &mut key)?;
            }
            Op::Add(xs) | Op::Mul(xs) => {
                let tag = u32::from(matches!(nodes[n].op, Op::Mul(_)));
                key.extend([kind::INNER, tag, 0, 0, xs.len() as u32]);
                for &x in xs {
                    child(x, &mut free, &mut key, None)?;
                }
            }
            Op::PowInt(b, k) => {
                // The exponent in two halves: low, then high bits.
                key.extend([kind::INNER, 2, *k as u32, (*k >> 32) as u32, 1]);
                child(*b, &mut free, &mut key, None)?;
            }
            Op::Pow(b, e) => {
                key.extend([kind::INNER, 3, 0, 0, 2]);
                child(*b, &mut free, &mut key, None)?;
                child(*e, &mut free, &mut key, None)?;
            }
            Op::Apply(f, a) => {
                let k = Func::ALL.iter().position(|g| g == f).unwrap_or(0) as u32;
                key.extend([kind::INNER, 4, k, 0, 1]);
                child(*a, &mut free, &mut key, None)?;
            }
            Op::Sum {
                index,
                except,
                body,
                dim,
            } => {
                key.extend([kind::SUM, dim.0]);
                child(*body, &mut free, &mut key, Some(*index))?;
                match except {
                    Some(j) => key.push(u32::from(position_in(&mut free, *j)?)),
                    None => key.push(u32::MAX),
                }
            }
            Op::Deriv { body, var, at, .. } => {
                key.extend([kind::DERIV, var.0]);
                child(*body, &mut free, &mut key, None)?;
                positions(at, &mut free, &mut key)?;
            }
        }
        let dims: Vec<DimId> = free.iter().map(|i| symbols.index_dim(*i)).collect();
        key.push(dims.len() as u32);
        key.extend(dims.iter().map(|d| d.0));
        let next = interned.len() as u32;
        let shape = *interned.entry(key).or_insert(next);
        let node = &mut nodes[n];
        node.shape = shape;
        node.deps = free.clone();
        node.dep_dims = dims;
    }
    Ok(interned.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Domain, Func};

    /// The position table is clean between plans, after a plan that
    /// failed too, so that the next plan of another store starts right.
    #[test]
    fn the_position_table_is_left_unseen() {
        let mut symbols = Symbols::default();
        let mut store = Store::new();
        let x = symbols.add_var("x", Vec::new(), Domain::Real);
        let vx = store.add(Node::Var(x, Vec::new()));
        let e = store.add(Node::Apply(Func::Exp, vx));
        let clean = || SEEN.with(|s| s.borrow().iter().all(|&p| p == UNSEEN));
        let plan = Plan::new(&store, &symbols, &[e, vx]);
        assert!(plan.is_ok_and(|p| p.nodes.len() == 2));
        assert!(clean());
        let stray = Id(store.len() as u32 + 5);
        assert!(Plan::new(&store, &symbols, &[e, stray]).is_err());
        assert!(clean());
        let again = Plan::new(&store, &symbols, &[e]).map(|p| p.roots);
        assert_eq!(again, Ok(vec![1]));
    }
}
