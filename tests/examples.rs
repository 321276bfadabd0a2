//! Acceptance tests: the shipped derivations verify, and every flawed
//! derivation in derivations/mistakes/ is caught at the wrong link.

mod common;
use common::run_cli;

use derivcheck::{verify_source, FileReport, Options};
use derivcheck::{StepReport, Verdict};
use pretty_assertions::assert_eq;

fn verify_file(rel: &str) -> FileReport {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    verify_source(rel, &text, &Options::default())
}

/// Every link that is not proved or holds, as (line, verdict).
fn bad_links(report: &FileReport) -> Vec<(usize, Verdict)> {
    report
        .claims
        .iter()
        .flat_map(|c| c.steps.iter())
        .filter(|s| !s.verdict.is_ok())
        .map(|s| (s.line, s.verdict))
        .collect()
}

fn all_steps(report: &FileReport) -> Vec<&StepReport> {
    report.claims.iter().flat_map(|c| c.steps.iter()).collect()
}

fn assert_verified(rel: &str, min_claims: usize) {
    let report = verify_file(rel);
    assert_eq!(report.errors, vec![], "{rel}: file errors");
    assert_eq!(bad_links(&report), vec![], "{rel}: links not verified");
    assert!(
        report.claims.len() >= min_claims,
        "{rel}: expected at least {min_claims} claims, found {}",
        report.claims.len()
    );
    for step in all_steps(&report) {
        // A contradiction between the witnesses is a bug in derivcheck.
        assert!(
            !step
                .message
                .as_deref()
                .unwrap_or("")
                .contains("internal error"),
            "{rel}:{}: {:?}",
            step.line,
            step.message
        );
    }
}

#[test]
fn sigmoid_verifies() {
    assert_verified("derivations/sigmoid.txt", 4);
}

#[test]
fn softmax_verifies() {
    assert_verified("derivations/softmax.txt", 2);
}

#[test]
fn cross_entropy_verifies() {
    assert_verified("derivations/cross_entropy.txt", 3);
}

#[test]
fn backprop_verifies() {
    assert_verified("derivations/backprop.txt", 5);
}

#[test]
fn chains_become_one_link_per_step() {
    // sigmoid_derivative has a start line and 8 `=` lines, and its start is
    // the claim's left side and its end the claim's right side.
    let report = verify_file("derivations/sigmoid.txt");
    let claim = &report.claims[0];
    assert_eq!(claim.name, "sigmoid_derivative");
    assert_eq!(claim.steps.len(), 8);
    let lines: Vec<usize> = claim.steps.iter().map(|s| s.line).collect();
    assert_eq!(lines, (9..=16).collect::<Vec<_>>());
    assert_eq!(
        claim.steps[0].justification.as_deref(),
        Some("definition of σ")
    );
}

/// (file, the first bad link's line, its verdict). A false link is the only
/// bad link of its file; an erroneous line may also spoil the next link.
const MISTAKES: &[(&str, usize, Verdict)] = &[
    ("derivations/mistakes/lost_sign.txt", 11, Verdict::False),
    (
        "derivations/mistakes/dropped_factor.txt",
        10,
        Verdict::False,
    ),
    ("derivations/mistakes/index_typo.txt", 13, Verdict::False),
    ("derivations/mistakes/exp_of_sum.txt", 11, Verdict::False),
    (
        "derivations/mistakes/bound_index_reused.txt",
        11,
        Verdict::False,
    ),
    ("derivations/mistakes/tanh_plus.txt", 11, Verdict::False),
    (
        "derivations/mistakes/logsumexp_chain_rule.txt",
        11,
        Verdict::False,
    ),
    (
        "derivations/mistakes/mse_missing_two.txt",
        16,
        Verdict::False,
    ),
    (
        "derivations/mistakes/l2_missing_two.txt",
        14,
        Verdict::False,
    ),
    (
        "derivations/mistakes/softmax_jacobian_sign.txt",
        17,
        Verdict::False,
    ),
    ("derivations/mistakes/bce_flipped.txt", 16, Verdict::False),
    (
        "derivations/mistakes/relu_forgotten.txt",
        21,
        Verdict::False,
    ),
    (
        "derivations/mistakes/quadratic_form_general.txt",
        10,
        Verdict::False,
    ),
    (
        "derivations/mistakes/gaussian_sigma.txt",
        25,
        Verdict::False,
    ),
    (
        "derivations/mistakes/attention_scale.txt",
        10,
        Verdict::False,
    ),
    (
        "derivations/mistakes/two_layers_sign.txt",
        33,
        Verdict::False,
    ),
];

