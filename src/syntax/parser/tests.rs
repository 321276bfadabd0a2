//! Parser tests: table-style, one `check(input, expect)` per construct, with
//! trees written as compact S-expressions so a case fits on one line.

use super::*;
use crate::syntax::ast::erase_spans;
use crate::syntax::print::print_expr;
use pretty_assertions::assert_eq;

/// A compact, span-free rendering of a tree for table tests.
fn sexp(e: &Expr) -> String {
    let ids = |v: &[Ident]| {
        v.iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match &e.kind {
        ExprKind::Num(n) => n.to_string(),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Call { func, args } => {
            let mut s = format!("(call {}", func.name);
            for a in args {
                s.push(' ');
                s.push_str(&sexp(a));
            }
            s + ")"
        }
        ExprKind::Index { base, indices } => format!("(idx {} {})", sexp(base), ids(indices)),
        ExprKind::Neg(x) => format!("(neg {})", sexp(x)),
        ExprKind::Binary { op, lhs, rhs } => {
            let o = match op {
                BinOp::Add => "+",
                BinOp::Sub => "-",
                BinOp::Mul => "*",
                BinOp::Div => "/",
                BinOp::Hadamard => "⊙",
                BinOp::Pow => "^",
            };
            format!("({o} {} {})", sexp(lhs), sexp(rhs))
        }
        ExprKind::Sum {
            index,
            except,
            body,
        } => match except {
            Some(j) => format!("(sum {}!={} {})", index.name, j.name, sexp(body)),
            None => format!("(sum {} {})", index.name, sexp(body)),
        },
        ExprKind::Delta(a, b) => format!("(delta {} {})", a.name, b.name),
        ExprKind::Deriv { var, indices, body } => {
            let v = if indices.is_empty() {
                var.name.clone()
            } else {
                format!("{}[{}]", var.name, ids(indices))
            };
            format!("(d {v} {})", sexp(body))
        }
        ExprKind::Transpose(x) => format!("(T {})", sexp(x)),
    }
}

#[track_caller]
fn check(input: &str, expect: &str) {
    match parse_expr(input) {
        Ok(e) => assert_eq!(sexp(&e), expect, "input: {input}"),
        Err(err) => panic!("{input:?} failed: {}", err.message),
    }
}

/// The first error of `input` as `(line, column, message)`.
#[track_caller]
fn expr_error(input: &str) -> (usize, usize, String) {
    match parse_expr(input) {
        Ok(e) => panic!("{input:?} parsed as {}", sexp(&e)),
        Err(err) => {
            let (l, c) = LineIndex::new(input).line_col(input, err.span.start);
            (l, c, err.message)
        }
    }
}

/// The errors of a file as `(line, column, message)`.
/// Every syntax error of `src`: the file's own and its claims' broken chain
/// lines, in source order.
fn file_errors(src: &str) -> Vec<(usize, usize, String)> {
    let idx = LineIndex::new(src);
    let f = parse_file(src);
    let mut all = f.errors.clone();
    for item in &f.items {
        if let Item::Claim(c) = item {
            all.extend(c.broken.iter().map(|b| b.error.clone()));
        }
    }
    all.sort_by_key(|e| e.span.start);
    all.into_iter()
        .map(|e| {
            let (l, c) = idx.line_col(src, e.span.start);
            (l, c, e.message)
        })
        .collect()
}

#[track_caller]
fn check_file_error(src: &str, line: usize, col: usize, message_part: &str) {
    let errs = file_errors(src);
    assert_eq!(errs.len(), 1, "{src:?}: {errs:?}");
    let (l, c, m) = &errs[0];
    assert!(m.contains(message_part), "{src:?}: message {m:?}");
    assert_eq!((*l, *c), (line, col), "{src:?}: {m}");
}

#[test]
fn atoms() {
    check("x", "x");
    check("W1", "W1");
    check("42", "42");
    check("0.5", "1/2");
    check("2.50", "5/2");
    check("007", "7");
    check("e", "e");
    check("pi", "pi");
    check("π", "pi");
    check("yhat", "yhat");
    check("(x)", "x");
    check("f()", "(call f)");
    check("f(a, b)", "(call f a b)");
    check("exp(x)", "(call exp x)");
}

#[test]
fn sum_and_product_levels() {
    check("a + b c", "(+ a (* b c))");
    check("a - b - c", "(- (- a b) c)");
    check("a - b + c", "(+ (- a b) c)");
    check("a / b c", "(* (/ a b) c)");
    check("a / b / c", "(/ (/ a b) c)");
    check("2 x", "(* 2 x)");
    check("2x", "(* 2 x)");
    check("y[i] log(p[i])", "(* (idx y i) (call log (idx p i)))");
    check("exp(x[i]) exp(c)", "(* (call exp (idx x i)) (call exp c))");
    check("W1 x + b1", "(+ (* W1 x) b1)");
    check("a -b", "(- a b)");
    check("f (x)", "(* f x)");
    check(
        "σ(x)(1 − σ(x))",
        "(* (call sigmoid x) (- 1 (call sigmoid x)))",
    );
    check(
        "exp(x[i]) exp(c) / sum(j, exp(x[j]) exp(c))",
        "(/ (* (call exp (idx x i)) (call exp c)) (sum j (* (call exp (idx x j)) (call exp c))))",
    );
}

#[test]
fn prefix_operators_take_a_product() {
    check("-x", "(neg x)");
    check("-x^2", "(neg (^ x 2))");
    check("-x y", "(neg (* x y))");
    check("-x + y", "(+ (neg x) y)");
    check("- -x", "(neg (neg x))");
    check("a * -b", "(* a (neg b))");
    check("a - -b", "(- a (neg b))");
    check(
        "-sum(i, y[i] * log(p[i]))",
        "(neg (sum i (* (idx y i) (call log (idx p i)))))",
    );
    check(
        "Σ_i y[i] log(p[i]) + 1",
        "(+ (sum i (* (idx y i) (call log (idx p i)))) 1)",
    );
    check(
        "Σ_i Σ_j x[i] y[j]",
        "(sum i (sum j (* (idx x i) (idx y j))))",
    );
    check("2 Σ_i x[i]", "(* 2 (sum i (idx x i)))");
    check("d/dx x^2 + 1", "(+ (d x (^ x 2)) 1)");
    check("2 d/dx x", "(* 2 (d x x))");
}

#[test]
fn powers() {
    check("x^2", "(^ x 2)");
    check("x^2^3", "(^ x (^ 2 3))");
    check("e^(-x)", "(^ e (neg x))");
    check("x^-1", "(^ x (neg 1))");
    check("x^−2", "(^ x (neg 2))");
    check("(1 + e^(-x))^(-1)", "(^ (+ 1 (^ e (neg x))) (neg 1))");
    check("x^2 y", "(* (^ x 2) y)");
    check("2^x[i]", "(^ 2 (idx x i))");
    check("x²", "(^ x 2)");
    check("x³ + 1", "(+ (^ x 3) 1)");
}

#[test]
fn postfix_indexing_and_transpose() {
    check("v[i]", "(idx v i)");
    check("W[i, j]", "(idx W i j)");
    check("W[i,j]", "(idx W i j)");
    check("softmax(x + c)[i]", "(idx (call softmax (+ x c)) i)");
    check("(a+b)[i]", "(idx (+ a b) i)");
    check("Wᵀ", "(T W)");
    check("W^T", "(T W)");
    check("W ^ T", "(T W)");
    check("transpose(W)", "(T W)");
    check("Wᵀ[i, j]", "(idx (T W) i j)");
    check("x^T y", "(* (T x) y)");
    check("x^Ty", "(^ x Ty)");
    check("a bᵀ", "(* a (T b))");
    check(
        "W1ᵀ((W2ᵀ(ŷ − y)) ⊙ h ⊙ (1 − h))",
        "(* (T W1) (⊙ (⊙ (* (T W2) (- ŷ y)) h) (- 1 h)))",
    );
}

#[test]
fn sums_deltas_and_hadamard() {
    check("sum(i, x[i])", "(sum i (idx x i))");
    check("Σ_i x[i]", "(sum i (idx x i))");
    check("Σ_{i} x[i]", "(sum i (idx x i))");
    check("∑_i x[i]", "(sum i (idx x i))");
    check("Σ(i, x[i])", "(sum i (idx x i))");
    check("sum(i != j, y[i])", "(sum i!=j (idx y i))");
    check("sum(i ≠ j, y[i])", "(sum i!=j (idx y i))");
    check("Σ_{i != j} y[i]", "(sum i!=j (idx y i))");
    check("Σ_{i≠j} y[i]", "(sum i!=j (idx y i))");
    check("delta(i, j)", "(delta i j)");
    check("δ(i, j)", "(delta i j)");
    check("1{i = j}", "(delta i j)");
    check("2 1{i = j}", "(* 2 (delta i j))");
    // Relations between expressions are steps: 1{a > b} = step(a − b).
    check("1{x > 0}", "(call step x)");
    check("1{x > y}", "(call step (- x y))");
    check("1{x < y}", "(call step (- y x))");
    check("1{x >= 0}", "(- 1 (call step (neg x)))");
    check("1{x ≤ y}", "(- 1 (call step (- x y)))");
    check("1{z[i] > 0}", "(call step (idx z i))");
    check("a ⊙ b", "(⊙ a b)");
    check("a .* b", "(⊙ a b)");
    check("2.*x", "(⊙ 2 x)");
    check("hadamard(a, b)", "(⊙ a b)");
}

#[test]
fn derivatives() {
    check("d/dx sigma(x)", "(d x (call sigma x))");
    check("∂/∂z[j] log(yhat[i])", "(d z[j] (call log (idx yhat i)))");
    check("∂/∂x f(x) g(x)", "(d x (* (call f x) (call g x)))");
    check("d/dz[j] z[j]", "(d z[j] (idx z j))");
    check("∂L/∂z[j]", "(d z[j] L)");
    check("∂L/∂x", "(d x L)");
    check("∂L/∂W1", "(d W1 L)");
    check("∂ŷ[i]/∂z[j]", "(d z[j] (idx ŷ i))");
    check("diff(expr, x)", "(d x expr)");
    check("diff(f(x), z[j])", "(d z[j] (call f x))");
    check("d / dx", "(/ d dx)");
    let (_, c, m) = expr_error("d/dx");
    assert_eq!(
        (c, m.as_str()),
        (5, "expected an expression, found end of input")
    );
}

#[test]
fn function_aliases_and_operator_spellings() {
    check("σ(x)", "(call sigmoid x)");
    check("sigmoid(x)", "(call sigmoid x)");
    check("ln(x)", "(call log x)");
    check("σ", "σ");
    check("x − y", "(- x y)");
    check("x · y", "(* x y)");
    check("x ⋅ y", "(* x y)");
    check("x × y", "(* x y)");
    check("x ÷ y", "(/ x y)");
}

#[test]
fn ascii_and_unicode_spellings_give_equal_trees() {
    let pairs = [
        ("a - b", "a − b"),
        ("a * b", "a · b"),
        ("a * b", "a × b"),
        ("a / b", "a ÷ b"),
        ("sum(i, x[i])", "Σ_i x[i]"),
        ("sum(i != j, x[i])", "Σ_{i≠j} x[i]"),
        ("delta(i, j)", "δ(i, j)"),
        ("delta(i, j)", "1{i = j}"),
        ("sigmoid(x)", "σ(x)"),
        ("log(x)", "ln(x)"),
        ("diff(f(x), x)", "d/dx f(x)"),
        ("diff(f(x), x)", "∂/∂x f(x)"),
        ("diff(L, z[j])", "∂L/∂z[j]"),
        ("transpose(W)", "Wᵀ"),
        ("transpose(W)", "W^T"),
        ("hadamard(a, b)", "a ⊙ b"),
        ("hadamard(a, b)", "a .* b"),
        ("pi", "π"),
        ("y\u{302}[j]", "ŷ[j]"),
    ];
    for (a, b) in pairs {
        let ea = parse_expr(a).map(|e| erase_spans(&e));
        let eb = parse_expr(b).map(|e| erase_spans(&e));
        assert!(ea.is_ok(), "{a}: {ea:?}");
        assert_eq!(ea, eb, "{a} vs {b}");
    }
}

#[test]
fn spans_are_tight_byte_ranges() {
    let src = "  a + (b c)  ";
    let e = parse_expr(src).unwrap();
    assert_eq!(e.span.text(src), "a + (b c)");
    let ExprKind::Binary { lhs, rhs, .. } = &e.kind else {
        panic!("not binary")
    };
    assert_eq!(lhs.span.text(src), "a");
    assert_eq!(rhs.span.text(src), "(b c)");
    let src = "∂L/∂z[j] + σ(x)";
    let e = parse_expr(src).unwrap();
    let ExprKind::Binary { lhs, rhs, .. } = &e.kind else {
        panic!("not binary")
    };
    assert_eq!(lhs.span.text(src), "∂L/∂z[j]");
    assert_eq!(rhs.span.text(src), "σ(x)");
    let ExprKind::Call { func, .. } = &rhs.kind else {
        panic!("not call")
    };
    assert_eq!(func.span.text(src), "σ");
}

#[test]
fn expression_errors_point_at_the_problem() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "(x + 1",
            1,
            7,
            "expected `)` to close `(` opened at line 1, column 1, found end of input",
        ),
        (
            "f(a, (b]",
            1,
            8,
            "expected `)` to close `(` opened at line 1, column 6, found `]`",
        ),
        ("a +", 1, 4, "expected an expression, found end of input"),
        ("a + )", 1, 5, "expected an expression, found `)`"),
        (
            "x[1]",
            1,
            3,
            "expected an index name (indices are names, as in `x[i]`), found `1`",
        ),
        (
            "x[i + 1]",
            1,
            5,
            "expected `]` to close `[` opened at line 1, column 2, found `+`",
        ),
        ("x € y", 1, 3, "unexpected character `€`"),
        ("x + 😀", 1, 5, "unexpected character `😀`"),
        ("a\u{0}", 1, 2, "unexpected control character U+0000"),
        ("a = b", 1, 3, "expected end of input, found `=`"),
        ("a)", 1, 2, "unmatched `)`"),
        (
            "Σ i x",
            1,
            3,
            "expected `_` and the index after `Σ` (as in `Σ_i` or `Σ_{i != j}`), found `i`",
        ),
        (
            "x^Σ_i x",
            1,
            3,
            "a `Σ_i` sum takes a product as its operand; put it in parentheses here",
        ),
        ("sum(i x)", 1, 7, "expected `,`, found `x`"),
        (
            "1{i j}",
            1,
            6,
            "expected `=` (between two indices), `>`, `>=`, `<` or `<=`, found `}`",
        ),
        (
            "1{x + 1}",
            1,
            8,
            "expected `>`, `>=`, `<` or `<=`, found `}`",
        ),
        ("∂L∂x", 1, 3, "expected `/`, found `∂`"),
        (
            "(a + b)'",
            1,
            8,
            "unexpected character `'` (a prime goes right after a function's name, as in `f′(x)`; or write `d/dx f(x)`)",
        ),
        ("x\u{200b}y", 1, 2, "unexpected invisible character U+200B"),
        ("", 1, 1, "expected an expression, found end of input"),
        ("\n  ", 2, 3, "expected an expression, found end of input"),
    ];
    for &(input, line, col, message) in cases {
        let (l, c, m) = expr_error(input);
        assert_eq!(m, message, "input {input:?}");
        assert_eq!((l, c), (line, col), "input {input:?}: {m}");
    }
}

