//! Link-level tests of the numeric witness: expressions are built directly
//! in a store, checked, and the outcome compared with what is known.

use super::*;
use crate::expr::{DimId, Domain, Func, Node, Rational, VarId};
use num_bigint::BigInt;

/// A store and symbols under construction, with shorthands.
#[derive(Default)]
struct B {
    s: Store,
    y: Symbols,
}

impl B {
    fn scalar(&mut self, name: &str, domain: Domain) -> Id {
        let v = self.y.add_var(name, vec![], domain);
        self.s.add(Node::Var(v, vec![]))
    }
    fn declare(&mut self, name: &str, dims: &[&str], domain: Domain) -> VarId {
        let dims = dims.iter().map(|d| self.y.dim(d)).collect();
        self.y.add_var(name, dims, domain)
    }
    fn index(&mut self, name: &str, dim: &str) -> IndexId {
        let d: DimId = self.y.dim(dim);
        self.y.fresh_index(name, d)
    }
    fn at(&mut self, v: VarId, idx: &[IndexId]) -> Id {
        self.s.add(Node::Var(v, idx.to_vec()))
    }
    fn sum(&mut self, index: IndexId, body: Id) -> Id {
        self.s.add(Node::Sum {
            index,
            except: None,
            body,
        })
    }
    fn deriv(&mut self, body: Id, var: VarId, at: &[IndexId]) -> Id {
        self.s.add(Node::Deriv {
            body,
            var,
            at: at.to_vec(),
        })
    }
    fn ratio(&mut self, n: i64, d: i64) -> Id {
        self.s.num(Rational::new(BigInt::from(n), BigInt::from(d)))
    }
    fn check(&self, lhs: Id, rhs: Id, free: &[IndexId]) -> NumericOutcome {
        self.check_seeded(lhs, rhs, free, 7)
    }
    fn check_seeded(&self, lhs: Id, rhs: Id, free: &[IndexId], seed: u64) -> NumericOutcome {
        let config = SampleConfig { samples: 256, seed };
        check_link(&self.s, &self.y, lhs, rhs, free, &config)
    }
}

#[track_caller]
fn assert_holds(o: &NumericOutcome) {
    assert!(
        matches!(o, NumericOutcome::Holds { .. }),
        "expected holds, got {o:?}"
    );
}

#[track_caller]
fn assert_false(o: &NumericOutcome) -> Counterexample {
    match o {
        NumericOutcome::False(cx) => (**cx).clone(),
        _ => panic!("expected false, got {o:?}"),
    }
}

fn scalar_of(cx: &Counterexample, name: &str) -> f64 {
    match cx.values.iter().find(|(n, _)| n == name) {
        Some((_, SampleValue::Scalar(x))) => *x,
        other => panic!("no scalar {name}: {other:?}"),
    }
}

#[test]
fn exp_of_sum_is_product_of_exps() {
    let mut b = B::default();
    let x = b.scalar("a", Domain::Real);
    let y = b.scalar("b", Domain::Real);
    let s = b.s.add2(x, y);
    let lhs = b.s.apply(Func::Exp, s);
    let ea = b.s.apply(Func::Exp, x);
    let eb = b.s.apply(Func::Exp, y);
    let rhs = b.s.mul2(ea, eb);
    assert_eq!(
        b.check(lhs, rhs, &[]),
        NumericOutcome::Holds {
            defined: 256,
            tried: 256
        }
    );
}

#[test]
fn sum_of_shifted_vector_and_dimension_count() {
    // Σ_i (x[i] + c) = Σ_i x[i] + (Σ_j 1)·c
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let c = b.scalar("c", Domain::Real);
    let i = b.index("i", "n");
    let j = b.index("j", "n");
    let xi = b.at(x, &[i]);
    let body = b.s.add2(xi, c);
    let lhs = b.sum(i, body);
    let sx = b.sum(i, xi);
    let one = b.s.int(1);
    let n = b.sum(j, one);
    let nc = b.s.mul2(n, c);
    let rhs = b.s.add2(sx, nc);
    assert_holds(&b.check(lhs, rhs, &[]));
    // Without the n: false, at n = 1 after shrinking? No: at n = 1 it holds
    // only when c = 0, so the smallest counterexample has n = 1, c != 0.
    let wrong = b.s.add2(sx, c);
    let cx = assert_false(&b.check(lhs, wrong, &[]));
    assert_eq!(cx.dims, vec![("n".to_string(), 2)]);
}

#[test]
fn delta_contracts_a_sum() {
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let j = b.index("j", "n");
    let k = b.index("k", "n");
    let xj = b.at(x, &[j]);
    let d = b.s.add(Node::Delta(j, k));
    let body = b.s.mul2(xj, d);
    let lhs = b.sum(j, body);
    let rhs = b.at(x, &[k]);
    assert_holds(&b.check(lhs, rhs, &[k]));
    // x[j] δ(j,k) summed is not x[0] in general: the counterexample shows k.
    let zero = b.index("z", "n");
    let _ = zero;
    let lhs2 = b.s.add(Node::Sum {
        index: j,
        except: Some(k),
        body,
    });
    let zero_val = b.s.int(0);
    assert_holds(&b.check(lhs2, zero_val, &[k]));
}

#[test]
fn sum_with_except_leaves_out_one_term() {
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let i = b.index("i", "n");
    let j = b.index("j", "n");
    let xi = b.at(x, &[i]);
    let xj = b.at(x, &[j]);
    let lhs = b.s.add(Node::Sum {
        index: i,
        except: Some(j),
        body: xi,
    });
    let all = b.sum(i, xi);
    let rhs = b.s.sub(all, xj);
    assert_holds(&b.check(lhs, rhs, &[j]));
    let cx = assert_false(&b.check(lhs, all, &[j]));
    assert_eq!(cx.dims, vec![("n".to_string(), 1)]);
    assert_eq!(cx.indices, vec![("j".to_string(), 0)]);
}

fn sigmoid_derivative(sign: i64) -> (B, Id, Id) {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let xv = match b.s.get(x) {
        Node::Var(v, _) => *v,
        _ => unreachable!(),
    };
    let s = b.s.apply(Func::Sigmoid, x);
    let lhs = b.deriv(s, xv, &[]);
    let one = b.s.int(1);
    let one_minus = b.s.sub(one, s);
    let prod = b.s.mul2(s, one_minus);
    let k = b.s.int(sign);
    let rhs = b.s.mul2(k, prod);
    (b, lhs, rhs)
}

