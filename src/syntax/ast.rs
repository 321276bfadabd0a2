//! The surface syntax tree: what the user wrote, with a span on every node.
//!
//! Names are stored NFC-normalized, and Unicode operator spellings are
//! resolved by the parser (`σ` → `sigmoid`, `Σ` → a [`ExprKind::Sum`]), so
//! later stages never see two spellings of one thing.

use super::span::Span;
pub use crate::expr::Domain;
use num_rational::BigRational;

/// A name as written, NFC-normalized, with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The normalized name (`ŷ` whether written precomposed or with U+0302).
    pub name: String,
    /// Where the name stands in the source.
    pub span: Span,
}

/// A parsed file: its items in order, and every syntax error found.
///
/// Parsing is resilient: a line that fails to parse is reported in `errors`
/// and skipped, and the rest of the file is still parsed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    /// Declarations, definitions, lets and claims, in source order.
    pub items: Vec<Item>,
    /// The parts of an assignment (`part b "Inciso b)":`), each with its
    /// own items, in source order. Only a document's context uses them.
    pub parts: Vec<Part>,
    /// Syntax errors, in source order, except those of the chain lines of a
    /// claim whose own line parsed: those are the claim's
    /// [`Claim::broken`] lines.
    pub errors: Vec<ParseError>,
}

/// A syntax error: where, what was expected, and what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The offending text (may be empty at end of line or file).
    pub span: Span,
    /// A sentence for the user, e.g. "expected `)` to close `(` opened at 3:7".
    pub message: String,
}

/// One top-level item of a file.
///
/// Every variant is boxed, so an item costs a pointer in the file's list
/// whatever its kind: a file of millions of declarations would otherwise pay
/// for the largest variant (a claim, hundreds of bytes) on every line
/// (issue #14; `item_is_two_words` holds the size).
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `x, c : real`
    Decl(Box<Decl>),
    /// `sigma(t) := ...` or `softmax(v)[i] := ...`
    Def(Box<Def>),
    /// `let h = ...` or `let z[i] = ...`
    Let(Box<Let>),
    /// `claim name: lhs = rhs` with an optional indented chain.
    Claim(Box<Claim>),
    /// `goal name: lhs = rhs`: what an assignment asks for. Not checked:
    /// `derivcheck grade` looks for a chain of a document that goes from
    /// its left side to its right side (see docs/grading.md).
    Goal(Box<Goal>),
}

/// A part of an assignment, `part b "Inciso b)" "Part b)":`, and the items
/// after it up to the next `part` or `end`. In a document, it runs from the
/// first heading or paragraph holding one of its markers to the next
/// part's, and its items override the context's there.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The part's name.
    pub name: Ident,
    /// The texts that mark where the part begins in a document.
    pub markers: Vec<String>,
    /// Its declarations, definitions, lets, claims and goals.
    pub items: Vec<Item>,
    /// The header line.
    pub span: Span,
}

/// A goal of an assignment, `goal b: d/dt sigma(t) = sigma(t) (1 - sigma(t))`.
#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    /// The goal's name (a column of the grade table).
    pub name: Ident,
    /// Where a chain that reaches the goal starts.
    pub lhs: Expr,
    /// Where it ends.
    pub rhs: Expr,
    /// The whole line.
    pub span: Span,
}

/// A declaration of one or more variables with a shared type.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// The declared names.
    pub names: Vec<Ident>,
    /// Their domain and shape.
    pub ty: TypeSpec,
    /// The whole declaration.
    pub span: Span,
}

/// A variable's type: a domain and a shape.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeSpec {
    /// `real` unless stated; `simplex[n]` and `onehot[n]` imply a vector.
    pub domain: Domain,
    /// Scalar, vector or matrix, with dimension names.
    pub shape: ShapeSpec,
    /// The type as written.
    pub span: Span,
}

/// A declared shape with its dimension names (`n`, `m`, `d`, ...).
#[derive(Clone, Debug, PartialEq)]
pub enum ShapeSpec {
    /// A single number.
    Scalar,
    /// `vector[n]`
    Vector(Ident),
    /// `matrix[m, d]` (rows, columns). Boxed: a scalar or a vector
    /// declaration then does not pay for two names (issue #14).
    Matrix(Box<[Ident; 2]>),
}

/// A function definition, expanded where it is used.
#[derive(Clone, Debug, PartialEq)]
pub struct Def {
    /// The function's name.
    pub name: Ident,
    /// Parameter names; their shapes are inferred from the body.
    pub params: Vec<Ident>,
    /// For a vector-valued function, `softmax(v)[i] := ...`, the result indices.
    pub result_indices: Vec<Ident>,
    /// The right-hand side.
    pub body: Expr,
    /// The whole definition.
    pub span: Span,
}

