//! The missing transpose of the least-squares gradient, `∂/∂w ‖Xw − y‖² =
//! 2X(Xw − y)` for `2Xᵀ(Xw − y)`: with a square X the step multiplies and
//! only the values tell, and the diagnosis names the transpose, written in
//! the language or in a Markdown document alike; with a non-square X it is
//! a shape error whose help leads to the fix. Through the command line.

mod common;

use common::run_cli;
use serde_json::Value;

/// A scratch file for one test.
fn scratch(name: &str, text: &str) -> String {
    let path = format!("{}/transpose_{name}", env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(&path, text).expect("the scratch file is writable");
    path
}

/// Every link of the first file of a JSON report: (verdict, diagnosis).
fn links(path: &str) -> Vec<(String, Option<String>)> {
    let (_, out, err) = run_cli(&["verify", "--format", "json", path]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let mut found = Vec::new();
    for claim in v["files"][0]["claims"].as_array().expect("claims") {
        for step in claim["steps"].as_array().expect("steps") {
            found.push((
                step["verdict"].as_str().expect("verdict").to_string(),
                step["diagnosis"].as_str().map(str::to_string),
            ));
        }
    }
    found
}

const SQUARE: &str = "X : matrix[n, n]\nw : vector[n]\ny : vector[n]\n";
const MISSING: &str = "a transpose is missing: X should be Xᵀ on the right side; left − right = ";

#[test]
fn the_missing_transpose_is_named_and_the_right_step_is_proved() {
    let path = scratch(
        "square.txt",
        &format!(
            "{SQUARE}claim wrong: ∂/∂w ‖X w - y‖^2 = 2 X (X w - y)\n\
             claim right: ∂/∂w ‖X w - y‖^2 = 2 Xᵀ (X w - y)\n"
        ),
    );
    let found = links(&path);
    assert_eq!(found.len(), 2, "{found:?}");
    let (verdict, diagnosis) = &found[0];
    assert_eq!(verdict, "false");
    let d = diagnosis.as_deref().unwrap_or_default();
    assert!(d.starts_with(MISSING), "{d}");
    assert_eq!(found[1], ("proved".to_string(), None));
}

#[test]
fn a_transpose_too_many_is_named_the_other_way_round() {
    let path = scratch(
        "extra.txt",
        &format!("{SQUARE}claim wrong: ∂/∂w ‖X w - y‖^2 = 2 Xᵀ (Xᵀ w - y)\n"),
    );
    let found = links(&path);
    let d = found[0].1.as_deref().unwrap_or_default();
    assert!(
        d.starts_with("a transpose is one too many: Xᵀ should be X on the right side"),
        "{d}"
    );
}

#[test]
fn a_markdown_document_gets_the_same_diagnosis() {
    let path = scratch(
        "square.md",
        "# Least squares\n\n```derivcheck\nX : matrix[n, n]\nw : vector[n]\ny : vector[n]\n```\n\n\
         $$\n\\frac{\\partial}{\\partial w} \\|Xw - y\\|^2 = 2X(Xw - y)\n$$\n\n\
         $$\n\\frac{\\partial}{\\partial w} \\|Xw - y\\|^2 = 2X^\\top(Xw - y)\n$$\n",
    );
    let found = links(&path);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "false");
    let d = found[0].1.as_deref().unwrap_or_default();
    assert!(d.starts_with(MISSING), "{d}");
    assert_eq!(found[1], ("proved".to_string(), None));
}

#[test]
fn the_text_report_says_it_under_the_step() {
    let path = scratch(
        "square_text.txt",
        &format!("{SQUARE}claim wrong: ∂/∂w ‖X w - y‖^2 = 2 X (X w - y)\n"),
    );
    let (code, out, _) = run_cli(&["verify", &path]);
    assert_eq!(code, 1);
    assert!(out.contains(&format!("= diagnosis: {MISSING}")), "{out}");
}

#[test]
fn a_non_square_x_is_a_shape_error_whose_fix_is_proved() {
    let text = "X : matrix[m, n]\nw : vector[n]\ny : vector[m]\n\
                claim wrong: ∂/∂w ‖X w - y‖^2 = 2 X (X w - y)\n";
    let path = scratch("tall.txt", text);
    let (code, out, _) = run_cli(&["verify", "--format", "json", &path]);
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let step = &v["files"][0]["claims"][0]["steps"][0];
    assert_eq!(step["verdict"], "error");
    let help = step["help"].as_str().unwrap_or_default();
    assert!(help.starts_with("did you mean"), "{help}");
    // Apply the help's edits (from the end, so offsets stay valid) and
    // check the result: the fixed step is proved.
    let mut fixed = text.to_string();
    let mut edits: Vec<&Value> = step["fix"].as_array().expect("a fix").iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64()));
    for e in edits {
        let (start, end) = (
            e["start"].as_u64().expect("start") as usize,
            e["end"].as_u64().expect("end") as usize,
        );
        fixed.replace_range(start..end, e["text"].as_str().expect("text"));
    }
    let fixed_path = scratch("tall_fixed.txt", &fixed);
    assert_eq!(
        links(&fixed_path),
        [("proved".to_string(), None)],
        "{fixed}"
    );
}

#[test]
fn a_latex_document_gets_the_same_diagnosis() {
    let path = scratch(
        "square.tex",
        "\\documentclass{article}\n\\begin{document}\n\
         %: X : matrix[n, n]\n%: w : vector[n]\n%: y : vector[n]\n\
         \\[ \\frac{\\partial}{\\partial w} \\|Xw - y\\|^2 = 2X(Xw - y) \\]\n\
         \\[ \\frac{\\partial}{\\partial w} \\|Xw - y\\|_2^2 = 2X^T(Xw - y) \\]\n\
         \\end{document}\n",
    );
    let found = links(&path);
    assert_eq!(found.len(), 2, "{found:?}");
    let d = found[0].1.as_deref().unwrap_or_default();
    assert!(d.starts_with(MISSING), "{d}");
    assert_eq!(found[1], ("proved".to_string(), None));
}
