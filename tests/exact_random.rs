//! The exact-random witness through the command line (issue 16): links the
//! canonical form leaves apart but that are identities of rational
//! functions of their atoms are proved with the witness named and the error
//! bound stated in every format; wide near-identities are never proved.

use pretty_assertions::assert_eq;
use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");

/// Writes `text` to a file of this test's own and returns its path.
fn scratch(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("derivcheck-exact-random-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the scratch file");
    path.to_string_lossy().into_owned()
}

/// Runs the binary; its exit code and standard output.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8"),
    )
}

const EXP_FORMS: &str = "z, t, y : real\n\n\
    claim powexp: exp(z/(z^2+1))^3 = exp(3 z/(z^2+1))\n\
    claim split: exp(t^2 + t/(y^2+1) + 1) = exp(t^2 + 1) exp(t/(y^2+1))\n";

/// Every step of every claim of a JSON report.
fn steps(json: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(json).expect("JSON");
    v["files"][0]["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .flat_map(|c| c["steps"].as_array().expect("steps").clone())
        .collect()
}

#[test]
fn exp_of_rational_arguments_is_proved_with_its_bound_in_json_and_text() {
    let path = scratch("exp_forms.txt", EXP_FORMS);
    let (code, json) = run(&["verify", "--format", "json", &path]);
    assert_eq!(code, Some(0), "{json}");
    for step in steps(&json) {
        assert_eq!(step["verdict"], "proved", "{step}");
        assert_eq!(step["witness"], "exact-random", "{step}");
        let message = step["message"].as_str().expect("a message");
        assert!(message.contains("error probability < 2^-"), "{message}");
    }
    let (_, text) = run(&["verify", &path]);
    assert_eq!(text.matches("proved (exact-random)").count(), 2, "{text}");
    assert_eq!(text.matches("error probability < 2^-").count(), 2, "{text}");
}

#[test]
fn the_bound_is_stated_in_github_junit_html_and_latex() {
    let path = scratch("exp_forms_formats.txt", EXP_FORMS);
    let (_, github) = run(&["verify", "--format", "github", &path]);
    assert_eq!(github.matches("::notice ").count(), 2, "{github}");
    assert!(
        github.contains("proved (exact-random): exact evaluation"),
        "{github}"
    );
    let (_, junit) = run(&["verify", "--format", "junit", &path]);
    assert_eq!(junit.matches("<system-out>").count(), 2, "{junit}");
    assert!(junit.contains("error probability &lt; 2^-"), "{junit}");
    let (_, html) = run(&["report", "--html", "-", &path]);
    assert_eq!(html.matches("error probability &lt; 2^-").count(), 2);
    let (_, latex) = run(&["report", "--latex", "-", &path]);
    assert_eq!(latex.matches("error probability \\textless{} 2").count(), 2);
}

/// Softmax + cross-entropy over `n` classes with one claim, ∂CE/∂z_k, whose
/// right side a CAS would print; `term(i)` is the numerator's i-th term.
fn ce_file(n: usize, k: usize, term: &dyn Fn(usize) -> String) -> String {
    let join = |f: &dyn Fn(usize) -> String| (1..=n).map(f).collect::<Vec<_>>().join(" + ");
    let vars: Vec<String> = (1..=n)
        .map(|i| format!("z{i}"))
        .chain((1..=n).map(|i| format!("y{i}")))
        .collect();
    format!(
        "{} : real\nlet S = {}\nlet CE = -({})\n\nclaim grad: ∂CE/∂z{k} = ({}) / ({}) - y{k}\n",
        vars.join(", "),
        join(&|i| format!("exp(z{i})")),
        join(&|i| format!("y{i} log(exp(z{i}) / S)")),
        join(term),
        join(&|i| format!("exp(z{i})")),
    )
}

#[test]
fn a_wide_gradient_is_proved_and_its_near_misses_are_false() {
    // Term 60 of the 80 is the one changed.
    let (n, k) = (80, 5);
    let right = ce_file(n, k, &|i| format!("y{i} exp(z{k})"));
    let (code, json) = run(&["verify", "--format", "json", &scratch("wide.txt", &right)]);
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(steps(&json)[0]["witness"], "exact-random");
    let misses = [
        (
            "missing",
            ce_file(n, k, &|i| match i {
                60 => "0".into(),
                _ => format!("y{i} exp(z{k})"),
            }),
        ),
        (
            "coefficient",
            ce_file(n, k, &|i| match i {
                60 => format!("1.000001 y{i} exp(z{k})"),
                _ => format!("y{i} exp(z{k})"),
            }),
        ),
        (
            "swapped",
            ce_file(n, k, &|i| match i {
                60 => format!("y{i} exp(z{})", k + 1),
                _ => format!("y{i} exp(z{k})"),
            }),
        ),
    ];
    for (name, text) in misses {
        let (code, json) = run(&[
            "verify",
            "--format",
            "json",
            &scratch(&format!("{name}.txt"), &text),
        ]);
        let step = &steps(&json)[0];
        assert_eq!(code, Some(1), "{name}: {step}");
        assert_eq!(step["verdict"], "false", "{name}: {step}");
    }
}
