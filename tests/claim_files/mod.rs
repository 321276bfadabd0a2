//! Shared by the claim-suite tests (tests/claims.rs, tests/cas_claims.rs):
//! a claims file verified through the whole pipeline, and its verdicts.

use derivcheck::verify::Verdict;
use derivcheck::{verify_source, FileReport, Options};

/// Verifies a claims file of the crate; it must have no file errors.
pub fn verify(rel: &str) -> FileReport {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let report = verify_source(rel, &text, &Options::default());
    assert!(
        report.errors.is_empty(),
        "{rel}: file errors {:?}",
        report.errors
    );
    report
}

/// Each claim's name and the verdicts of its links.
pub fn verdicts(report: &FileReport) -> Vec<(String, Vec<Verdict>)> {
    report
        .claims
        .iter()
        .map(|c| (c.name.clone(), c.steps.iter().map(|s| s.verdict).collect()))
        .collect()
}
