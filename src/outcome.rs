//! The results model: what a run found, as plain data. Verdicts, the
//! reports on each link, claim and file, what happened to each file named
//! on the command line, the counts of a run and the exit code that follows
//! from them.
//!
//! [`crate::verify_source`] fills these in; [`crate::report`] renders them. Nothing
//! here computes a verdict or writes text for people.

use crate::diag::Diagnostic;
use crate::input::ReadError;
use crate::numeric::Counterexample;
use crate::syntax::span::Span;

/// The verdict on one link (and, summarized, on a claim).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Verdict {
    /// Both sides have the same canonical form.
    Proved,
    /// No counterexample in many samples; not proved symbolically.
    Holds,
    /// A counterexample was found.
    False,
    /// No (or too few) samples where both sides are defined.
    Undefined,
    /// A size or work limit was reached before either witness decided.
    Inconclusive,
    /// The link could not be checked (parse, name, shape or index error).
    Error,
}

impl Verdict {
    /// The verdict's name as printed and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Proved => "proved",
            Verdict::Holds => "holds",
            Verdict::False => "false",
            Verdict::Undefined => "undefined",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Error => "error",
        }
    }

    /// True for the verdicts that verify a link.
    pub fn is_ok(self) -> bool {
        matches!(self, Verdict::Proved | Verdict::Holds)
    }

    /// How bad a verdict is, for summarizing a claim by its worst link.
    pub(crate) fn severity(self) -> u8 {
        match self {
            Verdict::Proved => 0,
            Verdict::Holds => 1,
            Verdict::Inconclusive => 2,
            Verdict::Undefined => 3,
            Verdict::False => 4,
            Verdict::Error => 5,
        }
    }
}

/// The name of the exact-random witness in [`StepReport::witness`].
pub const EXACT_RANDOM: &str = "exact-random";

/// The report on one link.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct StepReport {
    /// Line of the step.
    pub line: usize,
    /// Column of the step's first character.
    pub col: usize,
    /// The step's source span (bytes), for underlining.
    pub span: Span,
    /// The verdict.
    pub verdict: Verdict,
    /// The left side as written.
    pub lhs: String,
    /// The right side as written.
    pub rhs: String,
    /// The justification comment, if any.
    pub justification: Option<String>,
    /// Which witness decided: "symbolic", "exact-random" (see
    /// [`StepReport::error_bound`]), "numeric", or absent for errors.
    pub witness: Option<&'static str>,
    /// Samples where both sides were defined, and samples drawn.
    pub samples: Option<SampleCount>,
    /// The shrunk counterexample, when false.
    pub counterexample: Option<Counterexample>,
    /// What went wrong, for undefined and inconclusive verdicts and for
    /// errors no diagnostic describes (an internal error); see
    /// [`StepReport::reason`], which also reads the diagnostic. On a proved
    /// or holding link, a note: where a derivative through a kink does not
    /// exist, or a proof the numeric witness could not confirm.
    /// For a link proved by the exact-random witness, its error bound.
    pub message: Option<String>,
    /// The diagnostic behind an error verdict: the one place its text is
    /// kept.
    pub diagnostic: Option<Diagnostic>,
    /// For a false link, one line a student understands: what went wrong
    /// ("the inner derivative of a x is missing"). Filled by a later stage.
    pub diagnosis: Option<String>,
    /// For a proved link, the named rules that proved it, in order.
    pub trace: Vec<String>,
}

/// Sample counts of the numeric witness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleCount {
    /// Samples where both sides were defined.
    pub defined: u32,
    /// Samples drawn.
    pub tried: u32,
}

impl StepReport {
    /// A step with the given place, verdict and sides, and nothing else
    /// yet: no witness, samples, counterexample, message or trace.
    pub fn new(
        line: usize,
        col: usize,
        span: Span,
        verdict: Verdict,
        lhs: String,
        rhs: String,
    ) -> StepReport {
        StepReport {
            line,
            col,
            span,
            verdict,
            lhs,
            rhs,
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

    /// For a link proved by the exact-random witness, its error bound
    /// ("exact evaluation at 4 random points … error probability <
    /// 2^-150"): every report states it, since such a proof is probabilistic.
    pub fn error_bound(&self) -> Option<&str> {
        match (self.verdict, self.witness) {
            (Verdict::Proved, Some(EXACT_RANDOM)) => self.message.as_deref(),
            _ => None,
        }
    }

    /// What went wrong, in one sentence: the message, or else the
    /// diagnostic's.
    pub fn reason(&self) -> Option<&str> {
        self.message
            .as_deref()
            .or(self.diagnostic.as_ref().map(|d| d.message.as_str()))
    }
}

/// The report on one claim.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ClaimReport {
    /// The claim's name.
    pub name: String,
    /// Line of the claim.
    pub line: usize,
    /// The worst verdict of its links.
    pub verdict: Verdict,
    /// One report per link.
    pub steps: Vec<StepReport>,
}

impl ClaimReport {
    /// True when every link is proved or holds.
    pub fn verified(&self) -> bool {
        self.steps.iter().all(|s| s.verdict.is_ok())
    }
}

/// An error outside any claim (syntax, declarations, definitions).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FileError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong, with where and any help.
    pub diagnostic: Diagnostic,
}

