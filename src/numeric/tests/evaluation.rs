//! What links evaluate to: sums, deltas, forward-mode derivatives, the
//! memo, points read row-major, powers in their domains.

use super::*;

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
    // Far values overflow exp: those points are skipped.
    assert!(matches!(
        b.check(lhs, rhs, &[]),
        NumericOutcome::Holds {
            defined: 256,
            tried: 256..=300
        }
    ));
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
