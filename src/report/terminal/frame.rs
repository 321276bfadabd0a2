//! Code frames: a diagnostic rendered like rustc's, the source line with
//! the span underlined, through codespan-reporting, with everything from
//! the file escaped so that nothing in it acts on the terminal.

use super::{one_line, Config};
use crate::diag::Diagnostic;
use crate::report::text::{self, Painter, Style};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};

/// Renders a diagnostic like rustc: the message, `┌─ path:line:col`, the
/// source line with the span underlined, labels, and `= help:`.
pub fn render_diagnostic(
    path: &str,
    source: &str,
    diagnostic: &Diagnostic,
    config: &Config,
) -> String {
    let range = |span: crate::syntax::span::Span| clamp(source, span.start, span.end);
    let mut labels = vec![cs::Label::primary((), range(diagnostic.span))];
    labels.extend(
        diagnostic
            .labels
            .iter()
            .map(|(span, msg)| cs::Label::secondary((), range(*span)).with_message(msg)),
    );
    let mut d = cs::Diagnostic::error()
        .with_message(&diagnostic.message)
        .with_labels(labels);
    if let Some(help) = &diagnostic.help {
        d = d.with_notes(vec![format!("help: {help}")]);
    }
    match emit(path, source, &d, config) {
        Some(s) => s,
        // codespan refuses only inconsistent input; say what we know.
        None => {
            let p = Painter {
                color: config.color,
            };
            format!(
                "{}: {}\n",
                p.paint(Style::BoldRed, "error"),
                one_line(&diagnostic.message)
            )
        }
    }
}

/// A codespan diagnostic as text, with no line ending in spaces; `None`
/// when codespan refuses it (inconsistent input).
///
/// Everything from the file is escaped first, as in the chain's rows: the
/// source lines shown (through [`SafeFile`], which moves the labels along
/// so the underline stays under the escaped text), the path, the message,
/// the labels and the notes.
pub(super) fn emit(
    path: &str,
    source: &str,
    d: &cs::Diagnostic<()>,
    config: &Config,
) -> Option<String> {
    let file = SafeFile::new(path, source);
    let mut d = d.clone();
    d.message = text::escape(&d.message);
    for label in &mut d.labels {
        label.range = file.to_shown(label.range.start)..file.to_shown(label.range.end);
        label.message = text::escape(&label.message);
    }
    for note in &mut d.notes {
        *note = text::escape(note);
    }
    let term_config = term::Config::default();
    let rendered = if config.color {
        let mut w = termcolor::Ansi::new(Vec::new());
        term::emit(&mut w, &term_config, &file, &d).map(|()| w.into_inner())
    } else {
        let mut w = termcolor::NoColor::new(Vec::new());
        term::emit(&mut w, &term_config, &file, &d).map(|()| w.into_inner())
    };
    let s = String::from_utf8(rendered.ok()?).ok()?;
    Some(
        s.lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect::<String>()
            .trim_end()
            .to_string()
            + "\n",
    )
}

/// A file as codespan shows it: the source with every unsafe character
/// escaped ([`text::escape`]), so nothing from the file acts on the
/// terminal and each escape is as wide as it prints, which keeps carets
/// under it. Byte offsets move with the escapes ([`SafeFile::to_shown`]);
/// line numbers do not (line breaks are kept), and columns are counted in
/// the original text, so `path:line:col` is the one an editor knows.
struct SafeFile<'s> {
    name: String,
    original: &'s str,
    layout: std::rc::Rc<Layout>,
}

/// What [`SafeFile`] needs of a file beyond its text, computed once per
/// file while [`with_file_cache`] runs (a file with thousands of false
/// links must not be scanned once per link).
struct Layout {
    /// The escaped text, when it differs from the original.
    shown: Option<String>,
    /// For each escaped character, where it ends in the original and in
    /// the shown text, in order.
    ends: Vec<(usize, usize)>,
    /// Where each line starts in the shown text.
    line_starts: Vec<usize>,
}

