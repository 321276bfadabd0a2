//! A differential fuzzer for soundness: random small claims whose truth is
//! known by construction (an expression against a rewritten form that is
//! equal, or one off by a small exact amount, often below what an `f64`
//! can hold: `1/10^k`, `2^-n`, `exp(-m)` and `2^1000` factors, multiples
//! of π up to 2^120) and random mixes whose truth is not known by
//! construction, checked by derivcheck. Every claim is also judged by an independent
//! high-precision oracle (`tests/oracle`, on `dashu-float`). No claim
//! false by construction or certified false by the oracle may be proved or
//! hold; no claim true by construction or equal at six points or more for
//! the oracle may be false; and the oracle must never contradict the
//! construction.
//!
//! As a test it runs 20 cases. `FUZZ_SECONDS=N` runs it for
//! about N seconds instead and prints the counts
//! (`scripts/fuzz-soundness.sh N`); `FUZZ_SEED` picks the first case.

mod oracle;

use derivcheck::{verify_source, Options, Verdict};
use oracle::Judgement;
use std::time::{Duration, Instant};

/// SplitMix64: a small, reproducible source of choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// A random expression in x, y (real) and p (positive), `depth` deep at most.
fn expr(rng: &mut Rng, depth: u32) -> String {
    if depth == 0 || rng.below(4) == 0 {
        return rng
            .pick(&["x", "y", "p", "2", "3", "1/2", "pi", "x", "p"])
            .to_string();
    }
    let (a, b) = (expr(rng, depth - 1), expr(rng, depth - 1));
    match rng.below(11) {
        0 => format!("({a} + {b})"),
        1 => format!("({a} - {b})"),
        2 | 3 => format!("({a}) ({b})"),
        4 => format!("sin({a})"),
        5 => format!("cos({a})"),
        6 => format!("tanh({a})"),
        7 => format!("sigmoid({a})"),
        8 => format!("({a})^2"),
        9 => format!("sqrt(p + ({a})^2)"),
        _ => format!("exp(sin({a}))"),
    }
}

/// `text` with the variable `x` (not the x of `exp`) replaced by `with`.
fn subst_x(text: &str, with: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in cs.iter().enumerate() {
        let alpha = |j: Option<usize>| {
            j.and_then(|j| cs.get(j))
                .is_some_and(|c| c.is_alphanumeric())
        };
        if c == 'x' && !alpha(i.checked_sub(1)) && !alpha(Some(i + 1)) {
            out.push_str(with);
        } else {
            out.push(c);
        }
    }
    out
}

/// A claim: its two sides and whether it is true by construction (`None`
/// for the random mixes, whose truth only the oracle tells).
struct Claim {
    lhs: String,
    rhs: String,
    truth: Option<bool>,
}

