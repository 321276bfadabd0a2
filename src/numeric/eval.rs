//! Evaluating a plan's roots at a point: the number type each needs (how
//! deep its derivatives nest), all roots at once or each on its own, and
//! their values' real parts.

use super::dd::Dd;
use super::evaluator::{flat_index, Evaluator, Stop, MAX_DERIV_DEPTH};
use super::plan::{Op, Plan};
use super::reverse::{gradients, Tape};
use super::scalar::{Dual, Field, Valued};
use super::witness_data::Point;

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
///
/// Derivatives of one body that several of the roots take (a gradient,
/// one claim per variable) come from one reverse sweep of the body in
/// plain numbers (see `reverse`), where the sweep can stand for forward
/// mode at this point; then only the other roots decide the number type,
/// and without derivatives among them they are evaluated in plain numbers,
/// sharing the sweep's evaluator.
pub(crate) fn eval_each<B: Field<Base = B> + RealPart<B>>(
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
    let mut ks: Vec<usize> = (0..which.len())
        .filter(|&k| depth_of(k).is_some_and(|d| d <= MAX_DERIV_DEPTH))
        .collect();
    let mut base: Option<Evaluator<B>> = None;
    if !plan.tapes.is_empty() {
        let ev = base.insert(Evaluator::<B>::new(plan, point, 0, 0));
        ks = swept(plan, point, (which, limits), ev, ks, &mut out);
    }
    let depth = ks.iter().filter_map(|&k| depth_of(k)).max().unwrap_or(0);
    if let Some(mut ev) = base {
        if depth == 0 {
            each_with(&mut ev, plan, which, limits, &ks, &mut out);
            ev.finish();
            return out;
        }
        ev.finish();
    }
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
    each_with(&mut ev, plan, which, limits, ks, out);
    ev.finish();
}

/// [`each`] with the evaluator `ev`.
fn each_with<T: Field + RealPart<B>, B>(
    ev: &mut Evaluator<T>,
    plan: &Plan,
    which: &[usize],
    limits: &[u64],
    ks: &[usize],
    out: &mut [RootValue<B>],
) {
    for &k in ks {
        let Some(&root) = plan.roots.get(which[k]) else {
            continue;
        };
        ev.ops = 0;
        ev.limit = limits.get(k).copied().unwrap_or(0);
        let value = ev.eval(root).map(|(v, e)| (v.real_part(), e));
        out[k] = RootValue { value, ops: ev.ops };
    }
}

/// The roots among `ks` (positions in `which`) that are derivatives of a
/// body two or more of them share, valued by reverse sweeps with the
/// plain-number evaluator `ev`; returns the others, and those a sweep
/// could not stand for.
fn swept<B: Field<Base = B>>(
    plan: &Plan,
    point: &Point,
    (which, limits): (&[usize], &[u64]),
    ev: &mut Evaluator<B>,
    ks: Vec<usize>,
    out: &mut [RootValue<B>],
) -> Vec<usize> {
    let mut done = vec![false; which.len()];
    for tape in &plan.tapes {
        let mine: Vec<usize> = (ks.iter().copied())
            .filter(|&k| tape.roots.contains(&which[k]))
            .collect();
        if mine.len() < 2 {
            continue;
        }
        if let Some(values) = sweep(plan, point, (which, limits), ev, tape, &mine) {
            for (&k, v) in mine.iter().zip(values) {
                out[k] = v;
                done[k] = true;
            }
        }
    }
    ks.into_iter().filter(|&k| !done[k]).collect()
}

/// The derivatives `mine` (positions in `which`) of `tape`'s body from one
/// sweep, or `None` where the sweep cannot stand for forward mode (see
/// `reverse`), the body is undefined, or the budget is short: forward mode
/// then says what they are. The first of them is charged the sweep.
fn sweep<B: Field<Base = B>>(
    plan: &Plan,
    point: &Point,
    (which, limits): (&[usize], &[u64]),
    ev: &mut Evaluator<B>,
    tape: &Tape,
    mine: &[usize],
) -> Option<Vec<RootValue<B>>> {
    let mut env = point.indices.clone();
    env.resize(env.len().max(plan.n_indices), 0);
    let mut targets = Vec::with_capacity(mine.len());
    for &k in mine {
        let root = *plan.roots.get(which[k])?;
        let Op::Deriv { var, at, dims, .. } = &plan.nodes.get(root as usize)?.op else {
            return None;
        };
        targets.push((*var, flat_index(at, dims, &env, point)?));
    }
    // The body's value and error bound are the evaluator's, as in forward
    // mode, whose real parts are plain numbers computed alike.
    ev.ops = 0;
    ev.limit = *limits.get(mine[0])?;
    let (_, body_err) = ev.eval(tape.body).ok()?;
    let ops = ev.ops.saturating_add(2 * tape.len() as u64);
    if ops > ev.limit || mine.iter().any(|&k| limits.get(k).is_none_or(|&l| l == 0)) {
        return None;
    }
    let grads = gradients::<B>(tape, &plan.nodes, point, &env, &targets)?;
    let mut values = Vec::with_capacity(grads.len());
    for (n, g) in grads.into_iter().enumerate() {
        // As `derivative` bounds it, then `eval_node` completes it.
        let e = body_err + g.value().abs() + g.lost_precision();
        if g.finite_probe() + e.finite_probe() != 0.0 {
            return None;
        }
        values.push(RootValue {
            value: Ok((g, e)),
            ops: if n == 0 { ops } else { 1 },
        });
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Domain, Func, Node, Store, Symbols};

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
