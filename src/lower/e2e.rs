//! End-to-end tests: source text → parser → check → lowering, with errors
//! located by line and column.

use super::*;
use crate::syntax::parse_file;
use crate::syntax::span::LineIndex;

/// Lowers `src`, failing the test on syntax errors.
fn lower_src(src: &str) -> Lowered {
    let file = parse_file(src);
    assert!(file.errors.is_empty(), "syntax errors: {:?}", file.errors);
    lower_file(&file)
}

/// Every error (file errors, then link errors in order) as
/// `(line, col, message)`.
fn errors(src: &str) -> Vec<(usize, usize, String)> {
    let l = lower_src(src);
    let idx = LineIndex::new(src);
    let at = |d: &Diagnostic| {
        let (line, col) = idx.line_col(src, d.span.start);
        (line, col, d.message.clone())
    };
    let mut out: Vec<_> = l.errors.iter().map(at).collect();
    for c in &l.claims {
        for k in &c.links {
            if let Err(e) = k {
                out.push(at(&e.diagnostic));
            }
        }
    }
    out
}

/// Lowers `src` and asserts that every link of every claim lowered.
fn all_ok(src: &str) -> Lowered {
    let l = lower_src(src);
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    for c in &l.claims {
        for k in &c.links {
            if let Err(e) = k {
                panic!("claim {}: {:?}", c.name, e.diagnostic);
            }
        }
    }
    l
}

#[test]
fn sigmoid_derivation() {
    let l = all_ok(
        "x : real
sigma(t) := 1 / (1 + e^(-t))
claim dsigma: d/dx sigma(x) = sigma(x) (1 - sigma(x))
    d/dx sigma(x)
  = d/dx (1 + e^(-x))^(-1)             # definition
  = -(1 + e^(-x))^(-2) * (-e^(-x))     # chain rule
  = e^(-x) / (1 + e^(-x))^2
  = sigma(x) (1 - sigma(x))
",
    );
    let links = &l.claims[0].links;
    assert_eq!(links.len(), 4);
    assert_eq!(
        links[0].as_ref().unwrap().justification.as_deref(),
        Some("definition")
    );
}

#[test]
fn softmax_derivation() {
    let l = all_ok(
        "x : vector[n]
c : real
claim shift: softmax(x + c)[i] = softmax(x)[i]
    softmax(x + c)[i]
  = exp(x[i] + c) / sum(j, exp(x[j] + c))          # definition
  = exp(x[i]) exp(c) / sum(j, exp(x[j]) exp(c))
  = softmax(x)[i]
",
    );
    assert_eq!(l.claims[0].links.len(), 3);
}

#[test]
fn cross_entropy_derivation() {
    let l = all_ok(
        "z : vector[n]
y : onehot[n]
let yhat = softmax(z)
let L = -sum(i, y[i] log(yhat[i]))
claim dlog: ∂/∂z[j] log(yhat[i]) = delta(i, j) - yhat[j]
claim grad: ∂L/∂z[j] = yhat[j] - y[j]
  = -sum(i, y[i] (delta(i, j) - yhat[j]))
  = yhat[j] sum(i, y[i]) - y[j]
  = yhat[j] - y[j]
",
    );
    assert_eq!(l.claims[0].links.len(), 1);
    assert_eq!(l.claims[1].links.len(), 3);
    let k = l.claims[0].links[0].as_ref().unwrap();
    let names: Vec<&str> = k
        .free
        .iter()
        .map(|&i| l.symbols.index(i).name.as_str())
        .collect();
    assert_eq!(names, ["j", "i"]);
}

#[test]
fn backprop_index_form() {
    all_ok(
        "x : vector[d]
W1 : matrix[m, d]
b1 : vector[m]
W2 : matrix[n, m]
b2 : vector[n]
y : onehot[n]
let z1[k] = sum(l, W1[k, l] x[l]) + b1[k]
let h = sigmoid(z1)
let z2[i] = sum(k, W2[i, k] h[k]) + b2[i]
let yhat = softmax(z2)
let L = -sum(i, y[i] log(yhat[i]))
claim dx: ∂L/∂x[p] = sum(k, W1[k, p] h[k] (1 - h[k]) sum(i, W2[i, k] (yhat[i] - y[i])))
claim dW2: ∂L/∂W2[a, b] = (yhat[a] - y[a]) h[b]
claim grad: ∂L/∂b2 = yhat - y
",
    );
}

