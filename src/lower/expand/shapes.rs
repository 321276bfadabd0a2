//! Shapes and index ranges, checked as each expression is expanded.
//!
//! Before `lower_at` builds a node for a value, the value's shape is known
//! from here, and every error this finds (a scalar indexed, operands or
//! arguments of the wrong shape, an index over two dimensions, a range
//! that cannot be told) is raised in place of the node. Shapes are part of
//! expansion rather than a pass of their own because a definition's
//! parameters have the shapes of the arguments of each call: they are
//! computed in the expansion's scopes and memoized per node and frame of
//! parameter bindings (see `Frame`).

use super::{
    arity, expanded_from, memo_key, not_a_function, not_a_variable, op_symbol, uncalled,
    unknown_function, Lowerer, Resolved, Scope, R,
};
use crate::diag::{plural, Diagnostic};
use crate::expr::{DimId, IndexId};
use crate::lower::env::{DefEntry, LetEntry};
use crate::lower::shape::Shape;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident};
use crate::syntax::span::Span;
use std::rc::Rc;

/// How many remembered shapes a link starts with at most (see
/// [`Lowerer::bound_shape_memos`]).
const MEMO_ENTRIES: usize = 1 << 16;

impl<'a> Lowerer<'a> {
    /// Called as a link begins: empties the memos of shapes, of rows and of
    /// names looked up once they hold more than [`MEMO_ENTRIES`] entries.
    /// They are keyed by the addresses of syntax nodes and names, so over
    /// a whole file they grow with the file (a CAS's gradient of a wide
    /// network is tens of megabytes), and growing them cost more page
    /// faults than the lookups save: links rarely share nodes, except
    /// through definitions, whose shapes are quickly found again. Emptied
    /// tables keep their memory, which the next links reuse. Files of the
    /// usual size never reach the bound.
    pub(crate) fn bound_shape_memos(&mut self) {
        if self.shapes.len() > MEMO_ENTRIES {
            self.shapes.clear();
        }
        if self.rows.len() > MEMO_ENTRIES {
            self.rows.clear();
        }
        if self.globals.len() > MEMO_ENTRIES {
            self.globals.clear();
        }
    }

