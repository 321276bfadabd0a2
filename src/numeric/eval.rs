//! Evaluation of store nodes at a point, generic over the number type.
//!
//! A link is first compiled to a [`Plan`]: the nodes reachable from its two
//! sides, children first, with each node's free-index set (the index
//! variables its value depends on) and the variables it mentions. The
//! evaluator then walks the plan recursively:
//!
//! - sums are loops over the index's dimension (skipping `except`), deltas
//!   compare index values;
//! - a `Deriv` node perturbs one element of a variable by the infinitesimal of
//!   a new slot and reads that slot's coefficient off its body (forward mode,
//!   nested for nested derivatives; see `scalar`);
//! - sums, derivatives and shared nodes are memoized by their shape (the
//!   structure up to renaming of indices), the values of the indices they
//!   depend on, and the perturbations in force when they mention a
//!   perturbed variable: the softmax denominator inside `Σ_i` is computed
//!   once per sample, not once per `i`, and copies of a definition expanded
//!   with different index names share their values;
//! - every node visit costs one unit of an operation budget;
//! - alongside each value, a first-order bound on its accumulated rounding
//!   error, in units of the precision's rounding (see `compare`).
//!
//! Nothing here panics on bad input: undefined operations, out-of-range
//! indices and missing values all end the evaluation with [`Stop`].

use super::dd::{self, Dd};
use super::scalar::{Dual, Field, Valued};
use super::Point;
use crate::expr::{Constant, DimId, Func, Id, IndexId, Node, Store, Symbols, VarId};
use num_traits::ToPrimitive;
use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Why an evaluation ended without a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A side is undefined at this point (or not finite).
    Undefined,
    /// The operation budget ran out.
    Budget,
    /// Derivatives nest deeper than [`MAX_DERIV_DEPTH`].
    TooDeep,
    /// The value jumps where rounding cannot tell on which side the point
    /// is: `0^t` is 1 at t = 0, 0 above and undefined below, and `t` came
    /// out nonzero but within its own rounding-error bound of 0. The
    /// point decides nothing, and a link with such points is not
    /// verified (see `sample`).
    Indeterminate,
}

/// The deepest nesting of derivatives the evaluator instantiates a dual type
/// for (`Dual<Dual<Dual<Dual<_>>>>`).
pub(crate) const MAX_DERIV_DEPTH: usize = 4;