#[test]
fn ten_thousand_nested_parentheses_fail_promptly() {
    let src = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
    let (l, c, m) = expr_error(&src);
    assert_eq!(m, "expression nested too deeply (more than 256 levels)");
    assert_eq!((l, c), (1, 257));
    let file = parse_file(&format!("let a = {src}\nlet b = 1\n"));
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.items.len(), 1, "the next line still parses");
}

#[test]
fn nesting_up_to_the_limit_is_fine() {
    let src = format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    check(&src, "x");
    let neg = format!("{}x", "-".repeat(MAX_DEPTH));
    assert!(parse_expr(&neg).is_ok());
}

#[test]
fn other_deep_or_long_inputs_are_errors_not_crashes() {
    let deep = [
        "-".repeat(10_000) + "x",
        "x^".repeat(10_000) + "x",
        "f(".repeat(10_000),
        "Σ_i ".repeat(10_000) + "x",
        "d/dx ".repeat(10_000) + "x",
        "x".to_string() + &"[i]".repeat(10_000),
        "x".to_string() + &"ᵀ".repeat(10_000),
        ["x"; MAX_CHAIN + 2].join(" + "),
        ["x"; MAX_CHAIN + 2].join(" "),
        format!("({})", ["x"; MAX_CHAIN + 2].join(" - ")),
    ];
    for src in deep {
        // On a big stack: a chain's partial tree is as deep as it is long.
        let (_, _, m) = crate::parallel::with_big_stack(|| expr_error(&src));
        assert!(
            m.contains("nested too deeply") || m.contains("too long"),
            "{}: {m}",
            &src[..20]
        );
    }
}

