//! An independent high-precision oracle for the soundness fuzzer: its own
//! parser for the fuzzer's expression grammar and its own evaluator on
//! `dashu-float` (correctly rounded arbitrary-precision binary floats), so
//! that a verdict of derivcheck can be judged by something that shares none
//! of derivcheck's code (not its parser, canonical forms, `f64`,
//! double-double or interval arithmetic).
//!
//! The error estimate is empirical and conservative: each side is
//! evaluated at two precisions (p and 2p, p chosen from the size of the
//! exact constants), and a difference counts only when both agree on it to
//! 20 bits; a difference counts as zero only when it is tiny against the
//! largest value met during the evaluation at both precisions. Anything
//! else (a side undefined at the point, a power it does not take) decides
//! nothing.
//!
//! Also used, through `#[path]`, by the property test that checks
//! `src/numeric/interval.rs` against it.

#![allow(dead_code)]

use dashu_float::round::mode::HalfEven;
use dashu_float::FBig;
use dashu_int::IBig;

/// A binary float rounded to nearest.
pub type F = FBig<HalfEven, 2>;

/// An expression of the fuzzer's grammar.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Int(u64),
    Var(String),
    Pi,
    E,
    Neg(Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    /// A power; the oracle takes it only with an integer constant exponent.
    Pow(Box<Expr>, Box<Expr>),
    Call(Fun, Box<Expr>),
}

/// The functions of the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fun {
    Sin,
    Cos,
    Tan,
    Exp,
    Log,
    Sqrt,
    Tanh,
    Sigmoid,
    Softplus,
    Abs,
    Relu,
}

