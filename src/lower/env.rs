//! The declaration environment: variables, definitions and lets by name,
//! with the checks that need no expression shapes (duplicates, reserved
//! names, unknown names, arity, unbound indices, cycles).

use super::builtins::{builtin_defs, builtin_fn, constant};
use super::names::{did_you_mean, free_indices, rebound_sum_index, rename_sum_index};
use crate::diag::{plural, Diagnostic};
use crate::expr::{Constant, Domain, Symbols, VarId};
use crate::syntax::ast::{Def, Expr, ExprKind, File, Ident, Item, Let, ShapeSpec};
use crate::syntax::parser::split_primes;
use crate::syntax::span::Span;
use std::cell::Cell;
use std::collections::HashMap;

/// A declared variable.
#[derive(Clone, Debug)]
pub struct VarEntry<'a> {
    /// Its handle in [`Symbols`].
    pub id: VarId,
    /// Its name where it was declared (a reference, not a copy of the
    /// span: a file may declare millions of variables, issue #14).
    pub name: &'a Ident,
}

/// A function definition (the file's, or the builtin `softmax`).
#[derive(Debug)]
pub struct DefEntry<'a> {
    /// The definition.
    pub def: &'a Def,
    /// How many indices each parameter takes in the body (0: a scalar, so a
    /// call with vector arguments applies elementwise).
    pub ranks: Vec<usize>,
    /// True for `softmax` when the file does not define its own: names in its
    /// body resolve to builtins only.
    pub builtin: bool,
    /// Set when the definition has an error; uses of it fail.
    pub broken: Cell<bool>,
    /// Set when the definition bears a builtin function's name and means
    /// the same function (see `redefine.rs`): uses then get the builtin,
    /// with its rules.
    pub same_as_builtin: Cell<bool>,
}

/// A `let` item.
#[derive(Debug)]
pub struct LetEntry<'a> {
    /// The item.
    pub item: &'a Let,
    /// Its position among the file's lets (a let may use only earlier ones).
    pub position: usize,
    /// Set when the let has an error; uses of it fail.
    pub broken: Cell<bool>,
    /// How many lets deep its value is built: 1 for a let of variables
    /// only, one more than the deepest let it uses otherwise (bounded by
    /// [`MAX_LET_DEPTH`]).
    pub depth: Cell<usize>,
}

/// How deeply lets may build on each other (`let a2 = f(a1)`, `let a3 =
/// f(a2)`, …). Each let is lowered once, so a long chain costs no
/// expansion depth; but every level deepens the expressions the claims
/// that use the last let are checked on (derivatives of derivatives of
/// the whole chain), so a chain of thousands is refused where it is
/// written rather than left to exhaust a budget far away.
pub const MAX_LET_DEPTH: usize = 256;

/// What a global name stands for.
#[derive(Debug)]
pub enum Global<'a> {
    /// A declared variable.
    Var(VarEntry<'a>),
    /// A function definition (boxed, like the let: a variable, by far
    /// the most common global, then costs only its own size).
    Def(Box<DefEntry<'a>>),
    /// A named expression.
    Let(Box<LetEntry<'a>>),
}

impl Global<'_> {
    fn span(&self) -> Span {
        match self {
            Global::Var(v) => v.name.span,
            Global::Def(d) => d.def.name.span,
            Global::Let(l) => l.item.name.span,
        }
    }
}

/// Every name a file declares or defines.
#[derive(Debug, Default)]
pub struct Env<'a> {
    /// Variables, definitions and lets by name. Keyed by the names in the
    /// syntax tree (or the builtins' static ones), not copies: a file may
    /// declare millions of variables (issue #14).
    pub globals: HashMap<&'a str, Global<'a>>,
    /// Dimension names used in declarations (`n` in `x : vector[n]`): a
    /// set, since a file may name a hundred thousand.
    pub dims: std::collections::HashSet<String>,
}

