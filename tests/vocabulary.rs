//! The vocabulary of ML derivations end to end: relu, max, min, |x|, sign,
//! the step 1{x > 0}, softplus, logsumexp, mean, diag, tr, norm, symmetric
//! matrices, the row-wise softmax and dimensions used as numbers. Each
//! correct form is proved; a wrong variant of each is false with a
//! counterexample; a derivative through a kink names it.

mod common;
use common::run_cli;

use derivcheck::{verify_source, FileReport, Options, StepReport, Verdict};
use pretty_assertions::assert_eq;

const DECLS: &str = "\
x, y : real
p : positive
v, w : vector[n]
A, B : matrix[n, n]
S : symmetric matrix[n, n]
M : matrix[m, n]
";

fn verify(claims: &str) -> FileReport {
    verify_source(
        "vocabulary.txt",
        &format!("{DECLS}{claims}"),
        &Options::default(),
    )
}

/// The only link of a file of one one-line claim.
fn only_step(report: &FileReport) -> &StepReport {
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.claims.len(), 1);
    let steps = &report.claims[0].steps;
    assert_eq!(steps.len(), 1, "{steps:?}");
    &steps[0]
}

const PROVED: &[&str] = &[
    "d/dx relu(x) = 1{x > 0}",
    "d/dx abs(x) = sign(x)",
    "abs(x) sign(x) = x",
    "d/dx abs(x)^2 = 2 x",
    "d/dx (x abs(x)) = 2 abs(x)",
    "d/dx sign(x) = 0",
    "d/dx step(x) = 0",
    "d/dx softplus(x) = σ(x)",
    "softplus(x) = log(1 + exp(x))",
    "softplus(x) - softplus(-x) = x",
    "abs(x)^2 = x^2",
    "sqrt(x^2) = abs(x)",
    "abs(-x) = abs(x)",
    "abs(p) = p",
    "relu(p) = p",
    "relu(x) - relu(-x) = x",
    "relu(x) = max(x, 0)",
    "max(x, y) + min(x, y) = x + y",
    "max(x, y) = -min(-x, -y)",
    "d/dx max(x, y) = 1{x >= y}",
    "1{x >= 0} = 1 - 1{x < 0}",
    "1{x <= y} = 1 - 1{y < x}",
    "∂/∂v[i] logsumexp(v) = softmax(v)[i]",
    "logsumexp(v + x) = logsumexp(v) + x",
    "mean(v + w) = mean(v) + mean(w)",
    "mean(v) = Σ_i v[i] / n",
    "(diag(v) w)[i] = v[i] w[i]",
    "(diag(v) - v vᵀ)[i, j] = v[i] (δ(i, j) - v[j])",
    "tr(A + B) = tr(A) + tr(B)",
    "tr(A B) = tr(B A)",
    "tr(Aᵀ) = tr(A)",
    "norm(v)^2 = vᵀ v",
    "∂/∂v norm(v)^2 = 2 v",
    "Sᵀ = S",
    "S[i, j] = S[j, i]",
    "∂/∂v vᵀ S v = 2 S v",
    "∂/∂v vᵀ A v = (A + Aᵀ) v",
    "softmax(M)[i, j] = exp(M[i, j]) / Σ_k exp(M[i, k])",
    "softmax(M / sqrt(n))[i, j] = exp(M[i, j] / sqrt(n)) / Σ_k exp(M[i, k] / sqrt(n))",
    "sqrt(n) sqrt(n) = n",
    "Σ_i (v[i] - x)^2 = Σ_i v[i]^2 - 2 x Σ_i v[i] + n x^2",
    "∂/∂v v = I",
    "I v = v",
    "A I = A",
    "M I = M",
    "(A - x I) v = A v - x v",
    "(A + I)[i, j] = A[i, j] + δ(i, j)",
    "∂/∂v (x v) = x I",
];

#[test]
fn the_correct_forms_are_proved() {
    for claim in PROVED {
        let report = verify(&format!("claim c: {claim}\n"));
        let step = only_step(&report);
        assert_eq!(
            (step.verdict, step.witness),
            (Verdict::Proved, Some("symbolic")),
            "{claim}: {:?}",
            step.reason()
        );
        // The numeric witness ran too and agreed.
        assert!(step.samples.is_some_and(|s| s.defined > 0), "{claim}");
    }
}

const FALSE: &[&str] = &[
    "d/dx relu(x) = 1",
    "d/dx relu(x) = 1{x < 0}",
    "d/dx relu(x) = relu(x)",
    "d/dx abs(x) = 1",
    "sqrt(x^2) = x",
    "relu(x) = x",
    "max(x, y) = x",
    "min(x, y) = max(x, y)",
    "softplus(x) = relu(x)",
    "1{x > 0} = 1{x < 0}",
    "mean(v) = Σ_i v[i]",
    "logsumexp(v) = Σ_i v[i]",
    "tr(A B) = tr(A) tr(B)",
    "norm(v) = vᵀ v",
    "∂/∂v vᵀ A v = 2 A v",
    "∂/∂v vᵀ S v = S v",
    "softmax(M)[i, j] = exp(M[i, j]) / Σ_k Σ_l exp(M[k, l])",
    "1 / sqrt(n) = 1 / n",
    "I v = 2 v",
    "∂/∂v (A v) = I",
];