#[test]
fn a_flat_chain_is_not_nesting() {
    // Computer-algebra systems print sums of thousands of terms: a chain
    // of `+` or of products counts against MAX_CHAIN, not MAX_DEPTH.
    crate::parallel::with_big_stack(|| {
        for op in [" + ", " - ", " ", " * "] {
            let terms: Vec<String> = (0..20_000).map(|k| format!("exp(z{k})")).collect();
            let e = parse_expr(&terms.join(op)).expect("a flat chain reads");
            let mut operands = 1;
            let mut at = &e;
            while let ExprKind::Binary { lhs, .. } = &at.kind {
                operands += 1;
                at = lhs;
            }
            assert_eq!(operands, 20_000, "{op:?}");
        }
        // Inside brackets as deep as the nesting limit allows.
        let inner = ["x"; 5_000].join(" + ");
        let src = format!(
            "{}{inner}{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_expr(&src).is_ok());
        // Postfix operators nest (`x²²` is `(x²)²`): they count as nesting.
        let (_, _, m) = expr_error(&format!("x{}", "²".repeat(MAX_DEPTH + 1)));
        assert!(m.contains("nested too deeply"), "{m}");
        let (_, _, m) = expr_error(&["x"; MAX_CHAIN + 2].join(" + "));
        assert_eq!(
            m,
            format!("expression too long (more than {MAX_CHAIN} operators in a row, counting the chains it is inside)")
        );
    });
}

#[test]
fn huge_numbers_are_rejected_with_a_message() {
    let big = "9".repeat(5000);
    let (l, c, m) = expr_error(&big);
    assert_eq!((l, c), (1, 1));
    assert_eq!(m, "number literal too long: 5000 digits (at most 1000)");
    let ok = "9".repeat(1000);
    assert!(parse_expr(&ok).is_ok());
    let (_, _, m) = expr_error(&format!("1.{}", "0".repeat(1000)));
    assert!(m.contains("1001 digits"), "{m}");
}

// ---------------------------------------------------------------------------
// Items and files

fn items(src: &str) -> Vec<Item> {
    let f = parse_file(src);
    assert_eq!(f.errors, vec![], "{src}");
    f.items
}

#[test]
fn declarations() {
    let cases: &[(&str, &[&str], Domain, &str)] = &[
        ("x, c : real", &["x", "c"], Domain::Real, "Scalar"),
        ("p : positive", &["p"], Domain::Positive, "Scalar"),
        ("q : nonnegative", &["q"], Domain::Nonnegative, "Scalar"),
        ("x : vector[n]", &["x"], Domain::Real, "Vector(n)"),
        ("W1 : matrix[m, d]", &["W1"], Domain::Real, "Matrix(m, d)"),
        ("y : onehot[n]", &["y"], Domain::Onehot, "Vector(n)"),
        ("q : simplex[n]", &["q"], Domain::Simplex, "Vector(n)"),
        (
            "q : simplex vector[n]",
            &["q"],
            Domain::Simplex,
            "Vector(n)",
        ),
        (
            "v : positive vector[n]",
            &["v"],
            Domain::Positive,
            "Vector(n)",
        ),
        ("s : scalar", &["s"], Domain::Real, "Scalar"),
        ("y\u{302}: real", &["ŷ"], Domain::Real, "Scalar"),
    ];
    for &(src, names, domain, shape) in cases {
        let its = items(src);
        let [Item::Decl(d)] = its.as_slice() else {
            panic!("{src}: {its:?}")
        };
        let got: Vec<&str> = d.names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(got, names, "{src}");
        assert_eq!(d.ty.domain, domain, "{src}");
        let s = match &d.ty.shape {
            ShapeSpec::Scalar => "Scalar".to_string(),
            ShapeSpec::Vector(n) => format!("Vector({})", n.name),
            ShapeSpec::Matrix(mn) => format!("Matrix({}, {})", mn[0].name, mn[1].name),
        };
        assert_eq!(s, shape, "{src}");
        assert_eq!(d.span.text(src), src);
    }
}

#[test]
fn definitions_and_lets() {
    let src = "sigma(t) := 1 / (1 + exp(-t))\n\
               softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))      # a vector-valued function\n\
               L(y, p) := -sum(i, y[i] * log(p[i]))\n\
               let h = sigma(W1 x + b1)     # a named expression\n\
               let z[i] = x[i] + 1\n\
               σ(t) := t\n\
               k() := 1\n";
    let its = items(src);
    assert_eq!(its.len(), 7);
    let Item::Def(d) = &its[0] else { panic!() };
    assert_eq!(d.name.name, "sigma");
    assert_eq!(d.params[0].name, "t");
    assert_eq!(sexp(&d.body), "(/ 1 (+ 1 (call exp (neg t))))");
    assert_eq!(d.span.text(src), "sigma(t) := 1 / (1 + exp(-t))");
    let Item::Def(d) = &its[1] else { panic!() };
    assert_eq!(d.result_indices[0].name, "i");
    assert_eq!(
        d.span.text(src),
        "softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))"
    );
    let Item::Def(d) = &its[2] else { panic!() };
    assert_eq!(d.params.len(), 2);
    let Item::Let(l) = &its[3] else { panic!() };
    assert_eq!(l.name.name, "h");
    assert_eq!(sexp(&l.value), "(call sigma (+ (* W1 x) b1))");
    let Item::Let(l) = &its[4] else { panic!() };
    assert_eq!(l.indices[0].name, "i");
    let Item::Def(d) = &its[5] else { panic!() };
    assert_eq!(d.name.name, "sigmoid");
    let Item::Def(d) = &its[6] else { panic!() };
    assert!(d.params.is_empty());
}

fn claim(src: &str) -> Claim {
    let its = items(src);
    match its.into_iter().next() {
        Some(Item::Claim(c)) => *c,
        other => panic!("{other:?}"),
    }
}

#[test]
fn claims_with_a_chain() {
    let src = "claim shift: softmax(x + c)[i] = softmax(x)[i]   # the claim\n\
               \x20   softmax(x + c)[i]\n\
               \x20 = exp(x[i] + c) / sum(j, exp(x[j] + c))          # definition\n\
               \n\
               \x20 # a remark between steps\n\
               \x20 = exp(x[i]) exp(c) / sum(j, exp(x[j]) exp(c))\n\
               \x20 = softmax(x)[i]\n\
               x : real\n";
    let c = claim(src);
    assert_eq!(c.name.name, "shift");
    assert_eq!(sexp(&c.lhs), "(idx (call softmax (+ x c)) i)");
    assert_eq!(c.justification.as_deref(), Some("the claim"));
    assert_eq!(c.chain.len(), 4);
    assert!(!c.chain[0].starts_with_eq);
    assert!(c.chain[1..].iter().all(|l| l.starts_with_eq));
    assert_eq!(c.chain[1].justification.as_deref(), Some("definition"));
    assert_eq!(c.chain[2].justification, None);
    assert_eq!(c.chain[0].span.text(src), "softmax(x + c)[i]");
    assert_eq!(
        c.chain[1].span.text(src),
        "= exp(x[i] + c) / sum(j, exp(x[j] + c))"
    );
    assert_eq!(c.chain[3].expr.span.text(src), "softmax(x)[i]");
    assert_eq!(
        c.span.text(src),
        "claim shift: softmax(x + c)[i] = softmax(x)[i]"
    );
    assert_eq!(
        parse_file(src).items.len(),
        2,
        "the dedented line is an item"
    );
}

#[test]
fn chain_starting_with_eq_and_claims_without_chain() {
    let src = "claim a: x = y\n  = z # why\n  = y\nclaim b: 1 + 1 = 2\nclaim c: p = q\n";
    let its = items(src);
    let Item::Claim(a) = &its[0] else { panic!() };
    assert!(a.chain[0].starts_with_eq);
    assert_eq!(a.chain[0].justification.as_deref(), Some("why"));
    assert_eq!(a.chain.len(), 2);
    let Item::Claim(b) = &its[1] else { panic!() };
    assert!(b.chain.is_empty());
    let Item::Claim(c) = &its[2] else { panic!() };
    assert!(c.chain.is_empty());
}

#[test]
fn chain_lines_continue_while_brackets_are_open() {
    let src = "claim a: x = y\n  = f(x,\n        y) # joined\n  = y\n";
    let c = claim(src);
    assert_eq!(c.chain.len(), 2);
    assert_eq!(sexp(&c.chain[0].expr), "(call f x y)");
    assert_eq!(c.chain[0].justification.as_deref(), Some("joined"));
}

#[test]
fn file_errors_have_lines_and_columns() {
    check_file_error(
        "let h = (x + 1\n",
        1,
        15,
        "expected `)` to close `(` opened at line 1, column 9, found end of line",
    );
    check_file_error("x : real €\n", 1, 10, "unexpected character `€`");
    check_file_error(
        "x : real\n\u{1}\n",
        2,
        1,
        "unexpected control character U+0001",
    );
    check_file_error(
        "let a = 2 +\n",
        1,
        12,
        "expected an expression, found end of line",
    );
    check_file_error(
        "x = 5\n",
        1,
        3,
        "expected `:` and a type (a declaration) or `(` and parameters (a definition), found `=`",
    );
    check_file_error("x, y = 5\n", 1, 6, "expected `:` and a type, found `=`");
    check_file_error("x : foo\n", 1, 5, "expected a type");
    check_file_error(
        "y : simplex\n",
        1,
        12,
        "expected a dimension after `simplex` (as in `simplex[n]`), found end of line",
    );
    check_file_error(
        "W : matrix[m]\n",
        1,
        11,
        "expected 2 dimension name(s) here",
    );
    check_file_error("x : vector[3]\n", 1, 12, "expected a dimension name");
    check_file_error("let a = b )\n", 1, 11, "unmatched `)`");
    check_file_error("let = 3\n", 1, 5, "expected a name after `let`, found `=`");
    check_file_error("claim c x = y\n", 1, 9, "expected `:`, found `x`");
    check_file_error(
        "claim c: x\n",
        1,
        11,
        "expected `=` and the claim's right side, found end of line",
    );
    check_file_error(
        "claim: x = y\n",
        1,
        6,
        "expected the claim's name after `claim`, found `:`",
    );
    check_file_error(
        "f(x) = x\n",
        1,
        6,
        "expected `:=` and the definition's body, found `=`",
    );
    check_file_error(
        "f(x, 2) := x\n",
        1,
        6,
        "expected a parameter name, found `2`",
    );
    check_file_error(
        "= x\n",
        1,
        1,
        "a chain step (`= ...`) must be indented under a `claim` line",
    );
    check_file_error("+ x\n", 1, 1, "expected a declaration (`x : real`)");
    check_file_error(
        "claim a: x = y\n  x\n  y\n",
        3,
        3,
        "expected `=` at the start of this chain step",
    );
    check_file_error(
        "claim a: x = y\n    x\n  = (y\n",
        3,
        7,
        "expected `)` to close `(` opened at line 3, column 5",
    );
}

#[test]
fn bad_lines_are_skipped_and_the_rest_still_parses() {
    let src = "x : real\nx = = 5\ny : real\nlet z = (\nclaim c: x = y\n  = ) \n  = y\n";
    let f = parse_file(src);
    let lines: Vec<usize> = file_errors(src).iter().map(|e| e.0).collect();
    assert_eq!(lines, vec![2, 4, 6]);
    assert_eq!(f.items.len(), 3);
    let Item::Claim(c) = &f.items[2] else {
        panic!()
    };
    assert_eq!(c.chain.len(), 1, "the bad step is left out of the chain");
    assert_eq!(f.errors.len(), 2, "and out of the file's errors");
    assert_eq!(c.broken.len(), 1, "it is the claim's broken line");
    assert_eq!(c.broken[0].after, 0);
    assert_eq!(c.broken[0].span.text(src), "= )");
    assert_eq!(c.broken[0].body.text(src), ")");
}

#[test]
fn broken_chain_lines_stay_with_their_claim_in_order() {
    let src = "claim c: x = x  # note
    x
  x + 0  # no eq
  = x
  = f(x,
      +)
";
    let f = parse_file(src);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let Item::Claim(c) = &f.items[0] else {
        panic!()
    };
    assert_eq!(c.chain.len(), 2);
    let got: Vec<(usize, &str, Option<&str>)> = c
        .broken
        .iter()
        .map(|b| (b.after, b.span.text(src), b.justification.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![(1, "x + 0", Some("no eq")), (2, "= f(x,\n      +)", None)]
    );
    assert!(c.broken[0].error.message.contains("expected `=`"));
}

#[test]
fn a_bad_claim_line_still_consumes_its_chain() {
    let src = "claim c: x = = y\n  = y\n  = z\nw : real\n";
    let f = parse_file(src);
    assert_eq!(f.errors.len(), 1);
    assert_eq!(f.items.len(), 1);
    assert!(matches!(f.items[0], Item::Decl(_)));
}

#[test]
fn junk_never_panics() {
    let inputs = [
        String::new(),
        "\n\n\n".to_string(),
        "\u{0}\u{1}\u{7f}\u{feff}".to_string(),
        "claim".to_string(),
        "claim x:".to_string(),
        "let".to_string(),
        "((((((".to_string(),
        ")))]]]}}}".to_string(),
        "x : vector[".to_string(),
        "\t=".to_string(),
        "1{".to_string(),
        "∂".to_string(),
        "d/d".to_string(),
        "Σ_".to_string(),
        "x^".to_string(),
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x41, 0x28, 0x0a, 0x20, 0x3d]).into_owned(),
        "9".repeat(5000),
        format!("let a = {}", "(".repeat(10_000)),
        format!("claim c: a = b\n  = {}", "[".repeat(10_000)),
        "€ 😀 \u{202e}".to_string(),
    ];
    for src in &inputs {
        let _ = parse_file(src);
        let _ = parse_expr(src);
    }
    assert!(!parse_file("x : real €").errors.is_empty());
    assert_eq!(parse_file(""), File::default());
    let bom = parse_file("\u{feff}x : real\n");
    assert_eq!((bom.items.len(), bom.errors.len()), (1, 0));
}

