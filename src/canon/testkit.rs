//! Test-only helpers: a tiny expression reader for the derivation syntax
//! subset, declarations, and an f64 evaluator.

use crate::expr::{Constant, Domain, Func, Id, IndexId, Node, Rational, Store, Symbols, VarId};
use std::collections::HashMap;

pub(crate) struct T {
    pub store: Store,
    pub sym: Symbols,
    idx: HashMap<String, IndexId>,
}

impl T {
    /// `"x y: real; p: positive; v w: vector n; W: matrix m n; y: onehot n; idx i j k: n"`
    pub fn new(decls: &str) -> T {
        let mut t = T {
            store: Store::new(),
            sym: Symbols::default(),
            idx: HashMap::new(),
        };
        for d in decls.split(';').map(str::trim).filter(|d| !d.is_empty()) {
            let (names, ty) = d.split_once(':').expect("decl");
            let ty: Vec<&str> = ty.split_whitespace().collect();
            if let Some(names) = names.trim().strip_prefix("idx ") {
                let dim = t.sym.dim(ty[0]);
                for n in names.split_whitespace() {
                    let i = t.sym.fresh_index(n, dim);
                    t.idx.insert(n.to_string(), i);
                }
                continue;
            }
            let mut domain = Domain::Real;
            let mut rest = &ty[..];
            if let Some(first) = ty.first() {
                let dm = match *first {
                    "real" => Some(Domain::Real),
                    "positive" => Some(Domain::Positive),
                    "nonnegative" => Some(Domain::Nonnegative),
                    "simplex" => Some(Domain::Simplex),
                    "onehot" => Some(Domain::Onehot),
                    _ => None,
                };
                if let Some(dm) = dm {
                    domain = dm;
                    rest = &ty[1..];
                }
            }
            let dims: Vec<_> = match rest {
                ["vector", n] => vec![t.sym.dim(n)],
                ["matrix", m, n] => vec![t.sym.dim(m), t.sym.dim(n)],
                [n] if matches!(domain, Domain::Simplex | Domain::Onehot) => vec![t.sym.dim(n)],
                _ => vec![],
            };
            for n in names.split_whitespace() {
                t.sym.add_var(n, dims.clone(), domain);
            }
        }
        t
    }

    pub fn parse(&mut self, s: &str) -> Id {
        let toks = lex(s);
        let mut p = P {
            t: self,
            toks,
            pos: 0,
        };
        let e = p.expr();
        assert!(
            p.pos == p.toks.len(),
            "trailing input in {s:?}: {:?}",
            &p.toks[p.pos..]
        );
        e
    }

    pub fn prove(&mut self, l: &str, r: &str) -> super::Outcome {
        let l = self.parse(l);
        let r = self.parse(r);
        super::prove(
            &mut self.store,
            &mut self.sym,
            l,
            r,
            &super::Budget::default(),
        )
    }

    #[allow(dead_code)]
    /// Asserts `l = r` proved by the canonical form alone (not the
    /// exact-random witness).
    #[track_caller]
    pub fn assert_proved_canonically(&mut self, l: &str, r: &str) {
        let (li, ri) = (self.parse(l), self.parse(r));
        let budget = super::Budget::default();
        let o = super::prove_canonical_only(&mut self.store, &mut self.sym, li, ri, &budget);
        assert!(
            matches!(o, super::Outcome::Proved { .. }),
            "{l} = {r}: {o:?}"
        );
    }

    /// Asserts `l = r` not proved by any symbolic means.
    #[track_caller]
    pub fn assert_not_proved(&mut self, l: &str, r: &str) {
        let o = self.prove(l, r);
        assert!(
            !matches!(
                o,
                super::Outcome::Proved { .. } | super::Outcome::ProvedExact(_)
            ),
            "UNSOUND: {l} = {r}: {o:?}"
        );
    }

    pub fn proves(&mut self, l: &str, r: &str) -> bool {
        matches!(self.prove(l, r), super::Outcome::Proved { .. })
    }