#[test]
fn sigmoid_derivative_by_dual_numbers() {
    let (b, lhs, rhs) = sigmoid_derivative(1);
    assert_holds(&b.check(lhs, rhs, &[]));
}

#[test]
fn sign_flip_is_false_with_a_small_counterexample() {
    let (b, lhs, rhs) = sigmoid_derivative(-1);
    let cx = assert_false(&b.check(lhs, rhs, &[]));
    assert_eq!(scalar_of(&cx, "x"), 0.0);
    assert_eq!((cx.lhs, cx.rhs), (0.25, -0.25));
}

#[test]
fn second_derivative_of_cube() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let v = VarId(0);
    let three = b.s.int(3);
    let cube = b.s.pow(x, three);
    let d1 = b.deriv(cube, v, &[]);
    let d2 = b.deriv(d1, v, &[]);
    let six = b.s.int(6);
    let rhs = b.s.mul2(six, x);
    assert_holds(&b.check(d2, rhs, &[]));
    // 3rd derivative is 6, 4th is 0.
    let d3 = b.deriv(d2, v, &[]);
    assert_holds(&b.check(d3, six, &[]));
    let d4 = b.deriv(d3, v, &[]);
    let zero = b.s.int(0);
    assert_holds(&b.check(d4, zero, &[]));
    // d²/dx² x³ = 3x is false.
    let three_x = b.s.mul2(three, x);
    let cx = assert_false(&b.check(d2, three_x, &[]));
    assert!(scalar_of(&cx, "x").abs() <= 1.0, "{cx:?}");
}

#[test]
fn mixed_partials_commute() {
    // ∂/∂x ∂/∂y sin(x y) = ∂/∂y ∂/∂x sin(x y) = cos(xy) - xy sin(xy)
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let y = b.scalar("y", Domain::Real);
    let (vx, vy) = (VarId(0), VarId(1));
    let xy = b.s.mul2(x, y);
    let f = b.s.apply(Func::Sin, xy);
    let dy = b.deriv(f, vy, &[]);
    let dxdy = b.deriv(dy, vx, &[]);
    let dx = b.deriv(f, vx, &[]);
    let dydx = b.deriv(dx, vy, &[]);
    assert_holds(&b.check(dxdy, dydx, &[]));
    let c = b.s.apply(Func::Cos, xy);
    let s = b.s.apply(Func::Sin, xy);
    let xys = b.s.mul2(xy, s);
    let rhs = b.s.sub(c, xys);
    assert_holds(&b.check(dxdy, rhs, &[]));
}

#[test]
fn gradient_of_sum_of_exps() {
    let mut b = B::default();
    let z = b.declare("z", &["n"], Domain::Real);
    let j = b.index("j", "n");
    let k = b.index("k", "n");
    let zj = b.at(z, &[j]);
    let e = b.s.apply(Func::Exp, zj);
    let total = b.sum(j, e);
    let lhs = b.deriv(total, z, &[k]);
    let zk = b.at(z, &[k]);
    let rhs = b.s.apply(Func::Exp, zk);
    assert_holds(&b.check(lhs, rhs, &[k]));
}

#[test]
fn matrix_element_derivative() {
    // ∂/∂W[a,b] Σ_i Σ_j W[i,j] x[j] = x[b]
    let mut b = B::default();
    let w = b.declare("W", &["m", "d"], Domain::Real);
    let x = b.declare("x", &["d"], Domain::Real);
    let i = b.index("i", "m");
    let j = b.index("j", "d");
    let a = b.index("a", "m");
    let bb = b.index("b", "d");
    let wij = b.at(w, &[i, j]);
    let xj = b.at(x, &[j]);
    let p = b.s.mul2(wij, xj);
    let inner = b.sum(j, p);
    let outer = b.sum(i, inner);
    let lhs = b.deriv(outer, w, &[a, bb]);
    let rhs = b.at(x, &[bb]);
    assert_holds(&b.check(lhs, rhs, &[a, bb]));
    // x[a]-style index mix-up: wrong element.
    let wrong = b.s.mul2(rhs, rhs);
    let cx = assert_false(&b.check(lhs, wrong, &[a, bb]));
    assert!(cx.dims.iter().all(|(_, n)| *n == 1), "{cx:?}");
    assert_eq!(cx.values.len(), 2);
}

#[test]
fn softmax_is_shift_invariant() {
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let c = b.scalar("c", Domain::Real);
    let i = b.index("i", "n");
    let j = b.index("j", "n");
    let softmax = |b: &mut B, shift: Option<Id>| {
        let xi = b.at(x, &[i]);
        let xj = b.at(x, &[j]);
        let (ai, aj) = match shift {
            Some(c) => (b.s.add2(xi, c), b.s.add2(xj, c)),
            None => (xi, xj),
        };
        let num = b.s.apply(Func::Exp, ai);
        let ej = b.s.apply(Func::Exp, aj);
        let den = b.sum(j, ej);
        b.s.div(num, den)
    };
    let lhs = softmax(&mut b, Some(c));
    let rhs = softmax(&mut b, None);
    assert_holds(&b.check(lhs, rhs, &[i]));
}

#[test]
fn square_is_not_identity() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let two = b.s.int(2);
    let sq = b.s.pow(x, two);
    let cx = assert_false(&b.check(sq, x, &[]));
    let v = scalar_of(&cx, "x");
    assert_eq!(v, -1.0, "shrunk to {v}");
    assert_eq!(cx.lhs, v * v);
}

#[test]
fn coefficient_off_by_a_thousandth_is_false() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let e = b.s.apply(Func::Exp, x);
    let k = b.ratio(1001, 1000);
    let rhs = b.s.mul2(k, e);
    let cx = assert_false(&b.check(e, rhs, &[]));
    assert_eq!(scalar_of(&cx, "x"), 0.0);
}