/// Every span in `e` (nodes and names) is a valid slice of `src`.
fn spans_ok(e: &Expr, src: &str) -> bool {
    let ok = |s: Span| s.start <= s.end && src.get(s.start..s.end).is_some();
    let ids = |v: &[Ident]| v.iter().all(|i| ok(i.span));
    ok(e.span)
        && match &e.kind {
            ExprKind::Num(_) => true,
            ExprKind::Name(n) => ok(n.span),
            ExprKind::Call { func, args } => ok(func.span) && args.iter().all(|a| spans_ok(a, src)),
            ExprKind::Index { base, indices } => spans_ok(base, src) && ids(indices),
            ExprKind::Neg(x) | ExprKind::Transpose(x) => spans_ok(x, src),
            ExprKind::Binary { lhs, rhs, .. } => spans_ok(lhs, src) && spans_ok(rhs, src),
            ExprKind::Sum {
                index,
                except,
                body,
            } => ok(index.span) && except.iter().all(|j| ok(j.span)) && spans_ok(body, src),
            ExprKind::Delta(a, b) => ok(a.span) && ok(b.span),
            ExprKind::Deriv { var, indices, body } => {
                ok(var.span) && ids(indices) && spans_ok(body, src)
            }
        }
}

proptest::proptest! {
    #[test]
    fn parse_file_never_panics(src in "\\PC*") {
        let _ = parse_file(&src);
    }

    #[test]
    fn parse_file_never_panics_on_any_chars(
        chars in proptest::collection::vec(proptest::arbitrary::any::<char>(), 0..120)
    ) {
        let src: String = chars.into_iter().collect();
        let _ = parse_file(&src);
        let _ = parse_expr(&src);
    }

    /// Whatever the parser accepts, the printer writes back to the same tree.
    #[test]
    fn parsed_expressions_print_back_to_themselves(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            "x", "y", "W", "2", "0.5", "(", ")", "(", ")", "+", "-", "−", "*", "/", "^",
            "[i]", "[i, j]", "ᵀ", "^T", "Σ_i", "Σ_{i≠j}", "d/dx", "∂/∂z[j]", "∂L/∂x",
            "σ(x)", "f(", ",", "sum(i, x[i])", "⊙", ".*", "e", "T", "δ(i, j)", "1{i = j}",
            "²", "diff(y, x)", "transpose(W)",
        ][..]), 1..12),
        glue in proptest::sample::select(&[" ", ""][..])
    ) {
        let src = tokens.join(glue);
        if let Ok(e) = parse_expr(&src) {
            proptest::prop_assert!(spans_ok(&e, &src));
            let printed = crate::syntax::print::print_expr(&e);
            let again = parse_expr(&printed);
            proptest::prop_assert!(again.is_ok(), "{} -> {}: {:?}", src, printed, again.err());
            let again = again.map(|a| erase_spans(&a)).ok();
            proptest::prop_assert_eq!(again, Some(erase_spans(&e)), "{} -> {}", src, printed);
        }
    }

    #[test]
    fn parse_file_never_panics_on_language_like_text(
        src in "[a-z0-9 ()\\[\\]{},:=+*/^#_.\\n\\-−·⊙ᵀΣ∂δσ≠²]{0,80}"
    ) {
        let f = parse_file(&src);
        for e in f.errors {
            proptest::prop_assert!(e.span.start <= e.span.end && e.span.end <= src.len());
            proptest::prop_assert!(src.is_char_boundary(e.span.start));
        }
        let _ = parse_expr(&src);
    }
}

