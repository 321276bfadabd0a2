//! derivcheck checks mathematical derivations step by step: for every link
//! of a chain of equalities it says whether the link is **proved** (both
//! sides reach the same canonical form), **holds** (no counterexample in
//! many random samples, not proved) or is **false** (with a small, shrunk
//! counterexample), and points at the line.
//!
//! ```
//! use derivcheck::{verify_source, Options, Verdict};
//!
//! let text = "\
//! x : real
//! claim square: (x + 1)^2 = x^2 + 2 x + 1
//! ";
//! let report = verify_source("square.txt", text, &Options::default());
//! assert!(report.verified());
//! assert_eq!(report.claims[0].steps[0].verdict, Verdict::Proved);
//! ```
//!
//! The public API:
//!
//! - [`verify_source`], [`verify_sources`] and [`check_files`] run the
//!   pipeline on one text, several texts, or files read from disk, with
//!   [`Options`];
//! - [`outcome`] holds what they return, as plain data: verdicts, step,
//!   claim and file reports, the summary and the exit codes;
//! - [`input`] reads and decodes files and standard input;
//! - [`report`] renders outcomes for a terminal, as JSON, GitHub workflow
//!   commands, JUnit XML, an HTML page or a LaTeX document;
//! - [`grade`] grades a class: which goals of an assignment each
//!   submission reaches, as a table, a CSV and a class page;
//! - [`calc`] runs the symbolic engine on one expression (`simplify`,
//!   `differentiate`);
//! - [`testing`] checks derivations from another crate's test suite;
//! - `lsp` (feature `lsp`) is the language server of `derivcheck lsp`, and
//!   `watch` (feature `watch`) what `derivcheck watch` needs: the links
//!   that changed verdict between two runs, and a watch on the files.
//!
//! Inside, text goes through `syntax` (parser, spans), `lower` (semantic
//! check of names, shapes and indices; index-form scalar expressions in an
//! `expr::Store`), the symbolic witness (`diff`, `canon`) and the numeric
//! witness (`numeric`), to `verify`'s verdicts and `diagnose`'s diagnoses;
//! ARCHITECTURE.md in the repository maps them. None of that is public: it
//! changes as the engines do.
//!
//! Features: `cli` (default) builds the `derivcheck` command line (clap),
//! with `lsp` and `watch`;
//! `mimalloc` (default) makes it allocate with mimalloc. A crate that only
//! uses the library depends on derivcheck with `default-features = false`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod calc;
pub mod grade;
pub mod input;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod outcome;
pub mod report;
pub mod testing;
#[cfg(feature = "watch")]
pub mod watch;

mod canon;
mod diag;
mod diagnose;
mod diff;
mod document;
mod expr;
mod fnv;
mod front;
mod intermediates;
mod latex;
mod lower;
mod numeric;
mod parallel;
mod syntax;
mod verify;

pub use diag::{apply_edits, Diagnostic, Edit};
pub use document::InputKind;
pub use numeric::{Counterexample, SampleValue};
pub use outcome::{ClaimReport, FileError, FileReport, StepReport, Verdict};
pub use syntax::span::{LineIndex, Span};
pub use verify::{check_files, verify_source, verify_sources, Options};

/// Not part of the public API: the internals that derivcheck's own
/// benchmarks and integration tests reach into. They change without notice.
#[doc(hidden)]
pub mod internals {
    pub use crate::canon::{prove_cached, Cache};
    pub use crate::lower::{lower_file, Link, Lowered};
    pub use crate::numeric::{
        check_link, check_links, check_links_with, Limits, NumericOutcome, SampleConfig,
    };
    pub use crate::parallel::with_big_stack;
    pub use crate::syntax::parse_file;
    pub use crate::verify::{group_sides, sampling_groups};
}
