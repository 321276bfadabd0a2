//! Issue 13, item 1: the numerator (row-vector) layout, through the command
//! line. A gradient times Jacobians, a transposed vector times a matrix, and
//! a chain whose sides are equal up to the transpose of a vector are
//! accepted and proved; the last with a layout warning. A wrong variant of
//! each is false.

mod common;

use common::run_cli;
use pretty_assertions::assert_eq;
use serde_json::Value;

const NET: &str = "x : vector[d]
W1 : matrix[m, d]
b1 : vector[m]
W2 : matrix[n, m]
b2 : vector[n]
y : vector[n]

let h = sigmoid(W1 x + b1)
let z = W2 h + b2
let L = Σ_i (z[i] - y[i])^2 / 2
";

/// The JSON report of `NET` followed by `claims`, and the exit code.
fn json(name: &str, claims: &str) -> (i32, Value) {
    let path = format!("{}/layout_{name}.txt", env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(&path, format!("{NET}\n{claims}")).expect("write scratch file");
    let (code, out, err) = run_cli(&["verify", "--format", "json", &path]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, v["files"][0].clone())
}

/// Each claim's name with its steps' verdicts.
fn verdicts(file: &Value) -> Vec<(String, Vec<String>)> {
    file["claims"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let steps = c["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s["verdict"].as_str().unwrap_or("?").to_string())
                .collect();
            (c["name"].as_str().unwrap_or("?").to_string(), steps)
        })
        .collect()
}

fn warnings(file: &Value) -> Vec<String> {
    file["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["kind"] == "warning")
        .map(|n| format!("{}: {}", n["line"], n["message"].as_str().unwrap_or("")))
        .collect()
}

fn named(name: &str, steps: &[&str]) -> (String, Vec<String>) {
    (
        name.to_string(),
        steps.iter().map(|s| s.to_string()).collect(),
    )
}

#[test]
fn a_gradient_times_jacobians_is_a_row_and_proved() {
    let (code, f) = json(
        "jacobians",
        "claim dx: ∂L/∂x = (∂L/∂z)(∂z/∂h)(∂h/∂x)\n\
         claim dh: ∂L/∂h = (∂L/∂z)(∂z/∂h)\n",
    );
    assert_eq!(code, 0, "{f}");
    assert_eq!(
        verdicts(&f),
        [named("dx", &["proved"]), named("dh", &["proved"])]
    );
    // A gradient stands either way: no layout note.
    assert_eq!(warnings(&f), Vec::<String>::new());
}

#[test]
fn a_transposed_vector_times_a_matrix_is_a_row_vector() {
    let (code, f) = json(
        "row_times_matrix",
        "claim a: (∂L/∂z)ᵀ (∂z/∂h) = (z - y)ᵀ W2\n\
         claim b: ∂L/∂h = (z - y)ᵀ W2\n",
    );
    assert_eq!(code, 0, "{f}");
    assert_eq!(
        verdicts(&f),
        [named("a", &["proved"]), named("b", &["proved"])]
    );
    assert_eq!(warnings(&f), Vec::<String>::new());
}

#[test]
fn a_chain_from_row_to_column_form_is_proved_with_a_layout_warning() {
    let (code, f) = json(
        "row_to_column",
        "claim dh: ∂L/∂h = W2ᵀ (z - y)\n    \
         ∂L/∂h\n  \
         = (∂L/∂z)ᵀ (∂z/∂h)\n  \
         = (z - y)ᵀ W2\n  \
         = W2ᵀ (z - y)\n",
    );
    assert_eq!(code, 0, "{f}");
    assert_eq!(verdicts(&f), [named("dh", &["proved"; 3])]);
    let w = warnings(&f);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("15: this side is a row vector and the other a column vector: the sides are equal up to transposition"),
        "{w:?}"
    );
}

#[test]
fn wrong_variants_in_the_numerator_layout_are_false() {
    let (code, f) = json(
        "wrong",
        "claim sign: ∂L/∂h = (z + y)ᵀ W2\n\
         claim jacobian: ∂L/∂x = (∂L/∂z)(∂z/∂h) W1\n\
         claim mixed: (y - z)ᵀ W2 = W2ᵀ (z - y)\n",
    );
    assert_eq!(code, 1, "{f}");
    assert_eq!(
        verdicts(&f),
        [
            named("sign", &["false"]),
            named("jacobian", &["false"]),
            named("mixed", &["false"]),
        ]
    );
}

#[test]
fn a_plain_vector_times_a_matrix_is_still_an_error_whose_help_is_accepted() {
    let (code, f) = json("plain", "claim a: ∂L/∂h = (z - y) W2\n");
    assert_eq!(code, 2, "{f}");
    let step = &f["claims"][0]["steps"][0];
    assert_eq!(step["verdict"], "error");
    assert!(
        step["help"]
            .as_str()
            .unwrap_or_default()
            .contains("`(z - y)ᵀ W2`"),
        "{step}"
    );
    let (code, f) = json("plain_fixed", "claim a: ∂L/∂h = (z - y)ᵀ W2\n");
    assert_eq!(code, 0, "{f}");
}
