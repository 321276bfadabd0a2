//! Every false link of `derivations/mistakes/` gets the diagnosis that names
//! its kind of mistake, through the library as a user's test suite calls it.

use derivcheck::{verify_source, Options, Verdict};

/// The diagnoses of the false links of one mistakes file, with their lines.
fn diagnoses(file: &str) -> Vec<(usize, Option<String>)> {
    let path = format!("{}/derivations/mistakes/{file}", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let report = verify_source(
        &format!("derivations/mistakes/{file}"),
        &source,
        &Options::default(),
    );
    report
        .claims
        .iter()
        .flat_map(|c| &c.steps)
        .filter(|s| s.verdict == Verdict::False)
        .map(|s| (s.line, s.diagnosis.clone()))
        .collect()
}

/// The one false link of `file`: its line and its diagnosis.
fn the_diagnosis(file: &str) -> (usize, String) {
    let found = diagnoses(file);
    assert_eq!(found.len(), 1, "{file}: {found:?}");
    let (line, d) = found.into_iter().next().unwrap_or_default();
    (line, d.unwrap_or_else(|| panic!("{file}: no diagnosis")))
}

#[test]
fn lost_sign_says_a_sign_is_lost() {
    let (line, d) = the_diagnosis("lost_sign.txt");
    assert_eq!(line, 11);
    assert!(d.starts_with("a sign is lost; left − right = "), "{d}");
}

#[test]
fn dropped_factor_names_the_missing_chain_rule_factor() {
    let (line, d) = the_diagnosis("dropped_factor.txt");
    assert_eq!(line, 10);
    assert!(
        d.starts_with("a chain-rule factor (a) is missing: the derivative of a * x by x"),
        "{d}"
    );
}

#[test]
fn index_typo_shows_the_difference() {
    let (line, d) = the_diagnosis("index_typo.txt");
    assert_eq!(line, 13);
    let diff = d
        .strip_prefix("the two sides differ by ")
        .and_then(|d| d.strip_suffix(" (left − right)"))
        .unwrap_or_else(|| panic!("{d}"));
    // ŷ[j] against Σ_i y[i] ŷ[i]: the typo's trace, the let named where
    // its value appears whole.
    for part in ["ŷ[j]", "y[i]", "sum("] {
        assert!(diff.contains(part), "{d}");
    }
}

#[test]
fn exp_of_sum_names_the_wrong_rule() {
    let (line, d) = the_diagnosis("exp_of_sum.txt");
    assert_eq!(line, 11);
    assert!(
        d.starts_with(
            "exp of a sum is a product of exps, not a sum: exp(x[i] + c) = exp(x[i]) * exp(c); \
             left − right = "
        ),
        "{d}"
    );
}

#[test]
fn a_sum_that_shadows_the_free_index_leaves_a_side_that_does_not_depend_on_it() {
    // The sum's `j` is its own, so the step's right side is the same for
    // every `j` while the left side is not: both links touching it are
    // false, each saying which side depends on `j`, with two values of it.
    let found = diagnoses("bound_index_reused.txt");
    let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [11, 12], "{found:?}");
    for ((_, d), side) in found.iter().zip(["left", "right"]) {
        let d = d
            .as_deref()
            .unwrap_or_else(|| panic!("no diagnosis: {found:?}"));
        let other = if side == "left" { "right" } else { "left" };
        assert!(
            d.starts_with(&format!(
                "the {side} side depends on `j` but the {other} side does not: the {side} side is "
            )),
            "{d}"
        );
        assert!(d.contains(" at j = 0 ") || d.contains(" at j = 0,"), "{d}");
    }
}

#[test]
fn the_examples_have_no_diagnosis() {
    for file in ["sigmoid.txt", "softmax.txt", "cross_entropy.txt"] {
        let path = format!("{}/derivations/{file}", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let report = verify_source(file, &source, &Options::default());
        assert!(report.verified(), "{file}");
        assert!(
            report
                .claims
                .iter()
                .flat_map(|c| &c.steps)
                .all(|s| s.diagnosis.is_none()),
            "{file}"
        );
    }
}

#[test]
fn dropped_sigma_prime_names_the_missing_derivative_of_the_sigmoid() {
    let (line, d) = the_diagnosis("dropped_sigma_prime.txt");
    assert_eq!(line, 18);
    assert!(
        d.starts_with("a chain-rule factor is missing: sigmoid′("),
        "{d}"
    );
}

#[test]
fn every_mistakes_file_is_covered() {
    let dir = format!("{}/derivations/mistakes", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".txt"))
        .collect();
    files.sort();
    // A new mistakes file with a false link needs a test above. The shape
    // errors (missing_transpose, outer_wrong_order, w2_times_x) carry their
    // hint instead of a diagnosis; tests/matrix.rs checks those.
    let covered = [
        "bound_index_reused.txt",
        "dropped_factor.txt",
        "dropped_sigma_prime.txt",
        "exp_of_sum.txt",
        "index_typo.txt",
        "lost_sign.txt",
        "missing_transpose.txt",
        "outer_wrong_order.txt",
        "w2_times_x.txt",
    ];
    let mut all: Vec<&str> = covered.to_vec();
    all.extend(ML_TWINS.iter().map(|(f, _, _)| *f));
    all.sort_unstable();
    assert_eq!(files, all);
}

