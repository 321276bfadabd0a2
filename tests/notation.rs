//! The notations of derivations on paper through the command line (issue
//! #13 item 3): each help text for a notation leads to an accepted fix,
//! applied here and checked; a definition of a builtin's name is the
//! builtin or replaces it with a warning.

use pretty_assertions::assert_eq;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");

/// Verifies `text` as a derivation file; the JSON report and the exit code.
fn verify(name: &str, text: &str) -> (Value, Option<i32>) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("notation-tests");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("scratch file");
    let out = Command::new(BIN)
        .args(["verify", "--format", "json"])
        .arg(&path)
        .output()
        .expect("the binary runs");
    let json = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    (json, out.status.code())
}

/// Every step's help, in order.
fn helps(report: &Value) -> Vec<String> {
    report["files"][0]["claims"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["steps"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s["help"].as_str().map(str::to_string))
        .collect()
}

/// The first code span of a help text (`did you mean `p[i]`?` → `p[i]`).
fn code_in(help: &str) -> String {
    let start = help.find('`').expect("the help quotes a fix") + '`'.len_utf8();
    let end = start + help[start..].find('`').expect("closing quote");
    help[start..end].to_string()
}

#[track_caller]
fn assert_all_proved(report: &Value) {
    let verdicts: Vec<String> = report["files"][0]["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .flat_map(|c| c["steps"].as_array().cloned().unwrap_or_default())
        .map(|s| s["verdict"].as_str().unwrap_or("?").to_string())
        .collect();
    assert!(!verdicts.is_empty());
    assert!(
        verdicts.iter().all(|v| v == "proved"),
        "{verdicts:?}\n{report:#}"
    );
}

#[test]
fn a_prime_of_a_function_of_several_arguments_suggests_a_partial_derivative_that_is_accepted() {
    let before = "x, y : real\ng(a, b) := a b\nclaim c: g'(x, y) = y\n";
    let (report, code) = verify("prime_several.txt", before);
    assert_eq!(code, Some(2));
    let help = helps(&report);
    assert_eq!(help.len(), 1, "{report:#}");
    let fix = code_in(&help[0]);
    assert_eq!(fix, "∂/∂x g(x, y)");
    let (report, code) = verify("prime_several_fixed.txt", &before.replace("g'(x, y)", &fix));
    assert_eq!(code, Some(0), "{report:#}");
    assert_all_proved(&report);
}

#[test]
fn a_prime_of_a_vector_function_suggests_an_element_derivative_that_is_accepted() {
    let before = "z : vector[n]\nclaim c: softmax'(z) = 0\n";
    let (report, code) = verify("prime_vector.txt", before);
    assert_eq!(code, Some(2));
    let help = helps(&report);
    assert_eq!(help.len(), 1, "{report:#}");
    let fix = code_in(&help[0]);
    assert_eq!(fix, "∂softmax(z)[i]/∂z[j]");
    let fixed =
        format!("z : vector[n]\nclaim c: {fix} = softmax(z)[i] (δ(i, j) - softmax(z)[j])\n");
    let (report, code) = verify("prime_vector_fixed.txt", &fixed);
    assert_eq!(code, Some(0), "{report:#}");
    assert_all_proved(&report);
}

#[test]
fn a_subscript_in_a_name_is_suggested_as_an_index_and_the_fix_is_accepted() {
    let before = "p : vector[n]\nclaim c: Σ_i p_i = Σ_j p[j]\n";
    let (report, code) = verify("subscript.txt", before);
    assert_eq!(code, Some(2));
    let help = helps(&report);
    assert_eq!(help, vec!["did you mean `p[i]`?".to_string()]);
    let (report, code) = verify(
        "subscript_fixed.txt",
        &before.replace("p_i", &code_in(&help[0])),
    );
    assert_eq!(code, Some(0), "{report:#}");
    assert_all_proved(&report);
}

#[test]
fn a_definition_equal_to_a_partial_builtin_is_the_builtin_only_when_its_domain_is_no_wider() {
    // (t^3)^(1/6) has sqrt's canonical form: it is not shown to be
    // defined only where sqrt is, so the file's own body is used, with a
    // warning, and claims about it are checked as written.
    let text = "x : real\nsqrt(t) := (t^3)^(1/6)\nclaim c: sqrt(x)^2 = x\n\
                claim bad: sqrt(x) = x\n";
    let (report, code) = verify("partial_builtin.txt", text);
    assert_eq!(code, Some(1), "{report:#}");
    assert!(
        report.to_string().contains(
            "replaces the builtin function `sqrt` everywhere in this file: it equals the builtin wherever both are defined"
        ),
        "{report:#}"
    );
    let claims = &report["files"][0]["claims"];
    assert_eq!(claims[0]["steps"][0]["verdict"], "proved", "{report:#}");
    assert_eq!(claims[1]["steps"][0]["verdict"], "false", "{report:#}");
    // With the guard t^(1/2) or log(t) in it, the body is undefined
    // wherever sqrt is: it is the builtin, silently.
    for body in ["t^(1/2)", "exp(log(t)/2)"] {
        let same = format!("x : real\nsqrt(t) := {body}\nclaim c: sqrt(x)^2 = x\n");
        let (report, code) = verify("partial_same.txt", &same);
        assert_eq!(code, Some(0), "{body}: {report:#}");
        assert!(
            !report.to_string().contains("warning"),
            "{body}: {report:#}"
        );
        assert_all_proved(&report);
    }
}

#[test]
fn a_definition_of_a_builtin_name_is_the_builtin_or_replaces_it_with_a_warning() {
    // The logistic function written out: the builtin, silently, with its rules.
    let same = "x : real\nσ(t) := 1 / (1 + exp(-t))\nclaim c: d/dx σ(x) = σ(x) (1 - σ(x))\n";
    let (report, code) = verify("same.txt", same);
    assert_eq!(code, Some(0), "{report:#}");
    assert!(!report.to_string().contains("warning"), "{report:#}");
    assert_all_proved(&report);
    // Another function: the file's wins everywhere, with a warning.
    let other = "x : real\nσ(t) := 2 t\nclaim c: d/dx σ(x) = 2\nclaim d: σ(x) = 2 x\n";
    let (report, code) = verify("other.txt", other);
    assert_eq!(code, Some(0), "{report:#}");
    let text = report.to_string();
    assert!(
        text.contains("replaces the builtin function `sigmoid`"),
        "{report:#}"
    );
    assert_all_proved(&report);
    // Its help: remove the definition (the builtin is meant) ...
    let removed = "x : real\nclaim c: d/dx σ(x) = σ(x) (1 - σ(x))\n";
    let (report, code) = verify("removed.txt", removed);
    assert_eq!(code, Some(0), "{report:#}");
    assert_all_proved(&report);
    // ... or rename it (a function of one's own), as the help spells it.
    let renamed = other.replace('σ', "my_sigmoid");
    let (report, code) = verify("renamed.txt", &renamed);
    assert_eq!(code, Some(0), "{report:#}");
    assert!(!report.to_string().contains("replaces"), "{report:#}");
    assert_all_proved(&report);
}

#[test]
fn a_softmax_of_ones_own_warns_only_when_it_is_another_function() {
    let same = "z : vector[n]\nsoftmax(v)[i] := exp(v[i]) / Σ_j exp(v[j])\n\
        claim a: softmax(z)[i] = exp(z[i]) / Σ_k exp(z[k])\n";
    let (report, code) = verify("softmax_same.txt", same);
    assert_eq!(code, Some(0), "{report:#}");
    assert!(!report.to_string().contains("warning"), "{report:#}");
    let other = same.replace("exp(v[i]) / Σ_j exp(v[j])", "exp(2 v[i]) / Σ_j exp(2 v[j])");
    let other = other.replace("exp(z[i]) / Σ_k exp(z[k])", "exp(2 z[i]) / Σ_k exp(2 z[k])");
    let (report, code) = verify("softmax_other.txt", &other);
    assert_eq!(code, Some(0), "{report:#}");
    assert!(
        report
            .to_string()
            .contains("replaces the builtin function `softmax`"),
        "{report:#}"
    );
    assert_all_proved(&report);
}

#[test]
fn leibniz_primes_and_roots_are_read_from_a_file() {
    let text = "x : real\nf(t) := t^3\n\
        claim a: dσ(x)/dx = σ′(x) = σ(x) (1 - σ(x))\n\
        claim b: d²f(x)/dx² = f''(x) = 6 x\n\
        claim c: d/dx √(x^2 + 1) = x / √(x^2 + 1)\n";
    let (report, code) = verify("notations.txt", text);
    assert_eq!(code, Some(0), "{report:#}");
    assert_all_proved(&report);
}

#[test]
fn a_markdown_homework_with_primes_higher_derivatives_and_bars_is_read() {
    let doc = "# Homework\n\n```derivcheck\nx : real\nf(t) := t^3\n```\n\n\
        ## Sigmoid\n\n$$ \\sigma'(x) = \\frac{d \\sigma(x)}{dx} = \\sigma(x)(1 - \\sigma(x)) $$\n\n\
        ## Second\n\n$$ \\frac{d^2 f(x)}{dx^2} = f''(x) = 6x $$\n\n\
        ## Partial\n\n$$ \\frac{\\partial^2}{\\partial x^2} \\sigma(x) = \\sigma^\\prime(x) (1 - 2\\sigma(x)) $$\n\n\
        ## Wrong\n\n$$ \\frac{d^2 f(x)}{dx^2} = 3x^2 $$\n";
    let (report, code) = verify("homework.md", doc);
    assert_eq!(code, Some(1), "{report:#}");
    let claims = report["files"][0]["claims"].as_array().expect("claims");
    let verdicts: Vec<(String, Vec<String>)> = claims
        .iter()
        .map(|c| {
            let steps = c["steps"].as_array().cloned().unwrap_or_default();
            let v = steps
                .iter()
                .map(|s| s["verdict"].as_str().unwrap_or("?").to_string());
            (c["name"].as_str().unwrap_or("?").to_string(), v.collect())
        })
        .collect();
    let want =
        |name: &str, v: &[&str]| (name.to_string(), v.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        verdicts,
        vec![
            want("Sigmoid", &["proved", "proved"]),
            want("Second", &["proved", "proved"]),
            want("Partial", &["proved"]),
            want("Wrong", &["false"]),
        ]
    );
}

#[test]
fn indicators_in_brackets_and_a_bare_sigma_squared_are_read_without_context() {
    // As a student writes them, with nothing declared: every display is
    // read (no `unread` note) and every step proved.
    let doc = "# Homework\n\n\
        $$ \\frac{d}{dx} \\max(0, x) = \\mathbb{1}_{x > 0} $$\n\n\
        $$ \\frac{d}{dx} \\operatorname{ReLU}(x) = \\mathbb{1}[x > 0] $$\n\n\
        $$ \\frac{\\partial}{\\partial \\mu} \\left( -\\frac{(x - \\mu)^2}{2\\sigma^2} \\right) = \\frac{x - \\mu}{\\sigma^2} $$\n\n\
        $$ \\left|\\left|x\\right| - 1\\right| = \\left|1 - |x|\\right| $$\n";
    let (report, code) = verify("brackets.md", doc);
    let notes = report["files"][0]["notes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(notes.iter().all(|n| n["kind"] != "unread"), "{notes:#?}");
    assert_all_proved(&report);
    assert_eq!(
        report["files"][0]["claims"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(code, Some(0), "{report:#}");
}

#[test]
fn a_name_that_is_a_vector_in_one_problem_and_a_number_in_the_next_means_both() {
    // `x_i` in a regression, then `x` in a calculus exercise: each run of
    // displays is checked with its own assumptions, said in two notes.
    let doc = "# Homework\n\n**1.** $$ \\sum_i x_i = \\sum_j x_j $$\n\n\
        **2.** $$ \\frac{d}{dx} x^2 = 2x $$\n\n\
        **3.** $$ \\frac{d}{dx} x^3 = 2x^2 $$\n";
    let (report, code) = verify("two_meanings.md", doc);
    let claims = report["files"][0]["claims"].as_array().expect("claims");
    let verdicts: Vec<(&str, &str)> = claims
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("?"),
                c["verdict"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("Homework", "proved"),
            ("Homework (2)", "proved"),
            ("Homework (3)", "false")
        ]
    );
    let assumed: Vec<&str> = report["files"][0]["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["kind"] == "assumed")
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert_eq!(assumed, ["x : vector[n]", "from line 5: x : real"]);
    assert_eq!(code, Some(1));
}

#[test]
fn a_derivative_of_a_name_nothing_defines_is_said_to_be_zero_with_the_way_to_define_it() {
    let doc = "# Loss\n\nBinary cross-entropy $\\ell = -y \\log p$.\n\n\
        $$ \\frac{\\partial \\ell}{\\partial p} = -\\frac{y}{p} $$\n";
    let (report, code) = verify("undefined_loss.md", doc);
    let notes: Vec<&str> = report["files"][0]["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["kind"] == "note")
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert_eq!(notes.len(), 1, "{report:#}");
    assert!(
        notes[0].starts_with("`ℓ` is not defined in the document")
            && notes[0].contains("let ℓ = …"),
        "{}",
        notes[0]
    );
    assert_eq!(code, Some(1));
    // The definition, as the note says to write it, makes the step proved.
    let fixed = doc.replace(
        "$$ \\frac",
        "```derivcheck\ny : real\np : positive\nlet ℓ = -y log(p)\n```\n\n$$ \\frac",
    );
    let (report, code) = verify("defined_loss.md", &fixed);
    assert_all_proved(&report);
    assert_eq!(code, Some(0), "{report:#}");
}
