//! Reading Markdown documents with pulldown-cmark.
//!
//! pulldown-cmark decides what is a paragraph, a quote, a list or a code
//! block, and reads `$$…$$` and `$…$`; this module only maps what it
//! returns back to source bytes. pulldown-cmark does not read `\[…\]` or a
//! bare `\begin{align}` as math (in CommonMark `\[` is an escaped bracket),
//! so each paragraph's raw source is also scanned for those, the way MathJax
//! would find them in a page.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::map::Mapped;
use super::scan::{scan, ScanOptions};
use super::{is_blank, wanted_inline, Display, Document, Piece, Prose};
use crate::syntax::span::Span;

/// Reads a Markdown document. Inline math (`$…$`) is returned only when
/// `inline_math` is set and it holds an `=`.
pub(crate) fn read_markdown(source: &str, inline_math: bool) -> Document {
    let mut doc = Document::default();
    let mut block: Option<Block> = None;
    // Inside a code block: `Some(None)`, or `Some(Some(piece))` for a
    // ```derivcheck fence, whose text is context.
    let mut code: Option<Option<Mapped>> = None;
    let parser = Parser::new_ext(source, Options::ENABLE_MATH);
    for (event, range) in parser.into_offset_iter() {
        if let Some(piece) = &mut code {
            match event {
                Event::Text(text) => {
                    if let Some(piece) = piece {
                        align(piece, source, &text, range);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(piece) = code.take().flatten() {
                        doc.context.push(Piece {
                            text: piece.text,
                            map: piece.map,
                        });
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Heading { .. }) => {
                finish(&mut doc, source, block.take(), inline_math);
                let heading = matches!(event, Event::Start(Tag::Heading { .. }));
                block = Some(Block::new(range, heading));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                finish(&mut doc, source, block.take(), inline_math);
                let context = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next() == Some("derivcheck")
                    }
                    CodeBlockKind::Indented => false,
                };
                code = Some(context.then(|| Mapped::new(range.start)));
            }
            Event::Start(tag) if is_inline(&tag) => {
                open(&mut block, &range);
            }
            Event::End(end) if is_inline_end(&end) => {
                open(&mut block, &range);
            }
            // Any other start or end is block structure: the paragraph (or
            // the loose text of a tight list item) is over.
            Event::Start(_) | Event::End(_) => finish(&mut doc, source, block.take(), inline_math),
            Event::Text(text) => open(&mut block, &range).text.push_str(&text),
            Event::Code(_) | Event::InlineHtml(_) => {
                let b = open(&mut block, &range);
                b.text.push_str(&source[range.clone()]);
                b.masks.push(range);
            }
            Event::InlineMath(ref math) | Event::DisplayMath(ref math) => {
                let inline = matches!(event, Event::InlineMath(_));
                let b = open(&mut block, &range);
                b.text.push_str(&source[range.clone()]);
                b.masks.push(range.clone());
                if let Some(display) = math_display(source, math, range, inline, inline_math) {
                    doc.displays.push(display);
                }
            }
            Event::SoftBreak => open(&mut block, &range).text.push(' '),
            Event::HardBreak => open(&mut block, &range).text.push('\n'),
            _ => {}
        }
    }
    finish(&mut doc, source, block.take(), inline_math);
    // Displays from the raw scan of a paragraph come after the `$$` ones
    // found while reading it.
    doc.displays.sort_by_key(|d| d.span.start);
    doc
}

/// A heading, a paragraph, or the text of a tight list item (which has no
/// paragraph of its own), as it is read.
struct Block {
    /// Its source, from the start of its first line.
    range: Range<usize>,
    heading: bool,
    /// The rendered text so far.
    text: String,
    /// Source ranges of code, inline HTML and math, where the raw scan for
    /// `\[` must not look.
    masks: Vec<Range<usize>>,
}

impl Block {
    fn new(range: Range<usize>, heading: bool) -> Block {
        Block {
            range,
            heading,
            text: String::new(),
            masks: Vec::new(),
        }
    }
}

/// The block being read, opened at `range` if there is none (the loose text
/// of a tight list item) and extended to cover `range`.
fn open<'b>(block: &'b mut Option<Block>, range: &Range<usize>) -> &'b mut Block {
    let b = block.get_or_insert_with(|| Block::new(range.clone(), false));
    b.range.end = b.range.end.max(range.end);
    b
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Records a finished block as prose, and scans its raw source for the
/// math pulldown-cmark does not read.
fn finish(doc: &mut Document, source: &str, block: Option<Block>, inline_math: bool) {
    let Some(block) = block else { return };
    let text = block.text.trim();
    if !text.is_empty() {
        doc.prose.push(Prose {
            text: text.to_string(),
            span: Span::new(block.range.start, block.range.end),
            heading: block.heading,
        });
    }
    let raw = &source[block.range.clone()];
    if !(raw.contains('\\') || raw.contains("$$")) {
        return;
    }
    let (lines, opaque) = raw_lines(source, &block);
    let opts = ScanOptions {
        dollars: false,
        verb: false,
        end_words: "the end of its paragraph",
    };
    let found = scan(&lines.text, 0, lines.text.len(), &opaque, opts);
    for f in found.found {
        let inner = lines.slice(f.open.end, f.close.start);
        if is_blank(&inner.text) || (f.inline && !wanted_inline(inline_math, &inner.text)) {
            continue;
        }
        doc.displays.push(Display {
            text: inner.text,
            map: inner.map,
            span: lines
                .map
                .span_to_source(Span::new(f.open.start, f.close.end)),
            inline: f.inline,
            env: f.env,
        });
    }
    for (r, note) in found.notes {
        doc.notes
            .push((lines.map.span_to_source(Span::new(r.start, r.end)), note));
    }
    if let Some(at) = unread_dollars(&lines.text, &opaque) {
        doc.notes.push((
            lines.map.span_to_source(Span::new(at, at + 2)),
            "`$$` is not read as math: its display does not close within the \
             paragraph (a blank line, or a line that starts a list, a quote or \
             a heading, ends a Markdown paragraph)"
                .to_string(),
        ));
    }
}

