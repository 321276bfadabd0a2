//! Symbolic differentiation (issue 3).
//!
//! [`derive()`] differentiates a lowered expression by one element of a
//! variable. The result is a plain store expression (not canonical; `canon`
//! simplifies it). `∂x[i]/∂x[k]` is `δ(i, k)`, so a derivative of a sum
//! becomes a sum of deltas that the canonicalizer contracts. Function
//! derivatives are written with the function itself where that keeps
//! expressions small: σ′ = σ(1 − σ), tanh′ = 1 − tanh², exp′ = exp,
//! tan′ = 1 + tan².

use crate::expr::subst::{substitute_binding_with, SubstMemo};
use crate::expr::{
    child_iter, with_children, Func, Id, IndexId, Node, Rational, Store, Symbols, VarId,
};
use num_traits::{One, Zero};
use rustc_hash::FxHashMap;

struct Diff<'a> {
    store: &'a mut Store,
    var: VarId,
    at: &'a [IndexId],
    memo: &'a mut FxHashMap<Id, Id>,
    mentions: &'a mut FxHashMap<Id, bool>,
}

/// What eliminations have learned about a store, kept for later
/// eliminations in the same store: the links of a file repeat their sides
/// (`a = b`, `b = c`) and differentiate the same subexpressions by the same
/// element. Every entry is a function of store nodes, which never change,
/// and of variable bindings, which are fixed at lowering; so an answer from
/// here is the answer a fresh elimination would give, and skipping the
/// recomputation adds no node (it would only have found existing ones).
#[derive(Default)]
pub(crate) struct ElimMemo {
    /// Expression → the expression with its Deriv nodes eliminated.
    done: FxHashMap<Id, Id>,
    /// Whether an expression has a Deriv node.
    has: FxHashMap<Id, bool>,
    /// Per element differentiated by: derivatives taken so far.
    derivs: FxHashMap<(VarId, Vec<IndexId>), FxHashMap<Id, Id>>,
    /// Per variable: whether an expression mentions it.
    mentions: FxHashMap<VarId, FxHashMap<Id, bool>>,
    /// Per let-name variable: its substitutions by its value.
    substs: FxHashMap<VarId, SubstMemo>,
}

/// `∂body/∂var[at]` (`at` empty for a scalar variable). Deriv nodes inside
/// `body` are eliminated first, innermost first.
pub fn derive(
    store: &mut Store,
    symbols: &mut Symbols,
    body: Id,
    var: VarId,
    at: &[IndexId],
) -> Id {
    crate::parallel::with_big_stack(|| derive_inner(store, symbols, body, var, at))
}

pub(crate) fn derive_inner(
    store: &mut Store,
    symbols: &mut Symbols,
    body: Id,
    var: VarId,
    at: &[IndexId],
) -> Id {
    let memo = &mut ElimMemo::default();
    let body = elim(store, symbols, body, memo);
    differentiate(store, symbols, body, var, at, memo)
}

/// `∂body/∂var[at]` for a Deriv-free body, with the variable's binding
/// substituted back.
fn differentiate(
    store: &mut Store,
    symbols: &mut Symbols,
    body: Id,
    var: VarId,
    at: &[IndexId],
    memo: &mut ElimMemo,
) -> Id {
    let mut d = Diff {
        store,
        var,
        at,
        memo: memo.derivs.entry((var, at.to_vec())).or_default(),
        mentions: memo.mentions.entry(var).or_default(),
    };
    let r = d.d(body);
    unbind(store, symbols, r, var, memo)
}

/// Once the derivative by a let-name's variable is taken, the variable
/// stands for the let's value again (see [`crate::expr::Binding`]). The value
/// may itself hold derivatives, which are eliminated in turn.
fn unbind(store: &mut Store, symbols: &mut Symbols, id: Id, var: VarId, memo: &mut ElimMemo) -> Id {
    if symbols.binding(var).is_none() {
        return id;
    }
    let subst = memo.substs.entry(var).or_default();
    let r = substitute_binding_with(store, symbols, id, var, subst);
    elim(store, symbols, r, memo)
}

#[cfg(test)]
/// Replaces every Deriv node by its derivative, innermost first.
pub fn eliminate_derivs(store: &mut Store, symbols: &mut Symbols, id: Id) -> Id {
    crate::parallel::with_big_stack(|| eliminate_inner(store, symbols, id))
}