#[test]
fn semantic_errors_with_line_and_column() {
    // (source, line, column, message fragment)
    #[rustfmt::skip]
    let cases: &[(&str, usize, usize, &str)] = &[
        ("x : real\nclaim a: xx = x\n", 2, 10, "unknown name `xx`"),
        ("x : real\nclaim a: sigmod(x) = x\n", 2, 10, "unknown function `sigmod`"),
        ("x : real\nx : real\n", 2, 1, "declared twice"),
        ("x : real\nclaim a: exp(x, x) = x\n", 2, 10, "takes 1 argument"),
        ("x : real\nf(a, b) := a + b\nclaim a: f(x) = x\n", 3, 10, "takes 2 arguments, but 1 was given"),
        ("x : real\nclaim a: x[i] = x\n", 2, 12, "scalar and cannot be indexed"),
        ("x : vector[n]\nclaim a: x[i, j] = 0\n", 2, 10, "takes 1 index, but 2"),
        ("x : vector[n]\nc : real\nclaim a: x = c\n", 3, 14, "same shape"),
        ("x : vector[n]\ny : vector[m]\nclaim a: x[i] + y[i] = x[i]\n", 3, 19, "ranges over `m`"),
        ("x : real\nf(t) := g(t)\ng(t) := f(t)\n", 3, 9, "refers to itself"),
        ("x : vector[n]\nclaim a: softmax(1)[i] = x[i]\n", 2, 18, "expects a vector"),
        ("x : vector[n]\nlet a = x[i]\n", 2, 11, "index `i` is free in `let a`"),
        ("x : real\nlet a = b\nlet b = x\n", 2, 9, "later let"),
        ("e : real\n", 1, 1, "reserved"),
        ("x : vector[n]\nclaim a: d/dy x[i] = 0\n", 2, 13, "unknown variable `y`"),
    ];
    for &(src, line, col, fragment) in cases {
        let errs = errors(src);
        assert!(
            errs.iter()
                .any(|(l, c, m)| (*l, *c) == (line, col) && m.contains(fragment)),
            "{src:?}: expected {line}:{col} {fragment:?}, got {errs:?}"
        );
    }
}