#[test]
fn one_part_in_a_trillion_is_false() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    // x = (1 + 1/10^12) x
    let k = b.ratio(1_000_000_000_001, 1_000_000_000_000);
    let rhs = b.s.mul2(k, x);
    let cx = assert_false(&b.check(x, rhs, &[]));
    assert_eq!(scalar_of(&cx, "x"), 1.0);
    // exp(x) = 1.000000000001 exp(x)
    let e = b.s.apply(Func::Exp, x);
    let rhs = b.s.mul2(k, e);
    assert_false(&b.check(e, rhs, &[]));
    // Below f64's resolution: 1 + 10^-17 rounds to 1, both sides agree
    // exactly in f64, and only the double-double check sees the claim.
    let tiny = b.ratio(100_000_000_000_000_001, 100_000_000_000_000_000);
    let rhs = b.s.mul2(tiny, x);
    let cx = assert_false(&b.check(x, rhs, &[]));
    assert_eq!(cx.lhs, cx.rhs);
    // and the true version of the same shape still holds
    let one = b.s.int(1);
    let rhs = b.s.mul2(one, e);
    assert_holds(&b.check(e, rhs, &[]));
}

#[test]
fn log_of_negative_is_undefined() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let e = b.s.apply(Func::Exp, x);
    let ne = b.s.neg(e);
    let lhs = b.s.apply(Func::Log, ne);
    let zero = b.s.int(0);
    assert_eq!(
        b.check(lhs, zero, &[]),
        NumericOutcome::Undefined {
            defined: 0,
            tried: 1024
        }
    );
}

#[test]
fn x_over_x_holds_skipping_zero() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let lhs = b.s.div(x, x);
    let one = b.s.int(1);
    match b.check(lhs, one, &[]) {
        NumericOutcome::Holds { defined, tried } => {
            assert_eq!(defined, 256);
            assert!(tried > defined, "x = 0 was never drawn");
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn domain_facts_hold_only_in_their_domains() {
    // Σ_i y[i] = 1 for onehot and simplex, not for positive vectors.
    for (domain, holds) in [
        (Domain::Onehot, true),
        (Domain::Simplex, true),
        (Domain::Positive, false),
    ] {
        let mut b = B::default();
        let y = b.declare("y", &["n"], domain);
        let i = b.index("i", "n");
        let yi = b.at(y, &[i]);
        let lhs = b.sum(i, yi);
        let one = b.s.int(1);
        let o = b.check(lhs, one, &[]);
        if holds {
            assert_holds(&o);
        } else {
            assert_false(&o);
        }
    }
    // log of a positive variable is always defined.
    let mut b = B::default();
    let p = b.scalar("p", Domain::Positive);
    let l = b.s.apply(Func::Log, p);
    assert_eq!(
        b.check(l, l, &[]),
        NumericOutcome::Holds {
            defined: 256,
            tried: 256
        }
    );
}

#[test]
fn same_seed_same_outcome() {
    let (b, lhs, rhs) = sigmoid_derivative(-1);
    let mut b = b;
    let x = b.scalar("w", Domain::Real);
    let rhs = b.s.add2(rhs, x);
    let first = b.check_seeded(lhs, rhs, &[], 99);
    assert_false(&first);
    assert_eq!(first, b.check_seeded(lhs, rhs, &[], 99));
    let (b, lhs, rhs) = sigmoid_derivative(1);
    let z = b.s.len();
    let _ = z;
    assert_eq!(
        b.check_seeded(lhs, rhs, &[], 5),
        b.check_seeded(lhs, rhs, &[], 5)
    );
}

#[test]
fn a_huge_sum_runs_out_of_budget() {
    // Eight nested sums whose body depends on every index: 5^8 terms per
    // sample, nothing to memoize.
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let idx: Vec<IndexId> = (0..8).map(|k| b.index(&format!("i{k}"), "n")).collect();
    let terms: Vec<Id> = idx.iter().map(|i| b.at(x, &[*i])).collect();
    let mut body = b.s.add(Node::Add(terms));
    for i in idx.iter().rev() {
        body = b.sum(*i, body);
    }
    let zero = b.s.int(0);
    let limits = Limits {
        ops: 200_000,
        ..Limits::default()
    };
    let config = SampleConfig {
        samples: 256,
        seed: 1,
    };
    let o = check_link_with(&b.s, &b.y, body, zero, &[], &config, &limits);
    assert_eq!(
        o,
        NumericOutcome::Inconclusive(
            "numeric evaluation budget of 200000 operations exceeded".into()
        )
    );
}

#[test]
fn memoization_shares_the_softmax_denominator() {
    // Σ_i exp(z[i]) / Σ_j exp(z[j]) = 1 needs about 3n visits per sample
    // when the denominator is shared, n² when it is not.
    let mut b = B::default();
    let z = b.declare("z", &["n"], Domain::Real);
    let i = b.index("i", "n");
    let j = b.index("j", "n");
    let zi = b.at(z, &[i]);
    let zj = b.at(z, &[j]);
    let ei = b.s.apply(Func::Exp, zi);
    let ej = b.s.apply(Func::Exp, zj);
    let den = b.sum(j, ej);
    let q = b.s.div(ei, den);
    let lhs = b.sum(i, q);
    let plan = plan::Plan::new(&b.s, &b.y, &[lhs]).unwrap();
    let point = Point {
        dims: vec![5],
        indices: vec![0, 0],
        vars: vec![vec![0.5, -1.0, 2.0, 0.0, 1.0]],
    };
    let mut ops = 0;
    let v = eval::eval_roots::<f64>(&plan, &point, 1_000_000, &mut ops).unwrap();
    assert!((v[0].0 - 1.0).abs() < 1e-15);
    assert!(ops < 60, "{ops} node visits");
}

#[test]
fn renamed_copies_share_their_values() {
    // exp(z[i]) / Σ_j exp(z[j]) against exp(z[i]) / Σ_k exp(z[k]): the
    // two denominators differ only in the bound index, so the second costs
    // one lookup.
    let mut b = B::default();
    let z = b.declare("z", &["n"], Domain::Real);
    let i = b.index("i", "n");
    let denominator = |b: &mut B| {
        let j = b.index("j", "n");
        let zj = b.at(z, &[j]);
        let ej = b.s.apply(Func::Exp, zj);
        b.sum(j, ej)
    };
    let zi = b.at(z, &[i]);
    let ei = b.s.apply(Func::Exp, zi);
    let d1 = denominator(&mut b);
    let d2 = denominator(&mut b);
    assert_ne!(d1, d2);
    let lhs = b.s.div(ei, d1);
    let rhs = b.s.div(ei, d2);
    let point = Point {
        dims: vec![5],
        indices: vec![2, 0, 0],
        vars: vec![vec![0.5, -1.0, 2.0, 0.0, 1.0]],
    };
    let count = |roots: &[Id]| {
        let plan = plan::Plan::new(&b.s, &b.y, roots).unwrap();
        let mut ops = 0;
        eval::eval_roots::<f64>(&plan, &point, 1_000_000, &mut ops).unwrap();
        ops
    };
    let one = count(&[lhs]);
    let both = count(&[lhs, rhs]);
    assert!(
        both <= one + 4,
        "{one} visits for one side, {both} for both"
    );
    // A free index renamed is shared too, at equal index values only:
    // h(z[i]) and h(z[k]) at i = k share, and at i != k they must not.
    let k = b.index("k", "n");
    let zk = b.at(z, &[k]);
    let ek = b.s.apply(Func::Exp, zk);
    let d3 = denominator(&mut b);
    let rk = b.s.div(ek, d3);
    let plan = plan::Plan::new(&b.s, &b.y, &[lhs, rk]).unwrap();
    let mut ops = 0;
    let v = eval::eval_roots::<f64>(&plan, &point, 1_000_000, &mut ops).unwrap();
    let p2 = 2f64.exp();
    let p0 = 0.5f64.exp();
    let total: f64 = point.vars[0].iter().map(|x| x.exp()).sum();
    assert!((v[0].0 - p2 / total).abs() < 1e-15);
    assert!((v[1].0 - p0 / total).abs() < 1e-15);
}

#[test]
fn eval_at_reads_points_row_major() {
    let mut b = B::default();
    let w = b.declare("W", &["m", "d"], Domain::Real);
    let i = b.index("i", "m");
    let j = b.index("j", "d");
    let wij = b.at(w, &[i, j]);
    let point = Point {
        dims: vec![2, 3],
        indices: vec![1, 2],
        vars: vec![vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]],
    };
    assert_eq!(eval_at(&b.s, &b.y, wij, &point), Some(6.0));
    let out_of_range = Point {
        indices: vec![2, 0],
        ..point.clone()
    };
    assert_eq!(eval_at(&b.s, &b.y, wij, &out_of_range), None);
    let inv = b.s.div(wij, wij);
    let zero = Point {
        vars: vec![vec![0.0; 6]],
        ..point.clone()
    };
    assert_eq!(eval_at(&b.s, &b.y, inv, &zero), None);
    let third = b.ratio(1, 3);
    assert_eq!(eval_at_precise(&b.s, &b.y, third, &point), Some(1.0 / 3.0));
}

#[test]
fn powers_follow_the_domain_rules() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let half = b.ratio(1, 2);
    let root = b.s.pow(x, half);
    let sq = b.s.mul2(root, root);
    // sqrt(x)^2 = x where defined (x >= 0); negative x are skipped.
    assert_holds(&b.check(sq, x, &[]));
    // (x^2)^(1/2) = x is false at negative x.
    let two = b.s.int(2);
    let x2 = b.s.pow(x, two);
    let r2 = b.s.pow(x2, half);
    let cx = assert_false(&b.check(r2, x, &[]));
    assert_eq!(scalar_of(&cx, "x"), -1.0);
    // x^y with a variable exponent needs x > 0 unless y is an integer.
    let p = b.scalar("p", Domain::Positive);
    let y = b.scalar("y", Domain::Real);
    let py = b.s.pow(p, y);
    let lp = b.s.apply(Func::Log, p);
    let ylp = b.s.mul2(y, lp);
    let rhs = b.s.apply(Func::Exp, ylp);
    assert_holds(&b.check(py, rhs, &[]));
    // d/dp p^y = y p^(y-1)
    let d = b.deriv(py, VarId(1), &[]);
    let m1 = b.s.int(-1);
    let ym1 = b.s.add2(y, m1);
    let pym1 = b.s.pow(p, ym1);
    let rhs = b.s.mul2(y, pym1);
    assert_holds(&b.check(d, rhs, &[]));
}

