//! No help leads to a dead end (issue 13, item 1): for each kind of
//! wrong-shaped or wrong-index input, every help that proposes a definite
//! text carries it as a fix (edits of the source), the fix is applied
//! mechanically, and the result is accepted: no link in error, no error
//! outside claims. The table covers every help site of `src/lower` that can
//! be reached; the helps that only explain (they ask for something only the
//! writer knows) are listed apart and must carry no fix.

mod common;

use derivcheck::{apply_edits, verify_source, Diagnostic, Edit, FileReport, Options, Verdict};
use pretty_assertions::assert_eq;
use serde_json::Value;

/// The diagnostics of the errors in a report: errors outside claims, then
/// links in error, each once.
fn diagnostics(report: &FileReport) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = report.errors.iter().map(|e| e.diagnostic.clone()).collect();
    for step in report.claims.iter().flat_map(|c| &c.steps) {
        if step.verdict == Verdict::Error {
            if let Some(d) = &step.diagnostic {
                if !out.contains(d) {
                    out.push(d.clone());
                }
            }
        }
    }
    out
}

fn check(name: &str, text: &str) -> FileReport {
    verify_source(&format!("{name}.txt"), text, &Options::default())
}

/// (what the help is about, input with one mistake, a fragment of the help)
#[rustfmt::skip]
const FIXABLE: &[(&str, &str, &str)] = &[
    ("missing transpose (matrix.rs)",
     "W : matrix[n, m]\nu : vector[n]\nclaim a: W u = Wᵀ u\n",
     "did you mean `Wᵀ u`?"),
    ("swapped factors (matrix.rs)",
     "x : vector[d]\nW : matrix[m, d]\nu : vector[m]\nclaim a: x W = W x\n",
     "did you mean `W x`?"),
    ("two vectors, one transposed (matrix.rs)",
     "a, b : vector[n]\nclaim a: a b = Σ_i a[i] b[i]\n",
     "did you mean `aᵀ b`?"),
    ("a vector times a matrix (matrix.rs)",
     "z, y : vector[n]\nW2 : matrix[n, m]\nh : vector[m]\nlet L = Σ_i (z[i] - y[i])^2 / 2\nclaim a: (z - y) W2 = W2ᵀ (z - y)\n",
     "did you mean `(z - y)ᵀ W2`?"),
    ("the one vector that fits (matrix.rs)",
     "x : vector[d]\nh : vector[m]\nW2 : matrix[n, m]\nclaim a: W2 x = W2 h\n",
     "did you mean `W2 h`?"),
    ("a row and a column elementwise (matrix.rs)",
     "a, b : vector[n]\nclaim a: Σ_i (aᵀ ⊙ b)[i] = Σ_i a[i] b[i]\n",
     "did you mean `a ⊙ b`?"),
    ("an outer product in the wrong order (chain.rs)",
     "a : vector[n]\nb : vector[m]\nclaim a: a bᵀ = b aᵀ\n",
     "did you mean `a bᵀ`?"),
    ("sides each other's transpose (chain.rs)",
     "W : matrix[n, m]\nA : matrix[m, n]\nclaim a: W = A\n",
     "did you mean `Aᵀ`?"),
    ("a sum inside a sum over the same index (env.rs)",
     "x : vector[n]\nclaim a: sum(i, x[i] sum(i, x[i])) = sum(j, x[j])^2\n",
     "rename the inner sum's index"),
    ("a sum over a let's own index (expand.rs)",
     "x : vector[n]\nlet s[i] = x[i] + sum(i, x[i])\nclaim a: s[j] = x[j] + sum(k, x[k])\n",
     "rename the sum's index"),
    ("a sum over a definition's result index (expand.rs)",
     "x : vector[n]\nf(v)[i] := v[i] + sum(i, v[i])\nclaim a: f(x)[j] = x[j] + sum(k, x[k])\n",
     "rename the sum's index"),
    ("a typo in a name (env.rs)",
     "w1, c : real\nclaim a: w1 + c = c + w2\n",
     "did you mean `w1`?"),
    ("a typo in a function (env.rs)",
     "sqr(t) := t^2\nx : real\nclaim a: sqrr(x) = x^2\n",
     "did you mean `sqr`?"),
    ("another name of the sigmoid (env.rs)",
     "x : real\nclaim a: sigmod(x) = 1 / (1 + exp(-x))\n",
     "did you mean the builtin `sigmoid`"),
    ("a typo in the variable of a derivative (env.rs)",
     "w1 : real\nclaim a: ∂/∂w2 w1^2 = 2 w1\n",
     "did you mean `w1`?"),
    ("an undeclared name (env.rs)",
     "x : real\nclaim a: x + q = q + x\n",
     "declare it, e.g. `q : real`"),
    ("a variable called like a function (env.rs)",
     "x, y : real\nclaim a: x(y + 1) = x y + x\n",
     "to multiply, write `x * (...)`"),
];