/// A named expression, `let h = sigma(W1 x + b1)` or `let z[i] = ...`.
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    /// The name.
    pub name: Ident,
    /// Index names on the left side, if written (`let z[i] = ...`).
    pub indices: Vec<Ident>,
    /// The value.
    pub value: Expr,
    /// The whole item.
    pub span: Span,
}

/// A claim `lhs = rhs`, optionally proved by a chain of steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// The claim's name (`claim shift: ...`).
    pub name: Ident,
    /// The left side of the claimed equality.
    pub lhs: Expr,
    /// The right side of the claimed equality.
    pub rhs: Expr,
    /// The comment at the end of the claim line, if any.
    pub justification: Option<String>,
    /// The indented chain lines that parsed, in order (may be empty).
    pub chain: Vec<ChainLine>,
    /// The indented chain lines that failed to parse, in order. They are
    /// part of the claim: each becomes a link in error, so a claim whose
    /// text does not parse is never verified.
    pub broken: Vec<BrokenLine>,
    /// The claim line.
    pub span: Span,
}

/// A chain line that failed to parse.
#[derive(Clone, Debug, PartialEq)]
pub struct BrokenLine {
    /// How many lines of [`Claim::chain`] come before it.
    pub after: usize,
    /// What is wrong with it.
    pub error: ParseError,
    /// The comment at the end of the line.
    pub justification: Option<String>,
    /// The line's content, from its first non-blank character to before the comment.
    pub span: Span,
    /// The text after a leading `=` (the whole content if none), trimmed:
    /// what the step would have said.
    pub body: Span,
}

/// One line of a chain: `expr` (the start) or `= expr` (a step).
#[derive(Clone, Debug, PartialEq)]
pub struct ChainLine {
    /// True when the line begins with `=`.
    pub starts_with_eq: bool,
    /// The expression after the `=` (or the whole line for a start line).
    pub expr: Expr,
    /// The comment at the end of the line: the step's justification.
    pub justification: Option<String>,
    /// The line's content, from its first non-blank character to before the comment.
    pub span: Span,
}