/// The one-hidden-layer network of backprop.txt, written out in index form
/// as lowering would (each use of a definition with fresh bound indices):
/// returns (∂L/∂W1[a,b] by forward mode, the hand-derived gradient, free).
fn backprop(b: &mut B) -> (Id, Id, Vec<IndexId>) {
    let x = b.declare("x", &["d"], Domain::Real);
    let w1 = b.declare("W1", &["m", "d"], Domain::Real);
    let b1 = b.declare("b1", &["m"], Domain::Real);
    let w2 = b.declare("W2", &["c", "m"], Domain::Real);
    let b2 = b.declare("b2", &["c"], Domain::Real);
    let y = b.declare("y", &["c"], Domain::Onehot);
    // h[k] = σ(Σ_j W1[k,j] x[j] + b1[k]), with a fresh j per use
    let h = |b: &mut B, k: IndexId| {
        let j = b.index("j", "d");
        let w = b.at(w1, &[k, j]);
        let xj = b.at(x, &[j]);
        let p = b.s.mul2(w, xj);
        let s = b.sum(j, p);
        let bk = b.at(b1, &[k]);
        let a = b.s.add2(s, bk);
        b.s.apply(Func::Sigmoid, a)
    };
    // z[l] = Σ_k W2[l,k] h[k] + b2[l]
    let z = |b: &mut B, l: IndexId| {
        let k = b.index("k", "m");
        let w = b.at(w2, &[l, k]);
        let hk = h(b, k);
        let p = b.s.mul2(w, hk);
        let s = b.sum(k, p);
        let bl = b.at(b2, &[l]);
        b.s.add2(s, bl)
    };
    // ŷ[i] = exp(z[i]) / Σ_l exp(z[l])
    let yhat = |b: &mut B, i: IndexId| {
        let zi = z(b, i);
        let num = b.s.apply(Func::Exp, zi);
        let l = b.index("l", "c");
        let zl = z(b, l);
        let el = b.s.apply(Func::Exp, zl);
        let den = b.sum(l, el);
        b.s.div(num, den)
    };
    let i = b.index("i", "c");
    let yi = b.at(y, &[i]);
    let yh = yhat(b, i);
    let lg = b.s.apply(Func::Log, yh);
    let t = b.s.mul2(yi, lg);
    let s = b.sum(i, t);
    let loss = b.s.neg(s);
    let a = b.index("a", "m");
    let bb = b.index("b", "d");
    let lhs = b.deriv(loss, w1, &[a, bb]);
    // Σ_l (ŷ[l] - y[l]) W2[l,a] · h[a] (1 - h[a]) · x[b]
    let l = b.index("l", "c");
    let yl = yhat(b, l);
    let ylv = b.at(y, &[l]);
    let diff = b.s.sub(yl, ylv);
    let w = b.at(w2, &[l, a]);
    let back = b.s.mul2(diff, w);
    let sback = b.sum(l, back);
    let ha = h(b, a);
    let one = b.s.int(1);
    let om = b.s.sub(one, ha);
    let xb = b.at(x, &[bb]);
    let rhs = b.s.add(Node::Mul(vec![sback, ha, om, xb]));
    (lhs, rhs, vec![a, bb])
}

