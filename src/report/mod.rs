//! Rendering of verification reports: terminal and JSON, and for CI and
//! for reading: GitHub workflow commands, JUnit XML, an HTML page with
//! MathML, and a LaTeX document (see docs/reports.md).
//!
//! Renderers are pure functions from plain report data (and each file's
//! source text, which diagnostics quote) to a `String`; only `main.rs` reads
//! files and writes the result anywhere. That keeps every byte of output
//! testable without a terminal.
//!
//! This module also holds what both renderers share: the outcome of one file
//! ([`FileOutcome`]), the counts of a run ([`Summary`]) and the exit code that
//! follows from them, and the walk through a run that the typeset reports
//! (HTML, LaTeX) share ([`walk`]).

pub mod json;
pub mod terminal;

// Formats for CI and for reading (docs/reports.md).
pub mod github;
pub mod html;
pub mod junit;
pub mod latex;
pub mod mathml;
#[cfg(test)]
mod testdata;
mod text;

use crate::input::ReadError;
use crate::numeric::Counterexample;
use crate::verify::{ClaimReport, FileReport, StepReport, Verdict};

/// Exit code when every claim of every file is verified.
pub const EXIT_VERIFIED: u8 = 0;
/// Exit code when some link is false, undefined or inconclusive (and nothing
/// is in error).
pub const EXIT_FAILED: u8 = 1;
/// Exit code on usage, read, parse or check errors; takes precedence over
/// [`EXIT_FAILED`].
pub const EXIT_ERROR: u8 = 2;

/// What happened to one file named on the command line.
#[derive(Clone, Debug, PartialEq)]
pub enum FileOutcome {
    /// The file was read and verified; `source` is the text the report's
    /// spans point into.
    Checked {
        /// The text that was verified (after removing a byte-order mark).
        source: String,
        /// The verification report.
        report: FileReport,
    },
    /// The file could not be read, so nothing in it was checked.
    Unreadable(ReadError),
}

impl FileOutcome {
    /// The path as given on the command line.
    pub fn path(&self) -> &str {
        match self {
            FileOutcome::Checked { report, .. } => &report.path,
            FileOutcome::Unreadable(e) => &e.path,
        }
    }
}

/// How many links got each verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkCounts {
    /// Links proved symbolically.
    pub proved: usize,
    /// Links that held on every sample.
    pub holds: usize,
    /// Links with a counterexample.
    pub false_: usize,
    /// Links with too few defined samples.
    pub undefined: usize,
    /// Links where a limit was reached.
    pub inconclusive: usize,
    /// Links that could not be checked.
    pub error: usize,
}

impl LinkCounts {
    /// Every link counted.
    pub fn total(&self) -> usize {
        self.proved + self.holds + self.false_ + self.undefined + self.inconclusive + self.error
    }

    /// The count for one verdict.
    pub fn get(&self, verdict: Verdict) -> usize {
        match verdict {
            Verdict::Proved => self.proved,
            Verdict::Holds => self.holds,
            Verdict::False => self.false_,
            Verdict::Undefined => self.undefined,
            Verdict::Inconclusive => self.inconclusive,
            Verdict::Error => self.error,
        }
    }

    fn add(&mut self, verdict: Verdict) {
        let slot = match verdict {
            Verdict::Proved => &mut self.proved,
            Verdict::Holds => &mut self.holds,
            Verdict::False => &mut self.false_,
            Verdict::Undefined => &mut self.undefined,
            Verdict::Inconclusive => &mut self.inconclusive,
            Verdict::Error => &mut self.error,
        };
        *slot += 1;
    }
}

/// All verdicts, in the order reports list them (best first).
pub const VERDICTS: [Verdict; 6] = [
    Verdict::Proved,
    Verdict::Holds,
    Verdict::False,
    Verdict::Undefined,
    Verdict::Inconclusive,
    Verdict::Error,
];

/// How a claim came out, for counting and for its mark in the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    /// Every link proved or holds.
    Verified,
    /// Some link is false, undefined or inconclusive, and none is in error.
    Failed,
    /// Some link could not be checked.
    Error,
}

