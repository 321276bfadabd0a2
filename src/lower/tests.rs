//! Lowering tests on hand-built syntax trees (every node gets its own span,
//! so tests can tell which node an error points at).

use super::*;
use crate::expr::{Constant, Func, Node, VarId};
use crate::syntax::ast::{
    BinOp, ChainLine, Claim, Decl, Def, Domain, Expr, ExprKind, File, Ident, Item, Let, ShapeSpec,
    TypeSpec,
};
use std::cell::Cell;

mod errors;

thread_local! {
    static NEXT: Cell<usize> = const { Cell::new(0) };
}

/// A span no other node has.
fn sp() -> Span {
    NEXT.with(|n| {
        let s = n.get();
        n.set(s + 10);
        Span::new(s, s + 5)
    })
}

fn id(s: &str) -> Ident {
    Ident {
        name: s.to_string(),
        span: sp(),
    }
}
fn ex(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}
fn n(s: &str) -> Expr {
    ex(ExprKind::Name(id(s)))
}
fn num(k: i64) -> Expr {
    ex(ExprKind::Num(crate::expr::Rational::from_integer(k.into())))
}
fn ix(base: Expr, is: &[&str]) -> Expr {
    ex(ExprKind::Index {
        base: Box::new(base),
        indices: is.iter().map(|i| id(i)).collect(),
    })
}
fn v(name: &str, is: &[&str]) -> Expr {
    ix(n(name), is)
}
fn call(f: &str, args: Vec<Expr>) -> Expr {
    ex(ExprKind::Call { func: id(f), args })
}
fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    ex(ExprKind::Binary {
        op,
        lhs: Box::new(a),
        rhs: Box::new(b),
    })
}
fn add(a: Expr, b: Expr) -> Expr {
    bin(BinOp::Add, a, b)
}
fn sub(a: Expr, b: Expr) -> Expr {
    bin(BinOp::Sub, a, b)
}
fn mul(a: Expr, b: Expr) -> Expr {
    bin(BinOp::Mul, a, b)
}
fn div(a: Expr, b: Expr) -> Expr {
    bin(BinOp::Div, a, b)
}
fn pow(a: Expr, b: Expr) -> Expr {
    bin(BinOp::Pow, a, b)
}
fn neg(a: Expr) -> Expr {
    ex(ExprKind::Neg(Box::new(a)))
}
fn sum(i: &str, body: Expr) -> Expr {
    ex(ExprKind::Sum {
        index: id(i),
        except: None,
        body: Box::new(body),
    })
}
fn delta(i: &str, j: &str) -> Expr {
    ex(ExprKind::Delta(id(i), id(j)))
}
fn deriv(var: &str, is: &[&str], body: Expr) -> Expr {
    ex(ExprKind::Deriv {
        var: id(var),
        indices: is.iter().map(|i| id(i)).collect(),
        body: Box::new(body),
    })
}

fn decl(names: &[&str], shape: &[&str], domain: Domain) -> Item {
    let shape = match shape {
        [] => ShapeSpec::Scalar,
        [a] => ShapeSpec::Vector(id(a)),
        [a, b, ..] => ShapeSpec::Matrix(Box::new([id(a), id(b)])),
    };
    Item::Decl(Box::new(Decl {
        names: names.iter().map(|s| id(s)).collect(),
        ty: TypeSpec {
            domain,
            shape,
            span: sp(),
        },
        span: sp(),
    }))
}
fn real(names: &[&str]) -> Item {
    decl(names, &[], Domain::Real)
}
fn vector(names: &[&str], dim: &str) -> Item {
    decl(names, &[dim], Domain::Real)
}
fn def(name: &str, params: &[&str], result: &[&str], body: Expr) -> Item {
    Item::Def(Box::new(Def {
        name: id(name),
        params: params.iter().map(|s| id(s)).collect(),
        result_indices: result.iter().map(|s| id(s)).collect(),
        body,
        span: sp(),
    }))
}
fn let_(name: &str, indices: &[&str], value: Expr) -> Item {
    Item::Let(Box::new(Let {
        name: id(name),
        indices: indices.iter().map(|s| id(s)).collect(),
        value,
        span: sp(),
    }))
}
fn claim(lhs: Expr, rhs: Expr) -> Item {
    chain_claim(lhs, rhs, vec![])
}
/// A chain line: `eq` says whether it begins with `=`.
fn line(eq: bool, e: Expr, why: Option<&str>) -> ChainLine {
    ChainLine {
        starts_with_eq: eq,
        expr: e,
        justification: why.map(String::from),
        span: sp(),
    }
}
fn chain_claim(lhs: Expr, rhs: Expr, chain: Vec<ChainLine>) -> Item {
    Item::Claim(Box::new(Claim {
        name: id("c"),
        lhs,
        rhs,
        justification: None,
        chain,
        broken: vec![],
        span: sp(),
    }))
}
fn file(items: Vec<Item>) -> File {
    File {
        items,
        ..File::default()
    }
}

