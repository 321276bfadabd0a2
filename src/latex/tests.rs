//! Table tests: LaTeX in, the language's text out (by `print_expr`).

use super::{read_display, read_expr, DisplayRead};
use crate::syntax::print::print_expr;
use pretty_assertions::assert_eq;

/// The names the tables treat as declared.
const DECLARED: &[&str] = &[
    "x", "y", "z", "W", "W1", "W2", "b1", "b2", "h", "L", "c", "yhat", "xbar", "n", "v", "a", "b",
    "sigma",
];

fn declared(n: &str) -> bool {
    DECLARED.contains(&n)
}

#[track_caller]
fn read(tex: &str) -> String {
    match read_expr(tex, &declared) {
        Ok(e) => print_expr(&e),
        Err(e) => panic!("{tex}: {} at {:?}", e.message, e.span),
    }
}

#[track_caller]
fn table(rows: &[(&str, &str)]) {
    for (tex, want) in rows {
        assert_eq!(read(tex), *want, "input: {tex}");
    }
}

/// The error's message and the text it points at.
#[track_caller]
fn fails(tex: &str) -> (String, String) {
    match read_expr(tex, &declared) {
        Ok(e) => panic!("{tex} should not read, but read {}", print_expr(&e)),
        Err(e) => (e.message.clone(), e.span.text(tex).to_string()),
    }
}

#[test]
fn fractions_powers_and_roots() {
    table(&[
        ("\\frac{a}{b}", "a / b"),
        ("\\dfrac{1}{1 + e^{-x}}", "1 / (1 + e^(-x))"),
        ("\\tfrac{a+b}{2}", "(a + b) / 2"),
        ("x^{2}", "x^2"),
        ("x^2 y", "x^2 * y"),
        ("e^{x}", "e^x"),
        ("e^x", "e^x"),
        ("x^{-1}", "x^(-1)"),
        ("(1+e^{-x})^{-2}", "(1 + e^(-x))^(-2)"),
        ("\\sqrt{x}", "sqrt(x)"),
        ("\\sqrt[3]{x}", "x^(1 / 3)"),
        ("2.5x", "2.5 * x"),
    ]);
}

#[test]
fn sums_products_and_deltas() {
    table(&[
        ("\\sum_j e^{z_j}", "sum(j, e^z[j])"),
        ("\\sum_{j=1}^{n} e^{z_j}", "sum(j, e^z[j])"),
        ("\\sum^{n}_{j=1} x_j", "sum(j, x[j])"),
        ("\\sum_{i \\neq j} x_i", "sum(i != j, x[i])"),
        ("\\sum_{i \\ne j} x_i", "sum(i != j, x[i])"),
        ("\\sum_{i,j} W_{ij}", "sum(i, sum(j, W[i, j]))"),
        (
            "\\sum\\limits_{i} y_i \\log \\hat{y}_i",
            "sum(i, y[i] * log(yhat[i]))",
        ),
        ("\\sum_i x_i + 1", "sum(i, x[i]) + 1"),
        ("\\log \\sum_k e^{z_k}", "log(sum(k, e^z[k]))"),
        (
            "\\log \\sum_{k=1}^{K} e^{z_k} - z_j",
            "log(sum(k, e^z[k])) - z[j]",
        ),
        ("\\delta_{ij}", "delta(i, j)"),
        ("\\delta_{i j}", "delta(i, j)"),
        ("\\delta_{i,j}", "delta(i, j)"),
        ("1\\{i = j\\}", "delta(i, j)"),
        ("\\mathbb{1}\\{i=j\\}", "delta(i, j)"),
        ("\\mathbf{1}[i = j]", "delta(i, j)"),
        ("\\mathbb{1}_{i=j}", "delta(i, j)"),
        ("\\mathbb{1}\\{x > 0\\}", "step(x)"),
        ("\\mathbb{1}[x > 0]", "step(x)"),
        ("\\mathbb{1}_{x > 0}", "step(x)"),
        ("\\mathbf{1}(x \\geq y)", "1 - step(y - x)"),
        ("\\mathbb{1}[z_i > 0]", "step(z[i])"),
        ("\\delta_j", "δ[j]"),
    ]);
    let (msg, at) = fails("\\prod_i x_i");
    assert!(msg.contains("products"), "{msg}");
    assert_eq!(at, "\\prod");
    let (msg, at) = fails("\\sum_{j=2}^{n} x_j");
    assert!(msg.contains("lower bound"), "{msg}");
    assert_eq!(at, "2");
    let (msg, _) = fails("\\sum x_j");
    assert!(msg.contains("index below it"), "{msg}");
}

