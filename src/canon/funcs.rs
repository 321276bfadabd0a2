//! Rules for exp, log, powers and the other builtin functions.
//!
//! - exp of a sum is a product of exps; `exp(k·a) = exp(a)^k`; exp(c) for a
//!   constant c is `e^c`; `exp(k·log a) = a^k`.
//! - log of a product, quotient or power is split only when every factor is
//!   known positive; `log(exp(a)) = a` always.
//! - a non-integer power of a product is split only when the factors are
//!   known nonnegative; `(a^k)^r = a^(k·r)` only for odd k; otherwise the
//!   power stays an opaque atom (`sqrt(x^2)` is not x).
//! - σ, tanh, sin, tan are normalized by parity; in the fallback mode σ and
//!   tanh are written with exp and tan as sin/cos.
//! - Hooks into sibling files: non-integer powers of sums and constants
//!   (`powers.rs`), positive factors out of a radicand (`radicals.rs`), log
//!   of a sum's content and of power atoms (`logs.rs`), multiples of π in
//!   sin, cos and tan (`periods.rs`), angle addition in the fallback mode
//!   (`trig.rs`).

use super::poly::{Mono, Poly};
use super::ratfun::Rf;
use super::{Ctx, Mode, Rule, R};
use crate::expr::{Constant, Func, Id, Node, Rational};
use num_traits::{One, Signed, ToPrimitive, Zero};

fn int(n: i64) -> Rational {
    Rational::from_integer(n.into())
}