#[test]
fn backprop_gradient_by_forward_mode() {
    let mut b = B::default();
    let (lhs, rhs, free) = backprop(&mut b);
    assert_holds(&b.check(lhs, rhs, &free));
    // Dropping the σ' factor is caught.
    let (_, rhs_wrong) = match b.s.get(rhs).clone() {
        Node::Mul(xs) => {
            let fewer = vec![xs[0], xs[1], xs[3]];
            (xs, b.s.add(Node::Mul(fewer)))
        }
        _ => unreachable!(),
    };
    assert_false(&b.check(lhs, rhs_wrong, &free));
}

#[test]
fn derivatives_nest_four_deep_not_five() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let five = b.s.int(5);
    let mut d = b.s.pow(x, five);
    for _ in 0..4 {
        d = b.deriv(d, VarId(0), &[]);
    }
    // d⁴/dx⁴ x⁵ = 120 x
    let k = b.s.int(120);
    let rhs = b.s.mul2(k, x);
    assert_holds(&b.check(d, rhs, &[]));
    let point = Point {
        dims: vec![],
        indices: vec![],
        vars: vec![vec![0.5]],
    };
    assert_eq!(eval_at(&b.s, &b.y, d, &point), Some(60.0));
    let d5 = b.deriv(d, VarId(0), &[]);
    assert_eq!(
        b.check(d5, k, &[]),
        NumericOutcome::Inconclusive("derivatives nested deeper than 4 levels".into())
    );
    assert_eq!(eval_at(&b.s, &b.y, d5, &point), None);
}

#[test]
fn derivative_index_bound_by_an_enclosing_sum() {
    // Σ_k ∂/∂z[k] Σ_j z[j]² = 2 Σ_k z[k]
    let mut b = B::default();
    let z = b.declare("z", &["n"], Domain::Real);
    let j = b.index("j", "n");
    let k = b.index("k", "n");
    let zj = b.at(z, &[j]);
    let two = b.s.int(2);
    let sq = b.s.pow(zj, two);
    let total = b.sum(j, sq);
    let d = b.deriv(total, z, &[k]);
    let lhs = b.sum(k, d);
    let zk = b.at(z, &[k]);
    let sz = b.sum(k, zk);
    let rhs = b.s.mul2(two, sz);
    assert_holds(&b.check(lhs, rhs, &[]));
    // Σ_k ∂/∂z[k] z[0]-style mistakes: Σ_k ∂/∂z[k] Σ_j z[j]² = 2 z[k] has a
    // free index on one side only; instead compare with 2 Σ_k z[k]².
    let zk2 = b.s.pow(zk, two);
    let s2 = b.sum(k, zk2);
    let wrong = b.s.mul2(two, s2);
    let cx = assert_false(&b.check(lhs, wrong, &[]));
    assert_eq!(cx.dims, vec![("n".to_string(), 1)]);
}

#[test]
fn malformed_links_are_inconclusive_not_panics() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let bogus = Id(10_000);
    assert!(matches!(
        b.check(x, bogus, &[]),
        NumericOutcome::Inconclusive(_)
    ));
    // An element access with the wrong number of indices.
    let v = b.declare("v", &["n"], Domain::Real);
    let bad = b.s.add(Node::Var(v, vec![]));
    assert!(matches!(
        b.check(bad, x, &[]),
        NumericOutcome::Inconclusive(_)
    ));
    // A free index that does not exist.
    assert!(matches!(
        b.check(x, x, &[IndexId(99)]),
        NumericOutcome::Inconclusive(_)
    ));
    assert_eq!(eval_at(&b.s, &b.y, bad, &Point::default()), None);
    assert_eq!(eval_at(&b.s, &b.y, x, &Point::default()), None);
}

