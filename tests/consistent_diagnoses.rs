//! Issue 13, item 5: the same mistake gets the same diagnosis however the
//! function is written (the builtin σ, the user's definition, the exp form)
//! and wherever the false link stands (a one-line claim or inside a chain).

use derivcheck::{verify_source, Options, Verdict};

/// The diagnoses of the false links of `text`, by claim name.
fn diagnoses(text: &str) -> Vec<(String, String)> {
    let report = verify_source("consistent.txt", text, &Options::default());
    report
        .claims
        .iter()
        .flat_map(|c| {
            c.steps
                .iter()
                .filter(|s| s.verdict == Verdict::False)
                .map(|s| (c.name.clone(), s.diagnosis.clone().unwrap_or_default()))
        })
        .collect()
}

#[test]
fn a_lost_sign_is_a_lost_sign_however_sigma_is_written() {
    let found = diagnoses(
        "x : real
sig(t) := 1 / (1 + exp(-t))
claim builtin: d/dx sigmoid(x) = -sigmoid(x) (1 - sigmoid(x))
claim defined: d/dx sig(x) = -sig(x) (1 - sig(x))
claim exp_vs_builtin: exp(-x)/(1 + exp(-x))^2 = -sigmoid(x) (1 - sigmoid(x))
claim exp_vs_defined: e^(-x)/(1 + e^(-x))^2 = -sig(x) (1 - sig(x))
claim inline: d/dx (1/(1 + exp(-x))) = -(1/(1 + exp(-x))) (1 - 1/(1 + exp(-x)))
",
    );
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "builtin",
            "defined",
            "exp_vs_builtin",
            "exp_vs_defined",
            "inline"
        ]
    );
    for (name, d) in &found {
        assert!(d.starts_with("a sign is lost"), "{name}: {d}");
    }
}

#[test]
fn a_missing_chain_factor_reads_the_same_in_a_chain_and_on_one_line() {
    let found = diagnoses(
        "x, a : real
sigma(t) := 1 / (1 + exp(-t))
claim one_line: d/dx sigma(a x) = sigma(a x) (1 - sigma(a x))
claim one_line_builtin: d/dx sigmoid(a x) = sigmoid(a x) (1 - sigmoid(a x))
claim in_chain: d/dx sigma(a x) = sigma(a x) (1 - sigma(a x))
    d/dx sigma(a x)
  = d/dx (1 + e^(-a x))^(-1)
  = -(1 + e^(-a x))^(-2) · (-e^(-a x))
  = e^(-a x) / (1 + e^(-a x))^2
  = sigma(a x) (1 - sigma(a x))
claim in_chain_builtin: d/dx sigmoid(a x) = sigmoid(a x) (1 - sigmoid(a x))
    d/dx sigmoid(a x)
  = sigmoid(a x) (1 - sigmoid(a x))
",
    );
    assert_eq!(found.len(), 4, "{found:?}");
    for (name, d) in &found {
        assert!(
            d.starts_with("a chain-rule factor (a) is missing: the derivative of a * x by x"),
            "{name}: {d}"
        );
    }
}

#[test]
fn a_correct_derivative_gets_no_diagnosis() {
    // The numeric sign check must not fire on a true link.
    let report = verify_source(
        "consistent_true.txt",
        "x : real\nclaim ok: exp(-x)/(1 + exp(-x))^2 = sigmoid(x) (1 - sigmoid(x))\n",
        &Options::default(),
    );
    assert!(report.verified());
}

#[test]
fn diagnoses_name_let_bound_intermediates() {
    let path = format!(
        "{}/derivations/mistakes/dropped_sigma_prime.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let found = diagnoses(&source);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0].1;
    // σ′ at the let `z1`, and σ(z1) as `h`: not their expansions.
    assert_eq!(
        d,
        "a chain-rule factor is missing: sigmoid′(z1[i]) = h[i] - h[i]^2"
    );
}
