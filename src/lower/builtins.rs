//! The builtins a file may use without declaring them: scalar functions,
//! the constants `e` and `pi`, and `softmax`.

use crate::expr::{Constant, Func};
use crate::syntax::ast::{BinOp, Def, Expr, ExprKind, Ident};
use crate::syntax::span::Span;
use std::sync::OnceLock;

/// A builtin scalar function of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinFn {
    /// One of the store's functions.
    Func(Func),
    /// `sqrt(a)`, lowered to `a^(1/2)`.
    Sqrt,
}

/// The builtin scalar function called `name`, if any.
pub fn builtin_fn(name: &str) -> Option<BuiltinFn> {
    Some(match name {
        "exp" => BuiltinFn::Func(Func::Exp),
        "log" | "ln" => BuiltinFn::Func(Func::Log),
        "sin" => BuiltinFn::Func(Func::Sin),
        "cos" => BuiltinFn::Func(Func::Cos),
        "tan" => BuiltinFn::Func(Func::Tan),
        "tanh" => BuiltinFn::Func(Func::Tanh),
        "sigmoid" | "σ" => BuiltinFn::Func(Func::Sigmoid),
        "sqrt" => BuiltinFn::Sqrt,
        _ => return None,
    })
}

/// The reserved constant called `name`, if any.
pub fn constant(name: &str) -> Option<Constant> {
    match name {
        "e" => Some(Constant::E),
        "pi" | "π" => Some(Constant::Pi),
        _ => None,
    }
}

/// The builtin `softmax(v)[i] := exp(v[i]) / sum(j, exp(v[j]))`, as a
/// definition so that it expands exactly like a user's own.
pub fn softmax_def() -> &'static Def {
    static DEF: OnceLock<Def> = OnceLock::new();
    DEF.get_or_init(|| {
        let sp = Span::default();
        let id = |n: &str| Ident {
            name: n.to_string(),
            span: sp,
        };
        let ex = |kind| Expr { kind, span: sp };
        let exp_of = |i: &str| {
            ex(ExprKind::Call {
                func: id("exp"),
                args: vec![ex(ExprKind::Index {
                    base: Box::new(ex(ExprKind::Name(id("v")))),
                    indices: vec![id(i)],
                })],
            })
        };
        Def {
            name: id("softmax"),
            params: vec![id("v")],
            result_indices: vec![id("i")],
            body: ex(ExprKind::Binary {
                op: BinOp::Div,
                lhs: Box::new(exp_of("i")),
                rhs: Box::new(ex(ExprKind::Sum {
                    index: id("j"),
                    except: None,
                    body: Box::new(exp_of("j")),
                })),
            }),
            span: sp,
        }
    })
}
