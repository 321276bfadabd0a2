//! The evaluator: a [`Plan`]'s nodes evaluated at a point, generic over
//! the number type. It walks the plan recursively:
//!
//! - sums are loops over the index's dimension (skipping `except`), deltas
//!   compare index values;
//! - a `Deriv` node perturbs one element of a variable by the infinitesimal of
//!   a new slot and reads that slot's coefficient off its body (forward mode,
//!   nested for nested derivatives; see `scalar`);
//! - sums, derivatives and shared nodes are memoized by their shape (the
//!   structure up to renaming of indices, see `plan`), the values of the
//!   indices they depend on, and the perturbations in force when they
//!   mention a perturbed variable: the softmax denominator inside `Σ_i` is
//!   computed once per sample, not once per `i`, and copies of a definition
//!   expanded with different index names share their values (the tables
//!   are `memo`'s);
//! - every node visit costs units of an operation budget by the size of
//!   its number type: one in plain numbers, 3^k in duals nested k deep
//!   (a dual's product is three of its parts'), so a fourth derivative
//!   spends the budget as fast as it spends time;
//! - alongside each value, a first-order bound on its accumulated rounding
//!   error, in units of the precision's rounding (see `compare`).
//!
//! Nothing here panics on bad input: undefined operations, out-of-range
//! indices and missing values all end the evaluation with [`Stop`].

use super::dd::Dd;
use super::memo::{give_back_tables, take_spare_tables, Entry, Fx, Slot, DENSE_BYTES, DENSE_LIMIT};
use super::plan::{var_bit, Op, Plan, PlanNode};
use super::scalar::{Field, Valued};
use super::witness_data::Point;
use crate::expr::{DimId, Func, IndexId, VarId};
use std::collections::HashMap;

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

/// The flat, row-major position of an element, or `None` out of range.
pub(super) fn flat_index(
    idx: &[IndexId],
    dims: &[DimId],
    env: &[usize],
    point: &Point,
) -> Option<usize> {
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

/// The state of evaluating one plan at one point in number type `T`.
pub(super) struct Evaluator<'p, T: Field> {
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
    /// Budget units spent so far (see `cost`).
    pub(super) ops: u64,
    /// Budget units allowed.
    pub(super) limit: u64,
    /// What one node visit costs: 3^depth.
    cost: u64,
    /// For a dual type: the evaluator in plain numbers of the nodes that
    /// no derivative in force moves (see [`Evaluator::eval_node`]).
    base: Option<Box<Evaluator<'p, T::Base>>>,
}

