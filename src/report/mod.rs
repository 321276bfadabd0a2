//! Rendering of verification reports: terminal and JSON, and for CI and
//! for reading: GitHub workflow commands, JUnit XML, an HTML page with
//! MathML, and a LaTeX document (see docs/reports.md).
//!
//! Renderers are pure functions from plain report data (and each file's
//! source text, which diagnostics quote) to a `String`; reading files is
//! [`crate::input`]'s, and writing the result anywhere is `main.rs`'s. That
//! keeps every byte of output testable without a terminal.
//!
//! The data rendered is [`crate::outcome`]'s. This module also holds what
//! several renderers share: the walk through a run that the typeset reports
//! (HTML, LaTeX) share (`walk`) and what the one-line reports say about a
//! link; [`color`] decides whether the terminal report is coloured.

pub mod color;
pub mod json;
pub mod terminal;

// Formats for CI and for reading (docs/reports.md).
pub mod github;
pub mod html;
pub mod junit;
pub mod latex;
pub(crate) mod mathml;
// For editors and `grep -n` users.
mod prose;
pub mod short;
#[cfg(test)]
pub(crate) mod testdata;
pub(crate) mod text;
mod xml;

use crate::input::ReadError;
use crate::numeric::Counterexample;
use crate::outcome::{ClaimReport, FileNote, FileOutcome, FileReport, StepReport, Verdict};

/// What a typeset report (the HTML page, the LaTeX document) is called
/// and what it shows beyond the verdicts.
///
/// The default is the page `derivcheck report` writes without options: the
/// title "derivcheck report", and in LaTeX no rule traces (they made a
/// class's report many pages long; the HTML page folds them instead).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageOptions {
    /// The page's title and heading (`--title`); `None` for
    /// "derivcheck report".
    pub title: Option<String>,
    /// Whether the LaTeX document lists, under each proved link, the rules
    /// that proved it (`--trace`). The HTML page always has them, folded.
    pub trace: bool,
}

impl PageOptions {
    /// Options with this title (`None`: the default title) and whether
    /// the LaTeX document shows rule traces.
    pub fn new(title: Option<String>, trace: bool) -> PageOptions {
        PageOptions { title, trace }
    }

    /// The title to show: the one given, or "derivcheck report".
    pub(crate) fn title(&self) -> &str {
        self.title.as_deref().unwrap_or("derivcheck report")
    }
}

/// What a typeset report's footer says about how it was made: the
/// derivcheck version and the sampler's seed(s), so a reader can run the
/// same check again (`--seed`). Only the input decides it: no date, no
/// host.
pub(crate) fn provenance(outcomes: &[FileOutcome]) -> String {
    let version = concat!("derivcheck ", env!("CARGO_PKG_VERSION"));
    let seeds: Vec<(&str, u64)> = outcomes
        .iter()
        .filter_map(|o| match o {
            FileOutcome::Checked { report, .. } => Some((o.path(), report.seed)),
            FileOutcome::Unreadable(_) => None,
        })
        .collect();
    match seeds.as_slice() {
        [] => version.to_string(),
        [(_, seed), rest @ ..] if rest.iter().all(|(_, s)| s == seed) => {
            format!("{version}, seed {seed}")
        }
        _ => {
            let each: Vec<String> = seeds.iter().map(|(p, s)| format!("{p} {s}")).collect();
            format!("{version}, seeds {}", each.join("; "))
        }
    }
}

