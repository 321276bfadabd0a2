//! The human-readable report: per file, per claim, one row per link, with
//! counterexamples, diagnoses, messages and rustc-style diagnostics beneath
//! the rows they explain (and, with `explain`, the rules under proved
//! links), and one summary line at the end.
//!
//! ```text
//! false_link.txt
//!   ✗ binomial  false  line 4
//!            (x + 1)^2
//!     6:3  = (x + 1) (x + 1)  proved  # definition of the square
//!     7:3  = x^2 + 1          false   # expand (wrongly)
//!            error: this step is false
//!              ┌─ false_link.txt:7:3
//!              │
//!            7 │   = x^2 + 1          # expand (wrongly)
//!              │   ^^^^^^^^^
//!              │
//!              = counterexample
//!                  x     = 1
//!                  left  = 4
//!                  right = 2
//!              = diagnosis: the right side misses 2 * x
//!
//! ✗ 1 file, 1 claim: 0 verified, 1 failed — links: 1 proved, 1 false
//! ```
//!
//! The rendering with colour off is exactly the coloured one without its
//! escape codes, and no line ends in spaces, so golden tests can compare
//! strings.

use super::text::{self, Painter, Style};
use crate::diag::{plural, Diagnostic};
use crate::input::ReadError;
use crate::numeric::Counterexample;
use crate::outcome::{ClaimReport, FileReport, StepReport, Verdict};
use crate::outcome::{ClaimStatus, FileOutcome, Summary, EXIT_VERIFIED, VERDICTS};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};

/// How to render.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Emit ANSI colour codes.
    pub color: bool,
    /// Show only what needs attention: files and claims that are not
    /// verified (the summary still counts everything).
    pub quiet: bool,
    /// Under each proved link, name the rules that proved it
    /// (`verify --explain`).
    pub explain: bool,
}

/// Expressions wider than this do not widen the column of verdicts: one
/// long step should not push every other verdict off the screen.
const MAX_EXPR_COLUMN: usize = 72;

/// The whole report: every file in order, then the summary line.
pub fn render(outcomes: &[FileOutcome], config: &Config) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let verified = matches!(outcome, FileOutcome::Checked { report, .. } if report.verified());
        if config.quiet && verified {
            continue;
        }
        out.push_str(&render_file(outcome, config));
        out.push('\n');
    }
    out.push_str(&render_summary(&Summary::of(outcomes), config));
    out
}

/// One file: its path, its errors outside claims, then its claims.
pub fn render_file(outcome: &FileOutcome, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let mut out = format!("{}\n", p.paint(Style::Bold, &one_line(outcome.path())));
    match outcome {
        FileOutcome::Unreadable(e) => {
            out.push_str(&indent(&render_read_error(e, config), "  "));
        }
        FileOutcome::Checked { source, report } => {
            out.push_str(&render_checked(report, source, config));
        }
    }
    out
}

fn render_checked(report: &FileReport, source: &str, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let mut out = String::new();
    for error in &report.errors {
        out.push_str(&indent(
            &render_diagnostic(&report.path, source, &error.diagnostic, config),
            "  ",
        ));
    }
    if report.claims.is_empty() && report.errors.is_empty() {
        out.push_str(&format!("  {}\n", p.paint(Style::Dim, "no claims")));
    }
    let loc_width = report
        .claims
        .iter()
        .flat_map(|c| &c.steps)
        .map(|s| location(s).len())
        .max()
        .unwrap_or(0);
    let shown = report
        .claims
        .iter()
        .filter(|c| !config.quiet || ClaimStatus::of(c) != ClaimStatus::Verified);
    for (i, claim) in shown.enumerate() {
        if i > 0 || !report.errors.is_empty() {
            out.push('\n');
        }
        out.push_str(&render_claim(
            claim,
            &report.path,
            source,
            loc_width,
            config,
        ));
    }
    out
}

fn location(step: &StepReport) -> String {
    format!("{}:{}", step.line, step.col)
}

