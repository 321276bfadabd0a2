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
//! ([`FileOutcome`]), the description of a file that could not be read
//! ([`ReadError`]), the counts of a run ([`Summary`]) and the exit code that
//! follows from them.

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

use crate::verify::{ClaimReport, FileReport, Verdict};

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

/// Why a file could not be read, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The path as given.
    pub path: String,
    /// What went wrong, without the path ("no such file or directory").
    pub message: String,
    /// Where the first byte that is not UTF-8 stands, for such files.
    pub invalid_utf8: Option<BytePosition>,
}

/// A position in a file that could not be decoded, for pointing at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BytePosition {
    /// 0-based byte offset.
    pub byte: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters of the valid text before it.
    pub col: usize,
}

impl ReadError {
    /// Describes an I/O error from opening or reading `path`.
    ///
    /// The common kinds get short, stable wording; the others keep the
    /// operating system's message, which is the best information there is.
    pub fn from_io(path: &str, error: &std::io::Error) -> ReadError {
        use std::io::ErrorKind;
        let message = match error.kind() {
            ErrorKind::NotFound => "no such file or directory".to_string(),
            ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => error.to_string(),
        };
        ReadError {
            path: path.to_string(),
            message,
            invalid_utf8: None,
        }
    }

    /// The error for a path that names a directory.
    pub fn is_directory(path: &str) -> ReadError {
        ReadError {
            path: path.to_string(),
            message: "is a directory, not a file".to_string(),
            invalid_utf8: None,
        }
    }
}

/// Turns a file's bytes into the text to verify.
///
/// A leading UTF-8 byte-order mark is dropped (editors on Windows write
/// one); anything that is not UTF-8 is an error that says at which byte,
/// line and column, because the user has to find it in an editor.
pub fn decode(path: &str, mut bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let utf8 = e.utf8_error();
        let valid = utf8.valid_up_to();
        let bad_len = utf8.error_len().unwrap_or(bytes.len() - valid);
        let bad = bytes
            .get(valid..valid + bad_len)
            .unwrap_or(&[])
            .iter()
            .map(|b| format!("0x{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ");
        // The prefix up to `valid` is UTF-8 by definition.
        let before = std::str::from_utf8(bytes.get(..valid).unwrap_or(&[])).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let what = if utf8.error_len().is_none() {
            "an incomplete UTF-8 sequence"
        } else {
            "invalid UTF-8"
        };
        ReadError {
            path: path.to_string(),
            message: format!(
                "not a UTF-8 text file: {what} ({bad}) at byte {valid} (line {line}, column {col})"
            ),
            invalid_utf8: Some(BytePosition {
                byte: valid,
                line,
                col,
            }),
        }
    })
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
    use crate::verify::{FileError, StepReport};
    use pretty_assertions::assert_eq;

    fn step(verdict: Verdict) -> StepReport {
        StepReport {
            line: 1,
            col: 1,
            span: Span::default(),
            verdict,
            lhs: "a".into(),
            rhs: "b".into(),
            justification: None,
            witness: None,
            samples: None,
            counterexample: None,
            message: None,
            diagnostic: None,
            diagnosis: None,
            trace: Vec::new(),
        }
    }

    fn claim(verdicts: &[Verdict]) -> ClaimReport {
        let steps: Vec<StepReport> = verdicts.iter().map(|&v| step(v)).collect();
        let verdict = verdicts
            .iter()
            .copied()
            .max_by_key(|v| match v {
                Verdict::Proved => 0,
                Verdict::Holds => 1,
                Verdict::Inconclusive => 2,
                Verdict::Undefined => 3,
                Verdict::False => 4,
                Verdict::Error => 5,
            })
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
    fn decode_drops_a_byte_order_mark() {
        assert_eq!(
            decode("f", b"\xEF\xBB\xBFx = 1".to_vec()),
            Ok("x = 1".into())
        );
    }

    #[test]
    fn decode_says_where_the_bad_byte_is() {
        let e = decode("f.txt", b"ab\nc\xCE\xB1d\xFFe".to_vec()).unwrap_err();
        assert_eq!(
            e.invalid_utf8,
            Some(BytePosition {
                byte: 7,
                line: 2,
                col: 4
            })
        );
        assert_eq!(
            e.message,
            "not a UTF-8 text file: invalid UTF-8 (0xff) at byte 7 (line 2, column 4)"
        );
    }

    #[test]
    fn decode_reports_a_truncated_sequence_at_the_end() {
        let e = decode("f.txt", b"x\xE2\x88".to_vec()).unwrap_err();
        assert_eq!(
            e.message,
            "not a UTF-8 text file: an incomplete UTF-8 sequence (0xe2 0x88) at byte 1 \
             (line 1, column 2)"
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