impl Layout {
    fn new(original: &str) -> Layout {
        let mut ends = Vec::new();
        let shown = if original
            .chars()
            .any(|c| text::is_unsafe(c) && c != '\n' && c != '\t')
        {
            let mut shown = String::with_capacity(original.len() + 16);
            for (i, c) in original.char_indices() {
                let escaped = text::escape(original.get(i..i + c.len_utf8()).unwrap_or(""));
                // A CR is kept only before LF, which one character alone
                // cannot tell.
                let escaped = if c == '\r' && original[i + 1..].starts_with('\n') {
                    "\r".to_string()
                } else {
                    escaped
                };
                shown.push_str(&escaped);
                if escaped.len() != c.len_utf8() {
                    ends.push((i + c.len_utf8(), shown.len()));
                }
            }
            Some(shown)
        } else {
            None
        };
        let line_starts =
            codespan_reporting::files::line_starts(shown.as_deref().unwrap_or(original)).collect();
        Layout {
            shown,
            ends,
            line_starts,
        }
    }
}

/// The file [`with_file_cache`] is rendering: its text's address and
/// length, and its [`Layout`] once computed.
type Current = Option<(usize, usize, Option<std::rc::Rc<Layout>>)>;

thread_local! {
    static CURRENT: std::cell::RefCell<Current> = const { std::cell::RefCell::new(None) };
}

/// Runs `f`, in which code frames of `source` share one [`Layout`]. The
/// text is borrowed for the whole call, so its address cannot be reused
/// by another text while the cache stands.
pub(super) fn with_file_cache<T>(source: &str, f: impl FnOnce() -> T) -> T {
    let key = (source.as_ptr() as usize, source.len(), None);
    let saved = CURRENT.with(|c| c.replace(Some(key)));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = saved);
    out
}

impl<'s> SafeFile<'s> {
    fn new(path: &str, original: &'s str) -> SafeFile<'s> {
        let here = (original.as_ptr() as usize, original.len());
        let layout = CURRENT.with(|c| match &mut *c.borrow_mut() {
            Some((p, l, slot)) if (*p, *l) == here => slot
                .get_or_insert_with(|| std::rc::Rc::new(Layout::new(original)))
                .clone(),
            _ => std::rc::Rc::new(Layout::new(original)),
        });
        SafeFile {
            name: text::safe_line(path),
            original,
            layout,
        }
    }

    /// The text codespan shows.
    fn shown(&self) -> &str {
        self.layout.shown.as_deref().unwrap_or(self.original)
    }

    /// A byte offset of the original text (on a character boundary) in
    /// the shown text.
    fn to_shown(&self, offset: usize) -> usize {
        match self.layout.ends.partition_point(|&(o, _)| o <= offset) {
            0 => offset,
            k => {
                let (o, s) = self.layout.ends[k - 1];
                s + (offset - o)
            }
        }
    }

    /// A byte offset of the shown text (outside escapes) in the original.
    fn to_original(&self, offset: usize) -> usize {
        let at = match self.layout.ends.partition_point(|&(_, s)| s <= offset) {
            0 => offset,
            k => {
                let (o, s) = self.layout.ends[k - 1];
                o + (offset - s)
            }
        };
        let mut at = at.min(self.original.len());
        while !self.original.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn line_start(&self, line_index: usize) -> Result<usize, FilesError> {
        match line_index.cmp(&self.layout.line_starts.len()) {
            std::cmp::Ordering::Less => Ok(self.layout.line_starts[line_index]),
            std::cmp::Ordering::Equal => Ok(self.shown().len()),
            std::cmp::Ordering::Greater => Err(FilesError::LineTooLarge {
                given: line_index,
                max: self.layout.line_starts.len().saturating_sub(1),
            }),
        }
    }
}

impl<'a> Files<'a> for SafeFile<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.shown())
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .layout
            .line_starts
            .binary_search(&byte_index)
            .unwrap_or_else(|next| next.saturating_sub(1)))
    }

    fn line_range(
        &'a self,
        (): (),
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        Ok(self.line_start(line_index)?..self.line_start(line_index + 1)?)
    }

    /// The column in characters of the original line, as the chain's rows
    /// and editors count it, not of the escaped text.
    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let start = self.to_original(self.line_start(line_index)?);
        let end = self.to_original(byte_index).max(start);
        Ok(self
            .original
            .get(start..end)
            .map_or(0, |s| s.chars().count())
            + 1)
    }
}