/// True scalar identities with rounding traps (cancellation, constants,
/// functions computed differently on each side) must hold: the tolerance
/// and the double-double re-check must not call rounding a counterexample.
#[test]
fn identities_with_rounding_traps_hold() {
    let mut b = B::default();
    let x = b.scalar("x", Domain::Real);
    let p = b.scalar("p", Domain::Positive);
    let s = &mut b.s;
    let (one, two, forty) = (s.int(1), s.int(2), s.int(40));
    let mut cases: Vec<(&str, Id, Id)> = Vec::new();
    // log(exp(x + 40)) - 40 = x
    let x40 = s.add2(x, forty);
    let e = s.apply(Func::Exp, x40);
    let l = s.apply(Func::Log, e);
    let lhs = s.sub(l, forty);
    cases.push(("log exp", lhs, x));
    // σ(x) + σ(-x) = 1
    let sx = s.apply(Func::Sigmoid, x);
    let nx = s.neg(x);
    let snx = s.apply(Func::Sigmoid, nx);
    let lhs = s.add2(sx, snx);
    cases.push(("sigmoid symmetry", lhs, one));
    // tanh(x) = 2σ(2x) - 1
    let t = s.apply(Func::Tanh, x);
    let x2 = s.mul2(two, x);
    let s2 = s.apply(Func::Sigmoid, x2);
    let ts = s.mul2(two, s2);
    let rhs = s.sub(ts, one);
    cases.push(("tanh via sigmoid", t, rhs));
    // sin² + cos² = 1
    let sn = s.apply(Func::Sin, x);
    let cs = s.apply(Func::Cos, x);
    let sn2 = s.pow(sn, two);
    let cs2 = s.pow(cs, two);
    let lhs = s.add2(sn2, cs2);
    cases.push(("pythagoras", lhs, one));
    // tan = sin / cos
    let tn = s.apply(Func::Tan, x);
    let rhs = s.div(sn, cs);
    cases.push(("tan", tn, rhs));
    // exp(1) = e, sin(π) = 0, cos(π) = -1
    let e1 = s.apply(Func::Exp, one);
    let ec = s.add(Node::Const(crate::expr::Constant::E));
    cases.push(("e", e1, ec));
    let pi = s.add(Node::Const(crate::expr::Constant::Pi));
    let spi = s.apply(Func::Sin, pi);
    let zero = s.int(0);
    cases.push(("sin pi", spi, zero));
    // p^(1/3) cubed = p
    let third = s.num(Rational::new(BigInt::from(1), BigInt::from(3)));
    let cube_root = s.pow(p, third);
    let three = s.int(3);
    let back = s.pow(cube_root, three);
    cases.push(("cube root", back, p));
    // (x + 10^6)^2 - 10^12 - 2·10^6 x = x^2
    let big = s.int(1_000_000);
    let xb = s.add2(x, big);
    let sq = s.pow(xb, two);
    let big2 = s.int(1_000_000_000_000);
    let twobig = s.int(2_000_000);
    let tbx = s.mul2(twobig, x);
    let (nb2, ntbx) = (s.neg(big2), s.neg(tbx));
    let lhs = s.add(Node::Add(vec![sq, nb2, ntbx]));
    let x2 = s.pow(x, two);
    cases.push(("cancellation", lhs, x2));
    // d²/dx² cos(e^(2x)) = -cos(u)(2u)² - 4u sin(u), u = e^(2x): the chain
    // rule amplifies the rounding of u beyond the first-order bound.
    let two_x = s.mul2(two, x);
    let u = s.apply(Func::Exp, two_x);
    let cu = s.apply(Func::Cos, u);
    let d1 = s.add(Node::Deriv {
        body: cu,
        var: VarId(0),
        at: vec![],
    });
    let d2 = s.add(Node::Deriv {
        body: d1,
        var: VarId(0),
        at: vec![],
    });
    let two_u = s.mul2(two, u);
    let sq = s.pow(two_u, two);
    let a = s.mul2(cu, sq);
    let su = s.apply(Func::Sin, u);
    let four = s.int(4);
    let bb = s.add(Node::Mul(vec![four, u, su]));
    let sum = s.add2(a, bb);
    let rhs = s.neg(sum);
    cases.push(("second derivative", d2, rhs));
    for (name, lhs, rhs) in cases {
        let o = b.check(lhs, rhs, &[]);
        assert!(matches!(o, NumericOutcome::Holds { .. }), "{name}: {o:?}");
    }
}

#[test]
fn large_dimensions_fall_back_to_hashed_memo() {
    // Σ_i Σ_j (p + p²) with p = x[i] y[j] shared by two parents: at
    // 300 × 300 its memo table is too large to be dense.
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let y = b.declare("y", &["m"], Domain::Real);
    let i = b.index("i", "n");
    let j = b.index("j", "m");
    let xi = b.at(x, &[i]);
    let yj = b.at(y, &[j]);
    let p = b.s.mul2(xi, yj);
    let pp = b.s.mul2(p, p);
    let body = b.s.add2(p, pp);
    let inner = b.sum(j, body);
    let total = b.sum(i, inner);
    let (n, m) = (300, 300);
    let xs: Vec<f64> = (0..n).map(|k| (k % 7) as f64 - 3.0).collect();
    let ys: Vec<f64> = (0..m).map(|k| (k % 5) as f64 * 0.5).collect();
    let (sx, sy): (f64, f64) = (xs.iter().sum(), ys.iter().sum());
    let (sx2, sy2): (f64, f64) = (
        xs.iter().map(|v| v * v).sum(),
        ys.iter().map(|v| v * v).sum(),
    );
    let point = Point {
        dims: vec![n, m],
        indices: vec![0, 0],
        vars: vec![xs, ys],
    };
    let v = eval_at(&b.s, &b.y, total, &point).unwrap();
    assert_eq!(v, sx * sy + sx2 * sy2);
}

/// A small random expression in x and y, for property tests.
#[derive(Clone, Debug)]
enum Tree {
    X,
    Y,
    Int(i32),
    Add(Box<Tree>, Box<Tree>),
    Mul(Box<Tree>, Box<Tree>),
    Neg(Box<Tree>),
    Pow(Box<Tree>, i64),
    Apply(Func, Box<Tree>),
}

fn tree() -> impl proptest::strategy::Strategy<Value = Tree> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Tree::X),
        Just(Tree::Y),
        (-3i32..=3).prop_map(Tree::Int)
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Tree::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Tree::Mul(Box::new(a), Box::new(b))),
            inner.clone().prop_map(|a| Tree::Neg(Box::new(a))),
            (inner.clone(), -2i64..=3).prop_map(|(a, n)| Tree::Pow(Box::new(a), n)),
            (0..Func::ALL.len(), inner).prop_map(|(f, a)| Tree::Apply(Func::ALL[f], Box::new(a))),
        ]
    })
}

fn build(b: &mut B, t: &Tree, x: Id, y: Id) -> Id {
    match t {
        Tree::X => x,
        Tree::Y => y,
        Tree::Int(n) => b.s.int(i64::from(*n)),
        Tree::Add(p, q) => {
            let (p, q) = (build(b, p, x, y), build(b, q, x, y));
            b.s.add2(p, q)
        }
        Tree::Mul(p, q) => {
            let (p, q) = (build(b, p, x, y), build(b, q, x, y));
            b.s.mul2(p, q)
        }
        Tree::Neg(p) => {
            let p = build(b, p, x, y);
            b.s.neg(p)
        }
        Tree::Pow(p, n) => {
            let p = build(b, p, x, y);
            let n = b.s.int(*n);
            b.s.pow(p, n)
        }
        Tree::Apply(f, p) => {
            let p = build(b, p, x, y);
            b.s.apply(*f, p)
        }
    }
}