/// The block's source as its lines hold it, without the `>` and indentation
/// that continuation lines carry (a paragraph line never starts with `>`,
/// which would start a quote), and the masks in offsets of that text.
fn raw_lines(source: &str, block: &Block) -> (Mapped, Vec<Range<usize>>) {
    let bytes = source.as_bytes();
    let mut out = Mapped::new(block.range.start);
    let mut opaque: Vec<Range<usize>> = Vec::new();
    let mut masks = block.masks.iter().peekable();
    let mut a = block.range.start;
    let end = block.range.end;
    let mut first = true;
    while a < end {
        if !first {
            while a < end && matches!(bytes[a], b' ' | b'\t' | b'>') {
                a += 1;
            }
        }
        first = false;
        let nl = source[a..end].find('\n').map(|k| a + k);
        let mut b = nl.unwrap_or(end);
        if b > a && bytes[b - 1] == b'\r' && nl.is_some() {
            b -= 1;
        }
        let t0 = out.text.len();
        out.push_source(source, a, b);
        // The masks come in source order; one may cover several lines.
        while let Some(m) = masks.peek() {
            if m.start >= b {
                break;
            }
            let (s, e) = (m.start.max(a), m.end.min(b));
            if s < e {
                opaque.push(t0 + (s - a)..t0 + (e - a));
            }
            if m.end <= b {
                masks.next();
            } else {
                break;
            }
        }
        match nl {
            Some(n) => {
                out.push_source(source, n, n + 1);
                a = n + 1;
            }
            None => a = end,
        }
    }
    (out, opaque)
}

/// Where the first `$$` outside the masks is, if one is: pulldown-cmark
/// read every closed display, so one left is a display it could not close.
fn unread_dollars(text: &str, opaque: &[Range<usize>]) -> Option<usize> {
    let b = text.as_bytes();
    let mut k = 0;
    let mut i = 0;
    while i + 1 < b.len() {
        while k < opaque.len() && opaque[k].end <= i {
            k += 1;
        }
        if k < opaque.len() && opaque[k].start <= i {
            i = opaque[k].end;
            continue;
        }
        match (b[i], b[i + 1]) {
            (b'\\', _) => i += 2,
            (b'$', b'$') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The display for a math event at `range` whose text is `math`, unless it
/// is blank or unwanted inline math.
fn math_display(
    source: &str,
    math: &str,
    range: Range<usize>,
    inline: bool,
    inline_math: bool,
) -> Option<Display> {
    if is_blank(math) || (inline && !wanted_inline(inline_math, math)) {
        return None;
    }
    let delim = if inline { "$" } else { "$$" };
    let whole = &source[range.clone()];
    let inner =
        if whole.len() >= 2 * delim.len() && whole.starts_with(delim) && whole.ends_with(delim) {
            range.start + delim.len()..range.end - delim.len()
        } else {
            range.clone()
        };
    let mut text = Mapped::new(inner.start);
    align(&mut text, source, math, inner);
    Some(Display {
        text: text.text,
        map: text.map,
        span: Span::new(range.start, range.end),
        inline,
        env: delim.to_string(),
    })
}

/// Appends `text`, which pulldown-cmark made from `source[range]` by leaving
/// out container prefixes at line starts, mapping each of its characters to
/// the source character it came from.
///
/// Each line of `text` is the end of the matching source line (only line
/// starts lose bytes), so each line is matched from its end backwards; if
/// the lines do not pair up, the characters are matched greedily forwards,
/// and any not found are left out.
fn align(out: &mut Mapped, source: &str, text: &str, range: Range<usize>) {
    let raw = &source[range.clone()];
    if raw == text {
        out.push_source(source, range.start, range.end);
        return;
    }
    let mut pairs: Vec<(usize, char)> = Vec::with_capacity(text.len());
    let raw_lines: Vec<(usize, &str)> = lines_with_offsets(raw).collect();
    let text_lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut aligned = raw_lines.len() == text_lines.len();
    if aligned {
        for (&(off, raw_line), text_line) in raw_lines.iter().zip(&text_lines) {
            let start = pairs.len();
            let mut src = raw_line.char_indices().rev().peekable();
            for c in text_line.chars().rev() {
                match src.find(|&(_, s)| s == c) {
                    Some((k, _)) => pairs.push((range.start + off + k, c)),
                    None => aligned = false,
                }
            }
            pairs[start..].reverse();
            if !aligned {
                break;
            }
        }
    }
    if !aligned {
        pairs.clear();
        let mut src = raw.char_indices();
        for c in text.chars() {
            if let Some((k, _)) = src.find(|&(_, s)| s == c) {
                pairs.push((range.start + k, c));
            }
        }
    }
    let mut iter = pairs.iter().peekable();
    while let Some(&(at, c)) = iter.next() {
        // CRLF gives `\n` alone, as everywhere else.
        if c == '\r' && iter.peek().is_some_and(|&&(_, next)| next == '\n') {
            continue;
        }
        out.text.push(c);
        out.map.push(at, c.len_utf8());
    }
}

/// The lines of `text` (each with its `\n`) and where each starts.
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |off, line| {
        let at = *off;
        *off += line.len();
        Some((at, line))
    })
}
