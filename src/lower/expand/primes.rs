//! Primes: `f′(a)` is the derivative of the one-argument function `f`,
//! taken at `a` (`f′′(a)` the second). It is lowered as a derivative by a
//! variable of its own that stands for `a`, the mechanism of a derivative
//! by a let-name (see [`crate::expr::Binding`]): inside the derivative the
//! variable is free, so `f` is differentiated as a function, and once the
//! derivative is taken it stands for `a` again. Both witnesses already give
//! that its meaning, each in its own way.

use super::{unknown_function, Arg, Fixed, Lowerer, Resolved, Scope, R};
use crate::diag::{plural, Diagnostic};
use crate::expr::{Binding, Id, IndexId, Node, Store};
use crate::lower::builtins::BuiltinFn;
use crate::lower::env::DefEntry;
use crate::syntax::ast::{Expr, Ident};
use crate::syntax::print::print_expr;
use crate::syntax::span::Span;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::rc::Rc;

/// What a prime differentiates: a builtin or a definition of one scalar.
enum Primed<'s, 'a> {
    Builtin(BuiltinFn),
    Def(&'s DefEntry<'a>),
}

impl<'a> Lowerer<'a> {
    /// Lowers `base′…′(args)` (`n` primes) at `idx`.
    pub(super) fn lower_primed(
        &mut self,
        e: &'a Expr,
        func: &'a Ident,
        (base, n): (&'a str, usize),
        args: &'a [Expr],
        scope: &Rc<Scope<'a>>,
        idx: &[IndexId],
    ) -> R<Id> {
        let target = match self.resolve(base, scope) {
            Resolved::Builtin(b) => Primed::Builtin(b),
            Resolved::Def(d)
                if d.def.params.len() == 1 && d.def.result_indices.is_empty() && d.ranks == [0] =>
            {
                Primed::Def(d)
            }
            Resolved::Def(d) => {
                return Err(prime_of_several(e, func, base, d.def.params.len(), args))
            }
            Resolved::Unknown => {
                let id = Ident {
                    name: base.to_string(),
                    span: func.span,
                };
                return Err(unknown_function(&id));
            }
            _ => {
                return Err(Diagnostic::new(
                    func.span,
                    format!(
                        "`{base}` is not a function, so it has no derivative `{}`",
                        func.name
                    ),
                ))
            }
        };
        let [a] = args else {
            return Err(prime_of_several(e, func, base, 1, args));
        };
        let value = self.lower_at(a, scope, idx)?;
        let free = free_indices(&self.store, value);
        let dims: Vec<_> = free.iter().map(|&i| self.symbols.index_dim(i)).collect();
        // One variable per prime, each standing for the one outside it: the
        // inner derivative, once taken, is a function of the outer variable.
        let mut vars = Vec::with_capacity(n);
        let mut stands_for = value;
        for _ in 0..n {
            let binding = Binding {
                indices: free.clone(),
                value: stands_for,
            };
            let v = self.symbols.add_bound_var(base, dims.clone(), binding);
            stands_for = self.store.add(Node::Var(v, free.clone()));
            vars.push(v);
        }
        let mut body = match target {
            Primed::Builtin(b) => self.apply_builtin(b, stands_for),
            Primed::Def(d) => self.expand_at(d, a, stands_for, scope, e.span)?,
        };
        for &v in vars.iter().rev() {
            body = self.store.add(Node::Deriv {
                body,
                var: v,
                at: free.clone(),
            });
        }
        Ok(body)
    }

    /// The body of the one-scalar definition `d` at the lowered scalar
    /// `value`, as a file's top level sees it (to compare it with a builtin).
    pub(crate) fn lower_def_at(&mut self, d: &DefEntry<'a>, value: Id) -> R<Id> {
        self.expand_at(d, &d.def.body, value, &Scope::top(), d.def.name.span)
    }

    /// The body of the one-scalar definition `d` with its parameter bound to
    /// the lowered `value` (`arg` is the argument as written, for messages).
    fn expand_at(
        &mut self,
        d: &DefEntry<'a>,
        arg: &'a Expr,
        value: Id,
        scope: &Rc<Scope<'a>>,
        span: Span,
    ) -> R<Id> {
        let bound = Arg {
            expr: arg,
            scope: scope.clone(),
            at: Vec::new(),
            cache: RefCell::new(FxHashMap::default()),
            fixed: Some(Fixed::Value(value)),
        };
        let key = (
            d.def as *const crate::syntax::ast::Def as usize,
            d.builtin,
            vec![(usize::MAX, 0, 0)],
        );
        let next = self.frames.len() + 1;
        let frame = *self.frames.entry(key).or_insert(next);
        let inner = Scope {
            params: Rc::from([(d.def.params[0].name.as_str(), Rc::new(bound))]),
            frame,
            indices: Vec::new(),
            link: false,
            builtin: d.builtin,
        };
        self.nested(span, |this| {
            this.lower_at(&d.def.body, &Rc::new(inner), &[])
        })
    }
}

/// `f′(x, y)`: a prime is the derivative of a function of one argument.
/// The help writes the partial derivative by the first argument, which is
/// what the prime most likely meant.
pub(crate) fn prime_of_several(
    e: &Expr,
    func: &Ident,
    base: &str,
    params: usize,
    args: &[Expr],
) -> Diagnostic {
    let call = format!(
        "{base}({})",
        args.iter().map(print_expr).collect::<Vec<_>>().join(", ")
    );
    let by = args
        .first()
        .map(print_expr)
        .filter(|a| !a.contains([' ', '(']))
        .unwrap_or_else(|| "x".to_string());
    Diagnostic::new(
        e.span,
        format!(
            "`{}` is the derivative of a function of one argument, but `{base}` takes {}",
            func.name,
            plural(params, "argument")
        ),
    )
    .with_help(format!(
        "write the partial derivative by one argument, as in `∂/∂{by} {call}`"
    ))
}

/// The indices of `id` not bound by a sum inside it, in order of first
/// appearance: those the value of a primed call depends on.
fn free_indices(store: &Store, id: Id) -> Vec<IndexId> {
    let mut seen = FxHashSet::default();
    let mut bound = FxHashSet::default();
    let mut order = Vec::new();
    let mut stack = vec![id];
    let mut visited = FxHashSet::default();
    while let Some(n) = stack.pop() {
        if !visited.insert(n) {
            continue;
        }
        let node = store.get(n);
        let mut note = |i: &IndexId| {
            if seen.insert(*i) {
                order.push(*i);
            }
        };
        match node {
            Node::Var(_, ix) => ix.iter().for_each(&mut note),
            Node::Delta(a, b) => {
                note(a);
                note(b);
            }
            Node::Deriv { at, .. } => at.iter().for_each(&mut note),
            Node::Sum { index, except, .. } => {
                bound.insert(*index);
                except.iter().for_each(&mut note);
            }
            _ => {}
        }
        let kids = crate::expr::children(node);
        stack.extend(kids.into_iter().rev());
    }
    order.retain(|i| !bound.contains(i));
    order
}
