//! Reading the math out of documents as students hand them in: Markdown
//! and LaTeX homework (issue #12).
//!
//! A document is read into plain data: its math displays (each with the math
//! text alone and an [`OffsetMap`] back to the source, so a problem found in
//! the math points at the document's own line and column), its context
//! blocks (```` ```derivcheck ```` fences, `%:` lines), and its headings and
//! paragraphs, which the caller searches for part markers such as
//! "Inciso b)". Nothing here judges the math: prose is never an error, and
//! malformed input gives a located note or fewer displays. See
//! `docs/documents.md`.

mod map;
mod markdown;
mod scan;
mod tex;

#[cfg(test)]
mod tests;

use std::path::Path;

use crate::syntax::span::Span;

// The readers' entry points, for the glue (only the tests use them yet).
#[allow(unused_imports)]
pub(crate) use {markdown::read_markdown, tex::read_tex};

pub(crate) use map::OffsetMap;

/// What a document holds, in source order within each list.
#[derive(Clone, Debug, Default)]
pub(crate) struct Document {
    /// The math displays (and, when asked for, inline math with an `=`).
    pub displays: Vec<Display>,
    /// The context blocks: declarations and definitions for the displays.
    pub context: Vec<Piece>,
    /// Headings and paragraphs, for finding part markers.
    pub prose: Vec<Prose>,
    /// Things the reader could not make sense of, located in the source:
    /// a display that is never closed, an `\end{align}` without its begin.
    pub notes: Vec<(Span, String)>,
}

/// One math display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Display {
    /// The math alone: without its delimiters, and without the `> ` or list
    /// indentation that its lines carry in a Markdown source. Line breaks
    /// are `\n` whatever the source uses.
    pub text: String,
    /// Maps each byte of `text` to its byte in the source.
    pub map: OffsetMap,
    /// The whole display in the source, delimiters included.
    pub span: Span,
    /// Whether this is inline math (`$…$`, `\(…\)`) rather than a display.
    pub inline: bool,
    /// The delimiter or environment: `"$$"`, `"\\["`, `"$"`, `"\\("`, or an
    /// environment name such as `"align*"`.
    pub env: String,
}

/// A block of context text (in the derivation language) with its map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The text, with line breaks as `\n`.
    pub text: String,
    /// Maps each byte of `text` to its byte in the source.
    pub map: OffsetMap,
}

/// A heading or a paragraph of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Prose {
    /// Its text: for Markdown the rendered words (math and code as written
    /// in the source), for LaTeX the source without comments.
    pub text: String,
    /// Where it is in the source.
    pub span: Span,
    /// Whether it is a heading (`#`, `\section{…}`) rather than a paragraph.
    pub heading: bool,
}

/// Which reader a file needs: by its extension, or as `--input` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputKind {
    /// The derivation language (docs/language.md).
    Deriv,
    /// CommonMark with `$$` math.
    Markdown,
    /// LaTeX.
    Tex,
}

impl InputKind {
    /// The kind a file's extension names: `.md` and `.markdown` are
    /// Markdown, `.tex` is LaTeX, `.txt` and `.deriv` are the derivation
    /// language. Other extensions (and none) give `None`, for the caller to
    /// decide.
    pub fn from_path(path: &Path) -> Option<InputKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(InputKind::Markdown),
            "tex" => Some(InputKind::Tex),
            "txt" | "deriv" => Some(InputKind::Deriv),
            _ => None,
        }
    }

    /// The kind named by `--input`: `md`, `tex` or `deriv`.
    pub fn from_flag(flag: &str) -> Option<InputKind> {
        match flag {
            "md" => Some(InputKind::Markdown),
            "tex" => Some(InputKind::Tex),
            "deriv" => Some(InputKind::Deriv),
            _ => None,
        }
    }
}

/// Whether inline math should be returned as a display: only when the
/// caller asked for inline math, and only when it states an equality, since
/// `$x$` in a sentence names a thing and claims nothing.
fn wanted_inline(inline_math: bool, text: &str) -> bool {
    inline_math && text.contains('=')
}

/// Whether a display holds anything: whitespace-only displays hold no chain
/// and are left out.
fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}