pub(crate) fn eliminate_inner(store: &mut Store, symbols: &mut Symbols, id: Id) -> Id {
    elim(store, symbols, id, &mut ElimMemo::default())
}

/// Whether `id` still holds a derivative node (each shared node looked at
/// once).
pub fn has_derivative(store: &Store, id: Id) -> bool {
    has_deriv(store, id, &mut FxHashMap::default())
}

fn has_deriv(store: &Store, id: Id, memo: &mut FxHashMap<Id, bool>) -> bool {
    crate::expr::any_node(store, id, memo, &|_, node| {
        matches!(node, Node::Deriv { .. }).then_some(true)
    })
}

/// [`eliminate_inner`] with what earlier eliminations in the same store
/// learned (see [`ElimMemo`]).
pub(crate) fn elim(store: &mut Store, symbols: &mut Symbols, id: Id, memo: &mut ElimMemo) -> Id {
    if let Some(&r) = memo.done.get(&id) {
        return r;
    }
    // One has_deriv memo for the whole elimination: a fresh one per node
    // walked every Deriv-free subtree again at each ancestor.
    if !has_deriv(store, id, &mut memo.has) {
        memo.done.insert(id, id);
        return id;
    }
    let node = store.get(id).clone();
    let kids: Vec<Id> = child_iter(&node)
        .map(|c| elim(store, symbols, c, memo))
        .collect();
    let rebuilt = with_children(&node, &kids);
    let r = match rebuilt {
        Node::Deriv { body, var, at } => differentiate(store, symbols, body, var, &at, memo),
        other => store.add(other),
    };
    memo.done.insert(id, r);
    r
}

fn is_zero(store: &Store, id: Id) -> bool {
    matches!(store.get(id), Node::Num(r) if r.is_zero())
}

fn is_one(store: &Store, id: Id) -> bool {
    matches!(store.get(id), Node::Num(r) if r.is_one())
}

impl Diff<'_> {
    /// Whether `id` mentions the variable at all (any element).
    /// (The bodies differentiated hold no derivatives: `elim` takes the
    /// innermost first.)
    fn mentions(&mut self, id: Id) -> bool {
        crate::expr::subst::mentions_var(self.store, id, self.var, self.mentions)
    }

    fn zero(&mut self) -> Id {
        self.store.int(0)
    }

    /// A sum without zero terms (no other simplification).
    fn sum(&mut self, xs: Vec<Id>) -> Id {
        let xs: Vec<Id> = xs
            .into_iter()
            .filter(|&x| !is_zero(self.store, x))
            .collect();
        match xs.len() {
            0 => self.zero(),
            1 => xs[0],
            _ => self.store.add(Node::Add(xs)),
        }
    }

    /// A product without unit factors; zero if a factor is zero.
    fn prod(&mut self, xs: Vec<Id>) -> Id {
        if xs.iter().any(|&x| is_zero(self.store, x)) {
            return self.zero();
        }
        let xs: Vec<Id> = xs.into_iter().filter(|&x| !is_one(self.store, x)).collect();
        match xs.len() {
            0 => self.store.int(1),
            1 => xs[0],
            _ => self.store.add(Node::Mul(xs)),
        }
    }

    fn d(&mut self, id: Id) -> Id {
        if !self.mentions(id) {
            return self.zero();
        }
        if let Some(&r) = self.memo.get(&id) {
            return r;
        }
        let node = self.store.get(id).clone();
        let r = match node {
            Node::Num(_) | Node::Const(_) | Node::Delta(..) => self.zero(),
            Node::Var(v, ix) => {
                if v != self.var || ix.len() != self.at.len() {
                    self.zero()
                } else {
                    let at = self.at.to_vec();
                    let ds: Vec<Id> = ix
                        .iter()
                        .zip(&at)
                        .filter(|(i, k)| i != k)
                        .map(|(&i, &k)| self.store.add(Node::Delta(i, k)))
                        .collect();
                    self.prod(ds)
                }
            }
            Node::Add(xs) => {
                let ds = xs.iter().map(|&x| self.d(x)).collect();
                self.sum(ds)
            }
            Node::Mul(xs) => {
                let mut terms = Vec::new();
                for k in 0..xs.len() {
                    let dk = self.d(xs[k]);
                    if is_zero(self.store, dk) {
                        continue;
                    }
                    let mut fs: Vec<Id> = xs.clone();
                    fs[k] = dk;
                    terms.push(self.prod(fs));
                }
                self.sum(terms)
            }
            Node::Pow(b, e) => {
                let db = self.d(b);
                if !self.mentions(e) {
                    // e·b^(e−1)·b′
                    let em1 = match self.store.get(e).clone() {
                        Node::Num(r) => self.store.num(r - Rational::one()),
                        _ => {
                            let m1 = self.store.int(-1);
                            self.store.add(Node::Add(vec![e, m1]))
                        }
                    };
                    let p = self.store.pow(b, em1);
                    self.prod(vec![e, p, db])
                } else {
                    // b^e·(e′·log b + e·b′/b)
                    let de = self.d(e);
                    let lb = self.store.apply(Func::Log, b);
                    let t1 = self.prod(vec![de, lb]);
                    let m1 = self.store.int(-1);
                    let inv = self.store.pow(b, m1);
                    let t2 = self.prod(vec![e, db, inv]);
                    let s = self.sum(vec![t1, t2]);
                    self.prod(vec![id, s])
                }
            }
            Node::Apply(f, a) => {
                let da = self.d(a);
                if is_zero(self.store, da) {
                    self.zero()
                } else {
                    let fp = fprime(self.store, f, a, id);
                    self.prod(vec![fp, da])
                }
            }
            Node::Sum {
                index,
                except,
                body,
            } => {
                let db = self.d(body);
                if is_zero(self.store, db) {
                    self.zero()
                } else {
                    self.store.add(Node::Sum {
                        index,
                        except,
                        body: db,
                    })
                }
            }
            // Unreachable after elimination; kept total.
            Node::Deriv { .. } => self.zero(),
        };
        self.memo.insert(id, r);
        r
    }
}

