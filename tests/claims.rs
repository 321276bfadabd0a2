//! The soundness and completeness suites, through the whole pipeline
//! (parser, lowering, both witnesses), not just the symbolic engine.
//!
//! - tests/claims/false_claims.txt: false claims of the kinds students make.
//!   Each must come out false: never proved, never holds.
//! - tests/claims/true_claims.txt: true identities and derivatives. Each
//!   must be verified, and the share proved symbolically must stay at or
//!   above the floor below (the test prints it).
//! - tests/claims/radicals.txt: radicals and exact multiples of π (issues
//!   #16 and #14): `ok_` claims must be proved, `false_` ones false, and
//!   `weak_` ones (wrong rewrites the numbers cannot refute) never proved.

mod claim_files;
use claim_files::{count_proved, verdicts, verify};
use derivcheck::Verdict;
use derivcheck::{verify_source, Options};
use pretty_assertions::assert_eq;

/// The share of true claims that must be proved, not just hold.
const PROVED_FLOOR: f64 = 0.90;

#[test]
fn every_false_claim_is_false() {
    let report = verify("tests/claims/false_claims.txt");
    assert!(
        report.claims.len() >= 100,
        "the suite shrank to {}",
        report.claims.len()
    );
    let wrong: Vec<_> = verdicts(&report)
        .into_iter()
        .filter(|(_, v)| v != &[Verdict::False])
        .collect();
    assert_eq!(wrong, vec![], "false claims not reported false");
}

#[test]
fn every_true_claim_is_verified_and_most_are_proved() {
    let report = verify("tests/claims/true_claims.txt");
    let all = verdicts(&report);
    let unverified: Vec<_> = all
        .iter()
        .filter(|(_, v)| !v.iter().all(|v| v.is_ok()))
        .collect();
    assert_eq!(
        unverified,
        Vec::<&(String, Vec<Verdict>)>::new(),
        "true claims not verified"
    );
    let proved = count_proved("completeness", &all);
    let share = proved as f64 / all.len() as f64;
    assert!(
        share >= PROVED_FLOOR,
        "only {proved} of {} proved",
        all.len()
    );
}

#[test]
fn a_proof_stands_when_f64_cannot_evaluate_the_sides() {
    // 10^400 overflows f64, so no sample is defined; the claim is still
    // true everywhere, and the report says why the numbers did not confirm it.
    let big = format!("1{}", "0".repeat(400));
    let text = format!("x : real\nclaim big: ({big} + 1) x - {big} x = x\n");
    let report = verify_source("big.txt", &text, &Options::default());
    let step = &report.claims[0].steps[0];
    assert_eq!(step.verdict, Verdict::Proved);
    let message = step.message.as_deref().unwrap_or("");
    assert!(message.contains("could not confirm"), "{message}");
}

#[test]
fn a_false_claim_with_huge_coefficients_is_not_proved() {
    let big = format!("1{}", "0".repeat(400));
    let text = format!("x : real\nclaim big: ({big} + 1) x - {big} x = 2 x\n");
    let report = verify_source("big.txt", &text, &Options::default());
    assert!(!report.claims[0].steps[0].verdict.is_ok());
}

#[test]
fn cancellation_traps_are_never_verified() {
    let report = verify("tests/claims/cancellation_traps.txt");
    assert!(report.claims.len() >= 8, "{}", report.claims.len());
    let verified: Vec<_> = verdicts(&report)
        .into_iter()
        .filter(|(_, v)| v.iter().all(|v| v.is_ok()))
        .collect();
    assert_eq!(verified, vec![], "false claims verified");
}

#[test]
fn notations_on_paper_are_proved_and_their_wrong_variants_are_false() {
    for (path, at_least) in [
        ("tests/claims/notation.txt", 35),
        ("tests/claims/norms_abs.txt", 10),
        ("tests/claims/hyperbolic.txt", 26),
    ] {
        notations_as_named(path, at_least);
    }
}

fn notations_as_named(path: &str, at_least: usize) {
    let report = verify(path);
    let mut wrong = Vec::new();
    for claim in &report.claims {
        let verdicts: Vec<Verdict> = claim.steps.iter().map(|s| s.verdict).collect();
        if claim.name.starts_with("ok_") {
            if !verdicts.iter().all(|&v| v == Verdict::Proved) {
                wrong.push((claim.name.clone(), verdicts));
            }
        } else if claim.name.starts_with("false_") {
            if !verdicts.contains(&Verdict::False) {
                wrong.push((claim.name.clone(), verdicts));
            }
        } else {
            let diagnosed = claim
                .steps
                .iter()
                .any(|s| s.verdict == Verdict::False && s.diagnosis.is_some());
            if !diagnosed
                || verdicts
                    .iter()
                    .any(|&v| v == Verdict::Proved && claim.steps.len() == 1)
            {
                wrong.push((claim.name.clone(), verdicts));
            }
        }
    }
    assert!(
        report.claims.len() >= at_least,
        "{path}: the suite shrank to {}",
        report.claims.len()
    );
    assert_eq!(
        wrong,
        vec![],
        "{path}: claims whose verdict is not what their name says"
    );
}

#[test]
fn radicals_and_multiples_of_pi_are_proved_and_their_near_misses_are_not() {
    let report = verify("tests/claims/radicals.txt");
    let all = verdicts(&report);
    let (ok, rest): (Vec<_>, Vec<_>) = all.iter().cloned().partition(|(n, _)| n.starts_with("ok_"));
    let falses = rest.iter().filter(|(n, _)| n.starts_with("false_")).count();
    assert!(
        ok.len() >= 20 && falses >= 20,
        "the suite shrank: {} true, {falses} false",
        ok.len()
    );
    let proved = count_proved("radicals", &ok);
    let mut wrong: Vec<_> = ok
        .iter()
        .filter(|(_, v)| !v.iter().all(|&v| v == Verdict::Proved))
        .cloned()
        .collect();
    wrong.extend(
        rest.iter()
            .filter(|(name, v)| {
                let proved_any = v.contains(&Verdict::Proved);
                if name.starts_with("false_") {
                    proved_any || !v.contains(&Verdict::False)
                } else {
                    proved_any || !name.starts_with("weak_")
                }
            })
            .cloned(),
    );
    assert_eq!(
        wrong,
        vec![],
        "claims whose verdict is not what their name says"
    );
    assert_eq!(proved, ok.len());
}