fn only_link(l: &Lowered) -> &Link {
    assert_eq!(l.claims.len(), 1);
    assert_eq!(l.claims[0].links.len(), 1, "{:?}", l.claims[0].links);
    match &l.claims[0].links[0] {
        Ok(link) => link,
        Err(e) => panic!("link error: {:?}", e.diagnostic),
    }
}
fn only_error(l: &Lowered) -> &Diagnostic {
    assert_eq!(l.claims.len(), 1);
    assert_eq!(l.claims[0].links.len(), 1);
    match &l.claims[0].links[0] {
        Ok(link) => panic!("expected an error, got {link:?}"),
        Err(e) => &e.diagnostic,
    }
}
fn var(l: &Lowered, name: &str) -> VarId {
    l.symbols.var_named(name).expect("declared")
}
fn node(l: &Lowered, id: Id) -> &Node {
    l.store.get(id)
}

#[test]
fn scalar_claim_keeps_what_is_written() {
    // x / x = 1 lowers to x · x^-1, unsimplified.
    let l = lower_file(&file(vec![
        real(&["x"]),
        claim(div(n("x"), n("x")), num(1)),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    let x = l.store.clone().add(Node::Var(var(&l, "x"), vec![]));
    let Node::Mul(fs) = node(&l, link.lhs) else {
        panic!("{:?}", node(&l, link.lhs))
    };
    assert_eq!(fs[0], x);
    let Node::Pow(b, e) = node(&l, fs[1]) else {
        panic!()
    };
    assert_eq!(*b, x);
    assert_eq!(
        node(&l, *e),
        &Node::Num(crate::expr::Rational::from_integer((-1).into()))
    );
    assert_eq!(
        node(&l, link.rhs),
        &Node::Num(crate::expr::Rational::from_integer(1.into()))
    );
    assert!(link.free.is_empty());
}

#[test]
fn subtraction_negation_and_builtins() {
    let l = lower_file(&file(vec![
        real(&["x", "y"]),
        claim(sub(n("x"), neg(n("y"))), call("sqrt", vec![n("x")])),
        claim(pow(n("e"), n("x")), mul(n("e"), n("pi"))),
        claim(call("sigmoid", vec![n("x")]), call("ln", vec![n("x")])),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let links: Vec<&Link> = l
        .claims
        .iter()
        .map(|c| c.links[0].as_ref().unwrap())
        .collect();
    // Rebuild the expected expressions in a copy of the store: hash-consing
    // makes equal structure equal ids.
    let mut st = l.store.clone();
    let x = st.add(Node::Var(var(&l, "x"), vec![]));
    let y = st.add(Node::Var(var(&l, "y"), vec![]));
    let ny = st.neg(y);
    assert_eq!(links[0].lhs, st.sub(x, ny));
    let half = st.num(crate::expr::Rational::new(1.into(), 2.into()));
    assert_eq!(links[0].rhs, st.pow(x, half));
    assert_eq!(links[1].lhs, st.apply(Func::Exp, x));
    let e = st.add(Node::Const(Constant::E));
    let pi = st.add(Node::Const(Constant::Pi));
    assert_eq!(links[1].rhs, st.mul2(e, pi));
    assert_eq!(links[2].lhs, st.apply(Func::Sigmoid, x));
    assert_eq!(links[2].rhs, st.apply(Func::Log, x));
    assert_eq!(st.len(), l.store.len(), "nothing new was built");
}

/// The ids of the bound indices of every `Sum` under `root`.
fn bound_indices(l: &Lowered, root: Id) -> Vec<IndexId> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if let Node::Sum { index, .. } = node(l, id) {
            out.push(*index);
        }
        stack.extend(crate::expr::children(node(l, id)));
    }
    out
}

#[test]
fn softmax_of_broadcast_sum_binds_a_fresh_index() {
    // softmax(x + c)[i] = exp(x[i] + c) / sum(j, exp(x[j] + c))
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        real(&["c"]),
        claim(
            ix(call("softmax", vec![add(n("x"), n("c"))]), &["i"]),
            div(
                call("exp", vec![add(v("x", &["i"]), n("c"))]),
                sum("j", call("exp", vec![add(v("x", &["j"]), n("c"))])),
            ),
        ),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    assert_eq!(link.free.len(), 1);
    let i = link.free[0];
    assert_eq!(l.symbols.index(i).name, "i");
    assert_eq!(l.symbols.dim_name(l.symbols.index_dim(i)), "n");
    let bound = bound_indices(&l, link.lhs);
    assert_eq!(bound.len(), 1);
    assert_ne!(bound[0], i);
    assert_eq!(l.symbols.index_dim(bound[0]), l.symbols.index_dim(i));
    // The numerator is exp(x[i] + c), with the broadcast made explicit.
    let mut st = l.store.clone();
    let xi = st.add(Node::Var(var(&l, "x"), vec![i]));
    let c = st.add(Node::Var(var(&l, "c"), vec![]));
    let arg = st.add2(xi, c);
    let num = st.apply(Func::Exp, arg);
    let Node::Mul(fs) = node(&l, link.lhs) else {
        panic!()
    };
    assert_eq!(fs[0], num);
    // Both sides say the same up to the name of the bound index.
    assert!(chain::alpha_eq(&l.store, link.lhs, link.rhs));
    assert_ne!(link.lhs, link.rhs);
}

#[test]
fn two_expansions_bind_two_indices() {
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        claim(
            ix(call("softmax", vec![n("x")]), &["i"]),
            ix(call("softmax", vec![n("x")]), &["i"]),
        ),
    ]));
    let link = only_link(&l);
    let a = bound_indices(&l, link.lhs);
    let b = bound_indices(&l, link.rhs);
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_ne!(a[0], b[0]);
    assert!(chain::alpha_eq(&l.store, link.lhs, link.rhs));
}

#[test]
fn scalar_definition_applies_elementwise() {
    // sigma(t) := 1 / (1 + exp(-t)); sigma(x)[i] with x a vector.
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        def(
            "sigma",
            &["t"],
            &[],
            div(num(1), add(num(1), call("exp", vec![neg(n("t"))]))),
        ),
        claim(
            ix(call("sigma", vec![n("x")]), &["i"]),
            call("sigmoid", vec![v("x", &["i"])]),
        ),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    let i = link.free[0];
    let mut st = l.store.clone();
    let xi = st.add(Node::Var(var(&l, "x"), vec![i]));
    let one = st.int(1);
    let nx = st.neg(xi);
    let ex = st.apply(Func::Exp, nx);
    let den = st.add2(one, ex);
    assert_eq!(link.lhs, st.div(one, den));
    assert_eq!(link.rhs, st.apply(Func::Sigmoid, xi));
}

#[test]
fn a_definition_of_a_builtin_name_is_the_builtin_or_replaces_it_with_a_warning() {
    // `sigmoid(t) := 2 t` is not the logistic function: the file's wins,
    // with a warning at the definition and no error.
    let l = lower_file(&file(vec![
        real(&["x"]),
        def("sigmoid", &["t"], &[], mul(num(2), n("t"))),
        claim(call("sigmoid", vec![n("x")]), call("σ", vec![n("x")])),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert!(l.warnings[0]
        .message
        .contains("replaces the builtin function `sigmoid`"));
    let link = only_link(&l);
    assert!(
        matches!(node(&l, link.lhs), Node::Mul(_)),
        "{:?}",
        node(&l, link.lhs)
    );
    // The logistic function written out is the builtin: no warning, and
    // its uses are the builtin's node.
    let logistic = div(num(1), add(num(1), call("exp", vec![neg(n("t"))])));
    let l = lower_file(&file(vec![
        real(&["x"]),
        def("sigmoid", &["t"], &[], logistic),
        claim(call("sigmoid", vec![n("x")]), n("x")),
    ]));
    assert!(
        l.errors.is_empty() && l.warnings.is_empty(),
        "{:?} {:?}",
        l.errors,
        l.warnings
    );
    let link = only_link(&l);
    assert!(matches!(node(&l, link.lhs), Node::Apply(Func::Sigmoid, _)));
    // `softmax` is a definition the file may give itself.
    let sm = def("softmax", &["v"], &["i"], v("v", &["i"]));
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        sm,
        claim(ix(call("softmax", vec![n("x")]), &["i"]), v("x", &["i"])),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    assert_eq!(link.lhs, link.rhs);
}

#[test]
fn lets_expand_and_vector_lets_take_indices() {
    // let yhat = softmax(z); let L = -sum(i, y[i] log(yhat[i])); ∂L/∂z[j] = yhat[j] - y[j]
    let l = lower_file(&file(vec![
        vector(&["z"], "n"),
        decl(&["y"], &["n"], Domain::Onehot),
        let_("yhat", &[], call("softmax", vec![n("z")])),
        let_(
            "L",
            &[],
            neg(sum(
                "i",
                mul(v("y", &["i"]), call("log", vec![v("yhat", &["i"])])),
            )),
        ),
        claim(
            deriv("z", &["j"], n("L")),
            sub(v("yhat", &["j"]), v("y", &["j"])),
        ),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    assert_eq!(link.free.len(), 1);
    let j = link.free[0];
    let Node::Deriv { body, var: dv, at } = node(&l, link.lhs) else {
        panic!("{:?}", node(&l, link.lhs))
    };
    assert_eq!(*dv, var(&l, "z"));
    assert_eq!(at, &vec![j]);
    let Node::Mul(fs) = node(&l, *body) else {
        panic!()
    };
    assert!(matches!(node(&l, fs[1]), Node::Sum { .. }));
    assert_eq!(l.symbols.var(var(&l, "y")).domain, Domain::Onehot);
}

#[test]
fn indexed_let_binds_its_index() {
    // let s[i] = x[i] + c; s[k] = x[k] + c
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        real(&["c"]),
        let_("s", &["i"], add(v("x", &["i"]), n("c"))),
        claim(v("s", &["k"]), add(v("x", &["k"]), n("c"))),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    assert_eq!(link.lhs, link.rhs);
}

#[test]
fn whole_vector_equality_and_gradient_get_element_indices() {
    // ∂L/∂x = 2 x  with L = sum(i, x[i]^2): a vector equality.
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        let_("L", &[], sum("i", pow(v("x", &["i"]), num(2)))),
        claim(deriv("x", &[], n("L")), mul(num(2), n("x"))),
    ]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    assert_eq!(link.free.len(), 1);
    let k = link.free[0];
    let Node::Deriv { at, .. } = node(&l, link.lhs) else {
        panic!()
    };
    assert_eq!(at, &vec![k]);
    let mut st = l.store.clone();
    let xk = st.add(Node::Var(var(&l, "x"), vec![k]));
    let two = st.int(2);
    assert_eq!(link.rhs, st.mul2(two, xk));
}

#[test]
fn delta_only_index_gets_its_range_from_its_partner() {
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        claim(
            sum("i", mul(delta("i", "j"), v("x", &["i"]))),
            v("x", &["j"]),
        ),
        claim(
            add(delta("i", "j"), v("x", &["j"])),
            add(delta("j", "i"), v("x", &["j"])),
        ),
    ]));
    for c in &l.claims {
        assert!(c.links[0].is_ok(), "{:?}", c.links[0]);
    }
}

// ---- chains ----

#[test]
fn chain_links_spans_and_justifications() {
    // claim: a = c;  a  = b # one  = c # two
    let (a, b, c) = (n("x"), add(n("x"), num(0)), mul(n("x"), num(1)));
    let l0 = line(false, n("x"), None);
    let l1 = line(true, b.clone(), Some("one"));
    let l2 = line(true, c.clone(), Some("two"));
    let (s1, s2) = (l1.span, l2.span);
    let (b_span, c_span) = (l1.expr.span, l2.expr.span);
    let l = lower_file(&file(vec![
        real(&["x"]),
        chain_claim(a, c, vec![l0, l1, l2]),
    ]));
    let links = &l.claims[0].links;
    assert_eq!(
        links.len(),
        2,
        "start and end match the claim: no extra links"
    );
    let (k1, k2) = (links[0].as_ref().unwrap(), links[1].as_ref().unwrap());
    assert_eq!((k1.span, k1.justification.as_deref()), (s1, Some("one")));
    assert_eq!((k2.span, k2.justification.as_deref()), (s2, Some("two")));
    assert_eq!(
        (k1.rhs_span, k2.lhs_span, k2.rhs_span),
        (b_span, b_span, c_span)
    );
}

#[test]
fn chain_start_and_end_that_differ_from_the_claim_are_links() {
    let l0 = line(false, add(n("x"), num(0)), Some("start"));
    let l1 = line(true, add(n("x"), num(1)), None);
    let (s0, s1) = (l0.span, l1.span);
    let l = lower_file(&file(vec![
        real(&["x"]),
        chain_claim(n("x"), n("x"), vec![l0, l1]),
    ]));
    let spans: Vec<Span> = l.claims[0]
        .links
        .iter()
        .map(|k| k.as_ref().unwrap().span)
        .collect();
    assert_eq!(spans, vec![s0, s1, s1]);
    assert_eq!(
        l.claims[0].links[0]
            .as_ref()
            .unwrap()
            .justification
            .as_deref(),
        Some("start")
    );
}

#[test]
fn chain_starting_with_eq_starts_from_the_claim() {
    let l1 = line(true, add(n("x"), num(0)), None);
    let l2 = line(true, n("y"), None);
    let l = lower_file(&file(vec![
        real(&["x", "y"]),
        chain_claim(n("x"), n("y"), vec![l1, l2]),
    ]));
    assert_eq!(l.claims[0].links.len(), 2);
}

#[test]
fn chain_start_equal_up_to_bound_index_names_is_not_a_link() {
    // The claim writes sum(i, ...) and the chain's start sum(k, ...).
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        chain_claim(
            sum("i", v("x", &["i"])),
            num(0),
            vec![
                line(false, sum("k", v("x", &["k"])), None),
                line(true, num(0), None),
            ],
        ),
    ]));
    assert_eq!(l.claims[0].links.len(), 1);
}