#[test]
fn explicit_sums_with_dots() {
    table(&[
        ("e^{z_1} + e^{z_2} + \\dots + e^{z_n}", "sum(k, e^z[k])"),
        ("x_1 + x_2 + \\cdots + x_n", "sum(k, x[k])"),
        ("a + x_1 + \\ldots + x_n", "a + sum(k, x[k])"),
        (
            "x_1 y_1 + x_2 y_2 + \\dots + x_n y_n",
            "sum(k, x[k] * y[k])",
        ),
        (
            "\\frac{1}{e^{z_1} + \\dots + e^{z_n}}",
            "1 / sum(k, e^z[k])",
        ),
    ]);
    // The numerator keeps its numeric index, which is refused.
    let (msg, at) = fails("\\frac{e^{z_1}}{e^{z_1} + \\dots + e^{z_n}}");
    assert!(msg.contains("numeric index"), "{msg}");
    assert_eq!(at, "1");
    // The fresh index avoids names in the step.
    assert_eq!(read("k + x_1 + x_2 + \\dots + x_n"), "k + sum(j, x[j])");
    let (msg, _) = fails("x_2 + x_3 + \\dots + x_n");
    assert!(msg.contains("start at index 1"), "{msg}");
    let (msg, _) = fails("x_1 + x_2 + \\dots + x_5");
    assert!(msg.contains("end at a name"), "{msg}");
    let (msg, at) = fails("x_1 x_2 \\cdots x_n");
    assert!(msg.contains("products"), "{msg}");
    assert_eq!(at, "\\cdots");
}

#[test]
fn functions_with_and_without_parentheses() {
    table(&[
        ("\\exp(x)", "exp(x)"),
        ("\\exp x", "exp(x)"),
        ("\\log x", "log(x)"),
        ("\\ln(x)", "log(x)"),
        ("\\log x^2", "log(x^2)"),
        ("\\log \\sigma(z)", "log(sigma(z))"),
        ("\\tanh(x)", "tanh(x)"),
        ("\\sin^2 x", "sin(x)^2"),
        ("\\sin\\left(x\\right)", "sin(x)"),
        ("\\text{softmax}(z)_i", "softmax(z)[i]"),
        ("\\operatorname{softmax}(z)", "softmax(z)"),
        ("\\mathrm{softmax}(x + c)_i", "softmax(x + c)[i]"),
        ("\\text{softmax}", "softmax"),
        ("softmax(z)", "softmax(z)"),
        ("\\exp\\big(x\\big)", "exp(x)"),
        ("f(x)", "f(x)"),
        ("a(b + c)", "a * (b + c)"),
        ("h(1 - h)", "h * (1 - h)"),
    ]);
    // Without a definition of its own, \sigma is the builtin sigmoid.
    let e = read_expr("\\sigma(z)(1 - \\sigma(z))", &|_: &str| false).unwrap();
    assert_eq!(print_expr(&e), "sigmoid(z) * (1 - sigmoid(z))");
    let e = read_expr("\\sigma z", &|_: &str| false).unwrap();
    assert_eq!(print_expr(&e), "sigmoid(z)");
    // A declared σ is a variable.
    let e = read_expr("\\sigma(x + 1)", &|n: &str| n == "σ" || n == "x").unwrap();
    assert_eq!(print_expr(&e), "σ * (x + 1)");
    table(&[
        ("\\sigma'(x)", "sigma′(x)"),
        ("\\sigma^\\prime(x)", "sigma′(x)"),
        ("\\tanh'(x)", "tanh′(x)"),
        ("\\tanh'(2x)", "tanh′(2 * x)"),
        ("f''(x)", "f′′(x)"),
        ("f^{\\prime\\prime}(x)", "f′′(x)"),
    ]);
    let e = read_expr("\\sigma'(z_i)", &|n: &str| n == "z").unwrap();
    assert_eq!(print_expr(&e), "sigmoid′(z[i])");
    // A power of σ with nothing after it is the standard deviation
    // squared, declared or not; with an argument, a power of sigmoid.
    for (text, want) in [
        ("\\frac{(x - \\mu)^2}{2\\sigma^2}", "(x - μ)^2 / (2 * σ^2)"),
        ("\\sigma^2 + 1", "σ^2 + 1"),
        ("\\sigma^{2}", "σ^2"),
        ("\\sigma^2(z)", "sigmoid(z)^2"),
    ] {
        let e = read_expr(text, &|_: &str| false).unwrap();
        assert_eq!(print_expr(&e), want, "{text}");
    }
}

