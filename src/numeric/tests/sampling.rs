//! Sampling: undefined points, domains, seeds, budgets, malformed links,
//! random points, and links sampled together.

use super::*;

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
        // log of a zero share (edge draws have them) is undefined.
        let share = p.vars[0][p.indices[0]];
        assert!(eval_at(&b.s, &b.y, l, p).map_or(share == 0.0, |v| v <= 0.0));
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
    // 4 × 256 draws, more than samples / 8; for k = 200000 fewer (only
    // the far value 2^20 of a few edge draws).
    for (k, expect_holds) in [(30, true), (2_000_000, false)] {
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
