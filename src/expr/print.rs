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
use std::collections::{HashMap, HashSet};

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
    reserved: HashSet<String>,
}

/// `id` in the derivation language.
pub fn print(store: &Store, symbols: &Symbols, id: Id) -> String {
    let mut p = Printer {
        store,
        symbols,
        names: HashMap::new(),
        in_scope: Vec::new(),
        reserved: symbols.vars.iter().map(|v| v.name.clone()).collect(),
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

    fn base_name(&self, i: IndexId) -> String {
        let n = &self.symbols.index(i).name;
        if n.is_empty() || n.starts_with('#') {
            "i".to_string()
        } else {
            n.clone()
        }
    }

    fn taken(&self, n: &str) -> bool {
        self.in_scope.iter().any(|s| s == n) || self.reserved.contains(n)
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
        for &x in xs {
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
                let name = self.symbols.var(v).name.clone();
                if ix.is_empty() {
                    (name, Level::Atom)
                } else {
                    let ix: Vec<String> = ix.iter().map(|&i| self.index(i)).collect();
                    (format!("{name}[{}]", ix.join(", ")), Level::Atom)
                }
            }
            Node::Add(xs) => {
                let mut s = String::new();
                for (k, &x) in xs.iter().enumerate() {
                    let (neg, t) = self.signed(x);
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
                let name = self.symbols.var(var).name.clone();
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