/// Each derivation of the ML vocabulary and its twin in mistakes/, which
/// makes one realistic mistake (listed in [`MISTAKES`] with its line).
const TWINS: &[(&str, &str)] = &[
    ("tanh.txt", "tanh_plus.txt"),
    ("logsumexp.txt", "logsumexp_chain_rule.txt"),
    ("linear_regression.txt", "mse_missing_two.txt"),
    ("l2_regularization.txt", "l2_missing_two.txt"),
    ("softmax_jacobian.txt", "softmax_jacobian_sign.txt"),
    ("binary_cross_entropy.txt", "bce_flipped.txt"),
    ("relu_network.txt", "relu_forgotten.txt"),
    ("quadratic_form.txt", "quadratic_form_general.txt"),
    ("gaussian.txt", "gaussian_sigma.txt"),
    ("attention.txt", "attention_scale.txt"),
    ("two_hidden_layers.txt", "two_layers_sign.txt"),
];

/// Every derivation file of derivations/ (not mistakes/), by path.
fn derivation_files() -> Vec<String> {
    let dir = format!("{}/derivations", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".txt"))
        .map(|n| format!("derivations/{n}"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_derivation_has_a_twin_with_one_diagnosed_false_link() {
    let files = derivation_files();
    for (derivation, twin) in TWINS {
        let derivation = format!("derivations/{derivation}");
        let twin = format!("derivations/mistakes/{twin}");
        assert!(files.contains(&derivation), "{derivation} is missing");
        let (_, line, verdict) = MISTAKES
            .iter()
            .find(|(rel, _, _)| *rel == twin)
            .unwrap_or_else(|| panic!("{twin} is not in MISTAKES"));
        assert_eq!(*verdict, Verdict::False, "{twin}");
        let report = verify_file(&twin);
        let false_steps: Vec<&StepReport> = all_steps(&report)
            .into_iter()
            .filter(|s| s.verdict == Verdict::False)
            .collect();
        assert_eq!(false_steps.len(), 1, "{twin}: {:?}", bad_links(&report));
        assert_eq!(false_steps[0].line, *line, "{twin}");
        assert!(
            false_steps[0].diagnosis.is_some(),
            "{twin}:{line}: a false link without a diagnosis"
        );
    }
}

#[test]
fn each_mistake_is_found_at_its_line() {
    for &(rel, line, verdict) in MISTAKES {
        let report = verify_file(rel);
        let bad = bad_links(&report);
        assert_eq!(bad.first(), Some(&(line, verdict)), "{rel}: {bad:?}");
        // The shadowed index makes the next step false too: it starts from
        // a side that no longer depends on `j`.
        let consequences = usize::from(rel.ends_with("bound_index_reused.txt"));
        if verdict == Verdict::False {
            assert_eq!(bad.len(), 1 + consequences, "{rel}: {bad:?}");
        } else {
            assert!(
                bad.iter().all(|&(_, v)| v == Verdict::Error),
                "{rel}: {bad:?}"
            );
        }
    }
}

#[test]
fn false_links_carry_a_counterexample_that_differs() {
    for &(rel, _, verdict) in MISTAKES {
        if verdict != Verdict::False {
            continue;
        }
        let report = verify_file(rel);
        let step = all_steps(&report)
            .into_iter()
            .find(|s| s.verdict == Verdict::False)
            .unwrap();
        let cx = step
            .counterexample
            .as_ref()
            .expect("a false link has a counterexample");
        assert!(
            (cx.lhs - cx.rhs).abs() > 1e-9 * (1.0 + cx.lhs.abs().max(cx.rhs.abs())),
            "{rel}: counterexample sides agree: {cx:?}"
        );
        assert!(
            !cx.values.is_empty(),
            "{rel}: counterexample names no values"
        );
    }
}

#[test]
fn bound_index_clash_is_a_warning_that_names_the_index() {
    let report = verify_file("derivations/mistakes/bound_index_reused.txt");
    let warnings: Vec<&str> = report
        .notes
        .iter()
        .filter(|n| n.kind == derivcheck::outcome::NoteKind::Warning)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("shadows the free index `j`"),
        "{warnings:?}"
    );
}

#[test]
fn cli_exit_codes_on_examples_and_mistakes() {
    let files = derivation_files();
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let (code, stdout, stderr) = run_cli(&args);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    for &(rel, line, verdict) in MISTAKES {
        let (code, stdout, _) = run_cli(&["verify", rel]);
        let expected = if verdict == Verdict::Error { 2 } else { 1 };
        assert_eq!(code, expected, "{rel}:\n{stdout}");
        assert!(
            stdout.contains(&format!(":{line}")),
            "{rel}: line {line} not shown:\n{stdout}"
        );
    }
}

#[test]
fn every_example_link_is_proved_symbolically() {
    let files = derivation_files();
    assert!(files.len() >= 15, "{files:?}");
    for rel in &files {
        let report = verify_file(rel);
        assert_eq!(report.errors, vec![], "{rel}: file errors");
        assert!(!report.claims.is_empty(), "{rel}: no claims");
        let not_proved: Vec<(usize, Verdict)> = all_steps(&report)
            .into_iter()
            .filter(|s| s.verdict != Verdict::Proved)
            .map(|s| (s.line, s.verdict))
            .collect();
        assert_eq!(not_proved, vec![], "{rel}: links not proved");
        for step in all_steps(&report) {
            // The numeric witness ran too and agreed.
            assert!(
                step.samples.is_some_and(|s| s.defined > 0),
                "{rel}:{}",
                step.line
            );
        }
    }
}

#[test]
fn the_report_does_not_depend_on_the_number_of_threads() {
    for rel in [
        "derivations/backprop.txt",
        "derivations/mistakes/dropped_sigma_prime.txt",
        "derivations/mistakes/lost_sign.txt",
    ] {
        let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let with = |threads| {
            let mut options = Options::default();
            options.threads = threads;
            verify_source(rel, &text, &options)
        };
        let one = with(1);
        assert!(!one.claims.is_empty(), "{rel}");
        assert_eq!(one, with(3), "{rel}");
    }
}

#[test]
fn a_link_in_error_does_not_shift_the_verdicts_of_later_links() {
    // Each claim alone, then all together with links in error among them:
    // every claim must get the verdicts it gets alone.
    let decls = "a : real\nsigma(t) := 1 / (1 + exp(-t))\n";
    let claims = [
        "claim bad: a = q\n",
        "claim false1: a + 1 = a\n",
        "claim chain: a + a = 2 a\n    a + a\n  = a + undefined_name\n  = 2 a + 1\n  = 2 a\n",
        "claim false2: a + 2 = a\n",
        "claim true1: a + a = 2 a\n",
        "claim half: sigma(0) = 1/2\n    sigma(0)\n  = 1 / (1 + ee)\n",
        "claim false3: d/da sigma(a) = -sigma(a) (1 - sigma(a))\n",
    ];
    // A step's verdict, with the sides of its counterexample: a verdict
    // taken from another link would show that link's values.
    type Seen = (String, Vec<(Verdict, Option<(f64, f64)>)>);
    let verdicts = |report: &FileReport| -> Vec<Seen> {
        report
            .claims
            .iter()
            .map(|c| {
                let steps = c.steps.iter().map(|s| {
                    (
                        s.verdict,
                        s.counterexample.as_ref().map(|cx| (cx.lhs, cx.rhs)),
                    )
                });
                (c.name.clone(), steps.collect())
            })
            .collect()
    };
    let alone: Vec<Seen> = claims
        .iter()
        .flat_map(|c| {
            verdicts(&verify_source(
                "t.txt",
                &format!("{decls}{c}"),
                &Options::default(),
            ))
        })
        .collect();
    let together = verify_source(
        "t.txt",
        &format!("{decls}{}", claims.concat()),
        &Options::default(),
    );
    assert_eq!(verdicts(&together), alone);
    // And the verdicts are the expected ones, so the comparison can fail.
    let falses = alone
        .iter()
        .filter(|(_, v)| v.iter().any(|(v, _)| *v == Verdict::False))
        .count();
    assert_eq!(falses, 4, "{alone:?}");
}

#[test]
fn a_chain_through_a_narrower_domain_does_not_verify_a_false_claim() {
    let src = "x : real
claim narrows: sqrt(x^2) = x
  = sqrt(x)^2
  = x
claim does_not: sqrt(sigmoid(2 - x)) = sqrt(2)/2 sqrt(1 - tanh(x/2 - 1))
    sqrt(sigmoid(2 - x))
  = (1/2) sqrt(2) sqrt(1 - tanh(x/2 - 1))
  = sqrt(2)/2 sqrt(1 - tanh(x/2 - 1))
";
    let report = verify_source("t.txt", src, &Options::default());
    let narrows = &report.claims[0];
    // Each link holds where its sides are defined (x ≥ 0 in the middle)...
    assert_eq!(narrows.steps[0].verdict, Verdict::Holds);
    assert_eq!(narrows.steps[1].verdict, Verdict::Proved);
    // ...but the claim is false at x < 0, and says so on its own line.
    assert_eq!(narrows.verdict, Verdict::False);
    let whole = narrows.steps.last().expect("a step for the claim");
    assert_eq!((whole.line, whole.verdict), (2, Verdict::False));
    let why = whole.diagnosis.as_deref().unwrap_or("");
    assert!(why.contains("defined on less than the claim"), "{why}");
    // A claim that cannot be checked at all is not verified by its steps
    // (10^7 is beyond every sampled magnitude: the logs are never defined).
    let src2 = "r, t, u : real
claim unchecked: sqrt(r^2) = r + 0 log(-r - 10^7) + 0 log(t - 10^7) + 0 log(u - 10^7)
  = sqrt(r)^2
  = r + 0 log(-r - 10^7) + 0 log(t - 10^7) + 0 log(u - 10^7)
";
    let unchecked = verify_source("t.txt", src2, &Options::default());
    let claim = &unchecked.claims[0];
    assert!(!claim.verified(), "{:?}", claim.verdict);
    let why = claim
        .steps
        .last()
        .and_then(|s| s.message.clone())
        .unwrap_or_default();
    assert!(
        why.contains("the claim itself could not be checked"),
        "{why}"
    );
    // A chain with a step that merely holds, where the claim is true, gets
    // no extra step.
    let fine = &report.claims[1];
    assert!(fine.verified(), "{:?}", fine.verdict);
    assert_eq!(fine.steps.len(), 2);
}
