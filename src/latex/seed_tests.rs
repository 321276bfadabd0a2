//! The four example proofs, written in LaTeX the way a student would,
//! read into chains that print as the chains of `derivations/*.txt`.

use super::read_display;
use crate::syntax::ast::Item;
use crate::syntax::parse_file;
use crate::syntax::print::print_expr;
use pretty_assertions::assert_eq;

/// The printed sides of claim `name` in a derivation file: its chain, or
/// its two sides when it has none.
fn txt_chain(src: &str, name: &str) -> Vec<String> {
    let file = parse_file(src);
    for item in &file.items {
        if let Item::Claim(c) = item {
            if c.name.name == name {
                let mut out: Vec<String> = c.chain.iter().map(|l| print_expr(&l.expr)).collect();
                if c.chain.first().is_some_and(|l| l.starts_with_eq) {
                    out.insert(0, print_expr(&c.lhs));
                }
                if out.is_empty() {
                    out = vec![print_expr(&c.lhs), print_expr(&c.rhs)];
                }
                return out;
            }
        }
    }
    panic!("no claim {name}")
}

/// Reads `tex` with `names` declared: one chain, no errors.
fn latex_chain(tex: &str, names: &[&str]) -> Vec<String> {
    let declared = |n: &str| names.contains(&n);
    let d = read_display(tex, &declared);
    assert_eq!(d.errors, vec![], "{tex}");
    assert_eq!(d.chains.len(), 1, "{tex}");
    d.chains[0]
        .steps
        .iter()
        .map(|s| print_expr(&s.expr))
        .collect()
}

#[test]
fn sigmoid_derivative() {
    let tex = r"\begin{aligned}
\frac{d}{dx}\sigma(x) &= \frac{d}{dx}\left(1 + e^{-x}\right)^{-1} && \text{definition of } \sigma \\
&= -\left(1 + e^{-x}\right)^{-2} \cdot \frac{d}{dx}\left(1 + e^{-x}\right) && \text{chain rule} \\
&= -(1 + e^{-x})^{-2} \cdot \left(-e^{-x}\right) \\
&= \frac{e^{-x}}{(1 + e^{-x})^2} \\
&= \frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}} \\
&= \frac{1}{1 + e^{-x}} \cdot \frac{1 + e^{-x} - 1}{1 + e^{-x}} \\
&= \frac{1}{1 + e^{-x}} \cdot \left(1 - \frac{1}{1 + e^{-x}}\right) \\
&= \sigma(x)\,\bigl(1 - \sigma(x)\bigr).
\end{aligned}";
    let mut want = txt_chain(
        include_str!("../../derivations/sigmoid.txt"),
        "sigmoid_derivative",
    );
    // The file writes two fractions side by side as `a / b · c / d`,
    // which parses as `((a / b) · c) / d`; `\frac{a}{b} \cdot \frac{c}{d}`
    // is the product of the two fractions: the same value, another tree.
    want[5] = "1 / (1 + e^(-x)) * (e^(-x) / (1 + e^(-x)))".into();
    want[6] = "1 / (1 + e^(-x)) * ((1 + e^(-x) - 1) / (1 + e^(-x)))".into();
    assert_eq!(latex_chain(tex, &["x", "sigma"]), want);
    let d = read_display(tex, &|n: &str| n == "x" || n == "sigma");
    assert_eq!(
        d.chains[0].steps[1].justification.as_deref(),
        Some(r"definition of $\sigma$")
    );
}

#[test]
fn softmax_shift() {
    let tex = r"\operatorname{softmax}(\mathbf{x} + c)_i
  &= \frac{\exp(x_i + c)}{\sum_j \exp(x_j + c)} \qquad \text{(definition)} \\
  &= \frac{\exp(x_i)\exp(c)}{\sum_{j=1}^{n} \exp(x_j)\exp(c)} \\
  &= \frac{\exp(x_i)\exp(c)}{\exp(c)\sum_j \exp(x_j)} \\
  &= \frac{\exp(x_i)}{\sum_j \exp(x_j)} \\
  &= \operatorname{softmax}(\mathbf{x})_i";
    let want = txt_chain(include_str!("../../derivations/softmax.txt"), "shift");
    assert_eq!(latex_chain(tex, &["x", "c", "softmax"]), want);
}

#[test]
fn cross_entropy_gradient() {
    let tex = r"\frac{\partial L}{\partial z_j}
  &= -\sum_i y_i \left( \frac{\partial}{\partial z_j} \log \hat{y}_i \right) \quad \text{linearity} \\
  &= -\sum_i y_i \left( \delta_{ij} - \hat{y}_j \right) \\
  &= -y_j + \hat{y}_j \cdot \sum_i y_i \\
  &= \hat{y}_j - y_j";
    let want = txt_chain(
        include_str!("../../derivations/cross_entropy.txt"),
        "grad_onehot",
    );
    // The file names the prediction `ŷ`: `\hat{y}` takes that spelling.
    assert_eq!(latex_chain(tex, &["z", "y", "p", "ŷ", "L", "Lp"]), want);
}

#[test]
fn one_backprop_step() {
    let names = [
        "x", "W1", "b1", "W2", "b2", "y", "z1", "h", "z2", "yhat", "L",
    ];
    let tex = r"\frac{\partial L}{\partial \mathbf{z}_1}
  &= \frac{\partial L}{\partial \mathbf{h}} \odot \mathbf{h} \odot (\mathbf{1} - \mathbf{h}) \\
  &= \left( W_2^\top (\hat{\mathbf{y}} - \mathbf{y}) \right) \odot \mathbf{h} \odot (\mathbf{1} - \mathbf{h})";
    let want = txt_chain(include_str!("../../derivations/backprop.txt"), "grad_z1_m");
    assert_eq!(latex_chain(tex, &names), want);
    let tex = r"\nabla_{W_2} L = \frac{\partial L}{\partial \mathbf{z}_2} \mathbf{h}^{\mathsf{T}}
  = (\hat{\mathbf{y}} - \mathbf{y})\,\mathbf{h}^\top";
    let want = txt_chain(include_str!("../../derivations/backprop.txt"), "grad_W2_m");
    assert_eq!(latex_chain(tex, &names), want);
}