/// A byte range that is inside `source` and on character boundaries, so
/// that a stray span cannot make the renderer fail.
pub(super) fn clamp(source: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(source.len());
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (a, b) = (floor(start), floor(end));
    a.min(b)..a.max(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::Span;
    use pretty_assertions::assert_eq;

    use crate::report::terminal::tests::{COLOR, PLAIN};

    #[test]
    fn escapes_before_the_span_move_the_underline_not_the_column() {
        let source = "x : real\nclaim a: x = \u{1b}[1m\u{202e} q + 1\r\n";
        let q = source.find('q').unwrap_or(0);
        let d = Diagnostic::new(Span::new(q, q + 1), "unknown name `q`\u{7}")
            .with_label(Span::new(0, 1), "declared \u{1b}[2J here");
        let out = render_diagnostic("f\u{1b}.txt", source, &d, &PLAIN);
        assert!(
            !out.chars().any(|c| text::is_unsafe(c) && c != '\n'),
            "{out:?}"
        );
        assert_eq!(
            out,
            "\
error: unknown name `q`\\u{7}
  ┌─ f\\u{1b}.txt:2:20
  │
1 │ x : real
  │ - declared \\u{1b}[2J here
2 │ claim a: x = \\u{1b}[1m\\u{202e} q + 1
  │                                ^
"
        );
        let colored = render_diagnostic("f.txt", source, &d, &COLOR);
        assert!(colored.contains("\\u{1b}[1m"), "{colored:?}");
    }

    #[test]
    fn the_file_cache_serves_only_its_own_text() {
        // Two texts of one length: inside the first's cache, a frame of
        // the second must show the second.
        let (a, b) = ("x : real\nclaim a: x = y\n", "y : real\nclaim b: y = z\n");
        let d = Diagnostic::new(Span::new(22, 23), "unknown name");
        let (of_a, of_b) = with_file_cache(a, || {
            (
                render_diagnostic("f.txt", a, &d, &PLAIN),
                render_diagnostic("f.txt", b, &d, &PLAIN),
            )
        });
        assert!(of_a.contains("claim a: x = y"), "{of_a}");
        assert!(of_b.contains("claim b: y = z"), "{of_b}");
        assert_eq!(of_a, render_diagnostic("f.txt", a, &d, &PLAIN));
        // Twice from the cache, the same frame.
        let twice = with_file_cache(a, || {
            let first = render_diagnostic("f.txt", a, &d, &PLAIN);
            (first, render_diagnostic("f.txt", a, &d, &PLAIN))
        });
        assert_eq!(twice.0, twice.1);
        assert_eq!(twice.0, of_a);
    }

    #[test]
    fn a_lone_carriage_return_is_escaped() {
        let source = "x : real\nclaim a: x = x\r + 1\n";
        let at = source.find('+').unwrap_or(0);
        let d = Diagnostic::new(Span::new(at, at + 1), "odd");
        let out = render_diagnostic("f.txt", source, &d, &PLAIN);
        assert!(out.contains("┌─ f.txt:2:17\n"), "{out}");
        assert!(
            out.contains("2 │ claim a: x = x\\r + 1\n  │                  ^\n"),
            "{out}"
        );
    }

    #[test]
    fn diagnostics_with_stray_spans_still_render() {
        let source = "∂x = 1\n";
        for span in [Span::new(1, 2), Span::new(50, 60), Span::new(5, 2)] {
            let d = Diagnostic::new(span, "odd span").with_label(Span::new(100, 0), "far");
            let s = render_diagnostic("f.txt", source, &d, &PLAIN);
            assert!(s.starts_with("error: odd span\n"), "{s}");
        }
    }
}
