//! `derivcheck simplify` and `derivcheck diff` through the binary.

mod common;
use common::run_cli as run;

use pretty_assertions::assert_eq;

#[test]
fn simplify_prints_the_canonical_form() {
    let (code, out, err) = run(&[
        "simplify",
        "exp(x[i] + c) / sum(j, exp(x[j] + c))",
        "--with",
        "x : vector[n]",
    ]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "exp(x[i]) / sum(j, exp(x[j]))\n", "")
    );
}

#[test]
fn domain_rules_apply_only_where_declared() {
    let (_, positive, _) = run(&["simplify", "log(p q)", "--with", "p, q : positive"]);
    assert_eq!(positive, "log(p) + log(q)\n");
    // Undeclared names are real: log(p q) cannot be split.
    let (_, real, _) = run(&["simplify", "log(p q)"]);
    assert_eq!(real, "log(p * q)\n");
    // sqrt(x^2) is |x| for a real x, and x only where x is known nonnegative.
    let (_, root, _) = run(&["simplify", "sqrt(x^2)"]);
    assert_eq!(root, "abs(x)\n");
    let (_, root, _) = run(&["simplify", "sqrt(p^2)", "--with", "p : positive"]);
    assert_eq!(root, "p\n");
}

#[test]
fn diff_of_the_sigmoid_with_rules() {
    let (code, out, _) = run(&["diff", "1 / (1 + exp(-x))", "--wrt", "x", "--explain"]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("exp(x) / (1 + exp(x))^2"));
    assert!(
        lines.next().is_some_and(|l| l.starts_with("# rules: ")),
        "{out}"
    );
}

#[test]
fn diff_by_an_element_contracts_the_delta() {
    let (code, out, _) = run(&[
        "diff",
        "sum(k, exp(z[k]))",
        "--wrt",
        "z[j]",
        "--with",
        "z : vector[n]",
    ]);
    assert_eq!((code, out.as_str()), (0, "exp(z[j])\n"));
}

#[test]
fn declarations_from_a_derivation_file() {
    let (code, out, err) = run(&[
        "diff",
        "L",
        "--wrt",
        "b2[a]",
        "--decl",
        "derivations/backprop.txt",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("b2") && out.contains("y[a]"), "{out}");
}

#[test]
fn errors_name_the_text_line_and_column() {
    let (code, _, err) = run(&["simplify", "x + (1"]);
    assert_eq!(code, 2);
    assert!(err.contains("EXPR:1:7"), "{err}");
    let (code, _, err) = run(&["diff", "x^2", "--wrt", "y[j]"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("VAR:1:1") && err.contains("not a declared variable"),
        "{err}"
    );
    let (code, _, err) = run(&["simplify", "x", "--decl", "no/such/file.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.txt"), "{err}");
}

#[test]
fn diff_by_a_let_name_holds_the_rest_fixed() {
    let (code, out, err) = run(&[
        "diff",
        "u^2 + x",
        "--wrt",
        "u",
        "--with",
        "x, y : real\nlet u = x y",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "2 * x * y");
    let (code, _, err) = run(&[
        "diff",
        "L",
        "--wrt",
        "h[j, k]",
        "--decl",
        "derivations/backprop.txt",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("takes 1 index, but 2 were given"), "{err}");
    assert!(err.contains("EXPR:1:"), "{err}");
}

#[test]
fn simplify_reaches_identities_of_the_exp_form() {
    for (expr, want) in [
        ("sin(x)^2 + cos(x)^2", "1"),
        ("tanh(x) - 2 sigmoid(2 x)", "-1"),
        // The atom form is shorter here, and stays.
        ("sigmoid(x)", "sigmoid(x)"),
    ] {
        let (code, out, err) = run(&["simplify", expr]);
        assert_eq!((code, out.trim()), (0, want), "{expr}: {err}");
    }
}
