//! Expansion: surface expressions lowered at given indices, each value's
//! shape and index ranges checked first (in `shapes.rs`).
//!
//! A value of shape `[d1, .., dk]` is lowered *at* an index tuple of length
//! k: `lower_at(x + c, [i])` is `x[i] + c`. This makes broadcasting,
//! elementwise application and vector-valued definitions one mechanism.
//! Parameters are bound lazily to their argument (with the caller's scope)
//! and lowered at whatever indices the body uses them with, once per index
//! tuple, so repeated uses share one subexpression.

use super::builtins::{builtin_fn, constant, BuiltinFn};
use super::env::{DefEntry, Env, Global, LetEntry};
use super::names::did_you_mean;
use super::shape::Shape;
use crate::diag::{plural, Diagnostic};
use crate::expr::{Func, Id, IndexId, Node, Rational, Store, Symbols, VarId};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident};
use crate::syntax::parser::split_primes;
use crate::syntax::span::Span;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

pub(crate) mod matrix;
mod primes;
mod shapes;
pub(crate) use matrix::transposed_sides_hint;
pub(crate) use primes::prime_of_several;

/// How deeply definitions and lets may be nested in one expansion.
pub const MAX_DEPTH: usize = 64;
/// How deeply `shape_of` and `lower_at` may recurse (expression nesting
/// plus expansion). A chain of sums (`t1 + t2 + …`, thousands long as
/// computer-algebra systems print them) is walked, not recursed, and
/// counts one level.
pub const MAX_RECURSION: usize = 1000;
/// How many expansion steps one link may take.
pub const MAX_STEPS: u64 = 2_000_000;

/// A parameter bound to its argument.
pub(crate) struct Arg<'a> {
    expr: &'a Expr,
    scope: Rc<Scope<'a>>,
    /// Leading indices already applied: a scalar parameter of an elementwise
    /// call is bound to one element of a vector argument.
    at: Vec<IndexId>,
    /// Keyed by the let-names shadowed where it is lowered, then indices.
    cache: RefCell<FxHashMap<ArgKey, Id>>,
    /// Set when the parameter stands for something already lowered rather
    /// than for `expr`.
    fixed: Option<Fixed>,
}

/// What a parameter bound outside any call stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Fixed {
    /// A lowered scalar (the variable of a prime, `f′(a)`).
    Value(Id),
    /// A variable, at the indices the body uses (a definition compared with
    /// a builtin, `redefine.rs`).
    Var(VarId),
}

/// The let-names shadowed where an argument is lowered, and its indices.
type ArgKey = (Vec<VarId>, Vec<IndexId>);

/// Identifies what shapes depend on in a scope: its parameters' bindings.
/// Bound indices never change a shape, so the scopes of a sum's body or a
/// definition's result indices share the frame of the scope they extend,
/// and each binding of the same call to the same arguments is one frame.
type Frame = usize;

/// The frame of a scope without parameters (claims, lets).
const NO_PARAMS: Frame = 0;

/// What makes two bindings one frame: the definition, whether it is the
/// builtin, and per parameter its argument's expression, frame and number
/// of leading indices applied.
type FrameKey = (usize, bool, Vec<(usize, Frame, usize)>);

/// The key of `e`'s shape (or rowness) in `scope` in the Lowerer's memos:
/// the node's address and the scope's frame. Nodes are borrowed for the
/// Lowerer's whole life, so their addresses are never reused.
pub(crate) fn memo_key(e: &Expr, scope: &Scope) -> (usize, Frame) {
    (e as *const Expr as usize, scope.frame)
}

/// What names and indices mean where an expression is lowered.
pub(crate) struct Scope<'a> {
    /// Parameters by name, shared by the scopes that extend this one.
    params: Rc<[(&'a str, Rc<Arg<'a>>)]>,
    /// The frame of `params` and `builtin`, for the shape memos.
    frame: Frame,
    /// Bound indices, innermost last, with the span that fixed their range.
    indices: Vec<(&'a str, IndexId, Span)>,
    /// Unknown indices are the link's free indices (claims only).
    link: bool,
    /// In the body of a builtin definition: globals are not consulted.
    builtin: bool,
}

impl<'a> Scope<'a> {
    /// The scope of a claim's expressions.
    pub(crate) fn top() -> Rc<Scope<'a>> {
        Rc::new(Scope::plain(true))
    }

    /// A scope without parameters or indices.
    fn plain(link: bool) -> Scope<'a> {
        Scope {
            params: Rc::new([]),
            frame: NO_PARAMS,
            indices: Vec::new(),
            link,
            builtin: false,
        }
    }

    fn with_index(self: &Rc<Self>, name: &'a str, id: IndexId, span: Span) -> Rc<Scope<'a>> {
        // Sized for the new index up front: a clone has no room to spare.
        let mut indices = Vec::with_capacity(self.indices.len() + 1);
        indices.extend_from_slice(&self.indices);
        indices.push((name, id, span));
        Rc::new(Scope {
            params: self.params.clone(),
            frame: self.frame,
            indices,
            link: self.link,
            builtin: self.builtin,
        })
    }
}