#[test]
fn a_wrongly_indexed_step_is_an_error_on_its_links_only() {
    let bad = v("x", &["i", "j"]);
    let bad_span = bad.span;
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        chain_claim(
            v("x", &["i"]),
            v("x", &["i"]),
            vec![
                line(false, v("x", &["i"]), None),
                line(true, bad, None),
                line(true, v("x", &["i"]), None),
            ],
        ),
    ]));
    let links = &l.claims[0].links;
    assert_eq!(links.len(), 2);
    let e = links[0].as_ref().unwrap_err();
    assert_eq!(e.diagnostic.span, bad_span, "{}", e.diagnostic.message);
    assert!(
        e.diagnostic
            .message
            .contains("takes 1 index, but 2 were given"),
        "{}",
        e.diagnostic.message
    );
    let e = links[1].as_ref().unwrap_err();
    assert!(
        e.diagnostic
            .message
            .contains("takes 1 index, but 2 were given"),
        "{}",
        e.diagnostic.message
    );
    // With the bad step fixed, both links lower.
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        chain_claim(
            v("x", &["i"]),
            v("x", &["i"]),
            vec![
                line(false, v("x", &["i"]), None),
                line(true, add(v("x", &["i"]), num(0)), None),
                line(true, v("x", &["i"]), None),
            ],
        ),
    ]));
    assert!(l.claims[0].links.iter().all(|k| k.is_ok()));
}