/// The mark and colour of a claim, from its worst link.
fn claim_mark(verdict: Verdict) -> (&'static str, Style) {
    match verdict {
        Verdict::Proved | Verdict::Holds => ("✓", Style::BoldGreen),
        Verdict::Undefined | Verdict::Inconclusive => ("?", Style::BoldYellow),
        Verdict::False | Verdict::Error => ("✗", Style::BoldRed),
    }
}

fn verdict_style(verdict: Verdict) -> Style {
    match verdict {
        Verdict::Proved => Style::Green,
        Verdict::Holds => Style::Cyan,
        Verdict::False | Verdict::Error => Style::BoldRed,
        Verdict::Undefined | Verdict::Inconclusive => Style::Yellow,
    }
}

/// Source text on one line, safe to print: a step written across lines
/// would break the table, and a control character from the file (an
/// escape sequence in a comment) must not drive the user's terminal.
fn one_line(s: &str) -> String {
    text::safe_line(s)
}

/// One claim: a header, the chain's start, and one row per link.
fn render_claim(
    claim: &ClaimReport,
    path: &str,
    source: &str,
    loc_width: usize,
    config: &Config,
) -> String {
    let p = Painter {
        color: config.color,
    };
    let (mark, mark_style) = claim_mark(claim.verdict);
    let mut out = format!(
        "  {} {}  {}  {}\n",
        p.paint(mark_style, mark),
        p.paint(Style::Bold, &one_line(&claim.name)),
        p.paint(verdict_style(claim.verdict), claim.verdict.as_str()),
        p.paint(Style::Dim, &format!("line {}", claim.line)),
    );
    if claim.steps.is_empty() {
        out.push_str(&format!("    {}\n", p.paint(Style::Dim, "(no links)")));
        return out;
    }

    // Rows are "= rhs"; the chain's start (and any link whose left side is
    // not the previous right side) gets a row of its own, aligned under the
    // right sides as on paper.
    let lead = " ".repeat(4 + loc_width + 2);
    let detail_indent = format!("{lead}  ");
    let mut rows: Vec<(Option<&StepReport>, String)> = Vec::new();
    let mut previous_rhs: Option<String> = None;
    for step in &claim.steps {
        let lhs = one_line(&step.lhs);
        if !lhs.is_empty() && previous_rhs.as_deref() != Some(lhs.as_str()) {
            rows.push((None, format!("  {lhs}")));
        }
        let rhs = one_line(&step.rhs);
        rows.push((Some(step), format!("= {rhs}").trim_end().to_string()));
        previous_rhs = Some(rhs);
    }
    let expr_width = rows
        .iter()
        .filter(|(step, _)| step.is_some())
        .map(|(_, e)| text::width(e))
        .filter(|&w| w <= MAX_EXPR_COLUMN)
        .max()
        .unwrap_or(0);

    // Justifications line up after the widest verdict of this claim, so a
    // claim of "holds" is not spaced for "inconclusive".
    let verdict_width = claim
        .steps
        .iter()
        .map(|s| verdict_label(s).len())
        .max()
        .unwrap_or(0);
    for (step, expr) in &rows {
        let Some(step) = step else {
            out.push_str(&format!("{lead}{expr}\n"));
            continue;
        };
        let loc = location(step);
        let verdict = verdict_label(step);
        let mut row = format!(
            "    {}{}  {}  {}",
            " ".repeat(loc_width.saturating_sub(loc.len())),
            p.paint(Style::Dim, &loc),
            text::pad(expr, expr_width),
            p.paint(verdict_style(step.verdict), &verdict),
        );
        if let Some(j) = step.justification.as_deref().map(one_line) {
            if !j.is_empty() {
                row.push_str(&" ".repeat(verdict_width.saturating_sub(verdict.len()) + 2));
                row.push_str(&p.paint(Style::Dim, &format!("# {j}")));
            }
        }
        out.push_str(&row);
        out.push('\n');
        out.push_str(&indent(
            &render_step_details(step, path, source, config),
            &detail_indent,
        ));
    }
    out
}

