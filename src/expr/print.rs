//! Printing store expressions in the derivation language's own syntax.
//!
//! Contract: the output parses back (with the same declarations) to an
//! expression with the same value, using as few parentheses as the
//! language's precedence allows: `exp(x[i]) / sum(j, exp(x[j]))`,
//! `delta(i, j)`, `x^(-1)`. Bound indices whose names clash with another
//! index in scope (or that have internal canonical names) get distinct
//! printed names.

use super::{Constant, Id, IndexId, Node, Rational, Store, Symbols};
use num_traits::{One, Signed};
use std::collections::HashMap;

/// Binding strength of a printed form, loosest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Sum,
    Product,
    Prefix,
    Power,
    Atom,
}

struct Printer<'a> {
    store: &'a Store,
    symbols: &'a Symbols,
    names: HashMap<IndexId, String>,
    in_scope: Vec<String>,
}

/// `id` in the derivation language.
pub fn print(store: &Store, symbols: &Symbols, id: Id) -> String {
    crate::parallel::with_big_stack(|| print_inner(store, symbols, id))
}

fn print_inner(store: &Store, symbols: &Symbols, id: Id) -> String {
    let mut p = Printer {
        store,
        symbols,
        names: HashMap::new(),
        in_scope: Vec::new(),
    };
    let mut free = Vec::new();
    p.free(id, &mut Vec::new(), &mut free);
    for i in free {
        let base = p.base_name(i);
        let name = p.pick(&base);
        p.names.insert(i, name.clone());
        p.in_scope.push(name);
    }
    p.expr(id).0
}

const CANDIDATES: [&str; 10] = ["i", "j", "k", "l", "p", "q", "r", "s", "t", "u"];

