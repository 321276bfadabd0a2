//! Matrix notation end to end: the matrix-form backpropagation equations,
//! the gradients of common building blocks, shape errors and their hints,
//! and the matrix mistakes students make.

use derivcheck::internals::lower_file;
use derivcheck::internals::parse_file;
use derivcheck::internals::{check_link, NumericOutcome, SampleConfig};
use derivcheck::{verify_source, FileReport, Options};
use derivcheck::{StepReport, Verdict};

fn read(rel: &str) -> String {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn verify(name: &str, text: &str) -> FileReport {
    verify_source(name, text, &Options::default())
}

fn steps(report: &FileReport) -> Vec<&StepReport> {
    report.claims.iter().flat_map(|c| c.steps.iter()).collect()
}

/// The matrix-form claims of backprop.txt (their names end in `_m` or
/// `_any`).
const MATRIX_CLAIMS: [&str; 18] = [
    "z1_matrix",
    "z2_matrix",
    "grad_z2_m",
    "grad_b2_m",
    "grad_W2_m",
    "grad_h_m",
    "grad_z1_m",
    "grad_b1_m",
    "grad_W1_m",
    "grad_x_m",
    "grad_z2_any",
    "grad_b2_any",
    "grad_W2_any",
    "grad_h_any",
    "grad_z1_any",
    "grad_b1_any",
    "grad_W1_any",
    "grad_x_any",
];

#[test]
fn backprop_matrix_form_is_proved_for_any_dimensions() {
    let report = verify(
        "derivations/backprop.txt",
        &read("derivations/backprop.txt"),
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for name in MATRIX_CLAIMS {
        let claim = report
            .claims
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("claim {name} missing"));
        for s in &claim.steps {
            assert_eq!(
                s.verdict,
                Verdict::Proved,
                "{name} line {}: {:?}",
                s.line,
                s.message
            );
        }
        // The chain walks the chain rule: more than one step.
        if name.starts_with("grad") {
            assert!(claim.steps.len() >= 2, "{name}");
        }
    }
    // The index-form claims are still there and still proved.
    assert!(report.claims.len() >= 17);
    assert!(report.claims.iter().all(|c| c.verified()));
}

#[test]
fn numeric_witness_agrees_on_backprop_at_random_dimensions() {
    // The numeric witness alone (forward-mode derivatives, no symbolic
    // differentiation), at dimensions drawn anew for each seed.
    let file = parse_file(&read("derivations/backprop.txt"));
    let lowered = lower_file(&file);
    let mut links = 0;
    for claim in lowered
        .claims
        .iter()
        .filter(|c| MATRIX_CLAIMS.contains(&c.name.as_str()))
    {
        for link in &claim.links {
            let link = link.as_ref().expect("lowers");
            for seed in [1, 2, 3] {
                let config = SampleConfig { samples: 24, seed };
                let out = check_link(
                    &lowered.store,
                    &lowered.symbols,
                    link.lhs,
                    link.rhs,
                    &link.free,
                    &config,
                );
                assert!(
                    matches!(out, NumericOutcome::Holds { .. }),
                    "{} seed {seed}: {out:?}",
                    claim.name
                );
            }
            links += 1;
        }
    }
    assert!(links >= 34, "{links}");
}

/// Declarations shared by the building-block claims.
const BLOCKS: &str = "x, a, b, c : vector[d]
A : matrix[d, d]
W : matrix[m, d]
u : vector[m]
y : onehot[d]
q : vector[d]
";

/// Gradients of common building blocks, each right (proved) and with a
/// plausible wrong answer (false).
const BLOCK_CASES: &[(&str, &str, &str)] = &[
    // (the gradient, right, wrong)
    ("∂/∂x Σ_i (W x)[i] u[i]", "Wᵀ u", "Wᵀ (2 u)"),
    ("∂/∂x (W x)", "W", "2 W"),
    ("∂/∂x (xᵀ A x)", "(A + Aᵀ) x", "2 A x"),
    ("∂/∂a Σ_i (a ⊙ b)[i]", "b", "a"),
    ("∂/∂a (aᵀ b)", "b", "a ⊙ b"),
    ("∂/∂x Σ_i exp(x[i])", "exp(x)", "x ⊙ exp(x)"),
    (
        "∂/∂x log(Σ_i exp(x[i]))",
        "exp(x) / Σ_j exp(x[j])",
        "exp(x) / Σ_j x[j]",
    ),
    (
        "∂/∂x Σ_i tanh(W x + u)[i]",
        "Wᵀ (1 - tanh(W x + u)^2)",
        "Wᵀ (1 - tanh(W x + u))",
    ),
    (
        "∂/∂x Σ_i sigmoid(W x + u)[i]",
        "Wᵀ (sigmoid(W x + u) ⊙ (1 - sigmoid(W x + u)))",
        "Wᵀ sigmoid(W x + u)",
    ),
    (
        "∂/∂q (-Σ_i y[i] log(softmax(q)[i]))",
        "softmax(q) - y",
        "y - softmax(q)",
    ),
    ("∂/∂W (uᵀ (W x))", "u xᵀ", "u (x ⊙ x)ᵀ"),
];

#[test]
fn gradients_of_building_blocks() {
    for (k, (grad, right, wrong)) in BLOCK_CASES.iter().enumerate() {
        let src = format!("{BLOCKS}claim right: {grad} = {right}\n");
        let r = verify("blocks.txt", &src);
        assert!(r.errors.is_empty(), "{grad}: {:?}", r.errors);
        let s = steps(&r);
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].verdict,
            Verdict::Proved,
            "case {k}: {grad} = {right}: {:?}",
            s[0].message
        );
        let src = format!("{BLOCKS}claim wrong: {grad} = {wrong}\n");
        let r = verify("blocks.txt", &src);
        let s = steps(&r);
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].verdict,
            Verdict::False,
            "case {k}: {grad} = {wrong}: {:?}",
            s[0].message
        );
    }
}