    /// The shape of a whole side or standalone expression: like
    /// [`Self::shape_of`], but a transposed vector on its own is an error (it
    /// only has a meaning inside a product, `aᵀ b` or `a bᵀ`).
    pub(crate) fn value_shape(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<Shape> {
        let s = self.shape_of(e, scope)?;
        self.no_lone_row(e, scope)?;
        Ok(s)
    }

    /// The shape of `e` in `scope`.
    ///
    /// It depends on what names mean in `scope` (its
    /// [`Frame`](super::Frame)) but not on its bound indices or whether it
    /// is a link's: no shape rule consults those, and the memo relies on
    /// that.
    pub(crate) fn shape_of(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<Shape> {
        // Lowering asks for the shape of every operand at every level, and
        // again in each scope a sum or an expansion makes, so shapes are
        // remembered per node and frame (see `memo_key`).
        let key = memo_key(e, scope);
        if let Some(s) = self.shapes.get(&key) {
            return Ok(s.clone());
        }
        // A long chain `t1 + t2 + …` is a syntax tree as deep as it is
        // long: the shapes of its left spine not yet remembered are
        // computed from the bottom up first, so that each level finds its
        // left operand's remembered and the recursion stays shallow.
        if let ExprKind::Binary { lhs, .. } = &e.kind {
            let mut spine = Vec::new();
            let mut at: &'a Expr = lhs;
            while is_sum_chain(at) && !self.shapes.contains_key(&memo_key(at, scope)) {
                spine.push(at);
                match &at.kind {
                    ExprKind::Binary { lhs, .. } => at = lhs,
                    _ => break,
                }
            }
            // The nearest level is computed below, by the recursion.
            for part in spine.into_iter().skip(1).rev() {
                self.shape_of(part, scope)?;
            }
        }
        self.tick(e.span)?;
        self.recursion += 1;
        let r = self.shape_of_inner(e, scope);
        self.recursion -= 1;
        if let Ok(s) = &r {
            self.shapes.insert(key, s.clone());
        }
        r
    }

    /// The rank of `e` in `scope`: [`Self::shape_of`]`(e, scope)?.rank()`,
    /// without copying a remembered shape (most callers only ask whether
    /// an operand is a scalar).
    pub(crate) fn rank_of(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<usize> {
        let key = memo_key(e, scope);
        match self.shapes.get(&key) {
            Some(s) => Ok(s.rank()),
            None => Ok(self.shape_of(e, scope)?.rank()),
        }
    }

    fn shape_of_inner(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> R<Shape> {
        match &e.kind {
            ExprKind::Num(_) | ExprKind::Delta(..) => Ok(Shape::scalar()),
            ExprKind::Name(id) => match self.resolve(&id.name, scope) {
                Resolved::Param(arg) if arg.fixed.is_some() => Ok(match arg.fixed {
                    Some(super::Fixed::Var(v)) => {
                        let dims = &self.symbols.var(v).dims;
                        Shape(dims.get(arg.at.len()..).unwrap_or(&[]).to_vec())
                    }
                    _ => Shape::scalar(),
                }),
                Resolved::Param(arg) => {
                    let s = self.shape_of(arg.expr, &arg.scope)?;
                    Ok(Shape(s.0.get(arg.at.len()..).unwrap_or(&[]).to_vec()))
                }
                Resolved::Const(_) | Resolved::Dim(_) => Ok(Shape::scalar()),
                // Sized by `size_identities` where it meets a shape; alone,
                // it has none.
                Resolved::Identity => Err(Diagnostic::new(
                    id.span,
                    "cannot tell the size of the identity `I`; expected it added to a square matrix, multiplying a vector or matrix, or equal to a square matrix",
                )
                .with_help("write what it multiplies or is added to next to it (`I x`, `A + I`), or its entries as `δ(i, j)`")),
                Resolved::Var(v) => Ok(Shape(self.symbols.var(v).dims.clone())),
                Resolved::Let(l) => self.let_shape(l, id.span),
                Resolved::Def(_) | Resolved::Builtin(_) => Err(uncalled(id)),
                Resolved::Unknown => Err(self.unknown(id)),
            },
            // A prime is elementwise, like the scalar function it
            // differentiates; `lower_primed` checks the function.
            ExprKind::Call { func, args }
                if crate::syntax::parser::split_primes(&func.name).is_some() =>
            {
                match &args[..] {
                    [a] => self.shape_of(a, scope),
                    _ => Ok(Shape::scalar()),
                }
            }
            ExprKind::Call { func, args } => match self.resolve(&func.name, scope) {
                Resolved::Builtin(_) => {
                    let [a] = &args[..] else {
                        return Err(arity(e.span, &func.name, 1, args.len()));
                    };
                    self.shape_of(a, scope)
                }
                Resolved::Def(d) => {
                    let d = self.builtin_variant(d, args, scope)?;
                    self.call_shape(d, func, args, scope, e.span)
                }
                Resolved::Unknown => Err(unknown_function(func)),
                _ => Err(not_a_function(func)),
            },
            ExprKind::Index { base, indices } => {
                let bs = self.shape_of(base, scope)?;
                if bs.is_scalar() {
                    return Err(Diagnostic::new(
                        indices.first().map_or(e.span, |i| i.span).join(indices.last().map_or(e.span, |i| i.span)),
                        format!("{} is a scalar and cannot be indexed; expected a vector or matrix before `[`", text_of(base)),
                    ));
                }
                if bs.rank() != indices.len() {
                    return Err(Diagnostic::new(
                        e.span,
                        format!(
                            "{} is {} and takes {}, but {} given",
                            text_of(base),
                            bs.describe(&self.symbols),
                            plural(bs.rank(), "index"),
                            if indices.len() == 1 {
                                "1 was".to_string()
                            } else {
                                format!("{} were", indices.len())
                            }
                        ),
                    ));
                }
                Ok(Shape::scalar())
            }
            ExprKind::Neg(a) => self.shape_of(a, scope),
            ExprKind::Binary { op, lhs, rhs } => {
                self.size_identities(Some(*op), lhs, rhs, scope)?;
                let sl = self.shape_of(lhs, scope)?;
                let sr = self.shape_of(rhs, scope)?;
                if *op == BinOp::Mul && !sl.is_scalar() && !sr.is_scalar() {
                    return Ok(Shape(self.product(e, lhs, rhs, scope)?.1.dims));
                }
                if sl.rank() == 1 && sr.rank() == 1 {
                    self.same_orientation(*op, lhs, rhs, scope)?;
                }
                sl.broadcast(&sr).ok_or_else(|| {
                    Diagnostic::new(
                        rhs.span,
                        format!(
                            "the right operand of `{}` is {} but the left one is {}; expected the same shape, or a scalar",
                            op_symbol(*op),
                            sr.describe(&self.symbols),
                            sl.describe(&self.symbols)
                        ),
                    )
                    .with_label(lhs.span, sl.describe(&self.symbols))
                })
            }
            ExprKind::Sum { body, .. } => self.shape_of(body, scope),
            ExprKind::Deriv { var, indices, body } => {
                let sb = self.shape_of(body, scope)?;
                let dims = self.deriv_dims(var, scope)?;
                if indices.is_empty() {
                    let mut s = sb.0;
                    s.extend(dims);
                    Ok(Shape(s))
                } else if indices.len() != dims.len() {
                    Err(Diagnostic::new(
                        var.span.join(indices.last().map_or(var.span, |i| i.span)),
                        format!(
                            "`{}` is {} and takes {}, but {} given",
                            var.name,
                            Shape(dims.clone()).describe(&self.symbols),
                            plural(dims.len(), "index"),
                            if indices.len() == 1 {
                                "1 was".to_string()
                            } else {
                                format!("{} were", indices.len())
                            }
                        ),
                    ))
                } else {
                    Ok(sb)
                }
            }
            ExprKind::Transpose(a) => self.transpose_shape(e, a, scope),
        }
    }

    /// Gives the identity `I` in one of `a`, `b` (not both) the size of
    /// the other: of the square matrix it is added to or equal to (`op`
    /// not `*`), or of the vector or matrix it multiplies (its rows when
    /// `I` is on the left, its columns when on the right). A scalar factor
    /// (`λ I`) leaves the size to what surrounds the product.
    pub(crate) fn size_identities(
        &mut self,
        op: Option<BinOp>,
        a: &'a Expr,
        b: &'a Expr,
        scope: &Rc<Scope<'a>>,
    ) -> R<()> {
        let (ia, ib) = (self.identities_in(a, scope), self.identities_in(b, scope));
        let (ids, other, on_left) = match (ia.is_empty(), ib.is_empty()) {
            (false, true) => (ia, b, true),
            (true, false) => (ib, a, false),
            _ => return Ok(()),
        };
        if ids
            .iter()
            .all(|i| self.shapes.contains_key(&memo_key(i, scope)))
        {
            return Ok(());
        }
        let s = self.shape_of(other, scope)?;
        let dim = match (op, &s.0[..]) {
            (Some(BinOp::Mul), []) => return Ok(()),
            (Some(BinOp::Mul), [first, ..]) if on_left => *first,
            (Some(BinOp::Mul), [.., last]) => *last,
            (_, [m, n]) if m == n => *m,
            _ => return Ok(()),
        };
        for i in ids {
            self.shapes
                .entry(memo_key(i, scope))
                .or_insert_with(|| Shape(vec![dim, dim]));
        }
        Ok(())
    }

    /// The uses of the identity `I` in `e`, outside definitions' bodies.
    fn identities_in(&mut self, e: &'a Expr, scope: &Rc<Scope<'a>>) -> Vec<&'a Expr> {
        let mut names = Vec::new();
        crate::lower::env::walk(e, &mut |n| {
            if matches!(&n.kind, ExprKind::Name(id) if id.name == crate::lower::builtins::IDENTITY)
            {
                names.push(n);
            }
        });
        names.retain(|n| match &n.kind {
            ExprKind::Name(id) => matches!(self.resolve(&id.name, scope), Resolved::Identity),
            _ => false,
        });
        names
    }

    /// The dimensions of what `∂/∂var` differentiates by.
    fn deriv_dims(&mut self, var: &'a Ident, scope: &Scope<'a>) -> R<Vec<DimId>> {
        match self.resolve(&var.name, scope) {
            Resolved::Var(v) => Ok(self.symbols.var(v).dims.clone()),
            Resolved::Let(l) => Ok(self.let_shape(l, var.span)?.0),
            _ => Err(not_a_variable(var)),
        }
    }

    pub(super) fn let_shape(&mut self, l: &LetEntry<'a>, use_span: Span) -> R<Shape> {
        let item = l.item;
        if let Some(s) = self.let_shapes.get(&item.name.name) {
            return Ok(s.clone());
        }
        if l.broken.get() {
            return Err(broken_use(&item.name.name, use_span, item.name.span, "let"));
        }
        let result = self.nested(use_span, |this| {
            let scope = Rc::new(Scope::plain(false));
            this.indexed_shape(
                &item.indices,
                &item.value,
                &scope,
                |ix| {
                    format!(
                        "cannot tell the range of index `{}`: it never indexes a vector or matrix",
                        ix.name
                    )
                },
                |shape| {
                    format!(
                        "`let {}[...]` needs a scalar right side, but it is {shape}",
                        item.name.name
                    )
                },
            )
        });
        let s = result?;
        self.let_shapes.insert(item.name.name.clone(), s.clone());
        Ok(s)
    }

    /// The shape of `NAME[indices] = body` (a let or a vector-valued
    /// definition): one dimension per written index, found from its uses in
    /// `body`, then the body's own, which must be scalar when indices are
    /// written. The two messages say what is wrong in the caller's words.
    fn indexed_shape(
        &mut self,
        indices: &'a [Ident],
        body: &'a Expr,
        scope: &Rc<Scope<'a>>,
        no_range: impl Fn(&Ident) -> String,
        not_scalar: impl Fn(&str) -> String,
    ) -> R<Shape> {
        let mut dims = Vec::new();
        for ix in indices {
            match self.infer_dim(&ix.name, body, scope)? {
                Some((d, _)) => dims.push(d),
                None => return Err(Diagnostic::new(ix.span, no_range(ix))),
            }
        }
        let shape = self.shape_of(body, scope)?;
        if !indices.is_empty() && !shape.is_scalar() {
            let described = shape.describe(&self.symbols);
            return Err(Diagnostic::new(body.span, not_scalar(&described)));
        }
        dims.extend(shape.0);
        Ok(Shape(dims))
    }

    /// Checks the call's argument count and shapes; returns the argument
    /// shapes and whether the call applies elementwise.
    pub(super) fn check_call(
        &mut self,
        d: &DefEntry<'a>,
        func: &Ident,
        args: &'a [Expr],
        scope: &Rc<Scope<'a>>,
        span: Span,
    ) -> R<(Vec<Shape>, bool)> {
        let def = d.def;
        if d.broken.get() {
            return Err(broken_use(
                &func.name,
                func.span,
                def.name.span,
                "definition",
            ));
        }
        if args.len() != def.params.len() {
            return Err(arity(span, &func.name, def.params.len(), args.len()));
        }
        let mut shapes = Vec::new();
        for a in args {
            shapes.push(self.shape_of(a, scope)?);
        }
        let unindexed = def.result_indices.is_empty() && d.ranks.iter().all(|&r| r == 0);
        if unindexed {
            // A definition that never indexes its parameters applies
            // elementwise (`sigma(t)` on a vector) when its arguments
            // broadcast together. One written in matrix notation
            // (`layer(A, c, v) := sigma(A v + c)`, or any body with a
            // transpose) binds its parameters to whole arguments instead;
            // its body's shapes are then checked where it is expanded.
            let mut transposes = false;
            crate::lower::env::walk(&def.body, &mut |n| {
                transposes |= matches!(n.kind, ExprKind::Transpose(_));
            });
            let broadcast = shapes
                .iter()
                .try_fold(Shape::scalar(), |s, sa| s.broadcast(sa));
            return Ok((shapes, broadcast.is_some() && !transposes));
        }
        for ((a, sa), (p, &r)) in args
            .iter()
            .zip(&shapes)
            .zip(def.params.iter().zip(&d.ranks))
        {
            if sa.rank() != r {
                let want = match r {
                    0 => "a scalar".to_string(),
                    1 => "a vector".to_string(),
                    2 => "a matrix".to_string(),
                    _ => format!("a value with {}", plural(r, "index")),
                };
                let mut diag = Diagnostic::new(
                    a.span,
                    format!(
                        "`{}` expects {want} for its parameter `{}`, but this argument is {}",
                        func.name,
                        p.name,
                        sa.describe(&self.symbols)
                    ),
                );
                if !d.builtin {
                    diag = diag.with_label(
                        p.span,
                        format!("`{}` is used with {} here", p.name, plural(r, "index")),
                    );
                }
                return Err(diag);
            }
        }
        Ok((shapes, false))
    }

    fn call_shape(
        &mut self,
        d: &DefEntry<'a>,
        func: &Ident,
        args: &'a [Expr],
        scope: &Rc<Scope<'a>>,
        span: Span,
    ) -> R<Shape> {
        let (shapes, elementwise) = self.check_call(d, func, args, scope, span)?;
        if elementwise {
            return Ok(shapes
                .iter()
                .fold(Shape::scalar(), |s, a| s.broadcast(a).unwrap_or(s)));
        }
        let result = self.nested(span, |this| {
            let def = d.def;
            let inner = Rc::new(this.bind(d, args, scope, &[]));
            this.indexed_shape(
                &def.result_indices,
                &def.body,
                &inner,
                |r| format!("cannot tell the range of result index `{}`", r.name),
                |shape| format!("the body of `{}` is {shape}; expected a scalar, since its result indices are written on the left", def.name.name),
            )
        })
        .map_err(|d| expanded_from(d, span, &func.name));
        result
    }

    /// The dimension index `name` ranges over in `e`, from its first use as
    /// an index of a vector or matrix (or as the partner of a Kronecker
    /// delta whose other index is known), with the span of that use.
    pub(crate) fn infer_dim(
        &mut self,
        name: &str,
        e: &'a Expr,
        scope: &Rc<Scope<'a>>,
    ) -> R<Option<(DimId, Span)>> {
        if let Some(found) = self.infer_from_uses(name, e, scope)? {
            return Ok(Some(found));
        }
        let mut found = None;
        crate::lower::env::walk(e, &mut |n| {
            if found.is_some() {
                return;
            }
            if let ExprKind::Delta(a, b) = &n.kind {
                let other = if a.name == name {
                    b
                } else if b.name == name {
                    a
                } else {
                    return;
                };
                let known = scope
                    .indices
                    .iter()
                    .rev()
                    .find(|(n, ..)| *n == other.name)
                    .map(|x| x.1)
                    .or_else(|| {
                        scope
                            .link
                            .then(|| self.free.get(&other.name).map(|x| x.0))
                            .flatten()
                    });
                if let Some(id) = known {
                    found = Some((self.symbols.index_dim(id), other.span));
                }
            }
        });
        Ok(found)
    }

    fn infer_from_uses(
        &mut self,
        name: &str,
        e: &'a Expr,
        scope: &Rc<Scope<'a>>,
    ) -> R<Option<(DimId, Span)>> {
        self.tick(e.span)?;
        self.recursion += 1;
        let r = self.infer_from_uses_inner(name, e, scope);
        self.recursion -= 1;
        r
    }

    fn infer_from_uses_inner(
        &mut self,
        name: &str,
        e: &'a Expr,
        scope: &Rc<Scope<'a>>,
    ) -> R<Option<(DimId, Span)>> {
        match &e.kind {
            ExprKind::Num(_) | ExprKind::Name(_) | ExprKind::Delta(..) => Ok(None),
            ExprKind::Call { args, .. } => {
                for a in args {
                    if let Some(f) = self.infer_from_uses(name, a, scope)? {
                        return Ok(Some(f));
                    }
                }
                Ok(None)
            }
            ExprKind::Index { base, indices } => {
                if let Some(f) = self.infer_from_uses(name, base, scope)? {
                    return Ok(Some(f));
                }
                if let Some(k) = indices.iter().position(|i| i.name == name) {
                    let bs = self.shape_of(base, scope)?;
                    if let Some(&d) = bs.0.get(k) {
                        return Ok(Some((d, indices[k].span)));
                    }
                }
                Ok(None)
            }
            ExprKind::Neg(a) | ExprKind::Transpose(a) => self.infer_from_uses(name, a, scope),
            ExprKind::Binary { .. } if is_sum_chain(e) => {
                // Walked, not recursed: a chain can be thousands long.
                let mut operands = Vec::new();
                let mut at: &'a Expr = e;
                while let ExprKind::Binary { lhs, rhs, .. } = &at.kind {
                    if !is_sum_chain(at) {
                        break;
                    }
                    operands.push(&**rhs);
                    at = lhs;
                }
                operands.push(at);
                for operand in operands.into_iter().rev() {
                    if let Some(f) = self.infer_from_uses(name, operand, scope)? {
                        return Ok(Some(f));
                    }
                }
                Ok(None)
            }
            ExprKind::Binary { lhs, rhs, .. } => match self.infer_from_uses(name, lhs, scope)? {
                Some(f) => Ok(Some(f)),
                None => self.infer_from_uses(name, rhs, scope),
            },
            ExprKind::Sum {
                index,
                except,
                body,
            } => {
                if index.name == name {
                    return Ok(None);
                }
                // In `sum(i != j, ...)`, j ranges over what i ranges over.
                if let Some(j) = except.as_ref().filter(|j| j.name == name) {
                    if let Some((d, _)) = self.infer_from_uses(&index.name, body, scope)? {
                        return Ok(Some((d, j.span)));
                    }
                }
                self.infer_from_uses(name, body, scope)
            }
            ExprKind::Deriv { var, indices, body } => {
                if let Some(k) = indices.iter().position(|i| i.name == name) {
                    let dims = match self.resolve(&var.name, scope) {
                        Resolved::Var(v) => self.symbols.var(v).dims.clone(),
                        Resolved::Let(l) => self.let_shape(l, var.span)?.0,
                        _ => Vec::new(),
                    };
                    if let Some(&d) = dims.get(k) {
                        return Ok(Some((d, indices[k].span)));
                    }
                }
                self.infer_from_uses(name, body, scope)
            }
        }
    }

    /// The id of index `ix` in `scope`, checking that it ranges over `want`.
    pub(super) fn index(
        &mut self,
        ix: &Ident,
        want: Option<DimId>,
        scope: &Scope<'a>,
    ) -> R<IndexId> {
        let found = scope
            .indices
            .iter()
            .rev()
            .find(|(n, ..)| *n == ix.name)
            .map(|x| (x.1, x.2))
            .or_else(|| {
                if scope.link {
                    self.free.get(&ix.name).copied()
                } else {
                    None
                }
            });
        let Some((id, first)) = found else {
            return Err(Diagnostic::new(ix.span, format!("index `{}` is not bound here; expected a free index of the claim or the index of an enclosing sum", ix.name)));
        };
        let have = self.symbols.index_dim(id);
        if let Some(want) = want {
            if want != have {
                return Err(Diagnostic::new(
                    ix.span,
                    format!(
                        "index `{}` ranges over `{}` here but over `{}` where its range was fixed; expected one dimension per index",
                        ix.name,
                        self.symbols.dim_name(want),
                        self.symbols.dim_name(have)
                    ),
                )
                .with_label(first, format!("`{}` ranges over `{}` here", ix.name, self.symbols.dim_name(have))));
            }
        }
        Ok(id)
    }
}

fn broken_use(name: &str, span: Span, def_span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        span,
        format!("`{name}` cannot be used: its {what} has an error"),
    )
    .with_label(def_span, format!("the {what} of `{name}`"))
}

/// A short description of an expression for messages: `` `x` `` or
/// `` `f(...)` `` when it is a name or call, else "this expression".
fn text_of(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(id) => format!("`{}`", id.name),
        ExprKind::Call { func, .. } => format!("`{}(...)`", func.name),
        _ => "this expression".to_string(),
    }
}

/// Whether `e` is a `+` or `-` of a chain (see `Expander::lower_sum_chain`).
fn is_sum_chain(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Binary {
            op: BinOp::Add | BinOp::Sub,
            ..
        }
    )
}