#[test]
fn names_fonts_and_accents() {
    table(&[
        ("\\mathbf{x}", "x"),
        ("\\boldsymbol{x}", "x"),
        ("\\vec{x}", "x"),
        ("\\hat{y}", "yhat"),
        ("\\hat y_j", "yhat[j]"),
        ("\\hat{y}_{j}", "yhat[j]"),
        ("\\bar{x}", "xbar"),
        ("\\tilde{x}", "xtilde"),
        ("W_1", "W1"),
        ("W_{1}", "W1"),
        ("\\mathbf{W}_1", "W1"),
        ("W^{(1)}", "W1"),
        ("x_i", "x[i]"),
        ("\\mathbf{x}_i", "x[i]"),
        ("W_{ij}", "W[i, j]"),
        ("W_{i,j}", "W[i, j]"),
        ("W_{i, k1}", "W[i, k1]"),
        ("y_{\\text{true}}", "y_true"),
        ("\\alpha x", "α * x"),
        ("\\pi", "pi"),
        ("\\Sigma", "Sigma"),
        ("xy", "x * y"),
        ("2x", "2 * x"),
        ("W1 x", "W1 * x"),
        ("ŷ_j", "ŷ[j]"),
    ]);
    // The declared spelling wins.
    let e = read_expr("\\hat{y}_j + \\alpha", &|n: &str| n == "ŷ" || n == "alpha").unwrap();
    assert_eq!(print_expr(&e), "ŷ[j] + alpha");
    let (msg, at) = fails("x_1");
    assert!(msg.contains("numeric index"), "{msg}");
    assert_eq!(at, "1");
    let (msg, _) = fails("x_12");
    assert!(msg.contains("braces"), "{msg}");
}

#[test]
fn ambiguous_subscripts_are_noted() {
    let both = |n: &str| n == "W" || n == "W1" || n == "x";
    let d = read_display("W_1 x = x", &both);
    assert_eq!(d.errors, vec![]);
    assert_eq!(print_expr(&d.chains[0].steps[0].expr), "W1 * x");
    assert_eq!(d.notes.len(), 1);
    assert!(
        d.notes[0].1.contains("`W` is declared too"),
        "{:?}",
        d.notes
    );
}

#[test]
fn operators_groups_and_transposes() {
    table(&[
        ("a \\cdot b", "a * b"),
        ("a \\times b", "a * b"),
        ("a \\odot b", "a ⊙ b"),
        ("a \\circ b", "a ⊙ b"),
        ("a / b", "a / b"),
        ("-x", "-x"),
        ("-x^2", "-x^2"),
        ("a - (b - c)", "a - (b - c)"),
        ("\\left( a + b \\right) c", "(a + b) * c"),
        ("\\left[ a + b \\right] c", "(a + b) * c"),
        ("\\bigl( a + b \\bigr)", "a + b"),
        ("\\Big[ a \\Big]", "a"),
        ("\\{ a + b \\} c", "(a + b) * c"),
        ("{a + b} c", "(a + b) * c"),
        ("W^\\top x", "Wᵀ * x"),
        ("W^T x", "Wᵀ * x"),
        ("W^{T}", "Wᵀ"),
        ("W^\\intercal", "Wᵀ"),
        ("W^{\\mathsf{T}}", "Wᵀ"),
        ("W^{\\top}", "Wᵀ"),
        ("(\\hat{y} - y) h^T", "(yhat - y) * hᵀ"),
        ("a \\, b \\; c \\! \\quad d", "a * b * c * d"),
        ("W_2^T", "W2ᵀ"),
    ]);
}

