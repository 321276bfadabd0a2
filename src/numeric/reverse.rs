//! Derivatives of one body by many variables from one reverse sweep.
//!
//! A group of links often takes the derivative of one expression by every
//! variable in turn (a CAS's gradient, one claim per parameter). Forward
//! mode (`evaluator`'s `derivative`) evaluates the body once per variable,
//! in duals; here the body is evaluated once in plain numbers, each node's
//! local partial derivatives are taken from its value (the chain rule of
//! each operation, exactly the factors `scalar::Dual` multiplies by), and
//! one sweep in reverse order accumulates every node's adjoint: the
//! derivative by each element of a variable is the sum of the adjoints of
//! its occurrences. This differentiates the evaluator's own values; the
//! symbolic differentiator is never used.
//!
//! Only bodies a reverse sweep reproduces exactly in meaning are taken
//! ([`Tape::new`]): no sums or deltas (their nodes' values depend on bound
//! indices), no nested derivatives, no non-integer powers and no kinked
//! functions (there the forward pass stops where a slope does not exist,
//! which a value does not show). A forward pass in duals can also stop
//! where a tangent overflows though every value is finite; so the sweep
//! bounds every tangent any of the derivatives could have (forward mode
//! with every seed 1, in absolute values) and gives up, leaving the
//! derivatives to forward mode, unless every bound, value and partial is
//! well within range. Its answers then differ from forward mode's only in
//! rounding: the same points are defined, with the same error bounds.

use super::evaluator::flat_index;
use super::plan::{Op, PlanNode};
use super::scalar::Field;
use super::witness_data::Point;
use crate::expr::{Func, VarId};
use std::collections::HashMap;

/// Values, partials and tangent bounds must stay below this for a sweep to
/// stand for forward mode: far from overflow, whatever rounding adds.
const SAFE: f64 = 1e300;

/// The sub-DAG of a derivative's body, compiled for reverse sweeps, and
/// the plan's roots that are derivatives of it.
#[derive(Clone, Debug)]
pub(super) struct Tape {
    /// The body's position in the plan.
    pub(super) body: u32,
    /// The body's nodes (plan positions), children first; the body last.
    nodes: Vec<u32>,
    /// Node `i`'s children (tape positions) are `kids[kid_start[i]..kid_start[i + 1]]`.
    kid_start: Vec<u32>,
    kids: Vec<u32>,
    /// The plan's roots (positions in its root list) that are derivatives
    /// of the body by a sampled variable.
    pub(super) roots: Vec<usize>,
}

impl Tape {
    /// The tape of `body` for the derivative roots `roots`, or `None` when
    /// the body has a node a sweep does not take (see the module docs).
    pub(super) fn new(nodes: &[PlanNode], body: u32, roots: Vec<usize>) -> Option<Tape> {
        let mut seen: HashMap<u32, u32> = HashMap::new();
        let mut todo = vec![body];
        let mut order: Vec<u32> = Vec::new();
        while let Some(n) = todo.pop() {
            if seen.insert(n, 0).is_some() {
                continue;
            }
            order.push(n);
            let node = nodes.get(n as usize)?;
            match &node.op {
                Op::Const(..) | Op::Var { bound: None, .. } => {}
                Op::Var {
                    idx,
                    bound: Some((value, params)),
                    ..
                } if idx.is_empty() && params.is_empty() => todo.push(*value),
                Op::Add(xs) | Op::Mul(xs) => todo.extend(xs),
                Op::PowInt(b, _) => todo.push(*b),
                Op::Apply(f, a) if swept(*f) => todo.push(*a),
                _ => return None,
            }
        }
        // Children come before parents in the plan.
        order.sort_unstable();
        for (i, n) in order.iter().enumerate() {
            seen.insert(*n, i as u32);
        }
        let mut kid_start = Vec::with_capacity(order.len() + 1);
        let mut kids = Vec::new();
        for &n in &order {
            kid_start.push(kids.len() as u32);
            let tape = |c: &u32| seen[c];
            match &nodes[n as usize].op {
                Op::Var {
                    bound: Some((value, _)),
                    ..
                } => kids.push(tape(value)),
                Op::Add(xs) | Op::Mul(xs) => kids.extend(xs.iter().map(tape)),
                Op::PowInt(b, _) | Op::Apply(_, b) => kids.push(tape(b)),
                _ => {}
            }
        }
        kid_start.push(kids.len() as u32);
        Some(Tape {
            body,
            nodes: order,
            kid_start,
            kids,
            roots,
        })
    }