#[test]
fn a_wrong_variant_of_each_is_false_with_a_counterexample() {
    for claim in FALSE {
        let report = verify(&format!("claim c: {claim}\n"));
        let step = only_step(&report);
        assert_eq!(step.verdict, Verdict::False, "{claim}: {:?}", step.reason());
        let cx = step.counterexample.as_ref().expect("a counterexample");
        assert!((cx.lhs - cx.rhs).abs() > 1e-9, "{claim}: {cx:?}");
    }
}

#[test]
fn a_derivative_through_a_kink_names_it() {
    let report = verify("claim c: d/dx relu(x - y) = 1{x > y}\n");
    let step = only_step(&report);
    assert_eq!(step.verdict, Verdict::Proved);
    let note = step.message.as_deref().unwrap_or("");
    assert!(note.contains("except where x - y = 0"), "{note}");
    // A step without a kink says nothing of the kind.
    let report = verify("claim c: d/dx softplus(x) = σ(x)\n");
    assert_eq!(only_step(&report).message, None);
}

#[test]
fn a_claim_that_differs_only_on_the_kink_is_not_false() {
    // relu′(0) does not exist, so 1{x > 0} and 1{x >= 0} are both right.
    for claim in ["d/dx relu(x) = 1{x >= 0}", "d/dx max(x, y) = 1{x > y}"] {
        let report = verify(&format!("claim c: {claim}\n"));
        let step = only_step(&report);
        assert!(
            step.verdict.is_ok(),
            "{claim}: {:?}: {:?}",
            step.verdict,
            step.reason()
        );
    }
    // Wrong on one side of the kink only is still false.
    let report = verify("claim c: d/dx relu(x) = 1{x > 0} + 1{x < -1}\n");
    assert_eq!(only_step(&report).verdict, Verdict::False);
}

#[test]
fn a_dimension_counts_in_a_file_with_one_dimension() {
    let text =
        "x : vector[n]\nμ : real\nclaim c: Σ_i 1 = n\nclaim d: Σ_i (x[i] - μ) = Σ_i x[i] - n μ\n";
    let report = verify_source("count.txt", text, &Options::default());
    let verdicts: Vec<Verdict> = report
        .claims
        .iter()
        .flat_map(|c| c.steps.iter().map(|s| s.verdict))
        .collect();
    assert_eq!(verdicts, vec![Verdict::Proved, Verdict::Proved]);
}

#[test]
fn symmetric_declarations_are_checked() {
    for (text, wanted) in [
        (
            "S : symmetric matrix[n, m]\n",
            "a symmetric matrix is square",
        ),
        (
            "s : symmetric vector[n]\n",
            "only a matrix can be symmetric",
        ),
        (
            "S : symmetric matrix[n, n]\nx : vector[n]\nclaim c: ∂/∂S xᵀ S x = x xᵀ\n",
            "cannot differentiate by the symmetric matrix `S`",
        ),
    ] {
        let report = verify_source("sym.txt", text, &Options::default());
        let messages: Vec<String> = report
            .errors
            .iter()
            .map(|e| e.message().to_string())
            .chain(
                report
                    .claims
                    .iter()
                    .flat_map(|c| c.steps.iter())
                    .filter_map(|s| s.reason().map(str::to_string)),
            )
            .collect();
        assert!(
            messages.iter().any(|m| m.contains(wanted)),
            "{text}: {messages:?}"
        );
    }
}

#[test]
fn the_terminal_report_shows_the_kink() {
    let (code, stdout, stderr) = run_cli(&["verify", "derivations/relu_network.txt"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("relu_network.txt:16:1: the derivative exists except at a kink; this step holds except where t = 0"),
        "{stdout}"
    );
}

#[test]
fn latex_indicators_of_a_relation_are_steps() {
    let doc = "# relu\n\n$$\\frac{d}{dx} \\operatorname{relu}(x) = \\mathbb{1}\\{x > 0\\}$$\n\n\
               # wrong side\n\n$$\\frac{d}{dx} \\operatorname{relu}(x) = 1\\{x \\leq 0\\}$$\n\n\
               # delta\n\n$$\\sum_j \\mathbb{1}\\{i = j\\} v_j = v_i$$\n";
    let report = verify_source("relu.md", doc, &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let verdicts: Vec<Verdict> = report
        .claims
        .iter()
        .flat_map(|c| c.steps.iter().map(|s| s.verdict))
        .collect();
    assert_eq!(
        verdicts,
        vec![Verdict::Proved, Verdict::False, Verdict::Proved]
    );
}

#[test]
fn the_identity_needs_a_size_from_what_it_meets() {
    for claim in ["tr(I) = n", "I = I"] {
        let report = verify(&format!("claim c: {claim}\n"));
        let step = only_step(&report);
        assert_eq!(step.verdict, Verdict::Error, "{claim}");
        let reason = step.reason().unwrap_or("");
        assert!(
            reason.contains("cannot tell the size of the identity `I`"),
            "{claim}: {reason}"
        );
    }
    // A file's own `I` is its own.
    let text = "I : matrix[n, n]\nv : vector[n]\nclaim c: I v = v\n";
    let report = verify_source("own.txt", text, &Options::default());
    assert_eq!(only_step(&report).verdict, Verdict::False);
}