/// The rounding-error bound is a bound: wherever both precisions are
/// defined, the f64 value is within the f64 tolerance of the double-double
/// one (which is ~1e-30 accurate). Where this fails, true identities would
/// need the double-double confirmation to pass; and the double-double
/// functions agree with libm's.
#[test]
fn f64_error_stays_within_its_bound() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let strategy = (tree(), -4.0f64..4.0, -4.0f64..4.0);
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let mut checked = 0;
    for _ in 0..3000 {
        let (t, xv, yv) = strategy.new_tree(&mut runner).unwrap().current();
        let mut b = B::default();
        let x = b.scalar("x", Domain::Real);
        let y = b.scalar("y", Domain::Real);
        let body = build(&mut b, &t, x, y);
        // Every other case differentiates, to cover the dual parts' bound.
        let root = if checked % 2 == 0 {
            body
        } else {
            b.deriv(body, VarId(0), &[])
        };
        let plan = plan::Plan::new(&b.s, &b.y, &[root]).unwrap();
        let point = Point {
            dims: vec![],
            indices: vec![],
            vars: vec![vec![xv], vec![yv]],
        };
        let mut ops = 0;
        let fast = eval::eval_roots::<f64>(&plan, &point, 1_000_000, &mut ops);
        let precise = eval::eval_roots::<dd::Dd>(&plan, &point, 1_000_000, &mut ops);
        let (Ok(fast), Ok(precise)) = (fast, precise) else {
            continue;
        };
        let (f, err) = fast[0];
        let d = precise[0].0;
        let diff = d.minus(dd::Dd::from(f)).value().abs();
        assert!(
            diff <= tolerance::F64_FACTOR * err + 1e-280,
            "{t:?} at x = {xv}, y = {yv}: f64 {f:e}, double-double {:e}, bound {err:e}",
            d.value()
        );
        checked += 1;
    }
    assert!(checked > 1000, "only {checked} defined");
}

#[test]
fn random_points_are_reproducible_and_evaluable() {
    let mut b = B::default();
    let q = b.declare("q", &["n"], Domain::Simplex);
    let i = b.index("i", "n");
    let qi = b.at(q, &[i]);
    let l = b.s.apply(Func::Log, qi);
    let points = random_points(&b.s, &b.y, &[l], &[i], 5, 50);
    assert_eq!(points.len(), 50);
    assert_eq!(points, random_points(&b.s, &b.y, &[l], &[i], 5, 50));
    for p in &points {
        assert!(p.indices[0] < p.dims[0]);
        assert!(eval_at(&b.s, &b.y, l, p).is_some_and(|v| v <= 0.0));
    }
    let z = Point::zeros(&b.y, 3);
    assert_eq!(z.vars, vec![vec![0.0; 3]]);
    assert_eq!(eval_at(&b.s, &b.y, qi, &z), Some(0.0));
    assert_eq!(eval_at(&b.s, &b.y, l, &z), None);
}

#[test]
fn absurd_points_and_shapes_do_not_panic() {
    let mut b = B::default();
    let w = b.declare("W", &["m", "d"], Domain::Real);
    let i = b.index("i", "m");
    let j = b.index("j", "d");
    let wij = b.at(w, &[i, j]);
    let s = b.sum(i, wij);
    let huge = Point {
        dims: vec![usize::MAX, usize::MAX],
        indices: vec![usize::MAX - 1, usize::MAX - 1],
        vars: vec![vec![1.0]],
    };
    assert_eq!(eval_at(&b.s, &b.y, wij, &huge), None);
    assert_eq!(eval_at(&b.s, &b.y, s, &huge), None);
    let z = Point::zeros(&b.y, usize::MAX);
    assert!(z.vars[0].is_empty());
    // A variable of rank 5 is not sampled.
    let dims = ["a", "b", "c", "d", "e"];
    let t = b.declare("T", &dims, Domain::Real);
    let idx: Vec<IndexId> = dims.iter().map(|d| b.index("k", d)).collect();
    let tk = b.at(t, &idx);
    assert!(matches!(
        b.check(tk, tk, &idx),
        NumericOutcome::Inconclusive(_)
    ));
}

#[test]
fn rarely_defined_links_hold_on_what_is_defined_or_are_undefined() {
    // log(x - k) is defined for x > k: for k = 3 a few percent of the
    // 4 × 256 draws, more than samples / 8; for k = 3.9 fewer.
    for (k, expect_holds) in [(30, true), (39, false)] {
        let mut b = B::default();
        let x = b.scalar("x", Domain::Real);
        let c = b.ratio(k, 10);
        let shifted = b.s.sub(x, c);
        let l = b.s.apply(Func::Log, shifted);
        match b.check(l, l, &[]) {
            NumericOutcome::Holds { defined, tried } if expect_holds => {
                assert!((32..256).contains(&defined), "{defined}");
                assert_eq!(tried, 1024);
            }
            NumericOutcome::Undefined { defined, tried } if !expect_holds => {
                assert!(defined < 32, "{defined}");
                assert_eq!(tried, 1024);
            }
            o => panic!("k = {k}/10: {o:?}"),
        }
    }
}