/// The ```text blocks of docs/language.md: the Forms block holds several
/// expressions per line (separated by 2+ blanks); the others are files.
#[test]
fn every_example_in_the_language_docs_parses() {
    let doc = include_str!("../../../docs/language.md");
    let mut blocks = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find("```text\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").unwrap_or(body.len());
        // Blocks inside list items are indented; the chain rules are relative.
        blocks.push(body[..end].to_string());
        rest = &body[end..];
    }
    assert!(blocks.len() >= 6, "found {} blocks", blocks.len());
    let mut expressions = 0;
    for block in &blocks {
        if block.contains("# numbers and names") || block.contains("# a call on top") {
            for line in block.lines() {
                let code = line.split('#').next().unwrap_or("");
                for e in code.split("  ").map(str::trim).filter(|e| !e.is_empty()) {
                    assert!(parse_expr(e).is_ok(), "{e}: {:?}", parse_expr(e).err());
                    expressions += 1;
                }
            }
        } else {
            let f = parse_file(block);
            assert_eq!(f.errors, vec![], "{block}");
            assert!(!f.items.is_empty(), "{block}");
        }
    }
    assert!(expressions > 40, "{expressions}");
}

/// The examples of the design brief, verbatim.
#[test]
fn every_example_in_the_brief_parses() {
    let file = "\
x, c : real                 # scalars (the default shape and domain)
p : positive                # p > 0
x : vector[n]               # dimension names (n, m, d) are introduced by use
W1 : matrix[m, d]
y : onehot[n]               # a one-hot vector: y[i] in {0,1}, sum(i, y[i]) = 1
q : simplex[n]              # q[i] >= 0, sum(i, q[i]) = 1
v : positive vector[n]
sigma(t) := 1 / (1 + exp(-t))
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))      # a vector-valued function
L(y, p) := -sum(i, y[i] * log(p[i]))
let h = sigma(W1 x + b1)                              # a named expression
claim shift: softmax(x + c)[i] = softmax(x)[i]
    softmax(x + c)[i]
  = exp(x[i] + c) / sum(j, exp(x[j] + c))          # definition
  = exp(x[i]) exp(c) / sum(j, exp(x[j]) exp(c))
  = softmax(x)[i]
