//! The LaTeX math reader: the math of one display, as students write it in
//! Markdown homework and LaTeX documents, read into chains of expressions
//! of the language's syntax tree ([`ast::Expr`]), with byte spans into the
//! display's text.
//!
//! `lex.rs` cuts the text into tokens; `chain.rs` cuts the tokens into
//! rows (`\\`), steps (`=`), other relations and justifications; `expr.rs`
//! reads each step into an [`ast::Expr`] by the spelling rules of
//! `names.rs`; `dots.rs` turns `a_1 + a_2 + \dots + a_n` into a sum. What is
//! read, and what is not and why, is in docs/latex.md.
//!
//! Like the language's parser, the reader never panics, never recurses
//! deeper than [`MAX_DEPTH`] levels (so a hostile display cannot overflow
//! the stack), and takes time linear in the display's length, up to the
//! bounded look-ahead of the name rules.
//!
//! `document` finds the displays of Markdown and TeX files; `front` builds
//! an [`ast::File`] from what this module reads of them.

mod bars;
mod chain;
mod dots;
mod expr;
mod forms;
mod fractions;
mod lex;
mod names;

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod seed_tests;
#[cfg(test)]
mod tests;

use crate::syntax::ast;
use crate::syntax::span::Span;

/// Whether a name is declared (a variable, a `let`, or a defined
/// function): it decides between spellings (`W_1` is `W1` when `W1` is
/// declared). `Sync`, because reading runs on a thread with a big stack.
pub(crate) type Declared<'a> = &'a (dyn Fn(&str) -> bool + Sync);

/// Reads one display: its chains, the relations left unchecked, what could
/// not be read, and notes on ambiguous readings. Spans are byte offsets
/// into `math`.
pub(crate) fn read_display(math: &str, declared: Declared<'_>) -> DisplayRead {
    // Like the language's parser, on a big stack: a step nested to the
    // depth limit takes more than a test thread's 2 MiB in a debug build.
    crate::parallel::with_big_stack(|| chain::read_display(math, declared))
}

/// The deepest a step may nest: the language parser's limit, so a tree
/// read from LaTeX is as safe for the later stages as one parsed from text.
pub(crate) const MAX_DEPTH: usize = crate::syntax::parser::MAX_DEPTH;

/// What one display says.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DisplayRead {
    /// The chains of equalities, in order.
    pub chains: Vec<Chain>,
    /// Relations other than `=` (`\le`, `\approx`, `\Rightarrow`, ...): each
    /// ends the chain it stands in, and is reported as not checked.
    pub unchecked: Vec<Relation>,
    /// What could not be read, and why.
    pub errors: Vec<LatexError>,
    /// Readings that could have gone another way, such as `W_1` when both
    /// `W` and `W1` are declared (read as `W1`).
    pub notes: Vec<(Span, String)>,
}

/// A chain `a = b = c`: its first step is the left side, and each further
/// step is one link `= expr`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Chain {
    /// The sides, in order.
    pub steps: Vec<Step>,
}

/// One side of a chain.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Step {
    /// What the side says.
    pub expr: ast::Expr,
    /// The text after it on its row (`\quad \text{chain rule}` → `chain
    /// rule`), for the link that ends at this step.
    pub justification: Option<String>,
    /// The side's text, without relation, alignment marks, trailing
    /// punctuation and justification.
    pub span: Span,
}

/// A relation that is not an equality: not checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Relation {
    /// The relation's token.
    pub span: Span,
    /// Its spelling as written (`\le`, `<`, `\Rightarrow`).
    pub symbol: String,
}

/// Text that was not read: where, and why (what was expected and found).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LatexError {
    /// The offending text (empty at the end of the input).
    pub span: Span,
    /// A sentence for the user.
    pub message: String,
}

/// The math of a justification (`x \ge 0`, `\because e^{x} > 0`) cut at
/// its relations, so each side can be typeset: (side, the relation after
/// it — a command's name, or the symbol). Text that does not lex is one
/// side.
pub(crate) fn cut_at_relations(tex: &str) -> Vec<(&str, Option<String>)> {
    let Ok(toks) = lex::lex(tex) else {
        return vec![(tex, None)];
    };
    let mut out = Vec::new();
    let mut from = 0;
    for t in &toks {
        let rel = match &t.kind {
            lex::TokKind::Sym(c @ ('=' | '<' | '>')) => Some(c.to_string()),
            lex::TokKind::Cmd(c)
                if chain::relation_command(c)
                    || matches!(c.as_str(), "because" | "therefore" | "in" | "notin") =>
            {
                Some(c.clone())
            }
            _ => None,
        };
        if let Some(rel) = rel {
            out.push((tex.get(from..t.span.start).unwrap_or(""), Some(rel)));
            from = t.span.end;
        }
    }
    out.push((tex.get(from..).unwrap_or(""), None));
    out
}

/// Reads one expression (no relations, no rows). Spans are byte offsets
/// into `tex`.
pub(crate) fn read_expr(tex: &str, declared: Declared<'_>) -> Result<ast::Expr, LatexError> {
    crate::parallel::with_big_stack(|| {
        let toks = lex::lex(tex)?;
        let mut notes = Vec::new();
        expr::read_step(&toks, tex.len(), declared, &mut notes)
    })
}