/// A claim's links sampled together: `x[i]·2 = x[i] + x[i] = 2 x[i]² / x[i]`
/// with its own index variable `i` in each link (as lowering makes them),
/// and a false link `x[i] + x[i] = x[i] + c`.
#[test]
fn links_sampled_together_keep_their_own_verdicts() {
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let c = b.scalar("c", Domain::Real);
    let (i1, i2, i3) = (b.index("i", "n"), b.index("i", "n"), b.index("i", "n"));
    let two = b.s.int(2);
    let x1 = b.at(x, &[i1]);
    let lhs1 = b.s.mul2(x1, two);
    let rhs1 = b.s.add2(x1, x1);
    let x2 = b.at(x, &[i2]);
    let lhs2 = b.s.add2(x2, x2);
    let two_b = b.s.int(2);
    let sq = b.s.pow(x2, two_b);
    let ratio = b.s.div(sq, x2);
    let rhs2 = b.s.mul2(two, ratio);
    let x3 = b.at(x, &[i3]);
    let lhs3 = b.s.add2(x3, x3);
    let rhs3 = b.s.add2(x3, c);
    let config = SampleConfig {
        samples: 256,
        seed: 3,
    };
    let links = [
        (lhs1, rhs1, &[i1][..]),
        (lhs2, rhs2, &[i2][..]),
        (lhs3, rhs3, &[i3][..]),
    ];
    let out = check_links(&b.s, &b.y, &links, &config);
    assert_eq!(out.len(), 3);
    // Each exactly as sampled alone: draws are keyed by name.
    for (o, &(l, r, free)) in out.iter().zip(&links) {
        assert_eq!(o, &check_link(&b.s, &b.y, l, r, free, &config));
    }
    assert_eq!(
        out[0],
        NumericOutcome::Holds {
            defined: 256,
            tried: 256
        }
    );
    // 2 x[i]² / x[i] is undefined where x[i] = 0: some draws are skipped.
    match &out[1] {
        NumericOutcome::Holds { defined, tried } => {
            assert_eq!(*defined, 256);
            assert!(*tried > 256, "no draw had x[i] = 0: {tried}");
        }
        other => panic!("expected holds, got {other:?}"),
    }
    // The counterexample names the false link's own index and variables.
    let cx = assert_false(&out[2]);
    assert_eq!(cx.indices, vec![("i".to_string(), 0)]);
    let names: Vec<&str> = cx.values.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x", "c"]);
    assert_ne!(cx.lhs, cx.rhs);
}

/// Draws computed ahead on a pool's threads change no answer: the same
/// outcomes as judging draw by draw on one thread, with links that fail
/// mid-wave (the wave is abandoned), links with undefined draws (they need
/// more draws than the others), and operation budgets that run out part
/// way (values computed ahead with a larger allowance are evaluated again).
#[test]
fn computing_ahead_on_threads_changes_no_answer() {
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let c = b.scalar("c", Domain::Real);
    let (i1, i2, i3, j) = (
        b.index("i", "n"),
        b.index("i", "n"),
        b.index("i", "n"),
        b.index("j", "n"),
    );
    let two = b.s.int(2);
    let x1 = b.at(x, &[i1]);
    let lhs1 = b.s.mul2(x1, two);
    let rhs1 = b.s.add2(x1, x1);
    let x2 = b.at(x, &[i2]);
    let lg = b.s.apply(Func::Log, x2);
    let lhs2 = b.s.mul2(two, lg);
    let sq = b.s.pow(x2, two);
    let rhs2 = b.s.apply(Func::Log, sq);
    let x3 = b.at(x, &[i3]);
    // False only where c > 1: relu(c - 1) = 0, relu(t) = (t + √(t²))/2.
    let one = b.s.int(1);
    let t = b.s.sub(c, one);
    let t2 = b.s.pow(t, two);
    let half = b.s.div(one, two);
    let root = b.s.pow(t2, half);
    let twice_relu = b.s.add2(t, root);
    let relu = b.s.div(twice_relu, two);
    let lhs3 = b.s.add2(x3, relu);
    let xj = b.at(x, &[j]);
    let e = b.s.apply(Func::Exp, xj);
    let costly = b.sum(j, e);
    let four = b.s.int(4);
    let quarter = b.s.div(one, four);
    let wrong = b.s.add2(costly, quarter);
    let config = SampleConfig {
        samples: 256,
        seed: 11,
    };
    let links = [
        (lhs1, rhs1, &[i1][..]),
        (lhs2, rhs2, &[i2][..]),
        (lhs3, x3, &[i3][..]),
        (costly, costly, &[][..]),
        (costly, wrong, &[][..]),
        (lhs3, lhs1, &[i3, i1][..]),
    ];
    for ops in [40, 300, 2_000, 9_000, 60_000, Limits::default().ops] {
        let limits = Limits {
            ops,
            ..Limits::default()
        };
        let alone = check_links_with(&b.s, &b.y, &links, &config, &limits);
        for threads in [2, 3] {
            let ahead = crate::parallel::in_pool(threads, || {
                check_links_with(&b.s, &b.y, &links, &config, &limits)
            });
            assert_eq!(ahead, alone, "{threads} threads, {ops} ops");
        }
    }
}

/// Two free indices of one link never share a value, even with the same
/// name: only indices of different links are identified.
#[test]
fn free_indices_of_one_link_stay_apart_in_a_group() {
    let mut b = B::default();
    let x = b.declare("x", &["n"], Domain::Real);
    let (i1, i2) = (b.index("i", "n"), b.index("i", "n"));
    let x1 = b.at(x, &[i1]);
    let x2 = b.at(x, &[i2]);
    let zero = b.s.int(0);
    let diff = b.s.sub(x1, x2);
    let config = SampleConfig {
        samples: 64,
        seed: 5,
    };
    assert_false(&check_link(&b.s, &b.y, diff, zero, &[i1, i2], &config));
    let links = [(diff, zero, &[i1, i2][..]), (x1, x1, &[i1][..])];
    assert_false(&check_links(&b.s, &b.y, &links, &config)[0]);
}

/// One side undefined at a point does not keep the group's other sides
/// from being evaluated there.
#[test]
fn an_undefined_side_stops_only_its_own_links() {
    let mut b = B::default();
    let p = b.scalar("p", Domain::Real);
    let lg = b.s.apply(Func::Log, p);
    let config = SampleConfig {
        samples: 128,
        seed: 9,
    };
    let links = [(lg, lg, &[][..]), (p, p, &[][..])];
    let out = check_links(&b.s, &b.y, &links, &config);
    match (&out[0], &out[1]) {
        (
            NumericOutcome::Holds { tried: t0, .. },
            NumericOutcome::Holds {
                defined: 128,
                tried: 128,
            },
        ) => assert!(*t0 > 128, "log(p) was defined at every draw"),
        other => panic!("unexpected {other:?}"),
    }
}