#[test]
fn deep_nesting_is_an_error_not_a_hang() {
    // f0(t) := t, f{k+1}(t) := f{k}(f{k}(t)): 2^100 leaves if copied.
    let mut items = vec![real(&["x"]), def("f0", &["t"], &[], n("t"))];
    for k in 1..100 {
        items.push(def(
            &format!("f{k}"),
            &["t"],
            &[],
            call(
                &format!("f{}", k - 1),
                vec![call(&format!("f{}", k - 1), vec![n("t")])],
            ),
        ));
    }
    items.push(claim(call("f99", vec![n("x")]), n("x")));
    let l = lower_file(&file(items));
    let d = only_error(&l);
    assert!(
        d.message.contains("levels deep") || d.message.contains("steps"),
        "{}",
        d.message
    );
}

#[test]
fn wide_expansion_is_shared_not_copied() {
    // f{k+1}(t) := f{k}(t) + f{k}(t) at depth 40: the argument is lowered
    // once per binding and the store stays small.
    let mut items = vec![real(&["x"]), def("f0", &["t"], &[], n("t"))];
    for k in 1..20 {
        items.push(def(
            &format!("f{k}"),
            &["t"],
            &[],
            add(call(&format!("f{}", k - 1), vec![n("t")]), n("t")),
        ));
    }
    items.push(claim(call("f19", vec![n("x")]), n("x")));
    let l = lower_file(&file(items));
    only_link(&l);
    assert!(l.store.len() < 100, "{}", l.store.len());
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    for depth in [100, 499, 501, 5000] {
        let mut e = n("x");
        for _ in 0..depth {
            e = neg(add(e, num(1)));
        }
        let l = lower_file(&file(vec![real(&["x"]), claim(e, n("x"))]));
        assert_eq!(l.claims[0].links.len(), 1);
        match &l.claims[0].links[0] {
            Ok(_) => assert!(depth < 500, "{depth}"),
            Err(e) => {
                assert!(depth > 500, "{depth}: {}", e.diagnostic.message);
                assert!(
                    e.diagnostic.message.contains("levels deep"),
                    "{}",
                    e.diagnostic.message
                );
            }
        }
    }
}

