//! The example derivations of the language brief, through the real parser
//! and lowering: every link must be proved.

use crate::canon::{prove, Budget, Outcome};
use crate::lower::lower_file;
use crate::syntax::parse_file;

/// Proves every link of every claim; returns the failures as text.
fn failures(src: &str) -> Vec<String> {
    let parsed = parse_file(src);
    assert!(
        parsed.errors.is_empty(),
        "parse errors: {:?}",
        parsed.errors
    );
    let mut lowered = lower_file(&parsed);
    assert!(
        lowered.errors.is_empty(),
        "lowering errors: {:?}",
        lowered.errors
    );
    let mut out = Vec::new();
    for claim in &lowered.claims {
        for (k, link) in claim.links.iter().enumerate() {
            let link = match link {
                Ok(l) => l.clone(),
                Err(e) => {
                    out.push(format!(
                        "{} link {k}: error {:?}",
                        claim.name, e.diagnostic.message
                    ));
                    continue;
                }
            };
            let start = std::time::Instant::now();
            let o = prove(
                &mut lowered.store,
                &mut lowered.symbols,
                link.lhs,
                link.rhs,
                &Budget::default(),
            );
            let ms = start.elapsed().as_millis();
            match o {
                Outcome::Proved { .. } => {}
                Outcome::NotProved { lhs, rhs } => out.push(format!(
                    "{} link {k} ({ms} ms): {}  vs  {}",
                    claim.name,
                    crate::expr::print::print(&lowered.store, &lowered.symbols, lhs),
                    crate::expr::print::print(&lowered.store, &lowered.symbols, rhs)
                )),
                Outcome::Inconclusive(m) => {
                    out.push(format!("{} link {k}: inconclusive {m}", claim.name))
                }
            }
        }
    }
    out
}

fn assert_all_proved(src: &str) {
    let f = failures(src);
    assert!(f.is_empty(), "not proved:\n{}", f.join("\n"));
}

pub(crate) const SIGMOID: &str = "\
x : real
sig(t) := 1 / (1 + exp(-t))

claim sigmoid_prime: d/dx sig(x) = sig(x) * (1 - sig(x))
    d/dx sig(x)
  = d/dx (1 + e^(-x))^(-1)                      # definition
  = -(1 + e^(-x))^(-2) * d/dx (1 + e^(-x))      # chain rule
  = -(1 + e^(-x))^(-2) * (-e^(-x))              # derivative of e^(-x)
  = e^(-x) / (1 + e^(-x))^2
  = 1 / (1 + e^(-x)) * e^(-x) / (1 + e^(-x))
  = sig(x) * (1 + e^(-x) - 1) / (1 + e^(-x))
  = sig(x) * (1 - 1 / (1 + e^(-x)))
  = sig(x) * (1 - sig(x))

claim builtin: d/dx sigmoid(x) = sigmoid(x) * (1 - sigmoid(x))

claim mixed: d/dx sigmoid(x) = e^(-x) / (1 + e^(-x))^2
";

pub(crate) const SOFTMAX: &str = "\
x : vector[n]
c : real
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))

claim shift: softmax(x + c)[i] = softmax(x)[i]
    softmax(x + c)[i]
  = exp(x[i] + c) / sum(j, exp(x[j] + c))          # definition
  = exp(x[i]) exp(c) / sum(j, exp(x[j]) exp(c))    # exp of a sum
  = exp(x[i]) exp(c) / (exp(c) sum(j, exp(x[j])))  # constant out of the sum
  = exp(x[i]) / sum(j, exp(x[j]))                  # cancel exp(c)
  = softmax(x)[i]
";

pub(crate) const CROSS_ENTROPY: &str = "\
z : vector[n]
y : onehot[n]
q : vector[n]
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let yhat = softmax(z)
let L = -sum(i, y[i] * log(yhat[i]))
let Lq = -sum(i, q[i] * log(yhat[i]))

claim dlog: ∂/∂z[j] log(yhat[i]) = δ(i, j) - yhat[j]
    ∂/∂z[j] log(yhat[i])
  = ∂/∂z[j] (z[i] - log(sum(k, exp(z[k]))))     # log of a quotient
  = δ(i, j) - exp(z[j]) / sum(k, exp(z[k]))
  = δ(i, j) - yhat[j]

claim grad: ∂L/∂z[j] = yhat[j] - y[j]
    ∂L/∂z[j]
  = -sum(i, y[i] * (δ(i, j) - yhat[j]))
  = -y[j] + yhat[j] * sum(i, y[i])
  = yhat[j] - y[j]

claim grad_any: ∂Lq/∂z[j] = yhat[j] * sum(i, q[i]) - q[j]
";

pub(crate) const BACKPROP: &str = "\
x : vector[d]
W1 : matrix[m, d]
b1 : vector[m]
W2 : matrix[n, m]
b2 : vector[n]
y : onehot[n]
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let h[j] = sigmoid(sum(k, W1[j, k] x[k]) + b1[j])
let a[i] = sum(j, W2[i, j] h[j]) + b2[i]
let yhat = softmax(a)
let L = -sum(i, y[i] * log(yhat[i]))

claim db2: ∂L/∂b2[i] = yhat[i] - y[i]
claim dW2: ∂L/∂W2[i, j] = (yhat[i] - y[i]) h[j]
claim db1: ∂L/∂b1[j] = sum(i, (yhat[i] - y[i]) W2[i, j]) h[j] (1 - h[j])
claim dW1: ∂L/∂W1[j, k] = sum(i, (yhat[i] - y[i]) W2[i, j]) h[j] (1 - h[j]) x[k]
claim dx: ∂L/∂x[k] = sum(j, sum(i, (yhat[i] - y[i]) W2[i, j]) h[j] (1 - h[j]) W1[j, k])
";

#[test]
fn sigmoid_example() {
    assert_all_proved(SIGMOID);
}

#[test]
fn softmax_example() {
    assert_all_proved(SOFTMAX);
}

#[test]
fn cross_entropy_example() {
    assert_all_proved(CROSS_ENTROPY);
}

#[test]
fn backprop_example() {
    assert_all_proved(BACKPROP);
}

/// A printed canonical form, read back by the real parser in a claim
/// against the side it came from, is proved equal to it.
fn round_trip(src: &str) {
    let parsed = parse_file(src);
    let mut lowered = lower_file(&parsed);
    let header: String = src
        .lines()
        .take_while(|l| !l.starts_with("claim"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut checked = 0;
    for claim in &lowered.claims.clone() {
        for link in claim.links.iter().flatten() {
            let (c, _) = crate::canon::canonicalize(
                &mut lowered.store,
                &mut lowered.symbols,
                link.lhs,
                &Budget::default(),
            )
            .expect("budget");
            let printed = crate::expr::print::print(&lowered.store, &lowered.symbols, c);
            let lhs_text = link.lhs_span.text(src).trim();
            let text = format!("{header}\n\nclaim rt: {printed} = {lhs_text}\n");
            let f = failures(&text);
            assert!(f.is_empty(), "{text}\n{}", f.join("\n"));
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn printed_forms_read_back_sigmoid() {
    round_trip(SIGMOID);
}

#[test]
fn printed_forms_read_back_softmax() {
    round_trip(SOFTMAX);
}

#[test]
fn printed_forms_read_back_cross_entropy() {
    round_trip(CROSS_ENTROPY);
}

#[test]
fn printed_forms_read_back_backprop() {
    round_trip(BACKPROP);
}
