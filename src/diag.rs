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
    /// The help as an edit, when it says exactly what to write where
    /// (a misspelt name, a product in the wrong order): what an editor's
    /// quick fix applies. Its text is in the derivation language. Boxed:
    /// diagnostics travel in `Result`s, and few have one.
    pub fix: Option<Box<Fix>>,
}

/// A replacement of source text that makes a diagnostic's help so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// The bytes to replace.
    pub span: Span,
    /// What to write instead.
    pub replacement: String,
}

impl Diagnostic {
    /// A diagnostic with only a span and a message.
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            fix: None,
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

    /// Adds a help that is an edit: "did you mean `replacement`?", and the
    /// fix that writes `replacement` over `span`.
    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        let replacement = replacement.into();
        self.help = Some(format!("did you mean `{replacement}`?"));
        self.fix = Some(Box::new(Fix { span, replacement }));
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
    use super::plural;

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "index"), "1 index");
        assert_eq!(plural(2, "index"), "2 indices");
        assert_eq!(plural(0, "claim"), "0 claims");
        assert_eq!(plural(1, "file unreadable"), "1 file unreadable");
        assert_eq!(plural(3, "error outside claims"), "3 errors outside claims");
    }
}