#[test]
fn derivatives() {
    table(&[
        ("\\frac{\\partial L}{\\partial z_j}", "∂L/∂z[j]"),
        (
            "\\frac{\\partial \\sigma(x)}{\\partial x}",
            "diff(sigma(x), x)",
        ),
        ("\\frac{\\partial}{\\partial x} f(x)", "diff(f(x), x)"),
        ("\\frac{d}{dx} f(x)", "diff(f(x), x)"),
        ("\\frac{\\mathrm{d}}{\\mathrm{d}x} x^2", "diff(x^2, x)"),
        ("\\frac{d f}{dx}", "∂f/∂x"),
        ("\\frac{\\partial L}{\\partial W_1}", "∂L/∂W1"),
        ("\\frac{\\partial L}{\\partial \\mathbf{x}}", "∂L/∂x"),
        (
            "\\frac{\\partial \\hat{y}_i}{\\partial z_j}",
            "diff(yhat[i], z[j])",
        ),
        ("\\nabla_{\\mathbf{x}} L", "∂L/∂x"),
        ("\\nabla_x L", "∂L/∂x"),
        ("\\partial_{x} L", "∂L/∂x"),
        (
            "\\frac{\\partial}{\\partial z_j} \\log \\hat{y}_i",
            "diff(log(yhat[i]), z[j])",
        ),
        ("\\frac{d}{dx} x \\cdot y + 1", "diff(x * y, x) + 1"),
    ]);
    table(&[
        ("\\frac{d^2 f}{dx^2}", "diff(∂f/∂x, x)"),
        ("\\frac{d^{2} f(x)}{d x^{2}}", "diff(diff(f(x), x), x)"),
        ("\\frac{\\partial^2 L}{\\partial x^2}", "diff(∂L/∂x, x)"),
        (
            "\\frac{\\partial^2 L}{\\partial x \\partial y}",
            "diff(∂L/∂y, x)",
        ),
        ("\\frac{d^2}{dx^2} f(x)", "diff(diff(f(x), x), x)"),
        (
            "\\frac{\\partial \\sigma(x)}{\\partial x}",
            "diff(sigma(x), x)",
        ),
        ("\\frac{d\\sigma(x)}{dx}", "diff(sigma(x), x)"),
    ]);
    for (tex, part) in [
        (
            "\\frac{d^2 f}{dx}",
            "add up to 1, but the order above it is 2",
        ),
        (
            "\\frac{\\partial^2 L}{\\partial x^2 \\partial y}",
            "add up to 3",
        ),
        ("\\frac{d^x f}{dx^x}", "the order of the derivative"),
    ] {
        let (msg, _) = fails(tex);
        assert!(msg.contains(part), "{tex}: {msg}");
    }
    let (msg, at) = fails("\\partial x");
    assert!(msg.contains("\\partial"), "{msg}");
    assert_eq!(at, "\\partial");
}

#[test]
fn bad_input_is_located() {
    let (msg, at) = fails("\\foo{x}");
    assert_eq!(msg, "unknown command `\\foo`");
    assert_eq!(at, "\\foo");
    let (msg, at) = fails("(a + b");
    assert!(msg.starts_with("expected `)` to close"), "{msg}");
    assert_eq!(at, "");
    let (msg, at) = fails("a + }");
    assert_eq!((msg.as_str(), at.as_str()), ("unmatched `}`", "}"));
    let (msg, _) = fails("\\frac{a}{b");
    assert!(msg.contains("never closed"), "{msg}");
    let (msg, _) = fails("x^{2}^{3}");
    assert!(msg.contains("double superscript"), "{msg}");
    let (msg, _) = fails("|x");
    assert!(msg.contains("`|` to close the absolute value"), "{msg}");
    let (msg, _) = fails("\\|v\\|_1");
    assert!(msg.contains("only the Euclidean norm"), "{msg}");
    let (msg, _) = fails("\\begin{pmatrix} a & b \\end{pmatrix}");
    assert!(msg.contains("pmatrix"), "{msg}");
    let (msg, _) = fails("\\text{if } x");
    assert!(msg.contains("\\text"), "{msg}");
    let (msg, _) = fails("");
    assert!(msg.contains("found the end"), "{msg}");
}