    pub fn canon(&mut self, s: &str) -> Id {
        let id = self.parse(s);
        super::canonicalize(
            &mut self.store,
            &mut self.sym,
            id,
            &super::Budget::default(),
        )
        .expect("within budget")
        .0
    }

    pub fn show(&self, id: Id) -> String {
        crate::expr::print::print(&self.store, &self.sym, id)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(String),
    Name(String),
    Sym(char),
    Ne,
}

fn lex(s: &str) -> Vec<Tok> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let st = i;
            while i < cs.len() && (cs[i].is_ascii_digit() || cs[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num(cs[st..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let st = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            out.push(Tok::Name(cs[st..i].iter().collect()));
        } else if c == '!' && cs.get(i + 1) == Some(&'=') {
            out.push(Tok::Ne);
            i += 2;
        } else {
            out.push(Tok::Sym(c));
            i += 1;
        }
    }
    out
}

struct P<'a> {
    t: &'a mut T,
    toks: Vec<Tok>,
    pos: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Sym(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: char) {
        assert!(self.eat(c), "expected {c} at {:?}", self.toks.get(self.pos));
    }
    fn name(&mut self) -> String {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Name(n)) => {
                self.pos += 1;
                n
            }
            t => panic!("expected a name, found {t:?}"),
        }
    }
    fn index(&mut self) -> IndexId {
        let n = self.name();
        *self
            .t
            .idx
            .get(&n)
            .unwrap_or_else(|| panic!("undeclared index {n}"))
    }
    fn expr(&mut self) -> Id {
        let mut a = self.term();
        loop {
            if self.eat('+') {
                let b = self.term();
                a = self.t.store.add2(a, b);
            } else if self.eat('-') {
                let b = self.term();
                a = self.t.store.sub(a, b);
            } else {
                return a;
            }
        }
    }
    fn term(&mut self) -> Id {
        let mut a = self.unary();
        loop {
            if self.eat('*') {
                let b = self.unary();
                a = self.t.store.mul2(a, b);
            } else if self.eat('/') {
                let b = self.unary();
                a = self.t.store.div(a, b);
            } else {
                return a;
            }
        }
    }
    fn unary(&mut self) -> Id {
        if self.eat('-') {
            let a = self.unary();
            return self.t.store.neg(a);
        }
        let a = self.atom();
        if self.eat('^') {
            let b = self.unary();
            return self.t.store.pow(a, b);
        }
        a
    }
    fn atom(&mut self) -> Id {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                let r = parse_decimal(&n);
                self.t.store.num(r)
            }
            Some(Tok::Sym('(')) => {
                self.pos += 1;
                let e = self.expr();
                self.expect(')');
                e
            }
            Some(Tok::Name(n)) => {
                self.pos += 1;
                self.named(&n)
            }
            t => panic!("unexpected {t:?}"),
        }
    }
    fn named(&mut self, n: &str) -> Id {
        let func = match n {
            "exp" => Some(Func::Exp),
            "log" => Some(Func::Log),
            "sin" => Some(Func::Sin),
            "cos" => Some(Func::Cos),
            "tan" => Some(Func::Tan),
            "tanh" => Some(Func::Tanh),
            "sigmoid" => Some(Func::Sigmoid),
            "abs" => Some(Func::Abs),
            "sign" => Some(Func::Sign),
            "relu" => Some(Func::Relu),
            "step" => Some(Func::Step),
            "softplus" => Some(Func::Softplus),
            _ => None,
        };
        if let Some(f) = func {
            self.expect('(');
            let a = self.expr();
            self.expect(')');
            return self.t.store.apply(f, a);
        }
        match n {
            "e" => return self.t.store.add(Node::Const(Constant::E)),
            "pi" => return self.t.store.add(Node::Const(Constant::Pi)),
            "sqrt" => {
                self.expect('(');
                let a = self.expr();
                self.expect(')');
                let h = self.t.store.num(Rational::new(1.into(), 2.into()));
                return self.t.store.pow(a, h);
            }
            "delta" => {
                self.expect('(');
                let i = self.index();
                self.expect(',');
                let j = self.index();
                self.expect(')');
                return self.t.store.add(Node::Delta(i, j));
            }
            "sum" => {
                self.expect('(');
                let name = self.name();
                let outer = *self.t.idx.get(&name).expect("declared index");
                let dim = self.t.sym.index_dim(outer);
                let except = if self.peek() == Some(&Tok::Ne) {
                    self.pos += 1;
                    Some(self.index())
                } else {
                    None
                };
                self.expect(',');
                let bound = self.t.sym.fresh_index(&name, dim);
                self.t.idx.insert(name.clone(), bound);
                let body = self.expr();
                self.t.idx.insert(name, outer);
                self.expect(')');
                return self.t.store.add(Node::Sum {
                    index: bound,
                    except,
                    body,
                });
            }
            "d" => {
                self.expect('(');
                let body = self.expr();
                self.expect(',');
                let v = self.name();
                let var = self.t.sym.var_named(&v).expect("declared variable");
                let mut at = Vec::new();
                if self.eat('[') {
                    loop {
                        at.push(self.index());
                        if !self.eat(',') {
                            break;
                        }
                    }
                    self.expect(']');
                }
                self.expect(')');
                return self.t.store.add(Node::Deriv { body, var, at });
            }
            _ => {}
        }
        let var: VarId = self
            .t
            .sym
            .var_named(n)
            .unwrap_or_else(|| panic!("undeclared variable {n}"));
        let mut ix = Vec::new();
        if self.eat('[') {
            loop {
                ix.push(self.index());
                if !self.eat(',') {
                    break;
                }
            }
            self.expect(']');
        }
        self.t.store.add(Node::Var(var, ix))
    }
}