impl Printer<'_> {
    fn free(&self, id: Id, bound: &mut Vec<IndexId>, out: &mut Vec<IndexId>) {
        let mut add = |i: IndexId, bound: &Vec<IndexId>| {
            if !bound.contains(&i) && !out.contains(&i) {
                out.push(i);
            }
        };
        match self.store.get(id) {
            Node::Var(_, ix) => ix.iter().for_each(|&i| add(i, bound)),
            Node::Delta(a, b) => {
                add(*a, bound);
                add(*b, bound);
            }
            Node::Sum {
                index,
                except,
                body,
            } => {
                if let Some(j) = except {
                    add(*j, bound);
                }
                bound.push(*index);
                self.free(*body, bound, out);
                bound.pop();
            }
            Node::Deriv { body, at, .. } => {
                at.iter().for_each(|&i| add(i, bound));
                self.free(*body, bound, out);
            }
            n => {
                for c in super::children(n) {
                    self.free(c, bound, out);
                }
            }
        }
    }

    /// The name an index would like: its own, or for an internal
    /// (canonical) index the first name the user gave an index over the
    /// same dimension, so `sum(k, x[k])` stays `k` after canonicalizing.
    fn base_name(&self, i: IndexId) -> String {
        let info = self.symbols.index(i);
        if !info.name.is_empty() && !info.name.starts_with('#') {
            return info.name.clone();
        }
        self.symbols
            .indices
            .iter()
            // Lowering's own indices (`_1`) are no better than `#0`.
            .find(|j| j.dim == info.dim && !j.name.is_empty() && !j.name.starts_with(['#', '_']))
            .map_or_else(|| "i".to_string(), |j| j.name.clone())
    }

    fn taken(&self, n: &str) -> bool {
        self.in_scope.iter().any(|s| s == n) || self.symbols.may_have_var_named(n)
    }

    fn pick(&self, base: &str) -> String {
        if !self.taken(base) {
            return base.to_string();
        }
        if let Some(c) = CANDIDATES.iter().find(|c| !self.taken(c)) {
            return c.to_string();
        }
        (2..)
            .map(|k| format!("{base}{k}"))
            .find(|n| !self.taken(n))
            .unwrap_or_else(|| base.to_string())
    }

    fn index(&self, i: IndexId) -> String {
        self.names
            .get(&i)
            .cloned()
            .unwrap_or_else(|| self.base_name(i))
    }

    fn wrap(&mut self, id: Id, min: Level) -> String {
        let (s, l) = self.expr(id);
        if l < min {
            format!("({s})")
        } else {
            s
        }
    }

    fn num(r: &Rational) -> (String, Level) {
        if r.is_integer() {
            let l = if r.is_negative() {
                Level::Prefix
            } else {
                Level::Atom
            };
            (r.to_string(), l)
        } else {
            let l = if r.is_negative() {
                Level::Prefix
            } else {
                Level::Product
            };
            (format!("{}/{}", r.numer(), r.denom()), l)
        }
    }

    /// A product as `[-] num / den`, the sign pulled out.
    fn product(&mut self, xs: &[Id]) -> (bool, String) {
        let mut negative = false;
        let mut num = Vec::new();
        let mut den = Vec::new();
        // Nested products print flat: `-1 * (2 * y)` is `-2 * y`.
        let mut flat = Vec::new();
        let mut stack: Vec<Id> = xs.iter().rev().copied().collect();
        while let Some(x) = stack.pop() {
            match self.store.get(x) {
                Node::Mul(ys) => stack.extend(ys.iter().rev()),
                _ => flat.push(x),
            }
        }
        for &x in &flat {
            match self.store.get(x) {
                Node::Num(r) => {
                    negative ^= r.is_negative();
                    let r = r.abs();
                    if !r.numer().is_one() {
                        num.push(r.numer().to_string());
                    }
                    if !r.denom().is_one() {
                        den.push(r.denom().to_string());
                    }
                }
                Node::Pow(b, e) => match self.store.get(*e) {
                    Node::Num(r) if r.is_negative() => {
                        let r = -r;
                        if r.is_one() {
                            den.push(self.wrap(*b, Level::Power));
                        } else {
                            let (s, _) = self.power(*b, &Node::Num(r.clone()), *e);
                            den.push(s);
                        }
                    }
                    _ => num.push(self.wrap(x, Level::Power)),
                },
                _ => num.push(self.wrap(x, Level::Power)),
            }
        }
        let mut s = if num.is_empty() {
            "1".to_string()
        } else {
            num.join(" * ")
        };
        if !den.is_empty() {
            s.push_str(" / ");
            if den.len() == 1 {
                s.push_str(&den[0]);
            } else {
                s.push('(');
                s.push_str(&den.join(" * "));
                s.push(')');
            }
        }
        (negative, s)
    }

    fn power(&mut self, b: Id, e: &Node, eid: Id) -> (String, Level) {
        if let Node::Num(r) = e {
            if *r == Rational::new(1.into(), 2.into()) {
                let (s, _) = self.expr(b);
                return (format!("sqrt({s})"), Level::Atom);
            }
        }
        let base = self.wrap(b, Level::Atom);
        let exp = match e {
            Node::Num(r) if r.is_integer() && !r.is_negative() => r.to_string(),
            Node::Num(r) => format!("({})", Self::num(r).0),
            _ => {
                let (s, l) = self.expr(eid);
                if l == Level::Atom {
                    s
                } else {
                    format!("({s})")
                }
            }
        };
        (format!("{base}^{exp}"), Level::Power)
    }

    /// The term with its sign pulled out, for sums.
    fn signed(&mut self, id: Id) -> (bool, String) {
        match self.store.get(id) {
            Node::Num(r) if r.is_negative() => (true, Self::num(&-r).0),
            Node::Mul(xs) => {
                let xs = xs.clone();
                self.product(&xs)
            }
            _ => (false, self.wrap(id, Level::Product)),
        }
    }

    fn expr(&mut self, id: Id) -> (String, Level) {
        match self.store.get(id).clone() {
            Node::Num(r) => Self::num(&r),
            Node::Const(Constant::E) => ("e".into(), Level::Atom),
            Node::Const(Constant::Pi) => ("pi".into(), Level::Atom),
            Node::Var(v, ix) => {
                let name = self.symbols.var(v).name.to_string();
                if ix.is_empty() {
                    (name, Level::Atom)
                } else {
                    let ix: Vec<String> = ix.iter().map(|&i| self.index(i)).collect();
                    (format!("{name}[{}]", ix.join(", ")), Level::Atom)
                }
            }
            Node::Add(xs) => {
                // Lead with a positive term where there is one: `b - a`
                // reads better than `-a + b`.
                let terms: Vec<(bool, String)> = xs.iter().map(|&x| self.signed(x)).collect();
                let first = terms.iter().position(|(neg, _)| !neg).unwrap_or(0);
                let order = (first..terms.len()).chain(0..first);
                let mut s = String::new();
                for (k, i) in order.enumerate() {
                    let (neg, t) = terms[i].clone();
                    match (k, neg) {
                        (0, false) => s.push_str(&t),
                        (0, true) => {
                            s.push('-');
                            s.push_str(&t);
                        }
                        (_, false) => {
                            s.push_str(" + ");
                            s.push_str(&t);
                        }
                        (_, true) => {
                            s.push_str(" - ");
                            s.push_str(&t);
                        }
                    }
                }
                (s, Level::Sum)
            }
            Node::Mul(xs) => {
                let (neg, s) = self.product(&xs);
                if neg {
                    (format!("-{s}"), Level::Prefix)
                } else {
                    (s, Level::Product)
                }
            }
            Node::Pow(b, e) => {
                let en = self.store.get(e).clone();
                if let Node::Num(r) = &en {
                    if r.is_negative() {
                        let (neg, s) = self.product(&[id]);
                        debug_assert!(!neg);
                        return (s, Level::Product);
                    }
                }
                self.power(b, &en, e)
            }
            Node::Apply(f, a) => {
                let (s, _) = self.expr(a);
                (format!("{}({s})", f.name()), Level::Atom)
            }
            // A dimension used as a number is lowered to `Σ_k 1`.
            Node::Sum {
                index,
                except: None,
                body,
            } if matches!(self.store.get(body), Node::Num(r) if r.is_one()) => (
                self.symbols
                    .dim_name(self.symbols.index_dim(index))
                    .to_string(),
                Level::Atom,
            ),
            Node::Sum {
                index,
                except,
                body,
            } => {
                let base = self.base_name(index);
                let name = self.pick(&base);
                let saved = self.names.insert(index, name.clone());
                self.in_scope.push(name.clone());
                let (b, _) = self.expr(body);
                self.in_scope.pop();
                match saved {
                    Some(old) => self.names.insert(index, old),
                    None => self.names.remove(&index),
                };
                let head = match except {
                    Some(j) => format!("{name} != {}", self.index(j)),
                    None => name,
                };
                (format!("sum({head}, {b})"), Level::Atom)
            }
            Node::Delta(a, b) => (
                format!("delta({}, {})", self.index(a), self.index(b)),
                Level::Atom,
            ),
            Node::Deriv { body, var, at } => {
                let (b, _) = self.expr(body);
                let name = self.symbols.var(var).name.to_string();
                let v = if at.is_empty() {
                    name
                } else {
                    let ix: Vec<String> = at.iter().map(|&i| self.index(i)).collect();
                    format!("{name}[{}]", ix.join(", "))
                };
                (format!("diff({b}, {v})"), Level::Atom)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::canon::testkit::T;

    const DECLS: &str = "x y: real; p: positive; v w: vector n; W: matrix n n; idx i j k: n";

    /// `input` (test syntax) prints as `expected`.
    macro_rules! print_case {
        ($($name:ident: $input:expr => $expected:expr;)*) => {$(
            #[test]
            fn $name() {
                let mut t = T::new(DECLS);
                let id = t.parse($input);
                assert_eq!(t.show(id), $expected);
            }
        )*};
    }

    print_case! {
        softmax: "exp(v[i]) / sum(j, exp(v[j]))" => "exp(v[i]) / sum(j, exp(v[j]))";
        delta: "delta(i, j) - v[j]" => "delta(i, j) - v[j]";
        minus_product: "x - 2*y" => "x - 2 * y";
        negative_first: "-x + y" => "y - x";
        power_of_sum: "(x + 1)^2" => "(x + 1)^2";
        division_of_product: "x / (y * p)" => "x / (y * p)";
        sqrt: "sqrt(1 + x^2)" => "sqrt(1 + x^2)";
        symbolic_power: "x^(y + 1)" => "x^(y + 1)";
        base_parenthesized: "(x * y)^3" => "(x * y)^3";
        nested_minus: "x - (y - p)" => "x - (y - p)";
        except: "sum(j != i, v[j])" => "sum(j != i, v[j])";
        constant: "e^x * pi" => "e^x * pi";
        derivative: "d(x^2, x)" => "diff(x^2, x)";
    }

    #[test]
    fn canonical_forms() {
        let mut t = T::new(DECLS);
        for (input, expected) in [
            ("(1/2) * x", "x / 2"),
            ("x^(-2)", "1 / x^2"),
            ("3 * x / (4 * y)", "3 * x / (4 * y)"),
            ("exp(-x)/(1 + exp(-x))^2", "exp(x) / (1 + exp(x))^2"),
        ] {
            let c = t.canon(input);
            assert_eq!(t.show(c), expected, "{input}");
        }
    }

    #[test]
    fn clashing_bound_index_is_renamed() {
        let mut t = T::new(DECLS);
        // Two different indices both called i: the bound one is renamed.
        let inner = t.parse("sum(i, W[i, j] * v[i])");
        let free_i = t.parse("v[i]");
        let crate::expr::Node::Sum { index, body, .. } = t.store.get(inner).clone() else {
            panic!("a sum");
        };
        // Rename j to the free i's id so the body mentions both i's.
        let crate::expr::Node::Var(_, ix) = t.store.get(free_i).clone() else {
            panic!("a var");
        };
        let j = t.parse("v[j]");
        let crate::expr::Node::Var(_, jx) = t.store.get(j).clone() else {
            panic!("a var");
        };
        let mut syms = t.sym.clone();
        let _ = &mut syms;
        let body = rename(&mut t.store, body, jx[0], ix[0]);
        let s = t.store.add(crate::expr::Node::Sum {
            index,
            except: None,
            body,
        });
        let both = t.store.mul2(free_i, s);
        assert_eq!(t.show(both), "v[i] * sum(j, W[j, i] * v[j])");
    }

    fn rename(
        store: &mut crate::expr::Store,
        id: crate::expr::Id,
        from: crate::expr::IndexId,
        to: crate::expr::IndexId,
    ) -> crate::expr::Id {
        use crate::expr::Node;
        let node = store.get(id).clone();
        let f = |i| if i == from { to } else { i };
        let new = match node {
            Node::Var(v, ix) => Node::Var(v, ix.into_iter().map(f).collect()),
            Node::Mul(xs) => {
                Node::Mul(xs.into_iter().map(|x| rename(store, x, from, to)).collect())
            }
            other => other,
        };
        store.add(new)
    }
}
