//! JUnit XML, the format CI servers (GitLab, Jenkins, Azure, test-reporter
//! actions) turn into a test tab: one `<testsuite>` per file and one
//! `<testcase>` per claim.
//!
//! ```xml
//! <testsuites name="derivcheck" tests="1" failures="1" errors="0">
//!   <testsuite name="lost_sign.txt" tests="1" failures="1" errors="0" skipped="0">
//!     <properties>
//!       <property name="seed" value="4203153751211383305"/>
//!     </properties>
//!     <testcase classname="lost_sign.txt" name="sigmoid_derivative" file="lost_sign.txt" line="8">
//!       <failure type="false" message="1 of 4 links false: line 11">…</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! A claim with a link in error gets `<error>` (it was not fully checked);
//! one with a false, undefined or inconclusive link gets `<failure>`. Errors
//! outside claims and unreadable files become a test case named `<file>`,
//! a name no claim can have, so that CI shows them too.
//!
//! A document's notes are not verdicts: a display not read and a relation
//! not checked are skipped test cases (`not read at 12:1`), which every CI
//! viewer lists and counts; the names assumed and the other readings are the
//! suite's `<system-out>`.

use super::github::counterexample;
use super::reason_and_help;
use super::xml::{attr, text};
use crate::outcome::{ClaimReport, NoteKind, StepReport, Verdict};
use crate::outcome::{ClaimStatus, FileOutcome};
use std::fmt::Write as _;

/// The name of the test case that stands for problems outside claims.
pub(crate) const FILE_CASE: &str = "<file>";

/// The whole run as one XML document, with a final newline.
pub fn render(outcomes: &[FileOutcome]) -> String {
    let suites: Vec<Suite> = outcomes.iter().map(suite).collect();
    let total = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"derivcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        total(|s| s.cases.len()),
        total(Suite::failures),
        total(Suite::errors),
    );
    for s in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            attr(&s.path),
            s.cases.len(),
            s.failures(),
            s.errors(),
            s.skipped(),
        );
        if let Some(seed) = s.seed {
            let _ = writeln!(
                out,
                "    <properties>\n      <property name=\"seed\" value=\"{seed}\"/>\n    </properties>"
            );
        }
        for case in &s.cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                attr(&s.path),
                attr(&case.name),
                attr(&s.path),
            );
            if let Some(line) = case.line {
                let _ = write!(out, " line=\"{line}\"");
            }
            match &case.problem {
                None if case.skipped.is_some() => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        attr(case.skipped.as_deref().unwrap_or_default()),
                    );
                }
                None if !case.bounds.is_empty() => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        text(&case.bounds)
                    );
                }
                None => out.push_str("/>\n"),
                Some(p) => {
                    let tag = if p.error { "error" } else { "failure" };
                    let _ = writeln!(
                        out,
                        ">\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    </testcase>",
                        attr(&p.kind),
                        attr(&p.message),
                        text(&p.body),
                    );
                }
            }
        }
        if !s.out.is_empty() {
            let _ = writeln!(out, "    <system-out>{}</system-out>", text(&s.out));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

struct Suite {
    path: String,
    /// The sampler's seed, as a property (none for a file not read).
    seed: Option<u64>,
    cases: Vec<Case>,
    /// The notes that are no test case, one a line.
    out: String,
}

impl Suite {
    fn skipped(&self) -> usize {
        self.cases.iter().filter(|c| c.skipped.is_some()).count()
    }

    fn failures(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(&c.problem, Some(p) if !p.error))
            .count()
    }

    fn errors(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(&c.problem, Some(p) if p.error))
            .count()
    }
}

struct Case {
    name: String,
    line: Option<usize>,
    problem: Option<Problem>,
    /// Why the case is skipped: the note of a display not read or a
    /// relation not checked.
    skipped: Option<String>,
    /// The error bounds of links proved by the exact-random witness, one
    /// line each, for `<system-out>`.
    bounds: String,
}

