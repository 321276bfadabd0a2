//! Completeness tests: identities the canonicalizer must prove.

use super::testkit::T;

const DECLS: &str = "x y z c: real; p q: positive; v w u: vector n; W: matrix n n; \
                     s: simplex n; y1: onehot n; idx i j k l: n";

fn t() -> T {
    T::new(DECLS)
}

macro_rules! proved {
    ($($name:ident: $l:expr => $r:expr;)*) => {$(
        #[test]
        fn $name() {
            let mut t = t();
            let o = t.prove($l, $r);
            assert!(matches!(o, super::Outcome::Proved { .. }), "{} = {}: {:?}", $l, $r, o);
        }
    )*};
}

proved! {
    like_terms: "x + x" => "2*x";
    cancel_x: "x/x" => "1";
    powers: "x^2 * x^3" => "x^5";
    expand: "(x + 1)^2" => "x^2 + 2*x + 1";
    diff_squares: "(x^2 - 1)/(x + 1)" => "x - 1";
    exp_sum: "exp(x + y)" => "exp(x) * exp(y)";
    exp_neg: "exp(-x)" => "1/exp(x)";
    exp_mult: "exp(2*x)" => "exp(x)^2";
    log_exp: "log(exp(x + y))" => "x + y";
    exp_log: "exp(log(p))" => "p";
    log_pos_product: "log(p*q)" => "log(p) + log(q)";
    log_pos_quot: "log(p/q)" => "log(p) - log(q)";
    log_pos_power: "log(p^3)" => "3*log(p)";
    sqrt_sq_pos: "sqrt(p^2)" => "p";
    sqrt_times: "sqrt(x)*sqrt(x)" => "x";
    sigmoid_forms: "exp(x)/(1 + exp(x))" => "1/(1 + exp(-x))";
    sigmoid_deriv_exp: "exp(-x)/(1 + exp(-x))^2" => "(1/(1 + exp(-x))) * (1 - 1/(1 + exp(-x)))";
    sigmoid_builtin: "d(sigmoid(x), x)" => "sigmoid(x)*(1 - sigmoid(x))";
    sigmoid_defined: "d(1/(1 + exp(-x)), x)" => "(1/(1 + exp(-x))) * (1 - 1/(1 + exp(-x)))";
    sigmoid_mixed: "d(sigmoid(x), x)" => "exp(-x)/(1 + exp(-x))^2";
    sigmoid_step1: "d(1/(1 + exp(-x)), x)" => "-(1 + exp(-x))^(-2) * d(1 + exp(-x), x)";
    sigmoid_step2: "-(1 + exp(-x))^(-2) * (-exp(-x))" => "exp(-x)/(1 + exp(-x))^2";
    sigmoid_step3: "exp(-x)/(1 + exp(-x))^2" => "1/(1 + exp(-x)) * exp(-x)/(1 + exp(-x))";
    sigmoid_step4: "exp(-x)/(1 + exp(-x))" => "1 - 1/(1 + exp(-x))";
    sigmoid_sym: "sigmoid(-x)" => "1 - sigmoid(x)";
    tanh_deriv: "d(tanh(x), x)" => "1 - tanh(x)^2";
    tanh_exp: "tanh(x)" => "(exp(2*x) - 1)/(exp(2*x) + 1)";
    quotient_rule: "d(x/(1 + x^2), x)" => "(1 - x^2)/(1 + x^2)^2";
    chain_rule: "d(exp(x^2), x)" => "2*x*exp(x^2)";
    log_deriv: "d(log(1 + x^2), x)" => "2*x/(1 + x^2)";
    power_rule_sym: "d(x^c, x)" => "c*x^(c - 1)";
    sin_cos: "d(sin(x)*cos(x), x)" => "cos(x)^2 - sin(x)^2";
    pythagoras: "sin(x)^2 + cos(x)^2" => "1";
    tan_deriv: "d(tan(x), x)" => "1/cos(x)^2";
    nested_deriv: "d(d(x^3, x), x)" => "6*x";
    partial_fractions: "1/(x - 1) - 1/(x + 1)" => "2/(x^2 - 1)";
    decimal_coef: "0.5*x" => "x/2";
    // index sums
    sum_alpha: "sum(i, v[i])" => "sum(j, v[j])";
    sum_linear: "sum(i, v[i] + w[i])" => "sum(i, v[i]) + sum(j, w[j])";
    sum_pull: "sum(i, x*v[i])" => "x*sum(i, v[i])";
    sum_delta: "sum(i, delta(i, j)*v[i])" => "v[j]";
    sum_except: "sum(i != j, v[i])" => "sum(i, v[i]) - v[j]";
    sum_commute: "sum(i, sum(j, W[i, j]*v[j]*w[i]))" => "sum(j, sum(i, W[i, j]*w[i]*v[j]))";
    sum_product: "sum(i, v[i])*sum(j, w[j])" => "sum(i, sum(j, v[i]*w[j]))";
    sum_nested_order: "sum(i, w[i]*sum(j, W[i, j]*v[j]))" => "sum(j, v[j]*sum(i, W[i, j]*w[i]))";
    simplex_sum: "sum(i, s[i])" => "1";
    onehot_sum: "sum(i, y1[i])" => "1";
    onehot_sq: "y1[i]^2" => "y1[i]";
    simplex_except: "sum(i != j, s[i])" => "1 - s[j]";
    d_sum: "d(sum(i, v[i]^2), v[k])" => "2*v[k]";
    d_sum_exp: "d(sum(i, exp(v[i])), v[k])" => "exp(v[k])";
    softmax_shift: "exp(v[i] + c)/sum(j, exp(v[j] + c))" => "exp(v[i])/sum(j, exp(v[j]))";
    softmax_shift_step: "exp(v[i])*exp(c)/sum(j, exp(v[j])*exp(c))" => "exp(v[i])/sum(j, exp(v[j]))";
    log_softmax: "log(exp(v[i])/sum(j, exp(v[j])))" => "v[i] - log(sum(j, exp(v[j])))";
    xent_dlog: "d(log(exp(v[i])/sum(l, exp(v[l]))), v[j])" => "delta(i, j) - exp(v[j])/sum(l, exp(v[l]))";
    xent_onehot: "d(-sum(i, y1[i]*log(exp(v[i])/sum(l, exp(v[l])))), v[j])" => "exp(v[j])/sum(l, exp(v[l])) - y1[j]";
    xent_any: "d(-sum(i, u[i]*log(exp(v[i])/sum(l, exp(v[l])))), v[j])" => "exp(v[j])/sum(l, exp(v[l]))*sum(i, u[i]) - u[j]";
    xent_simplex: "d(-sum(i, s[i]*log(exp(v[i])/sum(l, exp(v[l])))), v[j])" => "exp(v[j])/sum(l, exp(v[l])) - s[j]";
    matvec_grad: "d(sum(i, w[i]*sum(j, W[i, j]*v[j])), v[k])" => "sum(i, w[i]*W[i, k])";
    matrix_grad: "d(sum(i, w[i]*sum(j, W[i, j]*v[j])), W[k, l])" => "w[k]*v[l]";
}

