//! A differential fuzzer for soundness: random small claims whose truth is
//! known by construction (an expression against a rewritten form that is
//! equal, or one off by a small exact amount), checked by derivcheck; no
//! false claim may be proved or hold, no true claim may be false.
//!
//! As a test it runs a fixed set of cases. `FUZZ_SECONDS=N` runs it for
//! about N seconds instead and prints the counts
//! (`scripts/fuzz-soundness.sh N`); `FUZZ_SEED` picks the first case.

use derivcheck::{verify_source, Options, Verdict};
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

/// A claim and whether it is true.
fn claim(rng: &mut Rng) -> (String, bool) {
    let (a, b) = (expr(rng, 3), expr(rng, 2));
    let k = 1 + rng.below(40);
    let big = 1 + rng.below(120);
    let tiny = format!("1/10^{k}");
    let truth = rng.below(2) == 0;
    let (l, r) = match (rng.below(8), truth) {
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
        (3, false) => (format!("cos({a} + (2^{big} + 1) pi)"), format!("cos({a})")),
        (4, true) => (format!("tanh({a})"), format!("2 sigmoid(2 ({a})) - 1")),
        (4, false) => (
            format!("tanh({a})"),
            format!("2 sigmoid(2 ({a})) - 1 + {tiny}"),
        ),
        (5, true) => (format!("({a}) ({b} + 3)"), format!("({a}) ({b}) + 3 ({a})")),
        (5, false) => (format!("exp({a}) (1 + {tiny})"), format!("exp({a})")),
        (6, true) => (format!("({a}) / 10^{k} * 10^{k}"), a.to_string()),
        (6, false) => (format!("({a}) + 10^{k} - 10^{k} + {tiny}"), a.to_string()),
        (_, true) => (format!("sqrt(({b})^2 + p)^2"), format!("({b})^2 + p")),
        (_, false) => (
            format!("sqrt(({b})^2 + p + {tiny})"),
            format!("sqrt(({b})^2 + p)"),
        ),
    };
    (
        format!("x, y : real\np : positive\nclaim c: {l} = {r}\n"),
        truth,
    )
}

/// What the runs saw.
#[derive(Debug, Default)]
struct Counts {
    cases: u64,
    true_ok: u64,
    false_caught: u64,
    /// Undecided: undefined, inconclusive (a budget or a vague point).
    undecided: u64,
    /// Soundness failures, with their texts.
    unsound: Vec<String>,
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
        let (text, truth) = claim(&mut rng);
        options.seed = Some(rng.next());
        let report = verify_source("fuzz.txt", &text, &options);
        counts.cases += 1;
        let verdict = report.claims.first().map(|c| c.verdict);
        match (verdict, truth) {
            (Some(Verdict::Proved | Verdict::Holds), true) => counts.true_ok += 1,
            (Some(Verdict::False), false) => counts.false_caught += 1,
            (Some(Verdict::False), true) | (Some(Verdict::Proved | Verdict::Holds), false) => {
                counts.unsound.push(format!(
                    "{text}(true: {truth}, got {verdict:?}, seed {:?})",
                    options.seed
                ));
            }
            _ => counts.undecided += 1,
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
        "fuzz-soundness: {} cases in {:.1} s ({:.0} per minute): {} true verified, {} false caught, {} undecided, {} unsound",
        counts.cases,
        minutes * 60.0,
        counts.cases as f64 / minutes.max(1e-9),
        counts.true_ok,
        counts.false_caught,
        counts.undecided,
        counts.unsound.len()
    );
    assert!(counts.unsound.is_empty(), "{}", counts.unsound.join("\n"));
    // The run decided most claims: a fuzzer whose every case ends
    // "undefined" would test nothing.
    assert!(
        counts.true_ok + counts.false_caught >= counts.cases * 3 / 4,
        "{counts:?}"
    );
}
