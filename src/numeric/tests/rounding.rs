//! Rounding against real differences: the tolerance, the double-double
//! re-check, and the rounding-error bound as a bound.

use super::*;

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