fn parse_decimal(s: &str) -> Rational {
    match s.split_once('.') {
        None => Rational::from_integer(s.parse::<num_bigint::BigInt>().expect("number")),
        Some((a, b)) => {
            let digits = format!("{a}{b}");
            let n: num_bigint::BigInt = digits.parse().expect("number");
            let d = num_traits::pow::Pow::pow(num_bigint::BigInt::from(10), b.len() as u32);
            Rational::new(n, d)
        }
    }
}

/// An f64 point: dimension sizes, free index values, variable values.
pub(crate) struct Point {
    pub dims: Vec<usize>,
    pub vals: Vec<Vec<f64>>,
    pub idx: HashMap<IndexId, usize>,
}

impl Point {
    /// A deterministic pseudo-random point in the declared domains.
    pub fn sample(sym: &Symbols, seed: u64) -> Point {
        let mut s = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let dims: Vec<usize> = sym
            .dims
            .iter()
            .map(|_| 1 + (next() * 3.0) as usize)
            .collect();
        let mut vals = Vec::new();
        for v in &sym.vars {
            let len: usize = v.dims.iter().map(|d| dims[d.0 as usize]).product();
            let mut xs: Vec<f64> = (0..len).map(|_| next() * 4.0 - 2.0).collect();
            match v.domain {
                Domain::Real => {}
                Domain::Positive => xs.iter_mut().for_each(|x| *x = x.abs() + 0.1),
                Domain::Nonnegative => xs.iter_mut().for_each(|x| *x = x.abs()),
                Domain::Simplex => {
                    xs.iter_mut().for_each(|x| *x = x.abs() + 0.05);
                    let t: f64 = xs.iter().sum();
                    xs.iter_mut().for_each(|x| *x /= t);
                }
                Domain::Symmetric => {
                    let n = v.dims.first().map_or(1, |d| dims[d.0 as usize]);
                    for i in 0..n {
                        for j in 0..i {
                            xs[i * n + j] = xs[j * n + i];
                        }
                    }
                }
                Domain::Onehot => {
                    let k = (next() * len as f64) as usize % len.max(1);
                    xs.iter_mut()
                        .enumerate()
                        .for_each(|(i, x)| *x = (i == k) as u8 as f64);
                }
            }
            vals.push(xs);
        }
        let mut idx = HashMap::new();
        for (k, info) in sym.indices.iter().enumerate() {
            let n = dims[info.dim.0 as usize];
            idx.insert(IndexId(k as u32), (next() * n as f64) as usize % n);
        }
        Point { dims, vals, idx }
    }
}