";
    let f = parse_file(file);
    assert_eq!(f.errors, vec![]);
    assert_eq!(f.items.len(), 12);
    let exprs = [
        "x[i]",
        "W[j, k]",
        "sum(j, exp(x[j]))",
        "Σ_j exp(x[j])",
        "sum(i != j, y[i])",
        "delta(i, j)",
        "δ(i, j)",
        "1{i = j}",
        "d/dx sigma(x)",
        "∂/∂z[j] log(yhat[i])",
        "∂L/∂z[j]",
        "∂L/∂x",
        "∂L/∂W1",
        "diff(expr, x)",
        "d / dx",
        "W x",
        "Wᵀ",
        "a ⊙ b",
        "a bᵀ",
        "e^(-x)",
        "x^2",
        "(1 + e^(-x))^(-1)",
        "Σ_i y[i] log(p[i]) + 1",
        "yhat[j] - y[j]",
        "σ(x)(1 − σ(x))",
        "1/(1 + e^(−x))",
        "∂/∂z[j] log(ŷ[i])",
        "δ(i, j) − ŷ[j]",
        "ŷ[j] − y[j]",
        "ŷ[j]·Σ_i y[i] − y[j]",
        "σ(W1 x + b1)",
        "softmax(W2 h + b2)",
        "−Σ_i y[i] log(ŷ[i])",
        "W1ᵀ((W2ᵀ(ŷ − y)) ⊙ h ⊙ (1 − h))",
        "x + c",
    ];
    for e in exprs {
        assert!(parse_expr(e).is_ok(), "{e}: {:?}", parse_expr(e).err());
    }
    check(
        "ŷ[j]·Σ_i y[i] − y[j]",
        "(- (* (idx ŷ j) (sum i (idx y i))) (idx y j))",
    );
    check(
        "−Σ_i y[i] log(ŷ[i])",
        "(neg (sum i (* (idx y i) (call log (idx ŷ i)))))",
    );
}