/// A stack of perturbations as a memo context's key: its length and its
/// entries (the rest zero). The stack is never deeper than
/// [`MAX_DERIV_DEPTH`] (`Evaluator::depth` bounds it), so a fixed array
/// holds it: a vector key was an allocation for every new context, and a
/// free when the evaluator was done.
type CtxKey = (usize, [(VarId, usize); MAX_DERIV_DEPTH]);

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
    pub(super) fn eval(&mut self, n: u32) -> Result<Valued<T>, Stop> {
        self.ops += self.cost;
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

    /// The value of inner node `op`: one arm per kind of node, the larger
    /// ones in methods of their own below.
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
            Op::Add(xs) => self.sum_of(xs)?,
            Op::Mul(xs) => self.product_of(xs)?,
            Op::PowInt(b, n) => {
                let (bv, be) = self.eval(*b)?;
                self.pow_int(bv, be, *n)?
            }
            Op::Pow(b, x) => self.power(*b, *x)?,
            Op::Apply(f, a) => self.apply(*f, *a)?,
            Op::Sum {
                index,
                except,
                body,
                dim,
            } => self.sum_over(*index, *except, *body, *dim)?,
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
            } => self.derivative(*body, *var, at, dims)?,
        })
    }

    // The pieces of `compute` are inlined into it, as they were written in
    // it before: one function, with its `eval` calls inlined, per number
    // type, rather than a call per node visit.

    /// The terms `xs` added, with their rounding-error bound.
    #[inline(always)]
    fn sum_of(&mut self, xs: &[u32]) -> Result<Valued<T>, Stop> {
        let mut acc = T::from_f64(0.0);
        let mut err = 0.0;
        for &x in xs {
            let (v, e) = self.eval(x)?;
            acc = acc.add(v);
            err += e + v.value().abs();
        }
        Ok((acc, err))
    }

    /// The factors `xs` multiplied.
    #[inline(always)]
    fn product_of(&mut self, xs: &[u32]) -> Result<Valued<T>, Stop> {
        use Stop::Undefined;
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
        Ok((acc, err + acc.value().abs()))
    }

    /// Node `b` to the power of node `x`.
    #[inline(always)]
    fn power(&mut self, b: u32, x: u32) -> Result<Valued<T>, Stop> {
        use Stop::Undefined;
        let (bv, be) = self.eval(b)?;
        let (xv, xe) = self.eval(x)?;
        let x = xv.value();
        if bv.value() == 0.0 && x != 0.0 && x.abs() <= T::TOLERANCE * xe {
            // 0^x jumps at x = 0; rounding must not pick a side. An
            // exponent computed as exactly 0 is taken as 0 (0^0 =
            // 1), as every other exact value is taken at its word.
            return Err(Stop::Indeterminate);
        }
        if let Some(n) = xv.as_integer() {
            self.pow_int(bv, be, n)
        } else {
            // A base that came out 0 only by rounding (be > 0) to a power
            // below 1: the true base may be anything up to its error, and
            // b^x moves faster than any first-order bound there
            // (sqrt(tanh(-92)/2 + 1/2) is sqrt(1e-80), not 0). The point
            // says nothing.
            if bv.value() == 0.0 && be > 0.0 && x < 1.0 {
                return Err(Undefined);
            }
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
            Ok((v, err + a))
        }
    }

    /// Function `f` of node `a`.
    #[inline(always)]
    fn apply(&mut self, f: Func, a: u32) -> Result<Valued<T>, Stop> {
        use Stop::Undefined;
        let (av, ae) = self.eval(a)?;
        let x = av.value();
        if f.has_kink() {
            return kinked(f, av, ae);
        }
        let v = match f {
            Func::Exp => av.exp(),
            Func::Log => av.ln().ok_or(Undefined)?,
            Func::Sin => av.sin(),
            Func::Cos => av.cos(),
            Func::Tan => av.tan().ok_or(Undefined)?,
            Func::Tanh => av.tanh(),
            Func::Sigmoid => av.sigmoid(),
            Func::Softplus => softplus(av).ok_or(Undefined)?,
            Func::Abs | Func::Sign | Func::Relu | Func::Step => return kinked(f, av, ae),
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
            // σ(x) ≤ 1.
            Func::Softplus => 1.0,
            Func::Abs | Func::Sign | Func::Relu | Func::Step => 0.0,
        };
        Ok((v, slope * ae + y.abs()))
    }

    /// The sum of `body` over `index` (in dimension `dim`), leaving out
    /// the value of index `except`.
    #[inline(always)]
    fn sum_over(
        &mut self,
        index: IndexId,
        except: Option<IndexId>,
        body: u32,
        dim: DimId,
    ) -> Result<Valued<T>, Stop> {
        use Stop::Undefined;
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
            match self.eval(body) {
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
        Ok((acc, err))
    }

    /// The derivative of `body` by element `at` of `var` (of dimensions
    /// `dims`), in the next slot.
    #[inline(always)]
    fn derivative(
        &mut self,
        body: u32,
        var: VarId,
        at: &[IndexId],
        dims: &[DimId],
    ) -> Result<Valued<T>, Stop> {
        use Stop::Undefined;
        let flat = flat_index(at, dims, &self.env, self.point).ok_or(Undefined)?;
        let slot = self.stack.len();
        if slot >= self.depth {
            return Err(Stop::TooDeep);
        }
        let (saved_ctx, saved_mask) = (self.ctx, self.stack_mask);
        self.stack.push((var, flat));
        self.stack_mask |= var_bit(var);
        self.ctx = self.context();
        let r = self.eval(body);
        self.stack.pop();
        self.ctx = saved_ctx;
        self.stack_mask = saved_mask;
        let (bv, be) = r?;
        let v = bv.extract(slot);
        Ok((v, be + v.value().abs()))
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

impl<'p, T: Field> Evaluator<'p, T> {
    /// An evaluator with empty memo tables, laid out for `point`'s
    /// dimensions, for roots nesting derivatives at most `depth` deep.
    pub(super) fn new(plan: &'p Plan, point: &'p Point, depth: usize, limit: u64) -> Self {
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
            cost: 3u64.pow(depth.min(MAX_DERIV_DEPTH) as u32),
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
    pub(super) fn finish(self) {
        if let Some(base) = self.base {
            base.finish();
        }
        give_back_tables(self.dense);
    }
}

/// `log(1 + e^a)`, without overflow: `a + log(1 + e^-a)` for a > 0.
fn softplus<T: Field>(a: T) -> Option<T> {
    let one = T::from_f64(1.0);
    if a.value() > 0.0 {
        Some(a.add(one.add(a.neg().exp()).ln()?))
    } else {
        one.add(a.exp()).ln()
    }
}

/// A function with a kink at 0 (|a|, sign, relu, step). Away from the kink
/// each is a piece of a smooth function, and forward mode differentiates
/// that piece. Where the argument is 0, or so close that its rounding error
/// could put it on the other side, the value of sign and step is not known,
/// and no function here has a derivative: a point where a derivative moves
/// the argument there is undefined, and so skipped, never judged.
fn kinked<T: Field>(f: Func, a: T, ae: f64) -> Result<Valued<T>, Stop> {
    let x = a.value();
    let near = x.abs() <= ae * T::TOLERANCE;
    let jumps = matches!(f, Func::Sign | Func::Step);
    if (near && (jumps || !a.is_constant())) || x.is_nan() {
        if x == 0.0 && ae == 0.0 && a.is_constant() {
            return Ok((T::from_f64(0.0), 0.0));
        }
        return Err(Stop::Undefined);
    }
    let pos = x > 0.0;
    let v = match f {
        Func::Abs if pos => a,
        Func::Abs => a.neg(),
        Func::Relu if pos => a,
        Func::Relu => T::from_f64(0.0),
        Func::Sign if pos => T::from_f64(1.0),
        Func::Sign => T::from_f64(-1.0),
        Func::Step if pos => T::from_f64(1.0),
        _ => T::from_f64(0.0),
    };
    // The pieces are a, −a, 0 and constants: the argument's error carries
    // over unchanged into |a| and relu(a), not at all into sign and step.
    let err = if jumps { 0.0 } else { ae };
    Ok((v, err + v.value().abs()))
}