/// Writes a lowered expression compactly, for eyeballing and for tests.
pub(crate) fn show(l: &Lowered, id: crate::expr::Id) -> String {
    use crate::expr::Node;
    let ix = |i: &crate::expr::IndexId| format!("{}{}", l.symbols.index(*i).name, i.0);
    match l.store.get(id) {
        Node::Num(r) => r.to_string(),
        Node::Const(c) => format!("{c:?}"),
        Node::Var(v, is) if is.is_empty() => l.symbols.var(*v).name.to_string(),
        Node::Var(v, is) => format!(
            "{}[{}]",
            l.symbols.var(*v).name,
            is.iter().map(ix).collect::<Vec<_>>().join(",")
        ),
        Node::Add(xs) => format!(
            "({})",
            xs.iter()
                .map(|x| show(l, *x))
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        Node::Mul(xs) => format!(
            "({})",
            xs.iter()
                .map(|x| show(l, *x))
                .collect::<Vec<_>>()
                .join(" * ")
        ),
        Node::Pow(a, b) => format!("{}^{}", show(l, *a), show(l, *b)),
        Node::Apply(f, a) => format!("{}({})", f.name(), show(l, *a)),
        Node::Sum {
            index,
            except,
            body,
        } => format!(
            "sum({}{}, {})",
            ix(index),
            except
                .as_ref()
                .map(|e| format!(" != {}", ix(e)))
                .unwrap_or_default(),
            show(l, *body)
        ),
        Node::Delta(a, b) => format!("delta({}, {})", ix(a), ix(b)),
        Node::Deriv { body, var, at } => format!(
            "D[{}{}]({})",
            l.symbols.var(*var).name,
            if at.is_empty() {
                String::new()
            } else {
                format!("[{}]", at.iter().map(ix).collect::<Vec<_>>().join(","))
            },
            show(l, *body)
        ),
    }
}

#[test]
fn lowered_forms() {
    let l = all_ok(
        "z : vector[n]
y : onehot[n]
x : real
sigma(t) := 1 / (1 + e^(-t))
let yhat = softmax(z)
let L = -sum(i, y[i] log(yhat[i]))
claim grad: ∂L/∂z[j] = yhat[j] - y[j]
claim s: sigma(z)[i] = sigma(x) + sum(k != i, z[k]) + sqrt(x) + pi
",
    );
    let got: Vec<String> = l
        .claims
        .iter()
        .flat_map(|c| &c.links)
        .map(|k| {
            let k = k.as_ref().unwrap();
            format!("{} = {}", show(&l, k.lhs), show(&l, k.rhs))
        })
        .collect();
    // Index ids are numbered in creation order: `L` was lowered once where it
    // is written (i2, j3) and is shared by the claim; every other expansion
    // binds its own index (j5).
    pretty_assertions::assert_eq!(
        got,
        [
            "D[z[j4]]((-1 * sum(i2, (y[i2] * log((exp(z[i2]) * sum(j3, exp(z[j3]))^-1))))))
 = ((exp(z[j4]) * sum(j5, exp(z[j5]))^-1) + (-1 * y[j4]))",
            "(1 * (1 + exp((-1 * z[i6])))^-1)
 = ((1 * (1 + exp((-1 * x)))^-1) + sum(k7 != i6, z[k7]) + x^1/2 + Pi)",
        ]
        .map(|s| s.replace("\n", ""))
    );
}

#[rustfmt::skip]
#[test]
fn errors_inside_expansions() {
    // (source, line, column, message fragment, labelled line or 0)
    let cases: &[(&str, usize, usize, &str, usize)] = &[
        // The definition is fine; this use of it is not: error in the body,
        // labelled at the call.
        ("x : vector[n]\ny : vector[m]\nf(v, w)[i] := v[i] + w[i]\nclaim a: f(x, y)[k] = x[k]\n", 3, 24, "ranges over `m` here but over `n`", 4),
        ("x : vector[n]\ny : vector[m]\nL(a, b) := sum(i, a[i] b[i])\nclaim a: L(x, y) = 0\n", 3, 26, "ranges over `m`", 4),
        ("x : vector[n]\nclaim a: sum(i, sum(i, x[i])) = 0\n", 2, 21, "already bound", 2),
        // A broken let is reported where it is written, and its use says so.
        ("x : vector[n]\nlet h = x + q\nclaim a: h[i] = x[i]\n", 2, 13, "unknown name `q`", 0),
        ("x : vector[n]\nlet h = x + q\nclaim a: h[i] = x[i]\n", 3, 10, "its let has an error", 2),
        ("x : vector[n]\nf(v)[i] := v[i] + q\nclaim a: f(x)[i] = x[i]\n", 3, 10, "its definition has an error", 2),
    ];
    for &(src, line, col, fragment, label_line) in cases {
        let l = lower_src(src);
        let idx = LineIndex::new(src);
        let all: Vec<&Diagnostic> = l
            .errors
            .iter()
            .chain(l.claims.iter().flat_map(|c| c.links.iter().filter_map(|k| k.as_ref().err().map(|e| &e.diagnostic))))
            .collect();
        let found = all.iter().find(|d| d.message.contains(fragment));
        let Some(d) = found else { panic!("{src:?}: no error with {fragment:?} in {all:?}") };
        assert_eq!(idx.line_col(src, d.span.start), (line, col), "{src:?}: {}", d.message);
        assert!(
            label_line == 0 || d.labels.iter().any(|(s, _)| idx.line_col(src, s.start).0 == label_line),
            "{src:?}: no label on line {label_line}: {:?}", d.labels
        );
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "x, c : real\nv, u : vector[n]\nw : vector[m]\nW : matrix[m, n]\n\
                          f(t) := 1 / (1 + e^(-t))\ng(a)[i] := a[i] / sum(j, a[j])\nlet h = f(v)\n";

    /// Well-formed but often ill-typed expressions: names of every shape,
    /// indices that may or may not fit, and every construct.
    fn expr() -> impl Strategy<Value = String> {
        let leaf = proptest::sample::select(vec![
            "x",
            "c",
            "v",
            "u",
            "w",
            "W",
            "h",
            "e",
            "pi",
            "2",
            "0.5",
            "v[i]",
            "v[j]",
            "w[i]",
            "W[i, j]",
            "W[j, i]",
            "u[k]",
            "x[i]",
            "h[i]",
            "delta(i, j)",
            "g(v)[i]",
            "∂h/∂v[j]",
            "∂h/∂v",
            "softmax(v)[j]",
            "softmax(w)",
        ])
        .prop_map(String::from);
        leaf.prop_recursive(4, 24, 3, |inner| {
            let name = proptest::sample::select(vec![
                "f", "g", "softmax", "exp", "log", "sqrt", "sigmoid", "nope",
            ]);
            let op = proptest::sample::select(vec![" + ", " - ", " * ", " / ", "^", " ⊙ ", " "]);
            let ix = proptest::sample::select(vec!["i", "j", "k"]);
            prop_oneof![
                (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("({a}{o}{b})")),
                (name, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
                (ix.clone(), inner.clone()).prop_map(|(i, a)| format!("sum({i}, {a})")),
                (ix.clone(), inner.clone()).prop_map(|(i, a)| format!("sum({i} != j, {a})")),
                (inner.clone(), ix.clone()).prop_map(|(a, i)| format!("({a})[{i}]")),
                inner.clone().prop_map(|a| format!("d/dx {a}")),
                (ix, inner.clone()).prop_map(|(i, a)| format!("∂/∂v[{i}] ({a})")),
                inner.prop_map(|a| format!("-{a}")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn any_text(body in "[a-zxcvuwWhije0-9 ()\\[\\],:=+*/^∂Σδσᵀ⊙!\n-]{0,80}") {
            let src = format!("{HEADER}{body}\nclaim q: {body} = {body}\n");
            let _ = lower_file(&crate::syntax::parse_file(&src));
        }

        #[test]
        fn token_soup(a in expr(), b in expr(), mid in expr()) {
            let src = format!("{HEADER}claim z: {a} = {b}\n    {a}\n  = {mid}\n  = {b}\n");
            let file = crate::syntax::parse_file(&src);
            let l = lower_file(&file);
            // Every claim that parsed has at least one link.
            for c in &l.claims {
                prop_assert!(!c.links.is_empty());
            }
            if std::env::var("SOUP_STATS").is_ok() {
                let ok = l.claims.iter().flat_map(|c| &c.links).filter(|k| k.is_ok()).count();
                eprintln!("STAT parse_errors={} claims={} ok_links={ok}", file.errors.len(), l.claims.len());
                for e in l.claims.iter().flat_map(|c| &c.links).filter_map(|k| k.as_ref().err()) {
                    eprintln!("MSG {} «{}»", e.diagnostic.message, e.diagnostic.span.text(&src));
                }
            }
        }
    }
}

#[test]
fn chain_shapes() {
    // (source, number of links, line of each link)
    let cases: &[(&str, &[usize])] = &[
        // No chain: one link on the claim line.
        ("x : real\nclaim a: x = x\n", &[2]),
        // A written step is kept even when trivially true.
        ("x : real\nclaim a: x = x\n  = x\n", &[3]),
        // A start line restating the claim's left side is not a step; an
        // end differing from the right side is one more link, at the end line.
        ("x : real\nclaim a: x = 2 x\n    x\n  = x + 0\n", &[4, 4]),
        ("x : real\nclaim a: x = x\n    x + 0\n  = x\n", &[3, 4]),
        // A chain that only restates the claim still checks it.
        ("x : real\nclaim a: x = x\n    x\n", &[2]),
        ("v : vector[n]\nclaim a: softmax(v)[i] = softmax(v)[i]\n    softmax(v)[i]\n  = softmax(v)[i]\n", &[4]),
    ];
    for &(src, lines) in cases {
        let l = all_ok(src);
        let idx = LineIndex::new(src);
        let got: Vec<usize> = l.claims[0]
            .links
            .iter()
            .map(|k| idx.line_col(src, k.as_ref().unwrap().span.start).0)
            .collect();
        assert_eq!(got, lines, "{src:?}");
    }
}

#[test]
fn ranges_from_every_kind_of_use() {
    // Each claim's free indices get their range without an error.
    all_ok(
        "x : vector[n]
c : real
W : matrix[m, n]
f(a, b) := a * b
claim except_only: sum(i != j, x[i]) = sum(i, x[i]) - sum(i, delta(i, j) x[i])
claim delta_partner: delta(i, j) x[j] = delta(j, i) x[i]
claim mixed_args: f(x, c)[i] = x[i] * c
claim deriv_index: ∂/∂W[a, b] sum(k, W[a, k] x[k]) = x[b] delta(a, a)
",
    );
    let errs = errors("x : vector[n]\nclaim a: delta(i, j) = delta(j, i)\n");
    assert!(
        errs[0].2.contains("cannot tell the range of index `i`"),
        "{errs:?}"
    );
}

/// `(line, col, verdict-ish, justification)` of each link of each claim.
fn link_rows(src: &str) -> Vec<(String, usize, bool, Option<String>)> {
    let l = lower_file(&parse_file(src));
    let idx = LineIndex::new(src);
    let mut out = Vec::new();
    for c in &l.claims {
        for k in &c.links {
            let (span, ok, why) = match k {
                Ok(link) => (link.span, true, link.justification.clone()),
                Err(e) => (e.diagnostic.span, false, e.justification.clone()),
            };
            out.push((c.name.clone(), idx.line_col(src, span.start).0, ok, why));
        }
    }
    out
}

#[test]
fn a_chain_line_that_does_not_parse_is_an_error_link_of_its_claim() {
    // The broken line has no `=`; what is left restates the claim.
    let src = "x : real\nclaim c9: x = x\n    x\n  x + 0\n  = x\n";
    let l = lower_file(&parse_file(src));
    assert_eq!(l.claims.len(), 1);
    let links = &l.claims[0].links;
    assert_eq!(links.len(), 1, "{links:?}");
    let e = links[0].as_ref().expect_err("the broken line is an error");
    assert!(e.diagnostic.message.contains("expected `=`"), "{e:?}");
    assert_eq!(e.span.text(src), "x + 0");
    assert_eq!(e.rhs_span.text(src), "x + 0");
    assert_eq!(e.lhs_span.text(src), "x");
    // A continuation that does not parse, between good steps: the steps
    // before and after are still checked, the link across it is not.
    let src = "x : real\nclaim c: 2 x = 2 x\n  = x + x\n  = f(x,\n      +)  # why\n  = 2 x\n";
    let rows = link_rows(src);
    assert_eq!(
        rows,
        vec![
            ("c".to_string(), 3, true, None),
            ("c".to_string(), 5, false, Some("why".to_string())),
        ]
    );
}

#[test]
fn the_comment_on_a_claim_line_with_a_chain_goes_to_its_first_link() {
    let src = "x : real
claim a: x = 2 x  # oops
  = x + x
  = 2 x
claim b: x = 2 x  # claim note
  = x + x  # step note
  = 2 x
claim c: x = 2 x  # alone
";
    let rows = link_rows(src);
    let why: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|r| (r.0.as_str(), r.3.as_deref()))
        .collect();
    assert_eq!(
        why,
        vec![
            ("a", Some("oops")),
            ("a", None),
            ("b", Some("step note")),
            ("b", None),
            ("c", Some("alone")),
        ]
    );
}

#[test]
fn a_side_without_a_free_index_is_constant_in_it() {
    // The link's free indices are those of either side, so the side that
    // lacks `j` is compared with the other at every `j`; no `δ(j, j)` needed.
    for src in [
        "z : vector[n]\nclaim a: ∂/∂z[j] Σ_k z[k] = 1\n",
        "z : vector[n]\nclaim a: 1 = ∂/∂z[j] Σ_k z[k]\n",
        "x : vector[n]\nclaim a: x[i] = x[j]\n",
    ] {
        let l = lower_src(src);
        assert!(l.errors.is_empty(), "{src:?}: {:?}", l.errors);
        let link = l.claims[0].links[0].as_ref().expect("lowers");
        let names: Vec<&str> = link
            .free
            .iter()
            .map(|i| l.symbols.index(*i).name.as_str())
            .collect();
        assert!(names.contains(&"j"), "{src:?}: free {names:?}");
    }
}

#[test]
fn a_sum_index_that_shadows_a_free_one_is_local_with_a_warning() {
    let src = "x : vector[n]\nclaim a: x[j] = sum(j, x[j])\n";
    let l = lower_src(src);
    let link = l.claims[0].links[0].as_ref().expect("lowers");
    // Inside the sum, `j` is the sum's own: the right side has no free index.
    let (lhs, rhs) = (show(&l, link.lhs), show(&l, link.rhs));
    assert!(lhs.starts_with("x[j"), "{lhs}");
    assert!(rhs.starts_with("sum(j"), "{rhs}");
    let idx = LineIndex::new(src);
    let w: Vec<((usize, usize), &str)> = l
        .warnings
        .iter()
        .map(|d| (idx.line_col(src, d.span.start), d.message.as_str()))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, (2, 21), "{w:?}");
    assert!(w[0].1.contains("shadows the free index `j`"), "{w:?}");
    // The warning's fix renames the sum's index and all its uses.
    let fixed = crate::diag::apply_edits(src, &l.warnings[0].fix).expect("applies");
    assert_eq!(fixed, "x : vector[n]\nclaim a: x[j] = sum(k, x[k])\n");
    let after = all_ok(&fixed);
    assert!(after.warnings.is_empty(), "{:?}", after.warnings);
}

/// A chain of `n + 1` scalar lets, each using the one before, and a claim
/// about the last.
fn let_chain(n: usize) -> String {
    let mut src = String::from("x : real\nlet a0 = x\n");
    for k in 1..=n {
        src.push_str(&format!("let a{k} = sin(a{}) + a{}\n", k - 1, k - 1));
    }
    src.push_str(&format!("claim c: a{n} = a{n} + 0\n"));
    src
}

#[test]
fn lets_nested_past_the_limit_are_one_located_error() {
    use super::env::MAX_LET_DEPTH;
    // a0 is one level deep, so a{MAX_LET_DEPTH - 1} is the deepest allowed.
    let ok = lower_src(&let_chain(MAX_LET_DEPTH - 1));
    assert!(ok.errors.is_empty(), "{:?}", ok.errors);
    assert!(ok.claims[0].links.iter().all(|l| l.is_ok()));

    let src = let_chain(MAX_LET_DEPTH + 40);
    let l = lower_src(&src);
    // Reported once, at the first let past the limit, naming the limit.
    let deep: Vec<&Diagnostic> = l
        .errors
        .iter()
        .filter(|d| d.message.contains("nested more than"))
        .collect();
    assert_eq!(deep.len(), 1, "{:?}", l.errors);
    assert!(
        deep[0].message.contains(&MAX_LET_DEPTH.to_string()),
        "{}",
        deep[0].message
    );
    let idx = LineIndex::new(&src);
    // Line 1 declares x, line 2 is a0: a{MAX_LET_DEPTH} is on line MAX_LET_DEPTH + 2.
    assert_eq!(
        idx.line_col(&src, deep[0].span.start),
        (MAX_LET_DEPTH + 2, 5)
    );
    // The claim about the last let says its let has an error.
    let e = l.claims[0].links[0]
        .as_ref()
        .expect_err("the let is broken");
    assert!(
        e.diagnostic.message.contains("its let has an error"),
        "{}",
        e.diagnostic.message
    );
}