/// Deep input fails with a located error on an ordinary test thread
/// (2 MiB of stack): no overflow, no hang.
#[test]
fn deep_input_fails_cleanly() {
    let n = 10_000;
    let fracs = format!("{}x{}", "\\frac{1}{".repeat(n), "}".repeat(n));
    let braces = format!("{}x{}", "{".repeat(n), "}".repeat(n));
    let parens = format!("{}x{}", "(".repeat(n), ")".repeat(n));
    let minus = format!("{}x", "-".repeat(n));
    let sums = format!("{}x", "\\sum_i ".repeat(n));
    let powers = format!("{}x{}", "x^{".repeat(n), "}".repeat(n));
    let sqrts = format!("{}x{}", "\\sqrt{".repeat(n), "}".repeat(n));
    let long = vec!["x"; n].join(" + ");
    for deep in [fracs, braces, parens, minus, sums, powers, sqrts, long] {
        let start = std::time::Instant::now();
        let err = read_expr(&deep, &declared).expect_err("too deep");
        assert!(err.message.contains("nested too deeply"), "{}", err.message);
        assert!(err.span.end <= deep.len());
        let d = read_display(&format!("{deep} = x"), &declared);
        assert_eq!(d.errors.len(), 1);
        assert!(start.elapsed().as_secs() < 5);
    }
}

fn chains(d: &DisplayRead) -> Vec<Vec<String>> {
    d.chains
        .iter()
        .map(|c| c.steps.iter().map(|s| print_expr(&s.expr)).collect())
        .collect()
}

#[test]
fn one_line_chains() {
    let d = read_display("a = b = c.", &declared);
    assert_eq!(chains(&d), vec![vec!["a", "b", "c"]]);
    assert!(d.errors.is_empty() && d.unchecked.is_empty());
    let d = read_display(
        "\\sum_{j=1}^{n} x_j = 1\\{i=j\\} \\quad \\text{(def)}",
        &declared,
    );
    assert_eq!(chains(&d), vec![vec!["sum(j, x[j])", "delta(i, j)"]]);
    assert_eq!(d.chains[0].steps[1].justification.as_deref(), Some("def"));
}

#[test]
fn equations_side_by_side_are_chains_of_their_own() {
    let two = |tex: &str| {
        let d = read_display(tex, &declared);
        assert!(d.errors.is_empty(), "{tex}: {:?}", d.errors);
        chains(&d)
    };
    let want = vec![vec!["a", "b"], vec!["c", "d"]];
    assert_eq!(two("a = b, \\quad c = d"), want);
    assert_eq!(two("a = b, c = d."), want);
    assert_eq!(two("a = b; \\qquad c = d"), want);
    assert_eq!(two("a = b, \\quad \\text{and} \\quad c = d"), want);
    assert_eq!(
        two("\\begin{aligned} a &= b, & c &= d \\end{aligned}"),
        want
    );
    // Commas inside a call or a subscript, and a comma before no
    // equation, cut nothing.
    assert_eq!(two("f(a, b) = c"), vec![vec!["f(a, b)", "c"]]);
    assert_eq!(
        two("\\sum_{i,j} W_{ij} = c"),
        vec![vec!["sum(i, sum(j, W[i, j]))", "c"]]
    );
    // Without a comma, math after `\quad` is the justification.
    let d = read_display("a = b \\quad \\sum_i p_i = 1", &declared);
    assert_eq!(chains(&d), vec![vec!["a", "b"]]);
    assert!(d.chains[0].steps[1].justification.is_some());
}