    /// How many nodes a sweep visits (for the operation budget).
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    fn kids_of(&self, i: usize) -> std::ops::Range<usize> {
        self.kid_start[i] as usize..self.kid_start[i + 1] as usize
    }
}

/// The functions a sweep takes: smooth wherever they are defined, with the
/// slope `scalar::Dual` uses.
fn swept(f: Func) -> bool {
    matches!(
        f,
        Func::Exp | Func::Log | Func::Sin | Func::Cos | Func::Tan | Func::Tanh | Func::Sigmoid
    )
}

/// The derivatives of the tape's body at `point` (indices `env`) by the
/// elements `targets` (a variable and a flat position each), in number
/// type `B`; `None` when the sweep cannot stand for forward mode there
/// (see the module docs), or the body is undefined there.
pub(super) fn gradients<B: Field>(
    tape: &Tape,
    nodes: &[PlanNode],
    point: &Point,
    env: &[usize],
    targets: &[(VarId, usize)],
) -> Option<Vec<B>> {
    let n = tape.nodes.len();
    let mut value: Vec<B> = Vec::with_capacity(n);
    // Each child edge's partial derivative, in `kids` order.
    let mut partial: Vec<B> = vec![B::from_f64(0.0); tape.kids.len()];
    // A bound on the tangent of each node in any of the forward passes.
    let mut bound: Vec<f64> = Vec::with_capacity(n);
    let wrt = |v: VarId| targets.iter().any(|t| t.0 == v);
    let safe = |x: f64| x.abs() < SAFE;
    let mut leaves: Vec<(usize, VarId, usize)> = Vec::new();
    let one = B::from_f64(1.0);
    for (i, &p) in tape.nodes.iter().enumerate() {
        let ks = tape.kids_of(i);
        let (v, t) = match &nodes[p as usize].op {
            Op::Const(f, d) => (B::constant(*f, *d), 0.0),
            Op::Var {
                var,
                idx,
                dims,
                bound: None,
            } => {
                let flat = flat_index(idx, dims, env, point)?;
                let x = *point.vars.get(var.0 as usize)?.get(flat)?;
                leaves.push((i, *var, flat));
                (B::from_f64(x), if wrt(*var) { 1.0 } else { 0.0 })
            }
            Op::Var { .. } => {
                let c = tape.kids[ks.start] as usize;
                partial[ks.start] = one;
                (value[c], bound[c])
            }
            Op::Add(_) => {
                let mut acc = B::from_f64(0.0);
                let mut t = 0.0;
                for e in ks {
                    let c = tape.kids[e] as usize;
                    acc = acc.add(value[c]);
                    t += bound[c];
                    partial[e] = one;
                }
                (acc, t)
            }
            Op::Mul(_) => {
                // As the evaluator multiplies, from the left; the tangent
                // bound follows the dual product's own steps.
                let mut acc = one;
                let mut t = 0.0;
                for e in ks.clone() {
                    let c = tape.kids[e] as usize;
                    t = acc.value().abs() * bound[c] + t * value[c].value().abs();
                    acc = acc.mul(value[c]);
                    if !safe(t) || !safe(acc.value()) {
                        return None;
                    }
                }
                // Each factor's partial: the product of the others.
                let mut left = one;
                for e in ks.clone() {
                    partial[e] = left;
                    left = left.mul(value[tape.kids[e] as usize]);
                }
                let mut right = one;
                for e in ks.rev() {
                    partial[e] = partial[e].mul(right);
                    right = right.mul(value[tape.kids[e] as usize]);
                }
                (acc, t)
            }
            Op::PowInt(_, k) => {
                let c = tape.kids[ks.start] as usize;
                let b = value[c];
                let v = b.powi(*k)?;
                let d = if *k == 0 {
                    B::from_f64(0.0)
                } else {
                    b.powi(k - 1)?.mul(B::from_f64(*k as f64))
                };
                partial[ks.start] = d;
                (v, d.value().abs() * bound[c])
            }
            Op::Apply(f, _) => {
                let c = tape.kids[ks.start] as usize;
                let a = value[c];
                let (v, d) = match f {
                    Func::Exp => {
                        let e = a.exp();
                        (e, e)
                    }
                    Func::Log => (a.ln()?, a.recip()?),
                    Func::Sin => (a.sin(), a.cos()),
                    Func::Cos => (a.cos(), a.sin().neg()),
                    Func::Tan => {
                        let t = a.tan()?;
                        (t, one.add(t.mul(t)))
                    }
                    Func::Tanh => {
                        let t = a.tanh();
                        (t, one.add(t.mul(t).neg()))
                    }
                    Func::Sigmoid => {
                        let s = a.sigmoid();
                        (s, s.mul(one.add(s.neg())))
                    }
                    _ => return None,
                };
                partial[ks.start] = d;
                (v, d.value().abs() * bound[c])
            }
            _ => return None,
        };
        if !safe(v.value()) || !safe(t) || v.finite_probe() != 0.0 {
            return None;
        }
        value.push(v);
        bound.push(t);
    }
    if partial
        .iter()
        .any(|d| !safe(d.value()) || d.finite_probe() != 0.0)
    {
        return None;
    }
    // The adjoints, parents before children.
    let mut adjoint: Vec<B> = vec![B::from_f64(0.0); n];
    *adjoint.last_mut()? = one;
    for i in (0..n).rev() {
        let a = adjoint[i];
        if a.value() == 0.0 {
            continue;
        }
        for e in tape.kids_of(i) {
            let c = tape.kids[e] as usize;
            adjoint[c] = adjoint[c].add(a.mul(partial[e]));
        }
    }
    let mut out: Vec<B> = vec![B::from_f64(0.0); targets.len()];
    for &(i, var, flat) in &leaves {
        for (o, t) in out.iter_mut().zip(targets) {
            if *t == (var, flat) {
                *o = o.add(adjoint[i]);
            }
        }
    }
    out.iter().all(|d| d.finite_probe() == 0.0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Domain, Node, Store, Symbols};
    use crate::numeric::plan::Plan;

    /// ∂/∂x and ∂/∂y of `exp(x y) / y + log(x)^2`, at one point, swept and
    /// by forward mode.
    #[test]
    fn sweep_agrees_with_forward_mode() {
        let mut s = Store::default();
        let mut y = Symbols::default();
        let xv = y.add_var("x", vec![], Domain::Real);
        let yv = y.add_var("y", vec![], Domain::Real);
        let x = s.add(Node::Var(xv, vec![]));
        let yy = s.add(Node::Var(yv, vec![]));
        let xy = s.mul2(x, yy);
        let e = s.apply(Func::Exp, xy);
        let q = s.div(e, yy);
        let l = s.apply(Func::Log, x);
        let two = s.int(2);
        let l2 = s.pow(l, two);
        let body = s.add2(q, l2);
        let dx = s.add(Node::Deriv {
            body,
            var: xv,
            at: vec![],
        });
        let dy = s.add(Node::Deriv {
            body,
            var: yv,
            at: vec![],
        });
        let plan = Plan::new(&s, &y, &[dx, dy]).unwrap();
        let tape = plan.tapes.first().expect("a tape for the shared body");
        let point = Point {
            dims: vec![],
            indices: vec![],
            vars: vec![vec![1.5], vec![-0.75]],
        };
        let g = gradients::<f64>(tape, &plan.nodes, &point, &[], &[(xv, 0), (yv, 0)]).unwrap();
        let mut ops = 0;
        let fwd =
            crate::numeric::eval::eval_roots::<f64>(&plan, &point, 1_000_000, &mut ops).unwrap();
        for (a, (b, _)) in g.iter().zip(&fwd) {
            assert!((a - b).abs() <= 1e-14 * b.abs().max(1.0), "{a} vs {b}");
        }
    }

    /// A point where a value is out of range gives no sweep.
    #[test]
    fn out_of_range_gives_none() {
        let mut s = Store::default();
        let mut y = Symbols::default();
        let xv = y.add_var("x", vec![], Domain::Real);
        let yv = y.add_var("y", vec![], Domain::Real);
        let x = s.add(Node::Var(xv, vec![]));
        let yy = s.add(Node::Var(yv, vec![]));
        let e = s.apply(Func::Exp, x);
        let ee = s.apply(Func::Exp, e);
        let body = s.add2(ee, yy);
        let d = |s: &mut Store, var| {
            s.add(Node::Deriv {
                body,
                var,
                at: vec![],
            })
        };
        let (dx, dy) = (d(&mut s, xv), d(&mut s, yv));
        let plan = Plan::new(&s, &y, &[dx, dy]).unwrap();
        let tape = plan.tapes.first().expect("a tape");
        let at = |x: f64| Point {
            dims: vec![],
            indices: vec![],
            vars: vec![vec![x], vec![0.5]],
        };
        let targets = [(xv, 0), (yv, 0)];
        assert!(gradients::<f64>(tape, &plan.nodes, &at(1.0), &[], &targets).is_some());
        assert!(gradients::<f64>(tape, &plan.nodes, &at(7.0), &[], &targets).is_none());
    }

    /// `eval_each`, which sweeps, against forward mode root by root: the
    /// same values up to rounding, the same error bounds, and undefined
    /// at the same points (log of a negative, an overflowing exp).
    #[test]
    fn eval_each_sweeps_as_forward_mode_evaluates() {
        let mut s = Store::default();
        let mut y = Symbols::default();
        let xv = y.add_var("x", vec![], Domain::Real);
        let yv = y.add_var("y", vec![], Domain::Real);
        let x = s.add(Node::Var(xv, vec![]));
        let yy = s.add(Node::Var(yv, vec![]));
        let xy = s.mul2(x, yy);
        let l = s.apply(Func::Log, xy);
        let e = s.apply(Func::Exp, yy);
        let ee = s.apply(Func::Exp, e);
        let t = s.apply(Func::Tanh, x);
        let three = s.int(3);
        let t3 = s.pow(t, three);
        let q = s.div(ee, t3);
        let body = s.add2(l, q);
        let d = |s: &mut Store, var| {
            s.add(Node::Deriv {
                body,
                var,
                at: vec![],
            })
        };
        let (dx, dy) = (d(&mut s, xv), d(&mut s, yv));
        let roots = [dx, body, dy];
        let plan = Plan::new(&s, &y, &roots).unwrap();
        assert_eq!(plan.tapes.len(), 1);
        for (a, b) in [
            (1.5, 0.5),
            (-2.0, -0.25),
            (-1.0, 2.0),
            (0.5, 7.0),
            (3.0, 1e-3),
        ] {
            let point = Point {
                dims: vec![],
                indices: vec![],
                vars: vec![vec![a], vec![b]],
            };
            let each =
                crate::numeric::eval::eval_each::<f64>(&plan, &point, &[0, 1, 2], &[1 << 20; 3]);
            for (k, got) in each.iter().enumerate() {
                let alone = Plan::new(&s, &y, &[roots[k]]).unwrap();
                let mut ops = 0;
                let want =
                    crate::numeric::eval::eval_roots::<f64>(&alone, &point, 1 << 20, &mut ops)
                        .map(|v| v[0]);
                match (got.value, want) {
                    (Ok((g, ge)), Ok((w, we))) => {
                        assert!(
                            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                            "{g} vs {w} at {a}, {b}"
                        );
                        assert!((ge - we).abs() <= 1e-12 * we, "bound {ge} vs {we}");
                    }
                    (g, w) => assert_eq!(g.err(), w.err(), "root {k} at {a}, {b}"),
                }
            }
        }
    }
}