#[test]
fn false_matrix_equality_names_the_index() {
    let r = verify("t.txt", &format!("{BLOCKS}claim wrong: a bᵀ = b aᵀ\n"));
    let s = steps(&r);
    assert_eq!(s[0].verdict, Verdict::False);
    let cx = s[0].counterexample.as_ref().expect("a counterexample");
    let names: Vec<&str> = cx.indices.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["i", "j"]);
    assert_ne!(cx.indices[0].1, cx.indices[1].1, "fails off the diagonal");
}

/// A one-claim file's single step: its verdict and message.
fn step_of(claim: &str) -> (Verdict, String) {
    let r = verify("t.txt", &format!("{BLOCKS}claim c: {claim}\n"));
    let s = steps(&r);
    let s = s.first().expect("a step");
    let mut msg = s.reason().unwrap_or_default().to_string();
    if let Some(d) = &s.diagnostic {
        if let Some(h) = &d.help {
            msg.push_str(" help: ");
            msg.push_str(h);
        }
    }
    (s.verdict, msg)
}

#[test]
fn shape_errors_name_both_shapes_and_hint() {
    let cases: &[(&str, &[&str])] = &[
        (
            "W u = x",
            &[
                "cannot multiply a matrix[m, d] by a vector[m]",
                "did you mean `Wᵀ u`?",
            ],
        ),
        (
            "x W = u",
            &["a vector[d]", "a matrix[m, d]", "did you mean `W x`?"],
        ),
        (
            "a b = 1",
            &["needs one of them transposed", "did you mean `aᵀ b`?"],
        ),
        ("A W = A", &["did you mean `A Wᵀ`?"]),
        (
            "W x = x",
            &["a vector[d] but the other side is a vector[m]"],
        ),
        ("x uᵀ = W", &["did you mean `u xᵀ`?"]),
        ("W + A = W", &["the same shape"]),
        ("aᵀ u = 1", &["a transposed vector[d] by a vector[m]"]),
        (
            "Σ_i (aᵀ ⊙ b)[i] = 1",
            &[
                "cannot apply `⊙` to a transposed vector[d] and a vector[d]",
                "did you mean `a ⊙ b`?",
            ],
        ),
        ("(a - bᵀ)[i] = 1", &["did you mean `a - b`?"]),
    ];
    for (claim, wants) in cases {
        let (v, msg) = step_of(claim);
        assert_eq!(v, Verdict::Error, "{claim}");
        for w in *wants {
            assert!(msg.contains(w), "{claim}: {msg:?} lacks {w:?}");
        }
    }
}

#[test]
fn shapes_are_inferred() {
    // Each side's shape is its own; a claim between equal shapes lowers.
    for claim in [
        "W x = W x",
        "Wᵀ u = transpose(W) u",
        "(W Wᵀ) u = W (Wᵀ u)",
        "a bᵀ = transpose(b aᵀ)",
        "aᵀ (A b) = (aᵀ A) b",
        "1 - x = -(x - 1)",
        "a .* b = b ⊙ a",
        "(W x)[k] = Σ_j W[k, j] x[j]",
        "aᵀ b = bᵀ a",
        "∂/∂x (W x) = W",
        "∂/∂W (uᵀ W x) = u xᵀ",
        // A row vector is a vector: equal to the column up to transposition.
        "aᵀ = a",
        "aᵀ A = Aᵀ a",
    ] {
        let (v, msg) = step_of(claim);
        assert_eq!(v, Verdict::Proved, "{claim}: {msg}");
    }
}