/// A link's verdict, with the witness that decided it when the verdict
/// does not already say (proved is symbolic; holds, false and undefined are
/// numeric), so a surprising source is never hidden.
fn verdict_label(step: &StepReport) -> String {
    let usual = match step.verdict {
        Verdict::Proved => Some("symbolic"),
        Verdict::Holds | Verdict::False | Verdict::Undefined => Some("numeric"),
        Verdict::Inconclusive | Verdict::Error => None,
    };
    match step.witness {
        Some(w) if usual.is_some() && usual != Some(w) => {
            format!("{} ({w})", step.verdict.as_str())
        }
        _ => step.verdict.as_str().to_string(),
    }
}

/// What a row's verdict alone does not say: the counterexample, the message,
/// or the diagnostic. Each starts with `path:line:col:`, the form editors
/// and terminals turn into a link to the step.
fn render_step_details(step: &StepReport, path: &str, source: &str, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let at = p.paint(
        Style::Dim,
        &format!("{}:{}:{}:", one_line(path), step.line, step.col),
    );
    let message = |style: Style| {
        let m = step.message.as_deref().unwrap_or(step.verdict.as_str());
        format!("{at} {}\n", p.paint(style, &one_line(m)))
    };
    match step.verdict {
        Verdict::Proved if config.explain => render_rules(step, config),
        Verdict::Proved | Verdict::Holds => String::new(),
        Verdict::False => render_false(step, path, source, config),
        Verdict::Undefined | Verdict::Inconclusive => message(Style::Yellow),
        Verdict::Error => match &step.diagnostic {
            // The diagnostic names the place itself, rustc-style.
            Some(d) => render_diagnostic(path, source, d, config),
            None if source.is_empty() => format!(
                "{at} {}: {}\n",
                p.paint(Style::BoldRed, "error"),
                one_line(
                    step.message
                        .as_deref()
                        .unwrap_or("this step could not be checked")
                )
            ),
            None => {
                let message = step
                    .message
                    .as_deref()
                    .unwrap_or("this step could not be checked");
                let d = cs::Diagnostic::error()
                    .with_message(message)
                    .with_labels(vec![cs::Label::primary((), step_range(source, step))]);
                emit(path, source, &d, config).unwrap_or_else(|| {
                    format!(
                        "{at} {}: {}\n",
                        p.paint(Style::BoldRed, "error"),
                        one_line(message)
                    )
                })
            }
        },
    }
}

/// `--explain` under a proved link: the rules that proved it, in order, on
/// one line short enough to read out in a lecture.
fn render_rules(step: &StepReport, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let text = if step.trace.is_empty() {
        "both sides are the same after expanding definitions".to_string()
    } else {
        format!("rules: {}", one_line(&step.trace.join(", ")))
    };
    format!("{}\n", p.paint(Style::Dim, &text))
}

/// A false link, rustc-style: the step underlined in its source line, then
/// the counterexample as a small table and the diagnosis, as notes. Without
/// source text (reports built by hand) there is no line to show, so the
/// counterexample comes after `path:line:col:`.
fn render_false(step: &StepReport, path: &str, source: &str, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let at = p.paint(
        Style::Dim,
        &format!("{}:{}:{}:", one_line(path), step.line, step.col),
    );
    let plain = Config {
        color: false,
        ..*config
    };
    let mut notes = Vec::new();
    if let Some(cx) = &step.counterexample {
        notes.push(render_counterexample(cx, &plain).trim_end().to_string());
    } else if let Some(m) = &step.message {
        notes.push(one_line(m));
    }
    if let Some(d) = &step.diagnosis {
        notes.push(format!("diagnosis: {}", one_line(d)));
    }
    if !source.is_empty() {
        let d = cs::Diagnostic::error()
            .with_message("this step is false")
            .with_labels(vec![cs::Label::primary((), step_range(source, step))])
            .with_notes(notes.clone());
        if let Some(s) = emit(path, source, &d, config) {
            return s;
        }
    }
    let mut out = match &step.counterexample {
        Some(cx) => format!("{at} {}", render_counterexample(cx, config)),
        None => format!(
            "{at} {}\n",
            p.paint(
                Style::Red,
                &one_line(step.message.as_deref().unwrap_or(step.verdict.as_str()))
            )
        ),
    };
    if let Some(d) = &step.diagnosis {
        out.push_str(&format!("= diagnosis: {}\n", one_line(d)));
    }
    out
}