/// `f′(a)`, given `fa` = `f(a)`: the derivative table of the elementary
/// functions, written out without simplification. Differentiation applies
/// it at every function node; the diagnosis builds a missing chain-rule
/// factor with it, since there `a` is an expression, not a variable.
pub(crate) fn fprime(store: &mut Store, f: Func, a: Id, fa: Id) -> Id {
    let one = store.int(1);
    match f {
        Func::Exp => fa,
        Func::Log => {
            let m1 = store.int(-1);
            store.pow(a, m1)
        }
        Func::Sin => store.apply(Func::Cos, a),
        Func::Cos => {
            let s = store.apply(Func::Sin, a);
            store.neg(s)
        }
        Func::Tan => {
            let two = store.int(2);
            let sq = store.pow(fa, two);
            store.add2(one, sq)
        }
        Func::Tanh => {
            let two = store.int(2);
            let sq = store.pow(fa, two);
            store.sub(one, sq)
        }
        Func::Sigmoid => {
            let rest = store.sub(one, fa);
            store.mul2(fa, rest)
        }
        // The non-smooth functions: their derivative away from the kink
        // a = 0, where none exists (the numeric witness skips such points,
        // and the report names the kink).
        Func::Abs => store.apply(Func::Sign, a),
        Func::Relu => store.apply(Func::Step, a),
        Func::Sign | Func::Step => store.int(0),
        Func::Softplus => store.apply(Func::Sigmoid, a),
    }
}

/// The arguments of the functions with a kink (|a|, sign, relu, step) that
/// a derivative in `id` differentiates through: where one of them is 0 the
/// derivative does not exist, so a proof of it holds except there. In the
/// order met, each once.
pub(crate) fn kinks(store: &Store, id: Id) -> Vec<Id> {
    let mut out = Vec::new();
    crate::expr::each_node(store, id, |_, node| {
        if let Node::Deriv { body, var, .. } = node {
            kinks_by(store, *body, *var, &mut out);
        }
        true
    });
    out
}

/// The kinked functions' arguments in `id` that depend on `var`.
fn kinks_by(store: &Store, id: Id, var: VarId, out: &mut Vec<Id>) {
    crate::expr::each_node(store, id, |_, node| {
        if let Node::Apply(f, a) = node {
            if f.has_kink() && mentions(store, *a, var) && !out.contains(a) {
                out.push(*a);
            }
        }
        true
    });
}