/// (file, line of the first bad link, verdict, text the report must hold)
const MISTAKES: &[(&str, usize, Verdict, &str)] = &[
    (
        "derivations/mistakes/missing_transpose.txt",
        17,
        Verdict::Error,
        "did you mean `W2ᵀ (yhat - y)`?",
    ),
    (
        "derivations/mistakes/dropped_sigma_prime.txt",
        18,
        Verdict::False,
        "",
    ),
    (
        "derivations/mistakes/outer_wrong_order.txt",
        15,
        Verdict::Error,
        "did you mean `(yhat - y) hᵀ`?",
    ),
];

#[test]
fn matrix_mistakes_are_reported_at_their_line() {
    for (rel, line, verdict, hint) in MISTAKES {
        let r = verify(rel, &read(rel));
        let bad: Vec<&StepReport> = steps(&r)
            .into_iter()
            .filter(|s| !s.verdict.is_ok())
            .collect();
        let first = bad
            .first()
            .unwrap_or_else(|| panic!("{rel}: nothing reported"));
        assert_eq!((first.line, first.verdict), (*line, *verdict), "{rel}");
        if *verdict == Verdict::False {
            assert_eq!(bad.len(), 1, "{rel}");
            let cx = first.counterexample.as_ref().expect("counterexample");
            assert_ne!(cx.lhs, cx.rhs);
            assert_eq!(cx.indices.len(), 1, "names the element: {cx:?}");
        } else {
            let d = first.diagnostic.as_ref().expect("diagnostic");
            assert!(
                d.help.as_deref().is_some_and(|h| h.contains(hint)),
                "{rel}: {:?}",
                d.help
            );
        }
    }
}

#[test]
fn w2_times_x_typo_is_reported_at_the_let() {
    let rel = "derivations/mistakes/w2_times_x.txt";
    let r = verify(rel, &read(rel));
    let first = r.errors.first().expect("an error at the let");
    assert_eq!(first.line, 12);
    assert!(
        first
            .message()
            .contains("cannot multiply a matrix[n, m] by a vector[d]"),
        "{}",
        first.message()
    );
    // Nothing downstream is claimed to hold.
    assert!(r.claims.iter().all(|c| !c.verified()));
}

#[test]
fn jacobian_of_a_layer() {
    let src = "x : vector[d]
W1 : matrix[m, d]
b1 : vector[m]
let h = sigmoid(W1 x + b1)
claim jac: (∂h/∂x)[i, k] = h[i] (1 - h[i]) W1[i, k]
claim jac_whole: ∂h/∂x = ∂/∂x sigmoid(W1 x + b1)
claim jac_wrong: (∂h/∂x)[i, k] = h[i] W1[i, k]
";
    let r = verify("jac.txt", src);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let verdicts: Vec<Verdict> = steps(&r).iter().map(|s| s.verdict).collect();
    assert_eq!(
        verdicts,
        [Verdict::Proved, Verdict::Proved, Verdict::False],
        "{:?}",
        steps(&r).iter().map(|s| &s.message).collect::<Vec<_>>()
    );
}

#[test]
fn definitions_in_matrix_notation_bind_whole_arguments() {
    let src = "x : vector[d]
W : matrix[m, d]
b : vector[m]
layer(A, c, v) := sigmoid(A v + c)
quad(A, v) := vᵀ A v
sq(t) := t t
claim layer: layer(W, b, x) = sigmoid(W x + b)
claim quad: quad(Wᵀ W, x) = (W x)ᵀ (W x)
claim elementwise: sq(x) = x ⊙ x
claim wrong: layer(W, b, x) = sigmoid(W x) + b
";
    let r = verify("defs.txt", src);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let verdicts: Vec<Verdict> = steps(&r).iter().map(|s| s.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Proved,
            Verdict::Proved,
            Verdict::Proved,
            Verdict::False
        ]
    );
}

