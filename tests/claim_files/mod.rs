//! Shared by the claim-suite tests (tests/claims.rs, tests/cas_claims.rs):
//! a claims file verified through the whole pipeline, and its verdicts.

use derivcheck::Verdict;
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

/// How many claims have every link proved; prints that count under
/// `label` and lists the claims that are not proved.
pub fn count_proved(label: &str, all: &[(String, Vec<Verdict>)]) -> usize {
    let fully = |v: &[Verdict]| v.iter().all(|&v| v == Verdict::Proved);
    let proved = all.iter().filter(|(_, v)| fully(v)).count();
    println!(
        "{label}: {proved} of {} true claims proved ({:.1}%)",
        all.len(),
        proved as f64 * 100.0 / all.len() as f64
    );
    for (name, v) in all.iter().filter(|(_, v)| !fully(v)) {
        println!("  not proved: {name} {v:?}");
    }
    proved
}