/// The free indices of `id`: those its variables and deltas are taken at
/// that no sum inside binds, each once, in the order met.
pub(crate) fn indices_in(store: &Store, id: Id) -> Vec<IndexId> {
    let mut out = Vec::new();
    let mut bound = Vec::new();
    crate::expr::each_node(store, id, |_, node| {
        if let Node::Sum { index, .. } = node {
            bound.push(*index);
        }
        let at: &[IndexId] = match node {
            Node::Var(_, ix) => ix,
            Node::Delta(a, b) => &[*a, *b][..],
            _ => &[],
        };
        for i in at {
            if !out.contains(i) {
                out.push(*i);
            }
        }
        true
    });
    out.retain(|i| !bound.contains(i));
    out
}

fn mentions(store: &Store, id: Id, var: VarId) -> bool {
    let mut found = false;
    crate::expr::each_node(store, id, |_, node| {
        found = matches!(node, Node::Var(v, _) if *v == var);
        !found
    });
    found
}

#[cfg(test)]
mod tests {
    use crate::canon::testkit::T;

    const DECLS: &str = "x y c: real; p: positive; v w: vector n; W: matrix n n; idx i j k: n";

    /// `d(body, var)` has the canonical form of `expected`.
    macro_rules! diff_case {
        ($($name:ident: $body:expr, $var:expr => $expected:expr;)*) => {$(
            #[test]
            fn $name() {
                let mut t = T::new(DECLS);
                let lhs = format!("d({}, {})", $body, $var);
                let a = t.canon(&lhs);
                let b = t.canon($expected);
                assert_eq!(a, b, "{} = {} but expected {}", lhs, t.show(a), t.show(b));
            }
        )*};
    }

    diff_case! {
        d_const: "c", "x" => "0";
        d_var: "x", "x" => "1";
        d_other_var: "y", "x" => "0";
        d_sum: "x + y", "x" => "1";
        d_product: "x * y", "x" => "y";
        d_power: "x^3", "x" => "3 * x^2";
        d_inverse: "1 / x", "x" => "-1 / x^2";
        d_sqrt: "sqrt(p)", "p" => "1 / (2 * sqrt(p))";
        d_symbolic_exponent: "p^x", "x" => "p^x * log(p)";
        d_exp: "exp(2 * x)", "x" => "2 * exp(2 * x)";
        d_log: "log(p)", "p" => "1 / p";
        d_sin: "sin(x)", "x" => "cos(x)";
        d_cos: "cos(x)", "x" => "-sin(x)";
        d_tan: "tan(x)", "x" => "1 + tan(x)^2";
        d_abs: "abs(2 * x)", "x" => "2 * sign(x)";
        d_relu: "relu(x - y)", "x" => "step(x - y)";
        d_relu_other: "relu(x - y)", "y" => "-step(x - y)";
        d_sign: "sign(x)", "x" => "0";
        d_step: "x * step(x)", "x" => "step(x)";
        d_softplus: "softplus(3 * x)", "x" => "3 * sigmoid(3 * x)";
        d_tanh: "tanh(x)", "x" => "1 - tanh(x)^2";
        d_sigmoid: "sigmoid(x)", "x" => "sigmoid(x) * (1 - sigmoid(x))";
        d_element: "v[i]", "v[k]" => "delta(i, k)";
        d_matrix_element: "W[i, j]", "W[j, k]" => "delta(i, j) * delta(j, k)";
        d_sum_contracts: "sum(i, v[i] * w[i])", "v[k]" => "w[k]";
        d_nested: "d(x^2 * y, x)", "x" => "2 * y";
        d_by_other_element: "sum(i, W[i, j] * v[i])", "W[k, j]" => "v[k]";
    }

    #[test]
    fn eliminate_leaves_no_deriv() {
        let mut t = T::new(DECLS);
        let id = t.parse("d(d(x^2 * y, x), y) + d(sum(i, v[i]^2), v[j])");
        let e = super::eliminate_derivs(&mut t.store, &mut t.sym, id);
        assert!(!super::has_derivative(&t.store, e));
    }

    #[test]
    fn kinks_are_the_arguments_a_derivative_goes_through() {
        let mut t = T::new(DECLS);
        let f = t.parse("d(relu(x - y) + abs(c) + sign(x)^2, x)");
        let names: Vec<String> = super::kinks(&t.store, f)
            .iter()
            .map(|&a| t.show(a))
            .collect();
        // abs(c) does not depend on x: no kink of the derivative by x.
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"x - y".to_string()), "{names:?}");
        assert!(names.contains(&"x".to_string()), "{names:?}");
        let g = t.parse("relu(x)");
        assert!(super::kinks(&t.store, g).is_empty());
    }
}