#[test]
fn canonicalizing_twice_changes_nothing() {
    let mut t = t();
    for s in [
        "exp(-x)/(1 + exp(-x))^2",
        "sum(i, w[i]*sum(j, W[i, j]*v[j]))",
        "exp(v[i] + c)/sum(j, exp(v[j] + c))",
        "sigmoid(-x) + sqrt(x^2) + log(p*x)",
    ] {
        let c1 = t.canon(s);
        let (c2, _) = super::canonicalize(&mut t.store, &mut t.sym, c1, &super::Budget::default())
            .expect("budget");
        assert_eq!(c1, c2, "{s}: {} vs {}", t.show(c1), t.show(c2));
    }
}

/// The backprop example in index form: h = σ(W1 x + b1),
/// ŷ = softmax(W2 h + b2), L = −Σ_i y[i] log ŷ[i], y one-hot.
mod backprop {
    use super::super::testkit::T;

    const DECLS: &str = "x: vector d; W1: matrix m d; b1: vector m; W2: matrix n m; \
                         b2: vector n; y: onehot n; q: simplex n; \
                         idx i i2 i3 p: n; idx j j2 j3 o: m; idx k k2 k3 r: d";

    fn h(j: &str) -> String {
        format!("sigmoid(sum(k2, W1[{j}, k2]*x[k2]) + b1[{j}])")
    }
    fn a(i: &str) -> String {
        format!("(sum(j2, W2[{i}, j2]*{}) + b2[{i}])", h("j2"))
    }
    fn yhat(i: &str) -> String {
        format!("(exp({})/sum(i2, exp({})))", a(i), a("i2"))
    }
    fn loss(y: &str) -> String {
        format!("-sum(i, {y}[i]*log({}))", yhat("i"))
    }
    /// Σ_i (ŷ_i − y_i) W2[i, j]
    fn back(j: &str, y: &str) -> String {
        format!("sum(i3, ({} - {y}[i3])*W2[i3, {j}])", yhat("i3"))
    }

    fn check(lhs: String, rhs: String) {
        let mut t = T::new(DECLS);
        let start = std::time::Instant::now();
        let o = t.prove(&lhs, &rhs);
        assert!(
            matches!(o, super::super::Outcome::Proved { .. }),
            "{lhs} = {rhs}: {o:?}"
        );
        eprintln!("proved in {:?}", start.elapsed());
    }

    #[test]
    fn d_b2() {
        check(format!("d({}, b2[p])", loss("y")), format!("{} - y[p]", yhat("p")));
    }

    #[test]
    fn d_b2_simplex() {
        check(format!("d({}, b2[p])", loss("q")), format!("{} - q[p]", yhat("p")));
    }

    #[test]
    fn d_w2() {
        check(
            format!("d({}, W2[p, o])", loss("y")),
            format!("({} - y[p])*{}", yhat("p"), h("o")),
        );
    }

    #[test]
    fn d_b1() {
        check(
            format!("d({}, b1[o])", loss("y")),
            format!("{}*{}*(1 - {})", back("o", "y"), h("o"), h("o")),
        );
    }

    #[test]
    fn d_w1() {
        check(
            format!("d({}, W1[o, r])", loss("y")),
            format!("{}*{}*(1 - {})*x[r]", back("o", "y"), h("o"), h("o")),
        );
    }

    #[test]
    fn d_x() {
        check(
            format!("d({}, x[r])", loss("y")),
            format!("sum(j, {}*{}*(1 - {})*W1[j, r])", back("j", "y"), h("j"), h("j")),
        );
    }
}

#[test]
fn show_some_forms() {
    let mut t = t();
    for s in [
        "d(-sum(i, y1[i]*log(exp(v[i])/sum(l, exp(v[l])))), v[j])",
        "exp(-x)/(1 + exp(-x))^2",
        "sum(i, w[i]*sum(j, W[i, j]*v[j]))",
        "d(sigmoid(x), x)",
        "sqrt(x^2) + log(p*x) + sigmoid(-x)",
    ] {
        let c = t.canon(s);
        eprintln!("{s}\n   => {}", t.show(c));
    }
}