/// A claim true or false by construction, or a random mix.
fn claim(rng: &mut Rng) -> Claim {
    let (a, b) = (expr(rng, 3), expr(rng, 2));
    let k = 1 + rng.below(40);
    let big = 1 + rng.below(120);
    let tiny = format!("1/10^{k}");
    let truth = rng.below(2) == 0;
    let (l, r) = match (rng.below(16), truth) {
        (0, true) => (format!("({a}) (sin({b})^2 + cos({b})^2)"), a.to_string()),
        (0, false) => (
            format!("({a}) + (sin({b})^2 + cos({b})^2)"),
            format!("({a}) + 1 + {tiny}"),
        ),
        (1, true) => (
            format!("exp(sin({a}) + {b})"),
            format!("exp(sin({a})) exp({b})"),
        ),
        (1, false) => (
            format!("exp(sin({a}) + {b} + {tiny})"),
            format!("exp(sin({a})) exp({b})"),
        ),
        (2, true) => (
            format!("(({a}) + ({b}))^2"),
            format!("({a})^2 + 2 ({a}) ({b}) + ({b})^2"),
        ),
        (2, false) => (
            format!("(({a}) + ({b}))^2"),
            format!("({a})^2 + 2 ({a}) ({b}) + ({b})^2 + {tiny}"),
        ),
        (3, true) => (format!("sin({a} + 2^{big} pi)"), format!("sin({a})")),
        // Not `cos(a)`: `a` may be π/2 for every x, and the claim true.
        (3, false) => (
            format!("cos(x + ({a}) + (2^{big} + 1) pi)"),
            format!("cos(x + ({a}))"),
        ),
        (4, true) => (format!("tanh({a})"), format!("2 sigmoid(2 ({a})) - 1")),
        (4, false) => (
            format!("tanh({a})"),
            format!("2 sigmoid(2 ({a})) - 1 + {tiny}"),
        ),
        (5, true) => (format!("({a}) ({b} + 3)"), format!("({a}) ({b}) + 3 ({a})")),
        (5, false) => (format!("exp({a}) (1 + {tiny})"), format!("exp({a})")),
        (6, true) => (format!("({a}) / 10^{k} * 10^{k}"), a.to_string()),
        (6, false) => (format!("({a}) + 10^{k} - 10^{k} + {tiny}"), a.to_string()),
        // The list: falsity below f64, in exact constants.
        // Scaled by 1 + a², never 0: `a` may be 0 for every x (`sin((pi -
        // pi) p)`), and then the claim is true.
        (7, true) => (
            format!("(1 + {tiny}) (1 + ({a})^2)"),
            format!("(1 + ({a})^2) + (1 + ({a})^2) / 10^{k}"),
        ),
        (7, false) => (
            format!("(1 + {tiny}) (1 + ({a})^2)"),
            format!("1 + ({a})^2"),
        ),
        (8, true) => (format!("sqrt(10^{})", 2 * k), format!("10^{k}")),
        (8, false) => (format!("sqrt(10^{} + 1)", 2 * k), format!("10^{k}")),
        (9, t) => (
            format!("(({a}) + 10^{k})^2 - ({a})^2 - 2 (10^{k}) ({a})"),
            format!("10^{}{}", 2 * k, if t { "" } else { " + 1" }),
        ),
        (10, t) => {
            let n = 1 + rng.below(1000);
            (
                format!("(2^{n} + 1) exp({a})"),
                format!(
                    "2^{n} exp({a}){}",
                    if t {
                        format!(" + exp({a})")
                    } else {
                        String::new()
                    }
                ),
            )
        }
        (11, true) => (format!("cos({a} + (2^{big} + 1) pi)"), format!("-cos({a})")),
        (11, false) => (
            format!("sin({a} + 2^{big} pi + {tiny})"),
            format!("sin({a})"),
        ),
        // Random mixes: a random expression against itself with a tiny
        // change inside; whether that changes its value (`b` may not
        // depend on x) is the oracle's to say.
        (12, _) => {
            let c = expr(rng, 3);
            return Claim {
                lhs: subst_x(&c, &format!("(x + {tiny})")),
                rhs: c,
                truth: None,
            };
        }
        // A constant far from 1: 2^-n (an f64) with n from 53 to 200, or
        // exp(-m) with m from 37 to 300; on 1 + a², never 0.
        (14 | 15, t) => {
            let c = if rng.below(2) == 0 {
                format!("2^-{}", 53 + rng.below(148))
            } else {
                format!("exp(-{})", 37 + rng.below(264))
            };
            let a = format!("(1 + ({a})^2)");
            if t {
                (format!("{a} + {c} {a}"), format!("{a} (1 + {c})"))
            } else {
                (format!("{a} + {c} {a}"), a)
            }
        }
        (_, _) => {
            let c = expr(rng, 3);
            let scaled = if rng.below(2) == 0 {
                format!("({c}) (2^{big} + 1) / 2^{big}")
            } else {
                format!("({c}) + ({b}) / 10^{k}")
            };
            return Claim {
                lhs: scaled,
                rhs: c,
                truth: None,
            };
        }
    };
    Claim {
        lhs: l,
        rhs: r,
        truth: Some(truth),
    }
}