#[test]
fn aligned_rows() {
    let tex = "\\begin{aligned}
  \\frac{d}{dx} x^2 &= 2x \\quad (\\text{power rule}) \\\\
  &= x + x \\qquad \\text{doubling}, \\\\
  a &= b \\nonumber \\\\
  &= c && \\text{third column}
\\end{aligned}";
    let d = read_display(tex, &declared);
    assert_eq!(d.errors, vec![]);
    assert_eq!(
        chains(&d),
        vec![vec!["diff(x^2, x)", "2 * x", "x + x"], vec!["a", "b", "c"]]
    );
    let just: Vec<_> = d.chains[0]
        .steps
        .iter()
        .map(|s| s.justification.clone())
        .collect();
    assert_eq!(
        just,
        vec![None, Some("power rule".into()), Some("doubling,".into())]
    );
    assert_eq!(
        d.chains[1].steps[2].justification.as_deref(),
        Some("third column")
    );
    // Spans point into the display.
    assert_eq!(d.chains[0].steps[1].span.text(tex), "2x");
}

#[test]
fn rows_that_end_or_start_with_an_operator() {
    let d = read_display("a = \\\\ &= b \\\\ &= c \\\\ & \\quad + a", &declared);
    assert_eq!(d.errors, vec![]);
    assert_eq!(chains(&d), vec![vec!["a", "b", "c + a"]]);
    let d = read_display("a = \\\\ & b", &declared);
    assert_eq!(chains(&d), vec![vec!["a", "b"]]);
}

#[test]
fn other_relations_end_the_chain() {
    let d = read_display("a = b \\le c = x \\Rightarrow y > 0", &declared);
    assert_eq!(
        chains(&d),
        vec![vec!["a", "b"], vec!["c", "x"], vec!["y"], vec!["0"]]
    );
    let symbols: Vec<_> = d.unchecked.iter().map(|r| r.symbol.as_str()).collect();
    assert_eq!(symbols, vec!["\\le", "\\Rightarrow", ">"]);
    let d = read_display(
        "a \\approx b, \\quad x \\neq y, \\quad a < b, a \\iff b, a \\to b, L := x",
        &declared,
    );
    let symbols: Vec<_> = d.unchecked.iter().map(|r| r.symbol.as_str()).collect();
    assert_eq!(symbols, vec!["\\approx"]);
    let d = read_display(
        "x \\neq y \\ge a \\implies a \\iff b \\to c < b \\\\ L := x",
        &declared,
    );
    let symbols: Vec<_> = d.unchecked.iter().map(|r| r.symbol.as_str()).collect();
    assert_eq!(
        symbols,
        vec!["\\neq", "\\ge", "\\implies", "\\iff", "\\to", "<", ":="]
    );
}

#[test]
fn labels_tags_and_punctuation_are_dropped() {
    let d = read_display(
        "a = b \\tag{3} \\label{eq:x}, \\\\ &= c. \\notag",
        &declared,
    );
    assert_eq!(d.errors, vec![]);
    assert_eq!(chains(&d), vec![vec!["a", "b", "c"]]);
}

#[test]
fn a_bad_step_breaks_the_chain() {
    let d = read_display("a = \\foo = b = c", &declared);
    assert_eq!(chains(&d), vec![vec!["a"], vec!["b", "c"]]);
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.errors[0].span.text("a = \\foo = b = c"), "\\foo");
    let d = read_display("a = {b", &declared);
    assert!(d.chains.is_empty());
    assert!(d.errors[0].message.contains("never closed"));
}