impl Ctx<'_> {
    fn opaque(&mut self, node: Node) -> Rf {
        Rf::atom(self.store.add(node))
    }

    pub(crate) fn apply_rf(&mut self, f: Func, ra: &Rf) -> R<Rf> {
        if let Some(c) = ra.as_constant() {
            if c.is_zero() {
                return Ok(match f {
                    Func::Exp | Func::Cos => Rf::one(),
                    Func::Sigmoid => Rf::constant(Rational::new(1.into(), 2.into())),
                    Func::Sin | Func::Tan | Func::Tanh => Rf::zero(),
                    Func::Abs | Func::Sign | Func::Relu | Func::Step => Rf::zero(),
                    Func::Log => self.undefined(),
                    Func::Softplus => self.log_const(&int(2))?,
                });
            }
            if f.has_kink() {
                return Ok(Rf::constant(kink_at_constant(f, &c)));
            }
        }
        if f.has_kink() || f == Func::Softplus {
            return self.piecewise(f, ra);
        }
        if let Some(r) = self.reduce_pi(f, ra)? {
            return Ok(r); // periods.rs
        }
        if let Some(r) = self.trig_expand(f, ra)? {
            return Ok(r); // trig.rs (fallback mode only)
        }
        match f {
            Func::Exp => self.exp_rf(ra),
            Func::Log => self.log_rf(ra),
            Func::Sigmoid => {
                if self.mode == Mode::ExpForm {
                    self.note(Rule::SigmoidToExp);
                    let e = self.exp_rf(ra)?;
                    let d = self.rf_add(&Rf::one(), &e)?;
                    let inv = match self.rf_inv(&d)? {
                        Some(i) => i,
                        None => return Ok(self.undefined()),
                    };
                    return self.rf_mul(&e, &inv);
                }
                if ra.num.leading_negative() {
                    self.note(Rule::SigmoidSymmetry);
                    let s = self.func_atom(Func::Sigmoid, &ra.neg());
                    return self.rf_add(&Rf::one(), &s.neg());
                }
                Ok(self.func_atom(Func::Sigmoid, ra))
            }
            Func::Tanh => {
                if self.mode == Mode::ExpForm {
                    self.note(Rule::TanhToExp);
                    let two = ra.scale(&int(2));
                    let e = self.exp_rf(&two)?;
                    let n = self.rf_add(&e, &Rf::constant(int(-1)))?;
                    let d = self.rf_add(&e, &Rf::one())?;
                    let inv = match self.rf_inv(&d)? {
                        Some(i) => i,
                        None => return Ok(self.undefined()),
                    };
                    return self.rf_mul(&n, &inv);
                }
                self.odd(Func::Tanh, ra)
            }
            Func::Sin => self.odd(Func::Sin, ra),
            Func::Tan => {
                if self.mode == Mode::ExpForm {
                    self.note(Rule::TanToSinCos);
                    let s = self.odd(Func::Sin, ra)?;
                    let c = self.apply_rf(Func::Cos, ra)?;
                    let inv = match self.rf_inv(&c)? {
                        Some(i) => i,
                        None => return Ok(self.undefined()),
                    };
                    return self.rf_mul(&s, &inv);
                }
                self.odd(Func::Tan, ra)
            }
            Func::Cos => {
                if ra.num.leading_negative() {
                    self.note(Rule::Parity);
                    let neg = ra.neg();
                    if self.pi_out_of_range(Func::Cos, &neg) {
                        return self.apply_rf(Func::Cos, &neg);
                    }
                    return Ok(self.func_atom(Func::Cos, &neg));
                }
                Ok(self.func_atom(Func::Cos, ra))
            }
            Func::Abs | Func::Sign | Func::Relu | Func::Step | Func::Softplus => {
                self.piecewise(f, ra)
            }
        }
    }

    /// The piecewise functions and softplus. Every rule holds at every
    /// point, the kink included, so none needs a domain: |a| = a and
    /// relu(a) = a where a is known nonnegative, sign(a) = step(a) = 1 where
    /// it is known positive; |−a| = |a|, sign(−a) = −sign(a),
    /// relu(−a) = relu(a) − a and softplus(−a) = softplus(a) − a; in the
    /// fallback form softplus(a) = log(1 + exp(a)).
    fn piecewise(&mut self, f: Func, ra: &Rf) -> R<Rf> {
        if f == Func::Softplus && self.mode == Mode::ExpForm {
            self.note(Rule::SoftplusToLog);
            let e = self.exp_rf(ra)?;
            let s = self.rf_add(&Rf::one(), &e)?;
            return self.log_rf(&s);
        }
        let known_pos = ra.den.is_empty() && self.poly_positive(&ra.num);
        let known_nonneg = known_pos || (ra.den.is_empty() && self.poly_nonneg(&ra.num));
        match f {
            Func::Abs | Func::Relu if known_nonneg => {
                self.note(Rule::Piecewise);
                return Ok(ra.clone());
            }
            Func::Sign | Func::Step if known_pos => {
                self.note(Rule::Piecewise);
                return Ok(Rf::one());
            }
            _ => {}
        }
        // A positive factor comes out: |c·a| = c·|a|, relu(c·a) = c·relu(a),
        // sign(c·a) = sign(a), step(c·a) = step(a) for c > 0.
        if let Some((m, c)) = ra.num.single() {
            if ra.den.is_empty() && c.is_positive() && !c.is_one() && f != Func::Softplus {
                self.note(Rule::Piecewise);
                let (m, c) = (m.clone(), c.clone());
                let inner = self.piecewise(f, &Rf::mono(m))?;
                return Ok(match f {
                    Func::Abs | Func::Relu => inner.scale(&c),
                    _ => inner,
                });
            }
        }
        if !ra.num.leading_negative() {
            return Ok(self.func_atom(f, ra));
        }
        // The function at −a, whose leading coefficient is positive (so
        // this recursion ends), with the facts about −a applied too.
        let neg = ra.neg();
        match f {
            Func::Abs => {
                self.note(Rule::Piecewise);
                self.piecewise(f, &neg)
            }
            Func::Sign => {
                self.note(Rule::Piecewise);
                Ok(self.piecewise(f, &neg)?.neg())
            }
            // relu(−a) = relu(a) − a, softplus(−a) = softplus(a) − a.
            Func::Relu | Func::Softplus => {
                self.note(Rule::Piecewise);
                let at = self.piecewise(f, &neg)?;
                self.rf_add(&at, ra)
            }
            // 1{−a > 0} is 1{a < 0}, not a function of 1{a > 0} alone.
            _ => Ok(self.func_atom(f, ra)),
        }
    }

    fn odd(&mut self, f: Func, ra: &Rf) -> R<Rf> {
        if ra.num.leading_negative() {
            self.note(Rule::Parity);
            let neg = ra.neg();
            // The negated multiple of π leaves its range: reduce it again
            // (its term is not the leading one, so this ends).
            if self.pi_out_of_range(f, &neg) {
                return Ok(self.apply_rf(f, &neg)?.neg());
            }
            return Ok(self.func_atom(f, &neg).neg());
        }
        Ok(self.func_atom(f, ra))
    }

    fn func_atom(&mut self, f: Func, ra: &Rf) -> Rf {
        let a = self.rf_expr(ra);
        self.opaque(Node::Apply(f, a))
    }

    pub(crate) fn exp_rf(&mut self, ra: &Rf) -> R<Rf> {
        if !ra.den.is_empty() {
            return Ok(self.func_atom(Func::Exp, ra));
        }
        if ra.num.len() > 1 {
            self.note(Rule::ExpOfSum);
        }
        let mut mono = Mono::one();
        let mut extra = Rf::one();
        for (m, c) in &ra.num.terms {
            if m.is_one() {
                let e = self.store.add(Node::Const(Constant::E));
                mono = mono.mul(&Mono::atom(e, c.clone()));
                continue;
            }
            if let [(l, e)] = m.0.as_slice() {
                if e.is_one() {
                    if let Node::Apply(Func::Log, u) = self.store.get(*l).clone() {
                        self.note(Rule::ExpOfLog);
                        let ru = self.rf_of(u)?;
                        let p = self.pow_rf(&ru, &Rf::constant(c.clone()))?;
                        extra = self.rf_mul(&extra, &p)?;
                        continue;
                    }
                }
            }
            if !c.is_one() {
                self.note(Rule::ExpOfMultiple);
            }
            let arg = self.term_expr(m, &Rational::one());
            let x = self.store.add(Node::Apply(Func::Exp, arg));
            mono = mono.mul(&Mono::atom(x, c.clone()));
        }
        let base = Rf::mono(mono);
        self.rf_mul(&base, &extra)
    }

    /// log of a canonical atom known positive.
    pub(crate) fn log_atom(&mut self, a: Id) -> R<Rf> {
        match self.store.get(a).clone() {
            Node::Apply(Func::Exp, u) => {
                self.note(Rule::LogOfExp);
                Ok((*self.rf_of(u)?).clone())
            }
            Node::Const(Constant::E) => Ok(Rf::one()),
            Node::Pow(b, e) => self.log_of_power_atom(a, b, e), // logs.rs
            _ => Ok(self.opaque(Node::Apply(Func::Log, a))),
        }
    }

    /// log of a positive rational, over its factors found by trial
    /// division: log(3/2) = log 3 − log 2 and log 4 = 2 log 2, so the log of
    /// a constant has one form however the constant is written.
    pub(crate) fn log_const(&mut self, c: &Rational) -> R<Rf> {
        let mut acc = Rf::zero();
        for (int, sign) in [(c.numer(), 1i64), (c.denom(), -1i64)] {
            for (p, k) in super::powers::split_integer(int) {
                let n = self.store.num(Rational::from_integer(p));
                let l = self.opaque(Node::Apply(Func::Log, n));
                acc = self.rf_add(&acc, &l.scale(&Rational::from_integer((sign * k).into())))?;
            }
        }
        Ok(acc)
    }

    pub(crate) fn log_rf(&mut self, ra: &Rf) -> R<Rf> {
        if let Some(c) = ra.as_constant() {
            if c.is_positive() {
                return self.log_const(&c);
            }
            return Ok(self.undefined());
        }
        let Some((m, c)) = ra.num.single().map(|(m, c)| (m.clone(), c.clone())) else {
            return self.log_of_sum(ra); // logs.rs
        };
        if !c.is_positive() {
            return Ok(self.func_atom(Func::Log, ra));
        }
        // Known-positive factors split off; what remains (the "rest") must
        // be positive wherever the log is defined, since the product is.
        let mut pos = Vec::new();
        let mut rest = Vec::new();
        for (a, e) in &m.0 {
            if self.positive(*a) {
                pos.push((*a, e.clone()));
            } else {
                rest.push((*a, e.clone()));
            }
        }
        let mut pos_den = Vec::new();
        let mut rest_den = Vec::new();
        for &(f, k) in &ra.den {
            let fp = self.factor_poly(f)?;
            if self.poly_positive(&fp) {
                pos_den.push((f, k));
            } else {
                rest_den.push((f, k));
            }
        }
        let nothing_positive = c.is_one() && pos.is_empty() && pos_den.is_empty();
        if nothing_positive {
            // log(x^e) = e·log(x) where x^e > 0 forces x > 0: e odd, or not
            // an integer (x^e then needs x ≥ 0). For even e, log(x^e) stays.
            return Ok(match (&rest[..], &rest_den[..]) {
                ([(a, e)], []) if e.is_odd() || !e.is_integer() => {
                    if !e.is_one() {
                        self.note(Rule::LogOfProduct);
                    }
                    self.log_atom(*a)?.scale(&e.to_rational())
                }
                ([], [(f, k)]) if k % 2 == 1 => {
                    self.note(Rule::LogOfProduct);
                    self.opaque(Node::Apply(Func::Log, *f))
                        .scale(&-int(i64::from(*k)))
                }
                _ => self.func_atom(Func::Log, ra),
            });
        }
        // A lone exp atom is not a product; only note the split for products.
        if m.0.len() + ra.den.len() > 1 || !c.is_one() || m.0.iter().any(|(_, e)| !e.is_one()) {
            self.note(Rule::LogOfProduct);
        }
        let mut acc = self.log_const(&c)?;
        for (a, e) in &pos {
            let l = self.log_atom(*a)?;
            acc = self.rf_add(&acc, &l.scale(&e.to_rational()))?;
        }
        for &(f, k) in &pos_den {
            let l = self.opaque(Node::Apply(Func::Log, f));
            acc = self.rf_add(&acc, &l.scale(&-int(k as i64)))?;
        }
        if !rest.is_empty() || !rest_den.is_empty() {
            let r = Rf {
                num: super::poly::Poly::term(super::poly::Mono(rest), Rational::one()),
                den: rest_den,
            };
            let l = self.log_rf(&r)?;
            acc = self.rf_add(&acc, &l)?;
        }
        Ok(acc)
    }

    pub(crate) fn pow_rf(&mut self, rb: &Rf, re: &Rf) -> R<Rf> {
        let Some(r) = re.as_constant() else {
            // Symbolic exponent.
            if let Some((m, c)) = rb.num.single() {
                if rb.den.is_empty() && c.is_one() && m.0.len() == 1 && m.0[0].1.is_one() {
                    if let Node::Const(Constant::E) = self.store.get(m.0[0].0) {
                        return self.exp_rf(re);
                    }
                }
            }
            if rb.as_constant().is_some_and(|c| c.is_one()) {
                return Ok(Rf::one());
            }
            let b = self.rf_expr(rb);
            let e = self.rf_expr(re);
            return Ok(self.opaque(Node::Pow(b, e)));
        };
        if r.is_zero() {
            return Ok(Rf::one());
        }
        if r.is_integer() {
            let n = r.to_integer().to_i64().ok_or_else(|| {
                super::Limit("the symbolic size limit was reached (a huge power)".into())
            })?;
            return self.rf_pow_int(rb, n);
        }
        self.pow_frac(rb, &r)
    }

    /// `rb^r` for a non-integer rational r.
    fn pow_frac(&mut self, rb: &Rf, r: &Rational) -> R<Rf> {
        let opaque = |ctx: &mut Self| {
            let b = ctx.rf_expr(rb);
            let e = ctx.store.num(r.clone());
            ctx.opaque(Node::Pow(b, e))
        };
        if let Some(c) = rb.as_constant() {
            if c.is_zero() {
                return Ok(if r.is_positive() {
                    Rf::zero()
                } else {
                    self.undefined()
                });
            }
            if c.is_positive() {
                if let Some(v) = exact_root(&c, r) {
                    return Ok(Rf::constant(v));
                }
                return self.const_power(&c, r); // powers.rs
            }
            // A non-integer power of a negative number is undefined.
            return Ok(self.undefined());
        }
        if !rb.den.is_empty() || rb.num.len() > 1 {
            if let Some(p) = self.radical_factors(rb, r)? {
                return Ok(p); // radicals.rs
            }
            if let Some(p) = self.square_radicand(rb, r)? {
                return Ok(p); // radicals.rs
            }
        }
        if !rb.den.is_empty() {
            return Ok(opaque(self));
        }
        let Some((m, c)) = rb.num.single().map(|(m, c)| (m.clone(), c.clone())) else {
            return self.compound_power(rb, r); // powers.rs
        };
        // A plain atom: x^r is the definition itself.
        if c.is_one() && m.0.len() == 1 && m.0[0].1.is_one() {
            return self.normalize(Rf::mono(m.pow(r)));
        }
        let coef = if c.is_one() {
            Some(Rational::one())
        } else if c.is_positive() {
            exact_root(&c, r)
        } else {
            None
        };
        let Some(coef) = coef else {
            return match self.radical_factors(rb, r)? {
                Some(p) => Ok(p), // radicals.rs
                None => Ok(opaque(self)),
            };
        };
        let nonneg = m.0.iter().all(|(a, _)| self.nonneg(*a));
        // (a^k)^r = a^(k·r) for odd integer k: where a^k ≥ 0 (needed for a
        // non-integer power), a ≥ 0 too.
        let odd_single = c.is_one() && m.0.len() == 1 && m.0[0].1.is_odd();
        if nonneg || odd_single {
            self.note(Rule::PowerOfProduct);
            return Ok(Rf::poly(Poly::term(m.pow(r), coef)));
        }
        // (a^k)^r = |a|^(k·r) for even k: a^k = |a|^k wherever a^k is
        // defined, and |a| ≥ 0; the right side is defined wherever the left
        // is (where a ≠ 0 or k·r > 0, and for k < 0 the left needs a ≠ 0).
        if c.is_one() && m.0.len() == 1 && m.0[0].1.is_even() {
            self.note(Rule::Piecewise);
            let abs = self.store.apply(Func::Abs, m.0[0].0);
            let k = m.0[0].1.to_rational() * r;
            return self.normalize(Rf::mono(Mono::atom(abs, k)));
        }
        // (Π a^k)^r = Π (a^k)^r when every factor is ≥ 0: known
        // nonnegative, or an even power (each then goes by the rules above).
        if m.0.iter().all(|(a, e)| self.nonneg(*a) || e.is_even()) {
            self.note(Rule::PowerOfProduct);
            let mut acc = Rf::constant(coef);
            for f in &m.0 {
                let p = self.pow_frac(&Rf::mono(Mono(vec![f.clone()])), r)?;
                acc = self.rf_mul(&acc, &p)?;
            }
            return Ok(acc);
        }
        match self.radical_factors(rb, r)? {
            Some(p) => Ok(p), // radicals.rs
            None => Ok(opaque(self)),
        }
    }
}

/// A piecewise function at a nonzero constant.
fn kink_at_constant(f: Func, c: &Rational) -> Rational {
    let pos = c.is_positive();
    match f {
        Func::Abs => c.abs(),
        Func::Sign if pos => int(1),
        Func::Sign => int(-1),
        Func::Relu if pos => c.clone(),
        Func::Step if pos => int(1),
        _ => int(0),
    }
}

/// `c^r` when it is rational (c > 0).
pub(super) fn exact_root(c: &Rational, r: &Rational) -> Option<Rational> {
    let q = r.denom().to_u32()?;
    if q > 64 {
        return None;
    }
    let root = |n: &num_bigint::BigInt| -> Option<num_bigint::BigInt> {
        let s = n.nth_root(q);
        (num_traits::pow::Pow::pow(&s, q) == *n).then_some(s)
    };
    let base = Rational::new(root(c.numer())?, root(c.denom())?);
    let p = r.numer().to_i32()?;
    if p.unsigned_abs() > 10_000 {
        return None;
    }
    let v = num_traits::pow::Pow::pow(&base, p.unsigned_abs());
    Some(if p < 0 { v.recip() } else { v })
}