/// One piece of a typeset report, in document order: files, their errors
/// outside claims, their claims, each claim's chain of links.
///
/// The HTML page and the LaTeX document show the same things in the same
/// order; [`walk`] decides what comes when, and each renderer only says how
/// a piece is written.
pub(crate) enum Piece<'a> {
    /// A file begins; `index` counts the run's files from 1.
    File { index: usize, path: &'a str },
    /// The file could not be read (nothing else follows until `FileEnd`).
    Unreadable(&'a ReadError),
    /// An error outside claims, rendered as the text report shows it
    /// (without colour).
    FileError(String),
    /// A note of a document's reading (a display not read, a relation not
    /// checked, the names assumed): not a verdict, shown under the file's
    /// name as the text report shows it.
    Note(&'a FileNote),
    /// A file with neither claims nor errors outside them.
    NoClaims,
    /// A claim begins; `file` is its file's index, `index` counts the
    /// file's claims from 1.
    Claim {
        file: usize,
        index: usize,
        claim: &'a ClaimReport,
    },
    /// The claim has no links (then no chain follows).
    NoLinks,
    /// The claim's chain of links begins.
    ChainStart,
    /// One link of the chain.
    Link(Link<'a>),
    /// The chain ends.
    ChainEnd,
    /// The claim ends.
    ClaimEnd,
    /// The file ends.
    FileEnd,
}

/// One link as a typeset row and what goes beneath it.
pub(crate) struct Link<'a> {
    /// The link's report (verdict, witness, justification, line,
    /// diagnosis, trace).
    pub step: &'a StepReport,
    /// The left side on one line, when the row shows it: not when it
    /// continues the previous row's right side, nor when it is empty.
    pub lhs: Option<String>,
    /// The right side on one line.
    pub rhs: String,
    /// The chain's last link.
    pub last: bool,
    /// What the verdict alone does not say.
    pub evidence: Evidence<'a>,
    /// The link is a Markdown or LaTeX document's (by its file's
    /// extension), so its justification's `$…$` is math to typeset; a
    /// comment of the derivation language is shown as written.
    pub document: bool,
}

/// The evidence beneath a link, by verdict.
pub(crate) enum Evidence<'a> {
    /// Proved or holds: nothing.
    None,
    /// A false link's counterexample.
    Counterexample(&'a Counterexample),
    /// Why a link is false (without counterexample), undefined or
    /// inconclusive: its message, or else its verdict.
    Message(&'a str),
    /// A link in error: its diagnostic, with the source text it points at.
    Diagnostic(DiagnosticView<'a>),
    /// A link in error without a diagnostic: its message.
    Error(&'a str),
}

/// A link's diagnostic for the typeset reports: its parts, each quoted
/// piece of source on one line, so that they can be set as mathematics.
#[derive(Debug)]
pub(crate) struct DiagnosticView<'a> {
    pub diagnostic: &'a crate::diag::Diagnostic,
    /// The source text the diagnostic points at.
    pub at: String,
    /// Each label's source text and what it says there.
    pub labels: Vec<(String, &'a str)>,
}

/// Walks a run in document order, handing each [`Piece`] to `emit`.
pub(crate) fn walk<'a>(outcomes: &'a [FileOutcome], mut emit: impl FnMut(Piece<'a>)) {
    for (n, outcome) in outcomes.iter().enumerate() {
        let file = n + 1;
        emit(Piece::File {
            index: file,
            path: outcome.path(),
        });
        match outcome {
            FileOutcome::Unreadable(e) => emit(Piece::Unreadable(e)),
            FileOutcome::Checked { source, report } => {
                for error in &report.errors {
                    emit(Piece::FileError(plain_diagnostic(
                        report,
                        source,
                        &error.diagnostic,
                    )));
                }
                for note in &report.notes {
                    emit(Piece::Note(note));
                }
                if report.claims.is_empty() && report.errors.is_empty() {
                    emit(Piece::NoClaims);
                }
                for (m, claim) in report.claims.iter().enumerate() {
                    emit(Piece::Claim {
                        file,
                        index: m + 1,
                        claim,
                    });
                    walk_chain(report, source, claim, &mut emit);
                    emit(Piece::ClaimEnd);
                }
            }
        }
        emit(Piece::FileEnd);
    }
}

fn walk_chain<'a>(
    report: &FileReport,
    source: &str,
    claim: &'a ClaimReport,
    emit: &mut impl FnMut(Piece<'a>),
) {
    if claim.steps.is_empty() {
        emit(Piece::NoLinks);
        return;
    }
    emit(Piece::ChainStart);
    let mut previous_rhs: Option<String> = None;
    for (k, step) in claim.steps.iter().enumerate() {
        let lhs = text::one_line(&step.lhs);
        let shown = !lhs.is_empty() && previous_rhs.as_deref() != Some(lhs.as_str());
        let rhs = text::one_line(&step.rhs);
        previous_rhs = Some(rhs.clone());
        emit(Piece::Link(Link {
            step,
            lhs: shown.then_some(lhs),
            rhs,
            last: k + 1 == claim.steps.len(),
            evidence: evidence(source, step),
            document: matches!(
                crate::document::InputKind::from_path(std::path::Path::new(&report.path)),
                Some(crate::document::InputKind::Markdown | crate::document::InputKind::Tex)
            ),
        }));
    }
    emit(Piece::ChainEnd);
}

fn evidence<'a>(source: &str, step: &'a StepReport) -> Evidence<'a> {
    if let Some(bound) = step.error_bound() {
        return Evidence::Message(bound);
    }
    match (step.verdict, &step.counterexample) {
        (Verdict::Proved | Verdict::Holds, _) => Evidence::None,
        (Verdict::False, Some(cx)) => Evidence::Counterexample(cx),
        (Verdict::False | Verdict::Undefined | Verdict::Inconclusive, _) => {
            Evidence::Message(step.message.as_deref().unwrap_or(step.verdict.as_str()))
        }
        (Verdict::Error, _) => match &step.diagnostic {
            Some(d) => {
                let quote = |span: crate::syntax::span::Span| {
                    text::one_line(source.get(span.start..span.end).unwrap_or_default())
                };
                Evidence::Diagnostic(DiagnosticView {
                    diagnostic: d,
                    at: quote(d.span),
                    labels: d
                        .labels
                        .iter()
                        .map(|(span, label)| (quote(*span), label.as_str()))
                        .collect(),
                })
            }
            None => Evidence::Error(
                step.message
                    .as_deref()
                    .unwrap_or("this step could not be checked"),
            ),
        },
    }
}

/// A diagnostic as the text report shows it, without colour.
fn plain_diagnostic(report: &FileReport, source: &str, d: &crate::diag::Diagnostic) -> String {
    terminal::render_diagnostic(&report.path, source, d, &terminal::Config::default())
}

/// What the one-line reports (GitHub, JUnit) say about a link beyond its
/// verdict when there is no counterexample to show: its message, or else
/// its diagnostic's, and the diagnostic's help.
pub(crate) fn reason_and_help(step: &StepReport) -> (Option<&str>, Option<&str>) {
    let help = step.diagnostic.as_ref().and_then(|d| d.help.as_deref());
    (step.reason(), help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn the_walk_goes_file_by_file_and_link_by_link() {
        let outcomes = [testdata::checked(), testdata::missing()];
        let mut seen = Vec::new();
        walk(&outcomes, |piece| {
            seen.push(match piece {
                Piece::File { index, .. } => format!("file {index}"),
                Piece::Unreadable(_) => "unreadable".into(),
                Piece::FileError(_) => "file error".into(),
                Piece::Note(n) => format!("note {}", n.kind.as_str()),
                Piece::NoClaims => "no claims".into(),
                Piece::Claim { file, index, .. } => format!("claim {file}.{index}"),
                Piece::NoLinks => "no links".into(),
                Piece::ChainStart => "(".into(),
                Piece::Link(link) => {
                    let evidence = match link.evidence {
                        Evidence::None => "",
                        Evidence::Counterexample(_) => " cx",
                        Evidence::Message(_) => " message",
                        Evidence::Diagnostic(_) => " diagnostic",
                        Evidence::Error(_) => " error",
                    };
                    let lhs = if link.lhs.is_some() { "lhs " } else { "" };
                    let last = if link.last { " last" } else { "" };
                    format!("{lhs}= {}{evidence}{last}", link.rhs)
                }
                Piece::ChainEnd => ")".into(),
                Piece::ClaimEnd => "end claim".into(),
                Piece::FileEnd => "end file".into(),
            });
        });
        assert_eq!(
            seen.join("; "),
            "file 1; file error; \
             claim 1.1; (; lhs = exp(x) exp(c) / exp(c); = exp(x) last; ); end claim; \
             claim 1.2; (; lhs = sum(i, v[i]^2) cx last; ); end claim; \
             claim 1.3; (; lhs = 0 message last; ); end claim; \
             claim 1.4; (; lhs = q + x diagnostic last; ); end claim; end file; \
             file 2; unreadable; end file"
        );
    }
}
