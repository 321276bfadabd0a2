//! Issue 13, item 5: a false link's counterexample shows the values of the
//! let-bound intermediates the link uses (`z1`, `h`, …), through the
//! command line in every report format, and they are the right values:
//! recomputed here from the variables' values, independently of
//! derivcheck's evaluator.

mod common;

use common::run_cli;
use serde_json::Value;

const DROPPED_SIGMA_PRIME: &str = "derivations/mistakes/dropped_sigma_prime.txt";

fn sigmoid(t: f64) -> f64 {
    1.0 / (1.0 + (-t).exp())
}

fn vector(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a vector: {v}"))
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a matrix: {v}"))
        .iter()
        .map(vector)
        .collect()
}

/// `m v + b`.
fn affine(m: &[Vec<f64>], v: &[f64], b: &[f64]) -> Vec<f64> {
    m.iter()
        .zip(b)
        .map(|(row, bi)| row.iter().zip(v).map(|(a, x)| a * x).sum::<f64>() + bi)
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

fn assert_close(name: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{name}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w), "{name}: {got:?} vs {want:?}");
    }
}

/// The names of the intermediates in the order the JSON report writes
/// them (serde_json's map sorts its keys, so they are read from the text).
fn order_written(path: &str) -> Vec<String> {
    let (_, out, _) = run_cli(&["verify", "--format", "json", path]);
    let start = out.find("\"intermediates\": {").expect("intermediates");
    let end = start
        + out[start..]
            .find("\n                },")
            .expect("their end");
    out[start..end]
        .lines()
        .skip(1)
        // Keys are the only quoted lines: the values are numbers.
        .filter_map(|l| {
            Some(
                l.trim_start()
                    .strip_prefix('"')?
                    .split('"')
                    .next()?
                    .to_string(),
            )
        })
        .collect()
}

/// The counterexample of the one false link of `path`, from the JSON report.
fn the_counterexample(path: &str) -> Value {
    let (code, out, err) = run_cli(&["verify", "--format", "json", path]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).expect("the JSON report parses");
    let mut found = Vec::new();
    for claim in v["files"][0]["claims"].as_array().expect("claims") {
        for step in claim["steps"].as_array().expect("steps") {
            if step["verdict"] == "false" {
                found.push(step["counterexample"].clone());
            }
        }
    }
    assert_eq!(found.len(), 1, "{out}");
    found.remove(0)
}

#[test]
fn a_dropped_sigma_prime_shows_the_network_values_and_they_are_right() {
    let cx = the_counterexample(DROPPED_SIGMA_PRIME);
    let values = &cx["values"];
    let lets = &cx["intermediates"];
    // The link `∂L/∂z1 = ∂L/∂h` names L, z1 and h; through L it uses z2
    // and yhat. In file order.
    assert_eq!(
        order_written(DROPPED_SIGMA_PRIME),
        ["z1", "h", "z2", "yhat", "L"]
    );

    let (x, w1, b1) = (
        vector(&values["x"]),
        matrix(&values["W1"]),
        vector(&values["b1"]),
    );
    let (w2, b2, y) = (
        matrix(&values["W2"]),
        vector(&values["b2"]),
        vector(&values["y"]),
    );
    let z1 = affine(&w1, &x, &b1);
    let h: Vec<f64> = z1.iter().map(|&t| sigmoid(t)).collect();
    let z2 = affine(&w2, &h, &b2);
    let total: f64 = z2.iter().map(|t| t.exp()).sum();
    let yhat: Vec<f64> = z2.iter().map(|t| t.exp() / total).collect();
    let loss: f64 = -y.iter().zip(&yhat).map(|(a, p)| a * p.ln()).sum::<f64>();

    assert_close("z1", &vector(&lets["z1"]), &z1);
    assert_close("h", &vector(&lets["h"]), &h);
    assert_close("z2", &vector(&lets["z2"]), &z2);
    assert_close("yhat", &vector(&lets["yhat"]), &yhat);
    assert_close("L", &[lets["L"].as_f64().expect("a number")], &[loss]);
}