struct Problem {
    /// `<error>` rather than `<failure>`.
    error: bool,
    /// The `type` attribute: the claim's worst verdict, or `read`/`source`.
    kind: String,
    /// One line for the CI's list view.
    message: String,
    /// Every link that is not verified, with its evidence.
    body: String,
}

fn suite(outcome: &FileOutcome) -> Suite {
    let path = outcome.path().to_string();
    let mut cases = Vec::new();
    let mut out = String::new();
    match outcome {
        FileOutcome::Unreadable(e) => cases.push(Case {
            name: FILE_CASE.into(),
            line: e.invalid_utf8.map(|p| p.line),
            problem: Some(Problem {
                error: true,
                kind: "read".into(),
                message: format!("cannot read {path}: {}", e.message),
                body: format!("cannot read {path}: {}\n", e.message),
            }),
            skipped: None,
            bounds: String::new(),
        }),
        FileOutcome::Checked { report, .. } => {
            if let Some(first) = report.errors.first() {
                let body: String = report
                    .errors
                    .iter()
                    .map(|e| {
                        let help = e
                            .diagnostic
                            .help
                            .as_deref()
                            .map(|h| format!("\n  help: {h}"))
                            .unwrap_or_default();
                        format!("{path}:{}:{}: {}{help}\n", e.line, e.col, e.message())
                    })
                    .collect();
                cases.push(Case {
                    name: FILE_CASE.into(),
                    line: Some(first.line),
                    problem: Some(Problem {
                        error: true,
                        kind: "source".into(),
                        message: format!(
                            "{} error(s) outside claims; first at line {}: {}",
                            report.errors.len(),
                            first.line,
                            first.message()
                        ),
                        body,
                    }),
                    skipped: None,
                    bounds: String::new(),
                });
            }
            cases.extend(report.claims.iter().map(|c| claim_case(&path, c)));
            for note in &report.notes {
                match note.kind {
                    NoteKind::Unread | NoteKind::Unchecked => cases.push(Case {
                        name: format!("{} at {}:{}", note.kind.as_str(), note.line, note.col),
                        line: Some(note.line),
                        problem: None,
                        skipped: Some(note.message.clone()),
                        bounds: String::new(),
                    }),
                    _ => {
                        let _ = writeln!(
                            out,
                            "{path}:{}:{}: {}: {}",
                            note.line,
                            note.col,
                            note.kind.as_str(),
                            note.message
                        );
                    }
                }
            }
        }
    }
    let seed = match outcome {
        FileOutcome::Checked { report, .. } => Some(report.seed),
        _ => None,
    };
    Suite {
        path,
        seed,
        cases,
        out,
    }
}

fn claim_case(path: &str, claim: &ClaimReport) -> Case {
    let status = ClaimStatus::of(claim);
    let bad: Vec<&StepReport> = claim.steps.iter().filter(|s| !s.verdict.is_ok()).collect();
    let problem = (status != ClaimStatus::Verified).then(|| {
        let mut lines: Vec<String> = bad.iter().map(|s| s.line.to_string()).collect();
        lines.dedup();
        let message = if bad.is_empty() {
            format!("claim is {}", claim.verdict.as_str())
        } else {
            format!(
                "{} of {} links {}: {} {}",
                bad.len(),
                claim.steps.len(),
                if bad.iter().all(|s| s.verdict == bad[0].verdict) {
                    bad[0].verdict.as_str()
                } else {
                    "not verified"
                },
                if lines.len() == 1 { "line" } else { "lines" },
                lines.join(", ")
            )
        };
        Problem {
            error: status == ClaimStatus::Error,
            kind: claim.verdict.as_str().into(),
            message,
            body: bad.iter().map(|s| step_body(path, s)).collect(),
        }
    });
    Case {
        name: claim.name.clone(),
        line: Some(claim.line),
        problem,
        skipped: None,
        bounds: claim
            .steps
            .iter()
            .filter_map(|s| {
                let bound = s.error_bound()?;
                Some(format!(
                    "{path}:{}:{}: proved (exact-random): {bound}\n",
                    s.line, s.col
                ))
            })
            .collect(),
    }
}