impl ClaimStatus {
    /// The status of a claim, from its links (and its own verdict, in case
    /// a claim without links was marked as an error).
    pub fn of(claim: &ClaimReport) -> ClaimStatus {
        if claim.verdict == Verdict::Error
            || claim.steps.iter().any(|s| s.verdict == Verdict::Error)
        {
            ClaimStatus::Error
        } else if claim.verified() && claim.verdict.is_ok() {
            ClaimStatus::Verified
        } else {
            ClaimStatus::Failed
        }
    }

    /// The status's name in JSON and in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Verified => "verified",
            ClaimStatus::Failed => "failed",
            ClaimStatus::Error => "error",
        }
    }
}

/// The counts of a whole run, from which the exit code follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files named on the command line.
    pub files: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    /// Errors outside any claim (syntax, declarations, definitions).
    pub file_errors: usize,
    /// Claims found.
    pub claims: usize,
    /// Claims whose every link is proved or holds.
    pub verified: usize,
    /// Claims with a false, undefined or inconclusive link and no error.
    pub failed: usize,
    /// Claims with a link in error.
    pub errored: usize,
    /// Links by verdict.
    pub links: LinkCounts,
}

impl Summary {
    /// Counts the outcomes of a run.
    pub fn of(outcomes: &[FileOutcome]) -> Summary {
        let mut s = Summary {
            files: outcomes.len(),
            ..Summary::default()
        };
        for outcome in outcomes {
            let report = match outcome {
                FileOutcome::Checked { report, .. } => report,
                FileOutcome::Unreadable(_) => {
                    s.unreadable += 1;
                    continue;
                }
            };
            s.file_errors += report.errors.len();
            for claim in &report.claims {
                s.claims += 1;
                match ClaimStatus::of(claim) {
                    ClaimStatus::Verified => s.verified += 1,
                    ClaimStatus::Failed => s.failed += 1,
                    ClaimStatus::Error => s.errored += 1,
                }
                for step in &claim.steps {
                    s.links.add(step.verdict);
                }
            }
        }
        s
    }

    /// The process's exit code: errors first, then failures.
    ///
    /// An error means part of the input was not checked at all, so a clean
    /// "1" would understate the problem; that is why 2 wins over 1.
    pub fn exit_code(&self) -> u8 {
        if self.unreadable > 0 || self.file_errors > 0 || self.errored > 0 || self.links.error > 0 {
            EXIT_ERROR
        } else if self.failed > 0
            || self.links.false_ > 0
            || self.links.undefined > 0
            || self.links.inconclusive > 0
        {
            EXIT_FAILED
        } else {
            EXIT_VERIFIED
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
    /// A link in error: its diagnostic, rendered as the text report shows
    /// it (without colour).
    Diagnostic(String),
    /// A link in error without a diagnostic: its message.
    Error(&'a str),
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
            evidence: evidence(report, source, step),
        }));
    }
    emit(Piece::ChainEnd);
}

fn evidence<'a>(report: &FileReport, source: &str, step: &'a StepReport) -> Evidence<'a> {
    match (step.verdict, &step.counterexample) {
        (Verdict::Proved | Verdict::Holds, _) => Evidence::None,
        (Verdict::False, Some(cx)) => Evidence::Counterexample(cx),
        (Verdict::False | Verdict::Undefined | Verdict::Inconclusive, _) => {
            Evidence::Message(step.message.as_deref().unwrap_or(step.verdict.as_str()))
        }
        (Verdict::Error, _) => match &step.diagnostic {
            Some(d) => Evidence::Diagnostic(plain_diagnostic(report, source, d)),
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
    let diagnostic = step.diagnostic.as_ref();
    let reason = step
        .message
        .as_deref()
        .or(diagnostic.map(|d| d.message.as_str()));
    (reason, diagnostic.and_then(|d| d.help.as_deref()))
}

/// The `--color` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour, even into a pipe and despite `NO_COLOR`.
    Always,
    /// Never colour.
    Never,
}