/// What a name refers to in a scope.
enum Resolved<'s, 'a> {
    Param(Rc<Arg<'a>>),
    Const(crate::expr::Constant),
    Var(VarId),
    Let(&'s LetEntry<'a>),
    Def(&'s DefEntry<'a>),
    Builtin(BuiltinFn),
    /// A dimension used as a number (`N μ`, `1 / sqrt(d)`).
    Dim(&'a str),
    /// The identity matrix `I`, sized by what it meets.
    Identity,
    Unknown,
}

/// Lowers surface expressions into a store, checking shapes and index
/// ranges on the way.
pub(crate) struct Lowerer<'a> {
    pub(crate) env: &'a Env<'a>,
    pub(crate) symbols: Symbols,
    pub(crate) store: Store,
    /// The free indices of the link being lowered, with the span that fixed
    /// each one's range.
    pub(crate) free: FxHashMap<String, (IndexId, Span)>,
    /// Lowered lets, by name, indices and the let-names shadowed.
    let_cache: FxHashMap<(&'a str, Vec<IndexId>, Vec<VarId>), Id>,
    /// Let-names that stand for themselves here, innermost last: inside the
    /// body of `∂…/∂z2`, `z2` is lowered as a variable (see
    /// [`crate::expr::Binding`]).
    shadowed: Vec<(&'a str, VarId)>,
    /// The variable made for each let-name differentiated by, by name and
    /// the let-names shadowed where the derivative is taken (its value is
    /// lowered with those shadowed too).
    let_vars: FxHashMap<(&'a str, Vec<VarId>), VarId>,
    let_shapes: FxHashMap<String, Shape>,
    /// Globals by the address and length of a name that refers to them
    /// (see [`Self::global`]).
    globals: FxHashMap<(usize, usize), Option<&'a Global<'a>>>,
    /// The frame of each binding made so far.
    frames: FxHashMap<FrameKey, Frame>,
    /// Shapes by node and frame.
    shapes: FxHashMap<(usize, Frame), Shape>,
    /// Whether a node is a transposed vector, by node and frame, like
    /// `shapes` (products ask it of their factors at every level).
    rows: FxHashMap<(usize, Frame), bool>,
    depth: usize,
    steps: u64,
    /// Current nesting of `shape_of` and `lower_at`, bounded so that deep
    /// input fails with a message instead of overflowing the stack.
    recursion: usize,
    /// Remarks on accepted but sloppy notation, in the order found; see
    /// [`super::Lowered::warnings`].
    pub(crate) warnings: Vec<Diagnostic>,
    /// Each let checked without error, lowered at fresh indices; see
    /// [`super::Lowered::lets`].
    pub(crate) let_forms: Vec<super::LetForm>,
}

type R<T> = Result<T, Diagnostic>;

impl<'a> Lowerer<'a> {
    pub(crate) fn new(env: &'a Env<'a>, symbols: Symbols) -> Lowerer<'a> {
        Lowerer {
            env,
            symbols,
            store: Store::new(),
            free: FxHashMap::default(),
            let_cache: FxHashMap::default(),
            shadowed: Vec::new(),
            let_vars: FxHashMap::default(),
            let_shapes: FxHashMap::default(),
            globals: FxHashMap::default(),
            frames: FxHashMap::default(),
            shapes: FxHashMap::default(),
            rows: FxHashMap::default(),
            depth: 0,
            steps: 0,
            recursion: 0,
            warnings: Vec::new(),
            let_forms: Vec::new(),
        }
    }

    /// Forgets the memos keyed by syntax nodes (shapes, rowness, global
    /// names) once a claim or the lets are lowered: they serve within one
    /// claim, and kept for the whole file they grew with it, tens of bytes
    /// per node of every claim (issue #16). What outlives a claim (lowered
    /// lets, their shapes, frames) is keyed by name or binding instead.
    pub(crate) fn end_claim(&mut self) {
        self.shapes.clear();
        self.rows.clear();
        self.globals.clear();
    }

    /// Starts a new link: forgets the previous link's free indices and
    /// resets the step budget.
    pub(crate) fn begin_link(&mut self) {
        self.bound_shape_memos();
        self.free.clear();
        self.steps = 0;
    }

    fn tick(&mut self, span: Span) -> R<()> {
        if self.recursion >= MAX_RECURSION {
            return Err(Diagnostic::new(
                span,
                format!("this expression nests more than {MAX_RECURSION} levels deep once definitions are expanded; expected a shallower expression"),
            ));
        }
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Diagnostic::new(
                span,
                format!("expanding this expression took more than {MAX_STEPS} steps; expected definitions that expand to a manageable size"),
            ));
        }
        Ok(())
    }

    /// `norm(v)^k` for an even `k > 0` (`‖X w − y‖²`), the builtin `norm`
    /// lowered to `a = sqrt(s)`, as `s^(k/2)`: equal everywhere, since the
    /// sum of squares `s` is never negative. Differentiated through the
    /// square root instead, the derivative keeps `sqrt(s) · s' / sqrt(s)`,
    /// a factor canonical forms do not cancel, and a wrong gradient of a
    /// squared norm would go without a diagnosis. `None` when `lhs` is not
    /// the builtin `norm` (a file's own `norm` is its own function) or the
    /// exponent is not an even positive integer.
    fn even_power_of_norm(&mut self, lhs: &'a Expr, scope: &Scope<'a>, a: Id, b: Id) -> Option<Id> {
        let ExprKind::Call { func, .. } = &lhs.kind else {
            return None;
        };
        if !matches!(self.resolve(&func.name, scope), Resolved::Def(d) if d.builtin && d.def.name.name == "norm")
        {
            return None;
        }
        let Node::Num(k) = self.store.get(b) else {
            return None;
        };
        let two = Rational::from_integer(2.into());
        let half = k / &two;
        if !half.is_integer() || half <= Rational::from_integer(0.into()) {
            return None;
        }
        let Node::Pow(s, e) = self.store.get(a) else {
            return None;
        };
        let (s, e) = (*s, *e);
        if !matches!(self.store.get(e), Node::Num(r) if *r == Rational::new(1.into(), 2.into())) {
            return None;
        }
        if half == Rational::from_integer(1.into()) {
            return Some(s);
        }
        let h = self.store.num(half);
        Some(self.store.pow(s, h))
    }

    fn resolve(&mut self, name: &'a str, scope: &Scope<'a>) -> Resolved<'a, 'a> {
        let env: &'a Env<'a> = self.env;
        if let Some((_, arg)) = scope.params.iter().rev().find(|(n, _)| *n == name) {
            return Resolved::Param(arg.clone());
        }
        if let Some(c) = constant(name) {
            return Resolved::Const(c);
        }
        if !scope.builtin {
            match self.global(name) {
                Some(Global::Var(v)) => return Resolved::Var(v.id),
                Some(Global::Let(l)) => return Resolved::Let(l),
                // A definition that means the builtin is the builtin.
                Some(Global::Def(d)) if d.same_as_builtin.get() => {}
                Some(Global::Def(d)) => return Resolved::Def(d),
                None => {}
            }
        } else if let Some(d) = env.def(name).filter(|d| d.builtin) {
            return Resolved::Def(d);
        }
        match builtin_fn(name) {
            Some(b) => Resolved::Builtin(b),
            None if !scope.builtin && env.dims.iter().any(|d| d == name) => Resolved::Dim(name),
            None if !scope.builtin && name == super::builtins::IDENTITY => Resolved::Identity,
            None => Resolved::Unknown,
        }
    }

    /// The global called `name`. Each name written in the file is looked
    /// up once: the environment's table hashes the whole string with
    /// SipHash, and lowering resolves the same names over and over.
    fn global(&mut self, name: &'a str) -> Option<&'a Global<'a>> {
        // Two names borrowed for `'a` at the same address and length are
        // the same text, so the address stands for the name.
        let key = (name.as_ptr() as usize, name.len());
        let env: &'a Env<'a> = self.env;
        *self.globals.entry(key).or_insert_with(|| env.get(name))
    }

    fn unknown(&self, id: &Ident) -> Diagnostic {
        let d = Diagnostic::new(
            id.span,
            format!(
                "unknown name `{}`; expected a declared variable, a definition, a let or a builtin",
                id.name
            ),
        );
        match did_you_mean(&id.name, self.env.value_names()) {
            Some(s) => d
                .with_help(format!("did you mean `{s}`?"))
                .with_fix(id.span, s),
            None => d,
        }
    }

    /// The variable `∂/∂var` differentiates by: a declared variable, or the
    /// variable that stands for a let-name (made on first use).
    fn deriv_var(&mut self, var: &'a Ident, scope: &Scope<'a>) -> R<VarId> {
        let l = match self.resolve(&var.name, scope) {
            // Its entries are not independent: A[i, j] and A[j, i] move
            // together, and courses disagree on what ∂/∂A then means.
            Resolved::Var(v) if self.symbols.var(v).domain == crate::expr::Domain::Symmetric => {
                return Err(Diagnostic::new(
                    var.span,
                    format!("cannot differentiate by the symmetric matrix `{}`: its entries A[i, j] and A[j, i] are one variable", var.name),
                )
                .with_help(format!("declare `{}` as a plain `matrix[n, n]` to differentiate by it", var.name)));
            }
            Resolved::Var(v) => return Ok(v),
            Resolved::Let(l) => l,
            _ => return Err(not_a_variable(var)),
        };
        let name = l.item.name.name.as_str();
        let key = (name, self.shadow_key());
        if let Some(&v) = self.let_vars.get(&key) {
            return Ok(v);
        }
        let shape = self.let_shape(l, var.span)?;
        let indices = self.fresh_let_indices(l.item, &shape);
        // Where the let-name is itself differentiated by (`∂/∂z2 ∂L/∂z2`),
        // it stands for the outer derivative's variable.
        let value = match self.shadowed.iter().rev().find(|(n, _)| *n == name) {
            Some(&(_, outer)) => self.store.add(Node::Var(outer, indices.clone())),
            None => self.lower_let(l, &indices, var.span)?,
        };
        let binding = crate::expr::Binding { indices, value };
        let v = self.symbols.add_bound_var(name, shape.0, binding);
        self.let_vars.insert(key, v);
        Ok(v)
    }

    /// The variables of the let-names shadowed here, for cache keys.
    fn shadow_key(&self) -> Vec<VarId> {
        self.shadowed.iter().map(|(_, v)| *v).collect()
    }

    /// Fresh indices to lower a let at, named after its written indices.
    fn fresh_let_indices(&mut self, item: &crate::syntax::ast::Let, shape: &Shape) -> Vec<IndexId> {
        let names: Vec<String> = match item.indices.len() {
            0 => (1..=shape.rank()).map(|k| format!("_{k}")).collect(),
            _ => item.indices.iter().map(|i| i.name.clone()).collect(),
        };
        shape
            .0
            .iter()
            .zip(names.iter().chain(std::iter::repeat(&String::from("_"))))
            .map(|(&d, n)| self.symbols.fresh_index(n, d))
            .collect()
    }

    /// Runs `f` one expansion level deeper, failing past [`MAX_DEPTH`].
    fn nested<T>(&mut self, span: Span, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        if self.depth >= MAX_DEPTH {
            return Err(Diagnostic::new(
                span,
                format!("definitions here are nested more than {MAX_DEPTH} levels deep; expected a shallower expansion"),
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// Binds a definition's parameters to the call's arguments.
    fn bind(
        &mut self,
        d: &DefEntry<'a>,
        args: &'a [Expr],
        scope: &Rc<Scope<'a>>,
        at: &[Vec<IndexId>],
    ) -> Scope<'a> {
        let params = d
            .def
            .params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(k, (p, a))| {
                let arg = Arg {
                    expr: a,
                    scope: scope.clone(),
                    at: at.get(k).cloned().unwrap_or_default(),
                    cache: RefCell::new(FxHashMap::default()),
                    fixed: None,
                };
                (p.name.as_str(), Rc::new(arg))
            })
            .collect::<Rc<[_]>>();
        let key = (
            d.def as *const crate::syntax::ast::Def as usize,
            d.builtin,
            params
                .iter()
                .map(|(_, a)| (a.expr as *const Expr as usize, a.scope.frame, a.at.len()))
                .collect(),
        );
        let next = self.frames.len() + 1;
        let frame = *self.frames.entry(key).or_insert(next);
        Scope {
            params,
            frame,
            indices: Vec::new(),
            link: false,
            builtin: d.builtin,
        }
    }

    /// Lowers `e` (of shape `[d1, .., dk]`) at the index tuple `idx` (of
    /// length k), to one scalar expression.
    pub(crate) fn lower_at(
        &mut self,
        e: &'a Expr,
        scope: &Rc<Scope<'a>>,
        idx: &[IndexId],
    ) -> R<Id> {
        self.tick(e.span)?;
        self.recursion += 1;
        let r = self.lower_at_inner(e, scope, idx);
        self.recursion -= 1;
        r
    }

    /// A chain `t1 ± t2 ± … ± tn` lowered to one sum of n terms, walked
    /// without recursion along the chain: a flat sum of thousands of
    /// terms is a syntax tree as deep as it is long, and a nested sum in
    /// the store would make every later stage recurse as deep, and add
    /// its terms one at a time. Each term is lowered at `idx` unless it
    /// is a scalar (broadcast), as a binary `+` does.
    fn lower_sum_chain(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>, idx: &[IndexId]) -> R<Id> {
        // The chain's shape is checked (and remembered) first, as a
        // binary `+` checks its operands'.
        self.rank_of(e, scope)?;
        let mut terms = Vec::new();
        let mut at = e;
        while let ExprKind::Binary {
            op: op @ (BinOp::Add | BinOp::Sub),
            lhs,
            rhs,
        } = &at.kind
        {
            self.tick(at.span)?;
            terms.push((*op == BinOp::Sub, &**rhs));
            at = lhs;
        }
        terms.push((false, at));
        let mut ids = Vec::with_capacity(terms.len());
        for &(negated, term) in terms.iter().rev() {
            let it: &[IndexId] = if self.rank_of(term, scope)? == 0 {
                &[]
            } else {
                idx
            };
            let x = self.lower_at(term, scope, it)?;
            ids.push(if negated { self.store.neg(x) } else { x });
        }
        Ok(self.store.add(Node::Add(ids)))
    }

    fn lower_at_inner(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>, idx: &[IndexId]) -> R<Id> {
        match &e.kind {
            ExprKind::Num(r) => Ok(self.store.num(r.clone())),
            ExprKind::Name(id) => match self.resolve(&id.name, scope) {
                Resolved::Param(arg) => self.lower_arg(&arg, idx),
                Resolved::Const(c) => Ok(self.store.add(Node::Const(c))),
                Resolved::Var(v) => {
                    if self.symbols.var(v).dims.len() != idx.len() {
                        return Err(Diagnostic::new(
                            id.span,
                            format!("`{}` is used with the wrong number of indices", id.name),
                        ));
                    }
                    Ok(self.store.add(Node::Var(v, idx.to_vec())))
                }
                Resolved::Let(l) => {
                    let shadow = self.shadowed.iter().rev().find(|(n, _)| *n == id.name);
                    match shadow {
                        Some(&(_, v)) => {
                            if self.symbols.var(v).dims.len() != idx.len() {
                                return Err(Diagnostic::new(
                                    id.span,
                                    format!(
                                        "`{}` is used with the wrong number of indices",
                                        id.name
                                    ),
                                ));
                            }
                            Ok(self.store.add(Node::Var(v, idx.to_vec())))
                        }
                        None => self.lower_let(l, idx, id.span),
                    }
                }
                Resolved::Def(_) | Resolved::Builtin(_) => Err(uncalled(id)),
                // The count of a dimension is the sum of 1 over its range:
                // both witnesses know sums, and `Σ_i 1` written out meets it.
                Resolved::Dim(name) => {
                    let dim = self.symbols.dim(name);
                    let k = self.symbols.fresh_index("_", dim);
                    let one = self.store.int(1);
                    Ok(self.store.add(Node::Sum {
                        index: k,
                        except: None,
                        body: one,
                    }))
                }
                // Its entries are the Kronecker delta; its size came from
                // what it meets, when its shape was found.
                Resolved::Identity => match idx {
                    [i, j] => {
                        self.shape_of(e, scope)?;
                        Ok(self.store.add(Node::Delta(*i, *j)))
                    }
                    _ => Err(Diagnostic::new(
                        id.span,
                        "`I` is the identity matrix and takes two indices",
                    )),
                },
                Resolved::Unknown => Err(self.unknown(id)),
            },
            ExprKind::Call { func, args } if split_primes(&func.name).is_some() => {
                let primed = split_primes(&func.name).unwrap_or_default();
                self.lower_primed(e, func, primed, args, scope, idx)
            }
            ExprKind::Call { func, args } => match self.resolve(&func.name, scope) {
                Resolved::Builtin(b) => {
                    let [a] = &args[..] else {
                        return Err(arity(e.span, &func.name, 1, args.len()));
                    };
                    let x = self.lower_at(a, scope, idx)?;
                    Ok(self.apply_builtin(b, x))
                }
                Resolved::Def(d) => {
                    let d = self.builtin_variant(d, args, scope)?;
                    self.expand(d, func, args, scope, idx, e.span)
                }
                Resolved::Unknown => Err(unknown_function(func)),
                _ => Err(not_a_function(func)),
            },
            ExprKind::Index { base, indices } => {
                let bs = self.shape_of(base, scope)?;
                if bs.rank() != indices.len() || !idx.is_empty() {
                    return Err(self
                        .shape_of(e, scope)
                        .err()
                        .unwrap_or_else(|| Diagnostic::new(e.span, "wrong number of indices")));
                }
                let mut ids = Vec::with_capacity(indices.len());
                for (ix, &d) in indices.iter().zip(&bs.0) {
                    ids.push(self.index(ix, Some(d), scope)?);
                }
                self.lower_at(base, scope, &ids)
            }
            ExprKind::Neg(a) => {
                let x = self.lower_at(a, scope, idx)?;
                Ok(self.store.neg(x))
            }
            ExprKind::Binary {
                op: BinOp::Add | BinOp::Sub,
                ..
            } => self.lower_sum_chain(e, scope, idx),
            ExprKind::Binary { op, lhs, rhs } => {
                let (rl, rr) = (self.rank_of(lhs, scope)?, self.rank_of(rhs, scope)?);
                if *op == BinOp::Mul && rl > 0 && rr > 0 {
                    return self.lower_product(e, lhs, rhs, scope, idx);
                }
                let il: &[IndexId] = if rl == 0 { &[] } else { idx };
                let ir: &[IndexId] = if rr == 0 { &[] } else { idx };
                if *op == BinOp::Pow && is_euler(lhs, self, scope) {
                    let x = self.lower_at(rhs, scope, ir)?;
                    return Ok(self.store.apply(Func::Exp, x));
                }
                let a = self.lower_at(lhs, scope, il)?;
                let b = self.lower_at(rhs, scope, ir)?;
                if *op == BinOp::Pow {
                    if let Some(p) = self.even_power_of_norm(lhs, scope, a, b) {
                        return Ok(p);
                    }
                }
                Ok(match op {
                    BinOp::Add => self.store.add2(a, b),
                    BinOp::Sub => self.store.sub(a, b),
                    BinOp::Mul | BinOp::Hadamard => self.store.mul2(a, b),
                    BinOp::Div => self.store.div(a, b),
                    BinOp::Pow => self.store.pow(a, b),
                })
            }
            ExprKind::Sum {
                index,
                except,
                body,
            } => {
                let bound = scope.indices.iter().rev().find(|(n, ..)| *n == index.name);
                // Names a renamed index must avoid: those bound around the
                // sum, and the step's free ones.
                let around: Vec<&str> = scope
                    .indices
                    .iter()
                    .map(|(n, ..)| *n)
                    .chain(self.free.keys().map(String::as_str))
                    .collect();
                if let Some((_, _, first)) = bound {
                    let mut d = Diagnostic::new(
                        index.span,
                        format!("the sum's index `{}` is already bound here (by an enclosing sum, or as a result index); expected a new name", index.name),
                    )
                    .with_label(*first, format!("`{}` is bound here", index.name))
                    .with_help("rename the sum's index");
                    d.fix = super::names::rename_sum_index(e, e, &around);
                    return Err(d);
                }
                if let Some(&(_, first)) = self.free.get(&index.name).filter(|_| scope.link) {
                    // Read as mathematics reads it: the sum's index is local
                    // and hides the free one inside the sum. Sloppy, since
                    // the two are easily confused, but not wrong.
                    self.warnings.push(
                        Diagnostic::new(
                            index.span,
                            format!("the sum's index `{}` shadows the free index `{}` of this step; inside the sum, `{}` is the sum's own", index.name, index.name, index.name),
                        )
                        .with_label(first, format!("the free `{}`", index.name))
                        .with_help("rename the sum's index to keep the two apart"),
                    );
                    if let Some(w) = self.warnings.last_mut() {
                        w.fix = super::names::rename_sum_index(e, e, &around);
                    }
                }
                let inferred = match self.infer_dim(&index.name, body, scope)? {
                    Some(found) => Some(found),
                    // `Σ_i 1`: with one dimension in the file, it is the
                    // only range the index can have.
                    None if self.env.dims.len() == 1 => self
                        .env
                        .dims
                        .iter()
                        .next()
                        .map(|only| (self.symbols.dim(only), index.span)),
                    None => None,
                };
                let Some((dim, fixed)) = inferred else {
                    return Err(Diagnostic::new(
                        index.span,
                        format!("cannot tell the range of the sum's index `{}`; expected it to index a vector or matrix in the summand", index.name),
                    ));
                };
                let fresh = self.symbols.fresh_index(&index.name, dim);
                let except = match except {
                    Some(j) => Some(self.index(j, Some(dim), scope)?),
                    None => None,
                };
                let inner = scope.with_index(&index.name, fresh, fixed);
                let b = self.lower_at(body, &inner, idx)?;
                Ok(self.store.add(Node::Sum {
                    index: fresh,
                    except,
                    body: b,
                }))
            }
            ExprKind::Delta(a, b) => {
                let ia = self.index(a, None, scope)?;
                let da = self.symbols.index_dim(ia);
                let ib = self.index(b, Some(da), scope)?;
                Ok(self.store.add(Node::Delta(ia, ib)))
            }
            ExprKind::Deriv { var, indices, body } => {
                let v = self.deriv_var(var, scope)?;
                let dims = self.symbols.var(v).dims.clone();
                let (body_idx, at) = if indices.is_empty() {
                    let split = idx
                        .len()
                        .checked_sub(dims.len())
                        .ok_or_else(|| Diagnostic::new(e.span, "wrong number of indices"))?;
                    (&idx[..split], idx[split..].to_vec())
                } else {
                    if indices.len() != dims.len() {
                        return Err(self.shape_of(e, scope).err().unwrap_or_else(|| {
                            Diagnostic::new(var.span, "wrong number of indices")
                        }));
                    }
                    let mut at = Vec::new();
                    for (ix, &d) in indices.iter().zip(&dims) {
                        at.push(self.index(ix, Some(d), scope)?);
                    }
                    (idx, at)
                };
                // Inside the body, a let-name differentiated by stands for
                // itself.
                let by_let = self.symbols.var(v).binding.is_some();
                if by_let {
                    self.shadowed.push((var.name.as_str(), v));
                }
                let b = self.lower_at(body, scope, body_idx);
                if by_let {
                    self.shadowed.pop();
                }
                let b = b?;
                Ok(self.store.add(Node::Deriv {
                    body: b,
                    var: v,
                    at,
                }))
            }
            ExprKind::Transpose(a) => self.lower_transpose(a, scope, idx),
        }
    }

    /// Lowers a let once at fresh indices, so that its errors are found
    /// where it is written; marks it broken if it has one.
    pub(crate) fn check_let(&mut self, item: &'a crate::syntax::ast::Let) -> R<()> {
        let Some(Global::Let(entry)) = self.env.get(&item.name.name) else {
            return Ok(());
        };
        if !std::ptr::eq(entry.item, item) || entry.broken.get() {
            return Ok(());
        }
        self.begin_link();
        let result = (|| {
            let shape = self.let_shape(entry, item.name.span)?;
            let idx = self.fresh_let_indices(item, &shape);
            let value = self.lower_let(entry, &idx, item.name.span)?;
            Ok((idx, value))
        })();
        match result {
            Ok((indices, value)) => {
                self.let_forms.push(super::LetForm {
                    name: item.name.name.clone(),
                    indices,
                    value,
                });
                Ok(())
            }
            Err(d) => {
                entry.broken.set(true);
                Err(d)
            }
        }
    }

    /// The body of the one-parameter, one-result-index definition `d` with
    /// its parameter the vector variable `v`, at the result index `i`, as a
    /// file's top level sees it (to compare it with the builtin `softmax`).
    pub(crate) fn lower_vector_def_at(&mut self, d: &DefEntry<'a>, v: VarId, i: IndexId) -> R<Id> {
        let (Some(param), [result]) = (d.def.params.first(), &d.def.result_indices[..]) else {
            return Err(Diagnostic::new(
                d.def.name.span,
                "not a function of one vector",
            ));
        };
        let bound = Arg {
            expr: &d.def.body,
            scope: Scope::top(),
            at: Vec::new(),
            cache: RefCell::new(FxHashMap::default()),
            fixed: Some(Fixed::Var(v)),
        };
        let key = (
            d.def as *const crate::syntax::ast::Def as usize,
            d.builtin,
            vec![(usize::MAX, 1, 0)],
        );
        let next = self.frames.len() + 1;
        let frame = *self.frames.entry(key).or_insert(next);
        let inner = Scope {
            params: Rc::from([(param.name.as_str(), Rc::new(bound))]),
            frame,
            indices: vec![(result.name.as_str(), i, result.span)],
            link: false,
            builtin: d.builtin,
        };
        self.nested(d.def.name.span, |this| {
            this.lower_at(&d.def.body, &Rc::new(inner), &[])
        })
    }

    /// The builtin `b` applied to the lowered `x`.
    fn apply_builtin(&mut self, b: BuiltinFn, x: Id) -> Id {
        match b {
            BuiltinFn::Func(f) => self.store.apply(f, x),
            BuiltinFn::Sqrt => {
                let half = self.store.num(Rational::new(1.into(), 2.into()));
                self.store.pow(x, half)
            }
        }
    }

    fn lower_arg(&mut self, arg: &Rc<Arg<'a>>, idx: &[IndexId]) -> R<Id> {
        match arg.fixed {
            // A scalar: `ranks` made sure the body never indexes it.
            Some(Fixed::Value(id)) => return Ok(id),
            Some(Fixed::Var(v)) => {
                let mut at = arg.at.clone();
                at.extend_from_slice(idx);
                return Ok(self.store.add(Node::Var(v, at)));
            }
            None => {}
        }
        let mut at = arg.at.clone();
        at.extend_from_slice(idx);
        let key = (self.shadow_key(), at);
        if let Some(&id) = arg.cache.borrow().get(&key) {
            return Ok(id);
        }
        let id = self.lower_at(arg.expr, &arg.scope, &key.1)?;
        arg.cache.borrow_mut().insert(key, id);
        Ok(id)
    }

    fn lower_let(&mut self, l: &LetEntry<'a>, idx: &[IndexId], use_span: Span) -> R<Id> {
        let item = l.item;
        let key = (item.name.name.as_str(), idx.to_vec(), self.shadow_key());
        if let Some(&id) = self.let_cache.get(&key) {
            return Ok(id);
        }
        let shape = self.let_shape(l, use_span)?;
        if shape.rank() != idx.len() {
            return Err(Diagnostic::new(
                use_span,
                format!(
                    "`{}` is {} and is used with the wrong number of indices",
                    item.name.name,
                    shape.describe(&self.symbols)
                ),
            ));
        }
        let result = self.nested(use_span, |this| {
            let mut scope = Scope::plain(false);
            for (ix, &id) in item.indices.iter().zip(idx) {
                scope.indices.push((ix.name.as_str(), id, ix.span));
            }
            let rest = &idx[item.indices.len().min(idx.len())..];
            this.lower_at(&item.value, &Rc::new(scope), rest)
        });
        let id = result?;
        self.let_cache.insert(key, id);
        Ok(id)
    }

    /// The builtin softmax of a matrix is the row-wise one (along the last
    /// index), as attention's `softmax(Q Kᵀ / sqrt(d))` means it; the
    /// builtin norm of a number is its absolute value (`‖Xw − y‖²` with
    /// scalars, as a document whose names are assumed scalars writes it).
    pub(super) fn builtin_variant(
        &mut self,
        d: &'a DefEntry<'a>,
        args: &'a [Expr],
        scope: &Rc<Scope<'a>>,
    ) -> R<&'a DefEntry<'a>> {
        let variant = match d.def.name.name.as_str() {
            "softmax" => (2, super::builtins::SOFTMAX_ROWS),
            "norm" => (0, super::builtins::NORM_SCALAR),
            _ => return Ok(d),
        };
        let [a] = args else { return Ok(d) };
        if !d.builtin || self.rank_of(a, scope)? != variant.0 {
            return Ok(d);
        }
        let env: &'a Env<'a> = self.env;
        Ok(env.def(variant.1).unwrap_or(d))
    }

    fn expand(
        &mut self,
        d: &DefEntry<'a>,
        func: &Ident,
        args: &'a [Expr],
        scope: &Rc<Scope<'a>>,
        idx: &[IndexId],
        span: Span,
    ) -> R<Id> {
        let (shapes, elementwise) = self.check_call(d, func, args, scope, span)?;
        let result = self
            .nested(span, |this| {
                let def = d.def;
                if elementwise {
                    let at: Vec<Vec<IndexId>> = shapes
                        .iter()
                        .map(|s| if s.is_scalar() { vec![] } else { idx.to_vec() })
                        .collect();
                    let inner = Rc::new(this.bind(d, args, scope, &at));
                    return this.lower_at(&def.body, &inner, &[]);
                }
                let mut inner = this.bind(d, args, scope, &[]);
                let r = def.result_indices.len();
                if idx.len() < r {
                    return Err(Diagnostic::new(
                        span,
                        format!(
                            "`{}` is vector-valued here; expected it to be indexed",
                            func.name
                        ),
                    ));
                }
                for (ix, &id) in def.result_indices.iter().zip(idx) {
                    inner.indices.push((ix.name.as_str(), id, span));
                }
                this.lower_at(&def.body, &Rc::new(inner), &idx[r..])
            })
            .map_err(|diag| expanded_from(diag, span, &func.name));
        result
    }
}

fn is_euler<'a>(e: &'a Expr, lw: &mut Lowerer<'a>, scope: &Scope<'a>) -> bool {
    matches!(&e.kind, ExprKind::Name(id) if matches!(lw.resolve(&id.name, scope), Resolved::Const(crate::expr::Constant::E)))
}

fn uncalled(id: &Ident) -> Diagnostic {
    Diagnostic::new(
        id.span,
        format!(
            "`{}` is a function; expected it to be called with arguments",
            id.name
        ),
    )
}

fn unknown_function(func: &Ident) -> Diagnostic {
    Diagnostic::new(func.span, format!("unknown function `{}`", func.name))
}

fn not_a_function(func: &Ident) -> Diagnostic {
    Diagnostic::new(
        func.span,
        format!("`{}` is not a function, so it cannot be called", func.name),
    )
}

fn not_a_variable(var: &Ident) -> Diagnostic {
    Diagnostic::new(
        var.span,
        format!(
            "`{}` is not a declared variable or a let; expected a variable to differentiate by",
            var.name
        ),
    )
}

fn arity(span: Span, name: &str, want: usize, got: usize) -> Diagnostic {
    Diagnostic::new(
        span,
        format!(
            "`{name}` takes {}, but {} given",
            plural(want, "argument"),
            if got == 1 {
                "1 was".to_string()
            } else {
                format!("{got} were")
            }
        ),
    )
}

/// Adds a label at the call when the error lies inside the definition.
fn expanded_from(d: Diagnostic, call: Span, name: &str) -> Diagnostic {
    if d.span.start >= call.start && d.span.end <= call.end && d.span != Span::default() {
        return d;
    }
    if d.labels.iter().any(|(s, _)| *s == call) {
        return d;
    }
    d.with_label(call, format!("in this use of `{name}`"))
}

pub(super) fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Hadamard => "⊙",
        BinOp::Pow => "^",
    }
}
