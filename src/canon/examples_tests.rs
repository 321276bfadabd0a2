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
    assert!(!lowered.claims.is_empty(), "no claims");
    let mut out = Vec::new();
    let mut links = 0;
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
            links += 1;
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
                // Sides equal up to `+ 0` and `· 1`, and these are defined.
                Outcome::Proved { .. } | Outcome::SameUpToUnits => {}
                Outcome::NotProved { lhs, rhs } => out.push(format!(
                    "{} link {k} ({ms} ms): {}  vs  {}",
                    claim.name,
                    crate::expr::print::print(&lowered.store, &lowered.symbols, lhs),
                    crate::expr::print::print(&lowered.store, &lowered.symbols, rhs)
                )),
                Outcome::Inconclusive(m) => {
                    out.push(format!("{} link {k}: inconclusive {m}", claim.name))
                }
                // These derivations are the canonical form's to prove.
                Outcome::ProvedExact(p) => out.push(format!(
                    "{} link {k}: proved only by exact-random ({})",
                    claim.name,
                    p.describe()
                )),
            }
        }
    }
    assert!(links > 0, "no links");
    eprintln!("{links} links checked");
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
        for link in claim.checkable() {
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

/// The backprop example with σ written out by the user instead of the
/// builtin: sums then carry denominators that depend on the bound index.
pub(crate) const BACKPROP_DEFINED_SIGMA: &str = "\
x : vector[d]
W1 : matrix[m, d]
b1 : vector[m]
W2 : matrix[n, m]
b2 : vector[n]
y : onehot[n]
sig(t) := 1 / (1 + exp(-t))
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let h[j] = sig(sum(k, W1[j, k] x[k]) + b1[j])
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
fn backprop_with_defined_sigma() {
    assert_all_proved(BACKPROP_DEFINED_SIGMA);
}

const MORE: &str = "\
x, c : real
p, q : positive
z : vector[n]
w : vector[n]
s : simplex[n]
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let yhat = softmax(z)

claim jacobian: ∂/∂z[j] yhat[i] = yhat[i] (δ(i, j) - yhat[j])
claim square_norm: ∂/∂z[k] sum(i, z[i]^2) = 2 z[k]
claim except_split: sum(i != j, w[i]) = sum(i, w[i]) - w[j]
claim simplex_except: sum(i != j, s[i]) = 1 - s[j]
claim tanh_prime: d/dx tanh(x) = 1 - tanh(x)^2
claim quotient: d/dx (x / (1 + x^2)) = (1 - x^2) / (1 + x^2)^2
claim log_split: log(p q / (1 + p)) = log(p) + log(q) - log(1 + p)
claim sqrt_pos: sqrt(p^2) = p
claim chain: d/dx exp(sigmoid(c x)) = c exp(sigmoid(c x)) sigmoid(c x) (1 - sigmoid(c x))
claim logsumexp: ∂/∂z[j] log(sum(i, exp(z[i]))) = yhat[j]
";

#[test]
fn more_identities() {
    assert_all_proved(MORE);
}

const WRONG: &str = "\
x, c : real
z : vector[n]
y : onehot[n]
q : vector[n]
sig(t) := 1 / (1 + exp(-t))
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let yhat = softmax(z)
let L = -sum(i, y[i] * log(yhat[i]))
let Lq = -sum(i, q[i] * log(yhat[i]))

claim w1: d/dx sig(x) = sig(x) * (1 + sig(x))
claim w2: d/dx sig(x) = sig(x)
claim w3: e^(-x) / (1 + e^(-x))^2 = 1 / (1 + e^(-x)) * e^(-x)
claim w4: softmax(z + c)[i] = exp(c) * softmax(z)[i]
claim w5: ∂/∂z[j] log(yhat[i]) = δ(i, j) + yhat[j]
claim w6: ∂L/∂z[j] = y[j] - yhat[j]
claim w7: ∂Lq/∂z[j] = yhat[j] - q[j]
claim w8: ∂/∂z[j] yhat[i] = yhat[i] (δ(i, j) - yhat[i])
claim w9: sqrt(x^2) = x
claim w10: ∂/∂z[k] sum(i, z[i]^2) = 2 sum(i, z[i])
";

#[test]
fn wrong_claims_through_the_parser_are_not_proved() {
    let f = failures(WRONG);
    assert_eq!(
        f.len(),
        10,
        "some false claim was proved:\n{}",
        f.join("\n")
    );
}

#[test]
fn matrix_form_gradients_are_proved() {
    let src = "\
x : vector[d]
W1 : matrix[m, d]
b1 : vector[m]
W2 : matrix[n, m]
b2 : vector[n]
y : onehot[n]
softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))
let h = sigmoid(W1 x + b1)
let yhat = softmax(W2 h + b2)
let L = -sum(i, y[i] * log(yhat[i]))

claim db2: ∂L/∂b2 = yhat - y
claim dW2: ∂L/∂W2 = (yhat - y) hᵀ
claim db1: ∂L/∂b1 = (W2ᵀ (yhat - y)) ⊙ h ⊙ (1 - h)
claim dx: ∂L/∂x = W1ᵀ ((W2ᵀ (yhat - y)) ⊙ h ⊙ (1 - h))
claim dW1: ∂L/∂W1 = ((W2ᵀ (yhat - y)) ⊙ h ⊙ (1 - h)) xᵀ
";
    let f = failures(src);
    assert!(f.is_empty(), "{}", f.join("\n"));
}

#[test]
fn gradient_vector_form() {
    let src = BACKPROP.replace(
        "claim db2: ∂L/∂b2[i] = yhat[i] - y[i]",
        "claim db2: ∂L/∂b2 = yhat - y\nclaim dW2v: ∂L/∂W2 = (yhat - y) ⊙ yhat",
    );
    let f = failures(&src);
    // The vector form is proved; the deliberately wrong matrix claim is not
    // (or is an error if lowering rejects its shape).
    assert!(f.iter().all(|l| l.starts_with("dW2v")), "{}", f.join("\n"));
}
