//! Issue 13, item 2: sloppy but correct index scoping, through the command
//! line. A sum's index that shadows a free one is local (a warning, not an
//! error); a side without a free index is constant in it; sides that differ
//! in their free indices are false with a diagnosis, not a check error.

mod common;

use common::run_cli;
use pretty_assertions::assert_eq;
use serde_json::Value;

/// Writes `text` to a scratch file and returns its path.
fn scratch(name: &str, text: &str) -> String {
    let path = format!("{}/index_scoping_{name}.txt", env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(&path, text).expect("write scratch file");
    path
}

/// The JSON report of one file, and the exit code.
fn json(name: &str, text: &str) -> (i32, Value) {
    let path = scratch(name, text);
    let (code, out, err) = run_cli(&["verify", "--format", "json", &path]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, v["files"][0].clone())
}

/// Each step's verdict, in order.
fn verdicts(file: &Value) -> Vec<String> {
    file["claims"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["steps"].as_array().cloned().unwrap_or_default())
        .map(|s| s["verdict"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn warnings(file: &Value) -> Vec<(u64, u64, String)> {
    file["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["kind"] == "warning")
        .map(|n| {
            (
                n["line"].as_u64().unwrap_or(0),
                n["col"].as_u64().unwrap_or(0),
                n["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_sum_index_that_shadows_a_free_one_is_local_with_a_warning() {
    let (code, f) = json(
        "shadow",
        "z : vector[n]\n\
         claim lse: ∂/∂z[j] log(Σ_j exp(z[j])) = exp(z[j]) / Σ_k exp(z[k])\n",
    );
    assert_eq!(code, 0, "{f}");
    assert_eq!(verdicts(&f), ["proved"]);
    let w = warnings(&f);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].0, w[0].1), (2, 26), "{w:?}");
    assert!(w[0].2.contains("shadows the free index `j`"), "{}", w[0].2);
}

#[test]
fn a_shadowing_sum_that_changes_the_claim_is_false_not_an_error() {
    // The sum's `j` is its own: the right side (1) no longer depends on the
    // free `j`, and the step is wrong.
    let (code, f) = json(
        "shadow_false",
        "z : vector[n]\n\
         claim lse: ∂/∂z[j] log(Σ_k exp(z[k])) = Σ_j exp(z[j]) / Σ_k exp(z[k])\n",
    );
    assert_eq!(code, 1, "{f}");
    assert_eq!(verdicts(&f), ["false"]);
    assert_eq!(warnings(&f).len(), 1, "{f}");
}

#[test]
fn a_side_that_is_constant_in_a_free_index_needs_no_delta() {
    let (code, f) = json(
        "constant",
        "z : vector[n]\nc : real\nW : matrix[n, m]\n\
         claim zero: ∂/∂z[j] c = 0\n\
         claim ones: ∂/∂z[j] Σ_k z[k] = 1\n\
         claim left_const: 0 = ∂/∂z[j] (c^2)\n\
         claim two: ∂/∂W[a, b] Σ_i Σ_k W[i, k] = 1\n",
    );
    assert_eq!(code, 0, "{f}");
    assert_eq!(verdicts(&f), ["proved"; 4]);
    assert!(warnings(&f).is_empty(), "{f}");
}

#[test]
fn sides_that_differ_in_their_free_indices_are_false_with_a_diagnosis() {
    for (name, claim, side, other) in [
        (
            "left_depends",
            "claim g: ∂/∂z[j] Σ_k z[k]^2 = 2 Σ_k z[k]\n",
            "left",
            "right",
        ),
        (
            "right_depends",
            "claim g: Σ_k z[k] = 2 z[j]\n",
            "right",
            "left",
        ),
    ] {
        let (code, f) = json(name, &format!("z : vector[n]\n{claim}"));
        assert_eq!(code, 1, "{name}: {f}");
        assert_eq!(verdicts(&f), ["false"], "{name}");
        let step = &f["claims"][0]["steps"][0];
        let cx = &step["counterexample"];
        assert!(cx["indices"].to_string().contains('j'), "{name}: {cx}");
        let d = step["diagnosis"].as_str().unwrap_or_default();
        assert!(
            d.starts_with(&format!(
                "the {side} side depends on `j` but the {other} side does not: the {side} side is "
            )),
            "{name}: {d}"
        );
        // Two values of `j`, the rest of the point the same.
        assert!(d.matches(" at j = ").count() == 2, "{name}: {d}");
    }
}

#[test]
fn a_sum_inside_a_sum_over_the_same_name_is_still_an_error() {
    let (code, f) = json(
        "nested",
        "x : vector[n]\nclaim a: sum(i, sum(i, x[i])) = 0\n",
    );
    assert_eq!(code, 2, "{f}");
    assert_eq!(verdicts(&f), ["error"]);
}
