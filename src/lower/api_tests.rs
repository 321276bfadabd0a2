//! Tests of the standalone entries [`lower_expr`] and [`lower_var`] that
//! `derivcheck diff` and `simplify` build on.

use super::*;
use crate::expr::print;
use crate::expr::Node;
use crate::syntax::{parse_expr, parse_file};

const FILE: &str = "x : vector[n]
z : vector[n]
c : real
W : matrix[m, n]
sigma(t) := 1 / (1 + exp(-t))
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let yhat = softmax(z)
";

/// Lowers `expr` against [`FILE`]; returns the lowering, the id and the
/// names of the free indices.
fn lower(expr: &str) -> Result<(Lowered, Id, Vec<String>), Diagnostic> {
    let file = parse_file(FILE);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let e = parse_expr(expr).expect("test expression parses");
    let (l, id, free) = lower_expr(&file, &e)?;
    let names = free
        .iter()
        .map(|&i| l.symbols.index(i).name.clone())
        .collect();
    Ok((l, id, names))
}

#[test]
fn scalar_expression_has_no_free_index() {
    let (l, id, free) = lower("sigma(c) + 1").expect("lowers");
    assert!(free.is_empty());
    assert!(l.errors.is_empty());
    assert!(matches!(l.store.get(id), Node::Add(_)));
}

#[test]
fn named_free_indices_in_order() {
    let (_, _, free) = lower("log(yhat[i]) + W[k, j] x[j]").expect("lowers");
    assert_eq!(free, ["i", "k", "j"]);
}

#[test]
fn vector_value_is_lowered_at_a_fresh_index() {
    let (l, id, free) = lower("sigma(x) + c").expect("lowers");
    assert_eq!(free, ["i"]);
    let printed = print::print(&l.store, &l.symbols, id);
    assert!(printed.contains("x[i]"), "{printed}");
}

#[test]
fn errors_in_the_expression_are_the_err() {
    let e = lower("x[i] + w").expect_err("unknown name");
    assert!(e.message.contains("unknown name `w`"), "{}", e.message);
    let e = lower("x + W").expect_err("shape error");
    assert!(e.message.contains("vector[n]"), "{}", e.message);
}

#[test]
fn file_errors_are_kept_beside_a_lowered_expression() {
    let file = parse_file("x : real\nlet bad = x[i]\n");
    let e = parse_expr("x^2").expect("parses");
    let (l, _, _) = lower_expr(&file, &e).expect("the expression itself is fine");
    assert_eq!(l.errors.len(), 1, "{:?}", l.errors);
}

/// Resolves `var` for `expr`; returns the variable's name and the names of
/// the derivative's indices, with whether each is one of the expression's.
fn wrt(expr: &str, var: &str) -> Result<(String, Vec<(String, bool)>), Diagnostic> {
    let file = parse_file(FILE);
    let e = parse_expr(expr).expect("parses");
    let (mut l, _, free) = lower_expr(&file, &e)?;
    let v = parse_expr(var).expect("parses");
    let (vid, at) = lower_var(&mut l, &file, &v, &free)?;
    Ok((
        l.symbols.var(vid).name.to_string(),
        at.iter()
            .map(|&i| (l.symbols.index(i).name.clone(), free.contains(&i)))
            .collect(),
    ))
}

#[test]
fn lower_var_cases() {
    assert_eq!(wrt("c^2", "c").expect("ok"), ("c".into(), vec![]));
    // A whole vector: one fresh index.
    assert_eq!(
        wrt("sum(i, x[i]^2)", "x").expect("ok"),
        ("x".into(), vec![("k".into(), false)])
    );
    // An element by a new index name: fresh, named as written.
    assert_eq!(
        wrt("log(yhat[i])", "z[j]").expect("ok"),
        ("z".into(), vec![("j".into(), false)])
    );
    // An element by an index of the expression: that very index.
    assert_eq!(
        wrt("log(yhat[i])", "z[i]").expect("ok"),
        ("z".into(), vec![("i".into(), true)])
    );
    let (_, at) = wrt("c", "W").expect("ok");
    assert_eq!(at.len(), 2);
}

#[test]
fn lower_var_errors() {
    for (expr, var, want) in [
        ("c", "yhat", "not a declared variable"),
        ("c", "q", "not a declared variable"),
        ("c", "x[i, j]", "takes 1 index"),
        ("c", "2 c", "expected a variable"),
        ("W[i, k]", "x[i]", "ranges over `m`"),
    ] {
        let e = wrt(expr, var).expect_err(var);
        assert!(e.message.contains(want), "{var}: {}", e.message);
    }
}