/// The shipped example derivations (derivations/, with mistakes/) must parse
/// cleanly: their mistakes are mathematical, never syntactic.
#[test]
fn shipped_derivations_parse_without_errors() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("derivations");
    let mut dirs = vec![root];
    let mut seen = 0;
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                let src = std::fs::read_to_string(&path).unwrap_or_default();
                let f = parse_file(&src);
                assert_eq!(f.errors, vec![], "{}", path.display());
                assert!(!f.items.is_empty(), "{}", path.display());
                seen += 1;
            }
        }
    }
    eprintln!("parsed {seen} derivation files");
}

#[test]
fn parts_hold_their_items_up_to_the_next_part_or_end() {
    let src = "\
x : vector[n]
part b \"Inciso b)\" \"Part b)\":
    x : real
    goal b: d/dx sigma(x) = sigma(x) (1 - sigma(x))
part c \"(c)\":
claim one: x = x
    x
  = x
end
t : real
part : real
part, q : real
";
    let f = parse_file(src);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let names: Vec<&str> = f.parts.iter().map(|p| p.name.name.as_str()).collect();
    assert_eq!(names, ["b", "c"]);
    assert_eq!(f.parts[0].markers, ["Inciso b)", "Part b)"]);
    assert_eq!(
        &src[f.parts[0].span.start..f.parts[0].span.end],
        "part b \"Inciso b)\" \"Part b)\":"
    );
    assert!(matches!(
        &f.parts[0].items[..],
        [Item::Decl(_), Item::Goal(_)]
    ));
    assert!(matches!(&f.parts[1].items[..], [Item::Claim(c)] if c.chain.len() == 2));
    // After `end`, and for `part` used as a name, items are the file's.
    assert_eq!(f.items.len(), 4, "{:?}", f.items);
    assert!(matches!(&f.items[2], Item::Decl(d) if d.names[0].name == "part"));
    // `end` outside a part is no keyword.
    assert!(!parse_file("end\n").errors.is_empty());
}

#[test]
fn a_part_header_without_markers_or_colon_is_a_located_error() {
    for (src, says, col) in [
        ("part b:\n", "a marker text in double quotes", 7),
        ("part b \"Part b)\"\n", "`:`", 17),
        ("part b \"Part b)\n", "not closed", 8),
        ("part b \"\":\n", "cannot be empty", 8),
    ] {
        let f = parse_file(src);
        assert_eq!(f.errors.len(), 1, "{src}: {:?}", f.errors);
        assert!(f.errors[0].message.contains(says), "{src}: {:?}", f.errors);
        assert_eq!(f.errors[0].span.start + 1, col, "{src}: {:?}", f.errors);
        assert!(f.parts.is_empty());
    }
}

#[test]
fn goals_are_items_and_goal_is_still_a_name() {
    let src = "goal b: d/dt sigma(t) = sigma(t) (1 - sigma(t))\ngoal : real\ngoal, x : real\n";
    let f = parse_file(src);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let Item::Goal(g) = &f.items[0] else {
        panic!("{:?}", f.items[0])
    };
    assert_eq!(g.name.name, "b");
    assert_eq!(sexp(&g.lhs), "(d t (call sigma t))");
    assert_eq!(
        &src[g.span.start..g.span.end],
        "goal b: d/dt sigma(t) = sigma(t) (1 - sigma(t))"
    );
    assert!(matches!(&f.items[1], Item::Decl(d) if d.names[0].name == "goal"));
    assert!(matches!(&f.items[2], Item::Decl(d) if d.names.len() == 2));
    // A goal without its right side says what it misses.
    let f = parse_file("goal a: x\n");
    assert!(f.items.is_empty());
    assert!(
        f.errors[0].message.contains("the goal's right side"),
        "{:?}",
        f.errors
    );
}

#[test]
fn a_chain_on_the_claim_line() {
    let file = parse_file("x : real\nclaim c: 2 x = x + x = x * 2   # doubling\n    = 2 x\n");
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let Item::Claim(c) = &file.items[1] else {
        panic!("{:?}", file.items[1])
    };
    assert_eq!(print_expr(&c.lhs), "2 * x");
    assert_eq!(print_expr(&c.rhs), "x * 2");
    let chain: Vec<(bool, String)> = c
        .chain
        .iter()
        .map(|l| (l.starts_with_eq, print_expr(&l.expr)))
        .collect();
    assert_eq!(
        chain,
        vec![
            (true, "x + x".to_string()),
            (true, "x * 2".to_string()),
            (true, "2 * x".to_string()),
        ]
    );
    assert_eq!(c.justification.as_deref(), Some("doubling"));
    // A goal states one equality.
    let file = parse_file("goal g: a = b = c\n");
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert_eq!(file.errors[0].span.start, 16);
}

