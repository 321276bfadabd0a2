//! Property test: for random expressions and points, the interval this
//! module computes contains the value that the soundness fuzzer's oracle
//! (`tests/oracle`: its own evaluator on `dashu-float`, a dev-dependency)
//! computes, within the oracle's error bound. The enclosures are what the
//! certified re-check calls a false link on, so a value outside one would
//! be an invented counterexample.

#[path = "../../../tests/oracle/mod.rs"]
mod oracle;

use super::{e, pi, Dy, Iv, Prec};
use dashu_int::IBig;
use num_bigint::BigInt;
use oracle::{Expr, Fun, F};
use proptest::prelude::*;

/// `e` in interval arithmetic, the way `certify.rs` evaluates the nodes;
/// `None` where the interval arithmetic declines (a pole inside, an
/// argument beyond its range).
fn enclose(e_: &Expr, x: f64, p: Prec) -> Option<Iv> {
    Some(match e_ {
        Expr::Int(n) => Iv::rational(&BigInt::from(*n), &BigInt::from(1), p),
        Expr::Var(_) => Iv::point(Dy::from_f64(x)?),
        Expr::Pi => pi(p)?,
        Expr::E => e(p)?,
        Expr::Neg(a) => enclose(a, x, p)?.neg(),
        Expr::Add(a, b) => enclose(a, x, p)?.add(&enclose(b, x, p)?, p),
        Expr::Sub(a, b) => enclose(a, x, p)?.sub(&enclose(b, x, p)?, p),
        Expr::Mul(a, b) => enclose(a, x, p)?.mul(&enclose(b, x, p)?, p),
        Expr::Div(a, b) => enclose(a, x, p)?.mul(&enclose(b, x, p)?.recip(p)?, p),
        Expr::Pow(a, b) => {
            let Expr::Int(n) = **b else { return None };
            enclose(a, x, p)?.powi(i64::try_from(n).ok()?, p)?
        }
        Expr::Call(f, a) => {
            let v = enclose(a, x, p)?;
            match f {
                Fun::Sin => v.sin_cos(p)?.0,
                Fun::Cos => v.sin_cos(p)?.1,
                Fun::Tan => {
                    let (s, c) = v.sin_cos(p)?;
                    s.mul(&c.recip(p)?, p)
                }
                Fun::Exp => v.exp(p)?,
                Fun::Log => v.ln(p)?,
                // As certify.rs takes a power 1/2: exp(log(x)/2).
                Fun::Sqrt => v
                    .ln(p)?
                    .mul(&Iv::rational(&BigInt::from(1), &BigInt::from(2), p), p)
                    .exp(p)?,
                Fun::Tanh => v.tanh(p)?,
                Fun::Sigmoid => v.sigmoid(p)?,
                Fun::Softplus => v.softplus(p)?,
                Fun::Abs => v.abs(),
                Fun::Relu => v.relu(),
            }
        }
    })
}

fn to_f(d: &Dy) -> F {
    let m: IBig = d.m.to_string().parse().expect("an integer");
    F::from_parts(m, d.e as isize)
}

/// Whether `iv` contains the oracle's value of `e_` at `x`, within the
/// oracle's error; `None` when either declines.
fn contains(e_: &Expr, x: f64, p: Prec) -> Option<Result<(), String>> {
    let iv = enclose(e_, x, p)?;
    let point = vec![("x".to_string(), x)];
    let (v, err) = oracle::value_with_error(e_, &point)?;
    let (lo, hi) = (to_f(&iv.lo), to_f(&iv.hi));
    let inside = lo <= v.clone() + err.clone() && v.clone() - err <= hi;
    Some(if inside {
        Ok(())
    } else {
        Err(format!(
            "{e_:?} at x = {x:e}, {} bits: oracle {:e}, interval [{:e}, {:e}]",
            p.0,
            v.to_f64().value(),
            iv.lo.approx(),
            iv.hi.approx()
        ))
    })
}

fn arb_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        3 => Just(Expr::Var("x".into())),
        1 => (0u64..20).prop_map(Expr::Int),
        1 => Just(Expr::Pi),
        1 => Just(Expr::E),
        // Exact constants beyond f64: 1/10^k and 2^n + 1.
        1 => (1u64..40).prop_map(|k| Expr::Div(
            Box::new(Expr::Int(1)),
            Box::new(Expr::Pow(Box::new(Expr::Int(10)), Box::new(Expr::Int(k)))),
        )),
        1 => (1u64..200).prop_map(|n| Expr::Add(
            Box::new(Expr::Pow(Box::new(Expr::Int(2)), Box::new(Expr::Int(n)))),
            Box::new(Expr::Int(1)),
        )),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        let b = |e: Expr| Box::new(e);
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::Add(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::Sub(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::Mul(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::Div(b(x), b(y))),
            (inner.clone(), 0u64..6).prop_map(move |(x, n)| Expr::Pow(b(x), b(Expr::Int(n)))),
            inner.clone().prop_map(|x| Expr::Neg(Box::new(x))),
            (
                proptest::sample::select(vec![
                    Fun::Sin,
                    Fun::Cos,
                    Fun::Tan,
                    Fun::Exp,
                    Fun::Log,
                    Fun::Sqrt,
                    Fun::Tanh,
                    Fun::Sigmoid,
                    Fun::Softplus,
                    Fun::Abs,
                    Fun::Relu,
                ]),
                inner
            )
                .prop_map(|(f, x)| Expr::Call(f, Box::new(x))),
        ]
    })
}

fn arb_x() -> impl Strategy<Value = f64> {
    prop_oneof![
        -4.0..4.0f64,
        -1e-6..1e-6f64,
        -700.0..700.0f64,
        Just(0.0),
        Just(1.0),
        Just(-1.0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        max_global_rejects: 1 << 14,
        ..ProptestConfig::default()
    })]

    #[test]
    fn intervals_contain_the_oracles_value(
        e_ in arb_expr(),
        x in arb_x(),
        prec in prop_oneof![Just(64u64), Just(200), Just(1100)],
    ) {
        // Declined cases (a pole, an undefined log, too wide) are drawn
        // again, so every case counted is a comparison.
        let r = contains(&e_, x, Prec(prec));
        prop_assume!(r.is_some());
        if let Some(Err(why)) = r {
            prop_assert!(false, "{}", why);
        }
    }
}

/// The same check on fixed expressions that both must take, so the
/// property above cannot pass by everything being declined.
#[test]
fn fixed_expressions_are_enclosed() {
    for text in [
        "sin(x + 2^30 pi) - sin(x)",
        "(2^100 + 1) exp(x) - 2^100 exp(x)",
        "sqrt(10^40 + 1) - 10^20",
        "tanh(x) - 2 sigmoid(2 x) + 1",
        "log(softplus(x)) + cos(x)^3 / (2 + sin(x))",
        "(1 + 1/10^25) x - x",
        "abs(x - 1/3) + relu(-x) + tan(x/7)",
        "e^3 - exp(3) + pi",
    ] {
        let e_ = oracle::parse(text).expect(text);
        for x in [0.3, -2.75, 1e-5] {
            for prec in [64, 200, 1100] {
                let r = contains(&e_, x, Prec(prec));
                assert_eq!(r, Some(Ok(())), "{text} at {x}, {prec} bits");
            }
        }
    }
}