/// One compiled node; children are positions in [`Plan::nodes`].
///
/// `repr(u8)` gives the variant a tag byte of its own: otherwise it is
/// folded into a niche of a vector's capacity and every dispatch (one
/// per node visit) first decodes it in several instructions.
#[derive(Clone, Debug)]
#[repr(u8)]
enum Op {
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

#[derive(Clone, Debug)]
struct PlanNode {
    op: Op,
    /// The node's shape: nodes with equal shapes are equal up to renaming
    /// of indices (bound ones freely, free ones in `deps` order), so they
    /// share memo entries. Lowering gives every expansion of a definition
    /// fresh bound indices, so `h[j]` in one step and `h[k]` in the next
    /// are different nodes of one shape.
    shape: u32,
    /// The index variables the value depends on, in order of first
    /// occurrence (the order the shape's positions refer to).
    deps: Vec<IndexId>,
    /// Their dimensions, in the same order.
    dep_dims: Vec<DimId>,
    /// Bit `v % 64` for every variable `v` the node mentions. A collision
    /// only makes the node look dependent, which costs sharing, never
    /// correctness.
    vars: u64,
    memo: bool,
    /// A derivative is taken somewhere in the node.
    has_deriv: bool,
}

/// A link's nodes compiled for evaluation.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    nodes: Vec<PlanNode>,
    n_shapes: usize,
    /// Each memoized shape once, with a node of that shape: what the memo
    /// tables are laid out for at every point.
    memo_shapes: Vec<u32>,
    roots: Vec<u32>,
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

fn var_bit(v: VarId) -> u64 {
    1u64 << (v.0 % 64)
}

impl Plan {
    /// Compiles the nodes reachable from `roots`. Fails (with a message) only
    /// when a handle does not belong to `symbols`.
    pub fn new(store: &Store, symbols: &Symbols, roots: &[Id]) -> Result<Plan, String> {
        let n_store = store.len();
        // Reachable set, then ascending ids: children come before parents.
        // Position in the plan by store id (`UNSEEN` until reached): a
        // table over the store, which is cheaper than hashing every node.
        const UNSEEN: u32 = u32::MAX;
        let mut seen: Vec<u32> = vec![UNSEEN; n_store];
        let mut todo: Vec<Id> = roots.to_vec();
        let mut order: Vec<Id> = Vec::new();
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

        let mut nodes: Vec<PlanNode> = Vec::with_capacity(order.len());
        let mut parents = vec![0u32; order.len()];
        let mut depth = vec![0usize; order.len()];
        let mut vars: Vec<VarId> = Vec::new();
        let mut dims: Vec<DimId> = Vec::new();
        for (pos, id) in order.iter().enumerate() {
            let node = store.get(*id);
            for c in crate::expr::child_iter(node) {
                parents[local(&c) as usize] += 1;
            }
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
                            if b.value >= *id || b.indices.len() != idx.len() {
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
            // The free indices, and their dimensions, are `assign_shapes`'s:
            // each comes from a leaf, whose dimension is in `dims` already.
            nodes.push(PlanNode {
                op,
                shape: 0,
                deps: Vec::new(),
                dep_dims: Vec::new(),
                vars: mask,
                memo: false,
                has_deriv: depth[pos] > 0,
            });
        }
        let n_shapes = assign_shapes(&mut nodes, &order, symbols)?;
        let mut per_shape = vec![0u32; n_shapes];
        for node in &nodes {
            per_shape[node.shape as usize] += 1;
        }
        for (node, &p) in nodes.iter_mut().zip(&parents) {
            let leaf = matches!(
                node.op,
                Op::Const(..) | Op::Var { bound: None, .. } | Op::Delta(..)
            );
            let shared = p > 1 || per_shape[node.shape as usize] > 1;
            node.memo = matches!(node.op, Op::Sum { .. } | Op::Deriv { .. }) || (shared && !leaf);
        }
        let mut memo_shapes: Vec<u32> = Vec::new();
        let mut listed = vec![false; n_shapes];
        for (pos, node) in nodes.iter().enumerate() {
            if node.memo && !std::mem::replace(&mut listed[node.shape as usize], true) {
                memo_shapes.push(pos as u32);
            }
        }
        vars.sort_unstable();
        vars.dedup();
        dims.sort_unstable();
        dims.dedup();
        if let Some(d) = dims.iter().find(|d| d.0 as usize >= symbols.dims.len()) {
            return Err(format!("unknown dimension {}", d.0));
        }
        let roots: Vec<u32> = roots.iter().map(local).collect();
        let root_depth: Vec<usize> = roots.iter().map(|&r| depth[r as usize]).collect();
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
        let root_inexact: Vec<bool> = roots.iter().map(|&r| inexact_at[r as usize]).collect();
        Ok(Plan {
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

/// The memo tables' hasher: their keys are small integers, for which
/// SipHash is needlessly slow.
type Fx = BuildHasherDefault<rustc_hash::FxHasher>;

/// The flat, row-major position of an element, or `None` out of range.
fn flat_index(idx: &[IndexId], dims: &[DimId], env: &[usize], point: &Point) -> Option<usize> {
    let mut flat = 0usize;
    for (i, d) in idx.iter().zip(dims) {
        let v = *env.get(i.0 as usize)?;
        let n = *point.dims.get(d.0 as usize)?;
        if v >= n {
            return None;
        }
        flat = flat.checked_mul(n)?.checked_add(v)?;
    }
    Some(flat)
}

struct Evaluator<'p, T: Field> {
    plan: &'p Plan,
    point: &'p Point,
    /// The deepest nesting of derivatives `T` has slots for.
    depth: usize,
    env: Vec<usize>,
    /// The perturbations in force, by slot: (variable, flat element).
    stack: Vec<(VarId, usize)>,
    stack_mask: u64,
    ctx: u32,
    /// The id of each stack of perturbations met, by [`CtxKey`].
    ctxs: HashMap<CtxKey, u32, Fx>,
    /// Dense memo tables, one per context, created on first use (or taken
    /// from the thread's spares): a node's entries start at
    /// `dense_offset[node]` and are laid out row-major over its free
    /// indices' dimensions. Much faster than hashing.
    dense: Vec<Vec<Entry<T>>>,
    /// This evaluator's entries in `dense` carry this stamp; others are
    /// left over from earlier evaluators and empty.
    stamp: u64,
    dense_offset: Vec<u32>,
    dense_len: usize,
    /// Contexts with an id below this get dense tables; the rest hash, so
    /// that many derivative contexts cannot take much memory.
    dense_contexts: usize,
    /// Memo for nodes whose table would be too large.
    memo: HashMap<(u32, u32, u64), Valued<T>, Fx>,
    ops: u64,
    limit: u64,
    /// For a dual type: the evaluator in plain numbers of the nodes that
    /// no derivative in force moves (see [`Evaluator::eval_node`]).
    base: Option<Box<Evaluator<'p, T::Base>>>,
}

/// A dense memo table entry: a value, present only if `stamp` is the
/// evaluator's (see `Evaluator::stamp`).
#[derive(Clone, Copy)]
struct Entry<T> {
    stamp: u64,
    value: Valued<T>,
}

/// Dense memo tables that no evaluator is using, kept by each thread for
/// the next evaluator of the same number type. Allocating and clearing
/// an evaluator's tables (one per derivative context) was a good part of
/// evaluating at a point; stamps make clearing a spare unnecessary.
struct SpareTables<T>(Vec<Vec<Entry<T>>>);

/// A thread's spare tables, and the stamps that tell their entries apart.
struct Spares {
    /// The last stamp handed out (0: none; entries never written carry 0).
    last_stamp: u64,
    /// A `SpareTables<T>` for each number type `T` used.
    tables: Vec<Box<dyn Any>>,
}

thread_local! {
    static SPARES: RefCell<Spares> = const {
        RefCell::new(Spares {
            last_stamp: 0,
            tables: Vec::new(),
        })
    };
}

/// Spare tables are kept up to this many bytes per number type and thread.
const SPARE_BYTES: usize = 4 << 20;

/// A stamp no other evaluator on this thread has had, and the thread's
/// spare tables for `T` (none if it has none).
fn take_spare_tables<T: Field>() -> (u64, Vec<Vec<Entry<T>>>) {
    let taken = SPARES.try_with(|spares| {
        let mut spares = spares.try_borrow_mut().ok()?;
        spares.last_stamp += 1;
        let stamp = spares.last_stamp;
        let tables = spares
            .tables
            .iter_mut()
            .find_map(|b| b.downcast_mut::<SpareTables<T>>())
            .map(|kept| std::mem::take(&mut kept.0))
            .unwrap_or_default();
        Some((stamp, tables))
    });
    // Without the thread's spares, new tables: their entries carry 0.
    taken.ok().flatten().unwrap_or((1, Vec::new()))
}

/// Keeps `tables` (up to [`SPARE_BYTES`]) for the thread's next evaluator.
fn give_back_tables<T: Field>(mut tables: Vec<Vec<Entry<T>>>) {
    let mut bytes = 0usize;
    tables.retain(|t| {
        bytes = bytes.saturating_add(t.capacity() * std::mem::size_of::<Entry<T>>());
        bytes <= SPARE_BYTES
    });
    let _ = SPARES.try_with(|spares| {
        let Ok(mut spares) = spares.try_borrow_mut() else {
            return;
        };
        match spares
            .tables
            .iter_mut()
            .find_map(|b| b.downcast_mut::<SpareTables<T>>())
        {
            Some(kept) => kept.0 = tables,
            None => spares.tables.push(Box::new(SpareTables(tables))),
        }
    });
}

/// A stack of perturbations as a memo context's key: its length and its
/// entries (the rest zero). The stack is never deeper than
/// [`MAX_DERIV_DEPTH`] (`Evaluator::depth` bounds it), so a fixed array
/// holds it: a vector key was an allocation for every new context, and a
/// free when the evaluator was done.
type CtxKey = (usize, [(VarId, usize); MAX_DERIV_DEPTH]);

/// Where a node's value at the current indices is memoized.
#[derive(Clone, Copy)]
enum Slot {
    Dense(u32, usize),
    Hashed((u32, u32, u64)),
}

/// Memo tables larger than this (entries per context) use the hash map.
const DENSE_LIMIT: usize = 1 << 16;

/// The memory all dense memo tables of one evaluation may take.
const DENSE_BYTES: usize = 8 << 20;

impl<T: Field> Evaluator<'_, T> {
    fn slot(&self, node: &PlanNode) -> Option<Slot> {
        // A node that mentions no perturbed variable has the same value as
        // outside every derivative: share it.
        let ctx = if node.vars & self.stack_mask == 0 {
            0
        } else {
            self.ctx
        };
        let offset = self.dense_offset[node.shape as usize];
        if offset != u32::MAX && (ctx as usize) < self.dense_contexts {
            let mut pos = 0usize;
            for (i, d) in node.deps.iter().zip(&node.dep_dims) {
                let v = *self.env.get(i.0 as usize)?;
                let dim = *self.point.dims.get(d.0 as usize)?;
                if v >= dim {
                    return None;
                }
                pos = pos * dim + v;
            }
            return Some(Slot::Dense(ctx, offset as usize + pos));
        }
        if node.deps.len() > 6 {
            return None;
        }
        let mut packed = 0u64;
        for (k, i) in node.deps.iter().enumerate() {
            let v = *self.env.get(i.0 as usize)?;
            if v >= 1024 {
                return None;
            }
            packed |= (v as u64) << (10 * k);
        }
        Some(Slot::Hashed((node.shape, ctx, packed)))
    }

    fn recall(&self, slot: Slot) -> Option<Valued<T>> {
        match slot {
            Slot::Dense(ctx, pos) => {
                let e = self.dense.get(ctx as usize)?.get(pos)?;
                (e.stamp == self.stamp).then_some(e.value)
            }
            Slot::Hashed(k) => self.memo.get(&k).copied(),
        }
    }

    fn remember(&mut self, slot: Slot, v: Valued<T>) {
        match slot {
            Slot::Dense(ctx, pos) => {
                let ctx = ctx as usize;
                if self.dense.len() <= ctx {
                    self.dense.resize_with(ctx + 1, Vec::new);
                }
                let table = &mut self.dense[ctx];
                if table.len() < self.dense_len {
                    // New, or a spare laid out for fewer entries: replaced
                    // by an empty one rather than grown, which would copy
                    // its stale entries.
                    let empty = Entry {
                        stamp: 0,
                        value: (T::from_f64(0.0), 0.0),
                    };
                    *table = vec![empty; self.dense_len];
                }
                if let Some(e) = table.get_mut(pos) {
                    *e = Entry {
                        stamp: self.stamp,
                        value: v,
                    };
                }
            }
            Slot::Hashed(k) => {
                self.memo.insert(k, v);
            }
        }
    }

    /// The value of node `n` at the current indices and perturbations,
    /// with its rounding-error bound.
    ///
    /// Inlined into every caller, so that a leaf (a constant, or an element
    /// of a sampled variable: about a third of all visits) is evaluated
    /// right there, without a call of the large `eval_node`, whose prologue
    /// and epilogue cost more than the leaf itself. Leaves are never
    /// memoized (see `Plan::new`), so they skip nothing but the call.
    #[inline(always)]
    fn eval(&mut self, n: u32) -> Result<Valued<T>, Stop> {
        self.ops += 1;
        if self.ops > self.limit {
            return Err(Stop::Budget);
        }
        let plan = self.plan;
        let node = &plan.nodes[n as usize];
        match &node.op {
            Op::Const(f, d) => {
                let (v, e) = Self::constant(*f, *d);
                Self::checked(v, e)
            }
            Op::Var {
                var,
                idx,
                dims,
                bound: None,
            } => {
                let (v, e) = self.sampled(*var, idx, dims)?;
                Self::checked(v, e)
            }
            _ => self.eval_node(n, node),
        }
    }

    /// [`Self::eval`] of an inner node `n`: memoized, and checked.
    ///
    /// In a dual type, a node without derivatives that mentions no
    /// variable a derivative in force is taken by does not move: its value
    /// is a plain number, so it is computed in plain numbers, by `base`.
    /// Dual arithmetic would also compute slopes nothing needs, and lose
    /// the value where a slope does not exist (sqrt at 0: `0^sqrt(t) +
    /// d/dx x^2` at t = 0) or overflows. Only the plan's structure decides
    /// this, never a slope that happens to be 0: sqrt(x²) at x = 0 moves
    /// with x and has no derivative there.
    #[inline(never)]
    fn eval_node(&mut self, n: u32, node: &PlanNode) -> Result<Valued<T>, Stop> {
        if T::DUAL && !node.has_deriv && node.vars & self.stack_mask == 0 {
            return self.eval_in_base(n).map(|(v, e)| (T::from_base(v), e));
        }
        let slot = if node.memo { self.slot(node) } else { None };
        if let Some(slot) = slot {
            if let Some(v) = self.recall(slot) {
                return Ok(v);
            }
        }
        let (v, e) = Self::checked_parts(self.compute(&node.op)?)?;
        if let Some(slot) = slot {
            self.remember(slot, (v, e));
        }
        Ok((v, e))
    }

    /// Node `n` evaluated by the plain-number evaluator, at the current
    /// indices and within what is left of this evaluator's budget.
    fn eval_in_base(&mut self, n: u32) -> Result<Valued<T::Base>, Stop> {
        let (plan, point) = (self.plan, self.point);
        let base = self
            .base
            .get_or_insert_with(|| Box::new(Evaluator::new(plan, point, 0, 0)));
        // The indices bound by the sums around `n` are in this `env`.
        std::mem::swap(&mut base.env, &mut self.env);
        base.ops = 0;
        base.limit = self.limit.saturating_sub(self.ops);
        let r = base.eval(n);
        std::mem::swap(&mut base.env, &mut self.env);
        self.ops = self.ops.saturating_add(base.ops);
        r
    }

    /// A computed value with its bound, completed by what the number type
    /// lost, or `Undefined` when either is not finite.
    #[inline(always)]
    fn checked(v: T, e: f64) -> Result<Valued<T>, Stop> {
        let e = e + v.lost_precision();
        // One comparison for both (see `Field::finite_probe`).
        if (v.finite_probe() + e.finite_probe()) != 0.0 {
            return Err(Stop::Undefined);
        }
        Ok((v, e))
    }

    /// [`Self::checked`] of a pair.
    #[inline(always)]
    fn checked_parts((v, e): Valued<T>) -> Result<Valued<T>, Stop> {
        Self::checked(v, e)
    }

    /// A constant's value and bound.
    #[inline(always)]
    fn constant(f: f64, d: Dd) -> Valued<T> {
        let v = T::constant(f, d);
        (v, v.value().abs())
    }

    /// The element of sampled variable `var` at indices `idx` (of
    /// dimensions `dims`), perturbed by the derivatives in force.
    #[inline(always)]
    fn sampled(&self, var: VarId, idx: &[IndexId], dims: &[DimId]) -> Result<Valued<T>, Stop> {
        let flat = flat_index(idx, dims, &self.env, self.point).ok_or(Stop::Undefined)?;
        let x = *self
            .point
            .vars
            .get(var.0 as usize)
            .and_then(|vals| vals.get(flat))
            .ok_or(Stop::Undefined)?;
        Ok((self.perturbed(T::from_f64(x), var, flat), 0.0))
    }

    /// `t`, the value of element `flat` of `var`, plus the infinitesimal
    /// of every derivative in force by that element.
    #[inline(always)]
    fn perturbed(&self, mut t: T, var: VarId, flat: usize) -> T {
        for (slot, &(v, e)) in self.stack.iter().enumerate() {
            if v == var && e == flat {
                t = t.with_eps(slot);
            }
        }
        t
    }

    fn compute(&mut self, op: &Op) -> Result<Valued<T>, Stop> {
        use Stop::Undefined;
        Ok(match op {
            // `eval` takes leaves itself; these arms keep `compute` whole.
            Op::Const(f, d) => Self::constant(*f, *d),
            Op::Var {
                var,
                idx,
                dims,
                bound: None,
            } => self.sampled(*var, idx, dims)?,
            Op::Var {
                var,
                idx,
                dims,
                bound: Some((value, params)),
            } => {
                let flat = flat_index(idx, dims, &self.env, self.point).ok_or(Undefined)?;
                let (t, err) = self.bound_value(*var, idx, *value, params)?;
                (self.perturbed(t, *var, flat), err)
            }
            Op::Add(xs) => {
                let mut acc = T::from_f64(0.0);
                let mut err = 0.0;
                for &x in xs {
                    let (v, e) = self.eval(x)?;
                    acc = acc.add(v);
                    err += e + v.value().abs();
                }
                (acc, err)
            }
            Op::Mul(xs) => {
                let mut acc = T::from_f64(1.0);
                let mut err = 0.0;
                for &x in xs {
                    let (v, e) = self.eval(x)?;
                    err = err * v.value().abs() + acc.value().abs() * e;
                    let nonzero = acc.value() != 0.0 && v.value() != 0.0;
                    acc = acc.mul(v);
                    // Underflow to 0 (see `pow_int`).
                    if nonzero && acc.value() == 0.0 {
                        return Err(Undefined);
                    }
                }
                (acc, err + acc.value().abs())
            }
            Op::PowInt(b, n) => {
                let (bv, be) = self.eval(*b)?;
                self.pow_int(bv, be, *n)?
            }
            Op::Pow(b, x) => {
                let (bv, be) = self.eval(*b)?;
                let (xv, xe) = self.eval(*x)?;
                let x = xv.value();
                if bv.value() == 0.0 && x != 0.0 && x.abs() <= T::TOLERANCE * xe {
                    // 0^x jumps at x = 0; rounding must not pick a side. An
                    // exponent computed as exactly 0 is taken as 0 (0^0 =
                    // 1), as every other exact value is taken at its word.
                    return Err(Stop::Indeterminate);
                }
                if let Some(n) = xv.as_integer() {
                    self.pow_int(bv, be, n)?
                } else {
                    let v = if xv.is_constant() {
                        bv.powc(xv).ok_or(Undefined)?
                    } else if bv.value() > 0.0 {
                        xv.mul(bv.ln().ok_or(Undefined)?).exp()
                    } else {
                        return Err(Undefined);
                    };
                    let (b, x, a) = (bv.value(), xv.value(), v.value().abs());
                    let err = if b == 0.0 {
                        0.0
                    } else {
                        a * (x.abs() * be / b.abs() + b.abs().ln().abs() * xe)
                    };
                    (v, err + a)
                }
            }
            Op::Apply(f, a) => {
                let (av, ae) = self.eval(*a)?;
                let x = av.value();
                let v = match f {
                    Func::Exp => av.exp(),
                    Func::Log => av.ln().ok_or(Undefined)?,
                    Func::Sin => av.sin(),
                    Func::Cos => av.cos(),
                    Func::Tan => av.tan().ok_or(Undefined)?,
                    Func::Tanh => av.tanh(),
                    Func::Sigmoid => av.sigmoid(),
                };
                let y = v.value();
                // e^x and σ(x) are never 0: a 0 is an underflow (see
                // `pow_int`).
                if y == 0.0 && matches!(f, Func::Exp | Func::Sigmoid) {
                    return Err(Undefined);
                }
                // |f'(x)|: how the argument's error carries over.
                let slope = match f {
                    Func::Exp => y.abs(),
                    Func::Log => 1.0 / x.abs(),
                    Func::Sin | Func::Cos => 1.0,
                    Func::Tan => 1.0 + y * y,
                    Func::Tanh => 1.0 - y * y,
                    Func::Sigmoid => y * (1.0 - y),
                };
                (v, slope * ae + y.abs())
            }
            Op::Sum {
                index,
                except,
                body,
                dim,
            } => {
                let n = *self.point.dims.get(dim.0 as usize).ok_or(Undefined)?;
                let slot = index.0 as usize;
                if slot >= self.env.len() {
                    return Err(Undefined);
                }
                let skip = match except {
                    Some(j) => Some(*self.env.get(j.0 as usize).ok_or(Undefined)?),
                    None => None,
                };
                let saved = self.env[slot];
                let mut acc = T::from_f64(0.0);
                let mut err = 0.0;
                let mut result = Ok(());
                for i in (0..n).filter(|&i| Some(i) != skip) {
                    self.env[slot] = i;
                    match self.eval(*body) {
                        Ok((v, e)) => {
                            acc = acc.add(v);
                            err += e + v.value().abs();
                        }
                        Err(stop) => {
                            result = Err(stop);
                            break;
                        }
                    }
                }
                self.env[slot] = saved;
                result?;
                (acc, err)
            }
            Op::Delta(i, j) => {
                let a = self.env.get(i.0 as usize).ok_or(Undefined)?;
                let b = self.env.get(j.0 as usize).ok_or(Undefined)?;
                (T::from_f64(if a == b { 1.0 } else { 0.0 }), 0.0)
            }
            Op::Deriv {
                body,
                var,
                at,
                dims,
            } => {
                let flat = flat_index(at, dims, &self.env, self.point).ok_or(Undefined)?;
                let slot = self.stack.len();
                if slot >= self.depth {
                    return Err(Stop::TooDeep);
                }
                let (saved_ctx, saved_mask) = (self.ctx, self.stack_mask);
                self.stack.push((*var, flat));
                self.stack_mask |= var_bit(*var);
                self.ctx = self.context();
                let r = self.eval(*body);
                self.stack.pop();
                self.ctx = saved_ctx;
                self.stack_mask = saved_mask;
                let (bv, be) = r?;
                let v = bv.extract(slot);
                (v, be + v.value().abs())
            }
        })
    }

    /// A let-name's variable at `idx`: its value there. Within the body of
    /// the derivative by it, the variable is independent of what is
    /// perturbed inside (`∂/∂z2 ∂/∂x` holds z2 fixed while x moves), so the
    /// value sees only the perturbations from outside that derivative.
    fn bound_value(
        &mut self,
        var: VarId,
        idx: &[IndexId],
        value: u32,
        params: &[IndexId],
    ) -> Result<Valued<T>, Stop> {
        // Fixed arrays, not vectors: this runs at every visit of a
        // let-name's element, and lets are at most matrices.
        const MAX_RANK: usize = 4;
        if idx.len() > MAX_RANK || params.len() != idx.len() {
            return Err(Stop::Undefined);
        }
        let mut at = [0usize; MAX_RANK];
        for (k, i) in idx.iter().enumerate() {
            at[k] = *self.env.get(i.0 as usize).ok_or(Stop::Undefined)?;
        }
        let mut saved_env = [0usize; MAX_RANK];
        for (k, p) in params.iter().enumerate() {
            let slot = self.env.get_mut(p.0 as usize).ok_or(Stop::Undefined)?;
            saved_env[k] = *slot;
            *slot = at[k];
        }
        let outer = self
            .stack
            .iter()
            .position(|&(v, _)| v == var)
            .unwrap_or(self.stack.len());
        // Derivatives nest at most MAX_DERIV_DEPTH deep, so the inner
        // perturbations fit in a fixed array too.
        let mut inner = [(VarId(0), 0usize); MAX_DERIV_DEPTH];
        let n_inner = self.stack.len() - outer;
        if n_inner > MAX_DERIV_DEPTH {
            return Err(Stop::TooDeep);
        }
        inner[..n_inner].copy_from_slice(&self.stack[outer..]);
        self.stack.truncate(outer);
        let (saved_ctx, saved_mask) = (self.ctx, self.stack_mask);
        self.stack_mask = self.stack.iter().fold(0, |m, &(v, _)| m | var_bit(v));
        self.ctx = self.context();
        let r = self.eval(value);
        self.stack.extend_from_slice(&inner[..n_inner]);
        self.ctx = saved_ctx;
        self.stack_mask = saved_mask;
        for (k, p) in params.iter().enumerate() {
            self.env[p.0 as usize] = saved_env[k];
        }
        r
    }

    /// The memo context of the perturbations in force (0 for none).
    fn context(&mut self) -> u32 {
        if self.stack.is_empty() {
            return 0;
        }
        let mut key: CtxKey = (self.stack.len(), [(VarId(0), 0); MAX_DERIV_DEPTH]);
        for (k, &s) in key.1.iter_mut().zip(&self.stack) {
            *k = s;
        }
        let next = self.ctxs.len() as u32 + 1;
        *self.ctxs.entry(key).or_insert(next)
    }

    fn pow_int(&mut self, bv: T, be: f64, n: i64) -> Result<Valued<T>, Stop> {
        let v = bv.powi(n).ok_or(Stop::Undefined)?;
        // 0.29^1000 underflows to 0: a value the number type cannot hold
        // is no value, as an overflow to infinity is not.
        if v.value() == 0.0 && bv.value() != 0.0 {
            return Err(Stop::Undefined);
        }
        let slope = if n == 0 {
            0.0
        } else {
            (n as f64).abs()
                * bv.value()
                    .abs()
                    .powi(i32::try_from(n - 1).unwrap_or(i32::MAX))
        };
        let slope = if slope.is_finite() {
            slope
        } else {
            f64::INFINITY
        };
        let err = if be == 0.0 { 0.0 } else { slope * be };
        Ok((v, err + v.value().abs()))
    }
}

/// The values (real parts) of the plan's roots at `point`, in precision `B`,
/// each with its rounding-error bound. `limit` caps the node visits; `ops`
/// receives how many were made.
pub(crate) fn eval_roots<B: Field + RealPart<B>>(
    plan: &Plan,
    point: &Point,
    limit: u64,
    ops: &mut u64,
) -> Result<Vec<Valued<B>>, Stop> {
    match plan.depth() {
        0 => run::<B, B>(plan, point, limit, ops),
        1 => run::<Dual<B>, B>(plan, point, limit, ops),
        2 => run::<Dual<Dual<B>>, B>(plan, point, limit, ops),
        3 => run::<Dual<Dual<Dual<B>>>, B>(plan, point, limit, ops),
        4 => run::<Dual<Dual<Dual<Dual<B>>>>, B>(plan, point, limit, ops),
        _ => Err(Stop::TooDeep),
    }
}

/// Numbers whose real part is a `B`.
pub(crate) trait RealPart<B> {
    /// The innermost real part.
    fn real_part(self) -> B;
}
impl RealPart<f64> for f64 {
    fn real_part(self) -> f64 {
        self
    }
}
impl RealPart<Dd> for Dd {
    fn real_part(self) -> Dd {
        self
    }
}
impl<B, T: RealPart<B>> RealPart<B> for Dual<T> {
    fn real_part(self) -> B {
        self.re.real_part()
    }
}

impl<'p, T: Field> Evaluator<'p, T> {
    /// An evaluator with empty memo tables, laid out for `point`'s
    /// dimensions, for roots nesting derivatives at most `depth` deep.
    fn new(plan: &'p Plan, point: &'p Point, depth: usize, limit: u64) -> Self {
        let mut env = point.indices.clone();
        if env.len() < plan.n_indices {
            env.resize(plan.n_indices, 0);
        }
        let (stamp, dense) = take_spare_tables();
        // Lay out the dense memo tables for this point's dimensions.
        let mut dense_offset = vec![u32::MAX; plan.n_shapes];
        let mut dense_len = 0usize;
        for &n in &plan.memo_shapes {
            let node = &plan.nodes[n as usize];
            let offset = &mut dense_offset[node.shape as usize];
            let size = node.dep_dims.iter().try_fold(1usize, |acc, d| {
                acc.checked_mul(*point.dims.get(d.0 as usize)?)
            });
            if let Some(size) = size {
                if dense_len + size <= DENSE_LIMIT {
                    *offset = dense_len as u32;
                    dense_len += size;
                }
            }
        }
        Evaluator {
            plan,
            point,
            // No deeper than the context keys can hold (callers already
            // pass no more).
            depth: depth.min(MAX_DERIV_DEPTH),
            env,
            stack: Vec::new(),
            stack_mask: 0,
            ctx: 0,
            ctxs: HashMap::default(),
            dense,
            stamp,
            dense_offset,
            dense_len,
            // Sized by the entries' former type, which is what decided
            // which contexts memoize densely (and so the counts of node
            // visits) before tables were reused.
            dense_contexts: DENSE_BYTES
                / (dense_len.max(1) * std::mem::size_of::<Option<Valued<T>>>()),
            memo: HashMap::default(),
            ops: 0,
            limit,
            base: None,
        }
    }

    /// Hands this evaluator's memo tables (and its base's) to the next.
    fn finish(self) {
        if let Some(base) = self.base {
            base.finish();
        }
        give_back_tables(self.dense);
    }
}

fn run<T: Field + RealPart<B>, B>(
    plan: &Plan,
    point: &Point,
    limit: u64,
    ops: &mut u64,
) -> Result<Vec<Valued<B>>, Stop> {
    let mut ev = Evaluator::<T>::new(plan, point, plan.depth(), limit);
    let mut out = Vec::with_capacity(plan.roots.len());
    let mut result = Ok(());
    for &r in &plan.roots {
        match ev.eval(r) {
            Ok((v, e)) => out.push((v.real_part(), e)),
            Err(stop) => {
                result = Err(stop);
                break;
            }
        }
    }
    *ops += ev.ops;
    ev.finish();
    result.map(|()| out)
}

/// One root's value from [`eval_each`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct RootValue<B> {
    /// The real part and its rounding-error bound, or why there is none.
    pub value: Result<Valued<B>, Stop>,
    /// The node visits this root took beyond what earlier roots memoized.
    pub ops: u64,
}

/// The values of the plan's roots `which` (positions in its root list) at
/// `point`, in precision `B`, each on its own: one root's failure does not
/// stop the others. They share one evaluator and so its memo (the
/// network's forward pass is computed once for every side of a chain), of
/// the number type the deepest nesting among them needs: measured on the
/// example derivations, sharing the memo saves more than evaluating sides
/// without derivatives in plain numbers would. `limits[k]` caps the node
/// visits of `which[k]`.
pub(crate) fn eval_each<B: Field + RealPart<B>>(
    plan: &Plan,
    point: &Point,
    which: &[usize],
    limits: &[u64],
) -> Vec<RootValue<B>> {
    let depth_of = |k: usize| plan.root_depth.get(which[k]).copied();
    let mut out: Vec<RootValue<B>> = (0..which.len())
        .map(|k| RootValue {
            value: Err(match depth_of(k) {
                Some(d) if d > MAX_DERIV_DEPTH => Stop::TooDeep,
                _ => Stop::Undefined,
            }),
            ops: 0,
        })
        .collect();
    let ks: Vec<usize> = (0..which.len())
        .filter(|&k| depth_of(k).is_some_and(|d| d <= MAX_DERIV_DEPTH))
        .collect();
    let depth = ks.iter().filter_map(|&k| depth_of(k)).max().unwrap_or(0);
    let run = match depth {
        0 => each::<B, B>,
        1 => each::<Dual<B>, B>,
        2 => each::<Dual<Dual<B>>, B>,
        3 => each::<Dual<Dual<Dual<B>>>, B>,
        _ => each::<Dual<Dual<Dual<Dual<B>>>>, B>,
    };
    run(plan, point, depth, which, limits, &ks, &mut out);
    out
}

/// [`eval_each`] for the roots `ks` (positions in `which`), nesting at
/// most `depth` deep, with one evaluator of type `T`.
fn each<T: Field + RealPart<B>, B>(
    plan: &Plan,
    point: &Point,
    depth: usize,
    which: &[usize],
    limits: &[u64],
    ks: &[usize],
    out: &mut [RootValue<B>],
) {
    let mut ev = Evaluator::<T>::new(plan, point, depth, 0);
    for &k in ks {
        let Some(&root) = plan.roots.get(which[k]) else {
            continue;
        };
        ev.ops = 0;
        ev.limit = limits.get(k).copied().unwrap_or(0);
        let value = ev.eval(root).map(|(v, e)| (v.real_part(), e));
        out[k] = RootValue { value, ops: ev.ops };
    }
    ev.finish();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Domain;

    /// ∂/∂z[k] Σ_i exp(z[i])·z[i] / Σ_j exp(z[j]): memoized sums, in and
    /// out of a derivative's context.
    fn plan() -> Plan {
        let mut s = Store::default();
        let mut y = Symbols::default();
        let n = y.dim("n");
        let z = y.add_var("z", vec![n], Domain::Real);
        let (i, j, k) = (
            y.fresh_index("i", n),
            y.fresh_index("j", n),
            y.fresh_index("k", n),
        );
        let zi = s.add(Node::Var(z, vec![i]));
        let zj = s.add(Node::Var(z, vec![j]));
        let ei = s.apply(Func::Exp, zi);
        let ej = s.apply(Func::Exp, zj);
        let den = s.add(Node::Sum {
            index: j,
            except: None,
            body: ej,
        });
        let term = s.mul2(ei, zi);
        let q = s.div(term, den);
        let total = s.add(Node::Sum {
            index: i,
            except: None,
            body: q,
        });
        let d = s.add(Node::Deriv {
            body: total,
            var: z,
            at: vec![k],
        });
        Plan::new(&s, &y, &[d, total]).unwrap()
    }

    fn point(n: usize, shift: f64) -> Point {
        Point {
            dims: vec![n],
            indices: vec![0, 0, n - 1],
            vars: vec![(0..n).map(|x| x as f64 * 0.25 - shift).collect()],
        }
    }

    /// Values' bits and node visits.
    fn run_at(plan: &Plan, p: &Point) -> (Vec<(u64, u64)>, u64) {
        let mut ops = 0;
        let v = eval_roots::<f64>(plan, p, 1_000_000, &mut ops).unwrap();
        let bits = v.iter().map(|(x, e)| (x.to_bits(), e.to_bits())).collect();
        (bits, ops)
    }

    #[test]
    fn spare_tables_hold_nothing_for_the_next_evaluation() {
        let plan = plan();
        let points = [point(3, 0.5), point(5, -1.0), point(3, 2.0), point(4, 0.0)];
        // Each on a fresh thread, which has no spare tables...
        let fresh: Vec<_> = points
            .iter()
            .map(|p| std::thread::scope(|s| s.spawn(|| run_at(&plan, p)).join().unwrap()))
            .collect();
        // ...and all on this one, each reusing the tables of the last.
        for _ in 0..2 {
            for (p, want) in points.iter().zip(&fresh) {
                assert_eq!(&run_at(&plan, p), want);
            }
        }
    }
}