#[test]
fn every_fix_applied_is_accepted() {
    for (what, text, help) in FIXABLE {
        let report = check("before", text);
        let ds = diagnostics(&report);
        assert!(!ds.is_empty(), "{what}: no error in {text:?}");
        let d = ds
            .iter()
            .find(|d| d.help.as_deref().is_some_and(|h| h.contains(help)))
            .unwrap_or_else(|| panic!("{what}: no help with {help:?} in {ds:#?}"));
        assert!(
            !d.fix.is_empty(),
            "{what}: the help {:?} has no fix",
            d.help
        );
        // Every help of the file carries its fix; the same fix may stand
        // under several links.
        let mut edits: Vec<Edit> = Vec::new();
        for d in &ds {
            assert!(d.help.is_some() && !d.fix.is_empty(), "{what}: {d:#?}");
            for e in &d.fix {
                if !edits.contains(e) {
                    edits.push(e.clone());
                }
            }
        }
        let fixed = apply_edits(text, &edits)
            .unwrap_or_else(|| panic!("{what}: the edits do not apply: {edits:?}"));
        let after = check("after", &fixed);
        let left = diagnostics(&after);
        assert!(
            left.is_empty(),
            "{what}: {fixed:?} still has errors: {left:#?}"
        );
        assert!(
            after.claims.iter().all(|c| !c.steps.is_empty()),
            "{what}: {fixed:?}"
        );
    }
}

/// Helps that explain without proposing one text: what to write depends on
/// what the writer meant. They must not pretend to a fix.
#[rustfmt::skip]
const EXPLAINS: &[(&str, &str, &str)] = &[
    ("a definition used without arguments", "f(t) := t^2\nx : real\nclaim a: f = x\n", "write `f(...)`"),
    ("a builtin used without arguments", "x : real\nclaim a: exp = x\n", "write `exp(...)`"),
    ("an unknown function", "x : real\nclaim a: foo(x) = x\n", "define it, e.g. `foo(t) := ...`"),
    ("a reserved name", "e : real\n", "choose another name"),
    ("a cycle", "x : real\nf(t) := g(t)\ng(t) := f(t)\nclaim a: f(x) = x\n", "do not depend on themselves"),
    ("vectors of different shapes", "x : vector[n]\nc : real\nclaim a: x = c\n", "make both sides the same shape"),
];

#[test]
fn helps_that_only_explain_carry_no_fix() {
    for (what, text, help) in EXPLAINS {
        let report = check("explains", text);
        let ds = diagnostics(&report);
        let d = ds
            .iter()
            .find(|d| d.help.as_deref().is_some_and(|h| h.contains(help)))
            .unwrap_or_else(|| panic!("{what}: no help with {help:?} in {ds:#?}"));
        assert_eq!(d.fix, Vec::<Edit>::new(), "{what}");
    }
}

#[test]
fn the_json_report_carries_the_fix_as_byte_edits() {
    let path = format!("{}/help_fixes_json.txt", env!("CARGO_TARGET_TMPDIR"));
    let text = "W : matrix[n, m]\nu : vector[n]\nclaim a: W u = Wᵀ u\n";
    std::fs::write(&path, text).expect("write scratch file");
    let (code, out, _) = common::run_cli(&["verify", "--format", "json", &path]);
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let fix = &v["files"][0]["claims"][0]["steps"][0]["fix"];
    let start = fix[0]["start"].as_u64().expect("start") as usize;
    let end = fix[0]["end"].as_u64().expect("end") as usize;
    assert_eq!(&text[start..end], "W u");
    assert_eq!(fix[0]["text"], "Wᵀ u");
}