const FUNS: &[(&str, Fun)] = &[
    ("sin", Fun::Sin),
    ("cos", Fun::Cos),
    ("tan", Fun::Tan),
    ("exp", Fun::Exp),
    ("log", Fun::Log),
    ("sqrt", Fun::Sqrt),
    ("tanh", Fun::Tanh),
    ("sigmoid", Fun::Sigmoid),
    ("softplus", Fun::Softplus),
    ("abs", Fun::Abs),
    ("relu", Fun::Relu),
];

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(u64),
    Name(String),
    Op(char),
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let cs: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < cs.len() && cs[i].is_ascii_digit() {
                i += 1;
            }
            let s: String = cs[start..i].iter().collect();
            out.push(Tok::Num(s.parse().map_err(|_| format!("number {s}"))?));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            out.push(Tok::Name(cs[start..i].iter().collect()));
        } else if "+-*/^()·".contains(c) {
            out.push(Tok::Op(if c == '·' { '*' } else { c }));
            i += 1;
        } else {
            return Err(format!("unexpected {c:?}"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Op(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// sum = product {("+" | "-") product}
    fn sum(&mut self) -> Result<Expr, String> {
        let mut acc = self.product()?;
        loop {
            if self.eat('+') {
                acc = Expr::Add(Box::new(acc), Box::new(self.product()?));
            } else if self.eat('-') {
                acc = Expr::Sub(Box::new(acc), Box::new(self.product()?));
            } else {
                return Ok(acc);
            }
        }
    }

    /// product = unary {("*" | "/") unary | juxtaposed power}: juxtaposition
    /// is multiplication at the level of `*`, left to right, as in the
    /// language (`a / b c` is `(a / b) c`).
    fn product(&mut self) -> Result<Expr, String> {
        let mut acc = self.unary()?;
        loop {
            if self.eat('*') {
                acc = Expr::Mul(Box::new(acc), Box::new(self.unary()?));
            } else if self.eat('/') {
                acc = Expr::Div(Box::new(acc), Box::new(self.unary()?));
            } else if matches!(self.peek(), Some(Tok::Num(_) | Tok::Name(_) | Tok::Op('('))) {
                acc = Expr::Mul(Box::new(acc), Box::new(self.power()?));
            } else {
                return Ok(acc);
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat('-') {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.power()
    }

    /// power = atom ["^" unary], right to right: `-x^2` is `-(x^2)`.
    fn power(&mut self) -> Result<Expr, String> {
        let base = self.atom()?;
        if self.eat('^') {
            return Ok(Expr::Pow(Box::new(base), Box::new(self.unary()?)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let tok = self.peek().cloned().ok_or("unexpected end")?;
        self.at += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Int(n)),
            Tok::Op('(') => {
                let e = self.sum()?;
                if !self.eat(')') {
                    return Err("missing )".into());
                }
                Ok(e)
            }
            Tok::Name(name) => {
                if let Some(&(_, f)) = FUNS.iter().find(|(n, _)| *n == name) {
                    if !self.eat('(') {
                        return Err(format!("{name} without ("));
                    }
                    let arg = self.sum()?;
                    if !self.eat(')') {
                        return Err("missing )".into());
                    }
                    return Ok(Expr::Call(f, Box::new(arg)));
                }
                Ok(match name.as_str() {
                    "pi" => Expr::Pi,
                    "e" => Expr::E,
                    _ => Expr::Var(name),
                })
            }
            Tok::Op(c) => Err(format!("unexpected {c}")),
        }
    }
}

/// Parses one expression of the grammar.
pub fn parse(text: &str) -> Result<Expr, String> {
    let mut p = Parser {
        toks: lex(text)?,
        at: 0,
    };
    let e = p.sum()?;
    if p.at != p.toks.len() {
        return Err(format!("trailing input at token {}", p.at));
    }
    Ok(e)
}

/// The exact integer value of a constant integer expression, when small.
fn const_int(e: &Expr) -> Option<i64> {
    match e {
        Expr::Int(n) => i64::try_from(*n).ok(),
        Expr::Neg(a) => const_int(a)?.checked_neg(),
        Expr::Add(a, b) => const_int(a)?.checked_add(const_int(b)?),
        Expr::Sub(a, b) => const_int(a)?.checked_sub(const_int(b)?),
        Expr::Mul(a, b) => const_int(a)?.checked_mul(const_int(b)?),
        Expr::Pow(a, b) => {
            let (a, b) = (const_int(a)?, const_int(b)?);
            a.checked_pow(u32::try_from(b).ok()?)
        }
        _ => None,
    }
}

/// A generous count of the bits the exact constants of `e` take (an
/// integer power counts its exponent times its base's bits, `exp(m)` twice
/// |m|), from which the working precision is chosen.
pub fn constant_bits(e: &Expr) -> u64 {
    match e {
        Expr::Int(n) => 64 - n.leading_zeros() as u64,
        Expr::Var(_) | Expr::Pi | Expr::E => 0,
        // exp(-m) is 2^-(1.44 m): a term that small needs that many bits.
        Expr::Call(Fun::Exp, a) => {
            constant_bits(a) + const_int(a).map_or(0, |m| 2 * m.unsigned_abs())
        }
        Expr::Neg(a) | Expr::Call(_, a) => constant_bits(a),
        Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) => {
            constant_bits(a) + constant_bits(b)
        }
        Expr::Pow(a, b) => {
            let n = const_int(b).map_or(64, i64::unsigned_abs);
            n.saturating_mul(constant_bits(a).max(2)) + constant_bits(b)
        }
    }
}

/// Values of the variables at a point.
pub type Point = Vec<(String, f64)>;

/// One evaluation at one precision: the largest magnitude met, to judge
/// how much rounding a result may carry.
struct Eval<'a> {
    point: &'a Point,
    prec: usize,
    scale: F,
}

fn abs(x: &F) -> F {
    if *x < F::ZERO {
        -x.clone()
    } else {
        x.clone()
    }
}

fn at(x: F, prec: usize) -> F {
    x.with_precision(prec).value()
}

impl Eval<'_> {
    fn num(&self, n: u64) -> F {
        at(F::from(IBig::from(n)), self.prec)
    }

    fn eval(&mut self, e: &Expr) -> Option<F> {
        // Some exact results (a power 0, a sum of zeros) come back with
        // unlimited precision, which the transcendental functions refuse.
        let v = at(self.value(e)?, self.prec);
        let m = abs(&v);
        if m > self.scale {
            self.scale = m;
        }
        Some(v)
    }

    fn value(&mut self, e: &Expr) -> Option<F> {
        let p = self.prec;
        Some(match e {
            Expr::Int(n) => self.num(*n),
            Expr::Var(name) => {
                let x = self.point.iter().find(|(n, _)| n == name)?.1;
                at(F::try_from(x).ok()?, p)
            }
            Expr::Pi => F::pi(p),
            Expr::E => at(F::ONE, p).exp(),
            Expr::Neg(a) => -self.eval(a)?,
            Expr::Add(a, b) => self.eval(a)? + self.eval(b)?,
            Expr::Sub(a, b) => self.eval(a)? - self.eval(b)?,
            Expr::Mul(a, b) => self.eval(a)? * self.eval(b)?,
            Expr::Div(a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                if b == F::ZERO {
                    return None;
                }
                a / b
            }
            Expr::Pow(a, b) => {
                let n = const_int(b)?;
                let base = self.eval(a)?;
                if n < 0 && base == F::ZERO {
                    return None;
                }
                // A power too large for any precision decides nothing.
                if n.unsigned_abs() > 100_000 {
                    return None;
                }
                base.powi(IBig::from(n))
            }
            Expr::Call(f, a) => {
                let x = self.eval(a)?;
                // Beyond these the values have exponents of no use here.
                let big = abs(&x) > self.num(1 << 20);
                match f {
                    Fun::Sin => x.sin(),
                    Fun::Cos => x.cos(),
                    Fun::Tan => {
                        let c = x.cos();
                        if c == F::ZERO {
                            return None;
                        }
                        x.sin() / c
                    }
                    Fun::Exp if big => return None,
                    Fun::Exp => x.exp(),
                    Fun::Log if x <= F::ZERO => return None,
                    Fun::Log => x.ln(),
                    Fun::Sqrt if x < F::ZERO => return None,
                    Fun::Sqrt => x.sqrt(),
                    Fun::Tanh if big => return None,
                    Fun::Tanh => x.tanh(),
                    Fun::Sigmoid if big => return None,
                    Fun::Sigmoid => {
                        let one = self.num(1);
                        one.clone() / (one + (-x).exp())
                    }
                    Fun::Softplus if big => return None,
                    Fun::Softplus => (self.num(1) + x.exp()).ln(),
                    Fun::Abs => abs(&x),
                    Fun::Relu if x < F::ZERO => self.num(0),
                    Fun::Relu => x,
                }
            }
        })
    }
}

/// `e` at `point` with `prec` bits, and the largest magnitude met (at
/// least 1); `None` where it is undefined or beyond the oracle.
pub fn eval(e: &Expr, point: &Point, prec: usize) -> Option<(F, F)> {
    let mut ev = Eval {
        point,
        prec,
        scale: at(F::ONE, prec),
    };
    let v = ev.eval(e)?;
    Some((v, ev.scale))
}

/// `2^k` as a float.
pub fn pow2(k: isize) -> F {
    F::from_parts(IBig::ONE, k)
}

/// The two precisions for an expression with constants of `bits` bits.
pub fn precisions(bits: u64) -> (usize, usize) {
    let p1 = 256 + 2 * bits.min(20_000) as usize;
    (p1, 2 * p1)
}

/// `e` at `point` with an error bound: the value at the higher precision
/// and a bound on its distance from the true value (the two precisions'
/// disagreement, times 2^4, plus the scale at 2^-p1). `None` when
/// undefined, or when the two precisions disagree by more than 2^-20 of
/// the scale (the value is too ill-conditioned to vouch for).
pub fn value_with_error(e: &Expr, point: &Point) -> Option<(F, F)> {
    let (p1, p2) = precisions(constant_bits(e));
    let (v1, s1) = eval(e, point, p1)?;
    let (v2, s2) = eval(e, point, p2)?;
    let s = if s1 > s2 { s1 } else { s2 };
    let gap = abs(&(v1 - v2.clone()));
    if gap > s.clone() * pow2(-20) {
        return None;
    }
    let err = gap * pow2(4) + s * pow2(-(p1 as isize));
    Some((v2, err))
}

/// What the oracle finds at one point.
#[derive(Clone, Debug, PartialEq)]
pub enum AtPoint {
    /// `lhs − rhs` is nonzero, about this much: both precisions agree on
    /// it to 20 bits.
    Differs(f64),
    /// The difference is below rounding at both precisions.
    Equal,
    /// A side is undefined, or the precisions disagree.
    Unknown,
}

/// Compares `lhs` and `rhs` at `point`.
pub fn compare(lhs: &Expr, rhs: &Expr, point: &Point) -> AtPoint {
    let diff = Expr::Sub(Box::new(lhs.clone()), Box::new(rhs.clone()));
    let (p1, p2) = precisions(constant_bits(&diff));
    let (Some((d1, s1)), Some((d2, s2))) = (eval(&diff, point, p1), eval(&diff, point, p2)) else {
        return AtPoint::Unknown;
    };
    let s = if s1 > s2 { s1 } else { s2 };
    let (a1, a2) = (abs(&d1), abs(&d2));
    // Rounding noise at p bits is some multiple of s 2^-p; a true
    // difference is the same at both precisions.
    if a1 <= s.clone() * pow2(-(p1 as isize / 2)) && a2 <= s.clone() * pow2(-(p1 as isize)) {
        return AtPoint::Equal;
    }
    let same_sign = (d1 > F::ZERO) == (d2 > F::ZERO) && d1 != F::ZERO && d2 != F::ZERO;
    let gap = abs(&(d1 - d2.clone()));
    if same_sign && gap <= a2.clone() * pow2(-20) && a2 > s * pow2(-(p1 as isize)) {
        return AtPoint::Differs(d2.to_f64().value());
    }
    AtPoint::Unknown
}

/// The oracle's judgement of a claim `lhs = rhs` over some points.
#[derive(Clone, Debug, PartialEq)]
pub enum Judgement {
    /// Certified different (both sides defined) at this point.
    False(Point, f64),
    /// Equal at every point where both sides are defined, and there were
    /// at least the asked-for number of them.
    True,
    Undecided,
}

/// Judges `lhs = rhs` at `points`: false at the first point where the
/// sides differ, true when they are equal at `min_equal` points or more
/// and differ at none.
pub fn judge(lhs: &str, rhs: &str, points: &[Point], min_equal: usize) -> Judgement {
    let (Ok(l), Ok(r)) = (parse(lhs), parse(rhs)) else {
        return Judgement::Undecided;
    };
    let mut equal = 0;
    for p in points {
        match compare(&l, &r, p) {
            AtPoint::Differs(d) => return Judgement::False(p.clone(), d),
            AtPoint::Equal => equal += 1,
            AtPoint::Unknown => {}
        }
    }
    if equal >= min_equal {
        Judgement::True
    } else {
        Judgement::Undecided
    }
}
