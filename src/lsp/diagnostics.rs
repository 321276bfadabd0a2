//! A file's report as LSP diagnostics: one per link that is not proved,
//! per error outside claims and per note. A false link and an error are
//! errors; an undefined or inconclusive link, and a note that something
//! was not read or checked, are warnings; a link that holds is information
//! ("holds (not proved)"), since no proof stands behind it. A proved link
//! gets no diagnostic: its inlay hint (✓) says so without crowding the
//! editor's list of problems.

use super::position::Lines;
use crate::outcome::{FileReport, NoteKind, StepReport, Verdict};
use crate::report::github::step_message;
use crate::syntax::span::Span;
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

/// Every diagnostic of `report`, whose spans point into `text`.
pub(crate) fn diagnostics(uri: &Uri, text: &str, report: &FileReport) -> Vec<Diagnostic> {
    let lines = Lines::new(text);
    let mut out = Vec::new();
    for error in &report.errors {
        let d = &error.diagnostic;
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push(Diagnostic {
            related_information: related(uri, &lines, &d.labels),
            ..diagnostic(
                lines.range(d.span),
                DiagnosticSeverity::ERROR,
                "error",
                message,
            )
        });
    }
    for note in &report.notes {
        let severity = match note.kind {
            NoteKind::Unread | NoteKind::Unchecked | NoteKind::Warning => {
                DiagnosticSeverity::WARNING
            }
            _ => DiagnosticSeverity::INFORMATION,
        };
        out.push(diagnostic(
            lines.range(note.span),
            severity,
            note.kind.as_str(),
            format!("{}: {}", note.kind.as_str(), note.message),
        ));
    }
    for claim in &report.claims {
        for step in &claim.steps {
            if let Some(d) = link(uri, &lines, step) {
                out.push(d);
            }
        }
    }
    out
}

/// The diagnostic of one link, or `None` for a proved one.
fn link(uri: &Uri, lines: &Lines, step: &StepReport) -> Option<Diagnostic> {
    let severity = match step.verdict {
        Verdict::Proved => return None,
        Verdict::Holds => DiagnosticSeverity::INFORMATION,
        Verdict::Undefined | Verdict::Inconclusive => DiagnosticSeverity::WARNING,
        _ => DiagnosticSeverity::ERROR,
    };
    let mut message = step_message(step);
    if step.verdict == Verdict::Holds {
        message = message.replacen("holds", "holds (not proved)", 1);
    }
    // An error points at what is wrong inside the step (the unknown name,
    // the product that does not fit), which is where its quick fix goes.
    let (span, labels) = match &step.diagnostic {
        Some(d) if step.verdict == Verdict::Error => (d.span, d.labels.as_slice()),
        _ => (step.span, &[][..]),
    };
    Some(Diagnostic {
        related_information: related(uri, lines, labels),
        ..diagnostic(lines.range(span), severity, step.verdict.as_str(), message)
    })
}

fn diagnostic(
    range: lsp_types::Range,
    severity: DiagnosticSeverity,
    code: &str,
    message: String,
) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(code.to_string())),
        source: Some("derivcheck".into()),
        message,
        ..Diagnostic::default()
    }
}

/// A diagnostic's labels as related information in the same file.
fn related(
    uri: &Uri,
    lines: &Lines,
    labels: &[(Span, String)],
) -> Option<Vec<DiagnosticRelatedInformation>> {
    (!labels.is_empty()).then(|| {
        labels
            .iter()
            .map(|(span, label)| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), lines.range(*span)),
                message: label.clone(),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use pretty_assertions::assert_eq;
    use std::str::FromStr;

    #[test]
    fn each_verdict_has_its_severity_and_range() {
        let uri = Uri::from_str("file:///ex.txt").unwrap();
        let found = diagnostics(&uri, testdata::SOURCE, &testdata::report());
        // The code, the severity, and the line, first and last character.
        type Seen = (String, Option<DiagnosticSeverity>, (u32, u32, u32));
        let summary: Vec<Seen> = found
            .iter()
            .map(|d| {
                let Some(NumberOrString::String(code)) = &d.code else {
                    panic!("{d:?}")
                };
                (
                    code.clone(),
                    d.severity,
                    (
                        d.range.start.line,
                        d.range.start.character,
                        d.range.end.character,
                    ),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("error".into(), Some(DiagnosticSeverity::ERROR), (9, 4, 5)),
                (
                    "holds".into(),
                    Some(DiagnosticSeverity::INFORMATION),
                    (5, 2, 10)
                ),
                ("false".into(), Some(DiagnosticSeverity::ERROR), (6, 30, 44)),
                (
                    "undefined".into(),
                    Some(DiagnosticSeverity::WARNING),
                    (7, 27, 28)
                ),
                // The unknown name, not the whole step.
                ("error".into(), Some(DiagnosticSeverity::ERROR), (8, 16, 17)),
            ]
        );
        assert!(
            found[1].message.starts_with("holds (not proved): "),
            "{}",
            found[1].message
        );
        assert!(
            found[2].message.contains("counterexample n = 2"),
            "{}",
            found[2].message
        );
        let related = found[4].related_information.as_ref().expect("labels");
        assert_eq!(related[0].message, "variables are declared here");
    }
}
