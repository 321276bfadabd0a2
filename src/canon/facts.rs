//! Domain facts: which canonical expressions are known positive or
//! nonnegative from the declared domains and the functions involved.
//!
//! Known positive: positive numbers, e and π, exp(a), σ(a), variables
//! declared positive, positive^anything, sums over a whole index range of
//! positive terms, products of positives, and sums of nonnegatives with a
//! positive term (x² + 1). Known nonnegative:
//! the positives, variables declared nonnegative, simplex or one-hot,
//! deltas, even integer powers.

use super::poly::{Mono, Poly};
use super::Ctx;
use crate::expr::{Domain, Func, Id, Node, VarId};
use num_traits::{Signed, Zero};

impl Ctx<'_> {
    pub(crate) fn is_onehot(&self, v: VarId) -> bool {
        self.symbols
            .vars
            .get(v.0 as usize)
            .is_some_and(|i| i.domain == Domain::Onehot)
    }

    pub(crate) fn is_simplex_like(&self, v: VarId) -> bool {
        self.symbols
            .vars
            .get(v.0 as usize)
            .is_some_and(|i| matches!(i.domain, Domain::Onehot | Domain::Simplex))
    }

    /// `A[j, i]` as `A[i, j]` for a symmetric A: its two indices in order,
    /// so that both spellings meet.
    pub(crate) fn symmetric_order(&self, v: VarId, ix: &[crate::expr::IndexId]) -> Option<Node> {
        match ix {
            [a, b] if a > b && self.var_domain(v) == Domain::Symmetric => {
                Some(Node::Var(v, vec![*b, *a]))
            }
            _ => None,
        }
    }

    fn var_domain(&self, v: VarId) -> Domain {
        self.symbols
            .vars
            .get(v.0 as usize)
            .map_or(Domain::Real, |i| i.domain)
    }

    /// True when the (canonical) expression is known > 0 everywhere it is
    /// defined.
    pub(crate) fn positive(&self, id: Id) -> bool {
        match self.store.get(id) {
            Node::Num(r) => r.is_positive(),
            Node::Const(_) => true,
            Node::Var(v, _) => self.var_domain(*v) == Domain::Positive,
            Node::Apply(Func::Exp | Func::Sigmoid | Func::Softplus, _) => true,
            Node::Pow(b, _) => self.positive(*b),
            Node::Sum {
                except: None, body, ..
            } => self.positive(*body),
            // A sum is positive when one term is and none is negative:
            // x² + 1 > 0 lets (x² + 1)^(1/2) rules apply.
            Node::Add(xs) => {
                xs.iter().all(|x| self.nonneg(*x)) && xs.iter().any(|x| self.positive(*x))
            }
            Node::Mul(xs) => xs.iter().all(|x| self.positive(*x)),
            _ => false,
        }
    }

    /// True when the (canonical) expression is known >= 0.
    pub(crate) fn nonneg(&self, id: Id) -> bool {
        match self.store.get(id) {
            Node::Num(r) => !r.is_negative(),
            Node::Var(v, _) => matches!(
                self.var_domain(*v),
                Domain::Positive | Domain::Nonnegative | Domain::Simplex | Domain::Onehot
            ),
            Node::Delta(..) => true,
            Node::Apply(Func::Abs | Func::Relu | Func::Step, _) => true,
            Node::Pow(b, e) => {
                self.nonneg(*b)
                    || matches!(self.store.get(*e), Node::Num(r) if r.is_integer() && (r.to_integer() % 2u8).is_zero())
            }
            Node::Sum { body, .. } => self.nonneg(*body),
            Node::Add(xs) | Node::Mul(xs) => xs.iter().all(|x| self.nonneg(*x)),
            _ => self.positive(id),
        }
    }

    /// Every factor of the monomial is known positive.
    pub(crate) fn mono_positive(&self, m: &Mono) -> bool {
        m.0.iter().all(|(a, _)| self.positive(*a))
    }

    fn mono_nonneg(&self, m: &Mono) -> bool {
        m.0.iter().all(|(a, e)| self.nonneg(*a) || e.is_even())
    }

    /// Known >= 0: nonnegative coefficients and nonnegative terms.
    pub(crate) fn poly_nonneg(&self, p: &Poly) -> bool {
        p.terms
            .iter()
            .all(|(m, c)| !c.is_negative() && self.mono_nonneg(m))
    }

    /// Known > 0: positive coefficients, nonnegative terms, and at least one
    /// term known positive.
    pub(crate) fn poly_positive(&self, p: &Poly) -> bool {
        !p.is_zero()
            && p.terms
                .iter()
                .all(|(m, c)| c.is_positive() && self.mono_nonneg(m))
            && p.monos().any(|m| self.mono_positive(m))
    }
}
