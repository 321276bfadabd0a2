//! Reading LaTeX documents: comments out, `%:` context lines kept, then the
//! displays, headings and paragraphs of the body.

use std::ops::Range;

use super::map::Mapped;
use super::scan::{scan, ScanOptions};
use super::{is_blank, wanted_inline, Display, Document, Piece, Prose};
use crate::syntax::span::Span;

/// Environments whose body TeX does not read: no comments, no math.
const VERBATIM_ENVS: &[&str] = &["verbatim", "verbatim*", "Verbatim", "lstlisting", "minted"];

/// Sectioning commands, read as headings.
const HEADINGS: &[&str] = &[
    "part",
    "chapter",
    "section",
    "subsection",
    "subsubsection",
    "paragraph",
];

/// Reads a LaTeX document. Inline math (`$…$`, `\(…\)`) is returned only
/// when `inline_math` is set and it holds an `=`.
pub(crate) fn read_tex(source: &str, inline_math: bool) -> Document {
    let stripped = decomment(source);
    let body = &stripped.body;
    let (from, to) = body_range(&body.text);
    let opts = ScanOptions {
        dollars: true,
        verb: true,
        end_words: "the end of the document",
    };
    let found = scan(&body.text, from, to, &stripped.opaque, opts);
    let mut doc = Document {
        context: stripped.context,
        ..Document::default()
    };
    for f in found.found {
        let inner = body.slice(f.open.end, f.close.start);
        if is_blank(&inner.text) || (f.inline && !wanted_inline(inline_math, &inner.text)) {
            continue;
        }
        doc.displays.push(Display {
            text: inner.text,
            map: inner.map,
            span: body
                .map
                .span_to_source(Span::new(f.open.start, f.close.end)),
            inline: f.inline,
            env: f.env,
        });
    }
    doc.notes = found
        .notes
        .into_iter()
        .map(|(r, note)| (body.map.span_to_source(Span::new(r.start, r.end)), note))
        .collect();
    doc.prose = prose(body, from, to);
    doc
}

/// A LaTeX source without its comments.
struct Stripped {
    /// The text TeX reads: comments removed, and comment-only lines removed
    /// whole, so that they do not look like blank lines (paragraph breaks).
    body: Mapped,
    /// Verbatim environments, in offsets of `body`.
    opaque: Vec<Range<usize>>,
    /// Runs of `%:` lines, without the `%:` and one space after it.
    context: Vec<Piece>,
}

/// Strips the comments of `source`, keeping `%:` lines as context.
fn decomment(source: &str) -> Stripped {
    let bytes = source.as_bytes();
    let mut out = Stripped {
        body: Mapped::new(0),
        opaque: Vec::new(),
        context: Vec::new(),
    };
    let mut context: Option<Mapped> = None;
    // The `\end{…}` that ends the verbatim environment we are in.
    let mut verbatim: Option<String> = None;
    let mut line_start = 0;
    while line_start < source.len() {
        let line_end = source[line_start..]
            .find('\n')
            .map_or(source.len(), |k| line_start + k + 1);
        let line = &source[line_start..line_end];
        let mut p = line_start;
        if verbatim.is_none() {
            if let Some(rest) = line.trim_start().strip_prefix("%:") {
                let at = line_end - rest.len();
                let at = if rest.starts_with(' ') { at + 1 } else { at };
                context
                    .get_or_insert_with(|| Mapped::new(at))
                    .push_source(source, at, line_end);
                line_start = line_end;
                continue;
            }
        }
        if let Some(piece) = context.take() {
            out.context.push(Piece {
                text: piece.text,
                map: piece.map,
            });
        }
        while p < line_end {
            if let Some(marker) = &verbatim {
                let begin = out.body.text.len();
                let (end, done) = match source[p..line_end].find(marker.as_str()) {
                    Some(k) => (p + k + marker.len(), true),
                    None => (line_end, false),
                };
                out.body.push_source(source, p, end);
                push_opaque(&mut out.opaque, begin..out.body.text.len());
                if done {
                    verbatim = None;
                }
                p = end;
                continue;
            }
            let mut j = p;
            let mut comment = None;
            while j < line_end {
                match bytes[j] {
                    b'\\' => {
                        if let Some((env, after)) = begin_verbatim(source, j, line_end) {
                            verbatim = Some(format!("\\end{{{env}}}"));
                            j = after;
                            break;
                        }
                        // `\%` and `\\` are control symbols: skip both bytes
                        // (the second may start a multi-byte character).
                        j += 1;
                        if j < line_end && bytes[j] != b'\n' {
                            j += source[j..].chars().next().map_or(1, char::len_utf8);
                        }
                    }
                    b'%' => {
                        comment = Some(j);
                        break;
                    }
                    _ => j += 1,
                }
            }
            match comment {
                Some(c) => {
                    // A line that is only a comment goes whole: TeX joins
                    // the lines around it, so it is no paragraph break.
                    if !source[line_start..c].trim().is_empty() || p > line_start {
                        out.body.push_source(source, p, c);
                        if line_end > c && bytes[line_end - 1] == b'\n' {
                            out.body.push_source(source, line_end - 1, line_end);
                        }
                    }
                    p = line_end;
                }
                None => {
                    out.body.push_source(source, p, j);
                    p = j;
                }
            }
        }
        line_start = line_end;
    }
    if let Some(piece) = context {
        out.context.push(Piece {
            text: piece.text,
            map: piece.map,
        });
    }
    out
}