impl FileError {
    /// What is wrong, in one sentence.
    pub fn message(&self) -> &str {
        &self.diagnostic.message
    }
}

/// The report on one file.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// Claims in source order.
    pub claims: Vec<ClaimReport>,
    /// Errors outside claims.
    pub errors: Vec<FileError>,
    /// What reading a Markdown or LaTeX document found that is not a
    /// verdict: displays not read, relations not checked, names assumed
    /// (always empty for the derivation language).
    pub notes: Vec<FileNote>,
    /// The sampler's seed for this file: `--seed`, or derived from the
    /// file's contents (never its path), so the report can be reproduced.
    pub seed: u64,
}

/// A finding of a document's reader, at a line and column.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FileNote {
    /// Line (1-based).
    pub line: usize,
    /// Column (1-based, in characters).
    pub col: usize,
    /// The bytes it is about.
    pub span: Span,
    /// What kind of finding.
    pub kind: NoteKind,
    /// What it says, for a person.
    pub message: String,
}

/// The kinds of [`FileNote`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoteKind {
    /// A display, or part of one, that could not be read: its chains are
    /// not checked. Counted in the summary; an error only with `--strict`.
    Unread,
    /// A relation other than `=` (`\le`, `\approx`, `\Rightarrow`): it ends
    /// its chain and is not checked.
    Unchecked,
    /// Names no context declares, assumed from their use.
    Assumed,
    /// A reading that could have gone another way (`W_1` with both `W` and
    /// `W1` declared).
    Reading,
    /// Work accepted as a teacher would read it, with a remark on a sloppy
    /// notation (a bound index shadowing a free one, a user definition
    /// replacing a built-in one). Never an error, not even with `--strict`.
    Warning,
}

impl NoteKind {
    /// The words reports use: `not read`, `not checked`, `assumed`, `note`,
    /// `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Unread => "not read",
            NoteKind::Unchecked => "not checked",
            NoteKind::Assumed => "assumed",
            NoteKind::Reading => "note",
            NoteKind::Warning => "warning",
        }
    }
}

impl FileReport {
    /// The report of a file whose checking panicked (a bug in derivcheck):
    /// one file error at 1:1 naming the panic, so the run exits 2 and the
    /// other files' reports are kept.
    pub fn internal_error(path: &str, panic: &(dyn std::any::Any + Send)) -> FileReport {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let message = format!("internal error while checking this file: {what}");
        FileReport {
            path: path.to_string(),
            claims: Vec::new(),
            notes: Vec::new(),
            seed: 0,
            errors: vec![FileError {
                line: 1,
                col: 1,
                diagnostic: Diagnostic::new(Span::new(0, 0), message)
                    .with_help("this is a bug in derivcheck; please report it with this file"),
            }],
        }
    }

    /// True when the file has no error and every claim is verified.
    pub fn verified(&self) -> bool {
        self.errors.is_empty() && self.claims.iter().all(ClaimReport::verified)
    }
}

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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
pub struct Summary {
    /// Files named on the command line.
    pub files: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    /// Errors outside any claim (syntax, declarations, definitions).
    pub file_errors: usize,
    /// Displays (or parts of them) of documents that could not be read.
    pub unread: usize,
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
    /// The seeds the files read were sampled with.
    pub seed: RunSeed,
}

/// The seeds of a run's files, for its summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunSeed {
    /// No file was read.
    #[default]
    None,
    /// Every file read was sampled with this seed.
    One(u64),
    /// The files' seeds differ (each derived from its contents).
    PerFile,
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
            s.seed = match s.seed {
                RunSeed::None => RunSeed::One(report.seed),
                RunSeed::One(seed) if seed == report.seed => RunSeed::One(seed),
                _ => RunSeed::PerFile,
            };
            s.file_errors += report.errors.len();
            s.unread += report
                .notes
                .iter()
                .filter(|n| n.kind == NoteKind::Unread)
                .count();
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

    /// [`Summary::exit_code`] under `--strict`: a display that could not
    /// be read is an error too.
    pub fn exit_code_strict(&self) -> u8 {
        if self.unread > 0 {
            EXIT_ERROR
        } else {
            self.exit_code()
        }
    }

    /// The process's exit code: errors first, then failures (displays not
    /// read aside: see [`Summary::exit_code_strict`]).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
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
                notes: Vec::new(),
                seed: 7,
                errors: (0..errors)
                    .map(|_| FileError {
                        line: 1,
                        col: 1,
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
                unread: 0,
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
                seed: RunSeed::One(7),
            }
        );
        assert_eq!(Summary::of(&outcomes).links.total(), 7);
    }
}