#[test]
fn long_sums_lower_in_linear_steps() {
    // 3000 terms, left-nested as the parser builds them: shapes are cached,
    // so this stays well inside the step budget and the recursion limit.
    let mut items = vec![vector(&["x"], "n")];
    let mut e = v("x", &["i"]);
    for _ in 0..3000 {
        e = ex(ExprKind::Binary {
            op: BinOp::Add,
            lhs: Box::new(e),
            rhs: Box::new(v("x", &["i"])),
        });
    }
    items.push(claim(e, v("x", &["i"])));
    let l = lower_file(&file(items));
    // A chain of sums is walked, not recursed (it is not nesting), and
    // becomes one sum of all its terms, not 3000 nested sums.
    let link = only_link(&l);
    assert!(
        matches!(l.store.get(link.lhs), Node::Add(xs) if xs.len() == 3001),
        "{:?}",
        l.store.get(link.lhs)
    );
    let mut items = vec![vector(&["x"], "n")];
    let mut e = v("x", &["i"]);
    for _ in 0..900 {
        e = add(e, v("x", &["i"]));
    }
    items.push(claim(e, v("x", &["i"])));
    let l = lower_file(&file(items));
    only_link(&l);
}

#[test]
fn an_even_power_of_the_builtin_norm_is_a_power_of_its_sum_of_squares() {
    // ‖v‖² is Σ v², never sqrt(Σ v²)^2: the derivative then has no square
    // root to cancel (issue #13).
    let norm_to = |k: i64| claim(pow(call("norm", vec![n("x")]), num(k)), num(0));
    let l = lower_file(&file(vec![vector(&["x"], "n"), norm_to(2)]));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let link = only_link(&l);
    assert!(
        matches!(node(&l, link.lhs), Node::Sum { .. }),
        "{:?}",
        node(&l, link.lhs)
    );
    // ‖x‖⁴ is (Σ x²)².
    let l = lower_file(&file(vec![vector(&["x"], "n"), norm_to(4)]));
    let link = only_link(&l);
    assert!(
        matches!(node(&l, link.lhs), Node::Pow(s, _) if matches!(node(&l, *s), Node::Sum { .. })),
        "{:?}",
        node(&l, link.lhs)
    );
    // An odd power keeps the square root as written.
    let l = lower_file(&file(vec![vector(&["x"], "n"), norm_to(3)]));
    let link = only_link(&l);
    assert!(
        matches!(node(&l, link.lhs), Node::Pow(r, _) if matches!(node(&l, *r), Node::Pow(..))),
        "{:?}",
        node(&l, link.lhs)
    );
    // A file's own `norm` is its own function, squared as written.
    let mine = def("norm", &["v"], &[], sum("i", v("v", &["i"])));
    let l = lower_file(&file(vec![vector(&["x"], "n"), mine, norm_to(2)]));
    let link = only_link(&l);
    assert!(
        matches!(node(&l, link.lhs), Node::Pow(..)),
        "{:?}",
        node(&l, link.lhs)
    );
}