#[test]
fn a_false_step_of_a_written_network_shows_its_intermediates() {
    // A tanh layer and a matrix-valued let, recomputed from the variables.
    // The step drops G's off-diagonal terms, so the counterexample needs h
    // and G's off-diagonal entries nonzero: nothing shrinks to all zeros.
    let path = format!("{}/intermediates_network.txt", env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(
        &path,
        "x : vector[d]\nW : matrix[m, d]\nb : vector[m]\n\
         let z = W x + b\nlet h = tanh(z)\nlet G = W Wᵀ\n\
         claim wrong: Σ_i Σ_j h[i] G[i, j] = Σ_i h[i] G[i, i]\n",
    )
    .expect("the scratch file is writable");
    let cx = the_counterexample(&path);
    let (values, lets) = (&cx["values"], &cx["intermediates"]);
    assert_eq!(order_written(&path), ["z", "h", "G"]);
    let (x, w, b) = (
        vector(&values["x"]),
        matrix(&values["W"]),
        vector(&values["b"]),
    );
    let z = affine(&w, &x, &b);
    assert_close("z", &vector(&lets["z"]), &z);
    let h: Vec<f64> = z.iter().map(|t| t.tanh()).collect();
    assert_close("h", &vector(&lets["h"]), &h);
    assert!(h.iter().any(|&t| t != 0.0), "{cx}");
    let g = matrix(&lets["G"]);
    assert_eq!(g.len(), w.len());
    assert!(g.len() >= 2 && g[0][1] != 0.0, "{cx}");
    for (i, row) in g.iter().enumerate() {
        let want: Vec<f64> = w
            .iter()
            .map(|wj| w[i].iter().zip(wj).map(|(a, c)| a * c).sum())
            .collect();
        assert_close("G", row, &want);
    }
}

#[test]
fn the_text_report_lists_them_after_the_sides() {
    let (code, out, _) = run_cli(&["verify", DROPPED_SIGMA_PRIME]);
    assert_eq!(code, 1);
    let right = out.find("right = ").expect("the right side's value");
    let where_ = out.find("where z1   = ").unwrap_or_else(|| panic!("{out}"));
    assert!(right < where_, "{out}");
    for name in ["h    = ", "z2   = ", "yhat = ", "L    = "] {
        let at = out[where_..]
            .find(name)
            .unwrap_or_else(|| panic!("{name}: {out}"));
        assert!(at > 0, "{out}");
    }
    // Before the diagnosis, which names the same lets.
    let diagnosis = out.find("= diagnosis:").expect("a diagnosis");
    assert!(where_ < diagnosis, "{out}");
}

#[test]
fn every_report_format_shows_them() {
    let (_, github, _) = run_cli(&["verify", "--format", "github", DROPPED_SIGMA_PRIME]);
    assert!(github.contains("(where z1 = "), "{github}");
    let (_, short, _) = run_cli(&["verify", "--format", "short", DROPPED_SIGMA_PRIME]);
    assert!(short.contains("(where z1 = "), "{short}");
    let (_, html, _) = run_cli(&["report", "--html", "-", DROPPED_SIGMA_PRIME]);
    assert!(
        html.contains("<tr class=\"let\"><th scope=\"row\">where <math>"),
        "{html}"
    );
    assert_eq!(html.matches("<tr class=\"let\">").count(), 5);
    let (_, latex, _) = run_cli(&["report", "--latex", "-", DROPPED_SIGMA_PRIME]);
    assert!(latex.contains("\\emph{where} $"), "{latex}");
}

#[test]
fn a_false_link_without_lets_has_none() {
    let (_, out, _) = run_cli(&[
        "verify",
        "--format",
        "json",
        "derivations/mistakes/lost_sign.txt",
    ]);
    assert!(!out.contains("\"intermediates\""), "{out}");
    let (_, text, _) = run_cli(&["verify", "derivations/mistakes/lost_sign.txt"]);
    assert!(!text.contains("where "), "{text}");
}