/// Adds `r` to the sorted opaque ranges, joining it to the last one when
/// they touch (a verbatim environment is pushed line by line).
fn push_opaque(opaque: &mut Vec<Range<usize>>, r: Range<usize>) {
    match opaque.last_mut() {
        Some(last) if last.end == r.start => last.end = r.end,
        _ if r.start < r.end => opaque.push(r),
        _ => {}
    }
}

/// If `source[at..]` is `\begin{verbatim}` (or another verbatim
/// environment) on this line: its name and where the `\begin{…}` ends.
fn begin_verbatim(source: &str, at: usize, line_end: usize) -> Option<(&str, usize)> {
    let rest = source[at..line_end].strip_prefix("\\begin{")?;
    // Names are short: looking further would make a line full of
    // `\begin{` quadratic.
    let close = rest.bytes().take(32).position(|c| c == b'}')?;
    let name = &rest[..close];
    VERBATIM_ENVS
        .contains(&name)
        .then_some((name, at + "\\begin{".len() + close + 1))
}

/// The part of the text between `\begin{document}` and `\end{document}`,
/// or all of it when there is no `\begin{document}` (a fragment).
fn body_range(text: &str) -> (usize, usize) {
    let Some(k) = text.find("\\begin{document}") else {
        return (0, text.len());
    };
    let from = k + "\\begin{document}".len();
    let to = text[from..]
        .find("\\end{document}")
        .map_or(text.len(), |e| from + e);
    (from, to)
}

/// The headings and paragraphs of `body.text[from..to]`: paragraphs are
/// separated by blank lines, and a sectioning command is a heading of its
/// own that cuts the paragraph it stands in.
fn prose(body: &Mapped, from: usize, to: usize) -> Vec<Prose> {
    let text = &body.text;
    let mut out = Vec::new();
    let mut para_start = from;
    let push_para = |out: &mut Vec<Prose>, start: usize, end: usize| {
        let chunk = &text[start..end];
        let trimmed = chunk.trim();
        if trimmed.is_empty() {
            return;
        }
        let s = start + (chunk.len() - chunk.trim_start().len());
        out.push(Prose {
            text: trimmed.to_string(),
            span: body.map.span_to_source(Span::new(s, s + trimmed.len())),
            heading: false,
        });
    };
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        match bytes[i] {
            b'\n' => {
                let mut j = i + 1;
                while j < to && matches!(bytes[j], b' ' | b'\t' | b'\r') {
                    j += 1;
                }
                if j < to && bytes[j] == b'\n' {
                    push_para(&mut out, para_start, i);
                    para_start = j;
                }
                i = j.max(i + 1);
            }
            b'\\' => match heading_at(text, i, to) {
                Some((title, end)) => {
                    push_para(&mut out, para_start, i);
                    out.push(Prose {
                        text: text[title].trim().to_string(),
                        span: body.map.span_to_source(Span::new(i, end)),
                        heading: true,
                    });
                    para_start = end;
                    i = end;
                }
                // Past the control symbol, but not past a line break: it
                // may start a blank line.
                None if bytes.get(i + 1) == Some(&b'\n') => i += 1,
                None => i += 2,
            },
            _ => i += 1,
        }
    }
    push_para(&mut out, para_start, to);
    out
}

/// If a sectioning command starts at `at`: the range of its title and where
/// the command ends. The title is the brace group after the optional `*`
/// and `[short title]`; braces nest, and a title never crosses a blank line.
fn heading_at(text: &str, at: usize, to: usize) -> Option<(Range<usize>, usize)> {
    let b = text.as_bytes();
    let mut j = at + 1;
    while j < to && b[j].is_ascii_alphabetic() {
        j += 1;
    }
    if !HEADINGS.contains(&&text[at + 1..j]) {
        return None;
    }
    if j < to && b[j] == b'*' {
        j += 1;
    }
    // Titles are short; bounding the search keeps a document full of
    // unclosed `\section{` linear.
    let mut to = to.min(j + 1000);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    if j < to && b[j] == b'[' {
        j += text[j..to].find(']')? + 1;
    }
    while j < to && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    if j >= to || b[j] != b'{' {
        return None;
    }
    let start = j + 1;
    let mut depth = 1usize;
    let mut k = start;
    while k < to {
        match b[k] {
            b'\\' => k += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((start..k, k + 1));
                }
            }
            b'\n'
                if text[k + 1..to]
                    .trim_start_matches([' ', '\t', '\r'])
                    .starts_with('\n') =>
            {
                return None;
            }
            _ => {}
        }
        k += 1;
    }
    None
}