/// `path:line:col: verdict: lhs = rhs`, then the evidence, indented.
fn step_body(path: &str, step: &StepReport) -> String {
    let mut out = format!(
        "{path}:{}:{}: {}: {} = {}\n",
        step.line,
        step.col,
        step.verdict.as_str(),
        step.lhs.trim(),
        step.rhs.trim()
    );
    if let Some(j) = &step.justification {
        let _ = writeln!(out, "  justification: {j}");
    }
    match (&step.counterexample, step.verdict) {
        (Some(cx), Verdict::False) => {
            let _ = writeln!(out, "  {}", counterexample(cx));
        }
        _ => {
            let (detail, help) = reason_and_help(step);
            if let Some(d) = detail {
                let _ = writeln!(out, "  {d}");
            }
            if let Some(help) = help {
                let _ = writeln!(out, "  help: {help}");
            }
        }
    }
    if let Some(d) = &step.diagnosis {
        let _ = writeln!(out, "  diagnosis: {d}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn suites_cases_and_counts() {
        let out = render(&[testdata::checked(), testdata::missing()]);
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        assert!(out
            .contains("<testsuites name=\"derivcheck\" tests=\"6\" failures=\"2\" errors=\"3\">"));
        assert!(out.contains(
            "<testsuite name=\"ex.txt\" tests=\"5\" failures=\"2\" errors=\"2\" skipped=\"0\">"
        ));
        assert!(out.contains(
            "<testcase classname=\"ex.txt\" name=\"shift\" file=\"ex.txt\" line=\"3\"/>"
        ));
        assert!(out.contains("<failure type=\"false\" message=\"1 of 1 links false: line 7\">"));
        assert!(out.contains("ex.txt:7:31: false: sum(i, v[i])^2 = sum(i, v[i]^2)\n  counterexample n = 2, v = [1, 1]: left = 4, right = 2\n"));
        assert!(out.contains("<error type=\"error\" message=\"1 of 1 links error: line 9\">"));
        assert!(out.contains("name=\"&lt;file&gt;\""));
        assert!(out.contains(
            "<error type=\"read\" message=\"cannot read missing.txt: no such file or directory\">"
        ));
        assert!(out.ends_with("</testsuites>\n"));
    }

    #[test]
    fn the_message_names_the_lines_of_the_bad_links() {
        let mut report = testdata::report();
        let mut second = report.claims[1].steps[0].clone();
        second.line = 8;
        report.claims[1].steps.push(second);
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert!(
            out.contains("<failure type=\"false\" message=\"2 of 2 links false: lines 7, 8\">"),
            "{out}"
        );
    }

    #[test]
    fn notes_are_skipped_cases_or_the_suites_output() {
        let mut report = testdata::report();
        report.claims.truncate(1);
        report.errors.clear();
        let note = |line, kind, message: &str| crate::outcome::FileNote {
            line,
            col: 1,
            span: crate::Span::new(0, 0),
            kind,
            message: message.to_string(),
        };
        report.notes = vec![
            note(1, NoteKind::Assumed, "x : real"),
            note(4, NoteKind::Unread, "unknown command `\\foo`"),
            note(6, NoteKind::Unchecked, "`≤` is not an equality"),
        ];
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert!(
            out.contains("tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"2\">"),
            "{out}"
        );
        assert!(
            out.contains(
                "name=\"not read at 4:1\" file=\"ex.txt\" line=\"4\">\n      <skipped message=\"unknown command `\\foo`\"/>"
            ),
            "{out}"
        );
        assert!(out.contains("name=\"not checked at 6:1\""), "{out}");
        assert!(
            out.contains("<system-out>ex.txt:1:1: assumed: x : real\n</system-out>"),
            "{out}"
        );
    }

    #[test]
    fn a_verified_run_has_no_failures() {
        let mut report = testdata::report();
        report.claims.truncate(1);
        report.errors.clear();
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert!(out.contains("tests=\"1\" failures=\"0\" errors=\"0\">"));
        assert!(!out.contains("<failure") && !out.contains("<error"));
    }
}