#[test]
fn leibniz_fractions_with_an_expression_on_top() {
    for (input, expect) in [
        ("∂σ(x)/∂x", "(d x (call sigmoid x))"),
        ("dσ(x)/dx", "(d x (call sigmoid x))"),
        ("dtanh(x)/dx", "(d x (call tanh x))"),
        ("∂ŷ[i]/∂z[j]", "(d z[j] (idx ŷ i))"),
        ("∂softmax(z)[i]/∂z[j]", "(d z[j] (idx (call softmax z) i))"),
        ("∂L(y, ŷ)/∂z", "(d z (call L y ŷ))"),
        ("dsoftmax(z)[i]/dz[j]", "(d z[j] (idx (call softmax z) i))"),
        ("2 dσ(x)/dx", "(* 2 (d x (call sigmoid x)))"),
        // Without a call on top, `d…/d…` is still a division of names.
        ("dx/dt", "(/ dx dt)"),
        ("d(x)/dt", "(/ (call d x) dt)"),
        // The variable below must appear on top, and `delta` is a delta.
        ("dfoo(x)/dy", "(/ (call dfoo x) dy)"),
        ("δ(i, j) / delta(i, j)", "(/ (delta i j) (delta i j))"),
        ("delta(i, j)/delta(i, j)", "(/ (delta i j) (delta i j))"),
        ("diff(x, x)/dx", "(/ (d x x) dx)"),
    ] {
        check(input, expect);
    }
}

#[test]
fn second_derivatives() {
    for (input, expect) in [
        ("d²f/dx²", "(d x (d x f))"),
        ("d^2 f/dx^2", "(d x (d x f))"),
        ("d^2 f(x)/dx^2", "(d x (d x (call f x)))"),
        ("d²/dx² f(x)", "(d x (d x (call f x)))"),
        ("d^2/dx^2 f(x)", "(d x (d x (call f x)))"),
        ("∂²L/∂x²", "(d x (d x L))"),
        ("∂^2 L/∂x^2", "(d x (d x L))"),
        ("∂²L/∂x∂y", "(d x (d y L))"),
        ("∂²L/∂x ∂y", "(d x (d y L))"),
        ("∂²/∂x∂y L", "(d x (d y L))"),
        ("∂³L/∂x²∂y", "(d x (d x (d y L)))"),
    ] {
        check(input, expect);
    }
    for (input, col, part) in [
        ("d²f/dx", 7, "orders below the line must add up to the 2"),
        ("∂²L/∂x³", 1, "add up to 3, but the order above it is 2"),
    ] {
        let (_, c, message) = expr_error(input);
        assert!(message.contains(part), "{input}: {message}");
        assert_eq!(c, col, "{input}: {message}");
    }
}

#[test]
fn primes_are_calls_of_the_derivative() {
    for (input, expect) in [
        ("σ′(x)", "(call sigmoid′ x)"),
        ("σ'(x)", "(call sigmoid′ x)"),
        ("sigmoid'(x)", "(call sigmoid′ x)"),
        ("tanh'(z[i])", "(call tanh′ (idx z i))"),
        ("f''(x)", "(call f′′ x)"),
        ("f″(x)", "(call f′′ x)"),
        ("f′′(x)", "(call f′′ x)"),
        ("2 f'(x) y", "(* (* 2 (call f′ x)) y)"),
        ("f'(x, y)", "(call f′ x y)"),
    ] {
        check(input, expect);
    }
    let (_, col, message) = expr_error("f' x");
    assert_eq!(col, 4, "{message}");
    assert!(
        message.contains("a prime marks the derivative of a function"),
        "{message}"
    );
}

#[test]
fn roots_norms_and_absolute_values() {
    for (input, expect) in [
        ("√x", "(call sqrt x)"),
        ("√(x + 1)", "(call sqrt (+ x 1))"),
        ("1/√d", "(/ 1 (call sqrt d))"),
        ("√x[i]", "(call sqrt (idx x i))"),
        ("√x²", "(call sqrt (^ x 2))"),
        ("√x^2", "(^ (call sqrt x) 2)"),
        ("2√x", "(* 2 (call sqrt x))"),
        ("‖v‖", "(call norm v)"),
        ("‖v‖²", "(^ (call norm v) 2)"),
        ("‖v‖_2", "(call norm v)"),
        ("‖X w − y‖_2^2", "(^ (call norm (- (* X w) y)) 2)"),
        ("‖v‖_{2}^2", "(^ (call norm v) 2)"),
        ("||w||^2", "(^ (call norm w) 2)"),
        ("λ ‖w‖²", "(* λ (^ (call norm w) 2))"),
        ("|x|", "(call abs x)"),
        ("|x - y|", "(call abs (- x y))"),
        ("2|x|", "(* 2 (call abs x))"),
        ("|a| |b|", "(* (call abs a) (call abs b))"),
        ("|x| + |y|", "(+ (call abs x) (call abs y))"),
        ("‖ |x| v ‖", "(call norm (* (call abs x) v))"),
        ("|‖v‖ - 1|", "(call abs (- (call norm v) 1))"),
    ] {
        check(input, expect);
    }
    for (input, col, part) in [
        ("|x", 3, "`|` to close `|` opened at line 1, column 1"),
        ("‖v", 3, "`‖` to close `‖` opened at line 1, column 1"),
        ("‖v‖_1", 4, "only the Euclidean norm is known"),
        ("√", 2, "expected an expression"),
    ] {
        let (_, c, message) = expr_error(input);
        assert!(message.contains(part), "{input}: {message}");
        assert_eq!(c, col, "{input}: {message}");
    }
}

#[test]
fn the_new_notations_print_back_as_the_same_tree() {
    for input in [
        "∂σ(x)/∂x",
        "∂softmax(z)[i]/∂z[j]",
        "d²f/dx²",
        "∂²L/∂x∂y",
        "σ′(x) + f''(x)",
        "√(x + 1)",
        "‖X w − y‖_2^2",
        "|x|",
    ] {
        let e = parse_expr(input).unwrap();
        let printed = print_expr(&e);
        let again = parse_expr(&printed).unwrap_or_else(|err| panic!("{printed}: {}", err.message));
        assert_eq!(
            erase_spans(&again),
            erase_spans(&e),
            "{input} printed as {printed}"
        );
    }
}

#[test]
fn orders_and_bars_never_slice_inside_a_character() {
    for input in [
        "∂^∂",
        "∂^{∂}",
        "d^é f/dx",
        "d²f/dx^{é}",
        "‖v‖_é",
        "|é",
        "√",
        "f'é",
        "dσ(é/dx",
    ] {
        let _ = parse_expr(input);
        let _ = parse_file(&format!("claim c: {input} = 1\n"));
    }
}

#[test]
fn primed_names_split_into_the_function_and_the_count() {
    assert_eq!(split_primes("sigmoid′"), Some(("sigmoid", 1)));
    assert_eq!(split_primes("f′′"), Some(("f", 2)));
    assert_eq!(split_primes("f"), None);
    assert_eq!(split_primes("′"), None);
}
