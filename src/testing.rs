//! Checking derivations from another crate's test suite.
//!
//! A project that keeps its derivations next to its code (the gradient of a
//! loss it implements, say) can make `cargo test` fail when a step stops
//! checking out:
//!
//! ```
//! // In tests/derivations.rs of your crate, inside a #[test] function:
//! derivcheck::testing::assert_verified(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/derivations/softmax.txt"
//! ));
//! ```
//!
//! When a claim is not verified, the test panics with the plain-text report
//! (no colour, so it reads well in any CI log), which shows the false step
//! and its counterexample. [`check_file`] and [`check_source`] return that
//! report as an `Err` instead, for tests that want to assert on it.
//!
//! This is the one place in the library that reads a file (through
//! [`crate::input`], as the command line does): its callers are test
//! suites, which have no `main.rs` to do it for them.

use crate::input::read_file;
use crate::outcome::{FileOutcome, Summary, EXIT_VERIFIED};
use crate::parallel::with_big_stack;
use crate::report::terminal;
use crate::verify::{verify_source, Options};
use std::path::Path;

/// Verifies the derivation file at `path` and panics, with the plain-text
/// report, unless every claim is verified.
///
/// A relative path is relative to the current directory, which under
/// `cargo test` is the package's root.
///
/// ```
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/derivations/sigmoid.txt");
/// derivcheck::testing::assert_verified(path);
/// ```
#[track_caller]
pub fn assert_verified(path: impl AsRef<Path>) {
    if let Err(report) = check_file(path) {
        panic!("derivation not verified:\n{report}");
    }
}

/// Verifies a derivation given as text and panics, with the plain-text
/// report, unless every claim is verified. `name` stands for the file's
/// path in the report.
///
/// ```
/// derivcheck::testing::assert_verified_source(
///     "double.txt",
///     "x : real\nclaim double: 2 x = x + x\n",
/// );
/// ```
#[track_caller]
pub fn assert_verified_source(name: &str, text: &str) {
    if let Err(report) = check_source(name, text) {
        panic!("derivation not verified:\n{report}");
    }
}

/// Verifies the file at `path`: `Ok` when every claim is verified,
/// otherwise the plain-text report. An unreadable file is an `Err` too.
///
/// ```
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/derivations/mistakes/lost_sign.txt");
/// let report = derivcheck::testing::check_file(path).unwrap_err();
/// assert!(report.contains("false"));
/// ```
pub fn check_file(path: impl AsRef<Path>) -> Result<(), String> {
    let path = path.as_ref();
    match read_file(path) {
        Ok(text) => check_source(&path.to_string_lossy(), &text),
        Err(e) => Err(render(&[FileOutcome::Unreadable(e)])),
    }
}

/// Verifies a derivation given as text: `Ok` when every claim is verified,
/// otherwise the plain-text report.
pub fn check_source(name: &str, text: &str) -> Result<(), String> {
    // The stages recurse over expressions, and the default 2 MiB of a test
    // thread is too little for deeply nested input. A panic while checking
    // is a bug in derivcheck: it reaches the caller as it is.
    let report = with_big_stack(|| verify_source(name, text, &Options::default()));
    let outcomes = [FileOutcome::Checked {
        source: text.to_string(),
        report,
    }];
    if Summary::of(&outcomes).exit_code() == EXIT_VERIFIED {
        Ok(())
    } else {
        Err(render(&outcomes))
    }
}

fn render(outcomes: &[FileOutcome]) -> String {
    terminal::render(outcomes, &terminal::Config::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_false_step_is_an_err_with_the_report() {
        let text = "x : real\nclaim wrong: (x + 1)^2 = x^2 + 1\n";
        let report = check_source("wrong.txt", text).unwrap_err();
        assert!(report.contains("wrong.txt"), "{report}");
        assert!(report.contains("counterexample"), "{report}");
        assert!(!report.contains('\u{1b}'), "no colour: {report}");
    }

    #[test]
    fn a_missing_file_is_an_err() {
        let report = check_file("no/such/file.txt").unwrap_err();
        assert!(
            report.contains("cannot read no/such/file.txt: no such file or directory"),
            "{report}"
        );
    }

    #[test]
    fn a_syntax_error_is_an_err() {
        assert!(check_source("bad.txt", "claim : = \n").is_err());
    }
}
