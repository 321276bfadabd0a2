//! Diagnostics as plain data: rendering lives in `report`, never here.

use crate::syntax::span::Span;

/// An error or note about the input, pointing at source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The primary location.
    pub span: Span,
    /// One sentence: what is wrong and what was expected.
    pub message: String,
    /// Secondary locations with short labels ("first used here for `n`").
    pub labels: Vec<(Span, String)>,
    /// A suggestion, if one fits ("did you mean W2ᵀ (ŷ − y)?").
    pub help: Option<String>,
    /// The help's suggestion as edits of the source, when it proposes one
    /// definite text: applied together (they never overlap), they give the
    /// text the help proposes. Empty when the help only explains, or asks
    /// for something only the writer knows (`define it, e.g. f(t) := ...`).
    pub fix: Vec<Edit>,
}

/// One edit of a fix: the bytes of `span` replaced by `text` (an empty
/// span inserts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes replaced, in the coordinates of the diagnostic's spans.
    pub span: Span,
    /// What replaces them.
    pub text: String,
}

/// `text` with `edits` applied; `None` when an edit is out of range, not on
/// a character boundary, or overlaps another.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in sorted {
        let (start, end) = (e.span.start, e.span.end);
        if start < at || end < start {
            return None;
        }
        out.push_str(text.get(at..start)?);
        out.push_str(&e.text);
        at = end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

impl Diagnostic {
    /// A diagnostic with only a span and a message.
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            fix: Vec::new(),
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.labels.push((span, label.into()));
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds an edit to the help's fix: `span` replaced by `text`.
    pub fn with_fix(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.fix.push(Edit {
            span,
            text: text.into(),
        });
        self
    }
}

/// `1 index`, `2 indices`, `3 files`: a count and a noun, in the plural
/// unless the count is 1. A noun of several words puts its first in the
/// plural (`2 files unreadable`).
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let (head, tail) = noun.split_once(' ').map_or((noun, ""), |(h, t)| (h, t));
    let head = match head {
        "index" => "indices".to_string(),
        _ => format!("{head}s"),
    };
    if tail.is_empty() {
        format!("{n} {head}")
    } else {
        format!("{n} {head} {tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::{apply_edits, plural, Edit, Span};

    #[test]
    fn edits_apply_in_order_and_refuse_overlaps() {
        let e = |a: usize, b: usize, t: &str| Edit {
            span: Span::new(a, b),
            text: t.to_string(),
        };
        let text = "W2 x + b";
        assert_eq!(
            apply_edits(text, &[e(3, 4, "h"), e(0, 2, "W2ᵀ")]).as_deref(),
            Some("W2ᵀ h + b")
        );
        assert_eq!(
            apply_edits(text, &[e(0, 0, "q : real\n")]).as_deref(),
            Some("q : real\nW2 x + b")
        );
        assert_eq!(apply_edits(text, &[e(0, 3, "a"), e(2, 4, "b")]), None);
        assert_eq!(apply_edits(text, &[e(0, 99, "a")]), None);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "index"), "1 index");
        assert_eq!(plural(2, "index"), "2 indices");
        assert_eq!(plural(0, "claim"), "0 claims");
        assert_eq!(plural(1, "file unreadable"), "1 file unreadable");
        assert_eq!(plural(3, "error outside claims"), "3 errors outside claims");
    }
}