impl<'a> Env<'a> {
    /// What `name` stands for at the top level, if declared.
    pub fn get(&self, name: &str) -> Option<&Global<'a>> {
        self.globals.get(name)
    }

    /// The definition called `name`, if any.
    pub fn def(&self, name: &str) -> Option<&DefEntry<'a>> {
        match self.globals.get(name) {
            Some(Global::Def(d)) => Some(d),
            _ => None,
        }
    }

    /// Names usable as values (variables, lets, constants), for suggestions.
    pub fn value_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .globals
            .iter()
            .filter(|(_, g)| !matches!(g, Global::Def(_)))
            .map(|(n, _)| *n)
            .collect();
        v.extend(["e", "pi"]);
        v.sort_unstable();
        v
    }

    /// Names callable as functions, for suggestions.
    pub fn function_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .globals
            .iter()
            .filter(|(n, g)| {
                matches!(g, Global::Def(_))
                    && **n != super::builtins::SOFTMAX_ROWS
                    && **n != super::builtins::NORM_SCALAR
            })
            .map(|(n, _)| *n)
            .collect();
        v.extend(["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid"]);
        v.extend(["abs", "sign", "relu", "step", "softplus"]);
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Names of declared variables, for suggestions.
    pub fn variable_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .globals
            .iter()
            .filter(|(_, g)| matches!(g, Global::Var(_)))
            .map(|(n, _)| *n)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Collects declarations, definitions and lets into an [`Env`] (adding
/// dimensions and variables to `symbols`) and reports what is wrong with them.
pub fn build_env<'a>(file: &'a File, symbols: &mut Symbols) -> (Env<'a>, Vec<Diagnostic>) {
    let mut env = Env::default();
    // Sized once: grown by doubling, the tables would hold up to twice
    // the room (and, while growing, the old and the new copy) for a file
    // of millions of declarations (issue #14).
    let declared: usize = (file.items.iter())
        .map(|item| match item {
            Item::Decl(d) => d.names.len(),
            Item::Def(_) | Item::Let(_) => 1,
            Item::Claim(_) | Item::Goal(_) => 0,
        })
        .sum();
    env.globals.reserve(declared + builtin_defs().len());
    symbols.vars.reserve_exact(declared);
    let mut errors = Vec::new();
    let mut let_count = 0;
    for item in &file.items {
        match item {
            Item::Decl(decl) => {
                for name in &decl.names {
                    if let Some(d) = reserved(name, "a variable") {
                        errors.push(d);
                        continue;
                    }
                    if let Some(d) = duplicate(&env, name) {
                        errors.push(d);
                        continue;
                    }
                    let dims = match (&decl.ty.shape, decl.ty.domain) {
                        (ShapeSpec::Scalar, dom @ (Domain::Simplex | Domain::Onehot)) => {
                            errors.push(
                                Diagnostic::new(
                                    decl.ty.span,
                                    format!("a {} variable is a vector; expected a dimension, as in `{} : {}[n]`", dom.keyword(), name.name, dom.keyword()),
                                ),
                            );
                            continue;
                        }
                        (ShapeSpec::Matrix(..), dom @ (Domain::Simplex | Domain::Onehot)) => {
                            errors.push(Diagnostic::new(
                                decl.ty.span,
                                format!("a {} variable is a vector, not a matrix", dom.keyword()),
                            ));
                            continue;
                        }
                        (ShapeSpec::Matrix(md), Domain::Symmetric) if md[0].name != md[1].name => {
                            let m = &md[0];
                            errors.push(
                                Diagnostic::new(decl.ty.span, format!("a symmetric matrix is square; expected `{} : symmetric matrix[{}, {}]`", name.name, m.name, m.name)),
                            );
                            continue;
                        }
                        (ShapeSpec::Scalar | ShapeSpec::Vector(_), Domain::Symmetric) => {
                            errors.push(
                                Diagnostic::new(decl.ty.span, format!("only a matrix can be symmetric; expected `{} : symmetric matrix[n, n]`", name.name)),
                            );
                            continue;
                        }
                        (ShapeSpec::Scalar, _) => vec![],
                        (ShapeSpec::Vector(n), _) => vec![symbols.dim(&n.name)],
                        (ShapeSpec::Matrix(md), _) => {
                            vec![symbols.dim(&md[0].name), symbols.dim(&md[1].name)]
                        }
                    };
                    for &d in &dims {
                        let dn = symbols.dim_name(d);
                        if !env.dims.contains(dn) {
                            env.dims.insert(dn.to_string());
                        }
                    }
                    let id = symbols.add_var(&name.name, dims, decl.ty.domain);
                    env.globals
                        .insert(&name.name, Global::Var(VarEntry { id, name }));
                }
            }
            Item::Def(def) => {
                if let Some(d) =
                    constant(&def.name.name).and_then(|_| reserved(&def.name, "a function"))
                {
                    errors.push(d);
                    continue;
                }
                if let Some(d) = duplicate(&env, &def.name) {
                    errors.push(d);
                    continue;
                }
                let mut broken = false;
                for (k, p) in def.params.iter().enumerate() {
                    if let Some(d) = reserved(p, "a parameter") {
                        errors.push(d);
                        broken = true;
                    } else if let Some(first) = def.params[..k].iter().find(|q| q.name == p.name) {
                        errors.push(
                            Diagnostic::new(p.span, format!("parameter `{}` appears twice in the definition of `{}`; expected distinct parameter names", p.name, def.name.name))
                                .with_label(first.span, "first here"),
                        );
                        broken = true;
                    }
                }
                for (k, r) in def.result_indices.iter().enumerate() {
                    if let Some(first) = def.result_indices[..k].iter().find(|q| q.name == r.name) {
                        errors.push(
                            Diagnostic::new(r.span, format!("result index `{}` appears twice; expected distinct index names", r.name))
                                .with_label(first.span, "first here"),
                        );
                        broken = true;
                    }
                }
                let ranks = match param_ranks(def) {
                    Ok(r) => r,
                    Err(d) => {
                        errors.push(d);
                        broken = true;
                        vec![0; def.params.len()]
                    }
                };
                env.globals.insert(
                    &def.name.name,
                    Global::Def(Box::new(DefEntry {
                        def,
                        ranks,
                        builtin: false,
                        broken: Cell::new(broken),
                        same_as_builtin: Cell::new(false),
                    })),
                );
            }
            Item::Let(l) => {
                if let Some(d) = reserved(&l.name, "a let") {
                    errors.push(d);
                    continue;
                }
                if let Some(d) = duplicate(&env, &l.name) {
                    errors.push(d);
                    continue;
                }
                env.globals.insert(
                    &l.name.name,
                    Global::Let(Box::new(LetEntry {
                        item: l,
                        position: let_count,
                        broken: Cell::new(false),
                        depth: Cell::new(1),
                    })),
                );
                let_count += 1;
            }
            // A goal is matched by `grade`, never checked.
            Item::Claim(_) | Item::Goal(_) => {}
        }
    }
    for (name, def) in builtin_defs() {
        if !env.globals.contains_key(name.as_str()) {
            let ranks = param_ranks(def).unwrap_or_default();
            env.globals.insert(
                name,
                Global::Def(Box::new(DefEntry {
                    def,
                    ranks,
                    builtin: true,
                    broken: Cell::new(false),
                    same_as_builtin: Cell::new(false),
                })),
            );
        }
    }

    // Bodies are checked only once every name is known, so that definitions
    // may use each other in any order.
    for item in &file.items {
        match item {
            Item::Def(def) => {
                let Some(entry) = env
                    .def(&def.name.name)
                    .filter(|e| std::ptr::eq(e.def, &**def))
                else {
                    continue;
                };
                let mut errs = check_names(&env, &def.body, &def.params, None);
                let free = free_indices(&def.body);
                for f in &free {
                    if !def.result_indices.iter().any(|r| r.name == f.name) {
                        errs.push(
                            Diagnostic::new(f.span, format!("index `{}` is not bound in the definition of `{}`; expected a result index (`{}(...)[{}] := ...`) or a sum over it", f.name, def.name.name, def.name.name, f.name)),
                        );
                    }
                }
                for r in &def.result_indices {
                    if !free.iter().any(|f| f.name == r.name) {
                        errs.push(Diagnostic::new(r.span, format!("result index `{}` is not used to index anything in the body, so its range is unknown", r.name)));
                    }
                }
                if !errs.is_empty() {
                    entry.broken.set(true);
                    errors.extend(errs);
                }
            }
            Item::Let(l) => {
                let Some(Global::Let(entry)) = env.get(&l.name.name) else {
                    continue;
                };
                if !std::ptr::eq(entry.item, &**l) {
                    continue;
                }
                let mut errs = check_names(&env, &l.value, &[], Some(entry.position));
                // Earlier lets have their depth already (lets are checked in
                // order and use only earlier ones).
                let mut deepest: Option<&LetEntry> = None;
                walk(&l.value, &mut |node| {
                    if let ExprKind::Name(n) = &node.kind {
                        if let Some(Global::Let(used)) = env.get(&n.name) {
                            if used.position < entry.position
                                && deepest.is_none_or(|d| used.depth.get() > d.depth.get())
                            {
                                deepest = Some(used);
                            }
                        }
                    }
                });
                if let Some(used) = deepest {
                    entry.depth.set(used.depth.get() + 1);
                    if used.depth.get() > MAX_LET_DEPTH {
                        // Reported at the first let past the limit; this
                        // one is broken with it (its uses say so).
                        entry.broken.set(true);
                    } else if entry.depth.get() > MAX_LET_DEPTH {
                        errs.push(
                            Diagnostic::new(
                                l.name.span,
                                format!(
                                    "`let {}` builds on lets nested more than {MAX_LET_DEPTH} levels deep (each let using the one before); expected a shallower chain of lets",
                                    l.name.name
                                ),
                            )
                            .with_label(used.item.name.span, format!("`{}` is {MAX_LET_DEPTH} levels deep", used.item.name.name))
                            .with_help("write the claim about an earlier let of the chain, or split the chain into claims about its parts"),
                        );
                    }
                }
                let free = free_indices(&l.value);
                for f in &free {
                    if !l.indices.iter().any(|r| r.name == f.name) {
                        errs.push(
                            Diagnostic::new(f.span, format!("index `{}` is free in `let {}`; expected it on the left side (`let {}[{}] = ...`) or bound by a sum", f.name, l.name.name, l.name.name, f.name)),
                        );
                    }
                }
                for r in &l.indices {
                    if !free.iter().any(|f| f.name == r.name) {
                        errs.push(Diagnostic::new(r.span, format!("index `{}` is not used to index anything on the right side, so its range is unknown", r.name)));
                    }
                }
                if !errs.is_empty() {
                    entry.broken.set(true);
                    errors.extend(errs);
                }
            }
            _ => {}
        }
    }
    errors.extend(find_cycles(&env));
    (env, errors)
}