/// The network of backprop.txt, for claims about derivatives by its lets.
const NETWORK: &str = "x : vector[d]
W1 : matrix[m, d]
b1 : vector[m]
W2 : matrix[n, m]
b2 : vector[n]
y : onehot[n]
sigma(t) := 1 / (1 + exp(-t))
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let z1 = W1 x + b1
let h = sigma(z1)
let z2 = W2 h + b2
let yhat = softmax(z2)
let L = -Σ_i y[i] log(yhat[i])
";

/// Verdicts of one-step claims, in order.
fn verdicts(decls: &str, claims: &[&str]) -> Vec<Verdict> {
    let mut src = decls.to_string();
    for (k, c) in claims.iter().enumerate() {
        src.push_str(&format!("claim c{k}: {c}\n"));
    }
    let r = verify("t.txt", &src);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.claims
        .iter()
        .map(|c| {
            assert_eq!(c.steps.len(), 1, "{}", c.name);
            c.steps[0].verdict
        })
        .collect()
}

#[test]
fn derivatives_by_a_let_name_hold_everything_else_fixed() {
    use Verdict::{False, Proved};
    let claims = [
        // The let differentiated by is a variable of its own...
        "∂z2[i]/∂z2[k] = δ(i, k)",
        "∂h[i]/∂z1[k] = h[i] (1 - h[i]) δ(i, k)",
        "∂L/∂z2 = yhat - y",
        "∂L/∂h = W2ᵀ (yhat - y)",
        "∂L/∂z1 = (∂L/∂h) ⊙ h ⊙ (1 - h)",
        // ...and the chain rule through it gives the full gradient.
        "∂L/∂W1 = (∂L/∂z1) xᵀ",
        // A dropped σ′, an extra one, the sign lost.
        "∂L/∂z1 = W2ᵀ (yhat - y)",
        "∂L/∂h = (W2ᵀ (yhat - y)) ⊙ h ⊙ (1 - h)",
        "∂L/∂z2 = y - yhat",
    ];
    let want = [
        Proved, Proved, Proved, Proved, Proved, Proved, False, False, False,
    ];
    assert_eq!(verdicts(NETWORK, &claims), want);
}

#[test]
fn mixed_derivatives_by_a_let_name_are_partial() {
    use Verdict::{False, Proved};
    let decls = "x, y : real\nlet u = x y\nlet f = u^2 + x\n";
    let claims = [
        "∂f/∂u = 2 x y",
        // Outside the derivative, u is x y again.
        "∂/∂x (∂f/∂u) = 2 y",
        // ∂f/∂x holds u fixed inside ∂/∂u: f = u² + x gives 1.
        "∂/∂u (∂f/∂x) = 0",
        // Without the let-name, the derivative goes through u.
        "∂f/∂x = 2 x y^2 + 1",
        "∂/∂u (∂f/∂u) = 2",
        "∂f/∂u = 2 u + 1",
        "∂/∂x (∂f/∂u) = 2 x",
    ];
    let want = [Proved, Proved, Proved, Proved, Proved, False, False];
    assert_eq!(verdicts(decls, &claims), want);
}

#[test]
fn second_derivatives_by_a_let_name_agree_between_witnesses() {
    // ∂z2/∂b2 = I, so differentiating ∂L/∂z2 by b2 or by z2 itself gives
    // the same Hessian. Whether or not the symbolic witness proves it, no
    // witness may call it false (an internal error would be Verdict::Error).
    let v = verdicts(NETWORK, &["∂/∂b2 (∂L/∂z2) = ∂/∂z2 (∂L/∂z2)"]);
    assert!(matches!(v[0], Verdict::Proved | Verdict::Holds), "{v:?}");
    let v = verdicts(NETWORK, &["∂/∂b2 (∂L/∂z2) = 2 ∂/∂z2 (∂L/∂z2)"]);
    assert_eq!(v, [Verdict::False]);
}

#[test]
fn let_name_derivative_errors_are_located() {
    let (v, msg) = step_of("∂/∂x (W x)[k] = ∂W/∂x");
    assert_eq!(v, Verdict::Error);
    assert!(!msg.is_empty());
    let r = verify("t.txt", &format!("{NETWORK}claim c: ∂L/∂h[j, k] = 0\n"));
    let s = steps(&r);
    assert_eq!(s[0].verdict, Verdict::Error);
    let msg = s[0].reason().unwrap_or_default().to_string();
    assert!(msg.contains("takes 1 index, but 2 were given"), "{msg}");
    let r = verify(
        "t.txt",
        &format!("{NETWORK}claim c: ∂L/∂h = W2 (yhat - y)\n"),
    );
    let s = steps(&r);
    assert_eq!(s[0].verdict, Verdict::Error);
}
