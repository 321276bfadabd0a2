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
}

impl Diagnostic {
    /// A diagnostic with only a span and a message.
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            labels: Vec::new(),
            help: None,
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
}