/// The part of a step's line to underline: the step without its
/// justification comment (which would only make the underline longer).
fn step_range(source: &str, step: &StepReport) -> std::ops::Range<usize> {
    let range = clamp(source, step.span.start, step.span.end);
    let text = &source[range.clone()];
    let kept = match (&step.justification, text.find('#')) {
        (Some(_), Some(hash)) => text[..hash].trim_end(),
        _ => text.trim_end(),
    };
    if kept.is_empty() {
        return range;
    }
    range.start..range.start + kept.len()
}

/// A counterexample as a small table: where (dimensions, indices), the
/// variables' values, and the two sides' values.
pub fn render_counterexample(cx: &Counterexample, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let at: Vec<String> = cx
        .dims
        .iter()
        .chain(&cx.indices)
        .map(|(name, v)| format!("{} = {v}", one_line(name)))
        .collect();
    let mut out = p.paint(Style::Red, "counterexample");
    if !at.is_empty() {
        out.push_str(&format!(" at {}", at.join(", ")));
    }
    out.push('\n');
    let (lhs, rhs) = text::distinct_pair(cx.lhs, cx.rhs);
    let mut rows: Vec<(String, String)> = cx
        .values
        .iter()
        .map(|(name, v)| (one_line(name), text::sample_value(v)))
        .collect();
    rows.push(("left".into(), lhs));
    rows.push(("right".into(), rhs));
    let name_width = rows.iter().map(|(n, _)| text::width(n)).max().unwrap_or(0);
    for (name, value) in rows {
        out.push_str(&format!("  {} = {value}\n", text::pad(&name, name_width)));
    }
    out
}

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
fn emit(path: &str, source: &str, d: &cs::Diagnostic<()>, config: &Config) -> Option<String> {
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
    shown: std::borrow::Cow<'s, str>,
    /// For each escaped character, where it ends in the original and in
    /// the shown text, in order.
    ends: Vec<(usize, usize)>,
    /// Where each line starts in the shown text.
    line_starts: Vec<usize>,
}

impl<'s> SafeFile<'s> {
    fn new(path: &str, original: &'s str) -> SafeFile<'s> {
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
            std::borrow::Cow::Owned(shown)
        } else {
            std::borrow::Cow::Borrowed(original)
        };
        let line_starts = codespan_reporting::files::line_starts(&shown).collect();
        SafeFile {
            name: text::safe_line(path),
            original,
            shown,
            ends,
            line_starts,
        }
    }

    /// A byte offset of the original text (on a character boundary) in
    /// the shown text.
    fn to_shown(&self, offset: usize) -> usize {
        match self.ends.partition_point(|&(o, _)| o <= offset) {
            0 => offset,
            k => {
                let (o, s) = self.ends[k - 1];
                s + (offset - o)
            }
        }
    }