/// The oracle's points: x and y in [−3, 3], p in [1/10, 4].
fn points(rng: &mut Rng) -> Vec<oracle::Point> {
    let mut unit = || (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    (0..8)
        .map(|_| {
            vec![
                ("x".to_string(), 6.0 * unit() - 3.0),
                ("y".to_string(), 6.0 * unit() - 3.0),
                ("p".to_string(), 0.1 + 3.9 * unit()),
            ]
        })
        .collect()
}

/// What the runs saw.
#[derive(Debug, Default)]
struct Counts {
    cases: u64,
    /// Proved or holds.
    verified: u64,
    /// False.
    refuted: u64,
    /// Undecided: undefined, inconclusive (a budget or a vague point).
    undecided: u64,
    /// The oracle's judgements: certified false, equal at 6 points or
    /// more, neither.
    oracle_false: u64,
    oracle_true: u64,
    oracle_undecided: u64,
    /// Soundness failures, with their texts.
    unsound: Vec<String>,
    /// Claims where the oracle and the construction disagree: a bug in
    /// one of them.
    disagreements: Vec<String>,
}

fn run(first_seed: u64, deadline: Option<Instant>, cases: u64) -> Counts {
    let mut counts = Counts::default();
    let mut options = Options::default();
    options.threads = 1;
    let mut rng = Rng(first_seed);
    while counts.cases < cases || deadline.is_some_and(|d| Instant::now() < d) {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let c = claim(&mut rng);
        let text = format!(
            "x, y : real\np : positive\nclaim c: {} = {}\n",
            c.lhs, c.rhs
        );
        options.seed = Some(rng.next());
        let judgement = oracle::judge(&c.lhs, &c.rhs, &points(&mut rng), 6);
        let report = verify_source("fuzz.txt", &text, &options);
        counts.cases += 1;
        let verdict = report.claims.first().map(|c| c.verdict);
        let verified = matches!(verdict, Some(Verdict::Proved | Verdict::Holds));
        let refuted = verdict == Some(Verdict::False);
        match (verified, refuted) {
            (true, _) => counts.verified += 1,
            (_, true) => counts.refuted += 1,
            _ => counts.undecided += 1,
        }
        let oracle_truth = match &judgement {
            Judgement::False(..) => {
                counts.oracle_false += 1;
                Some(false)
            }
            Judgement::True => {
                counts.oracle_true += 1;
                Some(true)
            }
            Judgement::Undecided => {
                counts.oracle_undecided += 1;
                None
            }
        };
        let seen = format!(
            "{text}(by construction: {:?}, oracle: {judgement:?}, got {verdict:?}, seed {:?})",
            c.truth, options.seed
        );
        for truth in [c.truth, oracle_truth].into_iter().flatten() {
            if (truth && refuted) || (!truth && verified) {
                counts.unsound.push(seen.clone());
                break;
            }
        }
        if c.truth.is_some() && oracle_truth.is_some() && c.truth != oracle_truth {
            counts.disagreements.push(seen);
        }
    }
    counts
}

#[test]
fn random_claims_get_sound_verdicts() {
    let seconds: Option<u64> = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(14);
    let started = Instant::now();
    let counts = match seconds {
        Some(s) => run(seed, Some(started + Duration::from_secs(s)), 0),
        None => run(seed, None, 20),
    };
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    println!(
        "fuzz-soundness: {} cases in {:.1} s ({:.0} per minute): {} verified, {} false, {} undecided; \
         oracle: {} false, {} true, {} undecided; {} unsound, {} oracle/construction disagreements",
        counts.cases,
        minutes * 60.0,
        counts.cases as f64 / minutes.max(1e-9),
        counts.verified,
        counts.refuted,
        counts.undecided,
        counts.oracle_false,
        counts.oracle_true,
        counts.oracle_undecided,
        counts.unsound.len(),
        counts.disagreements.len(),
    );
    assert!(counts.unsound.is_empty(), "{}", counts.unsound.join("\n"));
    assert!(
        counts.disagreements.is_empty(),
        "{}",
        counts.disagreements.join("\n")
    );
    // The run decided most claims, and so did the oracle: a fuzzer whose
    // every case ends "undefined" would test nothing.
    assert!(
        counts.verified + counts.refuted >= counts.cases * 3 / 4,
        "{counts:?}"
    );
    assert!(
        counts.oracle_true + counts.oracle_false >= counts.cases * 3 / 4,
        "{counts:?}"
    );
}

/// The claims whose falsity hides below `f64`, and the π claims
/// that are true, as the oracle judges them: the oracle itself can fail.
#[test]
fn the_oracle_sees_below_f64_and_through_multiples_of_pi() {
    let mut rng = Rng(7);
    let pts = points(&mut rng);
    for (l, r) in [
        ("(1 + 1/10^25) x", "x"),
        ("sqrt(10^40 + 1)", "10^20"),
        ("(x + 10^20)^2 - x^2 - 2 (10^20) x", "10^40 + 1"),
        ("(2^1000 + 1) exp(x)", "2^1000 exp(x)"),
        ("exp(x + 1/10^30)", "exp(x)"),
        ("cos(x + (2^100 + 1) pi)", "cos(x)"),
        ("x + 2^-90 x", "x"),
        ("x + exp(-70) x", "x"),
    ] {
        assert!(
            matches!(oracle::judge(l, r, &pts, 6), Judgement::False(..)),
            "{l} = {r}"
        );
    }
    for (l, r) in [
        ("sin(x + 2^100 pi)", "sin(x)"),
        ("(x + 10^20)^2 - x^2 - 2 (10^20) x", "10^40"),
        ("sin(10^20 pi)", "0"),
        ("cos(10^20 pi)", "1"),
        ("tanh(x)", "2 sigmoid(2 x) - 1"),
        ("(2^1000 + 1) exp(x)", "2^1000 exp(x) + exp(x)"),
    ] {
        assert_eq!(oracle::judge(l, r, &pts, 6), Judgement::True, "{l} = {r}");
    }
    // Undefined at every point decides nothing.
    assert_eq!(
        oracle::judge("sqrt(-1 - x^2)", "0", &pts, 6),
        Judgement::Undecided
    );
}
