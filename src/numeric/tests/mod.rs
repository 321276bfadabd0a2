//! Link-level tests of the numeric witness: expressions are built directly
//! in a store, checked, and the outcome compared with what is known.

use super::*;
use crate::expr::{DimId, Domain, Func, Node, Rational, VarId};
use num_bigint::BigInt;

mod evaluation;
mod rounding;
mod sampling;

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

/// d/dx σ(x) = sign · σ(x)(1 − σ(x)): holds for sign 1, false for −1.
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
