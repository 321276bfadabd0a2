//! Absolute values and norms between bars: `|x|`, `\lvert x \rvert`,
//! `\left| x \right|` (the lexer drops `\left`/`\right`) as `abs(x)`;
//! `\|v\|`, `\lVert v \rVert`, `\Vert v \Vert`, `‖v‖` as `norm(v)` (the
//! Euclidean norm), optionally with the subscript `_2`.

use super::expr::{err, node, P, R};
use super::lex::{Tok, TokKind};
use crate::syntax::ast::{ExprKind, Ident};

/// Which kind of bars a token opens or closes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bar {
    Abs,
    Norm,
}

/// The bar `t` is, and whether it only opens (`\lvert`), only closes
/// (`\rvert`), or does both (`|`).
fn bar(t: &Tok) -> Option<(Bar, Option<bool>)> {
    match &t.kind {
        TokKind::Sym('|') => Some((Bar::Abs, None)),
        TokKind::Sym('‖') => Some((Bar::Norm, None)),
        TokKind::Cmd(c) => match c.as_str() {
            "vert" => Some((Bar::Abs, None)),
            "lvert" => Some((Bar::Abs, Some(true))),
            "rvert" => Some((Bar::Abs, Some(false))),
            "|" | "Vert" => Some((Bar::Norm, None)),
            "lVert" => Some((Bar::Norm, Some(true))),
            "rVert" => Some((Bar::Norm, Some(false))),
            _ => None,
        },
        _ => None,
    }
}

impl P<'_> {
    /// Does `t` open bars here? A bar that can close does not open while a
    /// bar of its kind that can close is open: inside `|a|`, the next `|`
    /// closes; inside `\lvert a`, it opens.
    pub fn opens_bars(&self, t: &Tok) -> bool {
        match bar(t) {
            Some((_, Some(open))) => open,
            Some((Bar::Abs, None)) => self.bars.0 == 0,
            Some((Bar::Norm, None)) => self.bars.1 == 0,
            None => false,
        }
    }

    /// `|x|`, `\|v\|`, … at the current token (which opens bars).
    pub fn bars(&mut self) -> R<crate::syntax::ast::Expr> {
        let open = self.toks[self.pos].clone();
        let Some((kind, sided)) = bar(&open) else {
            return self.expected("`|` or `\\|`");
        };
        self.pos += 1;
        self.enter(open.span)?;
        let saved = self.bars;
        // Only bars that could close count as open: inside `\left|`, a
        // plain `|` opens (`\left|1 - |x|\right|`).
        match (kind, sided) {
            (Bar::Abs, None) => self.bars.0 += 1,
            (Bar::Norm, None) => self.bars.1 += 1,
            _ => {}
        }
        let inner = self.sum();
        self.bars = saved;
        let inner = inner?;
        let closes = |t: &Tok| matches!(bar(t), Some((k, o)) if k == kind && o != Some(true));
        let Some(close) = self.peek().filter(|t| closes(t)).cloned() else {
            let what = match kind {
                Bar::Abs => "`|` to close the absolute value",
                Bar::Norm => "`\\|` to close the norm",
            };
            return self.expected(what);
        };
        self.pos += 1;
        let mut end = close.span;
        if kind == Bar::Norm && self.peek_is(|t| t.is_sym('_')) {
            let r = self.arg_range(self.pos + 1, "`_`")?;
            let two = r.1 == r.0 + 1 && matches!(&self.toks[r.0].kind, TokKind::Num(n) if n == "2");
            if !two {
                return Err(err(
                    self.span_of(self.pos, r.1.max(self.pos + 1)),
                    "only the Euclidean norm is read: write `\\|v\\|` or `\\|v\\|_2`",
                ));
            }
            end = self.toks[r.2 - 1].span;
            self.pos = r.2;
        }
        self.leave();
        let name = match kind {
            Bar::Abs => "abs",
            Bar::Norm => "norm",
        };
        let func = Ident {
            name: name.into(),
            span: open.span,
        };
        let span = open.span.join(end);
        Ok(node(
            ExprKind::Call {
                func,
                args: vec![inner],
            },
            span,
        ))
    }
}
