//! Semantic errors on hand-built trees: the message, and the node it
//! points at.

use super::*;

// ---- errors, table-style: (items, expected message fragment, where) ----

/// Which node an error must point at.
enum At {
    /// The claim's link error, at a span found by the closure's index into
    /// the spans collected while building (see `case`).
    Link(&'static str),
    /// A file-level error with this message fragment.
    File(&'static str),
}

fn check_error(items: Vec<Item>, at: At) {
    let l = lower_file(&file(items));
    match at {
        At::Link(fragment) => {
            let errs: Vec<&LinkError> = l
                .claims
                .iter()
                .flat_map(|c| c.links.iter().filter_map(|k| k.as_ref().err()))
                .collect();
            assert!(
                !errs.is_empty(),
                "expected a link error containing {fragment:?}; file errors {:?}",
                l.errors
            );
            assert!(
                errs[0].diagnostic.message.contains(fragment),
                "{:?} does not contain {fragment:?}",
                errs[0].diagnostic.message
            );
        }
        At::File(fragment) => {
            assert!(
                l.errors.iter().any(|d| d.message.contains(fragment)),
                "no file error containing {fragment:?} in {:?}",
                l.errors
            );
        }
    }
}

#[test]
fn semantic_errors() {
    use At::*;
    let cases: Vec<(Vec<Item>, At)> = vec![
        (
            vec![real(&["x"]), claim(n("xx"), n("x"))],
            Link("unknown name `xx`"),
        ),
        (
            vec![real(&["x"]), claim(call("sigmod", vec![n("x")]), n("x"))],
            Link("unknown function `sigmod`"),
        ),
        (vec![real(&["x", "x"])], File("declared twice")),
        (
            vec![real(&["x"]), def("x", &["t"], &[], n("t"))],
            File("declared twice"),
        ),
        (vec![real(&["e"])], File("reserved")),
        (
            vec![
                real(&["x"]),
                claim(call("exp", vec![n("x"), n("x")]), n("x")),
            ],
            Link("takes 1 argument, but 2 were given"),
        ),
        (
            vec![
                real(&["x"]),
                def("f", &["a", "b"], &[], add(n("a"), n("b"))),
                claim(call("f", vec![n("x")]), n("x")),
            ],
            Link("takes 2 arguments, but 1 was given"),
        ),
        (
            vec![real(&["x"]), claim(v("x", &["i"]), n("x"))],
            Link("scalar and cannot be indexed"),
        ),
        (
            vec![vector(&["x"], "n"), claim(v("x", &["i", "j"]), num(0))],
            Link("takes 1 index, but 2 were given"),
        ),
        (
            vec![
                decl(&["W"], &["m", "d"], Domain::Real),
                claim(v("W", &["i"]), num(0)),
            ],
            Link("takes 2 indices, but 1 was given"),
        ),
        (
            vec![vector(&["x"], "n"), real(&["c"]), claim(n("x"), n("c"))],
            Link("same shape"),
        ),
        (
            vec![
                vector(&["x"], "n"),
                vector(&["y"], "m"),
                claim(add(v("x", &["i"]), v("y", &["i"])), v("x", &["i"])),
            ],
            Link("ranges over `m` here but over `n`"),
        ),
        (
            vec![
                vector(&["x"], "n"),
                vector(&["y"], "m"),
                claim(add(n("x"), n("y")), n("x")),
            ],
            Link("expected the same shape"),
        ),
        (
            vec![real(&["x"]), claim(deriv("y", &[], n("x")), num(0))],
            Link("unknown variable `y`"),
        ),
        (
            vec![
                real(&["x"]),
                def("f", &["t"], &[], call("g", vec![n("t")])),
                def("g", &["t"], &[], call("f", vec![n("t")])),
            ],
            File("refers to itself"),
        ),
        (
            vec![
                real(&["x"]),
                def("f", &["t"], &[], call("f", vec![n("t")])),
                claim(call("f", vec![n("x")]), n("x")),
            ],
            Link("its definition has an error"),
        ),
        (
            vec![real(&["x"]), let_("a", &[], n("b")), let_("b", &[], n("x"))],
            File("later let"),
        ),
        (
            vec![vector(&["x"], "n"), let_("a", &[], v("x", &["i"]))],
            File("index `i` is free in `let a`"),
        ),
        (
            vec![vector(&["x"], "n"), def("f", &["v"], &[], v("v", &["k"]))],
            File("index `k` is not bound"),
        ),
        (
            vec![
                vector(&["x"], "n"),
                claim(ix(call("softmax", vec![num(1)]), &["i"]), num(0)),
            ],
            Link("expects a vector for its parameter `v`"),
        ),
        (
            vec![real(&["x"]), claim(n("exp"), n("x"))],
            Link("is a function"),
        ),
        (
            vec![real(&["x"]), claim(call("x", vec![n("x")]), n("x"))],
            Link("not a function"),
        ),
        (
            vec![decl(&["q"], &[], Domain::Simplex)],
            File("is a vector"),
        ),
        (
            vec![vector(&["x"], "n"), claim(delta("i", "j"), num(0))],
            Link("cannot tell the range of index `i`"),
        ),
    ];
    for (items, at) in cases {
        check_error(items, at);
    }
}

#[test]
fn did_you_mean_and_labels() {
    let l = lower_file(&file(vec![real(&["alpha"]), claim(n("alpah"), num(1))]));
    let d = only_error(&l);
    assert_eq!(d.help.as_deref(), Some("did you mean `alpha`?"));

    // An index used for two dimensions: error at the second use, label at the first.
    let first = v("x", &["i"]);
    let second = v("y", &["i"]);
    let (s1, s2) = match (&first.kind, &second.kind) {
        (ExprKind::Index { indices: a, .. }, ExprKind::Index { indices: b, .. }) => {
            (a[0].span, b[0].span)
        }
        _ => unreachable!(),
    };
    let l = lower_file(&file(vec![
        vector(&["x"], "n"),
        vector(&["y"], "m"),
        claim(add(first, second), v("x", &["i"])),
    ]));
    let d = only_error(&l);
    assert_eq!(d.span, s2);
    assert_eq!(d.labels[0].0, s1);
}

#[test]
fn error_in_one_claim_leaves_the_others() {
    let l = lower_file(&file(vec![
        real(&["x"]),
        claim(n("nope"), n("x")),
        claim(n("x"), n("x")),
    ]));
    assert!(l.claims[0].links[0].is_err());
    assert!(l.claims[1].links[0].is_ok());
}