fn reserved(name: &Ident, what: &str) -> Option<Diagnostic> {
    let c = constant(&name.name)?;
    let meaning = match c {
        Constant::E => "Euler's number",
        Constant::Pi => "π",
    };
    Some(
        Diagnostic::new(
            name.span,
            format!(
                "`{}` is reserved for {meaning} and cannot name {what}",
                name.name
            ),
        )
        .with_help("choose another name"),
    )
}

fn duplicate(env: &Env, name: &Ident) -> Option<Diagnostic> {
    let first = env.get(&name.name)?;
    Some(
        Diagnostic::new(
            name.span,
            format!(
                "`{}` is declared twice; expected each name to be declared once",
                name.name
            ),
        )
        .with_label(first.span(), "first declared here"),
    )
}

/// How many indices each parameter takes, from its uses in the body.
fn param_ranks(def: &Def) -> Result<Vec<usize>, Diagnostic> {
    let mut ranks: Vec<Option<(usize, Span)>> = vec![None; def.params.len()];
    let mut err = None;
    walk(&def.body, &mut |e| {
        if let ExprKind::Index { base, indices } = &e.kind {
            if let ExprKind::Name(n) = &base.kind {
                if let Some(k) = def.params.iter().position(|p| p.name == n.name) {
                    match ranks[k] {
                        None => ranks[k] = Some((indices.len(), e.span)),
                        Some((r, first)) if r != indices.len() && err.is_none() => {
                            err = Some(
                                Diagnostic::new(e.span, format!("parameter `{}` takes {} here but {} at its first use; expected the same number of indices at every use", n.name, plural(indices.len(), "index"), plural(r, "index")))
                                    .with_label(first, "first use"),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    });
    match err {
        Some(d) => Err(d),
        None => Ok(ranks.into_iter().map(|r| r.map_or(0, |r| r.0)).collect()),
    }
}

/// Calls `f` on every node of `e`, parents first.
pub fn walk<'e>(e: &'e Expr, f: &mut impl FnMut(&'e Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Name(_) | ExprKind::Delta(..) => {}
        ExprKind::Call { args, .. } => args.iter().for_each(|a| walk(a, f)),
        ExprKind::Index { base, .. } => walk(base, f),
        ExprKind::Neg(a) | ExprKind::Transpose(a) => walk(a, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk(lhs, f);
            walk(rhs, f);
        }
        ExprKind::Sum { body, .. } | ExprKind::Deriv { body, .. } => walk(body, f),
    }
}

/// Checks that every name in `e` is known and every call has the right
/// number of arguments. `params` are the enclosing definition's parameters;
/// `let_limit` restricts lets to those before the given position.
pub fn check_names(
    env: &Env,
    e: &Expr,
    params: &[Ident],
    let_limit: Option<usize>,
) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    if let Some((sum, outer)) = rebound_sum_index(e, &mut Vec::new()) {
        if let ExprKind::Sum { index: inner, .. } = &sum.kind {
            let mut d = Diagnostic::new(
                inner.span,
                format!("the sum's index `{}` is already bound by an enclosing sum; expected a new name", inner.name),
            )
            .with_label(outer, format!("`{}` is bound here", inner.name))
            .with_help("rename the inner sum's index");
            d.fix = rename_sum_index(e, sum, &[]);
            errs.push(d);
        }
    }
    walk(e, &mut |node| match &node.kind {
        ExprKind::Name(n) => {
            if params.iter().any(|p| p.name == n.name) || constant(&n.name).is_some() {
                return;
            }
            match env.get(&n.name) {
                Some(Global::Var(_)) => {}
                Some(Global::Let(l)) => {
                    if let Some(limit) = let_limit {
                        if l.position >= limit {
                            errs.push(
                                Diagnostic::new(n.span, format!("`{}` is defined by a later let; expected a let to use only variables and earlier lets", n.name))
                                    .with_label(l.item.name.span, "defined here"),
                            );
                        }
                    }
                }
                Some(Global::Def(d)) => errs.push(
                    Diagnostic::new(
                        n.span,
                        format!(
                            "`{}` is a function; expected it to be called with {}",
                            n.name,
                            plural(d.def.params.len(), "argument")
                        ),
                    )
                    .with_help(format!("write `{}(...)`", n.name)),
                ),
                None if builtin_fn(&n.name).is_some() => errs.push(
                    Diagnostic::new(
                        n.span,
                        format!(
                            "`{}` is a function; expected it to be called with an argument",
                            n.name
                        ),
                    )
                    .with_help(format!("write `{}(...)`", n.name)),
                ),
                // A dimension used as a number (`N μ`, `1 / sqrt(d)`).
                None if env.dims.contains(&n.name) => {}
                // The identity matrix, sized where it is lowered.
                None if n.name == super::builtins::IDENTITY => {}
                None => {
                    let mut cands: Vec<&str> = env.value_names();
                    cands.extend(params.iter().map(|p| p.name.as_str()));
                    errs.push(unknown(n, "name", &cands));
                }
            }
        }
        ExprKind::Call { func, args } => {
            if params.iter().any(|p| p.name == func.name) {
                errs.push(Diagnostic::new(func.span, format!("`{}` is a parameter, not a function; expected a defined or builtin function", func.name)));
                return;
            }
            if let Some((base, _)) = split_primes(&func.name) {
                if let Some(d) = check_primed(env, node, func, base, args) {
                    errs.push(d);
                }
                return;
            }
            let arity = match env.get(&func.name) {
                Some(Global::Def(d)) => d.def.params.len(),
                Some(Global::Var(_) | Global::Let(_)) => {
                    errs.push(
                        Diagnostic::new(
                            func.span,
                            format!("`{}` is not a function, so it cannot be called", func.name),
                        )
                        .with_help(format!("to multiply, write `{} * (...)`", func.name))
                        .with_fix(func.span, format!("{} * ", func.name)),
                    );
                    return;
                }
                None if builtin_fn(&func.name).is_some() => 1,
                None => {
                    errs.push(unknown(func, "function", &env.function_names()));
                    return;
                }
            };
            if args.len() != arity {
                let mut d = Diagnostic::new(
                    node.span,
                    format!(
                        "`{}` takes {}, but {} given",
                        func.name,
                        plural(arity, "argument"),
                        if args.len() == 1 {
                            "1 was".to_string()
                        } else {
                            format!("{} were", args.len())
                        }
                    ),
                );
                if let Some(Global::Def(def)) = env.get(&func.name) {
                    if !def.builtin {
                        d = d.with_label(def.def.span, "defined here");
                    }
                }
                errs.push(d);
            }
        }
        ExprKind::Deriv { var, .. } => {
            if params.iter().any(|p| p.name == var.name) {
                errs.push(Diagnostic::new(
                    var.span,
                    format!(
                        "cannot differentiate by the parameter `{}`; expected a declared variable",
                        var.name
                    ),
                ));
                return;
            }
            match env.get(&var.name) {
                // A let-name is differentiated by as a variable of its own.
                Some(Global::Var(_)) | Some(Global::Let(_)) => {}
                _ => errs.push(unknown(var, "variable", &env.variable_names())),
            }
        }
        _ => {}
    });
    errs
}

/// What is wrong with the primed call `node` of `base`, if anything: a
/// prime needs a function of one scalar.
fn check_primed(
    env: &Env,
    node: &Expr,
    func: &Ident,
    base: &str,
    args: &[Expr],
) -> Option<Diagnostic> {
    let params = match env.get(base) {
        Some(Global::Def(d))
            if !d.def.result_indices.is_empty() || d.ranks.iter().any(|&r| r > 0) =>
        {
            return Some(
                Diagnostic::new(node.span, format!("`{}` is the derivative of a function of one scalar, but `{base}` takes or gives a vector", func.name))
                    .with_help(element_derivative_help(base, args)),
            );
        }
        Some(Global::Def(d)) => d.def.params.len(),
        Some(Global::Var(_) | Global::Let(_)) => {
            return Some(Diagnostic::new(
                func.span,
                format!(
                    "`{base}` is not a function, so it has no derivative `{}`",
                    func.name
                ),
            ))
        }
        None if builtin_fn(base).is_some() => 1,
        None => {
            let id = Ident {
                name: base.to_string(),
                span: func.span,
            };
            return Some(unknown(&id, "function", &env.function_names()));
        }
    };
    (params != 1 || args.len() != 1)
        .then(|| super::expand::prime_of_several(node, func, base, params, args))
}

/// The help for a prime of a vector function: the derivative of one
/// element by one element of the argument, written with the call's own
/// argument when it is a name.
fn element_derivative_help(base: &str, args: &[Expr]) -> String {
    match args {
        [a] if matches!(a.kind, ExprKind::Name(_)) => {
            let v = crate::syntax::print::print_expr(a);
            format!(
                "write the derivative of an element by an element, as in `∂{base}({v})[i]/∂{v}[j]`"
            )
        }
        _ => {
            format!("write the derivative of an element by an element, as in `∂{base}(z)[i]/∂z[j]`")
        }
    }
}

fn unknown(name: &Ident, what: &str, candidates: &[&str]) -> Diagnostic {
    let expected = match what {
        "variable" => "expected a declared variable to differentiate by",
        "function" => "expected a definition or a builtin function",
        _ => "expected a declared variable, a let, or a constant",
    };
    let d = Diagnostic::new(
        name.span,
        format!("unknown {what} `{}`; {expected}", name.name),
    );
    match did_you_mean(&name.name, candidates.iter().copied()) {
        Some(s) if s == "sigmoid" => d
            .with_help(format!(
                "did you mean the builtin `sigmoid` (also written `σ`)? Or define `{}(t) := ...`",
                name.name
            ))
            .with_fix(name.span, s),
        Some(s) => d
            .with_help(format!("did you mean `{s}`?"))
            .with_fix(name.span, s),
        None if what == "name" && name.name == "d" => d.with_help(
            "to differentiate, write `d/dx` with no blank inside: `d/d x` and `d / dx` divide by `d`",
        ),
        None if what == "function" => {
            d.with_help(format!("define it, e.g. `{}(t) := ...`", name.name))
        }
        // Declared at the file's start, where a declaration is always read.
        None => d
            .with_help(format!("declare it, e.g. `{} : real`", name.name))
            .with_fix(Span::new(0, 0), format!("{} : real\n", name.name)),
    }
}

/// Names of definitions and lets that `e` refers to (ignoring `params`).
fn references<'e>(e: &'e Expr, params: &[Ident]) -> Vec<&'e Ident> {
    let mut out = Vec::new();
    walk(e, &mut |n| match &n.kind {
        ExprKind::Name(id) | ExprKind::Call { func: id, .. }
            if !params.iter().any(|p| p.name == id.name) =>
        {
            out.push(id)
        }
        _ => {}
    });
    out
}

/// Reports definitions and lets that refer to themselves, directly or not,
/// and marks them broken (expanding them would never end).
fn find_cycles(env: &Env) -> Vec<Diagnostic> {
    let mut names: Vec<&str> = env
        .globals
        .iter()
        .filter(|(_, g)| !matches!(g, Global::Var(_)))
        .map(|(n, _)| *n)
        .collect();
    names.sort_by_key(|n| env.get(n).map(|g| g.span()).unwrap_or_default());
    let edges = |n: &str| -> Vec<Ident> {
        let refs = match env.get(n) {
            Some(Global::Def(d)) => references(&d.def.body, &d.def.params),
            Some(Global::Let(l)) => references(&l.item.value, &[]),
            _ => vec![],
        };
        refs.into_iter()
            .filter(|r| matches!(env.get(&r.name), Some(Global::Def(_) | Global::Let(_))))
            .cloned()
            .collect()
    };
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    let mut errs = Vec::new();
    for &start in &names {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        // Iterative DFS: the stack holds (name, its references, next position).
        let mut stack: Vec<(&str, Vec<Ident>, usize)> = vec![(start, edges(start), 0)];
        state.insert(start, 1);
        while let Some((name, refs, pos)) = stack.last_mut() {
            if *pos >= refs.len() {
                state.insert(name, 2);
                stack.pop();
                continue;
            }
            let r = refs[*pos].clone();
            *pos += 1;
            let Some((&key, _)) = env.globals.get_key_value(r.name.as_str()) else {
                continue;
            };
            match state.get(key).copied().unwrap_or(0) {
                0 => {
                    state.insert(key, 1);
                    stack.push((key, edges(key), 0));
                }
                1 => {
                    let from = stack.iter().position(|s| s.0 == key).unwrap_or(0);
                    let path: Vec<&str> = stack[from..].iter().map(|s| s.0).chain([key]).collect();
                    for n in &path {
                        match env.get(n) {
                            Some(Global::Def(d)) => d.broken.set(true),
                            Some(Global::Let(l)) => l.broken.set(true),
                            _ => {}
                        }
                    }
                    errs.push(
                        Diagnostic::new(
                            r.span,
                            format!(
                                "`{}` refers to itself ({}), so it can never be fully expanded",
                                key,
                                path.join(" → ")
                            ),
                        )
                        .with_help(
                            "expected definitions and lets that do not depend on themselves",
                        ),
                    );
                }
                _ => {}
            }
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_file;
    use crate::syntax::span::LineIndex;

    /// The environment holds an entry per declared variable: a variable's
    /// must stay three words (definitions and lets are boxed), so that
    /// millions of declarations cost tens of bytes each here (issue #14).
    #[test]
    fn a_global_is_three_words() {
        let size = std::mem::size_of::<Global<'_>>();
        assert!(size <= 3 * std::mem::size_of::<usize>(), "{size}");
    }

    /// The file-level errors of `src` as `(line, col, message)`, and the
    /// line of each one's first label.
    fn errors(src: &str) -> Vec<(usize, usize, String, Option<usize>)> {
        let file = parse_file(src);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let (_, errs) = build_env(&file, &mut Symbols::default());
        let idx = LineIndex::new(src);
        errs.iter()
            .map(|d| {
                let (l, c) = idx.line_col(src, d.span.start);
                let label = d.labels.first().map(|(s, _)| idx.line_col(src, s.start).0);
                (l, c, d.message.clone(), label)
            })
            .collect()
    }

    #[rustfmt::skip]
    #[test]
    fn declaration_errors() {
        // (source, line, column, message fragment, line of the first label)
        let cases: &[(&str, usize, usize, &str, Option<usize>)] = &[
            ("x : real\nx, y : real\n", 2, 1, "`x` is declared twice", Some(1)),
            ("x : real\nx(t) := t\n", 2, 1, "`x` is declared twice", Some(1)),
            ("let h = 1\nh : real\n", 2, 1, "`h` is declared twice", Some(1)),
            ("pi : real\n", 1, 1, "reserved for π", None),
            ("f(e) := e\n", 1, 3, "reserved for Euler's number", None),
            ("f(t, t) := t\n", 1, 6, "parameter `t` appears twice", Some(1)),
            ("f(v)[i, i] := v[i]\n", 1, 9, "result index `i` appears twice", Some(1)),
            ("f(v)[i] := v[i] + sum(j, v[j, j])\n", 1, 26, "parameter `v` takes 2 indices here but 1 index", Some(1)),
            ("f(v) := v[k]\n", 1, 11, "index `k` is not bound", None),
            ("f(v)[i] := 1\n", 1, 6, "result index `i` is not used", None),
            ("x : real\nlet a = b\nlet b = x\n", 2, 9, "defined by a later let", Some(3)),
            ("x : vector[n]\nlet a = x[i]\n", 2, 11, "index `i` is free in `let a`", None),
            ("x : real\nlet a = f\nf(t) := t\n", 2, 9, "`f` is a function", None),
            ("x : real\nf(t) := t(x)\n", 2, 9, "`t` is a parameter, not a function", None),
            ("x : real\nf(t) := g(t) + t\ng(t) := f(t)\n", 3, 9, "refers to itself (f → g → f)", None),
            ("f(t) := f(t)\n", 1, 9, "refers to itself (f → f)", None),
            ("x : real\nf(t) := sum(i, sum(i, t))\n", 2, 20, "already bound by an enclosing sum", Some(2)),
        ];
        for &(src, line, col, fragment, label) in cases {
            let errs = errors(src);
            assert!(
                errs.iter().any(|(l, c, m, lab)| (*l, *c) == (line, col) && m.contains(fragment) && *lab == label),
                "{src:?}: expected {line}:{col} {fragment:?} label {label:?}, got {errs:?}"
            );
        }
    }

    #[test]
    fn valid_declarations_have_no_errors() {
        let src = "x, c : real\np : positive\nv : positive vector[n]\nW1 : matrix[m, d]\n\
                   y : onehot[n]\nsigma(t) := 1 / (1 + e^(-t))\nsoftmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))\n\
                   L(y, p) := -sum(i, y[i] * log(p[i]))\nlet h = sigma(x) + sigmoid(x)\nlet g = h + L(y, v)\n";
        assert_eq!(errors(src), vec![]);
        let file = parse_file(src);
        let mut sy = Symbols::default();
        let (env, _) = build_env(&file, &mut sy);
        // The file's softmax replaces the builtin.
        assert!(!env.def("softmax").unwrap().builtin);
        assert_eq!(env.def("L").unwrap().ranks, vec![1, 1]);
        assert_eq!(env.def("sigma").unwrap().ranks, vec![0]);
        let w1 = sy.var_named("W1").unwrap();
        let dims: Vec<&str> = sy.var(w1).dims.iter().map(|&d| sy.dim_name(d)).collect();
        assert_eq!(dims, ["m", "d"]);
        assert_eq!(sy.var(sy.var_named("p").unwrap()).domain, Domain::Positive);
    }
}