/// The twins of the ML derivations: (file, the false link's line, how its
/// diagnosis begins).
const ML_TWINS: &[(&str, usize, &str)] = &[
    (
        "attention_scale.txt",
        10,
        "an exponent is off by 1/2: 1 / sqrt(d) on the left, 1 / d on the right",
    ),
    ("bce_flipped.txt", 16, "a sign is lost"),
    (
        "gaussian_sigma.txt",
        25,
        "the two sides differ by 1 / s - N / s",
    ),
    ("l2_missing_two.txt", 14, "off by a factor 2"),
    ("logsumexp_chain_rule.txt", 11, "the two sides differ by "),
    ("mse_missing_two.txt", 16, "off by a factor 2"),
    (
        "quadratic_form_general.txt",
        10,
        "the two sides differ by sum(j, x[j] * A[j, i]) - sum(j, x[j] * A[i, j])",
    ),
    ("relu_forgotten.txt", 21, "the two sides differ by step("),
    (
        "softmax_jacobian_sign.txt",
        17,
        "the two sides differ by -2 * exp(z[i]) * exp(z[j])",
    ),
    ("tanh_plus.txt", 11, "the two sides differ by "),
    ("two_layers_sign.txt", 33, "a sign is lost"),
];

#[test]
fn the_ml_twins_are_diagnosed() {
    for &(file, line, start) in ML_TWINS {
        let (found, d) = the_diagnosis(file);
        assert_eq!(found, line, "{file}");
        assert!(d.starts_with(start), "{file}: {d}");
    }
}

/// The diagnoses of the false links of a source text.
fn diagnoses_of(source: &str) -> Vec<Option<String>> {
    let report = verify_source("t.txt", source, &Options::default());
    assert!(report.errors.is_empty(), "{source}: {:?}", report.errors);
    report
        .claims
        .iter()
        .flat_map(|c| &c.steps)
        .filter(|s| s.verdict == Verdict::False)
        .map(|s| s.diagnosis.clone())
        .collect()
}

#[test]
fn odd_false_claims_get_one_line_or_nothing() {
    let header = "x, a : real\np : positive\nv, w : vector[n]\nM : matrix[n, n]\nq : simplex[n]\n\
                  sigma(t) := 1 / (1 + exp(-t))\n";
    for claim in [
        "claim c: log(p) = log(p) + 1",
        "claim c: 1 / x = 1 / (x + 1)",
        "claim c: sqrt(p) = p",
        "claim c: sum(i, v[i] w[i]) = sum(i, v[i]) sum(j, w[j])",
        "claim c: sum(j, M[i, j] v[j]) = sum(j, M[j, i] v[j])",
        "claim c: sum(i, q[i]) = 2",
        "claim c: d/dx sigma(x^2) = sigma(x^2) (1 - sigma(x^2))",
        "claim c: d/dx exp(a x) = exp(a x)",
        "claim c: exp(x)^2 = exp(x^2)",
        "claim c: sin(x) = cos(x)",
        "claim c: x / x = 2",
    ] {
        let found = diagnoses_of(&format!("{header}{claim}\n"));
        assert_eq!(found.len(), 1, "{claim}: {found:?}");
        if let Some(d) = &found[0] {
            assert!(!d.is_empty() && !d.contains('\n'), "{claim}: {d}");
            assert!(d.chars().count() <= 400, "{claim}: {d}");
        }
    }
}

#[test]
fn the_chain_rule_factor_of_an_exponential() {
    let found = diagnoses_of("x, a : real\nclaim c: d/dx exp(a x) = exp(a x)\n");
    let d = found.first().cloned().flatten().unwrap_or_default();
    assert!(
        d.starts_with("a chain-rule factor (a) is missing: the derivative of a * x by x"),
        "{d}"
    );
}