    /// A byte offset of the shown text (outside escapes) in the original.
    fn to_original(&self, offset: usize) -> usize {
        let at = match self.ends.partition_point(|&(_, s)| s <= offset) {
            0 => offset,
            k => {
                let (o, s) = self.ends[k - 1];
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
        match line_index.cmp(&self.line_starts.len()) {
            std::cmp::Ordering::Less => Ok(self.line_starts[line_index]),
            std::cmp::Ordering::Equal => Ok(self.shown.len()),
            std::cmp::Ordering::Greater => Err(FilesError::LineTooLarge {
                given: line_index,
                max: self.line_starts.len().saturating_sub(1),
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
        Ok(&self.shown)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
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
fn clamp(source: &str, start: usize, end: usize) -> std::ops::Range<usize> {
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

/// One line saying that a file could not be read, and why.
pub fn render_read_error(error: &ReadError, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    format!(
        "{}: cannot read {}: {}\n",
        p.paint(Style::BoldRed, "error"),
        one_line(&error.path),
        one_line(&error.message)
    )
}

/// The summary line: files, claims by outcome, links by verdict, errors.
pub fn render_summary(summary: &Summary, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let code = summary.exit_code();
    let mark = if code == EXIT_VERIFIED {
        p.paint(Style::BoldGreen, "✓")
    } else {
        p.paint(Style::BoldRed, "✗")
    };
    let mut line = plural(summary.files, "file");
    if summary.claims == 0 {
        line.push_str(", no claims");
    } else {
        let mut claims = vec![format!("{} verified", summary.verified)];
        if summary.failed > 0 {
            claims.push(format!("{} failed", summary.failed));
        }
        if summary.errored > 0 {
            claims.push(format!("{} with errors", summary.errored));
        }
        line.push_str(&format!(
            ", {}: {}",
            plural(summary.claims, "claim"),
            claims.join(", ")
        ));
    }
    let links: Vec<String> = VERDICTS
        .iter()
        .filter(|&&v| summary.links.get(v) > 0)
        .map(|&v| format!("{} {}", summary.links.get(v), v.as_str()))
        .collect();
    if !links.is_empty() {
        line.push_str(&format!(" — links: {}", links.join(", ")));
    }
    let mut problems = Vec::new();
    if summary.file_errors > 0 {
        problems.push(plural(summary.file_errors, "error outside claims"));
    }
    if summary.unreadable > 0 {
        problems.push(plural(summary.unreadable, "file unreadable"));
    }
    if !problems.is_empty() {
        line.push_str(&format!(" — {}", problems.join(", ")));
    }
    format!("{mark} {line}\n")
}

/// Prefixes every non-empty line with `prefix`.
fn indent(s: &str, prefix: &str) -> String {
    s.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{prefix}{l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::SampleValue;
    use crate::outcome::FileError;
    use crate::report::testdata::{self, step};
    use crate::syntax::span::Span;
    use pretty_assertions::assert_eq;

    const PLAIN: Config = Config {
        color: false,
        quiet: false,
        explain: false,
    };
    const COLOR: Config = Config {
        color: true,
        quiet: false,
        explain: false,
    };
    const QUIET: Config = Config {
        color: false,
        quiet: true,
        explain: false,
    };
    const EXPLAIN: Config = Config {
        color: false,
        quiet: false,
        explain: true,
    };

    #[test]
    fn quiet_shows_only_what_is_not_verified() {
        let verified_file = FileOutcome::Checked {
            source: String::new(),
            report: FileReport {
                path: "fine.txt".into(),
                claims: vec![],
                errors: vec![],
            },
        };
        let outcomes = [verified_file, testdata::checked(), testdata::missing()];
        let s = render(&outcomes, &QUIET);
        assert!(!s.contains("fine.txt"), "{s}");
        assert!(!s.contains("shift"), "{s}");
        for shown in [
            "ex.txt",
            "✗ wrong",
            "? odd",
            "✗ typo",
            "expected a name",
            "missing.txt",
        ] {
            assert!(s.contains(shown), "{shown} in {s}");
        }
        assert!(s.ends_with(&render_summary(&Summary::of(&outcomes), &PLAIN)));
        let all_good = [outcomes[0].clone()];
        assert_eq!(render(&all_good, &QUIET), "✓ 1 file, no claims\n");
    }

    /// The text without SGR escape sequences.
    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    const GOLDEN: &str = "\
ex.txt
  error: expected a name after `let`
     ┌─ ex.txt:10:5
     │
  10 │ let = 3
     │     ^

  ✓ shift  holds  line 3
            exp(x + c) / exp(c)
     5:3  = exp(x) exp(c) / exp(c)  proved  # exp(a + b) = exp(a) exp(b)
     6:3  = exp(x)                  holds

  ✗ wrong  false  line 7
            sum(i, v[i])^2
    7:31  = sum(i, v[i]^2)  false
            error: this step is false
              ┌─ ex.txt:7:31
              │
            7 │ claim wrong: sum(i, v[i])^2 = sum(i, v[i]^2)
              │                               ^^^^^^^^^^^^^^
              │
              = counterexample at n = 2
                  v     = [1, 1]
                  left  = 4
                  right = 2

  ? odd  undefined  line 8
            log(-x^2 - 1)
    8:28  = 0  undefined
            ex.txt:8:28: both sides were defined at only 0 of 2560 samples

  ✗ typo  error  line 9
            x + q
    9:17  = q + x  error
            error: unknown name `q`
              ┌─ ex.txt:9:17
              │
            1 │ x, c : real
              │ - variables are declared here
              ·
            9 │ claim typo: x + q = q + x
              │                 ^
              │
              = help: declare it, e.g. `q : real`

missing.txt
  error: cannot read missing.txt: no such file or directory

✗ 2 files, 4 claims: 1 verified, 2 failed, 1 with errors — links: 1 proved, \
1 holds, 1 false, 1 undefined, 1 error — 1 error outside claims, 1 file unreadable
";

    #[test]
    fn whole_report_golden() {
        let s = render(&[testdata::checked(), testdata::missing()], &PLAIN);
        assert_eq!(s, GOLDEN);
    }

    #[test]
    fn colour_adds_only_escape_codes() {
        let outcomes = [testdata::checked(), testdata::missing()];
        let colored = render(&outcomes, &COLOR);
        assert!(colored.contains("\x1b[1;31m✗\x1b[0m"), "{colored}");
        assert!(colored.contains("\x1b[32mproved\x1b[0m"), "{colored}");
        assert_eq!(strip_ansi(&colored), render(&outcomes, &PLAIN));
    }

    #[test]
    fn no_escape_codes_without_colour() {
        let s = render(&[testdata::checked(), testdata::missing()], &PLAIN);
        assert!(!s.contains('\x1b'));
    }

    #[test]
    fn no_line_ends_in_spaces() {
        let s = render(&[testdata::checked(), testdata::missing()], &PLAIN);
        for line in s.lines() {
            assert_eq!(line, line.trim_end());
        }
    }

    fn single(report: FileReport, source: &str) -> FileOutcome {
        FileOutcome::Checked {
            source: source.into(),
            report,
        }
    }

    #[test]
    fn an_empty_file_has_no_claims() {
        let empty = single(
            FileReport {
                path: "empty.txt".into(),
                claims: vec![],
                errors: vec![],
            },
            "",
        );
        assert_eq!(
            render(&[empty], &PLAIN),
            "empty.txt\n  no claims\n\n✓ 1 file, no claims\n"
        );
    }

    #[test]
    fn a_verified_run() {
        let claim = ClaimReport {
            name: "double".into(),
            line: 2,
            verdict: Verdict::Proved,
            steps: vec![step(2, 16, Verdict::Proved, "2 x", "x + x")],
        };
        let outcome = single(
            FileReport {
                path: "d.txt".into(),
                claims: vec![claim],
                errors: vec![],
            },
            "x : real\nclaim double: 2 x = x + x\n",
        );
        assert_eq!(
            render(&[outcome], &PLAIN),
            "\
d.txt
  ✓ double  proved  line 2
            2 x
    2:16  = x + x  proved

✓ 1 file, 1 claim: 1 verified — links: 1 proved
"
        );
    }

    #[test]
    fn chain_links_continue_from_the_previous_right_side() {
        // The second link starts where the first ended, so it gets no row
        // of its own; the third does not, so its left side is shown.
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![
                step(2, 3, Verdict::Proved, "a", "b"),
                step(3, 3, Verdict::Proved, "b", "c"),
                step(4, 3, Verdict::Proved, "z", "d"),
            ],
        };
        let s = render_claim(&claim, "f", "", 3, &PLAIN);
        assert_eq!(
            s,
            "  ✓ c  proved  line 1
           a
    2:3  = b  proved
    3:3  = c  proved
           z
    4:3  = d  proved
"
        );
    }

    #[test]
    fn a_long_expression_does_not_widen_the_column() {
        let long = "x".repeat(MAX_EXPR_COLUMN + 5);
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![
                step(2, 3, Verdict::Proved, "a", "b"),
                step(3, 3, Verdict::Proved, "b", &long),
            ],
        };
        let s = render_claim(&claim, "f", "", 3, &PLAIN);
        assert!(s.contains("= b  proved\n"), "{s}");
        assert!(s.contains(&format!("= {long}  proved\n")), "{s}");
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut s = step(2, 3, Verdict::Proved, "a", "b\x1b[31m");
        s.justification = Some("see \x07 here".into());
        let claim = ClaimReport {
            name: "c\x1b]0;title\x07".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![s],
        };
        let out = render_claim(&claim, "f", "", 3, &PLAIN);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("c\\u{1b}]0;title\\u{7}"), "{out}");
        assert!(out.contains("# see \\u{7} here"), "{out}");
    }

    #[test]
    fn an_unusual_witness_is_named() {
        let mut by_symbolic = step(2, 3, Verdict::False, "a", "b");
        by_symbolic.witness = Some("symbolic");
        let mut by_numeric = step(3, 3, Verdict::Proved, "b", "c");
        by_numeric.witness = Some("numeric");
        let usual = step(4, 3, Verdict::Holds, "c", "d");
        assert_eq!(verdict_label(&by_symbolic), "false (symbolic)");
        assert_eq!(verdict_label(&by_numeric), "proved (numeric)");
        assert_eq!(verdict_label(&usual), "holds");
    }

    #[test]
    fn an_empty_left_side_gets_no_blank_row() {
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Error,
            steps: vec![step(2, 3, Verdict::Error, "", "")],
        };
        assert_eq!(
            render_claim(&claim, "f", "", 3, &PLAIN),
            "  ✗ c  error  line 1\n    2:3  =  error\n           f:2:3: error: this step could not be checked\n"
        );
    }

    #[test]
    fn multi_line_source_text_is_put_on_one_line() {
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![step(2, 3, Verdict::Proved, "a +\n   b", "b\t+ a")],
        };
        let s = render_claim(&claim, "f", "", 3, &PLAIN);
        assert!(s.contains("  a + b\n"), "{s}");
        assert!(s.contains("= b + a  proved\n"), "{s}");
    }

    #[test]
    fn counterexample_table_with_indices_and_a_matrix() {
        let cx = Counterexample {
            dims: vec![("m".into(), 2), ("d".into(), 1)],
            indices: vec![("i".into(), 1)],
            values: vec![
                (
                    "W1".into(),
                    SampleValue::Matrix(vec![vec![0.5], vec![-2.0]]),
                ),
                ("ŷ".into(), SampleValue::Vector(vec![0.25, 0.75])),
                ("t".into(), SampleValue::Scalar(1.0 / 3.0)),
            ],
            lhs: 0.1,
            rhs: 0.1000001,
        };
        assert_eq!(
            render_counterexample(&cx, &PLAIN),
            "\
counterexample at m = 2, d = 1, i = 1
  W1    = [[0.5], [-2]]
  ŷ     = [0.25, 0.75]
  t     = 0.333333
  left  = 0.1
  right = 0.1000001
"
        );
    }

    #[test]
    fn a_false_link_without_counterexample_shows_its_message() {
        let mut s = step(1, 1, Verdict::False, "a", "b");
        s.message = Some("differs symbolically".into());
        assert_eq!(
            render_step_details(&s, "f", "", &PLAIN),
            "f:1:1: differs symbolically\n"
        );
    }

    /// The false claim of the test data, with a diagnosis and a
    /// justification (which the underline leaves out).
    fn diagnosed() -> StepReport {
        let mut report = testdata::report();
        let mut s = report.claims[1].steps.remove(0);
        s.diagnosis = Some("the right side misses 2 * sum(i, v[i] * v[j])".into());
        s
    }

    #[test]
    fn a_false_link_is_underlined_with_its_counterexample_and_diagnosis() {
        let s = render_step_details(&diagnosed(), "ex.txt", testdata::SOURCE, &PLAIN);
        assert_eq!(
            s,
            "\
error: this step is false
  ┌─ ex.txt:7:31
  │
7 │ claim wrong: sum(i, v[i])^2 = sum(i, v[i]^2)
  │                               ^^^^^^^^^^^^^^
  │
  = counterexample at n = 2
      v     = [1, 1]
      left  = 4
      right = 2
  = diagnosis: the right side misses 2 * sum(i, v[i] * v[j])
"
        );
        let colored = render_step_details(&diagnosed(), "ex.txt", testdata::SOURCE, &COLOR);
        assert_eq!(strip_ansi(&colored), s);
    }

    #[test]
    fn the_underline_leaves_out_the_justification() {
        let source = "x : real\nclaim c: x\n  = 2 x   # doubled\n";
        let mut s = step(3, 3, Verdict::False, "x", "2 x");
        s.span = Span::new(source.find("= 2").unwrap_or(0), source.len() - 1);
        s.justification = Some("doubled".into());
        assert_eq!(step_range(source, &s), s.span.start..s.span.start + 5);
        let out = render_step_details(&s, "f.txt", source, &PLAIN);
        assert!(
            out.contains("3 │   = 2 x   # doubled\n  │   ^^^^^\n"),
            "{out}"
        );
    }

    #[test]
    fn without_source_a_diagnosis_follows_the_counterexample() {
        let s = render_step_details(&diagnosed(), "ex.txt", "", &PLAIN);
        assert!(
            s.starts_with("ex.txt:7:31: counterexample at n = 2\n"),
            "{s}"
        );
        assert!(
            s.ends_with("= diagnosis: the right side misses 2 * sum(i, v[i] * v[j])\n"),
            "{s}"
        );
    }

    #[test]
    fn explain_names_the_rules_of_proved_links() {
        let mut proved = step(2, 3, Verdict::Proved, "a", "b");
        proved.trace = vec!["definition of softmax".into(), "exp of a sum".into()];
        let bare = step(3, 3, Verdict::Proved, "b", "c");
        let holds = step(4, 3, Verdict::Holds, "c", "d");
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Holds,
            steps: vec![proved, bare, holds],
        };
        assert_eq!(
            render_claim(&claim, "f", "", 3, &EXPLAIN),
            "  ✓ c  holds  line 1
           a
    2:3  = b  proved
           rules: definition of softmax, exp of a sum
    3:3  = c  proved
           both sides are the same after expanding definitions
    4:3  = d  holds
"
        );
        assert!(!render_claim(&claim, "f", "", 3, &PLAIN).contains("rules"));
    }

    #[test]
    fn an_internal_error_is_underlined_too() {
        let mut s = step(7, 31, Verdict::Error, "a", "b");
        s.message = Some("internal error: the witnesses disagree".into());
        let out = render_step_details(&s, "ex.txt", testdata::SOURCE, &PLAIN);
        assert!(
            out.starts_with("error: internal error: the witnesses disagree\n  ┌─ ex.txt:7:31\n"),
            "{out}"
        );
        assert!(out.contains("^^^^^^^^^^^^^^"), "{out}");
    }

    #[test]
    fn an_error_without_diagnostic_shows_its_message() {
        let mut s = step(1, 1, Verdict::Error, "a", "b");
        s.message = Some("shape mismatch".into());
        assert_eq!(
            render_step_details(&s, "f", "", &PLAIN),
            "f:1:1: error: shape mismatch\n"
        );
    }

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

    #[test]
    fn file_errors_come_before_claims() {
        let mut report = testdata::report();
        report.claims.truncate(1);
        report.errors.push(FileError {
            line: 1,
            col: 1,
            diagnostic: Diagnostic::new(Span::new(0, 1), "first"),
        });
        let s = render_file(&single(report, testdata::SOURCE), &PLAIN);
        let first = s.find("error: first");
        let let_error = s.find("error: expected a name");
        let claim = s.find("✓ shift");
        assert!(
            first.is_some() && let_error.is_some() && claim.is_some(),
            "{s}"
        );
        assert!(let_error < claim && first < claim, "{s}");
    }

    #[test]
    fn summary_lines() {
        let cases: &[(&[FileOutcome], &str)] = &[
            (&[], "✓ 0 files, no claims\n"),
            (
                &[testdata::missing()],
                "✗ 1 file, no claims — 1 file unreadable\n",
            ),
        ];
        for (outcomes, want) in cases {
            assert_eq!(render_summary(&Summary::of(outcomes), &PLAIN), *want);
        }
    }

    #[test]
    fn read_errors_name_the_file() {
        let FileOutcome::Unreadable(e) = testdata::missing() else {
            unreachable!("testdata::missing is unreadable")
        };
        assert_eq!(
            render_read_error(&e, &PLAIN),
            "error: cannot read missing.txt: no such file or directory\n"
        );
    }
}