/// An expression node with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// The source text it came from.
    pub span: Span,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-` `−`
    Sub,
    /// `*` `·` `×` and juxtaposition
    Mul,
    /// `/` `÷`
    Div,
    /// `⊙` `.*` `hadamard` (elementwise product)
    Hadamard,
    /// `^`
    Pow,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number; decimals are exact (`0.5` is 1/2).
    Num(BigRational),
    /// A variable, let-name, or constant (`e`, `pi`).
    Name(Ident),
    /// A call `f(a, b)` of a builtin or defined function.
    Call {
        /// The function name (aliases resolved: `σ` → `sigmoid`, `ln` → `log`).
        func: Ident,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// Postfix indexing `v[i]`, `W[i, j]`, `softmax(x)[i]`.
    Index {
        /// What is indexed.
        base: Box<Expr>,
        /// The index names.
        indices: Vec<Ident>,
    },
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `sum(i, body)`, `Σ_i body`, or `sum(i != j, body)`.
    Sum {
        /// The bound index.
        index: Ident,
        /// `Some(j)` for `sum(i != j, ...)`: the term `i = j` is left out.
        except: Option<Ident>,
        /// The summand.
        body: Box<Expr>,
    },
    /// `delta(i, j)`, `δ(i, j)`, `1{i = j}`.
    Delta(Ident, Ident),
    /// A derivative `d/dx body`, `∂/∂z[j] body`, `∂L/∂z[j]` (body = `L`),
    /// or `diff(body, x)`.
    Deriv {
        /// The variable differentiated by.
        var: Ident,
        /// Its indices (`z[j]` → `[j]`), empty for a scalar or a whole vector.
        indices: Vec<Ident>,
        /// What is differentiated.
        body: Box<Expr>,
    },
    /// `Wᵀ`, `W^T`, `transpose(W)` (matrix notation).
    Transpose(Box<Expr>),
}

/// A copy of `e` with every span (of nodes and names) set to the empty span
/// at 0, so that trees parsed from different text compare equal.
pub fn erase_spans(e: &Expr) -> Expr {
    let id = |i: &Ident| Ident {
        name: i.name.clone(),
        span: Span::default(),
    };
    let ids = |v: &[Ident]| v.iter().map(id).collect::<Vec<_>>();
    let bx = |e: &Expr| Box::new(erase_spans(e));
    let kind = match &e.kind {
        ExprKind::Num(n) => ExprKind::Num(n.clone()),
        ExprKind::Name(n) => ExprKind::Name(id(n)),
        ExprKind::Call { func, args } => ExprKind::Call {
            func: id(func),
            args: args.iter().map(erase_spans).collect(),
        },
        ExprKind::Index { base, indices } => ExprKind::Index {
            base: bx(base),
            indices: ids(indices),
        },
        ExprKind::Neg(x) => ExprKind::Neg(bx(x)),
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary {
            op: *op,
            lhs: bx(lhs),
            rhs: bx(rhs),
        },
        ExprKind::Sum {
            index,
            except,
            body,
        } => ExprKind::Sum {
            index: id(index),
            except: except.as_ref().map(id),
            body: bx(body),
        },
        ExprKind::Delta(a, b) => ExprKind::Delta(id(a), id(b)),
        ExprKind::Deriv { var, indices, body } => ExprKind::Deriv {
            var: id(var),
            indices: ids(indices),
            body: bx(body),
        },
        ExprKind::Transpose(x) => ExprKind::Transpose(bx(x)),
    };
    Expr {
        kind,
        span: Span::default(),
    }
}

/// Structural equality of two expressions, ignoring spans: the same tree
/// written in two places.
pub fn same_expr(a: &Expr, b: &Expr) -> bool {
    erase_spans(a) == erase_spans(b)
}

/// Moves every span of `e` (of nodes and names) through `f`: a tree parsed
/// from one piece of a document is placed where that piece stands.
pub fn map_spans(e: &mut Expr, f: &dyn Fn(Span) -> Span) {
    e.span = f(e.span);
    let id = |i: &mut Ident| i.span = f(i.span);
    match &mut e.kind {
        ExprKind::Num(_) => {}
        ExprKind::Name(n) => id(n),
        ExprKind::Call { func, args } => {
            id(func);
            for a in args {
                map_spans(a, f);
            }
        }
        ExprKind::Index { base, indices } => {
            map_spans(base, f);
            indices.iter_mut().for_each(id);
        }
        ExprKind::Neg(x) | ExprKind::Transpose(x) => map_spans(x, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            map_spans(lhs, f);
            map_spans(rhs, f);
        }
        ExprKind::Sum {
            index,
            except,
            body,
        } => {
            id(index);
            if let Some(x) = except {
                id(x);
            }
            map_spans(body, f);
        }
        ExprKind::Delta(a, b) => {
            id(a);
            id(b);
        }
        ExprKind::Deriv { var, indices, body } => {
            id(var);
            indices.iter_mut().for_each(id);
            map_spans(body, f);
        }
    }
}

/// [`map_spans`] over every span of an item.
pub fn map_item_spans(item: &mut Item, f: &dyn Fn(Span) -> Span) {
    let id = |i: &mut Ident| i.span = f(i.span);
    match item {
        Item::Decl(d) => {
            d.names.iter_mut().for_each(id);
            d.ty.span = f(d.ty.span);
            match &mut d.ty.shape {
                ShapeSpec::Scalar => {}
                ShapeSpec::Vector(n) => id(n),
                ShapeSpec::Matrix(mn) => mn.iter_mut().for_each(id),
            }
            d.span = f(d.span);
        }
        Item::Def(d) => {
            id(&mut d.name);
            d.params.iter_mut().for_each(id);
            d.result_indices.iter_mut().for_each(id);
            map_spans(&mut d.body, f);
            d.span = f(d.span);
        }
        Item::Let(l) => {
            id(&mut l.name);
            l.indices.iter_mut().for_each(id);
            map_spans(&mut l.value, f);
            l.span = f(l.span);
        }
        Item::Claim(c) => {
            id(&mut c.name);
            map_spans(&mut c.lhs, f);
            map_spans(&mut c.rhs, f);
            for line in &mut c.chain {
                map_spans(&mut line.expr, f);
                line.span = f(line.span);
            }
            for b in &mut c.broken {
                b.error.span = f(b.error.span);
                b.span = f(b.span);
                b.body = f(b.body);
            }
            c.span = f(c.span);
        }
        Item::Goal(g) => {
            id(&mut g.name);
            map_spans(&mut g.lhs, f);
            map_spans(&mut g.rhs, f);
            g.span = f(g.span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    /// A file's items are a list of these: a declaration line must not pay
    /// for a claim's size (issue #14: millions of declarations).
    #[test]
    fn item_is_two_words() {
        assert!(
            size_of::<Item>() <= 2 * size_of::<usize>(),
            "{}",
            size_of::<Item>()
        );
    }

    /// What a declaration line costs in the tree besides its names' text:
    /// a matrix's two dimension names are boxed, so a scalar's or a
    /// vector's declaration holds room for one (issue #14).
    #[test]
    fn declaration_stays_small() {
        let word = size_of::<usize>();
        assert!(size_of::<Decl>() <= 13 * word, "{}", size_of::<Decl>());
        assert!(
            size_of::<ShapeSpec>() <= size_of::<Ident>(),
            "{}",
            size_of::<ShapeSpec>()
        );
    }

    /// An expression node is most of a claim's tree (a computer algebra
    /// system's sums have millions of them, issue #16): it must not grow.
    #[test]
    fn expression_node_does_not_grow() {
        assert!(
            size_of::<Expr>() <= 13 * size_of::<usize>(),
            "{}",
            size_of::<Expr>()
        );
    }
}