/// The value of a Deriv-free expression, `None` where undefined.
pub(crate) fn eval(store: &Store, sym: &Symbols, id: Id, pt: &mut Point) -> Option<f64> {
    let v = match store.get(id) {
        Node::Num(r) => num_traits::ToPrimitive::to_f64(r)?,
        Node::Const(Constant::E) => std::f64::consts::E,
        Node::Const(Constant::Pi) => std::f64::consts::PI,
        Node::Var(v, ix) => {
            let info = sym.var(*v);
            let mut flat = 0;
            for (d, i) in info.dims.iter().zip(ix) {
                flat = flat * pt.dims[d.0 as usize] + pt.idx[i];
            }
            pt.vals[v.0 as usize][flat]
        }
        Node::Add(xs) => {
            let mut s = 0.0;
            for x in xs {
                s += eval(store, sym, *x, pt)?;
            }
            s
        }
        Node::Mul(xs) => {
            let mut s = 1.0;
            let mut undefined = false;
            for x in xs {
                match eval(store, sym, *x, pt) {
                    Some(v) => s *= v,
                    None => undefined = true,
                }
            }
            if undefined {
                return None;
            }
            s
        }
        Node::Pow(b, e) => {
            let b = eval(store, sym, *b, pt)?;
            let e = eval(store, sym, *e, pt)?;
            if b == 0.0 && e < 0.0 {
                return None;
            }
            if b < 0.0 && e.fract() != 0.0 {
                return None;
            }
            b.powf(e)
        }
        Node::Apply(f, a) => {
            let a = eval(store, sym, *a, pt)?;
            match f {
                Func::Exp => a.exp(),
                Func::Log => {
                    if a <= 0.0 {
                        return None;
                    }
                    a.ln()
                }
                Func::Sin => a.sin(),
                Func::Cos => a.cos(),
                Func::Tan => a.tan(),
                Func::Tanh => a.tanh(),
                Func::Sigmoid => 1.0 / (1.0 + (-a).exp()),
                Func::Abs => a.abs(),
                // Within rounding of the jump, f64 cannot tell the side
                // (`3 v p − 3 p v` may come out 1e-16): no value, as the
                // numeric witness never judges such a point either.
                Func::Sign | Func::Step if a.abs() < 1e-9 => return None,
                Func::Sign => a.signum(),
                Func::Relu => a.max(0.0),
                Func::Step => f64::from(u8::from(a > 0.0)),
                Func::Softplus => a.max(0.0) + (-a.abs()).exp().ln_1p(),
            }
        }
        Node::Sum {
            index,
            except,
            body,
        } => {
            let n = pt.dims[sym.index_dim(*index).0 as usize];
            let skip = except.map(|j| pt.idx[&j]);
            let saved = pt.idx.get(index).copied();
            let mut s = 0.0;
            let mut ok = true;
            for k in 0..n {
                if Some(k) == skip {
                    continue;
                }
                pt.idx.insert(*index, k);
                match eval(store, sym, *body, pt) {
                    Some(v) => s += v,
                    None => ok = false,
                }
            }
            if let Some(v) = saved {
                pt.idx.insert(*index, v);
            }
            if !ok {
                return None;
            }
            s
        }
        Node::Delta(a, b) => (pt.idx[a] == pt.idx[b]) as u8 as f64,
        Node::Deriv { .. } => return None,
    };
    v.is_finite().then_some(v)
}