#[test]
fn documented_odds_and_ends() {
    table(&[
        ("\\phi(z)", "ϕ(z)"),
        ("\\text{loss}(y)", "loss(y)"),
        ("\\mathcal{L}", "L"),
        ("W^{[1]}", "W1"),
        ("\\sum_{j=0}^{n-1} x_j", "sum(j, x[j])"),
        ("\\sum_{j \\in S} x_j", "sum(j, x[j])"),
        ("\\frac{\\operatorname{d}}{{\\operatorname{d}x}} x", "∂x/∂x"),
        ("{\\delta}_{{i}{j}}", "delta(i, j)"),
        ("\\sum_{{i}{\\neq }{j}} x_i", "sum(i != j, x[i])"),
    ]);
    let (msg, _) = fails("\\sin^{-1} x");
    assert!(msg.contains("inverse"), "{msg}");
    let (msg, _) = fails("\\sum_{j=1}^{3} x_j");
    assert!(msg.contains("upper bound"), "{msg}");
}

#[test]
fn a_sized_fence_belongs_to_the_step_it_opens() {
    let math = r"a = \left( b + c \right) d = \bigl[ e \bigr]";
    let d = read_display(math, &|_: &str| false);
    let sides: Vec<&str> = d.chains[0]
        .steps
        .iter()
        .map(|s| &math[s.span.start..s.span.end])
        .collect();
    assert_eq!(
        sides,
        vec!["a", r"\left( b + c \right) d", r"\bigl[ e \bigr]"]
    );
}

#[test]
fn justifications_keep_their_math_between_dollars() {
    let cases = [
        ("a &= b \\quad \\text{since } x \\ge 0", "since $x \\ge 0$"),
        ("a &= b && \\text{by (2)}", "by (2)"),
        ("a &= b \\quad (\\text{chain rule})", "chain rule"),
        (
            "a &= b \\qquad \\because\\ e^{x} > 0",
            "$\\because e^{x} > 0$",
        ),
        ("a &= b \\quad \\text{doubling},", "doubling,"),
    ];
    for (tex, want) in cases {
        let d = read_display(tex, &declared);
        assert_eq!(
            d.chains[0].steps[1].justification.as_deref(),
            Some(want),
            "{tex}"
        );
    }
}

#[test]
fn absolute_values_and_norms() {
    table(&[
        ("|x|", "abs(x)"),
        ("\\lvert x \\rvert", "abs(x)"),
        ("\\left| x - y \\right|", "abs(x - y)"),
        ("\\left|\\left|x\\right| - 1\\right|", "abs(abs(x) - 1)"),
        ("\\left|\\left|0\\right|\\right|", "abs(abs(0))"),
        ("\\left\\| v \\right\\|", "norm(v)"),
        ("\\left\\vert x \\right\\vert", "abs(x)"),
        ("2|x|", "2 * abs(x)"),
        ("|a| |b|", "abs(a) * abs(b)"),
        ("\\|v\\|", "norm(v)"),
        ("\\lVert v \\rVert", "norm(v)"),
        ("\\left\\| v \\right\\|", "norm(v)"),
        ("\\|v\\|^2", "norm(v)^2"),
        ("\\|v\\|_2^2", "norm(v)^2"),
        ("\\|W x - y\\|_2^2", "norm(W * x - y)^2"),
        ("\\lambda \\|W\\|^2", "λ * norm(W)^2"),
        ("\\| |x| v \\|", "norm(abs(x) * v)"),
    ]);
}

#[test]
fn named_operators_read_as_the_builtins() {
    table(&[
        ("\\max(a, b)", "max(a, b)"),
        ("\\min(a, b)", "min(a, b)"),
        ("\\max(0, x)", "max(0, x)"),
        ("\\operatorname{tr}(A)", "tr(A)"),
        ("\\operatorname{tr}(A B)", "tr(A * B)"),
        ("\\mathrm{tr}(A)", "tr(A)"),
        ("\\mathrm{diag}(v)", "diag(v)"),
        ("\\operatorname{diag}(v)", "diag(v)"),
        ("\\operatorname{relu}(x)", "relu(x)"),
        ("\\mathrm{relu}(W x)", "relu(W * x)"),
        ("\\text{softplus}(x)", "softplus(x)"),
        ("\\operatorname{softplus}(x)", "softplus(x)"),
        ("\\operatorname{sigmoid}(x)", "sigmoid(x)"),
        ("\\text{ReLU}(x)", "relu(x)"),
        ("\\operatorname{Tr}(A)", "tr(A)"),
    ]);
}