/// Whether to colour a stream.
///
/// An explicit `--color always` beats `NO_COLOR`, as the no-color.org
/// convention asks: the variable sets a default, a flag states intent.
/// `NO_COLOR` counts only when non-empty, and `TERM=dumb` turns colour off
/// in auto mode because such terminals print escape codes literally.
pub fn use_color(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = matches!(no_color, Some(v) if !v.is_empty());
            is_terminal && !no_color && term != Some("dumb")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::syntax::span::Span;
    use crate::verify::FileError;
    use pretty_assertions::assert_eq;

    fn claim(verdicts: &[Verdict]) -> ClaimReport {
        let steps: Vec<StepReport> = verdicts
            .iter()
            .map(|&v| testdata::step(1, 1, v, "a", "b"))
            .collect();
        let verdict = verdicts
            .iter()
            .copied()
            .max_by_key(|v| v.severity())
            .unwrap_or(Verdict::Proved);
        ClaimReport {
            name: "c".into(),
            line: 1,
            verdict,
            steps,
        }
    }

    fn file(claims: Vec<ClaimReport>, errors: usize) -> FileOutcome {
        FileOutcome::Checked {
            source: String::new(),
            report: FileReport {
                path: "f.txt".into(),
                claims,
                errors: (0..errors)
                    .map(|_| FileError {
                        line: 1,
                        col: 1,
                        message: "bad".into(),
                        diagnostic: Diagnostic::new(Span::default(), "bad"),
                    })
                    .collect(),
            },
        }
    }

    fn unreadable() -> FileOutcome {
        FileOutcome::Unreadable(ReadError::is_directory("d"))
    }

    use Verdict::*;

    #[test]
    fn exit_codes_follow_the_worst_outcome() {
        let cases: Vec<(Vec<FileOutcome>, u8)> = vec![
            (vec![], 0),
            (vec![file(vec![], 0)], 0),
            (vec![file(vec![claim(&[Proved, Holds])], 0)], 0),
            (vec![file(vec![claim(&[Proved, False])], 0)], 1),
            (vec![file(vec![claim(&[Undefined])], 0)], 1),
            (vec![file(vec![claim(&[Inconclusive])], 0)], 1),
            (vec![file(vec![claim(&[False]), claim(&[Error])], 0)], 2),
            (vec![file(vec![claim(&[False])], 1)], 2),
            (vec![file(vec![claim(&[False])], 0), unreadable()], 2),
            (vec![unreadable(), file(vec![claim(&[Proved])], 0)], 2),
        ];
        for (i, (outcomes, code)) in cases.iter().enumerate() {
            assert_eq!(Summary::of(outcomes).exit_code(), *code, "case {i}");
        }
    }

    #[test]
    fn summary_counts_claims_and_links() {
        let outcomes = vec![
            file(
                vec![
                    claim(&[Proved, Holds]),
                    claim(&[Proved, False, Undefined]),
                    claim(&[Error, Inconclusive]),
                ],
                2,
            ),
            unreadable(),
        ];
        assert_eq!(
            Summary::of(&outcomes),
            Summary {
                files: 2,
                unreadable: 1,
                file_errors: 2,
                claims: 3,
                verified: 1,
                failed: 1,
                errored: 1,
                links: LinkCounts {
                    proved: 2,
                    holds: 1,
                    false_: 1,
                    undefined: 1,
                    inconclusive: 1,
                    error: 1,
                },
            }
        );
        assert_eq!(Summary::of(&outcomes).links.total(), 7);
    }

    #[test]
    fn the_walk_goes_file_by_file_and_link_by_link() {
        let outcomes = [testdata::checked(), testdata::missing()];
        let mut seen = Vec::new();
        walk(&outcomes, |piece| {
            seen.push(match piece {
                Piece::File { index, .. } => format!("file {index}"),
                Piece::Unreadable(_) => "unreadable".into(),
                Piece::FileError(_) => "file error".into(),
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

    #[test]
    fn colour_rules() {
        use ColorChoice::*;
        assert!(use_color(Auto, true, None, Some("xterm")));
        assert!(!use_color(Auto, false, None, None));
        assert!(!use_color(Auto, true, Some("1"), None));
        assert!(use_color(Auto, true, Some(""), None));
        assert!(!use_color(Auto, true, None, Some("dumb")));
        assert!(use_color(Always, false, Some("1"), Some("dumb")));
        assert!(!use_color(Never, true, None, None));
    }
}
